package flowforge.aws.kms.key_enabled_test

import data.flowforge.aws.kms.key_enabled as check
import data.flowforge.lib.testing
import rego.v1

key_arn := "arn:aws:kms:us-east-1:123456789012:key/k1"

key(state) := {"arn": key_arn, "id": "k1", "name": "alias/flowforge-prod-data", "region": "us-east-1", "aliases": ["alias/flowforge-prod-data"], "key_manager": "CUSTOMER", "key_state": state}

# A FlowForge bucket naming the key by its alias.
bucket(ref) := {"arn": "arn:aws:s3:::flowforge-prod-gold", "name": "flowforge-prod-gold", "region": "us-east-1", "tags": {}, "encryption": {"rules": [{"sse_algorithm": "aws:kms", "kms_master_key_id": ref}]}}

inp(state, ref) := {"kms": {"keys": [key(state), object.union(key(state), {"arn": "arn:aws:kms:us-east-1:123456789012:key/other", "id": "other", "aliases": []})]}, "s3": {"buckets": [bucket(ref)]}}

test_pass_enabled if {
	count(check.deny) == 0 with input as inp("Enabled", "alias/flowforge-prod-data") with data.baseline as testing.baseline
	s := check.in_scope with input as inp("Enabled", "alias/flowforge-prod-data") with data.baseline as testing.baseline
	s == {key_arn}
}

test_fail_disabled if {
	f := check.deny with input as inp("Disabled", key_arn) with data.baseline as testing.baseline
	count(f) == 1
	some x in f
	x.arn == key_arn
}

test_fail_pending_deletion_by_alias_arn if {
	count(check.deny) == 1 with input as inp("PendingDeletion", "arn:aws:kms:us-east-1:123456789012:alias/flowforge-prod-data") with data.baseline as testing.baseline
}

# AWS-managed keys are not judged.
test_aws_managed_key_out_of_scope if {
	s := check.in_scope with input as inp("Enabled", "alias/aws/s3") with data.baseline as testing.baseline
	count(s) == 0
	count(check.unknown) == 0 with input as inp("Enabled", "alias/aws/s3") with data.baseline as testing.baseline
}

# A key the resource names but the snapshot lacks is UNKNOWN, never PASS.
test_unknown_when_key_not_collected if {
	u := check.unknown with input as inp("Enabled", "arn:aws:kms:us-east-1:210987654321:key/x") with data.baseline as testing.baseline
	count(u) == 1
	some x in u
	x.arn == "arn:aws:kms:us-east-1:210987654321:key/x"
}

test_unknown_when_state_unreported if {
	count(check.unknown) == 1 with input as inp(null, key_arn) with data.baseline as testing.baseline
	count(check.deny) == 0 with input as inp(null, key_arn) with data.baseline as testing.baseline
}
