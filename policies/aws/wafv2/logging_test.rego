package flowforge.aws.wafv2.logging_test

import data.flowforge.aws.wafv2.logging as check
import data.flowforge.lib.testing
import rego.v1

lb_arn := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flowforge-prod-alb/1"

acl_arn := "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/flowforge-prod-waf/1"

snapshot(logging) := {
	"elbv2": {"load_balancers": [{"arn": lb_arn, "name": "flowforge-prod-alb", "region": "us-east-1"}]},
	"wafv2": {
		"associations": [{"arn": "x", "name": "flowforge-prod-alb", "resource_arn": lb_arn, "web_acl_arn": acl_arn}],
		"web_acls": [{"arn": acl_arn, "name": "flowforge-prod-waf", "managed_rule_groups": []}, {"arn": "other", "name": "other"}],
		"logging_configurations": logging,
	},
}

findings(doc, baseline) := f if {
	f := check.deny with input as doc with data.baseline as baseline
}

test_pass_logging if {
	count(findings(snapshot([{"arn": acl_arn, "destinations": ["arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-ff"]}]), testing.baseline)) == 0
}

test_fail_no_logging if {
	f := findings(snapshot([]), testing.baseline)
	count(f) == 1
	some x in f
	x.arn == acl_arn
}

test_fail_no_destination if count(findings(snapshot([{"arn": acl_arn, "destinations": []}]), testing.baseline)) == 1

test_scope_is_the_alb_web_acl if {
	s := check.in_scope with input as snapshot([]) with data.baseline as testing.baseline
	s == {acl_arn}
}

test_not_applicable_when_not_required if {
	a := check.applies with input as snapshot([]) with data.baseline as testing.with_requirements({"waf_logging_required": false})
	a == false
}
