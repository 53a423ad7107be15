package flowforge.aws.ssm.secure_string_test

import data.flowforge.aws.ssm.secure_string as check
import data.flowforge.lib.testing
import rego.v1

baseline := object.union(testing.baseline, {"architecture": object.union(testing.baseline.architecture, {"parameter_store": {
	"prefixes": ["/flowforge/prod/"],
	"secret_name_patterns": ["password", "token"],
}})})

param(name, kind) := {"arn": sprintf("arn:aws:ssm:us-east-1:1:parameter%s", [name]), "name": name, "parameter_type": kind}

inp(params) := {"ssm": {"parameters": params}}

test_pass_secure_string if {
	count(check.deny) == 0 with input as inp([param("/flowforge/prod/db-password", "SecureString")]) with data.baseline as baseline
}

test_fail_plain_string_password if {
	f := check.deny with input as inp([param("/flowforge/prod/DB-Password", "String")]) with data.baseline as baseline
	count(f) == 1
}

# Names that do not look like secrets, and parameters outside the prefixes, are out of scope.
test_pass_other_names_out_of_scope if {
	inp_ := inp([param("/flowforge/prod/bucket-names", "String"), param("/other/app/password", "String")])
	count(check.deny) == 0 with input as inp_ with data.baseline as baseline
	s := check.in_scope with input as inp_ with data.baseline as baseline
	count(s) == 0
}

test_not_applicable_without_prefixes if {
	not check.applies with data.baseline as testing.without_architecture(["parameter_store"])
}

test_unknown_when_type_unreported if {
	inp_ := inp([param("/flowforge/prod/api-token", null)])
	count(check.deny) == 0 with input as inp_ with data.baseline as baseline
	count(check.unknown) == 1 with input as inp_ with data.baseline as baseline
}
