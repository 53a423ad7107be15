package flowforge.aws.network.nacl_database_sources_test

import data.flowforge.aws.network.nacl_database_sources as check
import data.flowforge.lib.testing
import rego.v1

arn := "arn:aws:ec2:us-east-1:1:network-acl/acl-db"

baseline := object.union(testing.baseline, {"network": {"nacl_isolation": true, "tier_name_patterns": {}}})

port(outside, allowed) := {"port": 5432, "family": "ipv4", "allowed": allowed, "outside_data_plane": outside, "allowing_rules": [100], "denying_rules": []}

inp(ports, dp, unjudgeable) := {"derived": {"network": {
	"data_plane_cidrs": {"ipv4": dp, "ipv6": []},
	"network_acls": {arn: {
		"id": "acl-db", "vpc_id": "vpc-1", "subnets": ["subnet-db"], "database_subnets": ["subnet-db"],
		"world_open": [], "unjudgeable": unjudgeable, "database_ports": ports,
	}},
}}}

deny_of(ports, dp, unjudgeable) := r if {
	r := check.deny with input as inp(ports, dp, unjudgeable) with data.baseline as baseline
}

unknown_of(ports, dp, unjudgeable) := r if {
	r := check.unknown with input as inp(ports, dp, unjudgeable) with data.baseline as baseline
}

scope_of(ports, dp, unjudgeable) := r if {
	r := check.in_scope with input as inp(ports, dp, unjudgeable) with data.baseline as baseline
}

run(ports, dp, unjudgeable) := {
	"deny": deny_of(ports, dp, unjudgeable),
	"unknown": unknown_of(ports, dp, unjudgeable),
	"scope": scope_of(ports, dp, unjudgeable),
}

test_pass_data_plane_only if {
	r := run([port([], ["10.0.10.0/23"])], ["10.0.10.0/23"], [])
	count(r.deny) == 0
	count(r.unknown) == 0
	arn in r.scope
}

test_fail_whole_vpc if {
	some f in run([port(["10.0.0.0/21"], ["10.0.0.0/16"])], ["10.0.10.0/23"], []).deny
	f.evidence.outside_data_plane == ["10.0.0.0/21"]
}

test_unknown_without_data_plane if {
	r := run([port(["10.0.0.0/16"], ["10.0.0.0/16"])], [], [])
	count(r.deny) == 0
	count(r.unknown) == 1
}

test_unknown_unjudgeable_rule if count(run([], ["10.0.10.0/23"], [120]).unknown) == 1
