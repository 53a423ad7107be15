package flowforge.aws.iam.no_admin_test

import data.flowforge.aws.iam.no_admin as check
import rego.v1

admin_doc := {"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"], "Condition": {}}]}

narrow_doc := {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"], "Condition": {}}]}

role(inline, attached) := {"arn": "arn:aws:iam::1:role/r", "name": "r", "inline_policies": inline, "attached_policies": attached}

findings(r, policies) := f if {
	f := check.deny with input as {"iam": {"roles": [r], "policies": policies}}
}

test_pass_narrow_policies if {
	p := {"arn": "arn:aws:iam::1:policy/p", "aws_managed": false, "document": narrow_doc}
	count(findings(role([{"name": "i", "document": narrow_doc}], [{"policy_name": "p", "policy_arn": p.arn}]), [p])) == 0
}

test_fail_inline_admin if {
	some f in findings(role([{"name": "everything", "document": admin_doc}], []), [])
	f.evidence.admin_policies == {"inline:everything"}
}

test_fail_attached_customer_admin if {
	p := {"arn": "arn:aws:iam::1:policy/admin", "aws_managed": false, "document": {"Statement": [{"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}]}}
	count(findings(role([], [{"policy_name": "admin", "policy_arn": p.arn}]), [p])) == 1
}

test_fail_aws_administrator_access if {
	a := {"policy_name": "AdministratorAccess", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}
	count(findings(role([], [a]), [])) == 1
}

test_pass_deny_all_is_not_admin if {
	doc := {"Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"]}]}
	count(findings(role([{"name": "i", "document": doc}], []), [])) == 0
}
