package flowforge.aws.rds.not_publicly_accessible_test

import data.flowforge.aws.rds.not_publicly_accessible as check
import rego.v1

inp(public) := {"rds": {"db_instances": [{"arn": "arn:aws:rds:us-east-1:1:db:m", "name": "m", "publicly_accessible": public}]}}

test_pass_private if {
	count(check.deny) == 0 with input as inp(false)
}

test_fail_public if {
	count(check.deny) == 1 with input as inp(true)
}
