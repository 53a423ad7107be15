package flowforge.aws.s3.versioning_test

import data.flowforge.aws.s3.versioning as check
import data.flowforge.lib.testing
import rego.v1

inp(status) := {"s3": {"buckets": [object.union(testing.meta("arn:aws:s3:::b", "b", "b", {}), {"versioning": {"status": status}})]}}

test_pass_enabled if {
	count(check.deny) == 0 with input as inp("Enabled") with data.baseline as testing.baseline
}

test_fail_suspended if {
	count(check.deny) == 1 with input as inp("Suspended") with data.baseline as testing.baseline
}

test_fail_never_enabled if {
	count(check.deny) == 1 with input as inp(null) with data.baseline as testing.baseline
}

test_pass_not_required_does_not_apply if {
	not check.applies with data.baseline as testing.with_requirements({"s3_versioning_required": false})
}
