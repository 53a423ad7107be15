# METADATA
# title: FlowForge VPCs have a NAT gateway in every AZ with private subnets
# description: >
#   When requirements.nat_gateway_per_az is true, every Availability Zone in which a
#   FlowForge VPC has a private subnet also has an available public NAT gateway of that VPC,
#   so losing one AZ does not cut the others' egress.
#   Scope: the FlowForge VPCs, when requirements.nat_gateway_per_az; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-VPC-004
#   severity: medium
#   collection: ec2.vpcs
#   remediation: Create a NAT gateway in a public subnet of each AZ and route that AZ's private subnets through it.
#   frameworks:
#     nist-800-53-r5: ["CP-10", "SC-5(2)", "SC-36"]
#   guide_section: Deployment Steps / 1. Provision Base Networking (Internet/NAT gateways)
#   area: multi-az
package flowforge.aws.vpc.nat_gateway_per_az

import rego.v1

default applies := false

applies if data.baseline.requirements.nat_gateway_per_az == true

not_applicable_reason := "requirements.nat_gateway_per_az is false for this environment"

subnet_az := {s.id: s.availability_zone | some s in input.ec2.subnets}

nat_az(n) := n.availability_zone if is_string(n.availability_zone)

else := subnet_az[n.subnet_id]

nat_azs contains [n.vpc_id, nat_az(n)] if {
	some n in input.ec2.nat_gateways
	n.state == "available"
	object.get(n, "connectivity_type", "public") != "private"
}

in_scope contains v.arn if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
}

deny contains {
	"arn": v.arn,
	"message": sprintf("FlowForge VPC %s has no available NAT gateway in %v", [v.id, missing]),
	"evidence": {"azs_without_nat_gateway": missing, "private_subnet_azs": azs},
} if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
	azs := data.flowforge.lib.vpc.private_azs(v.id)
	missing := {az | some az in azs; not [v.id, az] in nat_azs}
	count(missing) > 0
}
