package flowforge.aws.network.database_tier_sources_test

import data.flowforge.aws.network.database_tier_sources as check
import data.flowforge.lib.testing
import rego.v1

group(id, tier, ingress) := {"arn": sprintf("arn:aws:ec2:us-east-1:1:security-group/%s", [id]), "id": id, "name": id, "group_name": id, "tags": {"flowforge:tier": tier}, "ingress": ingress}

rule(v4, groups) := {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "ipv4_ranges": v4, "ipv6_ranges": [], "referenced_group_ids": groups, "prefix_list_ids": []}

groups(db_rule) := [group("sg-db", "database", [db_rule]), group("sg-dp", "data-plane", []), group("sg-cp", "control-plane", [])]

findings(db_rule) := f if {
	f := check.deny with input as {"ec2": {"security_groups": groups(db_rule)}} with data.baseline as testing.baseline
}

test_pass_data_plane_only if {
	count(findings(rule([], ["sg-dp"]))) == 0
}

test_fail_from_control_plane if {
	some f in findings(rule([], ["sg-dp", "sg-cp"]))
	f.evidence.offending_sources == ["security-group:sg-cp"]
}

test_fail_from_cidr if {
	some f in findings(rule(["10.0.0.0/16"], []))
	f.evidence.offending_sources == ["cidr:10.0.0.0/16"]
}

test_pass_other_port_not_judged if {
	r := {"protocol": "tcp", "from_port": 443, "to_port": 443, "ipv4_ranges": ["10.0.0.0/16"], "ipv6_ranges": [], "referenced_group_ids": []}
	count(findings(r)) == 0
}

test_pass_untagged_groups_out_of_scope if {
	scope := check.in_scope with input as {"ec2": {"security_groups": [group("sg-x", "public", [])]}} with data.baseline as testing.baseline
	count(scope) == 0
}
