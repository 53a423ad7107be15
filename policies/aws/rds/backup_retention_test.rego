package flowforge.aws.rds.backup_retention_test

import data.flowforge.aws.rds.backup_retention as check
import data.flowforge.lib.testing
import rego.v1

baseline := testing.with_requirements({"rds_backup_retention_days": 14})

inp(days) := {"rds": {"db_instances": [{"arn": "arn:aws:rds:us-east-1:1:db:m", "name": "m", "backup_retention_period": days}]}}

test_pass_retention_met if {
	count(check.deny) == 0 with input as inp(14) with data.baseline as baseline
	count(check.unknown) == 0 with input as inp(35) with data.baseline as baseline
}

test_fail_short_retention if {
	f := check.deny with input as inp(7) with data.baseline as baseline
	count(f) == 1
	some x in f
	x.evidence == {"backup_retention_period": 7, "required_days": 14}
}

# 0 days: automated backups are off.
test_fail_backups_off if {
	count(check.deny) == 1 with input as inp(0) with data.baseline as baseline
}

# A retention the API did not report is UNKNOWN, never PASS or FAIL.
test_unknown_when_unreported if {
	count(check.deny) == 0 with input as inp(null) with data.baseline as baseline
	count(check.unknown) == 1 with input as inp(null) with data.baseline as baseline
}
