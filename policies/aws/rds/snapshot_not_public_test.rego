package flowforge.aws.rds.snapshot_not_public_test

import data.flowforge.aws.rds.snapshot_not_public as check
import data.flowforge.lib.testing
import rego.v1

inp(kind, accounts) := {"rds": {"db_snapshots": [{"arn": "arn:aws:rds:us-east-1:1:snapshot:s", "name": "s", "db_instance_identifier": "m", "snapshot_type": kind, "restore_accounts": accounts}]}}

test_pass_private if {
	count(check.deny) == 0 with input as inp("manual", []) with data.baseline as testing.baseline
}

# Sharing with a named account is not public.
test_pass_shared_with_account if {
	count(check.deny) == 0 with input as inp("manual", ["210987654321"]) with data.baseline as testing.baseline
}

test_fail_public if {
	count(check.deny) == 1 with input as inp("manual", ["all"]) with data.baseline as testing.baseline
}

# Automated snapshots cannot be shared: out of scope, even without the attribute.
test_automated_out_of_scope if {
	s := check.in_scope with input as inp("automated", null) with data.baseline as testing.baseline
	count(s) == 0
	count(check.unknown) == 0 with input as inp("automated", null) with data.baseline as testing.baseline
}

test_unknown_when_attribute_not_read if {
	count(check.deny) == 0 with input as inp("manual", null) with data.baseline as testing.baseline
	count(check.unknown) == 1 with input as inp("manual", null) with data.baseline as testing.baseline
}
