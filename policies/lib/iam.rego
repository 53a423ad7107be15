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

# The privilege-escalation graph's view of a principal (src/iam_eval/graph.rs): `verdict`
# (admin: a chain of certain steps reaches the administrator; conditional: only through a
# conditional step; unknown: only through a step the snapshot cannot show; none), `chain`
# (the shortest one: each step's actor, action, resource, what it gains and the granting
# statements), `text` (the chain as one line), `unknown` (what could not be seen on the way),
# `broken` (why its escalation-shaped grants lead nowhere) and `reach` (whom it can act as).
escalation(arn) := data.flowforge.lib.iam.principals[arn].escalation

# FF-IAM-001/005/006's message for a principal the graph finds can become administrator.
escalation_message(kind, name, esc) := sprintf("%s %s can become administrator: %s", [kind, name, esc.text]) if {
	esc.verdict == "admin"
}

escalation_message(kind, name, esc) := sprintf("%s %s can become administrator under a condition: %s", [kind, name, esc.text]) if {
	esc.verdict == "conditional"
}

# The evidence of such a finding: the chain step by step, the one-hop risks, the SCP note.
escalation_evidence(arn, esc) := {
	"verdict": esc.verdict,
	"chain": esc.chain,
	"risks": data.flowforge.lib.iam.admin_risks(arn),
	"scps": data.flowforge.lib.iam.scp_note,
}

# Why a principal's permissions could not be fully evaluated (missing documents).
unknown_reasons(arn) := data.flowforge.lib.iam.principals[arn].unknown

# The granting statements of risks, as labels.
grant_labels(risks) := sort({label |
	some r in risks
	some g in r.granted_by
	label := concat("#", [g.policy, object.get(g, "sid", sprintf("%d", [g.statement]))])
})

# ------------------------------------------------------------------ resource policies
# Per resource ARN (bucket, secret, KMS key, ECR repository with a policy): the engine's
# reading of its resource policy (src/iam_eval/resource.rs): `grants` (who outside the
# account, or anyone, an Allow admits: kind `public` or `cross-account`, with `principal`,
# `actions`, `statement`, and `account` for cross-account), `account_grants` (principals of
# the account it names) and, for keys, `iam_policies_enabled`. These come from the resource's
# own collection, so they are read without the IAM collections. A resource whose policy is in
# the snapshot but has no entry here is UNKNOWN for the checks reading it (never PASS).
# (A static path: a bare `input` would count as reading every collection, src/policy/deps.rs.
# The facts of a resource come from its own policy field, in the collection the check reads.)
resource_policies := input.derived.iam.resource_policies

# The external grants of a resource's policy (undefined when the engine has no entry).
external_grants(arn) := data.flowforge.lib.iam.resource_policies[arn].grants

# One line per external grant, for messages.
grant_text(g) := sprintf("%v to %s (statement %d)", [g.actions, g.principal, g.statement])
