package flowforge.aws.ssm.customer_managed_key_test

import data.flowforge.aws.ssm.customer_managed_key as check
import data.flowforge.lib.testing
import rego.v1

base := testing.with_requirements({"ssm_customer_managed_key": true})

baseline := object.union(base, {"architecture": object.union(base.architecture, {"parameter_store": {"prefixes": ["/flowforge/prod/"], "secret_name_patterns": ["password"]}})})

inp(kind, key) := {"ssm": {"parameters": [{"arn": "arn:aws:ssm:us-east-1:1:parameter/flowforge/prod/db-password", "name": "/flowforge/prod/db-password", "parameter_type": kind, "key_id": key}]}}

test_pass_customer_key if {
	count(check.deny) == 0 with input as inp("SecureString", "arn:aws:kms:us-east-1:1:key/abc") with data.baseline as baseline
}

test_fail_default_alias if {
	count(check.deny) == 1 with input as inp("SecureString", "alias/aws/ssm") with data.baseline as baseline
}

test_fail_no_key_is_default if {
	count(check.deny) == 1 with input as inp("SecureString", null) with data.baseline as baseline
}

# Plain String parameters are FF-SSM-001's business, not this check's.
test_plain_string_out_of_scope if {
	s := check.in_scope with input as inp("String", null) with data.baseline as baseline
	count(s) == 0
}

test_not_required_outside_prod if {
	not check.applies with data.baseline as object.union(baseline, {"requirements": object.union(baseline.requirements, {"ssm_customer_managed_key": false})})
}

test_unknown_when_type_unreported if {
	count(check.deny) == 0 with input as inp(null, null) with data.baseline as baseline
	count(check.unknown) == 1 with input as inp(null, null) with data.baseline as baseline
}
