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
