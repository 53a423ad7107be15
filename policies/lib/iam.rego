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

# ------------------------------------------------------------------ the IAM evaluation's facts
# `input.derived.iam` is computed once by the Rust IAM engine (src/iam_eval: explicit Deny,
# conditions, NotAction/NotResource, boundaries, groups, SCPs when given). Checks read these
# facts instead of re-reading policy documents. The facts come from every IAM collection, so
# they are read together with them: a failed IAM listing makes each check using them UNKNOWN.
iam_collections := [input.iam.roles, input.iam.users, input.iam.groups, input.iam.policies]

facts := input.derived.iam if {
	count(data.flowforge.lib.iam.iam_collections) == 4
}

# Per principal ARN: kind, permissions, conditional_permissions, risks, unknown.
principals := data.flowforge.lib.iam.facts.principals

# "SCPs not applied: ..." until the organisation scan provides SCPs (null once applied).
scp_note := object.get(data.flowforge.lib.iam.facts, "scp_note", null)

# The admin and privilege-escalation risks of a principal (conditional ones included:
# conditions only narrow an Allow).
admin_risks(arn) := [r |
	some r in data.flowforge.lib.iam.principals[arn].risks
	r.class in {"admin", "privilege-escalation"}
]

# Data-exfiltration and resource-exposure risks of a principal.
exposure_risks(arn) := [r |
	some r in data.flowforge.lib.iam.principals[arn].risks
	r.class in {"data-exfiltration", "resource-exposure"}
]

# Why a principal's permissions could not be fully evaluated (missing documents).
unknown_reasons(arn) := data.flowforge.lib.iam.principals[arn].unknown

# The granting statements of risks, as labels.
grant_labels(risks) := sort({label |
	some r in risks
	some g in r.granted_by
	label := concat("#", [g.policy, object.get(g, "sid", sprintf("%d", [g.statement]))])
})
