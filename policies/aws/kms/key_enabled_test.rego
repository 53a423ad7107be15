package flowforge.aws.kms.key_enabled_test

import data.flowforge.aws.kms.key_enabled as check
import data.flowforge.lib.testing
import rego.v1

key_arn := "arn:aws:kms:us-east-1:123456789012:key/k1"

bucket_arn := "arn:aws:s3:::flowforge-prod-gold"

key(state) := {"arn": key_arn, "id": "k1", "name": "alias/flowforge-prod-data", "region": "us-east-1", "aliases": ["alias/flowforge-prod-data"], "key_manager": "CUSTOMER", "key_state": state}

# The engine's key facts (src/kms_use.rs resolves the references and is tested there): the
# key is used by a FlowForge bucket, the other key by nothing.
in_use := {"used": {key_arn: [bucket_arn]}, "unknown": []}

inp(state, facts) := {
	"kms": {"keys": [key(state), object.union(key(state), {"arn": "arn:aws:kms:us-east-1:123456789012:key/other", "id": "other", "aliases": []})]},
	"derived": {"kms": facts},
}

test_pass_enabled if {
	count(check.deny) == 0 with input as inp("Enabled", in_use) with data.baseline as testing.baseline
	s := check.in_scope with input as inp("Enabled", in_use) with data.baseline as testing.baseline
	s == {key_arn}
}

test_fail_disabled if {
	f := check.deny with input as inp("Disabled", in_use) with data.baseline as testing.baseline
	count(f) == 1
	some x in f
	x.arn == key_arn
	x.evidence.used_by == [bucket_arn]
}

test_fail_pending_deletion if {
	count(check.deny) == 1 with input as inp("PendingDeletion", in_use) with data.baseline as testing.baseline
}

# A key no FlowForge resource uses is not judged, whatever its state.
test_unused_key_out_of_scope if {
	unused := {"used": {}, "unknown": []}
	s := check.in_scope with input as inp("Disabled", unused) with data.baseline as testing.baseline
	count(s) == 0
	count(check.deny) == 0 with input as inp("Disabled", unused) with data.baseline as testing.baseline
}

# What the engine could not decide (a key the snapshot lacks, users whose FlowForge-ness is
# undecided) is UNKNOWN, never PASS.
test_unknown_from_the_key_facts if {
	facts := {"used": {}, "unknown": [{"arn": bucket_arn, "reason": "KMS key x, used by the bucket, is not in the snapshot (kms.keys)"}]}
	u := check.unknown with input as inp("Enabled", facts) with data.baseline as testing.baseline
	count(u) == 1
	some x in u
	x.arn == bucket_arn
}

test_unknown_when_state_unreported if {
	count(check.unknown) == 1 with input as inp(null, in_use) with data.baseline as testing.baseline
	count(check.deny) == 0 with input as inp(null, in_use) with data.baseline as testing.baseline
}
