package flowforge.aws.cloudwatch.required_alarms_test

import data.flowforge.aws.cloudwatch.required_alarms as check
import data.flowforge.lib.testing
import rego.v1

topic := "arn:aws:sns:us-east-1:123456789012:flowforge-prod-alerts"

latency := {
	"arn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:flowforge-prod-api-latency", "name": "flowforge-prod-api-latency",
	"actions_enabled": true, "alarm_actions": [topic], "namespace": "AWS/ApplicationELB", "metric_name": "TargetResponseTime",
	"dimensions": {"LoadBalancer": "app/flowforge-prod-alb/50dc6c495c0c9188"},
}

cpu := {
	"arn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:flowforge-prod-database-cpu", "name": "flowforge-prod-database-cpu",
	"actions_enabled": true, "alarm_actions": [topic], "namespace": "AWS/RDS", "metric_name": "CPUUtilization",
	"dimensions": {"DBInstanceIdentifier": "flowforge-prod-metadata"},
}

sns(confirmed) := [{"arn": topic, "name": "flowforge-prod-alerts", "subscriptions": [{"protocol": "email", "confirmed": confirmed}]}]

snapshot(alarms, topics) := {"regions": ["us-east-1"], "elbv2": {"load_balancers": []}, "cloudwatch": {"alarms": alarms}, "sns": {"topics": topics}}

# The shipped baseline with two of its declared alarms: API latency and database CPU.
baseline := testing.with_perimeter({"alarms": [a |
	some a in testing.baseline.architecture.perimeter.alarms
	a.name in {"flowforge-prod-api-latency", "flowforge-prod-database-cpu"}
]})

run(doc) := {"deny": d, "unknown": u} if {
	d := check.deny with input as doc with data.baseline as baseline
	u := check.unknown with input as doc with data.baseline as baseline
}

test_pass_all_declared_alarms if {
	r := run(snapshot([latency, cpu], sns(true)))
	count(r.deny) == 0
	count(r.unknown) == 0
}

test_fail_missing_alarm_on_its_missing_element if {
	r := run(snapshot([latency], sns(true)))
	count(r.deny) == 1
	some f in r.deny
	f.arn == "arn:aws:flowforge-audit:us-east-1:123456789012:missing/alarm:flowforge-prod-database-cpu"
}

test_fail_actions_disabled if count(run(snapshot([latency, object.union(cpu, {"actions_enabled": false})], sns(true))).deny) == 1

test_fail_wrong_metric if count(run(snapshot([latency, object.union(cpu, {"metric_name": "FreeableMemory"})], sns(true))).deny) == 1

test_fail_wrong_dimension if {
	other := object.union(latency, {"dimensions": {"LoadBalancer": "app/other-alb/1"}})
	count(run(snapshot([other, cpu], sns(true))).deny) == 1
}

test_fail_only_pending_subscription if count(run(snapshot([latency, cpu], sns(false))).deny) == 2

test_fail_no_action if count(run(snapshot([latency, object.union(cpu, {"alarm_actions": []})], sns(true))).deny) == 1

test_unknown_topic_not_collected if {
	r := run(snapshot([latency, cpu], []))
	count(r.deny) == 0
	count(r.unknown) == 2
}

test_unknown_unreported_actions_enabled if {
	r := run(snapshot([latency, object.union(cpu, {"actions_enabled": null})], sns(true)))
	count(r.unknown) == 1
}

test_unknown_missing_alarm_when_listing_failed if {
	doc := object.union(snapshot([latency], sns(true)), {"collection_errors": [{"service": "cloudwatch", "operation": "DescribeAlarms", "region": "us-east-1", "resource": null}]})
	r := run(doc)
	count(r.deny) == 0
	count(r.unknown) == 1
}

test_undeclared_alarms_out_of_scope if {
	other := object.union(latency, {"arn": "x", "name": "someone-else", "actions_enabled": false})
	s := check.in_scope with input as snapshot([latency, cpu, other], sns(true)) with data.baseline as baseline
	count(s) == 2
	count(run(snapshot([latency, cpu, other], sns(true))).deny) == 0
}

# Issue 22 item 6: a denied sns:ListSubscriptionsByTopic left the topic with no subscriptions
# and FF-CW-001 failed ("notifies no SNS topic with a confirmed subscription"); the collector
# now records the subscriptions as unknown (null) and the alarm is UNKNOWN.
test_unknown_when_subscriptions_could_not_be_listed if {
	r := run(snapshot([latency, cpu], [{"arn": topic, "name": "flowforge-prod-alerts", "subscriptions": null}]))
	count(r.deny) == 0
	count(r.unknown) == 2
	some u in r.unknown
	contains(u.reason, "ListSubscriptionsByTopic")
}
