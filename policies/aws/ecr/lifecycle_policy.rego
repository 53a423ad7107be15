# METADATA
# title: ECR repositories have a lifecycle policy
# description: >
#   Scope: FlowForge ECR repositories. Each has a lifecycle policy, so untagged and old images
#   (with their unpatched vulnerabilities) expire. UNKNOWN when GetLifecyclePolicy could not
#   be read.
# custom:
#   id: FF-ECR-004
#   severity: low
#   collection: ecr.repositories
#   remediation: Run `aws ecr put-lifecycle-policy --repository-name <repo> --lifecycle-policy-text file://policy.json` (e.g. expire untagged images after 14 days, keep the last 50 tagged).
#   frameworks:
#     aws-fsbp: ["ECR.3"]
#     nist-800-53-r5: ["CM-8", "SI-2"]
#   guide_section: Prerequisites
#   area: hygiene
package flowforge.aws.ecr.lifecycle_policy

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

in_scope contains r.arn if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s has no lifecycle policy", [r.name]),
	"evidence": {"has_lifecycle_policy": false},
} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	r.has_lifecycle_policy == false
}

unknown contains {"arn": r.arn, "reason": lib.unreported_reason("has_lifecycle_policy", "GetLifecyclePolicy")} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	lib.unreported(r, "has_lifecycle_policy")
}
