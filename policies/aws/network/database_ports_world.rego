# METADATA
# title: Security groups do not open database ports to the internet
# description: >
#   No ingress rule admits 0.0.0.0/0 or ::/0 to a database port
#   (architecture.database_ports, e.g. PostgreSQL 5432).
# custom:
#   id: FF-NET-002
#   severity: critical
#   collection: ec2.security_groups
#   remediation: Remove the world-open rule; admit the database port only from the data-plane security group.
#   frameworks:
#     aws-fsbp: ["EC2.19"]
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(5)"]
#   guide_section: Configuration Notes / Networking (isolate the database tier)
#   area: network
package flowforge.aws.network.database_ports_world

import rego.v1

# The database ports as a set, bound to a local before the loop below (a rule reference inside
# a loop over every ingress rule costs far more than a local lookup in regorus).
database_port_set := {p | some p in data.baseline.architecture.database_ports}

# One cheap inline test per ingress rule; the exact test and the evidence run only for the
# rules that pass it. A rule of a port protocol whose range is the single port P admits a
# database port only when P is one, so such rules (the bulk: 443, 80, ...) stop at the prefilter.
# `not` keeps every rule the test cannot judge (protocol -1, port ranges, missing fields).
deny contains finding if {
	ports := database_port_set
	some sg in input.ec2.security_groups
	some rule in sg.ingress
	not [rule.protocol != "-1", rule.from_port == rule.to_port, rule.from_port in ports] == [true, true, false]
	finding := world_open_database(sg, rule)
}

# The finding for a rule that admits the world to a database port (undefined otherwise). The two
# bodies are lib.rule_covers_port and lib.port_range split by protocol: all traffic (-1)
# covers every port and prints as "all"; a port protocol covers the ports of its range.
world_open_database(sg, rule) := {
	"arn": sg.arn,
	"message": sprintf("security group %s (%s) admits %v to database port(s) %v (%s)", [sg.id, sg.group_name, world, ports, "all"]),
	"evidence": {"sources": world, "ports": ports, "rule": "all"},
} if {
	rule.protocol == "-1"
	ports := [p | some p in data.baseline.architecture.database_ports]
	count(ports) > 0
	world := {c | some c in rule.ipv4_ranges; c == "0.0.0.0/0"} | {c | some c in rule.ipv6_ranges; c == "::/0"}
	count(world) > 0
}

world_open_database(sg, rule) := {
	"arn": sg.arn,
	"message": sprintf("security group %s (%s) admits %v to database port(s) %v (%s)", [sg.id, sg.group_name, world, ports, range]),
	"evidence": {"sources": world, "ports": ports, "rule": range},
} if {
	rule.protocol in {"tcp", "udp", "6", "17"}
	ports := [p | some p in data.baseline.architecture.database_ports; rule.from_port <= p; p <= rule.to_port]
	count(ports) > 0
	world := {c | some c in rule.ipv4_ranges; c == "0.0.0.0/0"} | {c | some c in rule.ipv6_ranges; c == "::/0"}
	count(world) > 0
	range := sprintf("%s %d-%d", [rule.protocol, rule.from_port, rule.to_port])
}
