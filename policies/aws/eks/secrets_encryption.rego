# METADATA
# title: EKS clusters encrypt Kubernetes secrets with KMS
# description: >
#   Every EKS cluster has an encryption_config whose resources include "secrets".
#   Scope: every EKS cluster of the audited regions.
# custom:
#   id: FF-EKS-001
#   severity: high
#   collection: eks.clusters
#   remediation: Run `aws eks associate-encryption-config` with a KMS key for the `secrets` resource.
#   frameworks:
#     aws-fsbp: ["EKS.3"]
#     nist-800-53-r5: ["SC-12", "SC-13", "SC-28"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane
#   area: encryption
package flowforge.aws.eks.secrets_encryption

import rego.v1

encrypts_secrets(c) if {
	some cfg in c.encryption_config
	"secrets" in cfg.resources
}

deny contains {
	"arn": c.arn,
	"message": sprintf("EKS cluster %s does not encrypt Kubernetes secrets with KMS", [c.name]),
	"evidence": {"encryption_config": c.encryption_config},
} if {
	some c in input.eks.clusters
	not encrypts_secrets(c)
}
