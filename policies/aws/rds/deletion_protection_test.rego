package flowforge.aws.rds.deletion_protection_test

import data.flowforge.aws.rds.deletion_protection as check
import data.flowforge.lib.testing
import rego.v1

baseline := testing.with_requirements({"rds_deletion_protection": true})

inp(on, cluster) := {"rds": {"db_instances": [{"arn": "arn:aws:rds:us-east-1:1:db:m", "name": "m", "deletion_protection": on, "db_cluster_identifier": cluster}]}}

test_pass_protected if {
	count(check.deny) == 0 with input as inp(true, null) with data.baseline as baseline
}

test_fail_unprotected if {
	count(check.deny) == 1 with input as inp(false, null) with data.baseline as baseline
}

# Aurora members are protected through their cluster.
test_pass_cluster_member_out_of_scope if {
	count(check.deny) == 0 with input as inp(false, "aurora") with data.baseline as baseline
	s := check.in_scope with input as inp(false, "aurora") with data.baseline as baseline
	count(s) == 0
}

test_not_required_outside_prod if {
	not check.applies with data.baseline as testing.with_requirements({"rds_deletion_protection": false})
}

test_unknown_when_unreported if {
	count(check.deny) == 0 with input as inp(null, null) with data.baseline as baseline
	count(check.unknown) == 1 with input as inp(null, null) with data.baseline as baseline
}
