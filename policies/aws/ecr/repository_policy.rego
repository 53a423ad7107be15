# METADATA
# title: ECR repository policies grant nothing to everyone or to other accounts
# description: >
#   Scope: FlowForge ECR repositories with a repository policy. No Allow statement names the
#   principal "*" (unless a condition pins aws:PrincipalOrgID, aws:PrincipalAccount or
#   aws:SourceAccount), and no Allow statement names an AWS account other than this one and
#   the baseline's architecture.compute.ecr.allowed_accounts. A repository without a policy
#   passes; one whose policy could not be read is UNKNOWN (collection error).
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

scoping_keys := {"aws:principalorgid", "aws:principalaccount", "aws:sourceaccount", "aws:principalorgpaths"}

in_scope contains r.arn if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
}

allowed_accounts := {data.baseline.account_id} | {a | some a in object.get(object.get(compute.spec, "ecr", {}), "allowed_accounts", [])}

account_of(p) := p if regex.match(`^[0-9]{12}$`, p)

account_of(p) := split(p, ":")[4] if startswith(p, "arn:")

scoped(s) if {
	some op, keys in object.get(s, "Condition", {})
	some k, _ in keys
	k in scoping_keys
}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s policy allows %v to everyone (\"*\")", [r.name, s.Action]),
	"evidence": {"statement": s},
} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	some s in r.policy.Statement
	s.Effect == "Allow"
	"*" in object.get(s.Principal, "AWS", [])
	not scoped(s)
}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s policy allows %v to account %s, which the baseline does not allow", [r.name, s.Action, account]),
	"evidence": {"statement": s, "account": account},
} if {
	allowed := allowed_accounts
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	some s in r.policy.Statement
	s.Effect == "Allow"
	some p in object.get(s.Principal, "AWS", [])
	account := account_of(p)
	not account in allowed
}
