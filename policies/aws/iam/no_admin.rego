# METADATA
# title: IAM roles do not have full administrative privileges
# description: >
#   No role is granted "*" (or "*:*") on Resource "*" by an Allow statement of an inline or
#   attached managed policy (looked up in iam.policies by ARN), and no role has the AWS
#   managed AdministratorAccess policy attached.
# custom:
#   id: FF-IAM-001
#   severity: critical
#   collection: iam.roles
#   remediation: Detach the administrative policy and grant the role's baseline permissions instead.
#   frameworks:
#     aws-fsbp: ["IAM.1"]
#     cis-aws-foundations: ["1.16"]
#     nist-800-53-r5: ["AC-2", "AC-3", "AC-6", "AC-6(10)"]
#   guide_section: Operations & Handover (IAM least-privilege policies)
#   area: iam
package flowforge.aws.iam.no_admin

import data.flowforge.lib.iam
import rego.v1

# Roles granted admin access, found with set lookups and cheap inline tests (the lookup set is
# bound before the loop; a function runs only for the candidates the inline test lets through).
admin_roles contains role.arn if {
	admin_arns := data.flowforge.lib.iam.admin_policy_arns
	some role in input.iam.roles
	some a in role.attached_policies
	a.policy_arn in admin_arns
}

admin_roles contains role.arn if {
	some role in input.iam.roles
	some a in role.attached_policies
	endswith(a.policy_arn, ":iam::aws:policy/AdministratorAccess")
	iam.is_aws_admin_policy(a.policy_arn)
}

admin_roles contains role.arn if {
	some role in input.iam.roles
	some p in role.inline_policies
	some s in p.document.Statement
	"*" in s.Resource
	some wildcard in ["*", "*:*"]
	wildcard in s.Action
	iam.is_admin_statement(s)
}

# The evidence, computed for offending roles only.
admin_sources(role) := {sprintf("inline:%s", [p.name]) |
	some p in role.inline_policies
	some s in p.document.Statement
	iam.is_admin_statement(s)
} | {a.policy_arn |
	some a in role.attached_policies
	a.policy_arn in data.flowforge.lib.iam.admin_policy_arns
} | {a.policy_arn |
	some a in role.attached_policies
	iam.is_aws_admin_policy(a.policy_arn)
}

deny contains {
	"arn": role.arn,
	"message": sprintf("role %s has full administrative privileges via %v", [role.name, sources]),
	"evidence": {"admin_policies": sources},
} if {
	admins := admin_roles
	some role in input.iam.roles
	role.arn in admins
	sources := admin_sources(role)
}
