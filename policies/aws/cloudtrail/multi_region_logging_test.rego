package flowforge.aws.cloudtrail.multi_region_logging_test

import data.flowforge.aws.cloudtrail.multi_region_logging as check
import data.flowforge.lib.testing
import rego.v1

baseline := testing.with_requirements({"cloudtrail_required": true})

trail(multi, logging) := {"arn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/t", "name": "t", "is_multi_region": multi, "is_logging": logging}

# The declared audit trail, missing: the one missing-element form.
account := "arn:aws:flowforge-audit:global:123456789012:missing/audit_trail"

test_pass_multi_region_logging if {
	count(check.deny) == 0 with input as {"cloudtrail": {"trails": [trail(true, true)]}} with data.baseline as baseline
}

# No trail while the coverage library does not require the collection: a FAIL on the account.
test_fail_no_trail if {
	f := check.deny with input as {"cloudtrail": {"trails": []}} with data.baseline as baseline with data.flowforge.lib.coverage.required as set()
	count(f) == 1
	some x in f
	x.arn == account
}

# Required and empty: "nothing collected" (the engine's UNKNOWN), no FAIL.
test_no_fail_when_nothing_collected if {
	count(check.deny) == 0 with input as {"cloudtrail": {"trails": []}} with data.baseline as baseline
}

test_fail_stopped_trail if {
	f := check.deny with input as {"cloudtrail": {"trails": [trail(true, false)]}} with data.baseline as baseline
	{x.arn | some x in f} == {"arn:aws:cloudtrail:us-east-1:123456789012:trail/t"}
}

test_fail_single_region_only if {
	f := check.deny with input as {"cloudtrail": {"trails": [trail(false, true)]}} with data.baseline as baseline with data.flowforge.lib.coverage.required as set()
	{x.arn | some x in f} == {account}
}

test_not_required if {
	not check.applies with data.baseline as testing.with_requirements({"cloudtrail_required": false})
}

# A multi-region trail whose status was not read, or a trail of unreported scope: UNKNOWN.
test_unknown_when_status_unreported if {
	count(check.deny) == 0 with input as {"cloudtrail": {"trails": [trail(true, null)]}} with data.baseline as baseline
	count(check.unknown) == 1 with input as {"cloudtrail": {"trails": [trail(true, null)]}} with data.baseline as baseline
}

test_unknown_when_scope_unreported if {
	count(check.deny) == 0 with input as {"cloudtrail": {"trails": [trail(null, true)]}} with data.baseline as baseline
	count(check.unknown) == 1 with input as {"cloudtrail": {"trails": [trail(null, true)]}} with data.baseline as baseline
}

# DescribeTrails denied: no account-level FAIL over trails that were never seen.
test_no_fail_when_listing_failed if {
	inp := {"cloudtrail": {"trails": []}, "collection_errors": [{"service": "cloudtrail", "operation": "DescribeTrails", "region": "us-east-1"}]}
	count(check.deny) == 0 with input as inp with data.baseline as baseline
}
