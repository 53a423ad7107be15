# METADATA
# title: A multi-region CloudTrail trail is logging
# description: >
#   When requirements.cloudtrail_required is true, the account has at least one multi-region
#   trail that is logging (GetTrailStatus), so every API call in every region is recorded.
#   The finding is on the account (`arn:<partition>:cloudtrail:global:<account>:account/multi-region-trail`).
#   A multi-region trail whose status could not be read makes the result UNKNOWN, not FAIL.
#   Trails are collected in their home region: scan that region. The guide does not name
#   CloudTrail; auditors of a regulated data platform expect the account's own audit trail.
# custom:
#   id: FF-CT-001
#   severity: high
#   collection: cloudtrail.trails
#   remediation: Create a trail with `aws cloudtrail create-trail --is-multi-region-trail` and run `aws cloudtrail start-logging`.
#   frameworks:
#     aws-fsbp: ["CloudTrail.1"]
#     cis-aws-foundations: ["3.1"]
#     nist-800-53-r5: ["AU-2", "AU-12"]
#   guide_section: Operations & Handover (auditors)
#   area: hygiene
package flowforge.aws.cloudtrail.multi_region_logging

import rego.v1

default applies := false

applies if data.baseline.requirements.cloudtrail_required == true

not_applicable_reason := "requirements.cloudtrail_required is false for this environment"

account_arn := sprintf("arn:%s:cloudtrail:global:%s:account/multi-region-trail", [data.baseline.partition, data.baseline.account_id])

logging_trails contains t.arn if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	t.is_logging == true
}

# Multi-region trails (or trails of unknown scope) whose status is not known.
unsure contains t.arn if {
	some t in input.cloudtrail.trails
	t.is_multi_region != false
	object.get(t, "is_logging", null) == null
}

unsure contains t.arn if {
	some t in input.cloudtrail.trails
	object.get(t, "is_multi_region", null) == null
}

# Only the account result: single trails are judged by the other CloudTrail checks.
in_scope := {account_arn}

deny contains {
	"arn": account_arn,
	"message": "no multi-region CloudTrail trail is logging",
	"evidence": {"trails": [{"name": t.name, "multi_region": t.is_multi_region, "logging": object.get(t, "is_logging", null)} | some t in input.cloudtrail.trails]},
} if {
	count(logging_trails) == 0
	count(unsure) == 0
}

unknown contains {"arn": account_arn, "reason": sprintf("the logging status or scope of trail(s) %v was not reported", [sort(unsure)])} if {
	count(logging_trails) == 0
	count(unsure) > 0
}
