package flowforge.aws.s3.public_access_block_test

import data.flowforge.aws.s3.public_access_block as check
import data.flowforge.lib.testing
import rego.v1

all_true := {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}

bucket(pab) := object.union(testing.meta("arn:aws:s3:::b", "b", "b", {}), {"public_access_block": pab})

account(pab) := [{"arn": "arn:aws:s3:::account/123456789012/public-access-block", "public_access_block": pab}]

findings(b, acct) := f if {
	f := check.deny with input as {"s3": {"buckets": [bucket(b)], "account_public_access_block": acct}}
}

test_pass_bucket_level if {
	count(findings(all_true, [])) == 0
}

test_pass_account_level if {
	count(findings(null, account(all_true))) == 0
}

test_fail_not_configured if {
	count(findings(null, account(null))) == 1
}

test_fail_one_setting_false if {
	count(findings(object.union(all_true, {"restrict_public_buckets": false}), [])) == 1
}
