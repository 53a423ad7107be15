# METADATA
# title: FlowForge VPCs have an S3 gateway endpoint
# description: >
#   Every FlowForge VPC has a Gateway VPC endpoint for S3 (service name ending in `.s3`,
#   state available or pending), so data-lake traffic stays off the internet.
#   Scope: the FlowForge VPCs.
# custom:
#   id: FF-VPC-001
#   severity: medium
#   collection: ec2.vpcs
#   remediation: Create a Gateway endpoint for com.amazonaws.<region>.s3 and associate it with the private route tables.
#   frameworks:
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(4)"]
#   guide_section: Deployment Steps / 1. Provision Base Networking (VPC endpoints for S3 and Secrets Manager)
#   area: vpc-endpoints
package flowforge.aws.vpc.s3_gateway_endpoint

import rego.v1

ok_states := {"available", "pending", "pendingacceptance"}

endpoint_vpcs contains e.vpc_id if {
	some e in input.ec2.vpc_endpoints
	endswith(e.service_name, ".s3")
	e.endpoint_type == "Gateway"
	lower(e.state) in ok_states
}

in_scope contains v.arn if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
}

deny contains {
	"arn": v.arn,
	"message": sprintf("FlowForge VPC %s (%s) has no S3 gateway endpoint", [v.id, v.name]),
	"evidence": {"vpc_id": v.id, "missing_endpoint": "s3", "endpoint_type": "Gateway"},
} if {
	some v in input.ec2.vpcs
	v.id in data.flowforge.lib.vpc.flowforge_vpcs
	not v.id in endpoint_vpcs
}
