# METADATA
# title: Multi-region CloudTrail trails encrypt their logs with KMS
# description: >
#   Every multi-region trail names a KMS key (SSE-KMS) for its log files, so reading the
#   audit log needs both S3 and KMS permissions. DescribeTrails omits KmsKeyId when the trail
#   uses SSE-S3 only, which is what a null key means here.
# custom:
#   id: FF-CT-003
#   severity: medium
#   collection: cloudtrail.trails
#   remediation: Run `aws cloudtrail update-trail --name <trail> --kms-key-id <customer-managed key>`.
#   frameworks:
#     aws-fsbp: ["CloudTrail.2"]
#     cis-aws-foundations: ["3.5"]
#     nist-800-53-r5: ["AU-9", "SC-28"]
#   guide_section: Operations & Handover (auditors)
#   area: encryption
package flowforge.aws.cloudtrail.kms_encryption

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
	"message": sprintf("trail %s log files are not encrypted with KMS", [t.name]),
	"evidence": {"kms_key_id": null},
} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	object.get(t, "kms_key_id", null) == null
}
