package flowforge.aws.cloudtrail.kms_encryption_test

import data.flowforge.aws.cloudtrail.kms_encryption as check
import data.flowforge.lib.testing
import rego.v1

inp(multi, key) := {"cloudtrail": {"trails": [{"arn": "arn:aws:cloudtrail:us-east-1:1:trail/t", "name": "t", "is_multi_region": multi, "kms_key_id": key}]}}

test_pass_kms if {
	count(check.deny) == 0 with input as inp(true, "arn:aws:kms:us-east-1:1:key/k") with data.baseline as testing.baseline
}

test_fail_sse_s3_only if {
	count(check.deny) == 1 with input as inp(true, null) with data.baseline as testing.baseline
}

test_single_region_out_of_scope if {
	s := check.in_scope with input as inp(false, null) with data.baseline as testing.baseline
	count(s) == 0
}

# A trail whose scope was not reported is UNKNOWN, not PASS.
test_unknown_when_scope_unreported if {
	count(check.deny) == 0 with input as inp(null, null) with data.baseline as testing.baseline
	count(check.unknown) == 1 with input as inp(null, null) with data.baseline as testing.baseline
}
