package flowforge.aws.network.database_ports_world_test

import data.flowforge.aws.network.database_ports_world as check
import data.flowforge.lib.testing
import rego.v1

sg(rule) := {"arn": "arn:aws:ec2:us-east-1:1:security-group/sg-1", "id": "sg-1", "group_name": "g", "ingress": [rule]}

rule(proto, from, to, v4) := {"protocol": proto, "from_port": from, "to_port": to, "ipv4_ranges": v4, "ipv6_ranges": [], "referenced_group_ids": []}

findings(r) := f if {
	f := check.deny with input as {"ec2": {"security_groups": [sg(r)]}} with data.baseline as testing.baseline
}

test_pass_private_postgres if {
	count(findings(rule("tcp", 5432, 5432, ["10.0.0.0/16"]))) == 0
}

test_fail_world_postgres if {
	count(findings(rule("tcp", 5432, 5432, ["0.0.0.0/0"]))) == 1
}

test_fail_all_traffic if {
	count(findings(rule("-1", null, null, ["0.0.0.0/0"]))) == 1
}

# Edge cases of the prefilter in front of the exact test.

test_fail_range_containing_port if {
	some f in findings(rule("tcp", 5000, 6000, ["0.0.0.0/0"]))
	f.evidence.ports == [5432]
	f.evidence.rule == "tcp 5000-6000"
}

test_pass_world_https if {
	count(findings(rule("tcp", 443, 443, ["0.0.0.0/0"]))) == 0
}

test_fail_all_traffic_without_port_fields if {
	count(findings({"protocol": "-1", "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []})) == 1
}
