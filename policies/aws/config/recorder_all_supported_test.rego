package flowforge.aws.config.recorder_all_supported_test

import data.flowforge.aws.config.recorder_all_supported as check
import rego.v1

inp(recording, all) := {"config": {"recorders": [{"arn": "arn:aws:config:us-east-1:1:config-recorder/default", "name": "default", "region": "us-east-1", "recording": recording, "all_supported": all}]}}

test_pass_recording_all if {
	count(check.deny) == 0 with input as inp(true, true)
}

test_fail_stopped if {
	count(check.deny) == 1 with input as inp(false, true)
}

test_fail_partial_resource_types if {
	count(check.deny) == 1 with input as inp(true, false)
}
