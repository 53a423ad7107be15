package flowforge.aws.network.database_ports_world_test

import data.flowforge.aws.network.database_ports_world as check
import data.flowforge.lib.testing
import rego.v1

arn := "arn:aws:ec2:us-east-1:1:security-group/sg-1"

facts(world, prefix, unparsed) := {"derived": {"network": {"security_groups": {arn: {
	"id": "sg-1", "group_name": "g", "tier": null,
	"world_open": world, "prefix_list_rules": prefix, "unparsed": unparsed,
}}}}}

deny_of(world, prefix, unparsed) := r if {
	r := check.deny with input as facts(world, prefix, unparsed) with data.baseline as testing.baseline
}

unknown_of(world, prefix, unparsed) := r if {
	r := check.unknown with input as facts(world, prefix, unparsed) with data.baseline as testing.baseline
}

run(world, prefix, unparsed) := {"deny": deny_of(world, prefix, unparsed), "unknown": unknown_of(world, prefix, unparsed)}

open(family, protocol, from, to) := {"family": family, "protocol": protocol, "from_port": from, "to_port": to, "sources": ["0.0.0.0/1", "128.0.0.0/1"]}

test_pass_nothing_world_open if {
	r := run([], [], [])
	count(r.deny) == 0
	count(r.unknown) == 0
}

test_pass_other_port_open if count(run([open("ipv4", "tcp", 443, 443)], [], []).deny) == 0

test_pass_udp_only if count(run([open("ipv4", "udp", 5432, 5432)], [], []).deny) == 0

test_fail_split_halves_on_port if {
	some f in run([open("ipv4", "tcp", 5432, 5432)], [], []).deny
	f.arn == arn
	f.evidence.ports == [5432]
	f.evidence.sources == ["0.0.0.0/1", "128.0.0.0/1"]
}

test_fail_ipv6_range_containing_port if {
	some f in run([open("ipv6", "tcp", 0, 65535)], [], []).deny
	f.evidence.family == "ipv6"
}

test_unknown_prefix_list_on_port if {
	r := run([], [{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "prefix_list_ids": ["pl-1"]}], [])
	count(r.deny) == 0
	some u in r.unknown
	u.arn == arn
}

test_pass_prefix_list_elsewhere if {
	count(run([], [{"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_list_ids": ["pl-1"]}], []).unknown) == 0
}

test_unknown_unparsed_range if count(run([], [], ["10.0.0.0/99"]).unknown) == 1
