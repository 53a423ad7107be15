package flowforge.aws.iam.least_privilege_test

import data.flowforge.aws.iam.least_privilege as check
import data.flowforge.lib.testing
import rego.v1

role(name, statements) := {"arn": sprintf("arn:aws:iam::123456789012:role/%s", [name]), "name": name, "inline_policies": [{"name": "p", "document": {"Statement": statements}}], "attached_policies": []}

allow(actions, resources) := {"Effect": "Allow", "Action": actions, "Resource": resources, "Condition": {}}

findings(r) := f if {
	f := check.deny with input as {"iam": {"roles": [r], "policies": []}} with data.baseline as testing.baseline
}

evidence(r) := e if {
	some f in findings(r)
	e := f.evidence
}

test_pass_within_baseline if {
	r := role("flowforge-prod-data-engineer", [
		allow(["s3:GetObject"], ["arn:aws:s3:::flowforge-prod-bronze/*"]),
		allow(["S3:ListBucket"], ["arn:aws:s3:::flowforge-prod-gold"]),
		allow(["logs:Put*"], ["*"]),
	])
	count(findings(r)) == 0
}

test_fail_excess_action if {
	r := role("flowforge-prod-data-engineer", [allow(["s3:DeleteObject", "s3:GetObject"], ["arn:aws:s3:::flowforge-prod-bronze/*"])])
	evidence(r).excess_actions == ["s3:DeleteObject"]
}

test_fail_wildcard_action_not_contained_in_specific if {
	r := role("flowforge-prod-data-engineer", [allow(["s3:*"], ["arn:aws:s3:::flowforge-prod-bronze/*"])])
	evidence(r).excess_actions == ["s3:*"]
}

test_fail_resource_too_broad if {
	r := role("flowforge-prod-data-engineer", [allow(["s3:GetObject"], ["*"])])
	some scope in evidence(r).excess_resource_scopes
	scope.action == "s3:GetObject"
}

test_fail_not_action if {
	r := role("flowforge-prod-data-engineer", [{"Effect": "Allow", "NotAction": ["iam:*"], "Action": [], "Resource": ["*"], "Condition": {}}])
	count(evidence(r).not_action_statements) == 1
}

test_pass_other_roles_out_of_scope if {
	r := role("payments-admin", [allow(["*"], ["*"])])
	count(findings(r)) == 0
	scope := check.in_scope with input as {"iam": {"roles": [r]}} with data.baseline as testing.baseline
	count(scope) == 0
}
