# METADATA
# title: The alarms the guide asks for exist, watch the right metric and notify someone
# description: >
#   Where requirements.alarms_required is true, every alarm of architecture.perimeter.alarms
#   (Prefect run failures, API latency, CPU pressure, storage thresholds) exists; watches its
#   declared namespace, metric and dimensions (dimension values are globs, `*` is one
#   `/`-separated part); has its actions enabled; and has an alarm action that goes to an SNS
#   topic with at least one confirmed subscription. Scope: the declared alarms; a declared
#   alarm that does not exist fails on the ARN it would have; other alarms are not applicable.
#   UNKNOWN when a topic it notifies was not collected or its subscriptions could not be
#   listed.
# custom:
#   id: FF-CW-001
#   severity: medium
#   collection: cloudwatch.alarms
#   remediation: >
#     Create the alarm with `aws cloudwatch put-metric-alarm` on the declared metric and
#     dimensions, `--actions-enabled`, and `--alarm-actions` naming an SNS topic that has a
#     confirmed subscription (confirm e-mail subscriptions from the message SNS sends).
#   frameworks:
#     nist-800-53-r5: ["AU-6(1)", "IR-4(1)", "SI-4(5)"]
#   guide_section: Operations & Handover (CloudWatch alarms & SNS notifications for failures, CPU pressure, storage thresholds)
#   area: hygiene
package flowforge.aws.cloudwatch.required_alarms

import data.flowforge.lib
import rego.v1

default applies := false

applies if data.baseline.requirements.alarms_required == true

not_applicable_reason := "requirements.alarms_required is false for this environment"

declared := {a.name: a | some a in object.get(data.flowforge.lib.perimeter.spec, "alarms", [])}

in_scope contains a.arn if {
	some a in input.cloudwatch.alarms
	declared[a.name]
}

alarms := {a.name: a | some a in input.cloudwatch.alarms}

topics := {t.arn: t | some t in input.sns.topics}

deny contains {
	"arn": lib.perimeter.missing_arn(concat(":", ["alarm", name])),
	"message": sprintf("alarm %s (%s) does not exist", [name, object.get(spec, "description", spec.metric)]),
	"evidence": {"expected": spec},
} if {
	some name, spec in declared
	not alarms[name]
	not lib.perimeter.listing_failed("cloudwatch", "DescribeAlarms")
}

unknown contains {"arn": lib.perimeter.missing_arn(concat(":", ["alarm", name])), "reason": "DescribeAlarms failed: whether the alarm exists is unknown"} if {
	some name, _ in declared
	not alarms[name]
	lib.perimeter.listing_failed("cloudwatch", "DescribeAlarms")
}

deny contains {
	"arn": a.arn,
	"message": sprintf("alarm %s watches %v %v %v, not %s %s %v", [a.name, a.namespace, a.metric_name, a.dimensions, spec.namespace, spec.metric, object.get(spec, "dimensions", {})]),
	"evidence": {"namespace": a.namespace, "metric_name": a.metric_name, "dimensions": a.dimensions, "expected": spec},
} if {
	some a in input.cloudwatch.alarms
	spec := declared[a.name]
	not watches(a, spec)
}

deny contains {
	"arn": a.arn,
	"message": sprintf("alarm %s has its actions disabled", [a.name]),
	"evidence": {"actions_enabled": false},
} if {
	some a in input.cloudwatch.alarms
	declared[a.name]
	a.actions_enabled == false
}

deny contains {
	"arn": a.arn,
	"message": sprintf("alarm %s notifies no SNS topic with a confirmed subscription", [a.name]),
	"evidence": {"alarm_actions": a.alarm_actions, "topics": {arn: confirmed(topics[arn]) | some arn in sns_actions(a); topics[arn]}},
} if {
	some a in input.cloudwatch.alarms
	declared[a.name]
	not notifies(a)
	# An action to a topic that was not collected, or whose subscriptions could not be
	# listed, cannot be judged (unknown below).
	every arn in sns_actions(a) {
		is_array(topics[arn].subscriptions)
	}
}

watches(a, spec) if {
	a.namespace == spec.namespace
	a.metric_name == spec.metric
	every k, pattern in object.get(spec, "dimensions", {}) {
		is_string(a.dimensions[k])
		glob.match(pattern, ["/"], a.dimensions[k])
	}
}

sns_actions(a) := {arn |
	some arn in a.alarm_actions
	startswith(arn, "arn:")
	split(arn, ":")[2] == "sns"
}

# Subscriptions that could not be listed (null) count as none here; the alarm is UNKNOWN then.
confirmed(t) := count([s | some s in subscriptions(t); s.confirmed == true])

subscriptions(t) := t.subscriptions if is_array(t.subscriptions)

subscriptions(t) := [] if not is_array(t.subscriptions)

notifies(a) if {
	some arn in sns_actions(a)
	confirmed(topics[arn]) > 0
}

unknown contains {"arn": a.arn, "reason": lib.unreported_reason("actions_enabled", "DescribeAlarms")} if {
	some a in input.cloudwatch.alarms
	declared[a.name]
	lib.unreported(a, "actions_enabled")
}

unknown contains {"arn": a.arn, "reason": sprintf("the alarm's SNS topics %v were not collected; their subscriptions are unknown", [sort(missing)])} if {
	some a in input.cloudwatch.alarms
	declared[a.name]
	not notifies(a)
	missing := {arn | some arn in sns_actions(a); not topics[arn]}
	count(missing) > 0
}

unknown contains {"arn": a.arn, "reason": sprintf("the subscriptions of the alarm's SNS topics %v could not be listed (ListSubscriptionsByTopic); whether anyone is notified is unknown", [sort(unlisted)])} if {
	some a in input.cloudwatch.alarms
	declared[a.name]
	not notifies(a)
	unlisted := {arn | some arn in sns_actions(a); topics[arn]; not is_array(topics[arn].subscriptions)}
	count(unlisted) > 0
}
