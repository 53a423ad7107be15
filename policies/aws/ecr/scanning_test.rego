package flowforge.aws.ecr.scanning_test

import data.flowforge.aws.ecr.scanning as check
import data.flowforge.lib.testing
import rego.v1

inp(scan, registry) := {"ecr": {"repositories": [object.union(
	testing.meta("arn:aws:ecr:us-east-1:123456789012:repository/flowforge-prod-ui", "flowforge-prod-ui", "flowforge-prod-ui", {}),
	{"scan_on_push": scan, "registry_scan_type": registry},
)]}}

findings(i) := f if {
	f := check.deny with input as i with data.baseline as testing.baseline
}

unknowns(i) := u if {
	u := check.unknown with input as i with data.baseline as testing.baseline
}

test_pass_scan_on_push if {
	count(findings(inp(true, "BASIC"))) == 0
	count(unknowns(inp(true, "BASIC"))) == 0
}

test_pass_enhanced_registry if {
	count(findings(inp(false, "ENHANCED"))) == 0
	count(unknowns(inp(null, "ENHANCED"))) == 0
}

test_fail_no_scanning if {
	count(findings(inp(false, "BASIC"))) == 1
}

test_unknown_when_unreported if {
	count(findings(inp(null, "BASIC"))) == 0
	count(unknowns(inp(null, "BASIC"))) == 1
	count(findings(inp(false, null))) == 0
	count(unknowns(inp(false, null))) == 1
}
