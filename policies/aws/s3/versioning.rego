# METADATA
# title: S3 buckets have versioning enabled
# description: >
#   Versioning is Enabled on every bucket when the environment requires it
#   (requirements.s3_versioning_required); the guide's backup/restore relies on it.
#   Scope: every bucket, when requirements.s3_versioning_required; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-S3-005
#   severity: medium
#   collection: s3.buckets
#   remediation: Run `aws s3api put-bucket-versioning --versioning-configuration Status=Enabled`.
#   frameworks:
#     aws-fsbp: ["S3.14"]
#     nist-800-53-r5: ["CP-9", "CP-10", "SI-12"]
#   guide_section: Operations & Handover (backup/restore with S3 versioning)
#   area: hygiene
package flowforge.aws.s3.versioning

import rego.v1

default applies := false

applies if data.baseline.requirements.s3_versioning_required == true

not_applicable_reason := "requirements.s3_versioning_required is false for this environment"

deny contains {
	"arn": b.arn,
	"message": sprintf("bucket %s versioning is %v, not Enabled", [b.name, status]),
	"evidence": {"versioning_status": status},
} if {
	some b in input.s3.buckets
	status := object.get(b, ["versioning", "status"], null)
	status != "Enabled"
}
