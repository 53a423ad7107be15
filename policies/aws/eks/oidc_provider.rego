# METADATA
# title: The EKS cluster's OIDC issuer is registered as an IAM OIDC provider for IRSA
# description: >
#   Scope: FlowForge EKS clusters, when the baseline declares architecture.compute.irsa. The
#   cluster's OIDC issuer is registered as an IAM OIDC identity provider whose audiences
#   include sts.amazonaws.com, so worker pods get their IAM role through IRSA rather than the
#   node role. UNKNOWN when the cluster's issuer was not reported.
# custom:
#   id: FF-EKS-003
#   severity: high
#   collection: eks.clusters
#   remediation: Run `eksctl utils associate-iam-oidc-provider --cluster <name> --approve` (or `aws iam create-open-id-connect-provider --url <issuer> --client-id-list sts.amazonaws.com`).
#   frameworks:
#     nist-800-53-r5: ["AC-6", "IA-2", "IA-5"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane
#   area: iam
package flowforge.aws.eks.oidc_provider

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

default applies := false

applies if object.get(compute.spec, "irsa", null) != null

not_applicable_reason := "the baseline declares no IRSA role (architecture.compute.irsa)"

in_scope contains c.arn if {
	some c in input.eks.clusters
	lib.is_flowforge(c)
}

# Issuer URLs (without https://) registered with the STS audience.
registered contains p.url if {
	some p in input.iam.oidc_providers
	is_string(p.url)
	"sts.amazonaws.com" in p.client_ids
}

deny contains {
	"arn": c.arn,
	"message": sprintf("EKS cluster %s's OIDC issuer %s is not registered as an IAM OIDC provider with audience sts.amazonaws.com", [c.name, c.oidc_issuer]),
	"evidence": {"oidc_issuer": c.oidc_issuer},
} if {
	known := registered
	some c in input.eks.clusters
	lib.is_flowforge(c)
	is_string(c.oidc_issuer)
	not trim_prefix(c.oidc_issuer, "https://") in known
}

unknown contains {"arn": c.arn, "reason": lib.unreported_reason("oidc_issuer", "DescribeCluster")} if {
	some c in input.eks.clusters
	lib.is_flowforge(c)
	lib.unreported(c, "oidc_issuer")
}
