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

# A DB instance whose publicly_accessible was not reported is UNKNOWN, neither PASS nor FAIL.
test_unknown_when_unreported if {
	count(check.deny) == 0 with input as inp(null)
	check.unknown == {{"arn": "arn:aws:rds:us-east-1:1:db:m", "reason": "publicly_accessible was not reported by DescribeDBInstances (null in the snapshot)"}} with input as inp(null)
	count(check.unknown) == 1 with input as {"rds": {"db_instances": [{"arn": "arn:aws:rds:us-east-1:1:db:m", "name": "m"}]}}
	count(check.unknown) == 0 with input as inp(false)
}
