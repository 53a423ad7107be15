# METADATA
# title: FlowForge VPCs have private subnets in enough Availability Zones
# description: >
#   A FlowForge VPC has private subnets (the route table that applies, explicit association
#   or the VPC's main table, has no 0.0.0.0/0 route to an internet gateway) in at least
#   requirements.min_private_subnet_azs Availability Zones.
#   Scope: the FlowForge VPCs.
# custom:
#   id: FF-VPC-003
#   severity: medium
#   collection: ec2.vpcs
#   remediation: Add private subnets (routed through NAT, not an internet gateway) in further Availability Zones.
#   frameworks:
#     nist-800-53-r5: ["CP-10", "SC-36"]
#   guide_section: Deployment Steps / 1. Provision Base Networking (public/private subnets across AZs)
#   area: multi-az
package flowforge.aws.vpc.private_subnets_multi_az

import rego.v1

min_azs := data.baseline.requirements.min_private_subnet_azs

in_scope contains v.arn if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
}

deny contains {
	"arn": v.arn,
	"message": sprintf("FlowForge VPC %s has private subnets in %d AZ(s), at least %d required", [v.id, count(azs), min_azs]),
	"evidence": {"private_subnet_azs": azs, "min_private_subnet_azs": min_azs},
} if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
	azs := data.flowforge.lib.vpc.private_azs(v.id)
	count(azs) < min_azs
}
