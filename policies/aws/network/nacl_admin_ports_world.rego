# METADATA
# title: Network ACLs do not admit admin ports from the internet
# description: >
#   No network ACL that filters a FlowForge subnet admits an admin port (architecture.admin_ports,
#   TCP) from the whole internet. Rules are evaluated by rule number, lowest first, and the first
#   match decides; the final `*` rule denies the rest (VPC User Guide, "Network ACL rules"), so a
#   deny of 10.0.0.0/8 before an allow of 0.0.0.0/0 still admits every public address. IPv4 and
#   IPv6 are judged apart. The verdicts come from input.derived.network.network_acls (computed
#   once by flowforge-audit's network module). A rule that cannot be judged (an unparsable CIDR,
#   an unknown action) makes the ACL UNKNOWN.
#   Scope: ACLs of FlowForge VPCs that filter at least one subnet (explicitly associated, or the
#   VPC's default ACL for subnets without an association), when the baseline declares
#   network.nacl_isolation; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-NET-004
#   severity: high
#   collection: ec2.network_acls
#   remediation: Add a deny rule for the admin ports from 0.0.0.0/0 and ::/0 with a rule number below any allow that covers them, or narrow the allow.
#   frameworks:
#     aws-fsbp: ["EC2.21"]
#     cis-aws-foundations: ["5.1"]
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(5)"]
#   guide_section: Configuration Notes / Networking (security groups and NACLs isolate the tiers)
#   area: network
package flowforge.aws.network.nacl_admin_ports_world

import rego.v1

default applies := false

applies if data.baseline.network.nacl_isolation == true

not_applicable_reason := "the baseline does not declare network ACL isolation (network.nacl_isolation)"

# ACLs of FlowForge VPCs that filter some subnet.
scoped contains arn if {
	vpcs := data.flowforge.lib.vpc.flowforge_vpcs
	some arn, a in input.derived.network.network_acls
	count(a.subnets) > 0
	a.vpc_id in vpcs
}

in_scope contains arn if some arn in scoped

deny contains {
	"arn": arn,
	"message": sprintf("network ACL %s admits the whole %s internet to admin port(s) %v (tcp %d-%d, %v; subnets %v)", [a.id, w.family, hit, w.from_port, w.to_port, w.sources, a.subnets]),
	"evidence": {"family": w.family, "ports": hit, "open_ports": sprintf("tcp %d-%d", [w.from_port, w.to_port]), "allowing_rules": w.sources, "subnets": a.subnets, "layer": "network ACL"},
} if {
	scope := scoped
	ports := data.baseline.architecture.admin_ports
	some arn, a in input.derived.network.network_acls
	arn in scope
	some w in a.world_open
	w.protocol == "tcp"
	hit := [p | some p in ports; w.from_port <= p; p <= w.to_port]
	count(hit) > 0
}

unknown contains {"arn": arn, "reason": sprintf("rule(s) %v of the ACL cannot be judged (CIDR or action not understood)", [a.unjudgeable])} if {
	some arn, a in input.derived.network.network_acls
	count(a.unjudgeable) > 0
}
