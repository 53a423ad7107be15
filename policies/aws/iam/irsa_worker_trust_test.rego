package flowforge.aws.iam.irsa_worker_trust_test

import data.flowforge.aws.iam.irsa_worker_trust as check
import data.flowforge.lib.testing
import rego.v1

url := "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

key := lower(url)

provider := sprintf("arn:aws:iam::123456789012:oidc-provider/%s", [url])

node_role := "arn:aws:iam::123456789012:role/flowforge-prod-eks-node"

good := {
	"Effect": "Allow",
	"Principal": {"Federated": [provider]},
	"Action": ["sts:AssumeRoleWithWebIdentity"],
	"Condition": {"StringEquals": {
		sprintf("%s:aud", [key]): ["sts.amazonaws.com"],
		sprintf("%s:sub", [key]): ["system:serviceaccount:prefect:prefect-worker"],
	}},
}

inp(statements, issuer) := {
	"eks": {
		"clusters": [object.union(testing.meta("arn:aws:eks:us-east-1:123456789012:cluster/flowforge-prod-data-plane", "flowforge-prod-data-plane", "flowforge-prod-data-plane", testing.ff_tags), {"oidc_issuer": issuer})],
		"node_groups": [{"arn": "ng", "name": "flowforge-prod-workers", "cluster_name": "flowforge-prod-data-plane", "node_role": node_role}],
	},
	"iam": {"roles": [object.union(
		testing.meta("arn:aws:iam::123456789012:role/flowforge-prod-prefect-worker", "AROA1", "flowforge-prod-prefect-worker", testing.ff_tags),
		{"assume_role_policy": {"Version": "2012-10-17", "Statement": statements}},
	)]},
}

issuer := sprintf("https://%s", [url])

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_pinned_trust if {
	count(findings(inp([good], issuer))) == 0
	count(check.unknown) == 0 with input as testing.all_flowforge(inp([good], issuer)) with data.baseline as testing.baseline
}

test_fail_wildcard_sub if {
	s := object.union(json.remove(good, ["Condition"]), {"Condition": {
		"StringEquals": {sprintf("%s:aud", [key]): ["sts.amazonaws.com"]},
		"StringLike": {sprintf("%s:sub", [key]): ["system:serviceaccount:*:*"]},
	}})
	f := findings(inp([s], issuer))
	count(f) == 1
	some x in f
	contains(x.message, ":sub")
}

test_fail_no_aud if {
	s := object.union(json.remove(good, ["Condition"]), {"Condition": {"StringEquals": {sprintf("%s:sub", [key]): ["system:serviceaccount:prefect:prefect-worker"]}}})
	count(findings(inp([s], issuer))) == 1
}

test_fail_other_provider if {
	s := object.union(json.remove(good, ["Principal"]), {"Principal": {"Federated": ["arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER"]}})
	count(findings(inp([s], issuer))) == 1
}

test_fail_trusts_node_role if {
	s := {"Effect": "Allow", "Principal": {"AWS": [node_role]}, "Action": ["sts:AssumeRole"]}
	f := findings(inp([good, s], issuer))
	some x in f
	contains(x.message, "node role")
}

test_unknown_when_issuer_unreported if {
	count(check.unknown) == 1 with input as testing.all_flowforge(inp([good], null)) with data.baseline as testing.baseline
}
