package flowforge.aws.iam.policy_admin_test

import data.flowforge.aws.iam.policy_admin as check
import rego.v1

policy(managed, stmt) := {"arn": "arn:aws:iam::1:policy/p", "name": "p", "aws_managed": managed, "attachment_count": 1, "document": {"Statement": [stmt]}}

admin := {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}

findings(p) := f if {
	f := check.deny with input as {"iam": {"policies": [p]}}
}

test_pass_scoped_policy if {
	count(findings(policy(false, {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}))) == 0
}

test_fail_customer_admin if {
	count(findings(policy(false, admin))) == 1
}

test_pass_aws_managed_not_in_scope if {
	count(findings(policy(true, admin))) == 0
}
