# METADATA
# title: IAM roles hold no unconstrained data-exfiltration or resource-exposure permissions
# description: >
#   Scope: every IAM role of the account. FAIL when the IAM evaluation engine (src/iam_eval)
#   finds that the role may, on every resource ("*"), read data out (s3:GetObject,
#   secretsmanager:GetSecretValue, ssm:GetParameter*, rds:CreateDBSnapshot/CopyDBSnapshot,
#   kms:Decrypt) or rewrite resource policies (s3:PutBucketPolicy/PutBucketAcl,
#   kms:PutKeyPolicy/CreateGrant, secretsmanager:PutResourcePolicy, lambda:AddPermission,
#   snapshot attribute changes, RAM shares). Categories and actions from Cloudsplaining's
#   data-exfiltration and resource-exposure classes. Explicit Deny, boundaries
#   are applied; conditional grants count and are marked. UNKNOWN when a policy the role uses
#   is not in the snapshot.
# custom:
#   id: FF-IAM-008
#   severity: high
#   collection: iam.roles
#   remediation: Scope the data-read and policy-write actions to the resources the role needs.
#   frameworks:
#     nist-800-53-r5: ["AC-3", "AC-6", "AC-6(1)"]
#   guide_section: Operations & Handover (IAM least-privilege policies)
#   area: iam
package flowforge.aws.iam.role_exposure

import data.flowforge.lib.iam
import rego.v1

deny contains {
	"arn": p.arn,
	"message": sprintf("role %s may exfiltrate data or expose resources on every resource: %s (granted by %s)", [p.name, concat(", ", sort({r.probe | some r in risks})), concat(", ", iam.grant_labels(risks))]),
	"evidence": {"risks": risks, "scps": iam.scp_note},
} if {
	principals := iam.principals
	some p in input.iam.roles
	risks := iam.exposure_risks(p.arn)
	count(risks) > 0
}

unknown contains {
	"arn": p.arn,
	"reason": sprintf("the role's permissions could not be fully evaluated: %s", [concat("; ", reasons)]),
} if {
	some p in input.iam.roles
	reasons := iam.unknown_reasons(p.arn)
	count(reasons) > 0
}
