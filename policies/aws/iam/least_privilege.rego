# METADATA
# title: FlowForge roles stay within their least-privilege baseline
# description: >
#   Scope: the roles named in the baseline (data.baseline.roles). FAIL when the role's
#   effective permissions, as the IAM evaluation engine computes them (src/iam_eval/least.rs:
#   explicit unconditional Deny removes, a conditional Deny does not, the permissions boundary
#   and SCPs limit, conditional grants count), include an action or resource scope that no
#   baseline allow entry contains (IAM wildcards compared as sets; NotAction is contained only
#   by a baseline "*", NotResource is read as "*"). Each excess names the statement granting
#   it. The least-privilege drift reads the same engine result, so the two cannot disagree.
#   What the role can reach counts too: every principal the privilege-escalation graph lets it
#   act as (assume, pass to compute, run code on) lends it its permissions, each such excess
#   named with its chain; a role that can become administrator holds "*" through its chain.
#   UNKNOWN when a policy the role uses is not in the snapshot, or when the role can run code
#   on compute the snapshot cannot show (it may run as any role its service may assume).
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

import data.flowforge.lib.iam
import rego.v1

# Baseline role key by role name.
baseline_key := {r.name: key | some key, r in data.baseline.roles}

in_scope contains role.arn if {
	keys := baseline_key
	some role in input.iam.roles
	keys[role.name]
}

deny contains {
	"arn": role.arn,
	"message": sprintf("role %s exceeds its %s baseline: %s", [role.name, key, concat("; ", [excess_text(e) | some e in lp.excess])]),
	"evidence": {"baseline_role": key, "excess": lp.excess, "scps": iam.scp_note},
} if {
	keys := baseline_key
	facts := iam.facts
	some role in input.iam.roles
	key := keys[role.name]
	lp := facts.least_privilege[role.arn]
	count(lp.excess) > 0
}

# One excess for the message: granted by the role's own statements, or held through another
# principal it can act as (the privilege-escalation graph's chain, `via`).
excess_text(e) := sprintf("%s on %s (granted by %s)", [e.action, concat(", ", e.resources), concat(", ", e.granted_by)]) if {
	not e.via
}

excess_text(e) := sprintf("%s on %s through %s (%s; granted by %s)", [e.action, concat(", ", e.resources), e.via.principal, e.via.chain, concat(", ", e.granted_by)]) if {
	e.via
}

unknown contains {
	"arn": role.arn,
	"reason": sprintf("the role's permissions could not be fully evaluated: %s", [concat("; ", lp.unknown)]),
} if {
	keys := baseline_key
	facts := iam.facts
	some role in input.iam.roles
	keys[role.name]
	lp := facts.least_privilege[role.arn]
	count(lp.unknown) > 0
}
