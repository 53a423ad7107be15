package flowforge.aws.vpc.nat_gateway_per_az_test

import data.flowforge.aws.vpc.nat_gateway_per_az as check
import data.flowforge.lib.testing
import rego.v1

v := testing.meta("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "vpc-1", "flowforge-prod-vpc", {})

subnets := [
	{"id": "a", "vpc_id": "vpc-1", "availability_zone": "us-east-1a"},
	{"id": "b", "vpc_id": "vpc-1", "availability_zone": "us-east-1b"},
	{"id": "pub-a", "vpc_id": "vpc-1", "availability_zone": "us-east-1a"},
	{"id": "pub-b", "vpc_id": "vpc-1", "availability_zone": "us-east-1b"},
]

tables := [
	{"id": "rt-p", "vpc_id": "vpc-1", "main": true, "subnet_ids": [], "routes": []},
	{"id": "rt-pub", "vpc_id": "vpc-1", "main": false, "subnet_ids": ["pub-a", "pub-b"], "routes": [{"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}]},
]

nat(subnet, state) := {"vpc_id": "vpc-1", "subnet_id": subnet, "availability_zone": null, "state": state, "connectivity_type": "public"}

findings(nats) := f if {
	f := check.deny with input as testing.all_flowforge({"ec2": {"vpcs": [v], "subnets": subnets, "route_tables": tables, "nat_gateways": nats}})
		with data.baseline as testing.baseline
}

test_pass_nat_in_each_az if {
	count(findings([nat("pub-a", "available"), nat("pub-b", "available")])) == 0
}

test_fail_single_nat if {
	some f in findings([nat("pub-a", "available")])
	f.evidence.azs_without_nat_gateway == {"us-east-1b"}
}

test_fail_nat_not_available if {
	count(findings([nat("pub-a", "available"), nat("pub-b", "failed")])) == 1
}

test_pass_not_required_does_not_apply if {
	not check.applies with data.baseline as testing.with_requirements({"nat_gateway_per_az": false})
}
