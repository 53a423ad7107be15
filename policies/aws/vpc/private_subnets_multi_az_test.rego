package flowforge.aws.vpc.private_subnets_multi_az_test

import data.flowforge.aws.vpc.private_subnets_multi_az as check
import data.flowforge.lib.testing
import rego.v1

v := testing.meta("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "vpc-1", "flowforge-prod-vpc", {})

subnet(id, az) := {"id": id, "vpc_id": "vpc-1", "availability_zone": az}

rt(id, main, subnets, routes) := {"id": id, "vpc_id": "vpc-1", "main": main, "subnet_ids": subnets, "routes": routes}

igw_route := {"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}

nat_route := {"destination_cidr_block": "0.0.0.0/0", "gateway_id": null, "nat_gateway_id": "nat-1"}

findings(subnets, tables) := f if {
	f := check.deny with input as testing.all_flowforge({"ec2": {"vpcs": [v], "subnets": subnets, "route_tables": tables}}) with data.baseline as testing.baseline
}

test_pass_two_private_azs_via_nat_table if {
	count(findings([subnet("a", "us-east-1a"), subnet("b", "us-east-1b")], [rt("rt-p", false, ["a", "b"], [nat_route])])) == 0
}

test_pass_private_by_main_table if {
	count(findings([subnet("a", "us-east-1a"), subnet("b", "us-east-1b")], [rt("rt-main", true, [], [nat_route])])) == 0
}

test_fail_single_az if {
	some f in findings([subnet("a", "us-east-1a"), subnet("b", "us-east-1a")], [rt("rt-p", false, ["a", "b"], [nat_route])])
	f.evidence.private_subnet_azs == {"us-east-1a"}
}

test_fail_main_table_public if {
	# Subnet b has no association, so the public main table applies to it.
	count(findings([subnet("a", "us-east-1a"), subnet("b", "us-east-1b")], [rt("rt-main", true, [], [igw_route]), rt("rt-p", false, ["a"], [nat_route])])) == 1
}

test_fail_explicit_public_table if {
	count(findings([subnet("a", "us-east-1a"), subnet("b", "us-east-1b")], [rt("rt-pub", false, ["a", "b"], [igw_route])])) == 1
}
