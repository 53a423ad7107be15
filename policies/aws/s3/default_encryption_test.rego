package flowforge.aws.s3.default_encryption_test

import data.flowforge.aws.s3.default_encryption as check
import data.flowforge.lib.testing
import rego.v1

bucket(enc) := object.union(testing.meta("arn:aws:s3:::b", "b", "b", {}), {"encryption": enc})

# `b` is a data-lake bucket of the baseline.
lake_baseline(kms) := object.union(testing.with_requirements({"s3_kms_required": kms}), {"architecture": {"data_lake": {"buckets": {"gold": "b"}}}})

findings(enc, kms) := f if {
	f := check.deny with input as {"s3": {"buckets": [bucket(enc)]}} with data.baseline as lake_baseline(kms)
}

other(name, enc, logging) := object.union(testing.meta(sprintf("arn:aws:s3:::%s", [name]), name, name, {}), {"encryption": enc, "logging": logging})

findings_of(buckets) := f if {
	f := check.deny with input as {"s3": {"buckets": buckets}} with data.baseline as lake_baseline(true)
}

aes := {"rules": [{"sse_algorithm": "AES256"}]}

kms := {"rules": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "k"}]}

# Outside the data lake, KMS is not required: encrypted at all is enough.
test_pass_aes_on_other_flowforge_bucket if count(findings_of([other("flowforge-prod-exports", aes, null)])) == 0

test_fail_unencrypted_other_bucket if count(findings_of([other("flowforge-prod-exports", null, null)])) == 1

# A server access log target supports only SSE-S3.
test_pass_log_target_with_sse_s3 if {
	count(findings_of([other("b", kms, {"target_bucket": "logs", "target_prefix": ""}), other("logs", aes, null)])) == 0
}

test_fail_log_target_with_kms if {
	f := findings_of([other("b", kms, {"target_bucket": "logs", "target_prefix": ""}), other("logs", kms, null)])
	count(f) == 1
	some x in f
	x.evidence.scope == "server access log target"
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
