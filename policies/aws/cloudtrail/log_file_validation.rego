# METADATA
# title: Multi-region CloudTrail trails validate their log files
# description: >
#   Every multi-region trail has log-file validation on (signed digest files), so a deleted
#   or altered log file is detectable. Single-region trails are out of scope; a flag
#   DescribeTrails did not report is UNKNOWN.
# custom:
#   id: FF-CT-002
#   severity: medium
#   collection: cloudtrail.trails
#   remediation: Run `aws cloudtrail update-trail --name <trail> --enable-log-file-validation`.
#   frameworks:
#     aws-fsbp: ["CloudTrail.4"]
#     cis-aws-foundations: ["3.2"]
#     nist-800-53-r5: ["AU-9", "SI-7"]
#   guide_section: Operations & Handover (auditors)
#   area: hygiene
package flowforge.aws.cloudtrail.log_file_validation

import data.flowforge.lib
import rego.v1

# Multi-region trails, and trails whose scope was not reported (UNKNOWN below).
in_scope contains t.arn if {
	some t in input.cloudtrail.trails
	t.is_multi_region != false
}

unknown contains {"arn": t.arn, "reason": "is_multi_region was not reported by DescribeTrails (null in the snapshot)"} if {
	some t in input.cloudtrail.trails
	object.get(t, "is_multi_region", null) == null
}

deny contains {
	"arn": t.arn,
	"message": sprintf("trail %s does not validate its log files", [t.name]),
	"evidence": {"log_file_validation_enabled": false},
} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	t.log_file_validation_enabled == false
}

unknown contains {"arn": t.arn, "reason": lib.unreported_reason("log_file_validation_enabled", "DescribeTrails")} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	lib.unreported(t, "log_file_validation_enabled")
}
