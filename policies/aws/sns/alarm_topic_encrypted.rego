# METADATA
# title: The SNS topics carrying FlowForge alarms are encrypted with KMS
# description: >
#   Where requirements.alarm_topics_kms_required is true, every alarm topic (the topics named in
#   architecture.perimeter.alarm_topics and those the declared alarms notify) has a KMS key
#   (KmsMasterKeyId). Scope: those topics; other topics are not applicable.
# custom:
#   id: FF-SNS-001
#   severity: medium
#   collection: sns.topics
#   remediation: >
#     Set the topic's KmsMasterKeyId (`aws sns set-topic-attributes --attribute-name
#     KmsMasterKeyId`) to a customer-managed key whose policy lets CloudWatch use it.
#   frameworks:
#     aws-fsbp: ["SNS.1"]
#     nist-800-53-r5: ["SC-12", "SC-13", "SC-28", "SC-28(1)"]
#   guide_section: Operations & Handover (CloudWatch alarms & SNS notifications)
#   area: encryption
package flowforge.aws.sns.alarm_topic_encrypted

import rego.v1

default applies := false

applies if data.baseline.requirements.alarm_topics_kms_required == true

not_applicable_reason := "requirements.alarm_topics_kms_required is false for this environment"

in_scope := data.flowforge.lib.perimeter.alarm_topic_arns

deny contains {
	"arn": t.arn,
	"message": sprintf("alarm topic %s is not encrypted with KMS", [t.name]),
	"evidence": {"kms_key_id": null},
} if {
	scope := in_scope
	some t in input.sns.topics
	t.arn in scope
	t.kms_key_id == null
}
