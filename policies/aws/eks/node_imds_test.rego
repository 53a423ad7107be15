package flowforge.aws.eks.node_imds_test

import data.flowforge.aws.eks.node_imds as check
import data.flowforge.lib.testing
import rego.v1

arn := "arn:aws:eks:us-east-1:123456789012:nodegroup/flowforge-prod-data-plane/flowforge-prod-workers/1"

group(extra) := object.union(
	object.union(
		testing.meta(arn, "flowforge-prod-workers", "flowforge-prod-workers", {}),
		{"cluster_name": "flowforge-prod-data-plane", "subnets": [], "ami_type": "AL2023_x86_64_STANDARD"},
	),
	extra,
)

# A node group whose launch template version 3 (named "$Default") has these metadata options.
with_options(opts) := group({"launch_template": {
	"id": "lt-0123",
	"name": "flowforge-prod-workers",
	"version": "$Default",
	"version_number": 3,
	"metadata_options": opts,
}})

compliant := {"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 1}

ff_baseline := object.union(testing.baseline, {"architecture": object.union(testing.baseline.architecture, {"eks_cluster": {"name": "flowforge-prod-data-plane"}})})

# The same baseline without IRSA for the worker pods.
no_irsa_baseline := json.remove(ff_baseline, ["architecture/compute/irsa"])

inp(g) := {"eks": {"node_groups": [g], "fargate_profiles": []}}

findings(g) := f if {
	f := check.deny with input as inp(g) with data.baseline as ff_baseline
}

unknowns(g) := u if {
	u := check.unknown with input as inp(g) with data.baseline as ff_baseline
}

test_pass_tokens_required_hop_limit_one if {
	g := with_options(compliant)
	count(findings(g)) == 0
	count(unknowns(g)) == 0
}

test_pass_endpoint_disabled if {
	g := with_options({"http_tokens": "optional", "http_endpoint": "disabled", "http_put_response_hop_limit": 2})
	count(findings(g)) == 0
	count(unknowns(g)) == 0
}

test_fail_tokens_optional if {
	g := with_options(object.union(compliant, {"http_tokens": "optional"}))
	f := findings(g)
	count(f) == 1
	some x in f
	contains(x.message, "flowforge-prod-workers version 3")
	contains(x.message, "IMDSv1")
}

test_fail_tokens_optional_endpoint_unset if {
	count(findings(with_options({"http_tokens": "optional", "http_endpoint": null, "http_put_response_hop_limit": 1}))) == 1
}

test_fail_hop_limit_two_with_irsa if {
	g := with_options(object.union(compliant, {"http_put_response_hop_limit": 2}))
	f := findings(g)
	count(f) == 1
	some x in f
	contains(x.message, "hop limit 2")
}

# Without IRSA in the baseline, the hop limit is not judged: tokens required is enough.
test_pass_hop_limit_two_without_irsa if {
	g := with_options(object.union(compliant, {"http_put_response_hop_limit": 2}))
	f := check.deny with input as inp(g) with data.baseline as no_irsa_baseline
	count(f) == 0
	u := check.unknown with input as inp(with_options(object.union(compliant, {"http_put_response_hop_limit": null}))) with data.baseline as no_irsa_baseline
	count(u) == 0
}

test_fail_no_template_al2 if {
	g := group({"ami_type": "AL2_x86_64", "launch_template": null})
	count(findings(g)) == 1
	count(unknowns(g)) == 0
}

test_unknown_no_template_al2023 if {
	g := group({"launch_template": null})
	count(findings(g)) == 0
	count(unknowns(g)) == 1
}

test_unknown_no_template_ami_unreported if {
	g := group({"ami_type": null, "launch_template": null})
	count(findings(g)) == 0
	count(unknowns(g)) == 1
}

test_unknown_template_not_read if {
	g := group({"launch_template": {"id": "lt-0123", "name": null, "version": "7", "version_number": null, "metadata_options": null}})
	count(findings(g)) == 0
	u := unknowns(g)
	count(u) == 1
	some x in u
	contains(x.reason, "lt-0123")
	contains(x.reason, "could not be read")
}

test_unknown_tokens_unset if {
	g := with_options({"http_tokens": null, "http_endpoint": null, "http_put_response_hop_limit": null})
	count(findings(g)) == 0
	count(unknowns(g)) == 1
}

test_unknown_hop_limit_unset_with_irsa if {
	g := with_options(object.union(compliant, {"http_put_response_hop_limit": null}))
	count(findings(g)) == 0
	count(unknowns(g)) == 1
}

test_not_applicable_without_requirement if {
	b := object.union(ff_baseline, {"requirements": object.union(ff_baseline.requirements, {"imdsv2_required": false})})
	not check.applies with input as inp(with_options(compliant)) with data.baseline as b
}

test_other_cluster_out_of_scope if {
	g := object.union(with_options(compliant), {"cluster_name": "someone-else", "name": "other-workers"})
	s := check.in_scope with input as inp(g) with data.baseline as ff_baseline
	count(s) == 0
}
