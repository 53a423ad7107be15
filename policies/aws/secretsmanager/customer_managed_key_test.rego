package flowforge.aws.secretsmanager.customer_managed_key_test

import data.flowforge.aws.secretsmanager.customer_managed_key as check
import rego.v1

inp(key) := {"secretsmanager": {"secrets": [{"arn": "arn:aws:secretsmanager:us-east-1:1:secret:flowforge/prod/database-abc", "name": "flowforge/prod/database", "kms_key_id": key}]}}

test_pass_customer_key if {
	count(check.deny) == 0 with input as inp("arn:aws:kms:us-east-1:1:key/1234")
}

test_fail_default_key if {
	count(check.deny) == 1 with input as inp(null)
}

test_fail_aws_managed_alias if {
	count(check.deny) == 1 with input as inp("alias/aws/secretsmanager")
}
