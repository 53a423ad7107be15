package flowforge.aws.kms.rotation_test

import data.flowforge.aws.kms.rotation as check
import data.flowforge.lib.testing
import rego.v1

baseline := testing.with_requirements({"kms_rotation_required": true})

key_arn := "arn:aws:kms:us-east-1:123456789012:key/k1"

inp(rotation, spec) := {
	"kms": {"keys": [{"arn": key_arn, "id": "k1", "name": "k1", "region": "us-east-1", "aliases": [], "key_spec": spec, "rotation_enabled": rotation}]},
	# The engine's key facts (src/kms_use.rs): a FlowForge database uses the key.
	"derived": {"kms": {"used": {key_arn: ["arn:aws:rds:us-east-1:123456789012:db:flowforge-prod-metadata"]}, "unknown": []}},
}

test_pass_rotating if {
	count(check.deny) == 0 with input as inp(true, "SYMMETRIC_DEFAULT") with data.baseline as baseline
}

test_fail_not_rotating if {
	count(check.deny) == 1 with input as inp(false, "SYMMETRIC_DEFAULT") with data.baseline as baseline
}

test_asymmetric_out_of_scope if {
	s := check.in_scope with input as inp(null, "RSA_2048") with data.baseline as baseline
	count(s) == 0
	count(check.unknown) == 0 with input as inp(null, "RSA_2048") with data.baseline as baseline
}

test_unused_key_out_of_scope if {
	i := object.union(object.remove(inp(false, "SYMMETRIC_DEFAULT"), ["derived"]), {"derived": {"kms": {"used": {}, "unknown": []}}})
	count(check.deny) == 0 with input as i with data.baseline as baseline
}

test_not_required if {
	not check.applies with data.baseline as testing.with_requirements({"kms_rotation_required": false})
}

test_unknown_when_status_unread if {
	count(check.deny) == 0 with input as inp(null, "SYMMETRIC_DEFAULT") with data.baseline as baseline
	count(check.unknown) == 1 with input as inp(null, "SYMMETRIC_DEFAULT") with data.baseline as baseline
}
