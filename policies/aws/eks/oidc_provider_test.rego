package flowforge.aws.eks.oidc_provider_test

import data.flowforge.aws.eks.oidc_provider as check
import data.flowforge.lib.testing
import rego.v1

issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

inp(iss, url, audiences) := {
	"eks": {"clusters": [object.union(testing.meta("arn:aws:eks:us-east-1:123456789012:cluster/flowforge-prod-data-plane", "flowforge-prod-data-plane", "flowforge-prod-data-plane", testing.ff_tags), {"oidc_issuer": iss})]},
	"iam": {"oidc_providers": [object.union(testing.meta(sprintf("arn:aws:iam::123456789012:oidc-provider/%s", [url]), url, url, {}), {"url": url, "client_ids": audiences})]},
}

url := "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_registered if {
	count(findings(inp(issuer, url, ["sts.amazonaws.com"]))) == 0
}

test_fail_not_registered if {
	count(findings(inp(issuer, "oidc.eks.us-east-1.amazonaws.com/id/OTHER", ["sts.amazonaws.com"]))) == 1
}

test_fail_wrong_audience if {
	count(findings(inp(issuer, url, ["kubernetes.default.svc"]))) == 1
}

test_unknown_when_issuer_unreported if {
	count(findings(inp(null, url, ["sts.amazonaws.com"]))) == 0
	count(check.unknown) == 1 with input as testing.all_flowforge(inp(null, url, ["sts.amazonaws.com"])) with data.baseline as testing.baseline
}
