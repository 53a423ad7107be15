# METADATA
# title: FlowForge secret resource policies grant nothing to everyone or to other accounts
# description: >
#   Scope: FlowForge secrets (the one decision: named by the baseline's architecture.secrets,
#   or recognised by tag or name prefix) with a resource policy. No Allow
#   statement admits everyone or another AWS account, as the IAM engine reads the policy
#   (`input.derived.iam.resource_policies`, src/iam_eval/resource.rs): `*` (or NotPrincipal)
#   is everyone unless a condition fixes the caller to literal values (aws:PrincipalOrgID,
#   aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, ...; a negated, IfExists or
#   wildcard condition fixes nothing). FlowForge's secrets are read by its own roles only
#   (FlowForge Deployment Guide – AWS, Configuration Notes / Secrets Handling). A secret
#   without a resource policy passes; a policy the engine has no facts for is UNKNOWN.
# custom:
#   id: FF-SM-003
#   severity: high
#   collection: secretsmanager.secrets
#   remediation: Remove the statement (`aws secretsmanager put-resource-policy` without it, or `delete-resource-policy`).
#   frameworks:
#     nist-800-53-r5: ["AC-3", "AC-6", "AC-21"]
#   guide_section: Configuration Notes / Secrets Handling
#   area: iam
package flowforge.aws.secretsmanager.resource_policy

import data.flowforge.lib
import rego.v1

in_scope contains s.arn if {
	some s in input.secretsmanager.secrets
	lib.is_flowforge(s)
}

kind_text := {"public": "to everyone", "cross-account": "to another account"}

deny contains {
	"arn": s.arn,
	"message": sprintf("the resource policy of secret %s grants access %s: %s", [s.name, kind_text[g.kind], data.flowforge.lib.iam.grant_text(g)]),
	"evidence": {"grant": g},
} if {
	some s in input.secretsmanager.secrets
	lib.is_flowforge(s)
	some g in data.flowforge.lib.iam.external_grants(s.arn)
}

unknown contains {"arn": s.arn, "reason": "the IAM engine has no facts for this resource policy (input.derived.iam.resource_policies)"} if {
	some s in input.secretsmanager.secrets
	lib.is_flowforge(s)
	object.get(s, "policy", null) != null
	not data.flowforge.lib.iam.resource_policies[s.arn]
}
