# METADATA
# title: IAM groups do not grant administrator or administrator-equivalent access
# description: >
#   Scope: every IAM group of the account. FAIL when the privilege-escalation graph of the
#   IAM evaluation engine (src/iam_eval/graph.rs; AWS policy evaluation logic: explicit Deny
#   wins, conditions judged against what the snapshot fixes, NotAction/NotResource, permissions
#   boundary, SCPs when given) reaches the administrator from the group (a member with no other policy): it holds "*" on
#   "*" or full IAM write, or some chain of steps its permissions allow (assume a role whose
#   trust admits it, write or attach a policy, rewrite a managed policy it holds, join a group,
#   obtain another user's credentials, pass a role to new compute, run code on compute that
#   runs as a role, ...) ends there. Edges follow Rhino Security Labs' AWS IAM privilege
#   escalation methods, PMapper's edge checkers and the pathfinding.cloud catalogue (each step
#   cites its entry); every step is judged on its actual target. The finding carries the
#   shortest chain (each step's action, resource and granting statement); a chain through a
#   conditional step FAILs marked conditional. UNKNOWN when a policy the group uses is not in
#   the snapshot, or when only steps the snapshot cannot show (compute not collected) lead to
#   the administrator. A PASS on a group holding escalation-shaped actions says why each path
#   breaks. SCPs are applied only when the organisation scan provides them (evidence.scps).
# custom:
#   id: FF-IAM-006
#   severity: critical
#   collection: iam.groups
#   remediation: Remove the administrative or escalation permissions; grant the group the actions and resources it needs, or attach a permissions boundary.
#   frameworks:
#     aws-fsbp: ["IAM.1"]
#     cis-aws-foundations: ["1.16"]
#     nist-800-53-r5: ["AC-2", "AC-3", "AC-6", "AC-6(10)"]
#   guide_section: Operations & Handover (IAM least-privilege policies)
#   area: iam
package flowforge.aws.iam.group_no_admin

import data.flowforge.lib.iam
import rego.v1

deny contains {
	"arn": p.arn,
	"message": iam.escalation_message("group", p.name, esc),
	"evidence": iam.escalation_evidence(p.arn, esc),
} if {
	principals := iam.principals
	some p in input.iam.groups
	esc := iam.escalation(p.arn)
	esc.verdict in {"admin", "conditional"}
}

unknown contains {
	"arn": p.arn,
	"reason": sprintf("the group's permissions could not be fully evaluated: %s", [concat("; ", reasons)]),
} if {
	some p in input.iam.groups
	reasons := iam.unknown_reasons(p.arn)
	count(reasons) > 0
}

unknown contains {
	"arn": p.arn,
	"reason": sprintf("the group reaches the administrator only through steps the snapshot cannot show (%s): %s", [concat("; ", esc.unknown), esc.text]),
} if {
	some p in input.iam.groups
	esc := iam.escalation(p.arn)
	esc.verdict == "unknown"
}

# A PASS on a group holding escalation-shaped actions: why each path breaks.
pass_note contains {
	"arn": p.arn,
	"message": sprintf("no chain reaches the administrator: %s", [concat("; ", esc.broken)]),
	"evidence": {"broken": esc.broken},
} if {
	some p in input.iam.groups
	esc := iam.escalation(p.arn)
	esc.verdict == "none"
	count(esc.broken) > 0
}
