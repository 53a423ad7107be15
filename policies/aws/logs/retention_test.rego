package flowforge.aws.logs.retention_test

import data.flowforge.aws.logs.retention as check
import data.flowforge.lib.testing
import rego.v1

group(name, days) := {"arn": concat("", ["arn:aws:logs:us-east-1:123456789012:log-group:", name]), "name": name, "retention_in_days": days, "kms_key_id": "k"}

# The two declared groups are FlowForge's (the engine's decision), `/other` is not.
snapshot(ecs_days) := testing.with_flowforge(
	{"regions": ["us-east-1"], "elbv2": {"load_balancers": []}, "logs": {"log_groups": [
		group("/ecs/flowforge-prod-control-plane", ecs_days),
		group("/flowforge/prod/prefect", 400),
		group("/other", 1),
	]}},
	[group("/ecs/flowforge-prod-control-plane", 0).arn, group("/flowforge/prod/prefect", 0).arn],
)

# The shipped baseline with two of its declared log groups.
declared := testing.with_perimeter({"log_groups": ["/ecs/flowforge-prod-control-plane", "/flowforge/prod/prefect"]})

findings(doc, baseline) := f if {
	f := check.deny with input as doc with data.baseline as baseline
}

test_pass_within_bounds if count(findings(snapshot(365), declared)) == 0

test_fail_too_short if count(findings(snapshot(30), declared)) == 1

test_fail_too_long if count(findings(snapshot(5479), declared)) == 1

test_fail_never_expire_with_max if count(findings(snapshot(null), declared)) == 1

test_pass_never_expire_without_max if count(findings(snapshot(null), object.union(declared, {"requirements": {"log_retention_max_days": 0}}))) == 0

test_fail_missing_group_on_its_missing_element if {
	doc := {"regions": ["us-east-1"], "elbv2": {"load_balancers": []}, "logs": {"log_groups": [group("/flowforge/prod/prefect", 400)]}}
	f := findings(doc, declared)
	count(f) == 1
	some x in f
	x.arn == "arn:aws:flowforge-audit:us-east-1:123456789012:missing/log_group:/ecs/flowforge-prod-control-plane"
}

test_unknown_missing_group_when_listing_failed if {
	doc := {"regions": ["us-east-1"], "elbv2": {"load_balancers": []}, "logs": {"log_groups": []}, "collection_errors": [{"service": "logs", "operation": "DescribeLogGroups", "region": "us-east-1", "resource": null}]}
	count(findings(doc, declared)) == 0
	u := check.unknown with input as doc with data.baseline as declared
	count(u) == 2
}

test_other_groups_out_of_scope if {
	s := check.in_scope with input as snapshot(365) with data.baseline as declared
	count(s) == 2
}
