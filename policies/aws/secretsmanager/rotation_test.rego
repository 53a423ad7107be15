package flowforge.aws.secretsmanager.rotation_test

import data.flowforge.aws.secretsmanager.rotation as check
import data.flowforge.lib.testing
import rego.v1

secret(enabled, rules) := {"arn": "arn:aws:secretsmanager:us-east-1:1:secret:s", "name": "s", "rotation_enabled": enabled, "rotation_rules": rules}

findings(s) := f if {
	f := check.deny with input as {"secretsmanager": {"secrets": [s]}} with data.baseline as testing.baseline
}

test_pass_rotates_every_30_days if {
	count(findings(secret(true, {"automatically_after_days": 30, "schedule_expression": null}))) == 0
}

test_pass_schedule_expression if {
	count(findings(secret(true, {"automatically_after_days": null, "schedule_expression": "rate(10 days)"}))) == 0
}

test_fail_rotation_disabled if {
	count(findings(secret(false, null))) == 1
}

test_fail_rotation_too_rare if {
	some f in findings(secret(true, {"automatically_after_days": 90, "schedule_expression": null}))
	f.evidence.max_days == 30
}

test_fail_enabled_without_rules if {
	count(findings(secret(true, null))) == 1
}

test_fail_days_not_a_number if {
	count(findings(secret(true, {"automatically_after_days": "30", "schedule_expression": null}))) == 1
}

test_pass_days_not_a_number_with_schedule if {
	count(findings(secret(true, {"automatically_after_days": "30", "schedule_expression": "rate(10 days)"}))) == 0
}
