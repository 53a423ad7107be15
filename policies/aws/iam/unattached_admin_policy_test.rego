package flowforge.aws.iam.unattached_admin_policy_test

import data.flowforge.aws.iam.unattached_admin_policy as check
import rego.v1

arn := "arn:aws:iam::123456789012:policy/p"

policy(attached, doc) := {"arn": arn, "name": "p", "aws_managed": false, "attachment_count": attached, "document": doc}

risk(class) := {"class": class, "probe": "*", "conditional": false, "granted_by": [{"policy": arn, "statement": 0}], "reference": "r"}

run(p, risks) := {"iam": {"roles": [], "users": [], "groups": [], "policies": [p]}, "derived": {"iam": {"principals": {}, "managed_policies": {arn: {"risks": risks}}}}}

doc := {"Statement": []}

test_pass_no_admin_risk if {
	res := check.deny with input as run(policy(0, doc), [risk("data-exfiltration")])
	count(res) == 0
}

test_fail_admin if {
	all_f := check.deny with input as run(policy(0, doc), [risk("admin")])
	some f in all_f
	f.arn == arn
}

test_pass_other_attachment_state if {
	res := check.deny with input as run(policy(1, doc), [risk("admin")])
	count(res) == 0
}

test_pass_aws_managed_not_in_scope if {
	p := object.union(policy(0, doc), {"aws_managed": true})
	res := check.deny with input as run(p, [risk("admin")])
	count(res) == 0
}

test_unknown_without_document if {
	all_u := check.unknown with input as run(policy(0, null), [])
	some u in all_u
	u.arn == arn
}
