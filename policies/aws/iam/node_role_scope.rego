# METADATA
# title: The EKS node role grants only what nodes need
# description: >
#   Scope: the EKS node instance role (the baseline's architecture.compute.node_role, and the
#   node role of every FlowForge node group). Every action its inline and attached policies
#   allow is covered by the baseline's architecture.compute.node_allowed_actions (kubelet,
#   VPC CNI, image pulls), so worker pods cannot reach S3, RDS or Secrets Manager through the
#   node's instance profile instead of their IRSA role. Judged on the role's effective
#   permissions from the IAM evaluation engine (explicit Deny, permissions boundary and
#   NotAction applied; conditional grants count), and on the permissions of every principal the
#   node role can act as (the privilege-escalation graph's reach: an assumable or passable
#   role). UNKNOWN when the engine could not see every policy of the role, or when the role can
#   run code on compute the snapshot cannot show (it may run as any role its service may assume).
# custom:
#   id: FF-IRSA-002
#   severity: high
#   collection: iam.roles
#   remediation: Detach the extra policies from the node role (`aws iam detach-role-policy` / `delete-role-policy`) and grant those permissions to the pods' IRSA role instead.
#   frameworks:
#     nist-800-53-r5: ["AC-6", "AC-6(10)"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane
#   area: iam
package flowforge.aws.iam.node_role_scope

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

default applies := false

applies if object.get(compute.spec, "node_role", null) != null

not_applicable_reason := "the baseline names no EKS node role (architecture.compute.node_role)"

allowed := object.get(compute.spec, "node_allowed_actions", [])

cluster_name := object.get(object.get(data.baseline.architecture, "eks_cluster", {}), "name", null)

node_role_arns contains g.node_role if {
	some g in input.eks.node_groups
	g.cluster_name == cluster_name
	is_string(g.node_role)
}

node_role(r) if r.name == compute.spec.node_role

node_role(r) if r.arn in node_role_arns

in_scope contains r.arn if {
	some r in input.iam.roles
	node_role(r)
}

deny contains {
	"arn": r.arn,
	"message": sprintf("EKS node role %s allows actions beyond what nodes need: %v", [r.name, excess]),
	"evidence": {"excess_actions": excess, "node_allowed_actions": allow, "scps": data.flowforge.lib.iam.scp_note},
} if {
	allow := allowed
	some r in input.iam.roles
	node_role(r)
	facts := data.flowforge.lib.iam.principals[r.arn]
	own := {sprintf("%s (%s)", [p.action, p.source.policy]) |
		some p in facts.permissions
		not covered(p.action, allow)
	}
	excess := sort(own | reached_excess(facts, allow))
	count(excess) > 0
}

# What the node role holds through the principals it can act as (the privilege-escalation
# graph's reach: an assumable role, a passable role, ...): pods on the nodes hold it too.
reached_excess(facts, allow) := {sprintf("%s (%s, through %s)", [p.action, p.source.policy, r.arn]) |
	some r in object.get(object.get(facts, "escalation", {}), "reach", [])
	r.tier != "unknown"
	some p in data.flowforge.lib.iam.principals[r.arn].permissions
	not covered(p.action, allow)
}

covered(action, allow) if {
	some pattern in allow
	lib.pattern_covers(pattern, action)
}

unknown contains {"arn": r.arn, "reason": sprintf("the node role may act, through compute the snapshot cannot show, as a role trusting %s: %s", [x.arn, x.via])} if {
	some r in input.iam.roles
	node_role(r)
	facts := data.flowforge.lib.iam.principals[r.arn]
	some x in object.get(object.get(facts, "escalation", {}), "reach", [])
	x.tier == "unknown"
}

unknown contains {"arn": r.arn, "reason": reason} if {
	some r in input.iam.roles
	node_role(r)
	some reason in data.flowforge.lib.iam.unknown_reasons(r.arn)
}
