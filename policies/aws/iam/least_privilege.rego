# METADATA
# title: FlowForge roles stay within their least-privilege baseline
# description: >
#   For each role named in the baseline (data.baseline.roles), every action allowed by its
#   inline and attached policies is contained in one of the baseline's allow entries (IAM
#   wildcard containment, case-insensitive: s3:Get* is within s3:*, s3:* is not within
#   s3:GetObject) and the statement's resources are contained in that entry's resources.
#   Allow statements with NotAction (or NotResource) are always excess.
# custom:
#   id: FF-IAM-003
#   severity: high
#   collection: iam.roles
#   remediation: Remove the excess actions or narrow their resources to the baseline for the role (baselines/flowforge.yaml, roles).
#   frameworks:
#     nist-800-53-r5: ["AC-6", "AC-6(1)", "AC-6(10)"]
#   guide_section: Operations & Handover (IAM least-privilege policies for DevOps, data engineers and auditors)
#   area: iam
package flowforge.aws.iam.least_privilege

import data.flowforge.lib
import rego.v1

# Baseline role key by role name.
baseline_key := {r.name: key | some key, r in data.baseline.roles}

# (The lookup is bound before each loop over the roles: a rule reference inside the loop
# costs far more than a local lookup in regorus.)
in_scope contains role.arn if {
	keys := baseline_key
	some role in input.iam.roles
	keys[role.name]
}

allow_grants(role) := [g |
	some g in data.flowforge.lib.iam.identity_statements(role)
	g.statement.Effect == "Allow"
]

action_known(entries, action) if {
	some e in entries
	some p in e.actions
	lib.pattern_covers(p, action)
}

# Some entry covers the action and every resource of the statement.
action_and_resources_covered(entries, action, resources) if {
	some e in entries
	some p in e.actions
	lib.pattern_covers(p, action)
	every r in resources {
		some q in e.resources
		lib.pattern_covers(q, r)
	}
}

statement_resources(s) := ["*"] if count(object.get(s, "NotResource", [])) > 0

else := s.Resource

excess(role, entries) := {
	"excess_actions": sort({a |
		some g in allow_grants(role)
		some a in g.statement.Action
		not action_known(entries, a)
	}),
	"excess_resource_scopes": [{"source": g.source, "action": a, "resources": res} |
		some g in allow_grants(role)
		res := statement_resources(g.statement)
		some a in g.statement.Action
		action_known(entries, a)
		not action_and_resources_covered(entries, a, res)
	],
	"not_action_statements": [{"source": g.source, "not_action": g.statement.NotAction} |
		some g in allow_grants(role)
		count(object.get(g.statement, "NotAction", [])) > 0
	],
}

deny contains {
	"arn": role.arn,
	"message": sprintf("role %s exceeds its %s baseline: %d excess action(s), %d over-broad resource scope(s), %d NotAction statement(s)", [
		role.name, key,
		count(ex.excess_actions), count(ex.excess_resource_scopes), count(ex.not_action_statements),
	]),
	"evidence": object.union(ex, {"baseline_role": key}),
} if {
	keys := baseline_key
	some role in input.iam.roles
	key := keys[role.name]
	ex := excess(role, data.baseline.roles[key].allow)
	count(ex.excess_actions) + count(ex.excess_resource_scopes) + count(ex.not_action_statements) > 0
}
