package flowforge.aws.secretsmanager.resource_policy_test

import data.flowforge.aws.secretsmanager.resource_policy as check
import data.flowforge.lib.testing
import rego.v1

policy := {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["secretsmanager:GetSecretValue"], "Resource": ["*"], "Condition": {}}]}

secret_arn(name) := sprintf("arn:aws:secretsmanager:us-east-1:123456789012:secret:%s-AbCdEf", [name])

# A secret named `name` with `p` as its resource policy, and the engine's `grants` (null: no entry).
inp(name, p, grants) := {
	"secretsmanager": {"secrets": [object.union(testing.meta(secret_arn(name), name, name, {}), {"policy": p})]},
	"derived": {"iam": {"resource_policies": rp(name, grants)}},
}

rp(_, grants) := {} if grants == null

rp(name, grants) := {secret_arn(name): {"service": "secretsmanager", "grants": grants, "account_grants": []}} if grants != null

public := {"statement": 0, "principal": "AWS:*", "kind": "public", "actions": ["secretsmanager:GetSecretValue"]}

other := {"statement": 0, "principal": "AWS:arn:aws:iam::999999999999:root", "kind": "cross-account", "actions": ["secretsmanager:GetSecretValue"], "account": "999999999999"}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_no_policy_or_no_external_grant if {
	count(findings(inp("flowforge-prod-db", null, null))) == 0
	count(findings(inp("flowforge-prod-db", policy, []))) == 0
}

test_fail_public_and_cross_account if {
	count(findings(inp("flowforge-prod-db", policy, [public]))) == 1
	count(findings(inp("flowforge-prod-db", policy, [other]))) == 1
	count(findings(inp("flowforge-prod-db", policy, [public, other]))) == 2
}

# Only FlowForge secrets are in scope (the engine's decision does not name this one).
test_pass_other_secret if {
	f := check.deny with input as inp("someone-else", policy, [public]) with data.baseline as testing.baseline
	count(f) == 0
}

# A policy in the snapshot without the engine's facts is UNKNOWN, never PASS.
test_unknown_without_engine_facts if {
	count(findings(inp("flowforge-prod-db", policy, null))) == 0
	count(check.unknown) == 1 with input as testing.all_flowforge(inp("flowforge-prod-db", policy, null)) with data.baseline as testing.baseline
}
