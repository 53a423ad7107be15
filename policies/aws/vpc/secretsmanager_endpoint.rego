# METADATA
# title: FlowForge VPCs have a Secrets Manager interface endpoint with private DNS
# description: >
#   Every FlowForge VPC has an Interface VPC endpoint for Secrets Manager (service name
#   ending in `.secretsmanager`, state available or pending) with private DNS enabled, so
#   secret reads never leave the VPC.
#   Scope: the FlowForge VPCs.
# custom:
#   id: FF-VPC-002
#   severity: medium
#   collection: ec2.vpcs
#   remediation: Create an Interface endpoint for com.amazonaws.<region>.secretsmanager in the private subnets with private DNS enabled.
#   frameworks:
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(4)"]
#   guide_section: Deployment Steps / 1. Provision Base Networking (VPC endpoints for S3 and Secrets Manager)
#   area: vpc-endpoints
package flowforge.aws.vpc.secretsmanager_endpoint

import rego.v1

ok_states := {"available", "pending", "pendingacceptance"}

candidates := [e |
	some e in input.ec2.vpc_endpoints
	endswith(e.service_name, ".secretsmanager")
	e.endpoint_type == "Interface"
	lower(e.state) in ok_states
]

good_vpcs contains e.vpc_id if {
	some e in candidates
	e.private_dns_enabled == true
}

no_dns_vpcs contains e.vpc_id if {
	some e in candidates
	e.private_dns_enabled != true
}

in_scope contains v.arn if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
}

deny contains {"arn": v.arn, "message": msg, "evidence": {"vpc_id": v.id, "missing_endpoint": "secretsmanager", "endpoint_without_private_dns": no_dns}} if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
	not v.id in good_vpcs
	no_dns := v.id in no_dns_vpcs
	msg := message(v, no_dns)
}

message(v, true) := sprintf("FlowForge VPC %s (%s) has a Secrets Manager endpoint without private DNS", [v.id, v.name])

message(v, false) := sprintf("FlowForge VPC %s (%s) has no Secrets Manager interface endpoint", [v.id, v.name])
