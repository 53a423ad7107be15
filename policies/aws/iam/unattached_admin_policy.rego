# METADATA
# title: Unattached customer managed policies do not grant administrator-equivalent access
# description: >
#   Scope: customer managed policies attached to nothing (attachment_count 0). Such a policy
#   makes no principal an administrator today, so it is not an admin principal finding; it is
#   a lower-severity finding because one attachment would. Judged like FF-IAM-004 by the IAM
#   evaluation engine (src/iam_eval; escalation edges from Rhino Security Labs and PMapper,
#   categories from Cloudsplaining). UNKNOWN when the document is not in the snapshot.
# custom:
#   id: FF-IAM-007
#   severity: low
#   collection: iam.policies
#   remediation: Delete the unused policy or narrow it before anyone attaches it.
#   frameworks:
#     aws-fsbp: ["IAM.1"]
#     cis-aws-foundations: ["1.16"]
#     nist-800-53-r5: ["AC-2", "AC-3", "AC-6", "AC-6(10)"]
#   guide_section: Operations & Handover (IAM least-privilege policies)
#   area: iam
package flowforge.aws.iam.unattached_admin_policy

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
	p.attachment_count == 0
	risks := [r | some r in facts.managed_policies[p.arn].risks; r.class in {"admin", "privilege-escalation"}]
	count(risks) > 0
}

unknown contains {
	"arn": p.arn,
	"reason": "the default version's document of this customer managed policy is not in the snapshot",
} if {
	some p in input.iam.policies
	p.aws_managed != true
	p.attachment_count == 0
	p.document == null
}
