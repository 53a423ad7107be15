package flowforge.aws.ecs.service_network_test

import data.flowforge.aws.ecs.service_network as check
import data.flowforge.lib.testing
import rego.v1

svc_arn := "arn:aws:ecs:us-east-1:123456789012:service/flowforge-prod-control-plane/flowforge-prod-ui"

# A FlowForge VPC with a private subnet (routed to a NAT gateway) and a public one.
net := {
	"vpcs": [object.union(testing.meta("arn:vpc", "vpc-1", "flowforge-prod-vpc", testing.ff_tags), {"cidr_block": "10.0.0.0/16"})],
	"subnets": [
		{"id": "subnet-priv", "arn": "a1", "name": "p", "tags": {}, "vpc_id": "vpc-1", "availability_zone": "us-east-1a"},
		{"id": "subnet-pub", "arn": "a2", "name": "q", "tags": {}, "vpc_id": "vpc-1", "availability_zone": "us-east-1a"},
	],
	"route_tables": [
		{"id": "rtb-priv", "vpc_id": "vpc-1", "main": false, "subnet_ids": ["subnet-priv"], "routes": [{"destination_cidr_block": "0.0.0.0/0", "gateway_id": null, "nat_gateway_id": "nat-1"}]},
		{"id": "rtb-pub", "vpc_id": "vpc-1", "main": true, "subnet_ids": ["subnet-pub"], "routes": [{"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}]},
	],
}

inp(network) := {"ec2": net, "ecs": {"services": [object.union(
	testing.meta(svc_arn, "flowforge-prod-ui", "flowforge-prod-ui", testing.ff_tags),
	{"network": network},
)]}}

private_net := {"subnets": ["subnet-priv"], "security_groups": ["sg-1"], "assign_public_ip": "DISABLED"}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

unknowns(i) := u if {
	u := check.unknown with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_private_awsvpc if {
	count(findings(inp(private_net))) == 0
	count(unknowns(inp(private_net))) == 0
}

test_fail_public_ip if {
	count(findings(inp(object.union(private_net, {"assign_public_ip": "ENABLED"})))) == 1
}

test_fail_public_subnet if {
	f := findings(inp(object.union(private_net, {"subnets": ["subnet-priv", "subnet-pub"]})))
	count(f) == 1
	some x in f
	x.evidence.not_private == ["subnet-pub"]
}

test_fail_not_awsvpc if {
	count(findings(inp(null))) == 1
}

# Not reported, or a subnet the snapshot does not hold: UNKNOWN, never PASS.
test_unknown_when_unreported if {
	i := inp(object.union(private_net, {"assign_public_ip": null}))
	count(findings(i)) == 0
	count(unknowns(i)) == 1
	j := inp(object.union(private_net, {"subnets": ["subnet-gone"]}))
	count(findings(j)) == 0
	count(unknowns(j)) == 1
}
