package flowforge.aws.iam.trust_wildcard_test

import data.flowforge.aws.iam.trust_wildcard as check
import rego.v1

arn := "arn:aws:iam::123456789012:role/r"

run(trust) := {"iam": {"roles": [{"arn": arn, "name": "r"}], "users": [], "groups": [], "policies": []}, "derived": {"iam": {"principals": {}, "trust": trust}}}

test_pass_no_issue if {
	count(check.deny with input as run({arn: {"issues": [], "principals": ["AWS:arn:aws:iam::123456789012:root"]}})) == 0
	count(check.unknown with input as run({arn: {"issues": []}})) == 0
}

test_fail_wildcard_principal if {
	issue := {"statement": 0, "principal_type": "AWS", "principal": "*", "reason": "any AWS principal may assume it"}
	some f in check.deny with input as run({arn: {"issues": [issue]}})
	f.arn == arn
	contains(f.message, "AWS *")
}

test_fail_oidc_wildcard_sub if {
	issue := {"statement": 0, "principal_type": "Federated", "principal": "gh", "reason": "OIDC trust pins sub with a wildcard"}
	count(check.deny with input as run({arn: {"issues": [issue]}})) == 1
}

test_unknown_without_judgement if {
	some u in check.unknown with input as run({})
	u.arn == arn
}
