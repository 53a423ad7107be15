package flowforge.lib.flowforge_test

import data.flowforge.lib
import data.flowforge.lib.iam
import data.flowforge.lib.testing
import rego.v1

# is_flowforge reads the engine's one decision (src/baseline/scope.rs, tested there): it never
# re-decides from tags or names.
test_pass_recognised_by_the_engine_decision if {
	resource := {"arn": "arn:r", "name": "payments-vpc", "tags": {}}
	lib.is_flowforge(resource) with input as {"derived": {"flowforge": {"arn:r": {"by": "baseline"}}}}
}

test_fail_tags_and_prefix_alone_decide_nothing if {
	resource := {"arn": "arn:r", "name": "flowforge-prod-vpc", "tags": testing.ff_tags}
	not lib.is_flowforge(resource) with input as {"derived": {"flowforge": {}}} with data.baseline as testing.baseline
}

test_undecided_reason if {
	resource := {"arn": "arn:r", "name": "x", "tags": {}}
	why := lib.flowforge_undecided(resource) with input as {"derived": {"flowforge": {}, "flowforge_undecided": {"arn:r": "tags unread"}}}
	why == "tags unread"
}

test_missing_and_collection_arns if {
	m := lib.missing_arn("eu-west-1", "alarm:a") with data.baseline as testing.baseline
	m == "arn:aws:flowforge-audit:eu-west-1:123456789012:missing/alarm:a"
	c := lib.collection_arn("eu-west-1", "ec2.ebs_encryption_by_default") with input as {"partition": "aws", "account_id": "123456789012"}
	c == "arn:aws:flowforge-audit:eu-west-1:123456789012:collection/ec2.ebs_encryption_by_default"
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
