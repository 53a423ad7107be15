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

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": sg.arn,
	"message": sprintf("security group %s (%s) admits %v to database port(s) %v (%s)", [sg.id, sg.group_name, world, ports, lib.port_range(rule)]),
	"evidence": {"sources": world, "ports": ports, "rule": lib.port_range(rule)},
} if {
	some sg in input.ec2.security_groups
	some rule in sg.ingress
	world := {c | some c in rule.ipv4_ranges; c == "0.0.0.0/0"} | {c | some c in rule.ipv6_ranges; c == "::/0"}
	count(world) > 0
	ports := [p | some p in data.baseline.architecture.database_ports; lib.rule_covers_port(rule, p)]
	count(ports) > 0
}
