package flowforge.aws.ecr.repository_policy_test

import data.flowforge.aws.ecr.repository_policy as check
import data.flowforge.lib.testing
import rego.v1

inp(policy) := {"ecr": {"repositories": [object.union(
	testing.meta("arn:aws:ecr:us-east-1:123456789012:repository/flowforge-prod-ui", "flowforge-prod-ui", "flowforge-prod-ui", {}),
	{"policy": policy},
)]}}

stmt(principals, condition) := {"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow",
	"Principal": {"AWS": principals},
	"Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
	"Resource": ["*"],
	"Condition": condition,
}]}

findings(i, b) := f if {
	f := check.deny with input as i with data.baseline as b
}

test_pass_no_policy_or_own_account if {
	count(findings(inp(null), testing.baseline)) == 0
	count(findings(inp(stmt(["arn:aws:iam::123456789012:role/flowforge-prod-devops"], {})), testing.baseline)) == 0
}

test_pass_allowed_account_or_org_scoped if {
	b := testing.with_compute({"ecr": object.union(testing.compute.ecr, {"allowed_accounts": ["210987654321"]})})
	count(findings(inp(stmt(["arn:aws:iam::210987654321:root"], {})), b)) == 0
	count(findings(inp(stmt(["*"], {"StringEquals": {"aws:principalorgid": ["o-abc123"]}})), testing.baseline)) == 0
}

test_fail_everyone if {
	count(findings(inp(stmt(["*"], {})), testing.baseline)) == 1
}

test_fail_other_account if {
	count(findings(inp(stmt(["210987654321"], {})), testing.baseline)) == 1
	count(findings(inp(stmt(["arn:aws:iam::210987654321:root"], {})), testing.baseline)) == 1
}
