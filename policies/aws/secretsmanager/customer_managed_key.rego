# METADATA
# title: Secrets are encrypted with a customer managed KMS key
# description: >
#   Every secret names a KMS key (kms_key_id set) other than the AWS managed key
#   alias/aws/secretsmanager, so that key policy and rotation are under the account's control.
#   Scope: every secret of the audited regions.
# custom:
#   id: FF-SM-001
#   severity: medium
#   collection: secretsmanager.secrets
#   remediation: Update the secret with `--kms-key-id` naming a customer managed key.
#   frameworks:
#     nist-800-53-r5: ["SC-12", "SC-28"]
#   guide_section: Configuration Notes / Secrets Handling
#   area: encryption
package flowforge.aws.secretsmanager.customer_managed_key

import rego.v1

# Two cheap passes (no function call per secret): no key at all means the AWS managed key,
# and so does a key id or ARN naming the alias aws/secretsmanager.
deny contains finding(s) if {
	some s in input.secretsmanager.secrets
	s.kms_key_id == null
}

deny contains finding(s) if {
	some s in input.secretsmanager.secrets
	key := s.kms_key_id
	is_string(key)
	endswith(key, "alias/aws/secretsmanager")
}

finding(s) := {
	"arn": s.arn,
	"message": sprintf("secret %s is encrypted with the AWS managed key aws/secretsmanager", [s.name]),
	"evidence": {"kms_key_id": s.kms_key_id},
}
