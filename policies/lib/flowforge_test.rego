package flowforge.lib.flowforge_test

import data.flowforge.lib
import data.flowforge.lib.iam
import data.flowforge.lib.testing
import rego.v1

# Rule references inside an expression that carries `with data...` must be bound to a local
# variable first: regorus evaluates them as undefined otherwise.
test_pass_recognised_by_app_tag if {
	resource := {"name": "x", "tags": testing.ff_tags}
	lib.is_flowforge(resource) with data.baseline as testing.baseline
}

test_pass_recognised_by_name_prefix if {
	lib.is_flowforge({"name": "flowforge-prod-vpc", "tags": {}}) with data.baseline as testing.baseline
}

test_fail_other_environment_tag if {
	not lib.is_flowforge({"name": "flowforge-prod-vpc", "tags": {"flowforge:env": "dev"}}) with data.baseline as testing.baseline
}

test_fail_unrelated_resource if {
	not lib.is_flowforge({"name": "payments-vpc", "tags": {"team": "payments"}}) with data.baseline as testing.baseline
}

test_pass_port_ranges if {
	lib.rule_covers_port({"protocol": "tcp", "from_port": 0, "to_port": 1024}, 22)
	lib.rule_covers_port({"protocol": "-1", "from_port": null, "to_port": null}, 5432)
	not lib.rule_covers_port({"protocol": "tcp", "from_port": 80, "to_port": 443}, 22)
	not lib.rule_covers_port({"protocol": "icmp", "from_port": -1, "to_port": -1}, 22)
}

test_pass_world_sources if {
	lib.world_sources({"ipv4_ranges": ["10.0.0.0/8", "0.0.0.0/0"], "ipv6_ranges": ["::/0"]}) == {"0.0.0.0/0", "::/0"}
	count(lib.world_sources({"ipv4_ranges": ["10.0.0.0/8"], "ipv6_ranges": []})) == 0
}

test_pass_pattern_containment if {
	lib.pattern_covers("s3:*", "s3:Get*")
	lib.pattern_covers("s3:*", "S3:GetObject")
	lib.pattern_covers("*", "s3:*")
	lib.pattern_covers("arn:aws:s3:::flowforge-prod-*", "arn:aws:s3:::flowforge-prod-gold")
}

test_fail_pattern_not_contained if {
	not lib.pattern_covers("s3:GetObject", "s3:*")
	not lib.pattern_covers("s3:Get*", "s3:PutObject")
	not lib.pattern_covers("arn:aws:s3:::flowforge-prod-gold", "arn:aws:s3:::flowforge-prod-*")
}

iam_input(risks) := {
	"iam": {"roles": [], "users": [], "groups": [], "policies": []},
	"derived": {"iam": {"scp_note": "SCPs not applied", "principals": {"arn:r": {"risks": risks, "unknown": ["u"]}}}},
}

test_pass_iam_facts_helpers if {
	risks := [
		{"class": "admin", "probe": "*", "granted_by": [{"policy": "inline:a", "statement": 0}]},
		{"class": "data-exfiltration", "probe": "s3:GetObject", "granted_by": [{"policy": "arn:p", "statement": 1, "sid": "Read"}]},
	]
	admin := iam.admin_risks("arn:r") with input as iam_input(risks)
	count(admin) == 1
	exposure := iam.exposure_risks("arn:r") with input as iam_input(risks)
	exposure[0].probe == "s3:GetObject"
	iam.grant_labels(risks) == ["arn:p#Read", "inline:a#0"]
	note := iam.scp_note with input as iam_input(risks)
	note == "SCPs not applied"
	reasons := iam.unknown_reasons("arn:r") with input as iam_input(risks)
	reasons == ["u"]
}

test_fail_iam_facts_need_the_iam_collections if {
	not iam.facts with input as {"derived": {"iam": {}}}
}
