# S3 lookups built from the input: which buckets block public access (all four settings on
# the bucket) and whether the account-level block covers every bucket. The one home of that
# rule: FF-S3-003 judges the buckets with it, FF-CT-005 the trail's bucket.
package flowforge.lib.s3

import rego.v1

all_blocked(pab) if {
	pab.block_public_acls == true
	pab.ignore_public_acls == true
	pab.block_public_policy == true
	pab.restrict_public_buckets == true
}

# ARNs of buckets whose own public access block has all four settings (built once).
blocked_buckets contains b.arn if {
	some b in input.s3.buckets
	pab := b.public_access_block
	pab.block_public_acls == true
	pab.ignore_public_acls == true
	pab.block_public_policy == true
	pab.restrict_public_buckets == true
}

# The account-level block has all four settings.
account_blocked if {
	some a in input.s3.account_public_access_block
	all_blocked(a.public_access_block)
}
