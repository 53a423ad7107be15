# IAM helpers: the statements granted to a principal and what counts as administrator access.
# Reference rules by their full path (data.flowforge.lib.iam.<rule>).
package flowforge.lib.iam

import rego.v1

# Managed policies by ARN (built once per evaluation).
policies_by_arn := {p.arn: p | some p in input.iam.policies}

# Every statement granted to a principal (role, user, group) by its inline policies and its
# attached managed policies, each with where it came from.
identity_statements(principal) := array.concat(
	[{"source": sprintf("inline:%s", [p.name]), "statement": s} |
		some p in object.get(principal, "inline_policies", [])
		some s in p.document.Statement
	],
	[{"source": a.policy_arn, "statement": s} |
		some a in object.get(principal, "attached_policies", [])
		doc := data.flowforge.lib.iam.policies_by_arn[a.policy_arn].document
		doc != null
		some s in doc.Statement
	],
)

# True for the AWS managed AdministratorAccess policy, in any partition.
is_aws_admin_policy(arn) if {
	endswith(arn, ":iam::aws:policy/AdministratorAccess")
	startswith(arn, "arn:")
}

# An Allow statement granting every action on every resource.
is_admin_statement(s) if {
	s.Effect == "Allow"
	some a in s.Action
	a in {"*", "*:*"}
	"*" in s.Resource
}

# ARNs of managed policies whose document allows "*" on "*" (built once).
admin_policy_arns contains p.arn if {
	some p in input.iam.policies
	some s in p.document.Statement
	is_admin_statement(s)
}
