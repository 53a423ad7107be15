package flowforge.aws.ecs.container_hardening_test

import data.flowforge.aws.ecs.container_hardening as check
import data.flowforge.lib.testing
import rego.v1

inp(container) := {"ecs": {"task_definitions": [object.union(
	testing.meta("arn:aws:ecs:us-east-1:123456789012:task-definition/flowforge-prod-ui:3", "flowforge-prod-ui:3", "flowforge-prod-ui", testing.ff_tags),
	{"family": "flowforge-prod-ui", "containers": [object.union({"name": "ui"}, container)]},
)]}}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_hardened if {
	count(findings(inp({"readonly_root_filesystem": true, "privileged": false}))) == 0
	count(findings(inp({"readonly_root_filesystem": true, "privileged": null}))) == 0
}

test_fail_writable_root if {
	count(findings(inp({"readonly_root_filesystem": false, "privileged": false}))) == 1
	# Unset is ECS's default: writable.
	count(findings(inp({"readonly_root_filesystem": null}))) == 1
}

test_fail_privileged if {
	count(findings(inp({"readonly_root_filesystem": true, "privileged": true}))) == 1
}

test_not_applicable_when_not_required if {
	b := testing.with_compute({"control_plane": object.union(testing.compute.control_plane, {"read_only_root_filesystem": false, "non_privileged": false})})
	not check.applies with input as testing.all_flowforge(inp({})) with data.baseline as b
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
