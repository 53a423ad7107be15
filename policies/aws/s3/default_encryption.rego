# METADATA
# title: S3 buckets have default encryption (KMS when required)
# description: >
#   Every bucket has a default encryption rule. When the environment requires KMS
#   (requirements.s3_kms_required), the rule uses aws:kms or aws:kms:dsse.
# custom:
#   id: FF-S3-002
#   severity: high
#   collection: s3.buckets
#   remediation: >
#     Set default encryption with `aws s3api put-bucket-encryption` using SSE-KMS
#     (aws:kms) and a customer managed key.
#   frameworks:
#     aws-fsbp: ["S3.4", "S3.17"]
#     nist-800-53-r5: ["SC-12", "SC-28", "SC-28(1)"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (enable bucket policies + encryption)
#   area: encryption
package flowforge.aws.s3.default_encryption

import rego.v1

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

deny contains {"arn": b.arn, "message": sprintf("bucket %s has no default encryption rule", [b.name]), "evidence": {"encryption": b.encryption}} if {
	some b in input.s3.buckets
	count(object.get(b, ["encryption", "rules"], [])) == 0
}

deny contains {
	"arn": b.arn,
	"message": sprintf("bucket %s default encryption is %v, KMS (aws:kms) is required", [b.name, algorithms]),
	"evidence": {"sse_algorithms": algorithms, "required": kms_algorithms},
} if {
	data.baseline.requirements.s3_kms_required == true
	kms := kms_algorithms
	some b in input.s3.buckets
	some rule in b.encryption.rules
	not rule.sse_algorithm in kms
	algorithms := [r.sse_algorithm | some r in b.encryption.rules]
}
