package flowforge.aws.config.recorder_per_vpc_region_test

import data.flowforge.aws.config.recorder_per_vpc_region as check
import data.flowforge.lib.testing
import rego.v1

v := testing.meta("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "vpc-1", "flowforge-prod-vpc", {})

recorder(region, recording) := {"arn": "arn:aws:config:x", "name": "default", "region": region, "recording": recording, "all_supported": true}

findings(recs) := f if {
	f := check.deny with input as testing.all_flowforge({"ec2": {"vpcs": [v]}, "config": {"recorders": recs}}) with data.baseline as testing.baseline
}

test_pass_recorder_in_region if {
	count(findings([recorder("us-east-1", true)])) == 0
}

test_fail_no_recorder if {
	count(findings([])) == 1
}

test_fail_recorder_elsewhere if {
	count(findings([recorder("eu-west-1", true)])) == 1
}

test_fail_recorder_stopped if {
	count(findings([recorder("us-east-1", false)])) == 1
}
