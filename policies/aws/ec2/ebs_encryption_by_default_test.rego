package flowforge.aws.ec2.ebs_encryption_by_default_test

import data.flowforge.aws.ec2.ebs_encryption_by_default as check
import rego.v1

inp(enabled) := {"ec2": {"ebs_encryption_by_default": [{"arn": "arn:aws:ec2:us-east-1:1:ebs-encryption-by-default", "region": "us-east-1", "enabled": enabled}]}}

test_pass_enabled if {
	count(check.deny) == 0 with input as inp(true)
}

test_fail_disabled if {
	count(check.deny) == 1 with input as inp(false)
}

# A region of the snapshot without a setting is UNKNOWN for that region, on the collection in
# that region (the engine's form for what was not collected there).
test_unknown_region_without_setting if {
	i := object.union(inp(true), {"partition": "aws", "account_id": "1", "regions": ["us-east-1", "eu-west-1"]})
	check.unknown == {{"arn": "arn:aws:flowforge-audit:eu-west-1:1:collection/ec2.ebs_encryption_by_default", "reason": "no EBS encryption-by-default setting was collected for eu-west-1"}} with input as i
}
