# METADATA
# title: App Runner control-plane services run ECR images and take secrets by reference
# description: >
#   Scope: FlowForge App Runner services (name prefix). The image comes from this account's
#   private ECR (not ECR Public, not a code repository), no plain runtime variable looks like
#   a credential by name or value (values are never collected), and every runtime secret
#   references Secrets Manager or SSM Parameter Store.
# custom:
#   id: FF-APPRUNNER-002
#   severity: high
#   collection: apprunner.services
#   remediation: Deploy the image from the account's ECR repository, and move credential variables to `RuntimeEnvironmentSecrets` (Secrets Manager or SSM ARNs) with `aws apprunner update-service`; rotate the exposed credentials.
#   frameworks:
#     nist-800-53-r5: ["IA-5", "SC-28", "SI-7"]
#   guide_section: Configuration Notes / Secrets Handling
#   area: encryption
package flowforge.aws.apprunner.image_and_secrets

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

in_scope contains s.arn if {
	some s in input.apprunner.services
	lib.is_flowforge(s)
}

deny contains {
	"arn": s.arn,
	"message": sprintf("App Runner service %s does not run an image from this account's ECR (%v)", [s.name, image]),
	"evidence": {"image_identifier": image, "image_repository_type": object.get(s, "image_repository_type", null)},
} if {
	some s in input.apprunner.services
	lib.is_flowforge(s)
	image := object.get(s, "image_identifier", null)
	not private_ecr(s)
}

private_ecr(s) if {
	s.image_repository_type == "ECR"
	compute.ecr_image(s.image_identifier)
}

deny contains {
	"arn": s.arn,
	"message": sprintf("App Runner service %s has credentials in plain runtime variables: %v", [s.name, names]),
	"evidence": {"variables": names},
} if {
	some s in input.apprunner.services
	lib.is_flowforge(s)
	names := sort(compute.plain_credentials(object.get(s, "environment", [])))
	count(names) > 0
}

deny contains {
	"arn": s.arn,
	"message": sprintf("App Runner service %s takes secret %s from %s, not Secrets Manager or SSM", [s.name, r.name, r.value_from]),
	"evidence": {"secret": r.name, "value_from": r.value_from},
} if {
	some s in input.apprunner.services
	lib.is_flowforge(s)
	some r in object.get(s, "secrets", [])
	not compute.secret_store_ref(r.value_from)
}
