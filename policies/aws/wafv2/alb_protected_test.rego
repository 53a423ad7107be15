package flowforge.aws.wafv2.alb_protected_test

import data.flowforge.aws.wafv2.alb_protected as check
import data.flowforge.lib.testing
import rego.v1

lb_arn := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flowforge-prod-alb/1"

acl_arn := "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/flowforge-prod-waf/1"

assoc(acl) := {"arn": lb_arn, "name": "flowforge-prod-alb", "resource_arn": lb_arn, "web_acl_arn": acl}

acl(groups) := {"arn": acl_arn, "name": "flowforge-prod-waf", "managed_rule_groups": groups}

all_groups := ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]

snapshot(a, acls) := {
	"elbv2": {"load_balancers": [{"arn": lb_arn, "name": "flowforge-prod-alb", "region": "us-east-1"}]},
	"wafv2": {"associations": [a], "web_acls": acls},
}

run(input_doc, baseline) := {"deny": d, "unknown": u, "applies": ap, "scope": s} if {
	d := check.deny with input as input_doc with data.baseline as baseline
	u := check.unknown with input as input_doc with data.baseline as baseline
	ap := check.applies with input as input_doc with data.baseline as baseline
	s := check.in_scope with input as input_doc with data.baseline as baseline
}

test_pass_protected_with_all_groups if {
	r := run(snapshot(assoc(acl_arn), [acl(all_groups)]), testing.baseline)
	count(r.deny) == 0
	count(r.unknown) == 0
	r.applies == true
	count(r.scope) == 1
}

test_fail_no_web_acl if {
	r := run(snapshot(assoc(null), []), testing.baseline)
	count(r.deny) == 1
}

test_fail_missing_rule_group if {
	r := run(snapshot(assoc(acl_arn), [acl(["AWSManagedRulesCommonRuleSet"])]), testing.baseline)
	some f in r.deny
	f.evidence.missing_rule_groups == ["AWSManagedRulesKnownBadInputsRuleSet"]
}

test_unknown_acl_not_collected if {
	r := run(snapshot(assoc(acl_arn), []), testing.baseline)
	count(r.deny) == 0
	count(r.unknown) == 1
}

test_not_applicable_when_not_required if {
	r := run(snapshot(assoc(null), []), testing.with_requirements({"waf_required": false}))
	r.applies == false
}

test_other_load_balancers_out_of_scope if {
	other := object.union(assoc(null), {"arn": "other", "resource_arn": "other"})
	r := run(snapshot(other, []), testing.baseline)
	count(r.scope) == 0
	count(r.deny) == 0
}
