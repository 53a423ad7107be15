package flowforge.aws.ecr.repository_policy_test

import data.flowforge.aws.ecr.repository_policy as check
import data.flowforge.lib.testing
import rego.v1

repo_arn := "arn:aws:ecr:us-east-1:123456789012:repository/flowforge-prod-ui"

policy := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["ecr:BatchGetImage"], "Resource": ["*"], "Condition": {}}]}

# The repository with `policy` (or none) and the engine's facts for it: `grants` (null: no
# entry for the repository).
inp(p, grants) := {
	"ecr": {"repositories": [object.union(testing.meta(repo_arn, "flowforge-prod-ui", "flowforge-prod-ui", {}), {"policy": p})]},
	"derived": {"iam": {"resource_policies": rp(grants)}},
}

rp(grants) := {} if grants == null

rp(grants) := {repo_arn: {"service": "ecr", "grants": grants, "account_grants": []}} if grants != null

grant(kind, principal, account) := {"statement": 0, "principal": principal, "kind": kind, "actions": ["ecr:BatchGetImage"], "account": account}

findings(i, b) := f if {
	f := check.deny with input as i with data.baseline as b
}

test_pass_no_policy_or_no_external_grant if {
	count(findings(inp(null, null), testing.baseline)) == 0
	count(findings(inp(policy, []), testing.baseline)) == 0
	count(check.unknown) == 0 with input as inp(null, null) with data.baseline as testing.baseline
}

test_pass_allowed_account if {
	b := testing.with_compute({"ecr": object.union(testing.compute.ecr, {"allowed_accounts": ["210987654321"]})})
	count(findings(inp(policy, [grant("cross-account", "AWS:arn:aws:iam::210987654321:root", "210987654321")]), b)) == 0
}

test_fail_everyone if {
	count(findings(inp(policy, [grant("public", "AWS:*", null)]), testing.baseline)) == 1
}

test_fail_other_account if {
	count(findings(inp(policy, [grant("cross-account", "AWS:210987654321", "210987654321")]), testing.baseline)) == 1
}

# A policy in the snapshot without the engine's facts is UNKNOWN, never PASS.
test_unknown_without_engine_facts if {
	count(findings(inp(policy, null), testing.baseline)) == 0
	count(check.unknown) == 1 with input as inp(policy, null) with data.baseline as testing.baseline
}
