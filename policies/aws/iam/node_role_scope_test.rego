package flowforge.aws.iam.node_role_scope_test

import data.flowforge.aws.iam.node_role_scope as check
import data.flowforge.lib.testing
import rego.v1

inp(statements, attached) := {"iam": {
	"roles": [object.union(
		testing.meta("arn:aws:iam::123456789012:role/flowforge-prod-eks-node", "AROA2", "flowforge-prod-eks-node", testing.ff_tags),
		{"inline_policies": [{"name": "node", "document": {"Version": "2012-10-17", "Statement": statements}}], "attached_policies": attached},
	)],
	"policies": [],
}}

node_stmt := {"Effect": "Allow", "Action": ["ec2:DescribeInstances", "ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "Resource": ["*"], "NotAction": []}

findings(i) := f if {
	f := check.deny with input as i with data.baseline as testing.baseline
}

test_pass_node_needs_only if {
	count(findings(inp([node_stmt], []))) == 0
	count(check.unknown) == 0 with input as inp([node_stmt], []) with data.baseline as testing.baseline
}

test_fail_s3_through_node_role if {
	s3 := {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::flowforge-prod-silver/*"], "NotAction": []}
	f := findings(inp([node_stmt, s3], []))
	count(f) == 1
	some x in f
	x.evidence.excess_actions == ["s3:GetObject (inline:node)"]
}

test_fail_not_action if {
	s := {"Effect": "Allow", "Action": [], "NotAction": ["iam:*"], "Resource": ["*"]}
	count(findings(inp([s], []))) == 1
}

test_pass_deny_statements_ignored if {
	d := {"Effect": "Deny", "Action": ["rds:*"], "Resource": ["*"], "NotAction": []}
	count(findings(inp([node_stmt, d], []))) == 0
}

test_unknown_when_attached_document_unseen if {
	i := inp([node_stmt], [{"policy_name": "x", "policy_arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}])
	count(check.unknown) == 1 with input as i with data.baseline as testing.baseline
}
