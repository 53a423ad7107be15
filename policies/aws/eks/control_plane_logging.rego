# METADATA
# title: EKS control-plane logging covers api, audit and authenticator
# description: >
#   Scope: FlowForge EKS clusters. Every log type of the baseline's
#   architecture.compute.eks_log_types (api, audit and authenticator when the baseline names
#   none) is enabled, so API calls, their authorisation and IAM authentication are in
#   CloudWatch Logs.
# custom:
#   id: FF-EKS-004
#   severity: medium
#   collection: eks.clusters
#   remediation: Run `aws eks update-cluster-config --name <cluster> --logging '{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]}'`.
#   frameworks:
#     aws-fsbp: ["EKS.8"]
#     nist-800-53-r5: ["AU-2", "AU-3", "AU-12"]
#   guide_section: Deployment Steps / 6. Integrate Identity & Monitoring
#   area: hygiene
package flowforge.aws.eks.control_plane_logging

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

default_types := ["api", "audit", "authenticator"]

required := object.get(compute.spec, "eks_log_types", default_types)

in_scope contains c.arn if {
	some c in input.eks.clusters
	lib.is_flowforge(c)
}

deny contains {
	"arn": c.arn,
	"message": sprintf("EKS cluster %s does not log %v to CloudWatch", [c.name, missing]),
	"evidence": {"enabled_log_types": c.enabled_log_types, "missing": missing},
} if {
	want := required
	some c in input.eks.clusters
	lib.is_flowforge(c)
	missing := sort([t | some t in want; not t in object.get(c, "enabled_log_types", [])])
	count(missing) > 0
}
