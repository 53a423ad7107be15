package flowforge.aws.s3.bucket_policy_not_public_test

import data.flowforge.aws.s3.bucket_policy_not_public as check
import data.flowforge.lib.testing
import rego.v1

arn := "arn:aws:s3:::flowforge-prod-gold"

policy := {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::flowforge-prod-gold/*"], "Condition": {}}]}

# A bucket named `name` with `p` as its policy, and the engine's `grants` for it (null: no entry).
inp(name, p, grants) := {
	"s3": {"buckets": [object.union(testing.meta(sprintf("arn:aws:s3:::%s", [name]), name, name, {}), {"policy": p})]},
	"derived": {"iam": {"resource_policies": rp(name, grants)}},
}

rp(_, grants) := {} if grants == null

rp(name, grants) := {sprintf("arn:aws:s3:::%s", [name]): {"service": "s3", "grants": grants, "account_grants": []}} if grants != null

public := {"statement": 0, "principal": "AWS:*", "kind": "public", "actions": ["s3:GetObject"]}

other := {"statement": 0, "principal": "AWS:999999999999", "kind": "cross-account", "actions": ["s3:GetObject"], "account": "999999999999"}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_no_policy_or_no_external_grant if {
	count(findings(inp("flowforge-prod-gold", null, null))) == 0
	count(findings(inp("flowforge-prod-gold", policy, []))) == 0
	count(check.unknown) == 0 with input as testing.all_flowforge(inp("flowforge-prod-gold", null, null)) with data.baseline as testing.baseline
}

test_fail_public if {
	f := findings(inp("flowforge-prod-gold", policy, [public]))
	count(f) == 1
	some x in f
	contains(x.message, "to everyone")
}

test_fail_cross_account if {
	f := findings(inp("flowforge-prod-gold", policy, [other]))
	count(f) == 1
	some x in f
	x.evidence.grant.account == "999999999999"
}

# Only FlowForge buckets are in scope (the engine's decision does not name this one).
test_pass_other_bucket if {
	f := check.deny with input as inp("someone-else", policy, [public]) with data.baseline as testing.baseline
	count(f) == 0
}

# A policy in the snapshot without the engine's facts is UNKNOWN, never PASS.
test_unknown_without_engine_facts if {
	count(findings(inp("flowforge-prod-gold", policy, null))) == 0
	count(check.unknown) == 1 with input as testing.all_flowforge(inp("flowforge-prod-gold", policy, null)) with data.baseline as testing.baseline
}
