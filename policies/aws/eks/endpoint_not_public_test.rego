package flowforge.aws.eks.endpoint_not_public_test

import data.flowforge.aws.eks.endpoint_not_public as check
import data.flowforge.lib.testing
import rego.v1

inp(public, cidrs) := {"eks": {"clusters": [{"arn": "arn:aws:eks:us-east-1:1:cluster/c", "name": "c", "endpoint_public_access": public, "public_access_cidrs": cidrs}]}}

findings(i, allowed) := f if {
	f := check.deny with input as i with data.baseline as testing.with_requirements({"eks_public_endpoint_allowed": allowed})
}

test_pass_private_endpoint if {
	count(findings(inp(false, []), false)) == 0
}

test_pass_public_allowed_with_restricted_cidrs if {
	count(findings(inp(true, ["203.0.113.0/24"]), true)) == 0
}

test_fail_public_not_allowed if {
	count(findings(inp(true, ["203.0.113.0/24"]), false)) == 1
}

test_fail_public_allowed_but_world_open if {
	count(findings(inp(true, ["0.0.0.0/0"]), true)) == 1
}

# A cluster whose endpoint_public_access was not reported is UNKNOWN, whatever the baseline allows.
test_unknown_when_unreported if {
	count(findings(inp(null, []), false)) == 0
	count(check.unknown) == 1 with input as inp(null, [])
	count(check.unknown) == 0 with input as inp(false, [])
}
