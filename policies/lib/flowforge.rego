# Shared helpers for the FlowForge checks: recognising FlowForge resources, tiers, ports,
# world-open CIDRs and IAM pattern containment. Only functions and constants live here:
# lookups built from the input live in flowforge.lib.vpc and flowforge.lib.iam, because
# regorus evaluates every rule of a package when a check reaches one through an import alias
# (see docs/policies.md, "Performance").
package flowforge.lib

import rego.v1

# CIDRs meaning "the whole internet".
world_cidrs := {"0.0.0.0/0", "::/0"}

# A resource is FlowForge's when the engine's one decision says so: the baseline names it, it
# carries the app tag, or its name has the FlowForge prefix (src/baseline/scope.rs, read as
# `input.derived.flowforge`: ARN → {"by": "baseline" | "tag" | "prefix", "key": ...}). Never
# re-decide it here: drift and the KMS key scope read the same decision.
is_flowforge(resource) if input.derived.flowforge[resource.arn]

# Why it is unknown whether a resource is FlowForge's (its tags could not be read), or
# undefined. A check that scopes by another collection's resources reports it as `unknown`.
flowforge_undecided(resource) := input.derived.flowforge_undecided[resource.arn]

# The ARN a result gets when it is about a declared baseline element that does not exist (the
# one documented form, docs/report.md "Result subjects"): `element` is the drift's name for it
# (`alarm:<name>`, `log_group:<name>`, `audit_trail`).
missing_arn(region, element) := sprintf("arn:%s:flowforge-audit:%s:%s:missing/%s", [data.baseline.partition, region, data.baseline.account_id, element])

# The ARN of a collection in a region, for a result about what was not collected there (the
# engine's form for a listing that failed).
collection_arn(region, collection) := sprintf("arn:%s:flowforge-audit:%s:%s:collection/%s", [input.partition, region, input.account_id, collection])

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
