package flowforge.aws.sns.alarm_topic_encrypted_test

import data.flowforge.aws.sns.alarm_topic_encrypted as check
import data.flowforge.lib.testing
import rego.v1

declared := "arn:aws:sns:us-east-1:123456789012:flowforge-prod-alerts"

notified := "arn:aws:sns:us-east-1:123456789012:oncall"

snapshot(kms) := {
	"cloudwatch": {"alarms": [{"arn": "a", "name": "flowforge-prod-api-latency", "alarm_actions": [notified]}]},
	"sns": {"topics": [
		{"arn": declared, "name": "flowforge-prod-alerts", "kms_key_id": kms},
		{"arn": notified, "name": "oncall", "kms_key_id": "alias/ff"},
		{"arn": "other", "name": "other", "kms_key_id": null},
	]},
}

findings(doc, baseline) := f if {
	f := check.deny with input as doc with data.baseline as baseline
}

test_pass_encrypted if count(findings(snapshot("arn:aws:kms:us-east-1:123456789012:key/k"), testing.baseline)) == 0

test_fail_unencrypted if {
	f := findings(snapshot(null), testing.baseline)
	count(f) == 1
	some x in f
	x.arn == declared
}

test_scope_declared_and_notified if {
	s := check.in_scope with input as snapshot(null) with data.baseline as testing.baseline
	s == {declared, notified}
}

test_not_applicable_when_not_required if {
	a := check.applies with input as snapshot(null) with data.baseline as testing.with_requirements({"alarm_topics_kms_required": false})
	a == false
}
