# METADATA
# title: Attached customer managed policies do not grant administrator-equivalent access
# description: >
#   Scope: customer managed policies attached to at least one principal (AWS managed policies
#   are AWS's to maintain; what they grant is judged on the principals, FF-IAM-001/005/006).
#   FAIL when the IAM evaluation engine (src/iam_eval), reading the default version as if it
#   were a principal's only policy, finds "*" on "*" or a privilege-escalation edge on every
#   resource (Rhino Security Labs / PMapper edges, Cloudsplaining categories; NotAction with
#   Allow and explicit Denies in the same document are applied). UNKNOWN when the default
#   version's document is not in the snapshot.
# custom:
#   id: FF-IAM-004
#   severity: high
#   collection: iam.policies
#   remediation: Replace the policy with one listing the actions and resources actually needed.
#   frameworks:
#     aws-fsbp: ["IAM.1"]
#     cis-aws-foundations: ["1.16"]
#     nist-800-53-r5: ["AC-2", "AC-3", "AC-6", "AC-6(10)"]
#   guide_section: Operations & Handover (IAM least-privilege policies)
#   area: iam
package flowforge.aws.iam.policy_admin

import data.flowforge.lib.iam
import rego.v1

deny contains {
	"arn": p.arn,
	"message": sprintf("customer managed policy %s grants administrator or administrator-equivalent access (%s; attached %d time(s))", [p.name, concat(", ", sort({r.probe | some r in risks})), p.attachment_count]),
	"evidence": {"risks": risks, "attachment_count": p.attachment_count},
} if {
	facts := iam.facts
	some p in input.iam.policies
	p.aws_managed != true
	p.attachment_count > 0
	risks := [r | some r in facts.managed_policies[p.arn].risks; r.class in {"admin", "privilege-escalation"}]
	count(risks) > 0
}

unknown contains {
	"arn": p.arn,
	"reason": "the default version's document of this customer managed policy is not in the snapshot",
} if {
	some p in input.iam.policies
	p.aws_managed != true
	p.attachment_count > 0
	p.document == null
}
