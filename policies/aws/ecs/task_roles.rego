# METADATA
# title: ECS control-plane tasks run as the baseline's task role with a separate execution role
# description: >
#   Scope: FlowForge ECS task definitions (the revisions services run). The task role is the
#   baseline's architecture.compute.control_plane.task_role, and the execution role (which
#   pulls images and reads the secrets to inject) is set and is not the task role, so the
#   application never holds the rights to read every injected secret; when the baseline names
#   control_plane.execution_role, it is that role. Not applicable without
#   architecture.compute in the baseline.
# custom:
#   id: FF-ECS-002
#   severity: high
#   collection: ecs.task_definitions
#   remediation: Register a new task definition revision with `taskRoleArn` set to the control-plane role and `executionRoleArn` set to a separate execution role, then update the service to it.
#   frameworks:
#     nist-800-53-r5: ["AC-6", "IA-2"]
#   guide_section: Reference Architecture / 1. Control Plane
#   area: iam
package flowforge.aws.ecs.task_roles

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

default applies := false

applies if count(compute.spec) > 0

not_applicable_reason := "the baseline declares no architecture.compute"

in_scope contains t.arn if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s runs as %v, not the control-plane role %s", [t.id, object.get(t, "task_role_arn", null), want]),
	"evidence": {"task_role_arn": object.get(t, "task_role_arn", null), "expected_role": want},
} if {
	want := compute.spec.control_plane.task_role
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	not compute.role_name(object.get(t, "task_role_arn", null)) == want
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s has no execution role separate from its task role", [t.id]),
	"evidence": {"task_role_arn": object.get(t, "task_role_arn", null), "execution_role_arn": object.get(t, "execution_role_arn", null)},
} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	not separate_execution_role(t)
}

separate_execution_role(t) if {
	is_string(t.execution_role_arn)
	t.execution_role_arn != object.get(t, "task_role_arn", null)
	expected_execution_role(t.execution_role_arn)
}

expected_execution_role(_) if object.get(object.get(compute.spec, "control_plane", {}), "execution_role", null) == null

expected_execution_role(arn) if compute.role_name(arn) == compute.spec.control_plane.execution_role
