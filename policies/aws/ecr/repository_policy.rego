# METADATA
# title: ECR repository policies grant nothing to everyone or to other accounts
# description: >
#   Scope: FlowForge ECR repositories with a repository policy. No Allow statement admits
#   everyone or an AWS account other than this one and the baseline's
#   architecture.compute.ecr.allowed_accounts, as the IAM engine reads the policy
#   (`input.derived.iam.resource_policies`, src/iam_eval/resource.rs): `*` (or NotPrincipal)
#   is everyone unless a condition fixes the caller to literal values (aws:PrincipalOrgID,
#   aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:SourceAccount, ...; a negated, IfExists
#   or wildcard condition fixes nothing). A repository without a policy passes; one whose
#   policy could not be read is UNKNOWN (collection error), and so is a policy the engine has
#   no facts for.
# custom:
#   id: FF-ECR-005
#   severity: high
#   collection: ecr.repositories
#   remediation: Remove the statement (`aws ecr delete-repository-policy`, or `set-repository-policy` without it), or add the account to architecture.compute.ecr.allowed_accounts when the access is intended.
#   frameworks:
#     nist-800-53-r5: ["AC-3", "AC-6"]
#   guide_section: Prerequisites
#   area: iam
package flowforge.aws.ecr.repository_policy

import data.flowforge.lib.compute
import rego.v1

in_scope contains r.arn if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
}

allowed_accounts := {data.baseline.account_id} | {a | some a in object.get(object.get(compute.spec, "ecr", {}), "allowed_accounts", [])}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s policy allows %s to everyone (\"*\")", [r.name, data.flowforge.lib.iam.grant_text(g)]),
	"evidence": {"grant": g},
} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	some g in data.flowforge.lib.iam.external_grants(r.arn)
	g.kind == "public"
}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s policy allows %s, account %s, which the baseline does not allow", [r.name, data.flowforge.lib.iam.grant_text(g), g.account]),
	"evidence": {"grant": g, "account": g.account},
} if {
	allowed := allowed_accounts
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	some g in data.flowforge.lib.iam.external_grants(r.arn)
	g.kind == "cross-account"
	not g.account in allowed
}

unknown contains {"arn": r.arn, "reason": "the IAM engine has no facts for this repository policy (input.derived.iam.resource_policies)"} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	object.get(r, "policy", null) != null
	not data.flowforge.lib.iam.resource_policies[r.arn]
}
