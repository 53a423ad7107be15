package flowforge.aws.eks.node_placement_test

import data.flowforge.aws.eks.node_placement as check
import data.flowforge.lib.testing
import rego.v1

group(subnets) := object.union(
	testing.meta("arn:aws:eks:us-east-1:123456789012:nodegroup/flowforge-prod-data-plane/flowforge-prod-workers/1", "flowforge-prod-workers", "flowforge-prod-workers", {}),
	{"cluster_name": "flowforge-prod-data-plane", "subnets": subnets},
)

profile(subnets) := object.union(
	testing.meta("arn:aws:eks:us-east-1:123456789012:fargateprofile/flowforge-prod-data-plane/prefect/1", "prefect", "prefect", {}),
	{"cluster_name": "flowforge-prod-data-plane", "subnets": subnets},
)

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

ff_baseline := object.union(testing.baseline, {"architecture": object.union(testing.baseline.architecture, {"eks_cluster": {"name": "flowforge-prod-data-plane"}})})

inp(groups, profiles) := {"ec2": net, "eks": {"node_groups": groups, "fargate_profiles": profiles}}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as ff_baseline
}

unknowns(i) := u if {
	u := check.unknown with input as testing.all_flowforge(i) with data.baseline as ff_baseline
}

test_pass_private_subnets if {
	i := inp([group(["subnet-priv"])], [profile(["subnet-priv"])])
	count(findings(i)) == 0
	count(unknowns(i)) == 0
}

test_fail_public_subnet if {
	count(findings(inp([group(["subnet-priv", "subnet-pub"])], []))) == 1
	count(findings(inp([], [profile(["subnet-pub"])]))) == 1
}

test_unknown_when_subnet_unseen if {
	i := inp([group(["subnet-gone"])], [])
	count(findings(i)) == 0
	count(unknowns(i)) == 1
}
