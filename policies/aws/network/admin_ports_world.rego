# METADATA
# title: Security groups do not open admin ports to the internet
# description: >
#   No ingress rule admits 0.0.0.0/0 or ::/0 to an admin port (architecture.admin_ports,
#   e.g. SSH 22, RDP 3389). Protocol -1 covers every port; a port range containing the port counts.
# custom:
#   id: FF-NET-001
#   severity: critical
#   collection: ec2.security_groups
#   remediation: Remove the world-open rule; reach instances through SSM Session Manager or a bastion with a restricted CIDR.
#   frameworks:
#     aws-fsbp: ["EC2.13", "EC2.14", "EC2.53", "EC2.54"]
#     cis-aws-foundations: ["5.2", "5.3"]
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(5)"]
#   guide_section: Configuration Notes / Networking (security groups isolate the tiers)
#   area: network
package flowforge.aws.network.admin_ports_world

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": sg.arn,
	"message": sprintf("security group %s (%s) admits %v to admin port(s) %v (%s)", [sg.id, sg.group_name, world, ports, lib.port_range(rule)]),
	"evidence": {"sources": world, "ports": ports, "rule": lib.port_range(rule)},
} if {
	some sg in input.ec2.security_groups
	some rule in sg.ingress
	world := {c | some c in rule.ipv4_ranges; c == "0.0.0.0/0"} | {c | some c in rule.ipv6_ranges; c == "::/0"}
	count(world) > 0
	ports := [p | some p in data.baseline.architecture.admin_ports; lib.rule_covers_port(rule, p)]
	count(ports) > 0
}
