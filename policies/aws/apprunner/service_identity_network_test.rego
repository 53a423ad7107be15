package flowforge.aws.apprunner.service_identity_network_test

import data.flowforge.aws.apprunner.service_identity_network as check
import data.flowforge.lib.testing
import rego.v1

inp(role, egress) := {"apprunner": {"services": [object.union(
	testing.meta("arn:aws:apprunner:us-east-1:123456789012:service/flowforge-prod-ui/8fe1", "8fe1", "flowforge-prod-ui", {}),
	{"instance_role_arn": role, "egress_type": egress},
)]}}

cp := "arn:aws:iam::123456789012:role/flowforge-prod-control-plane"

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_role_and_vpc_egress if {
	count(findings(inp(cp, "VPC"))) == 0
}

test_fail_no_instance_role if {
	count(findings(inp(null, "VPC"))) == 1
}

test_fail_default_egress if {
	count(findings(inp(cp, "DEFAULT"))) == 1
}

test_unknown_when_egress_unreported if {
	count(findings(inp(cp, null))) == 0
	count(check.unknown) == 1 with input as testing.all_flowforge(inp(cp, null)) with data.baseline as testing.baseline
}
