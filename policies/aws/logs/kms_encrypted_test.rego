package flowforge.aws.logs.kms_encrypted_test

import data.flowforge.aws.logs.kms_encrypted as check
import data.flowforge.lib.testing
import rego.v1

# g1 is FlowForge's (the engine's decision: declared by the baseline), g2 is not.
snapshot(kms) := testing.with_flowforge({"logs": {"log_groups": [
	{"arn": "g1", "name": "/ecs/flowforge-prod-control-plane", "retention_in_days": 365, "kms_key_id": kms},
	{"arn": "g2", "name": "/other", "retention_in_days": 1, "kms_key_id": null},
]}}, ["g1"])

findings(doc, baseline) := f if {
	f := check.deny with input as doc with data.baseline as baseline
}

test_pass_kms if count(findings(snapshot("arn:aws:kms:us-east-1:123456789012:key/k"), testing.baseline)) == 0

test_fail_no_kms if {
	f := findings(snapshot(null), testing.baseline)
	count(f) == 1
	some x in f
	x.arn == "g1"
}

test_not_applicable_when_not_required if {
	a := check.applies with input as snapshot(null) with data.baseline as testing.with_requirements({"log_groups_kms_required": false})
	a == false
}
