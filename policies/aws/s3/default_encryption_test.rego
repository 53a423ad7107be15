package flowforge.aws.s3.default_encryption_test

import data.flowforge.aws.s3.default_encryption as check
import data.flowforge.lib.testing
import rego.v1

bucket(enc) := object.union(testing.meta("arn:aws:s3:::b", "b", "b", {}), {"encryption": enc})

findings(enc, kms) := f if {
	f := check.deny with input as {"s3": {"buckets": [bucket(enc)]}} with data.baseline as testing.with_requirements({"s3_kms_required": kms})
}

test_pass_kms if {
	count(findings({"rules": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "k"}]}, true)) == 0
}

test_pass_aes_when_kms_not_required if {
	count(findings({"rules": [{"sse_algorithm": "AES256"}]}, false)) == 0
}

test_fail_no_encryption if {
	count(findings(null, false)) == 1
}

test_fail_aes_when_kms_required if {
	some f in findings({"rules": [{"sse_algorithm": "AES256"}]}, true)
	f.evidence.sse_algorithms == ["AES256"]
}
