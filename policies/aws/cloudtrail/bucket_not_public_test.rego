package flowforge.aws.cloudtrail.bucket_not_public_test

import data.flowforge.aws.cloudtrail.bucket_not_public as check
import data.flowforge.lib.testing
import rego.v1

all_on := {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}

trail := {"arn": "arn:aws:cloudtrail:us-east-1:1:trail/t", "name": "t", "is_multi_region": true, "s3_bucket_name": "logs"}

inp(pab, account_pab) := {
	"cloudtrail": {"trails": [trail]},
	"s3": {
		"buckets": [{"arn": "arn:aws:s3:::logs", "name": "logs", "public_access_block": pab}],
		"account_public_access_block": [{"arn": "a", "public_access_block": account_pab}],
	},
}

test_pass_bucket_blocked if {
	count(check.deny) == 0 with input as inp(all_on, null) with data.baseline as testing.baseline
}

test_pass_account_blocked if {
	count(check.deny) == 0 with input as inp(null, all_on) with data.baseline as testing.baseline
}

test_fail_bucket_open if {
	count(check.deny) == 1 with input as inp(object.union(all_on, {"restrict_public_buckets": false}), null) with data.baseline as testing.baseline
}

test_unknown_when_bucket_not_collected if {
	inp_ := {"cloudtrail": {"trails": [trail]}, "s3": {"buckets": [], "account_public_access_block": []}}
	count(check.deny) == 0 with input as inp_ with data.baseline as testing.baseline
	count(check.unknown) == 1 with input as inp_ with data.baseline as testing.baseline
}
