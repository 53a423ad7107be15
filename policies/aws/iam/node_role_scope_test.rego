package flowforge.aws.iam.node_role_scope_test

import data.flowforge.aws.iam.node_role_scope as check
import data.flowforge.lib.testing
import rego.v1

node_arn := "arn:aws:iam::123456789012:role/flowforge-prod-eks-node"

# The node role and the IAM engine's facts for it (effective permissions after Deny,
# boundary and NotAction: src/iam_eval).
inp(permissions, unknown) := {
	"iam": {
		"roles": [testing.meta(node_arn, "AROA2", "flowforge-prod-eks-node", testing.ff_tags)],
		"users": [], "groups": [], "policies": [],
	},
	"derived": {"iam": {"scp_note": "SCPs not applied", "principals": {node_arn: {"permissions": permissions, "unknown": unknown}}}},
}

grant(action, policy) := {"action": action, "resource": "*", "conditional": false, "source": {"policy": policy, "statement": 0}}

node_grants := [grant("ec2:DescribeInstances", "inline:node"), grant("ecr:GetAuthorizationToken", "inline:node"), grant("ecr:BatchGetImage", "inline:node")]

findings(i) := f if {
	f := check.deny with input as i with data.baseline as testing.baseline
}

unknowns(i) := u if {
	u := check.unknown with input as i with data.baseline as testing.baseline
}

test_pass_node_needs_only if {
	count(findings(inp(node_grants, []))) == 0
	count(unknowns(inp(node_grants, []))) == 0
}

test_fail_s3_through_node_role if {
	f := findings(inp(array.concat(node_grants, [grant("s3:GetObject", "inline:node")]), []))
	count(f) == 1
	some x in f
	x.evidence.excess_actions == ["s3:GetObject (inline:node)"]
}

test_fail_not_action if {
	count(findings(inp([grant("NotAction[iam:*]", "inline:node")], []))) == 1
}

# A permission the engine removed (an explicit Deny) is not in `permissions`: nothing to flag.
test_pass_only_effective_permissions_count if {
	count(findings(inp(node_grants, []))) == 0
}

test_unknown_when_engine_could_not_see_a_policy if {
	i := inp(node_grants, ["attached policy arn:aws:iam::aws:policy/AmazonS3FullAccess has no document in the snapshot"])
	count(unknowns(i)) == 1
}

test_not_applicable_without_node_role if {
	b := object.remove(testing.baseline, ["architecture"])
	not check.applies with input as inp(node_grants, []) with data.baseline as b
}

other_arn := "arn:aws:iam::123456789012:role/lake-writer"

# The node role can assume a role holding s3 write: the pods hold it through the node role.
with_reach(tier) := i if {
	base := inp(node_grants, [])
	reach := {"escalation": {"verdict": "none", "reach": [{"arn": other_arn, "tier": tier, "via": "role/flowforge-prod-eks-node --[sts:AssumeRole]--> role/lake-writer"}]}}
	node := object.union(base.derived.iam.principals[node_arn], reach)
	other := {"permissions": [grant("s3:PutObject", "inline:w")], "unknown": []}
	i := object.union(base, {"derived": {"iam": {"principals": {node_arn: node, other_arn: other}}}})
}

test_fail_through_a_reached_role if {
	f := findings(with_reach("sure"))
	some x in f
	x.evidence.excess_actions == [sprintf("s3:PutObject (inline:w, through %s)", [other_arn])]
}

test_unknown_reach_through_unseen_compute if {
	count(findings(with_reach("unknown"))) == 0
	some u in unknowns(with_reach("unknown"))
	contains(u.reason, "cannot show")
}
