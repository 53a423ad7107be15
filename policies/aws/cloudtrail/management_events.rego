# METADATA
# title: Multi-region CloudTrail trails record management events, read and write
# description: >
#   Every multi-region trail's event selectors (basic or advanced, GetEventSelectors) record
#   management events of both kinds: write events (changes) and read events (Describe/List/Get
#   calls, e.g. who read a key policy). Selectors that could not be read are UNKNOWN.
# custom:
#   id: FF-CT-004
#   severity: medium
#   collection: cloudtrail.trails
#   remediation: Run `aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors ReadWriteType=All,IncludeManagementEvents=true`.
#   frameworks:
#     cis-aws-foundations: ["3.1"]
#     nist-800-53-r5: ["AU-2", "AU-12"]
#   guide_section: Operations & Handover (auditors)
#   area: hygiene
package flowforge.aws.cloudtrail.management_events

import data.flowforge.lib
import rego.v1

in_scope contains t.arn if {
	some t in input.cloudtrail.trails
	t.is_multi_region != false
}

deny contains {
	"arn": t.arn,
	"message": sprintf("trail %s does not record all management events (read: %v, write: %v)", [t.name, t.management_read_events, t.management_write_events]),
	"evidence": {"management_read_events": t.management_read_events, "management_write_events": t.management_write_events},
} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	some field in ["management_read_events", "management_write_events"]
	t[field] == false
}

unknown contains {"arn": t.arn, "reason": lib.unreported_reason(field, "GetEventSelectors")} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	some field in ["management_read_events", "management_write_events"]
	lib.unreported(t, field)
}

unknown contains {"arn": t.arn, "reason": lib.unreported_reason("is_multi_region", "DescribeTrails")} if {
	some t in input.cloudtrail.trails
	lib.unreported(t, "is_multi_region")
}
