# METADATA
# title: IAM groups do not grant administrator or administrator-equivalent access
# description: >
#   Scope: every IAM group of the account. FAIL when the IAM evaluation engine (src/iam_eval,
#   AWS policy evaluation logic: explicit Deny wins, conditional Deny is not a full Deny,
#   NotAction/NotResource, permissions boundary) finds that the group
#   may perform "*" on "*" or hold a privilege-escalation edge on every resource: full IAM
#   write, iam:CreatePolicyVersion/SetDefaultPolicyVersion, Attach*/Put*Policy,
#   AddUserToGroup, UpdateAssumeRolePolicy, CreateAccessKey/LoginProfile on others,
#   sts:AssumeRole on *, iam:PassRole with a compute-creating action, and others. Escalation
#   edges from Rhino Security Labs' AWS IAM privilege escalation research and PMapper's edge
#   checkers, categories from Cloudsplaining. Conditional grants count (conditions only narrow
#   an Allow; evidence marks them). UNKNOWN when a policy the group uses is not in the
#   snapshot. SCPs are applied only when the organisation scan provides them (evidence.scps).
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
	"message": sprintf("group %s is administrator or administrator-equivalent: %s (granted by %s)", [p.name, concat(", ", sort({r.probe | some r in risks})), concat(", ", iam.grant_labels(risks))]),
	"evidence": {"risks": risks, "scps": iam.scp_note},
} if {
	principals := iam.principals
	some p in input.iam.groups
	risks := iam.admin_risks(p.arn)
	count(risks) > 0
}

unknown contains {
	"arn": p.arn,
	"reason": sprintf("the group's permissions could not be fully evaluated: %s", [concat("; ", reasons)]),
} if {
	some p in input.iam.groups
	reasons := iam.unknown_reasons(p.arn)
	count(reasons) > 0
}
