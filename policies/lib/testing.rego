# Fixtures for the Rego unit tests: `baseline`, the resolved `data.baseline` for the prod
# environment of account 123456789012 exactly as `flowforge-audit` builds it from
# baselines/flowforge.yaml (generated into testing_baseline.rego). Tests use it with
# `with data.baseline as testing.baseline` and override what they vary with `object.union`
# or the `with_*` helpers below.
package flowforge.lib.testing

import rego.v1

account := "123456789012"

# `baseline` (the resolved `data.baseline` of prod) is generated from baselines/flowforge.yaml
# into testing_baseline.rego; a Rust test fails when it differs from what the tool builds.

# architecture.compute as the prod view resolves it (ECS control plane, IRSA, node group).
compute := baseline.architecture.compute

# The baseline with architecture.compute overridden.
with_compute(overrides) := object.union(baseline, {"architecture": object.union(baseline.architecture, {"compute": object.union(compute, overrides)})})

# The baseline with keys of architecture overridden (`{"perimeter": {...}}` replaces the whole
# perimeter: use with_perimeter to change part of it).
with_architecture(overrides) := object.union(baseline, {"architecture": object.union(baseline.architecture, overrides)})

# The baseline with keys of architecture.perimeter overridden (lists are replaced).
with_perimeter(overrides) := with_architecture({"perimeter": object.union(baseline.architecture.perimeter, overrides)})

# The baseline without the architecture keys `keys` (an environment that declares less).
without_architecture(keys) := object.union(object.remove(baseline, ["architecture"]), {"architecture": object.remove(baseline.architecture, keys)})

# The baseline with requirements overridden.
with_requirements(overrides) := object.union(baseline, {"requirements": object.union(baseline.requirements, overrides)})

# Tags that make a resource FlowForge's in prod.
ff_tags := {"flowforge:app": "flowforge", "flowforge:env": "prod"}

# A minimal resource meta block.
meta(arn, id, name, tags) := {"arn": arn, "id": id, "name": name, "region": "us-east-1", "account_id": account, "tags": tags}

# The input `i` with the resources whose ARNs are `arns` decided FlowForge's, as the engine's
# one decision (`input.derived.flowforge`, src/baseline/scope.rs) says of FlowForge resources.
# A check's tests take the decision as given; the decision itself is tested in Rust.
with_flowforge(i, arns) := object.union(i, {"derived": {"flowforge": {a: {"by": "test"} | some a in arns}}})

# The input `i` with every resource of its collections (`i[service][collection][_]` with a
# string `arn`) decided FlowForge's: for tests whose resources all belong to FlowForge.
all_flowforge(i) := with_flowforge(i, {r.arn |
	some part in i
	is_object(part)
	some list in part
	is_array(list)
	some r in list
	is_string(object.get(r, "arn", null))
})
