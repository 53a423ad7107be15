package flowforge.aws.network.database_tier_sources_test

import data.flowforge.aws.network.database_tier_sources as check
import data.flowforge.lib.testing
import rego.v1

group(id, tier, ingress) := {"arn": sprintf("arn:aws:ec2:us-east-1:1:security-group/%s", [id]), "id": id, "name": id, "group_name": id, "tags": {"flowforge:tier": tier}, "ingress": ingress}

rule(v4, groups) := {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "ipv4_ranges": v4, "ipv6_ranges": [], "referenced_group_ids": groups, "prefix_list_ids": []}

groups(db_rule) := [group("sg-db", "database", [db_rule]), group("sg-dp", "data-plane", []), group("sg-cp", "control-plane", [])]

# The derived tiers as the engine computes them from the tags (or names).
derived(gs) := {"network": {"tiers": {"security_groups": {g.id: g.tags["flowforge:tier"] | some g in gs}}}}

findings(db_rule) := f if {
	f := check.deny with input as {"ec2": {"security_groups": groups(db_rule)}, "derived": derived(groups(db_rule))}
		with data.baseline as testing.baseline
}

# An untagged group the name patterns put in the database tier is judged like a tagged one.
test_fail_untagged_database_group_by_name if {
	g := {"arn": "arn:aws:ec2:us-east-1:1:security-group/sg-n", "id": "sg-n", "name": "flowforge-prod-db", "group_name": "flowforge-prod-db", "tags": {}, "ingress": [rule(["0.0.0.0/0"], [])]}
	f := check.deny with input as {"ec2": {"security_groups": [g]}, "derived": {"network": {"tiers": {"security_groups": {"sg-n": "database"}}}}}
		with data.baseline as testing.baseline
	count(f) == 1
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
	gs := [group("sg-x", "public", [])]
	scope := check.in_scope with input as {"ec2": {"security_groups": gs}, "derived": derived(gs)} with data.baseline as testing.baseline
	count(scope) == 0
}
