# METADATA
# title: EC2 instances require IMDSv2
# description: >
#   Running and stopped instances require session tokens for the instance metadata service
#   (http_tokens = required) or have the endpoint disabled. Applies when
#   requirements.imdsv2_required.
#   Scope: running and stopped instances, when requirements.imdsv2_required; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-EC2-002
#   severity: medium
#   collection: ec2.instances
#   remediation: Run `aws ec2 modify-instance-metadata-options --http-tokens required` (and set it in launch templates).
#   frameworks:
#     aws-fsbp: ["EC2.8"]
#     cis-aws-foundations: ["5.6"]
#     nist-800-53-r5: ["AC-3", "AC-6", "SC-7"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane (EKS managed node groups)
#   area: hygiene
package flowforge.aws.ec2.imdsv2_required

import rego.v1

default applies := false

applies if data.baseline.requirements.imdsv2_required == true

not_applicable_reason := "requirements.imdsv2_required is false for this environment"

live_states := {"running", "stopped", "pending", "stopping"}

in_scope contains i.arn if {
	some i in input.ec2.instances
	i.state in live_states
}

deny contains {
	"arn": i.arn,
	"message": sprintf("instance %s allows IMDSv1 (http_tokens = %v)", [i.id, opts.http_tokens]),
	"evidence": {"http_tokens": opts.http_tokens, "http_endpoint": opts.http_endpoint},
} if {
	some i in input.ec2.instances
	i.state in live_states
	opts := i.metadata_options
	opts.http_tokens != "required"
	opts.http_endpoint != "disabled"
}
