# METADATA
# title: ECS containers take credentials from Secrets Manager or SSM, never plain variables
# description: >
#   Scope: FlowForge ECS task definitions. No container has a plain `environment` variable
#   whose name says it holds a credential (password, secret, token, key, credential) or whose
#   value looks like one (AWS access key, secret key, private key, connection string with a
#   password: the collector keeps the kind, never the value), and every `secrets` entry
#   references Secrets Manager or SSM Parameter Store. UNKNOWN when the task definition's
#   containers were not reported.
# custom:
#   id: FF-ECS-003
#   severity: critical
#   collection: ecs.task_definitions
#   remediation: Store the value in Secrets Manager and move the variable from `environment` to `secrets` (`valueFrom` = the secret's ARN) in a new task definition revision; rotate the exposed credential.
#   frameworks:
#     aws-fsbp: ["ECS.8"]
#     nist-800-53-r5: ["IA-5", "SC-28"]
#   guide_section: Configuration Notes / Secrets Handling
#   area: encryption
package flowforge.aws.ecs.no_plaintext_secrets

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

in_scope contains t.arn if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s container %s has credentials in plain environment variables: %v", [t.id, c.name, names]),
	"evidence": {"container": c.name, "variables": names},
} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	names := sort(compute.plain_credentials(object.get(c, "environment", [])))
	count(names) > 0
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s container %s takes secret %s from %s, not Secrets Manager or SSM", [t.id, c.name, s.name, s.value_from]),
	"evidence": {"container": c.name, "secret": s.name, "value_from": s.value_from},
} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	some s in object.get(c, "secrets", [])
	not compute.secret_store_ref(s.value_from)
}

unknown contains {"arn": t.arn, "reason": compute.containers_unreported_reason} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	compute.containers_unreported(t)
}
