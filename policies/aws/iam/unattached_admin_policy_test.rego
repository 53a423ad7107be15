package flowforge.aws.iam.unattached_admin_policy_test

import data.flowforge.aws.iam.unattached_admin_policy as check
import rego.v1

arn := "arn:aws:iam::123456789012:policy/p"

policy(attached, doc) := {"arn": arn, "name": "p", "aws_managed": false, "attachment_count": attached, "document": doc}

risk(class) := {"class": class, "probe": "*", "conditional": false, "granted_by": [{"policy": arn, "statement": 0}], "reference": "r"}

run(p, risks) := {"iam": {"roles": [], "users": [], "groups": [], "policies": [p]}, "derived": {"iam": {"principals": {}, "managed_policies": {arn: {"risks": risks}}}}}

doc := {"Statement": []}

test_pass_no_admin_risk if {
	count(check.deny with input as run(policy(0, doc), [risk("data-exfiltration")])) == 0
}

test_fail_admin if {
	some f in check.deny with input as run(policy(0, doc), [risk("admin")])
	f.arn == arn
}

test_pass_other_attachment_state if {
	count(check.deny with input as run(policy(1, doc), [risk("admin")])) == 0
}

test_pass_aws_managed_not_in_scope if {
	p := object.union(policy(0, doc), {"aws_managed": true})
	count(check.deny with input as run(p, [risk("admin")])) == 0
}

test_unknown_without_document if {
	some u in check.unknown with input as run(policy(0, null), [])
	u.arn == arn
}
