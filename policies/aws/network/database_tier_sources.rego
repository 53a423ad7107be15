# METADATA
# title: The database tier admits its port only from the data plane
# description: >
#   A security group tagged tier `database` admits its database ports
#   (architecture.database_ports) only from security groups tagged tier `data-plane`
#   (referenced_group_ids), never from CIDR ranges, prefix lists or other tiers.
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

tier_tag := data.baseline.recognise.tier_tag

data_plane_groups contains sg.id if {
	some sg in input.ec2.security_groups
	sg.tags[tier_tag] == "data-plane"
}

in_scope contains sg.arn if {
	some sg in input.ec2.security_groups
	sg.tags[tier_tag] == "database"
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
	sg.tags[tier_tag] == "database"
	some rule in sg.ingress
	ports := [p | some p in data.baseline.architecture.database_ports; lib.rule_covers_port(rule, p)]
	count(ports) > 0
	sources := offending(rule)
	count(sources) > 0
}
