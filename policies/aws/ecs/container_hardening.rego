# METADATA
# title: ECS control-plane containers are unprivileged with a read-only root filesystem
# description: >
#   Scope: FlowForge ECS task definitions, when the baseline's
#   architecture.compute.control_plane requires it. With read_only_root_filesystem, every
#   container sets readonlyRootFilesystem true (unset means false in ECS); with
#   non_privileged, no container sets privileged true. Not applicable when the baseline
#   requires neither. UNKNOWN when the task definition's containers were not reported.
# custom:
#   id: FF-ECS-005
#   severity: medium
#   collection: ecs.task_definitions
#   remediation: 'Register a new task definition revision with `readonlyRootFilesystem: true` and without `privileged: true` (mount a volume for the paths the app writes), then update the service.'
#   frameworks:
#     aws-fsbp: ["ECS.4", "ECS.5"]
#     nist-800-53-r5: ["AC-6", "CM-7"]
#   guide_section: Deployment Steps / 4. Deploy Control Plane
#   area: hygiene
package flowforge.aws.ecs.container_hardening

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

default applies := false

applies if compute.spec.control_plane.read_only_root_filesystem == true

applies if compute.spec.control_plane.non_privileged == true

not_applicable_reason := "the baseline requires neither a read-only root filesystem nor unprivileged containers"

in_scope contains t.arn if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s container %s has a writable root filesystem", [t.id, c.name]),
	"evidence": {"container": c.name, "readonly_root_filesystem": object.get(c, "readonly_root_filesystem", null)},
} if {
	compute.spec.control_plane.read_only_root_filesystem == true
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	not c.readonly_root_filesystem == true
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s container %s is privileged", [t.id, c.name]),
	"evidence": {"container": c.name, "privileged": true},
} if {
	compute.spec.control_plane.non_privileged == true
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	c.privileged == true
}

unknown contains {"arn": t.arn, "reason": compute.containers_unreported_reason} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	compute.containers_unreported(t)
}
