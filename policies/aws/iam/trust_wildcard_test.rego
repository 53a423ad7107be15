package flowforge.aws.iam.trust_wildcard_test

import data.flowforge.aws.iam.trust_wildcard as check
import rego.v1

arn := "arn:aws:iam::123456789012:role/r"

run(trust) := {"iam": {"roles": [{"arn": arn, "name": "r"}], "users": [], "groups": [], "policies": []}, "derived": {"iam": {"principals": {}, "trust": trust}}}

test_pass_no_issue if {
	res := check.deny with input as run({arn: {"issues": [], "principals": ["AWS:arn:aws:iam::123456789012:root"]}})
	count(res) == 0
	res2 := check.unknown with input as run({arn: {"issues": []}})
	count(res2) == 0
}

test_fail_wildcard_principal if {
	issue := {"statement": 0, "principal_type": "AWS", "principal": "*", "reason": "any AWS principal may assume it"}
	all_f := check.deny with input as run({arn: {"issues": [issue]}})
	some f in all_f
	f.arn == arn
	contains(f.message, "AWS *")
}

test_fail_oidc_wildcard_sub if {
	issue := {"statement": 0, "principal_type": "Federated", "principal": "gh", "reason": "OIDC trust pins sub with a wildcard"}
	res := check.deny with input as run({arn: {"issues": [issue]}})
	count(res) == 1
}

test_unknown_without_judgement if {
	all_u := check.unknown with input as run({})
	some u in all_u
	u.arn == arn
}
