package flowforge.aws.eks.control_plane_logging_test

import data.flowforge.aws.eks.control_plane_logging as check
import data.flowforge.lib.testing
import rego.v1

inp(types) := {"eks": {"clusters": [object.union(
	testing.meta("arn:aws:eks:us-east-1:123456789012:cluster/flowforge-prod-data-plane", "flowforge-prod-data-plane", "flowforge-prod-data-plane", testing.ff_tags),
	{"enabled_log_types": types},
)]}}

findings(i, b) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as b
}

test_pass_all_required_types if {
	count(findings(inp(["api", "audit", "authenticator", "scheduler"]), testing.baseline)) == 0
}

test_fail_audit_missing if {
	f := findings(inp(["api", "authenticator"]), testing.baseline)
	count(f) == 1
	some x in f
	x.evidence.missing == ["audit"]
}

test_fail_no_logging_without_compute_section if {
	b := json.remove(testing.baseline, ["architecture/compute"])
	count(findings(inp([]), b)) == 1
}
