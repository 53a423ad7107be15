package flowforge.aws.ecs.task_roles_test

import data.flowforge.aws.ecs.task_roles as check
import data.flowforge.lib.testing
import rego.v1

role(name) := sprintf("arn:aws:iam::123456789012:role/%s", [name])

inp(task, exec) := {"ecs": {"task_definitions": [object.union(
	testing.meta("arn:aws:ecs:us-east-1:123456789012:task-definition/flowforge-prod-ui:3", "flowforge-prod-ui:3", "flowforge-prod-ui", testing.ff_tags),
	{"family": "flowforge-prod-ui", "revision": 3, "task_role_arn": task, "execution_role_arn": exec},
)]}}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_control_plane_role_and_separate_execution_role if {
	count(findings(inp(role("flowforge-prod-control-plane"), role("flowforge-prod-ecs-execution")))) == 0
}

test_fail_other_task_role if {
	count(findings(inp(role("flowforge-prod-devops"), role("flowforge-prod-ecs-execution")))) == 1
}

test_fail_no_task_role if {
	count(findings(inp(null, role("flowforge-prod-ecs-execution")))) == 1
}

test_fail_other_execution_role if {
	count(findings(inp(role("flowforge-prod-control-plane"), role("flowforge-prod-devops")))) == 1
}

test_fail_execution_role_is_task_role if {
	count(findings(inp(role("flowforge-prod-control-plane"), role("flowforge-prod-control-plane")))) == 1
	count(findings(inp(role("flowforge-prod-control-plane"), null))) == 1
}

test_not_applicable_without_compute if {
	b := json.remove(testing.baseline, ["architecture/compute"])
	not check.applies with input as testing.all_flowforge(inp(null, null)) with data.baseline as b
}
