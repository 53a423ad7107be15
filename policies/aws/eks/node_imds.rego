# METADATA
# title: EKS managed node groups require IMDSv2 through their launch template and keep pods off the node's credentials
# description: >
#   Scope: managed node groups of the FlowForge EKS cluster (the baseline's
#   architecture.eks_cluster.name) or carrying FlowForge tags, when
#   requirements.imdsv2_required; otherwise NOT_APPLICABLE. Judged on the launch template
#   version the node group names (a number, $Default or $Latest, read with
#   ec2:DescribeLaunchTemplateVersions), whose metadata options every node starts with.
#   FAIL when that version leaves the metadata endpoint on with HttpTokens optional (IMDSv1).
#   When the baseline gives worker pods their AWS access through IRSA
#   (architecture.compute.irsa), also FAIL when tokens are required but
#   HttpPutResponseHopLimit is above 1: a token then reaches the pods' network namespaces and
#   with it the node role's credentials (Amazon EKS User Guide, "Security best practices":
#   restrict access to IMDS with HttpTokens required and hop limit 1 in the launch template).
#   An endpoint set to disabled PASSes; an unset HttpEndpoint is EC2's default, enabled.
#   A node group without a launch template runs on the template EKS generates: for AL2 AMI
#   types (AL2_*) that template allows IMDSv1 with hop limit 2 (the EKS best practices say
#   pod access to IMDS cannot be blocked for managed nodes without a custom launch template),
#   so FAIL; for other AMI types (AL2023, Bottlerocket, Windows) its settings follow the AMI
#   and the account's IMDS defaults, which the node group does not show: UNKNOWN.
#   UNKNOWN too when the template version could not be read (call denied, template or
#   version deleted: the failed call is in collection_errors under the template's ARN), or
#   when the version does not set HttpTokens (or, where it matters, the hop limit): the nodes
#   then get defaults that are not read. The running nodes themselves are FF-EC2-002's.
# custom:
#   id: FF-EKS-006
#   severity: high
#   collection: eks.node_groups
#   remediation: Create a launch template version with `--launch-template-data '{"MetadataOptions":{"HttpEndpoint":"enabled","HttpTokens":"required","HttpPutResponseHopLimit":1}}'` and roll the node group to it (`aws eks update-nodegroup-version --launch-template name=<template>,version=<n>`); a node group without a launch template must be replaced by one with such a template.
#   frameworks:
#     cis-aws-foundations: ["5.6"]
#     nist-800-53-r5: ["AC-3", "AC-6"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane
#   area: iam
package flowforge.aws.eks.node_imds

import data.flowforge.lib
import rego.v1

default applies := false

applies if data.baseline.requirements.imdsv2_required == true

not_applicable_reason := "requirements.imdsv2_required is false for this environment"

cluster_name := object.get(object.get(data.baseline.architecture, "eks_cluster", {}), "name", null)

flowforge_group(g) if g.cluster_name == cluster_name

flowforge_group(g) if lib.is_flowforge(g)

# Worker pods get their AWS access through IRSA: the node role is not theirs to use.
default pods_use_irsa := false

pods_use_irsa if object.get(data.flowforge.lib.compute.spec, "irsa", null) != null

in_scope contains g.arn if {
	some g in input.eks.node_groups
	flowforge_group(g)
}

# How a message names a template: its name, else its id.
template_name(lt) := lt.name if is_string(object.get(lt, "name", null))

else := object.get(lt, "id", null)

template_label(lt) := sprintf("%v version %v", [template_name(lt), lt.version_number])

# A node group's launch template whose version was read, with IMDS reachable.
read_template(g) := lt if {
	lt := object.get(g, "launch_template", null)
	is_object(lt)
	is_object(object.get(lt, "metadata_options", null))
	object.get(lt.metadata_options, "http_endpoint", null) != "disabled"
}

no_template(g) if object.get(g, "launch_template", null) == null

eks_default_allows_imdsv1(g) if {
	ami := object.get(g, "ami_type", null)
	is_string(ami)
	startswith(ami, "AL2_")
}

deny contains {
	"arn": g.arn,
	"message": sprintf("EKS node group %s has no launch template: EKS's generated template for %s nodes allows IMDSv1 with hop limit 2, so every pod can read the node role's credentials", [g.name, g.ami_type]),
	"evidence": {"launch_template": null, "ami_type": g.ami_type},
} if {
	some g in input.eks.node_groups
	flowforge_group(g)
	no_template(g)
	eks_default_allows_imdsv1(g)
}

deny contains {
	"arn": g.arn,
	"message": sprintf("EKS node group %s starts its nodes from launch template %s, which allows IMDSv1 (HttpTokens %v)", [g.name, template_label(lt), lt.metadata_options.http_tokens]),
	"evidence": {"launch_template": lt},
} if {
	some g in input.eks.node_groups
	flowforge_group(g)
	lt := read_template(g)
	is_string(lt.metadata_options.http_tokens)
	lt.metadata_options.http_tokens != "required"
}

deny contains {
	"arn": g.arn,
	"message": sprintf("EKS node group %s starts its nodes from launch template %s, whose IMDS hop limit %v lets pods fetch the node role's credentials (worker pods use IRSA; the hop limit must be 1)", [g.name, template_label(lt), lt.metadata_options.http_put_response_hop_limit]),
	"evidence": {"launch_template": lt},
} if {
	pods_use_irsa
	some g in input.eks.node_groups
	flowforge_group(g)
	lt := read_template(g)
	lt.metadata_options.http_tokens == "required"
	is_number(lt.metadata_options.http_put_response_hop_limit)
	lt.metadata_options.http_put_response_hop_limit > 1
}

unknown contains {"arn": g.arn, "reason": sprintf("node group %s has no launch template: the IMDS settings of the template EKS generates for AMI type %v follow the AMI and the account's defaults, which the node group does not show", [g.name, object.get(g, "ami_type", null)])} if {
	some g in input.eks.node_groups
	flowforge_group(g)
	no_template(g)
	not eks_default_allows_imdsv1(g)
}

unknown contains {"arn": g.arn, "reason": sprintf("launch template %v (version %v) of node group %s could not be read (ec2:DescribeLaunchTemplateVersions failed or the version is gone; see the collection errors)", [template_name(lt), object.get(lt, "version", null), g.name])} if {
	some g in input.eks.node_groups
	flowforge_group(g)
	lt := object.get(g, "launch_template", null)
	is_object(lt)
	object.get(lt, "metadata_options", null) == null
}

unknown contains {"arn": g.arn, "reason": sprintf("launch template %s of node group %s does not set HttpTokens: the nodes get the AMI's and the account's default, which is not read", [template_label(lt), g.name])} if {
	some g in input.eks.node_groups
	flowforge_group(g)
	lt := read_template(g)
	object.get(lt.metadata_options, "http_tokens", null) == null
}

unknown contains {"arn": g.arn, "reason": sprintf("launch template %s of node group %s does not set HttpPutResponseHopLimit: whether pods can reach IMDS depends on a default that is not read", [template_label(lt), g.name])} if {
	pods_use_irsa
	some g in input.eks.node_groups
	flowforge_group(g)
	lt := read_template(g)
	lt.metadata_options.http_tokens == "required"
	object.get(lt.metadata_options, "http_put_response_hop_limit", null) == null
}
