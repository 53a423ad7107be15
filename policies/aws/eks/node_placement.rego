# METADATA
# title: EKS node groups and Fargate profiles run in private subnets of the FlowForge VPC
# description: >
#   Scope: managed node groups and Fargate profiles of the FlowForge EKS cluster (the
#   baseline's architecture.eks_cluster.name) or carrying FlowForge tags. Every subnet they
#   place nodes or pods in is a private subnet (no default route to an internet gateway) of a
#   FlowForge VPC. UNKNOWN when a subnet is not in the snapshot. IMDSv2 on the nodes is
#   checked on the instances themselves (FF-EC2-001). SSH remote access is not judged: the
#   emulator reports a default SSH key on every node group, so no test could tell.
# custom:
#   id: FF-EKS-005
#   severity: high
#   collection: eks.node_groups
#   remediation: Create a replacement node group (`aws eks create-nodegroup --subnets <private subnet ids>`), move the workloads, and delete the old one; node group subnets cannot be changed in place.
#   frameworks:
#     nist-800-53-r5: ["AC-4", "SC-7"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane
#   area: network
package flowforge.aws.eks.node_placement

import data.flowforge.lib
import rego.v1

cluster_name := object.get(object.get(data.baseline.architecture, "eks_cluster", {}), "name", null)

flowforge_group(g) if g.cluster_name == cluster_name

flowforge_group(g) if lib.is_flowforge(g)

in_scope contains g.arn if {
	some g in input.eks.node_groups
	flowforge_group(g)
}

groups := array.concat(
	[["node group", g] | some g in input.eks.node_groups],
	[["Fargate profile", p] | some p in input.eks.fargate_profiles],
)

deny contains {
	"arn": g.arn,
	"message": sprintf("EKS %s %s places nodes in subnets that are not private subnets of the FlowForge VPC: %v", [kind, g.name, bad]),
	"evidence": {"subnets": g.subnets, "not_private": bad},
} if {
	known := data.flowforge.lib.vpc.subnet_ids
	private := data.flowforge.lib.vpc.private_flowforge_subnets
	some [kind, g] in groups
	flowforge_group(g)
	bad := sort([id | some id in g.subnets; id in known; not id in private])
	count(bad) > 0
}

unknown contains {"arn": g.arn, "reason": sprintf("subnet %s of the %s is not in the snapshot", [id, kind])} if {
	known := data.flowforge.lib.vpc.subnet_ids
	some [kind, g] in groups
	flowforge_group(g)
	some id in g.subnets
	not id in known
}
