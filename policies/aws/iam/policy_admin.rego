# METADATA
# title: Customer managed policies do not allow "*" on "*"
# description: No customer managed policy document has an Allow statement with Action "*" (or "*:*") on Resource "*".
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

import rego.v1

deny contains {
	"arn": p.arn,
	"message": sprintf("customer managed policy %s allows \"*\" on \"*\" (attached %d time(s))", [p.name, object.get(p, "attachment_count", 0)]),
	"evidence": {"statement": s, "attachment_count": object.get(p, "attachment_count", 0)},
} if {
	some p in input.iam.policies
	p.aws_managed != true
	p.document != null
	some s in p.document.Statement
	data.flowforge.lib.iam.is_admin_statement(s)
}
