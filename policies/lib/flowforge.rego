# Shared helpers for the FlowForge checks: recognising FlowForge resources, tiers, ports,
# world-open CIDRs and IAM pattern containment. Only functions and constants live here:
# lookups built from the input live in flowforge.lib.vpc and flowforge.lib.iam, because
# regorus evaluates every rule of a package when a check reaches one through an import alias
# (see docs/policies.md, "Performance").
package flowforge.lib

import rego.v1

# CIDRs meaning "the whole internet".
world_cidrs := {"0.0.0.0/0", "::/0"}

# A resource is FlowForge's when it carries the app tag or its name starts with the
# environment's name prefix, and, when it carries an environment tag, that tag names the
# audited environment.
is_flowforge(resource) if {
	recognised(resource)
	environment_matches(resource)
}

recognised(resource) if {
	tag := data.baseline.recognise.app_tag
	resource.tags[tag.key] == tag.value
}

recognised(resource) if {
	prefix := data.baseline.recognise.name_prefix
	prefix != ""
	startswith(resource.name, prefix)
}

environment_matches(resource) if not resource.tags[data.baseline.recognise.environment_tag]

environment_matches(resource) if {
	resource.tags[data.baseline.recognise.environment_tag] == data.baseline.environment
}

# The tier tag of a resource (undefined when untagged).
tier(resource) := resource.tags[data.baseline.recognise.tier_tag]

# True when a security-group rule admits traffic to `port` (protocol -1 is every port).
rule_covers_port(rule, _) if rule.protocol == "-1"

rule_covers_port(rule, port) if {
	rule.protocol in {"tcp", "udp", "6", "17"}
	rule.from_port <= port
	port <= rule.to_port
}

# The world CIDRs (0.0.0.0/0, ::/0) among a rule's sources.
world_sources(rule) := {c |
	some c in array.concat(object.get(rule, "ipv4_ranges", []), object.get(rule, "ipv6_ranges", []))
	c in world_cidrs
}

# Human form of a rule's port range.
port_range(rule) := "all" if rule.protocol == "-1"

port_range(rule) := sprintf("%s %d-%d", [rule.protocol, rule.from_port, rule.to_port]) if rule.protocol != "-1"

# IAM pattern containment: every string matched by `inner` is matched by `outer`.
# Case-insensitive (IAM action names are); `inner`'s wildcards are matched as literal
# characters, so they can only be absorbed by `outer`'s wildcards (s3:Get* ⊆ s3:*, but
# s3:* ⊄ s3:GetObject).
pattern_covers(outer, inner) if glob.match(lower(outer), null, lower(inner))

# True when the collector could not read `field` of `resource` (absent or null in the
# snapshot). A check turns it into `unknown contains {"arn": ..., "reason": ...}`, never into
# PASS or FAIL (docs/policies.md, "Unknown").
unreported(resource, field) if object.get(resource, field, null) == null

# The reason an `unknown` result gives for an unreported field.
unreported_reason(field, operation) := sprintf("%s was not reported by %s (null in the snapshot)", [field, operation])
