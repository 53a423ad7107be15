package flowforge.aws.vpc.s3_gateway_endpoint_test

import data.flowforge.aws.vpc.s3_gateway_endpoint as check
import data.flowforge.lib.testing
import rego.v1

vpc(name) := testing.meta("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "vpc-1", name, {})

endpoint(service, type, state) := {"vpc_id": "vpc-1", "service_name": service, "endpoint_type": type, "state": state}

findings(v, eps) := f if {
	f := check.deny with input as testing.all_flowforge({"ec2": {"vpcs": [v], "vpc_endpoints": eps}}) with data.baseline as testing.baseline
}

test_pass_gateway_endpoint if {
	count(findings(vpc("flowforge-prod-vpc"), [endpoint("com.amazonaws.us-east-1.s3", "Gateway", "available")])) == 0
}

test_pass_pending_endpoint if {
	count(findings(vpc("flowforge-prod-vpc"), [endpoint("com.amazonaws.us-east-1.s3", "Gateway", "pending")])) == 0
}

test_fail_missing_endpoint if {
	count(findings(vpc("flowforge-prod-vpc"), [])) == 1
}

test_fail_interface_endpoint_only if {
	count(findings(vpc("flowforge-prod-vpc"), [endpoint("com.amazonaws.us-east-1.s3", "Interface", "available")])) == 1
}

test_fail_deleted_endpoint if {
	count(findings(vpc("flowforge-prod-vpc"), [endpoint("com.amazonaws.us-east-1.s3", "Gateway", "deleted")])) == 1
}

# Only FlowForge VPCs are in scope (the engine's decision does not name this one).
test_pass_other_vpcs_out_of_scope if {
	i := {"ec2": {"vpcs": [vpc("payments-vpc")], "vpc_endpoints": []}}
	f := check.deny with input as i with data.baseline as testing.baseline
	count(f) == 0
	scope := check.in_scope with input as i with data.baseline as testing.baseline
	count(scope) == 0
}
