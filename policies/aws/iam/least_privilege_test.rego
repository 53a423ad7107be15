package flowforge.aws.iam.least_privilege_test

import data.flowforge.aws.iam.least_privilege as check
import data.flowforge.lib.testing
import rego.v1

name := "flowforge-prod-data-engineer"

arn := sprintf("arn:aws:iam::123456789012:role/%s", [name])

run(lp) := {"iam": {"roles": [{"arn": arn, "name": name}], "users": [], "groups": [], "policies": []}, "derived": {"iam": {"principals": {}, "least_privilege": {arn: lp}}}}

excess := {"action": "s3:DeleteObject", "resources": ["arn:aws:s3:::flowforge-prod-bronze/*"], "expected": [], "granted_by": ["inline:p#0"], "conditional": false, "severity": "medium"}

test_pass_within_baseline if {
	res := check.deny with input as run({"excess": [], "unknown": []}) with data.baseline as testing.baseline
	count(res) == 0
}

test_fail_excess_names_granting_statement if {
	all_f := check.deny with input as run({"excess": [excess], "unknown": []}) with data.baseline as testing.baseline
	some f in all_f
	contains(f.message, "s3:DeleteObject on arn:aws:s3:::flowforge-prod-bronze/* (granted by inline:p#0)")
	f.evidence.baseline_role == "data-engineer"
}

test_unknown_missing_document if {
	all_u := check.unknown with input as run({"excess": [], "unknown": ["attached policy x has no document in the snapshot"]}) with data.baseline as testing.baseline
	some u in all_u
	u.arn == arn
}

test_pass_other_roles_out_of_scope if {
	scope := check.in_scope with input as {"iam": {"roles": [{"arn": "arn:aws:iam::1:role/payments-admin", "name": "payments-admin"}]}} with data.baseline as testing.baseline
	count(scope) == 0
}

test_fail_excess_through_a_reached_role if {
	via := object.union(excess, {"granted_by": ["role/lake-writer:inline:w#0"], "via": {"principal": "arn:aws:iam::123456789012:role/lake-writer", "chain": "role/flowforge-prod-data-engineer --[sts:AssumeRole]--> role/lake-writer"}})
	all_f := check.deny with input as run({"excess": [via], "unknown": []}) with data.baseline as testing.baseline
	some f in all_f
	contains(f.message, "through arn:aws:iam::123456789012:role/lake-writer (role/flowforge-prod-data-engineer --[sts:AssumeRole]--> role/lake-writer")
}
