package flowforge.aws.cloudtrail.management_events_test

import data.flowforge.aws.cloudtrail.management_events as check
import data.flowforge.lib.testing
import rego.v1

inp(read, write) := {"cloudtrail": {"trails": [{"arn": "arn:aws:cloudtrail:us-east-1:1:trail/t", "name": "t", "is_multi_region": true, "management_read_events": read, "management_write_events": write}]}}

test_pass_read_and_write if {
	count(check.deny) == 0 with input as inp(true, true) with data.baseline as testing.baseline
}

test_fail_write_only if {
	count(check.deny) == 1 with input as inp(false, true) with data.baseline as testing.baseline
}

test_fail_none if {
	count(check.deny) == 1 with input as inp(false, false) with data.baseline as testing.baseline
}

test_unknown_when_selectors_unread if {
	count(check.deny) == 0 with input as inp(null, null) with data.baseline as testing.baseline
	u := check.unknown with input as inp(null, null) with data.baseline as testing.baseline
	{x.arn | some x in u} == {"arn:aws:cloudtrail:us-east-1:1:trail/t"}
}
