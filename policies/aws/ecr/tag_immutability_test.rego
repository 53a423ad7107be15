package flowforge.aws.ecr.tag_immutability_test

import data.flowforge.aws.ecr.tag_immutability as check
import data.flowforge.lib.testing
import rego.v1

inp(m) := {"ecr": {"repositories": [object.union(
	testing.meta("arn:aws:ecr:us-east-1:123456789012:repository/flowforge-prod-flows", "flowforge-prod-flows", "flowforge-prod-flows", {}),
	{"image_tag_mutability": m},
)]}}

findings(i) := f if {
	f := check.deny with input as i with data.baseline as testing.baseline
}

test_pass_immutable if {
	count(findings(inp("IMMUTABLE"))) == 0
	count(findings(inp("IMMUTABLE_WITH_EXCLUSION"))) == 0
}

test_fail_mutable if {
	count(findings(inp("MUTABLE"))) == 1
}

test_unknown_when_unreported if {
	count(findings(inp(null))) == 0
	count(check.unknown) == 1 with input as inp(null) with data.baseline as testing.baseline
}
