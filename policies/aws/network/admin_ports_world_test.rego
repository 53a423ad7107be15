package flowforge.aws.network.admin_ports_world_test

import data.flowforge.aws.network.admin_ports_world as check
import data.flowforge.lib.testing
import rego.v1

sg(rule) := {"arn": "arn:aws:ec2:us-east-1:1:security-group/sg-1", "id": "sg-1", "group_name": "g", "ingress": [rule]}

rule(proto, from, to, v4, v6) := {"protocol": proto, "from_port": from, "to_port": to, "ipv4_ranges": v4, "ipv6_ranges": v6, "referenced_group_ids": []}

findings(r) := f if {
	f := check.deny with input as {"ec2": {"security_groups": [sg(r)]}} with data.baseline as testing.baseline
}

test_pass_restricted_ssh if {
	count(findings(rule("tcp", 22, 22, ["10.0.0.0/8"], []))) == 0
}

test_pass_world_https if {
	count(findings(rule("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"]))) == 0
}

test_fail_world_ssh if {
	count(findings(rule("tcp", 22, 22, ["0.0.0.0/0"], []))) == 1
}

test_fail_ipv6_rdp if {
	some f in findings(rule("tcp", 3389, 3389, [], ["::/0"]))
	f.evidence.ports == [3389]
}

test_fail_all_traffic if {
	some f in findings(rule("-1", null, null, ["0.0.0.0/0"], []))
	f.evidence.ports == [22, 3389]
}

test_fail_range_containing_port if {
	count(findings(rule("tcp", 0, 1024, ["0.0.0.0/0"], []))) == 1
}

# Edge cases of the prefilter in front of the exact test: each must reach the same verdict as
# lib.rule_covers_port would.

test_fail_range_not_starting_at_admin_port if {
	some f in findings(rule("tcp", 3000, 4000, ["0.0.0.0/0"], []))
	f.evidence.ports == [3389]
	f.evidence.rule == "tcp 3000-4000"
}

test_pass_range_between_admin_ports if {
	count(findings(rule("tcp", 23, 3388, ["0.0.0.0/0"], ["::/0"]))) == 0
}

test_fail_numeric_protocol if {
	some f in findings(rule("6", 22, 22, [], ["::/0"]))
	f.evidence.rule == "6 22-22"
}

test_pass_icmp_single_port if {
	count(findings(rule("icmp", 22, 22, ["0.0.0.0/0"], []))) == 0
}

test_fail_all_traffic_with_port_numbers if {
	some f in findings(rule("-1", -1, -1, ["0.0.0.0/0"], []))
	f.evidence == {"sources": {"0.0.0.0/0"}, "ports": [22, 3389], "rule": "all"}
}

test_fail_all_traffic_without_port_fields if {
	count(findings({"protocol": "-1", "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []})) == 1
}

test_message_unchanged if {
	some f in findings(rule("tcp", 22, 22, ["0.0.0.0/0"], ["::/0"]))
	f.message == `security group sg-1 (g) admits {"0.0.0.0/0", "::/0"} to admin port(s) [22] (tcp 22-22)`
}
