# METADATA
# title: A WAF web ACL with the required rule groups protects the FlowForge load balancer
# description: >
#   Where requirements.waf_required is true (the guide calls WAF optional, so it is a
#   per-environment requirement), the load balancer named architecture.load_balancer.name is
#   associated with a regional web ACL that runs every managed rule group of
#   architecture.perimeter.waf.rule_groups. Scope: the association of that load balancer
#   (wafv2.associations, read with GetWebACLForResource); other load balancers are not applicable.
# custom:
#   id: FF-WAF-001
#   severity: high
#   collection: wafv2.associations
#   remediation: >
#     Associate a regional web ACL with the ALB (`aws wafv2 associate-web-acl`) and add the
#     missing AWS managed rule groups to it as rules with a ManagedRuleGroupStatement.
#   frameworks:
#     aws-fsbp: ["ELB.16", "WAF.10"]
#     nist-800-53-r5: ["SC-7", "SC-7(5)", "SI-4"]
#   guide_section: Reference Architecture / 3. Perimeter (ALB fronting the control plane; WAF optional)
#   area: network
package flowforge.aws.wafv2.alb_protected

import rego.v1

default applies := false

applies if data.baseline.requirements.waf_required == true

not_applicable_reason := "requirements.waf_required is false for this environment"

in_scope contains a.arn if {
	arns := data.flowforge.lib.perimeter.alb_arns
	some a in input.wafv2.associations
	a.resource_arn in arns
}

acls := {a.arn: a | some a in input.wafv2.web_acls}

required := {g | some g in object.get(data.flowforge.lib.perimeter.spec, ["waf", "rule_groups"], [])}

deny contains {
	"arn": a.arn,
	"message": sprintf("load balancer %s is not protected by a WAF web ACL", [a.name]),
	"evidence": {"load_balancer_arn": a.resource_arn, "web_acl_arn": null},
} if {
	some a in input.wafv2.associations
	a.arn in in_scope
	a.web_acl_arn == null
}

deny contains {
	"arn": a.arn,
	"message": sprintf("web ACL %s protecting %s lacks the rule groups %v", [acl.name, a.name, sort(missing)]),
	"evidence": {"web_acl_arn": acl.arn, "missing_rule_groups": sort(missing), "managed_rule_groups": acl.managed_rule_groups},
} if {
	some a in input.wafv2.associations
	a.arn in in_scope
	acl := acls[a.web_acl_arn]
	missing := required - {g | some g in acl.managed_rule_groups}
	count(missing) > 0
}

unknown contains {"arn": a.arn, "reason": sprintf("web ACL %s was not collected (GetWebACL); its rule groups are unknown", [a.web_acl_arn])} if {
	some a in input.wafv2.associations
	a.arn in in_scope
	is_string(a.web_acl_arn)
	not acls[a.web_acl_arn]
}
