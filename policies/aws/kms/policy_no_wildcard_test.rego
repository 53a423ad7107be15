package flowforge.aws.kms.policy_no_wildcard_test

import data.flowforge.aws.kms.policy_no_wildcard as check
import data.flowforge.lib.testing
import rego.v1

key_arn := "arn:aws:kms:us-east-1:123456789012:key/k1"

root := {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}, "Action": ["kms:*"], "Resource": ["*"], "Condition": {}}

# The engine's facts for the key (src/iam_eval/resource.rs computes them from the policy;
# here they are given, as the Rust corpus tests the reading itself).
facts(grants) := {key_arn: {"service": "kms", "grants": grants, "account_grants": [], "iam_policies_enabled": true}}

public := {"statement": 1, "principal": "AWS:*", "kind": "public", "actions": ["kms:Decrypt"]}

other := {"statement": 1, "principal": "AWS:arn:aws:iam::999999999999:root", "kind": "cross-account", "actions": ["kms:*"], "account": "999999999999"}

inp(policy, rp) := {
	"kms": {"keys": [{"arn": key_arn, "id": "k1", "name": "k1", "region": "us-east-1", "aliases": [], "policy": policy}]},
	# The engine's key facts (src/kms_use.rs): a FlowForge parameter uses the key.
	"derived": {
		"iam": {"resource_policies": rp},
		"kms": {"used": {key_arn: ["arn:aws:ssm:us-east-1:123456789012:parameter/flowforge/prod/db-password"]}, "unknown": []},
	},
}

baseline := testing.baseline

test_pass_no_external_grant if {
	count(check.deny) == 0 with input as inp({"Statement": [root]}, facts([])) with data.baseline as baseline
	count(check.unknown) == 0 with input as inp({"Statement": [root]}, facts([])) with data.baseline as baseline
}

test_fail_public_grant if {
	f := check.deny with input as inp({"Statement": [root]}, facts([public])) with data.baseline as baseline
	count(f) == 1
	some x in f
	contains(x.message, "access to everyone")
}

test_fail_cross_account_grant if {
	f := check.deny with input as inp({"Statement": [root]}, facts([other])) with data.baseline as baseline
	count(f) == 1
	some x in f
	contains(x.message, "another account")
}

# A key no FlowForge resource uses is out of scope, whatever its policy.
test_pass_unused_key if {
	used := inp({"Statement": [root]}, facts([public]))
	i := object.union(object.remove(used, ["derived"]), {"derived": {"iam": used.derived.iam, "kms": {"used": {}, "unknown": []}}})
	count(check.deny) == 0 with input as i with data.baseline as baseline
}

test_unknown_when_policy_unread if {
	count(check.deny) == 0 with input as inp(null, {}) with data.baseline as baseline
	count(check.unknown) == 1 with input as inp(null, {}) with data.baseline as baseline
}

# A policy in the snapshot without the engine's facts is UNKNOWN, never PASS.
test_unknown_without_engine_facts if {
	count(check.deny) == 0 with input as inp({"Statement": [root]}, {}) with data.baseline as baseline
	count(check.unknown) == 1 with input as inp({"Statement": [root]}, {}) with data.baseline as baseline
}
