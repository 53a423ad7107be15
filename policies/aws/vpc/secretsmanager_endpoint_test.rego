package flowforge.aws.vpc.secretsmanager_endpoint_test

import data.flowforge.aws.vpc.secretsmanager_endpoint as check
import data.flowforge.lib.testing
import rego.v1

v := testing.meta("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "vpc-1", "flowforge-prod-vpc", {})

ep(dns) := {"vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.secretsmanager", "endpoint_type": "Interface", "state": "available", "private_dns_enabled": dns}

findings(eps) := f if {
	f := check.deny with input as testing.all_flowforge({"ec2": {"vpcs": [v], "vpc_endpoints": eps}}) with data.baseline as testing.baseline
}

test_pass_interface_with_private_dns if {
	count(findings([ep(true)])) == 0
}

test_fail_missing if {
	some f in findings([])
	f.evidence.endpoint_without_private_dns == false
}

test_fail_private_dns_disabled if {
	some f in findings([ep(false)])
	f.evidence.endpoint_without_private_dns == true
}
