package flowforge.aws.s3.noncurrent_version_lifecycle_test

import data.flowforge.aws.s3.noncurrent_version_lifecycle as check
import data.flowforge.lib.testing
import rego.v1

base := testing.with_requirements({"s3_noncurrent_version_lifecycle": true})

baseline := object.union(base, {"architecture": object.union(base.architecture, {"data_lake": {"buckets": {"gold": "flowforge-prod-gold"}}})})

rule(status, prefix, exp, trans) := {"id": "r", "status": status, "prefix": prefix, "noncurrent_version_expiration_days": exp, "noncurrent_version_transition_days": trans}

inp(rules) := {"s3": {"buckets": [{"arn": "arn:aws:s3:::flowforge-prod-gold", "name": "flowforge-prod-gold", "lifecycle_rules": rules}]}}

test_pass_expiration if {
	count(check.deny) == 0 with input as inp([rule("Enabled", "", 365, null)]) with data.baseline as baseline
}

test_pass_transition_only if {
	count(check.deny) == 0 with input as inp([rule("Enabled", "", null, 30)]) with data.baseline as baseline
}

test_fail_no_configuration if {
	count(check.deny) == 1 with input as inp(null) with data.baseline as baseline
}

test_fail_disabled_or_prefixed if {
	count(check.deny) == 1 with input as inp([rule("Disabled", "", 365, null), rule("Enabled", "tmp/", 1, null)]) with data.baseline as baseline
}

test_fail_current_versions_only if {
	count(check.deny) == 1 with input as inp([rule("Enabled", "", null, null)]) with data.baseline as baseline
}

# Buckets outside the data lake are out of scope.
test_other_buckets_out_of_scope if {
	inp_ := {"s3": {"buckets": [{"arn": "arn:aws:s3:::logs", "name": "logs", "lifecycle_rules": null}]}}
	count(check.deny) == 0 with input as inp_ with data.baseline as baseline
	s := check.in_scope with input as inp_ with data.baseline as baseline
	count(s) == 0
}

test_not_required if {
	not check.applies with data.baseline as testing.with_requirements({"s3_noncurrent_version_lifecycle": false})
}
