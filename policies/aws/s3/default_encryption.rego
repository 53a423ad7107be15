# METADATA
# title: S3 buckets have default encryption (KMS where the baseline requires it)
# description: >
#   Every bucket has a default encryption rule (the general rule: encrypted at all). When the
#   environment requires KMS (requirements.s3_kms_required), the data-lake layer buckets the
#   baseline declares (architecture.data_lake.buckets) use aws:kms or aws:kms:dsse. A bucket that
#   receives server access logs (another bucket's logging.target_bucket) must use SSE-S3: S3
#   server access logging supports only SSE-S3 on the target bucket, and with SSE-KMS no logs
#   are delivered (Amazon S3 User Guide, "Enabling Amazon S3 server access logging"), so KMS is
#   never required there and a KMS default FAILs.
#   Scope: every bucket for "encrypted at all"; KMS only for the declared data-lake buckets;
#   SSE-S3 for server-access-log target buckets.
# custom:
#   id: FF-S3-002
#   severity: high
#   collection: s3.buckets
#   remediation: >
#     Set default encryption with `aws s3api put-bucket-encryption` using SSE-KMS
#     (aws:kms) and a customer managed key.
#   frameworks:
#     aws-fsbp: ["S3.4", "S3.17"]
#     nist-800-53-r5: ["SC-12", "SC-28", "SC-28(1)"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (enable bucket policies + encryption)
#   area: encryption
package flowforge.aws.s3.default_encryption

import rego.v1

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

deny contains {"arn": b.arn, "message": sprintf("bucket %s has no default encryption rule", [b.name]), "evidence": {"encryption": b.encryption}} if {
	some b in input.s3.buckets
	count(object.get(b, ["encryption", "rules"], [])) == 0
}

# The data-lake buckets the baseline declares (layer -> name).
lake_buckets contains name if {
	buckets := object.get(data.baseline, ["architecture", "data_lake", "buckets"], {})
	is_object(buckets)
	some name in buckets
}

# Buckets that receive another bucket's server access logs.
log_targets contains t if {
	some b in input.s3.buckets
	t := object.get(b, ["logging", "target_bucket"], null)
	is_string(t)
}

deny contains {
	"arn": b.arn,
	"message": sprintf("bucket %s default encryption is %v, KMS (aws:kms) is required for the data-lake buckets", [b.name, algorithms]),
	"evidence": {"sse_algorithms": algorithms, "required": kms_algorithms, "scope": "data-lake bucket"},
} if {
	data.baseline.requirements.s3_kms_required == true
	kms := kms_algorithms
	lake := lake_buckets
	targets := log_targets
	some b in input.s3.buckets
	b.name in lake
	not b.name in targets
	some rule in b.encryption.rules
	not rule.sse_algorithm in kms
	algorithms := [r.sse_algorithm | some r in b.encryption.rules]
}

deny contains {
	"arn": b.arn,
	"message": sprintf("bucket %s receives server access logs but its default encryption is %v: only SSE-S3 (AES256) is supported on a log target bucket, logs are not delivered", [b.name, algorithms]),
	"evidence": {"sse_algorithms": algorithms, "required": ["AES256"], "scope": "server access log target"},
} if {
	targets := log_targets
	some b in input.s3.buckets
	b.name in targets
	some rule in b.encryption.rules
	rule.sse_algorithm != "AES256"
	algorithms := [r.sse_algorithm | some r in b.encryption.rules]
}
