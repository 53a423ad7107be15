# METADATA
# title: ECS services run in private subnets of the FlowForge VPC without public IPs
# description: >
#   Scope: FlowForge ECS services (app tag or name prefix). Each uses awsvpc networking with
#   assign_public_ip DISABLED, and every subnet it runs in is a private subnet (no default
#   route to an internet gateway) of a FlowForge VPC. UNKNOWN when assign_public_ip was not
#   reported or a subnet of the service is not in the snapshot.
# custom:
#   id: FF-ECS-001
#   severity: high
#   collection: ecs.services
#   remediation: Run `aws ecs update-service --network-configuration "awsvpcConfiguration={subnets=[<private subnet ids>],securityGroups=[<control-plane sg>],assignPublicIp=DISABLED}"`.
#   frameworks:
#     aws-fsbp: ["ECS.2"]
#     nist-800-53-r5: ["AC-4", "SC-7"]
#   guide_section: Deployment Steps / 4. Deploy Control Plane
#   area: network
package flowforge.aws.ecs.service_network

import data.flowforge.lib
import rego.v1

in_scope contains s.arn if {
	some s in input.ecs.services
	lib.is_flowforge(s)
}

deny contains {
	"arn": s.arn,
	"message": sprintf("ECS service %s does not use awsvpc networking (no subnets or security groups of its own)", [s.name]),
	"evidence": {"network": null},
} if {
	some s in input.ecs.services
	lib.is_flowforge(s)
	s.network == null
}

deny contains {
	"arn": s.arn,
	"message": sprintf("ECS service %s assigns public IP addresses to its tasks", [s.name]),
	"evidence": {"assign_public_ip": "ENABLED"},
} if {
	some s in input.ecs.services
	lib.is_flowforge(s)
	s.network.assign_public_ip == "ENABLED"
}

deny contains {
	"arn": s.arn,
	"message": sprintf("ECS service %s runs in subnets that are not private subnets of the FlowForge VPC: %v", [s.name, bad]),
	"evidence": {"subnets": s.network.subnets, "not_private": bad},
} if {
	some s in input.ecs.services
	lib.is_flowforge(s)
	s.network != null
	known := data.flowforge.lib.vpc.subnet_ids
	private := data.flowforge.lib.vpc.private_flowforge_subnets
	bad := sort([id |
		some id in s.network.subnets
		id in known
		not id in private
	])
	count(bad) > 0
}

unknown contains {"arn": s.arn, "reason": lib.unreported_reason("network.assign_public_ip", "DescribeServices")} if {
	some s in input.ecs.services
	lib.is_flowforge(s)
	s.network != null
	lib.unreported(s.network, "assign_public_ip")
}

unknown contains {"arn": s.arn, "reason": sprintf("subnet %s of the service is not in the snapshot", [id])} if {
	some s in input.ecs.services
	lib.is_flowforge(s)
	s.network != null
	known := data.flowforge.lib.vpc.subnet_ids
	some id in s.network.subnets
	not id in known
}
