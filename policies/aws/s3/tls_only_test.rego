package flowforge.aws.s3.tls_only_test

import data.flowforge.aws.s3.tls_only
import data.flowforge.lib.testing
import rego.v1

arn := "arn:aws:s3:::flowforge-prod-gold"

bucket(policy) := object.union(testing.meta(arn, "flowforge-prod-gold", "flowforge-prod-gold", {}), {"policy": policy})

stmt(overrides) := object.union(
	{
		"Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"],
		"Resource": [arn, concat("", [arn, "/*"])],
		"Condition": {"Bool": {"aws:securetransport": ["false"]}},
	},
	overrides,
)

findings(policy) := f if {
	f := tls_only.deny with input as {"s3": {"buckets": [bucket(policy)]}}
}

missing(policy) := {f.evidence.missing | some f in findings(policy)}

test_pass_deny_statement if {
	count(findings({"Statement": [stmt({})]})) == 0
}

test_pass_bool_if_exists_and_wildcard_resource if {
	s := stmt({"Condition": {"BoolIfExists": {"aws:securetransport": ["false"]}}, "Resource": ["arn:aws:s3:::flowforge-prod-gold*"]})
	count(findings({"Statement": [s]})) == 0
}

test_pass_split_statements if {
	a := stmt({"Resource": [arn]})
	b := stmt({"Resource": [concat("", [arn, "/*"])]})
	count(findings({"Statement": [a, b]})) == 0
}

test_fail_no_policy if {
	missing(null) == {"bucket_policy"}
}

test_fail_allow_secure_transport_true_only if {
	s := stmt({"Effect": "Allow", "Condition": {"Bool": {"aws:securetransport": ["true"]}}})
	missing({"Statement": [s]}) == {"deny_insecure_transport"}
}

test_fail_principal_not_everyone if {
	s := stmt({"Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}})
	missing({"Statement": [s]}) == {"principal_everyone"}
}

test_fail_narrow_action if {
	missing({"Statement": [stmt({"Action": ["s3:GetObject"]})]}) == {"all_actions"}
}

test_fail_objects_not_covered if {
	missing({"Statement": [stmt({"Resource": [arn]})]}) == {"object_resource"}
}

test_fail_bucket_not_covered if {
	missing({"Statement": [stmt({"Resource": [concat("", [arn, "/*"])]})]}) == {"bucket_resource"}
}

test_fail_deny_narrowed_by_extra_condition if {
	s := stmt({"Condition": {"Bool": {"aws:securetransport": ["false"]}, "StringNotEquals": {"aws:sourcevpce": ["vpce-1"]}}})
	missing({"Statement": [s]}) == {"unconditional_deny"}
}

test_fail_deny_with_not_principal if {
	s := stmt({"NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:role/etl"]}})
	missing({"Statement": [s]}) == {"unconditional_deny"}
}
