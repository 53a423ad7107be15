package flowforge.aws.ec2.imdsv2_required_test

import data.flowforge.aws.ec2.imdsv2_required as check
import data.flowforge.lib.testing
import rego.v1

inp(state, tokens, endpoint) := {"ec2": {"instances": [{"arn": "arn:aws:ec2:us-east-1:1:instance/i-1", "id": "i-1", "state": state, "metadata_options": {"http_tokens": tokens, "http_endpoint": endpoint}}]}}

findings(i) := f if {
	f := check.deny with input as i with data.baseline as testing.baseline
}

test_pass_tokens_required if {
	count(findings(inp("running", "required", "enabled"))) == 0
}

test_pass_endpoint_disabled if {
	count(findings(inp("running", "optional", "disabled"))) == 0
}

test_fail_imdsv1_allowed if {
	count(findings(inp("running", "optional", "enabled"))) == 1
}

test_fail_stopped_instance_counts if {
	count(findings(inp("stopped", "optional", "enabled"))) == 1
}

test_pass_terminated_out_of_scope if {
	count(findings(inp("terminated", "optional", "enabled"))) == 0
	count(check.in_scope) == 0 with input as inp("terminated", "optional", "enabled")
}
