package flowforge.aws.kms.policy_no_wildcard_test

import data.flowforge.aws.kms.policy_no_wildcard as check
import data.flowforge.lib.testing
import rego.v1

key_arn := "arn:aws:kms:us-east-1:123456789012:key/k1"

root := {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}, "Action": ["kms:*"], "Resource": ["*"], "Condition": {}}

open := {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["kms:*"], "Resource": ["*"], "Condition": {}}

inp(policy) := {
	"kms": {"keys": [{"arn": key_arn, "id": "k1", "name": "k1", "region": "us-east-1", "aliases": [], "policy": policy}]},
	"ssm": {"parameters": [{"arn": "arn:aws:ssm:us-east-1:123456789012:parameter/flowforge/prod/db-password", "name": "/flowforge/prod/db-password", "region": "us-east-1", "key_id": key_arn}]},
}

baseline := object.union(testing.baseline, {"architecture": object.union(testing.baseline.architecture, {"parameter_store": {"prefixes": ["/flowforge/prod/"], "secret_name_patterns": ["password"]}})})

test_pass_account_root if {
	count(check.deny) == 0 with input as inp({"Statement": [root]}) with data.baseline as baseline
}

test_fail_open_to_everyone if {
	count(check.deny) == 1 with input as inp({"Statement": [root, open]}) with data.baseline as baseline
}

# A condition (e.g. aws:PrincipalOrgID) narrows "*": not this check's finding.
test_pass_conditioned_wildcard if {
	st := object.union(open, {"Condition": {"StringEquals": {"aws:principalorgid": ["o-123"]}}})
	count(check.deny) == 0 with input as inp({"Statement": [st]}) with data.baseline as baseline
}

test_unknown_when_policy_unread if {
	count(check.deny) == 0 with input as inp(null) with data.baseline as baseline
	count(check.unknown) == 1 with input as inp(null) with data.baseline as baseline
}
