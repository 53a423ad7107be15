# METADATA
# title: EKS API endpoints are not open to the internet
# description: >
#   The cluster endpoint is private. Public access is accepted only when
#   requirements.eks_public_endpoint_allowed is true and public_access_cidrs does not
#   contain 0.0.0.0/0.
#   Scope: every EKS cluster of the audited regions.
# custom:
#   id: FF-EKS-002
#   severity: high
#   collection: eks.clusters
#   remediation: Run `aws eks update-cluster-config --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true`.
#   frameworks:
#     aws-fsbp: ["EKS.1"]
#     nist-800-53-r5: ["AC-3", "AC-4", "SC-7"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane
#   area: hygiene
package flowforge.aws.eks.endpoint_not_public

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": c.arn,
	"message": sprintf("EKS cluster %s has a public API endpoint", [c.name]),
	"evidence": {"endpoint_public_access": true, "public_access_cidrs": c.public_access_cidrs, "public_endpoint_allowed": false},
} if {
	not data.baseline.requirements.eks_public_endpoint_allowed == true
	some c in input.eks.clusters
	c.endpoint_public_access == true
}

deny contains {
	"arn": c.arn,
	"message": sprintf("EKS cluster %s public API endpoint is open to %v", [c.name, open]),
	"evidence": {"endpoint_public_access": true, "public_access_cidrs": c.public_access_cidrs, "public_endpoint_allowed": true},
} if {
	data.baseline.requirements.eks_public_endpoint_allowed == true
	some c in input.eks.clusters
	c.endpoint_public_access == true
	open := {x | some x in c.public_access_cidrs; x in lib.world_cidrs}
	count(open) > 0
}

unknown contains {"arn": c.arn, "reason": lib.unreported_reason("endpoint_public_access", "DescribeCluster")} if {
	some c in input.eks.clusters
	lib.unreported(c, "endpoint_public_access")
}
