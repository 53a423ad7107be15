package flowforge.aws.s3.account_public_access_block_test

import data.flowforge.aws.s3.account_public_access_block as check
import rego.v1

all_true := {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}

findings(pab) := f if {
	f := check.deny with input as {"s3": {"account_public_access_block": [{"arn": "arn:aws:s3:::account/1/public-access-block", "public_access_block": pab}]}}
}

test_pass_all_enabled if {
	count(findings(all_true)) == 0
}

test_fail_not_configured if {
	count(findings(null)) == 1
}

test_fail_partial if {
	some f in findings(object.union(all_true, {"ignore_public_acls": false}))
	f.evidence.disabled == ["ignore_public_acls"]
}
