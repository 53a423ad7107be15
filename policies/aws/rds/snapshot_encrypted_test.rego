package flowforge.aws.rds.snapshot_encrypted_test

import data.flowforge.aws.rds.snapshot_encrypted as check
import data.flowforge.lib.testing
import rego.v1

inp(enc) := {"rds": {"db_snapshots": [{"arn": "arn:aws:rds:us-east-1:1:snapshot:s", "name": "s", "db_instance_identifier": "m", "snapshot_type": "manual", "encrypted": enc}]}}

test_pass_encrypted if {
	count(check.deny) == 0 with input as inp(true) with data.baseline as testing.baseline
}

test_fail_unencrypted if {
	count(check.deny) == 1 with input as inp(false) with data.baseline as testing.baseline
}

test_unknown_when_unreported if {
	count(check.deny) == 0 with input as inp(null) with data.baseline as testing.baseline
	count(check.unknown) == 1 with input as inp(null) with data.baseline as testing.baseline
}
