package flowforge.aws.rds.copy_tags_to_snapshot_test

import data.flowforge.aws.rds.copy_tags_to_snapshot as check
import data.flowforge.lib.testing
import rego.v1

inp(on) := {"rds": {"db_instances": [{"arn": "arn:aws:rds:us-east-1:1:db:m", "name": "m", "copy_tags_to_snapshot": on, "db_cluster_identifier": null}]}}

test_pass_copies_tags if {
	count(check.deny) == 0 with input as inp(true) with data.baseline as testing.baseline
}

test_fail_no_copy if {
	count(check.deny) == 1 with input as inp(false) with data.baseline as testing.baseline
}

# A snapshot written before the field existed (or an API that omitted it) is UNKNOWN.
test_unknown_when_unreported if {
	count(check.deny) == 0 with input as {"rds": {"db_instances": [{"arn": "a", "name": "a"}]}} with data.baseline as testing.baseline
	count(check.unknown) == 1 with input as {"rds": {"db_instances": [{"arn": "a", "name": "a"}]}} with data.baseline as testing.baseline
}
