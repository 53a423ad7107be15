# METADATA
# title: FlowForge VPCs have active flow logs
# description: >
#   When requirements.flow_logs_required is true, every FlowForge VPC has a flow log whose
#   resource_id is the VPC and whose status is ACTIVE.
#   Scope: the FlowForge VPCs, when requirements.flow_logs_required; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-VPC-005
#   severity: medium
#   collection: ec2.vpcs
#   remediation: Create a VPC flow log (traffic type ALL or REJECT) to CloudWatch Logs or S3.
#   frameworks:
#     aws-fsbp: ["EC2.6"]
#     cis-aws-foundations: ["3.7"]
#     nist-800-53-r5: ["AU-12", "SI-4", "SI-7(8)"]
#   guide_section: Configuration Notes / Observability
#   area: hygiene
package flowforge.aws.vpc.flow_logs

import rego.v1

default applies := false

applies if data.baseline.requirements.flow_logs_required == true

not_applicable_reason := "requirements.flow_logs_required is false for this environment"

logged contains f.resource_id if {
	some f in input.ec2.flow_logs
	f.status == "ACTIVE"
}

in_scope contains v.arn if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
}

deny contains {
	"arn": v.arn,
	"message": sprintf("FlowForge VPC %s has no active flow log", [v.id]),
	"evidence": {"vpc_id": v.id, "active_flow_log": false},
} if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
	not v.id in logged
}
