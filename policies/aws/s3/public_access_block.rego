# METADATA
# title: S3 buckets block public access
# description: >
#   All four public access block settings are true at the bucket level, or the account-level
#   block (input.s3.account_public_access_block) has all four set.
#   Scope: every bucket (a public bucket is a finding wherever it is).
# custom:
#   id: FF-S3-003
#   severity: high
#   collection: s3.buckets
#   remediation: Enable all four Block Public Access settings on the bucket (or on the account).
#   frameworks:
#     aws-fsbp: ["S3.8"]
#     cis-aws-foundations: ["2.1.4"]
#     nist-800-53-r5: ["AC-3", "AC-21", "SC-7"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database
#   area: hygiene
package flowforge.aws.s3.public_access_block

import rego.v1

settings := ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]

deny contains {
	"arn": b.arn,
	"message": sprintf("bucket %s does not block public access (bucket and account settings incomplete)", [b.name]),
	"evidence": {"bucket_public_access_block": b.public_access_block, "account_block_all": false},
} if {
	# The rule lives in lib/s3.rego (FF-CT-005 reads it too).
	not data.flowforge.lib.s3.account_blocked
	blocked := data.flowforge.lib.s3.blocked_buckets
	some b in input.s3.buckets
	not b.arn in blocked
}
