package flowforge.aws.ecr.kms_encryption_test

import data.flowforge.aws.ecr.kms_encryption as check
import data.flowforge.lib.testing
import rego.v1

inp(t) := {"ecr": {"repositories": [object.union(
	testing.meta("arn:aws:ecr:us-east-1:123456789012:repository/flowforge-prod-ui", "flowforge-prod-ui", "flowforge-prod-ui", {}),
	{"encryption_type": t},
)]}}

findings(i) := f if {
	f := check.deny with input as i with data.baseline as testing.baseline
}

test_pass_kms if {
	count(findings(inp("KMS"))) == 0
	count(findings(inp("KMS_DSSE"))) == 0
}

test_fail_aes256 if {
	count(findings(inp("AES256"))) == 1
}

test_unknown_when_unreported if {
	count(check.unknown) == 1 with input as inp(null) with data.baseline as testing.baseline
}

test_not_applicable_when_not_required if {
	b := testing.with_compute({"ecr": object.union(testing.compute.ecr, {"kms_required": false})})
	not check.applies with input as inp("AES256") with data.baseline as b
}
