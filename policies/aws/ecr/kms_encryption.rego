# METADATA
# title: ECR repositories are encrypted with KMS where the baseline requires it
# description: >
#   Scope: FlowForge ECR repositories, when architecture.compute.ecr.kms_required is true.
#   encryption_type is KMS or KMS_DSSE (not the default AES256). UNKNOWN when not reported.
#   Not applicable when the baseline does not require KMS.
# custom:
#   id: FF-ECR-003
#   severity: medium
#   collection: ecr.repositories
#   remediation: Encryption cannot be changed on an existing repository; create a new one with `--encryption-configuration encryptionType=KMS,kmsKey=<key arn>`, push the images to it and point the services at it.
#   frameworks:
#     nist-800-53-r5: ["SC-12", "SC-28"]
#   guide_section: Prerequisites
#   area: encryption
package flowforge.aws.ecr.kms_encryption

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

default applies := false

applies if compute.spec.ecr.kms_required == true

not_applicable_reason := "the baseline does not require KMS encryption of ECR repositories"

in_scope contains r.arn if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s is encrypted with %s, not KMS", [r.name, r.encryption_type]),
	"evidence": {"encryption_type": r.encryption_type, "kms_key": object.get(r, "kms_key", null)},
} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	is_string(r.encryption_type)
	not startswith(r.encryption_type, "KMS")
}

unknown contains {"arn": r.arn, "reason": lib.unreported_reason("encryption_type", "DescribeRepositories")} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	lib.unreported(r, "encryption_type")
}
