package flowforge.aws.cloudtrail.log_file_validation_test

import data.flowforge.aws.cloudtrail.log_file_validation as check
import data.flowforge.lib.testing
import rego.v1

inp(multi, on) := {"cloudtrail": {"trails": [{"arn": "arn:aws:cloudtrail:us-east-1:1:trail/t", "name": "t", "is_multi_region": multi, "log_file_validation_enabled": on}]}}

test_pass_validated if {
	count(check.deny) == 0 with input as inp(true, true) with data.baseline as testing.baseline
}

test_fail_not_validated if {
	count(check.deny) == 1 with input as inp(true, false) with data.baseline as testing.baseline
}

test_single_region_out_of_scope if {
	count(check.deny) == 0 with input as inp(false, false) with data.baseline as testing.baseline
	s := check.in_scope with input as inp(false, false) with data.baseline as testing.baseline
	count(s) == 0
}

test_unknown_when_unreported if {
	count(check.unknown) == 1 with input as inp(true, null) with data.baseline as testing.baseline
}
