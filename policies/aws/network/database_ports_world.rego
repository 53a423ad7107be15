# METADATA
# title: Security groups do not open database ports to the internet
# description: >
#   The verdict comes from the derived facts input.derived.network.security_groups (computed once
#   by flowforge-audit's network module): a port is open to the internet when the union of the
#   IPv4 ranges (separately the IPv6 ranges) of every ingress rule reaching it holds every public
#   address, so 0.0.0.0/1 + 128.0.0.0/1 counts like 0.0.0.0/0. Database ports (architecture.database_ports: PostgreSQL 5432) are TCP services: a
#   rule reaches them only with protocol tcp (6) or -1 (EC2 User Guide, "Security group rules").
#   A rule naming a prefix list on such a port, or a range that does not parse, is UNKNOWN (the
#   prefix list's entries are not collected).
#   Scope: every security group of the snapshot (a world-open database port is a finding wherever it is).
# custom:
#   id: FF-NET-002
#   severity: critical
#   collection: ec2.security_groups
#   remediation: Remove the world-open rule(s); admit the database port only from the data-plane security group.
#   frameworks:
#     aws-fsbp: ["EC2.19"]
#     nist-800-53-r5: ["AC-4", "SC-7", "SC-7(5)"]
#   guide_section: Configuration Notes / Networking (isolate the database tier)
#   area: network
package flowforge.aws.network.database_ports_world

import rego.v1

# The derived facts hold every group; only the few with a world-open run go past `some w`.
deny contains finding if {
	ports := data.baseline.architecture.database_ports
	some arn, g in input.derived.network.security_groups
	some w in g.world_open
	w.protocol == "tcp"
	hit := [p | some p in ports; w.from_port <= p; p <= w.to_port]
	count(hit) > 0
	finding := {
		"arn": arn,
		"message": sprintf("security group %s (%s) admits the whole %s internet (%v) to database port(s) %v", [g.id, g.group_name, w.family, w.sources, hit]),
		"evidence": {"family": w.family, "sources": w.sources, "ports": hit, "open_ports": sprintf("tcp %d-%d", [w.from_port, w.to_port]), "layer": "security group"},
	}
}

unknown contains {"arn": arn, "reason": sprintf("ingress range(s) %v could not be parsed", [g.unparsed])} if {
	some arn, g in input.derived.network.security_groups
	count(g.unparsed) > 0
}

unknown contains {"arn": arn, "reason": sprintf("prefix list(s) %v reach database port %d and their entries are not collected", [r.prefix_list_ids, p])} if {
	ports := data.baseline.architecture.database_ports
	some arn, g in input.derived.network.security_groups
	some r in g.prefix_list_rules
	r.protocol in {"tcp", "all"}
	some p in ports
	r.from_port <= p
	p <= r.to_port
}
