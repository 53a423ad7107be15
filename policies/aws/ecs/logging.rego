# METADATA
# title: ECS control-plane containers log to CloudWatch
# description: >
#   Scope: FlowForge ECS task definitions. Every container has a log configuration with the
#   awslogs driver or FireLens (awsfirelens, shipping through Fluent Bit to CloudWatch).
#   UNKNOWN when the task definition's containers were not reported.
# custom:
#   id: FF-ECS-006
#   severity: medium
#   collection: ecs.task_definitions
#   remediation: 'Add `logConfiguration` with `logDriver: awslogs` (awslogs-group, awslogs-region, awslogs-stream-prefix) or a FireLens router to every container of a new task definition revision.'
#   frameworks:
#     aws-fsbp: ["ECS.9"]
#     nist-800-53-r5: ["AU-2", "AU-12"]
#   guide_section: Configuration Notes / Observability
#   area: hygiene
package flowforge.aws.ecs.logging

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

drivers := {"awslogs", "awsfirelens"}

in_scope contains t.arn if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s container %s does not log to CloudWatch (log driver %v)", [t.id, c.name, driver]),
	"evidence": {"container": c.name, "log_driver": driver},
} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	driver := object.get(c, "log_driver", null)
	not driver in drivers
}

unknown contains {"arn": t.arn, "reason": compute.containers_unreported_reason} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	compute.containers_unreported(t)
}
