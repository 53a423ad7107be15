# METADATA
# title: The web ACL protecting the FlowForge load balancer logs its requests
# description: >
#   Where requirements.waf_logging_required is true, every web ACL associated with the load
#   balancer named architecture.load_balancer.name has a logging configuration with at least one
#   destination (ListLoggingConfigurations). Scope: those web ACLs; other web ACLs are not applicable.
# custom:
#   id: FF-WAF-002
#   severity: medium
#   collection: wafv2.web_acls
#   remediation: >
#     Enable logging on the web ACL (`aws wafv2 put-logging-configuration`) to a CloudWatch Logs
#     group named `aws-waf-logs-*`, an S3 bucket or a Firehose stream.
#   frameworks:
#     aws-fsbp: ["WAF.11"]
#     nist-800-53-r5: ["AU-2", "AU-12", "SI-4(20)"]
#   guide_section: Deployment Steps / 4. Deploy Control Plane (configure ALB/WAF)
#   area: hygiene
package flowforge.aws.wafv2.logging

import rego.v1

default applies := false

applies if data.baseline.requirements.waf_logging_required == true

not_applicable_reason := "requirements.waf_logging_required is false for this environment"

in_scope := data.flowforge.lib.perimeter.alb_web_acls

logging := {l.arn: l | some l in input.wafv2.logging_configurations}

deny contains {
	"arn": acl.arn,
	"message": sprintf("web ACL %s protecting the FlowForge load balancer does not log", [acl.name]),
	"evidence": {"logging_destinations": object.get(logging, [acl.arn, "destinations"], [])},
} if {
	scope := in_scope
	some acl in input.wafv2.web_acls
	acl.arn in scope
	count(object.get(logging, [acl.arn, "destinations"], [])) == 0
}
