package flowforge.aws.iam.trust_wildcard_test

import data.flowforge.aws.iam.trust_wildcard as check
import rego.v1

role(stmt) := {"arn": "arn:aws:iam::1:role/r", "name": "r", "assume_role_policy": {"Statement": [stmt]}}

findings(stmt) := f if {
	f := check.deny with input as {"iam": {"roles": [role(stmt)]}}
}

test_pass_account_principal if {
	count(findings({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root"]}, "Action": ["sts:AssumeRole"], "Condition": {}})) == 0
}

test_pass_wildcard_with_condition if {
	s := {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["sts:AssumeRole"], "Condition": {"StringEquals": {"aws:principalorgid": ["o-1"]}}}
	count(findings(s)) == 0
}

test_fail_wildcard_no_condition if {
	count(findings({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["sts:AssumeRole"], "Condition": {}})) == 1
}

test_pass_service_principal if {
	count(findings({"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com"]}, "Action": ["sts:AssumeRole"], "Condition": {}})) == 0
}
