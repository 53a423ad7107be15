# METADATA
# title: Database-tier subnets admit the database port only from the data plane
# description: >
#   The network ACL of every database-tier subnet admits the database ports
#   (architecture.database_ports, TCP) only from the CIDRs of the data-plane tier's subnets:
#   evaluated in rule-number order with first match and the final deny (VPC User Guide,
#   "Network ACL rules"), the set of sources the ACL admits on the port must lie inside the
#   data-plane CIDRs, for IPv4 and IPv6 apart. Tiers are recognised by tag, else by
#   network.tier_name_patterns. The verdicts come from input.derived.network.network_acls.database_ports.
#   A rule that cannot be judged, or no recognised data-plane subnet while the ACL admits some
#   source, is UNKNOWN. The security-group layer of the same path is FF-NET-003.
#   Scope: ACLs that filter at least one database-tier subnet, when the baseline declares
#   network.nacl_isolation; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-NET-005
#   severity: high
#   collection: ec2.network_acls
#   remediation: Allow the database port only from each data-plane subnet's CIDR, then deny it from 0.0.0.0/0 and ::/0 with a lower rule number than any broader allow.
#   frameworks:
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(21)"]
#   guide_section: Configuration Notes / Networking (security groups and NACLs isolate the tiers)
#   area: network
package flowforge.aws.network.nacl_database_sources

import rego.v1

default applies := false

applies if data.baseline.network.nacl_isolation == true

not_applicable_reason := "the baseline does not declare network ACL isolation (network.nacl_isolation)"

in_scope contains arn if {
	some arn, a in input.derived.network.network_acls
	count(a.database_subnets) > 0
}

data_plane_known if {
	cidrs := input.derived.network.data_plane_cidrs
	count(cidrs.ipv4) + count(cidrs.ipv6) > 0
}

deny contains {
	"arn": arn,
	"message": sprintf("network ACL %s of database subnet(s) %v admits %s port %d from outside the data plane: %v (rules %v)", [a.id, a.database_subnets, d.family, d.port, d.outside_data_plane, d.allowing_rules]),
	"evidence": {"port": d.port, "family": d.family, "outside_data_plane": d.outside_data_plane, "allowed": d.allowed, "allowing_rules": d.allowing_rules, "data_plane_cidrs": input.derived.network.data_plane_cidrs, "layer": "network ACL"},
} if {
	data_plane_known
	some arn, a in input.derived.network.network_acls
	count(a.database_subnets) > 0
	some d in a.database_ports
	count(d.outside_data_plane) > 0
}

unknown contains {"arn": arn, "reason": sprintf("rule(s) %v of the ACL cannot be judged (CIDR or action not understood)", [a.unjudgeable])} if {
	some arn, a in input.derived.network.network_acls
	count(a.database_subnets) > 0
	count(a.unjudgeable) > 0
}

unknown contains {"arn": arn, "reason": "no data-plane subnet is recognised (tier tag or network.tier_name_patterns): the admitted sources cannot be judged"} if {
	not data_plane_known
	some arn, a in input.derived.network.network_acls
	count(a.database_subnets) > 0
	some d in a.database_ports
	count(d.allowed) > 0
}
