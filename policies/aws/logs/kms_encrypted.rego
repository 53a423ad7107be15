# METADATA
# title: FlowForge log groups are encrypted with a KMS key
# description: >
#   Where requirements.log_groups_kms_required is true, every FlowForge log group has a KMS key
#   (kmsKeyId). Scope: FlowForge's log groups (those of architecture.perimeter.log_groups, and
#   any other the app tag or the name prefix recognises); other log groups are not applicable
#   (FF-LOGS-001 reports a declared group that is missing).
# custom:
#   id: FF-LOGS-002
#   severity: medium
#   collection: logs.log_groups
#   remediation: >
#     Associate a customer-managed KMS key with the group (`aws logs associate-kms-key`); the
#     key policy must allow the `logs.<region>.amazonaws.com` service principal.
#   frameworks:
#     nist-800-53-r5: ["AU-9", "SC-28", "SC-28(1)"]
#   guide_section: Configuration Notes / Observability (collect logs from ECS/EKS to CloudWatch)
#   area: encryption
package flowforge.aws.logs.kms_encrypted

import data.flowforge.lib
import rego.v1

default applies := false

applies if data.baseline.requirements.log_groups_kms_required == true

not_applicable_reason := "requirements.log_groups_kms_required is false for this environment"

# FlowForge's log groups (the one decision: the declared ones, and those tagged or prefixed).
in_scope contains g.arn if {
	some g in input.logs.log_groups
	lib.is_flowforge(g)
}

deny contains {
	"arn": g.arn,
	"message": sprintf("log group %s is not encrypted with a KMS key", [g.name]),
	"evidence": {"kms_key_id": null},
} if {
	some g in input.logs.log_groups
	g.arn in in_scope
	g.kms_key_id == null
}
