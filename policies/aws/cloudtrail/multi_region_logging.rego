# METADATA
# title: A multi-region CloudTrail trail is logging
# description: >
#   When requirements.cloudtrail_required is true, the account has a multi-region trail (else
#   a finding on `arn:<partition>:flowforge-audit:global:<account>:missing/audit_trail`) and
#   every multi-region trail is logging (GetTrailStatus), so every API call in every region is
#   recorded. A status or scope that was not reported is UNKNOWN, not PASS, and so is an empty
#   trail list where the environment requires a trail ("nothing collected").
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

import data.flowforge.lib
import rego.v1

default applies := false

applies if data.baseline.requirements.cloudtrail_required == true

not_applicable_reason := "requirements.cloudtrail_required is false for this environment"

# The subject of "no multi-region trail": the declared audit trail that does not exist.
account_arn := lib.missing_arn("global", "audit_trail")

# Multi-region trails, and trails whose scope was not reported.
in_scope contains t.arn if {
	some t in input.cloudtrail.trails
	t.is_multi_region != false
}

multi_region contains t.arn if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
}

scope_unknown contains t.arn if {
	some t in input.cloudtrail.trails
	object.get(t, "is_multi_region", null) == null
}

# The trail listing failed in some region: "no trail" would rest on what was not seen (the
# engine makes the collection UNKNOWN; an account-level finding must not be raised over it).
listing_failed if {
	some e in input.collection_errors
	e.service == "cloudtrail"
	e.operation == "DescribeTrails"
}

# No multi-region trail at all: a finding on the account.
deny contains {
	"arn": account_arn,
	"message": "the account has no multi-region CloudTrail trail",
	"evidence": {"trails": [{"name": t.name, "multi_region": t.is_multi_region} | some t in input.cloudtrail.trails]},
} if {
	count(multi_region) == 0
	count(scope_unknown) == 0
	not listing_failed
	not nothing_collected
}

# No trail at all where the environment requires one: the engine says "nothing collected"
# (UNKNOWN, lib/coverage.rego); a FAIL would judge a snapshot that holds no trail data.
nothing_collected if {
	count(input.cloudtrail.trails) == 0
	"cloudtrail.trails" in data.flowforge.lib.coverage.required
}

# A multi-region trail that is not logging (stopped).
deny contains {
	"arn": t.arn,
	"message": sprintf("multi-region trail %s is not logging", [t.name]),
	"evidence": {"is_logging": false},
} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	t.is_logging == false
}

unknown contains {"arn": t.arn, "reason": lib.unreported_reason("is_logging", "GetTrailStatus")} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	lib.unreported(t, "is_logging")
}

unknown contains {"arn": t.arn, "reason": lib.unreported_reason("is_multi_region", "DescribeTrails")} if {
	some t in input.cloudtrail.trails
	lib.unreported(t, "is_multi_region")
}
