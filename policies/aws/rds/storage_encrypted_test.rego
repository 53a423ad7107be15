package flowforge.aws.rds.storage_encrypted_test

import data.flowforge.aws.rds.storage_encrypted as check
import rego.v1

inp(enc) := {"rds": {"db_instances": [{"arn": "arn:aws:rds:us-east-1:1:db:m", "name": "m", "engine": "postgres", "storage_encrypted": enc}]}}

test_pass_encrypted if {
	count(check.deny) == 0 with input as inp(true)
}

test_fail_unencrypted if {
	count(check.deny) == 1 with input as inp(false)
}

# Storage encryption that was not reported is UNKNOWN, not a FAIL and not a PASS.
test_unknown_when_unreported if {
	count(check.deny) == 0 with input as inp(null)
	count(check.unknown) == 1 with input as inp(null)
	count(check.unknown) == 0 with input as inp(false)
}
