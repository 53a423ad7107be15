package flowforge.aws.rds.multi_az_test

import data.flowforge.aws.rds.multi_az as check
import data.flowforge.lib.testing
import rego.v1

inp(multi) := {"rds": {"db_instances": [{"arn": "arn:aws:rds:us-east-1:1:db:m", "name": "m", "multi_az": multi, "availability_zone": "us-east-1a", "db_cluster_identifier": null}]}}

test_pass_multi_az if {
	count(check.deny) == 0 with input as inp(true) with data.baseline as testing.baseline
}

test_fail_single_az if {
	count(check.deny) == 1 with input as inp(false) with data.baseline as testing.baseline
}

test_pass_not_required_in_dev if {
	not check.applies with data.baseline as testing.with_requirements({"rds_multi_az": false})
	check.not_applicable_reason == "requirements.rds_multi_az is false for this environment"
}

# Multi-AZ that was not reported is UNKNOWN (for instances outside a cluster).
test_unknown_when_unreported if {
	count(check.deny) == 0 with input as inp(null) with data.baseline as testing.baseline
	count(check.unknown) == 1 with input as inp(null) with data.baseline as testing.baseline
	count(check.unknown) == 0 with input as inp(true) with data.baseline as testing.baseline
}
