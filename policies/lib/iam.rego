# IAM helpers: the IAM evaluation engine's facts, as the checks read them.
# Reference rules by their full path (data.flowforge.lib.iam.<rule>). Policy documents are not
# interpreted here: src/iam_eval is the one home of IAM semantics.
package flowforge.lib.iam

import rego.v1

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
