# METADATA
# title: The database tier admits its port only from the data plane
# description: >
#   A security group of the `database` tier admits its database ports
#   (architecture.database_ports) only from security groups of the `data-plane` tier
#   (referenced_group_ids), never from CIDR ranges, prefix lists or other tiers. A group's tier is
#   its tier tag, else its name matched against network.tier_name_patterns (derived once:
#   input.derived.network.tiers). Scope: the database-tier security groups; the network ACL
#   layer of the same path is FF-NET-005.
# custom:
#   id: FF-NET-003
#   severity: high
#   collection: ec2.security_groups
#   remediation: Replace the offending sources with a reference to the data-plane security group.
#   frameworks:
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(21)"]
#   guide_section: Configuration Notes / Networking (isolate control plane, data plane and database tiers)
#   area: network
package flowforge.aws.network.database_tier_sources

import data.flowforge.lib
import rego.v1

tiers := input.derived.network.tiers.security_groups

data_plane_groups contains id if {
	some id, tier in tiers
	tier == "data-plane"
}

database_groups contains id if {
	some id, tier in tiers
	tier == "database"
}

in_scope contains sg.arn if {
	some sg in input.ec2.security_groups
	sg.id in database_groups
}

offending(rule) := array.concat(
	array.concat(
		[sprintf("cidr:%s", [c]) | some c in array.concat(object.get(rule, "ipv4_ranges", []), object.get(rule, "ipv6_ranges", []))],
		[sprintf("prefix-list:%s", [p]) | some p in object.get(rule, "prefix_list_ids", [])],
	),
	[sprintf("security-group:%s", [g]) | some g in object.get(rule, "referenced_group_ids", []); not g in data_plane_groups],
)

deny contains {
	"arn": sg.arn,
	"message": sprintf("database security group %s admits port(s) %v from outside the data plane: %v", [sg.id, ports, sources]),
	"evidence": {"ports": ports, "offending_sources": sources, "rule": lib.port_range(rule)},
} if {
	some sg in input.ec2.security_groups
	sg.id in database_groups
	some rule in sg.ingress
	ports := [p | some p in data.baseline.architecture.database_ports; lib.rule_covers_port(rule, p)]
	count(ports) > 0
	sources := offending(rule)
	count(sources) > 0
}
