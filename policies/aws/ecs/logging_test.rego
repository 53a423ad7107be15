package flowforge.aws.ecs.logging_test

import data.flowforge.aws.ecs.logging as check
import data.flowforge.lib.testing
import rego.v1

inp(driver) := {"ecs": {"task_definitions": [object.union(
	testing.meta("arn:aws:ecs:us-east-1:123456789012:task-definition/flowforge-prod-ui:3", "flowforge-prod-ui:3", "flowforge-prod-ui", testing.ff_tags),
	{"family": "flowforge-prod-ui", "containers": [{"name": "ui", "log_driver": driver}]},
)]}}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_awslogs_or_firelens if {
	count(findings(inp("awslogs"))) == 0
	count(findings(inp("awsfirelens"))) == 0
}

test_fail_no_logging if {
	count(findings(inp(null))) == 1
}

test_fail_other_driver if {
	count(findings(inp("json-file"))) == 1
}

# Issue 22 item 7: a task definition whose containers were not reported (absent, or an empty
# list: ECS requires one) passed, judged on no container at all; it is UNKNOWN.
unreported := object.union(
	testing.meta("arn:aws:ecs:us-east-1:123456789012:task-definition/flowforge-prod-ui:3", "flowforge-prod-ui:3", "flowforge-prod-ui", testing.ff_tags),
	{"family": "flowforge-prod-ui"},
)

unreported_unknown(td) if {
	i := testing.all_flowforge({"ecs": {"task_definitions": [td]}})
	count(check.deny) == 0 with input as i with data.baseline as testing.baseline
	u := check.unknown with input as i with data.baseline as testing.baseline
	u == {{"arn": td.arn, "reason": data.flowforge.lib.compute.containers_unreported_reason}}
}

test_unknown_when_containers_not_reported if {
	unreported_unknown(unreported)
	unreported_unknown(object.union(unreported, {"containers": []}))
}
