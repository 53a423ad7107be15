package flowforge.aws.ecr.lifecycle_policy_test

import data.flowforge.aws.ecr.lifecycle_policy as check
import data.flowforge.lib.testing
import rego.v1

inp(v) := {"ecr": {"repositories": [object.union(
	testing.meta("arn:aws:ecr:us-east-1:123456789012:repository/flowforge-prod-ui", "flowforge-prod-ui", "flowforge-prod-ui", {}),
	{"has_lifecycle_policy": v},
)]}}

findings(i) := f if {
	f := check.deny with input as i with data.baseline as testing.baseline
}

test_pass_lifecycle_policy if {
	count(findings(inp(true))) == 0
}

test_fail_no_lifecycle_policy if {
	count(findings(inp(false))) == 1
}

test_unknown_when_unreported if {
	count(findings(inp(null))) == 0
	count(check.unknown) == 1 with input as inp(null) with data.baseline as testing.baseline
}
