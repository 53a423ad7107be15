# METADATA
# title: The account-level S3 public access block is fully enabled
# description: >
#   All four account-level Block Public Access settings are true.
#   Scope: the account-level setting (one per account).
# custom:
#   id: FF-S3-004
#   severity: medium
#   collection: s3.account_public_access_block
#   remediation: Run `aws s3control put-public-access-block` with all four settings true.
#   frameworks:
#     aws-fsbp: ["S3.1"]
#     cis-aws-foundations: ["2.1.4"]
#     nist-800-53-r5: ["AC-3", "AC-21", "SC-7"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database
#   area: hygiene
package flowforge.aws.s3.account_public_access_block

import rego.v1

settings := ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]

deny contains {"arn": a.arn, "message": "the account has no S3 public access block", "evidence": {"public_access_block": null}} if {
	some a in input.s3.account_public_access_block
	a.public_access_block == null
}

deny contains {
	"arn": a.arn,
	"message": sprintf("account-level S3 public access block settings not enabled: %v", [off]),
	"evidence": {"disabled": off},
} if {
	some a in input.s3.account_public_access_block
	a.public_access_block != null
	off := [k | some k in settings; a.public_access_block[k] != true]
	count(off) > 0
}
