package flowforge.aws.network.nacl_admin_ports_world_test

import data.flowforge.aws.network.nacl_admin_ports_world as check
import data.flowforge.lib.testing
import rego.v1

arn := "arn:aws:ec2:us-east-1:1:network-acl/acl-1"

baseline := object.union(testing.baseline, {"network": {"nacl_isolation": true, "tier_name_patterns": {}}})

vpc := {"arn": "arn:aws:ec2:us-east-1:1:vpc/vpc-1", "id": "vpc-1", "name": "flowforge-prod-vpc", "tags": {"flowforge:app": "flowforge", "flowforge:env": "prod"}}

inp(world, unjudgeable, subnets) := {"ec2": {"vpcs": [vpc]}, "derived": {"network": {"network_acls": {arn: {
	"id": "acl-1", "vpc_id": "vpc-1", "subnets": subnets, "database_subnets": [],
	"world_open": world, "unjudgeable": unjudgeable, "database_ports": [],
}}}}}

deny_of(world, unjudgeable, subnets, b) := r if {
	r := check.deny with input as testing.all_flowforge(inp(world, unjudgeable, subnets)) with data.baseline as b
}

unknown_of(world, unjudgeable, subnets, b) := r if {
	r := check.unknown with input as testing.all_flowforge(inp(world, unjudgeable, subnets)) with data.baseline as b
}

applies_of(world, unjudgeable, subnets, b) := r if {
	r := check.applies with input as testing.all_flowforge(inp(world, unjudgeable, subnets)) with data.baseline as b
}

run(world, unjudgeable, subnets, b) := {
	"deny": deny_of(world, unjudgeable, subnets, b),
	"unknown": unknown_of(world, unjudgeable, subnets, b),
	"applies": applies_of(world, unjudgeable, subnets, b),
}

open(family, protocol, from, to) := {"family": family, "protocol": protocol, "from_port": from, "to_port": to, "sources": ["rule 100"]}

test_pass_only_https_open if count(run([open("ipv4", "tcp", 443, 443)], [], ["subnet-1"], baseline).deny) == 0

test_pass_udp_on_admin_port if count(run([open("ipv4", "udp", 22, 22)], [], ["subnet-1"], baseline).deny) == 0

test_fail_all_ports_open if {
	some f in run([open("ipv4", "tcp", 0, 65535)], [], ["subnet-1"], baseline).deny
	f.evidence.ports == [22, 3389]
	f.evidence.allowing_rules == ["rule 100"]
}

test_fail_ipv6_ssh if {
	some f in run([open("ipv6", "tcp", 22, 22)], [], ["subnet-1"], baseline).deny
	f.evidence.family == "ipv6"
}

test_pass_acl_filtering_no_subnet if count(run([open("ipv4", "tcp", 0, 65535)], [], [], baseline).deny) == 0

test_unknown_unjudgeable_rule if count(run([], [110], ["subnet-1"], baseline).unknown) == 1

test_pass_not_applicable_without_isolation if {
	r := run([open("ipv4", "tcp", 0, 65535)], [], ["subnet-1"], object.union(testing.baseline, {"network": {"nacl_isolation": false}}))
	r.applies == false
}
