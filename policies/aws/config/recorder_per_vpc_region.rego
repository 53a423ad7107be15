# METADATA
# title: AWS Config records in every region with a FlowForge VPC
# description: >
#   When requirements.config_recorder_required is true, each FlowForge VPC's region has a
#   configuration recorder that is recording.
#   Scope: the FlowForge VPCs, when requirements.config_recorder_required; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-CFG-002
#   severity: medium
#   collection: ec2.vpcs
#   remediation: Create and start an AWS Config recorder (and delivery channel) in the VPC's region.
#   frameworks:
#     aws-fsbp: ["Config.1"]
#     cis-aws-foundations: ["3.3"]
#     nist-800-53-r5: ["CM-3", "CM-8"]
#   guide_section: Operations & Handover
#   area: hygiene
package flowforge.aws.config.recorder_per_vpc_region

import rego.v1

default applies := false

applies if data.baseline.requirements.config_recorder_required == true

not_applicable_reason := "requirements.config_recorder_required is false for this environment"

recording_regions contains r.region if {
	some r in input.config.recorders
	r.recording == true
}

in_scope contains v.arn if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
}

deny contains {
	"arn": v.arn,
	"message": sprintf("no recording AWS Config recorder in %s, the region of FlowForge VPC %s", [v.region, v.id]),
	"evidence": {"region": v.region, "recording_regions": recording_regions},
} if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
	not v.region in recording_regions
}
