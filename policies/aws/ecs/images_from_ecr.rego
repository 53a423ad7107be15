# METADATA
# title: ECS control-plane images come from this account's ECR, pinned
# description: >
#   Scope: FlowForge ECS task definitions. Every container image is in this account's private
#   ECR registry and is pinned: by digest (`@sha256:`), or by a tag of a repository with
#   IMMUTABLE tags. UNKNOWN when a tag-pinned image's repository is not in the snapshot (its
#   tag mutability was not seen), or when the task definition's containers were not reported.
# custom:
#   id: FF-ECS-004
#   severity: high
#   collection: ecs.task_definitions
#   remediation: Push the image to the account's ECR repository and reference it by digest (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>`), or make the repository's tags immutable.
#   frameworks:
#     nist-800-53-r5: ["CM-2", "SI-7", "SR-11"]
#   guide_section: Deployment Steps / 4. Deploy Control Plane
#   area: hygiene
package flowforge.aws.ecs.images_from_ecr

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

in_scope contains t.arn if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s container %s uses image %s from outside this account's ECR", [t.id, c.name, c.image]),
	"evidence": {"container": c.name, "image": c.image},
} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	not compute.ecr_image(c.image)
}

deny contains {
	"arn": t.arn,
	"message": sprintf("ECS task definition %s container %s uses image %s by a mutable tag", [t.id, c.name, c.image]),
	"evidence": {"container": c.name, "image": c.image, "image_tag_mutability": repo.image_tag_mutability},
} if {
	repos := data.flowforge.lib.compute.repositories
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	compute.ecr_image(c.image)
	not compute.digest_pinned(c.image)
	repo := repos[compute.repository_of(c.image)]
	repo.image_tag_mutability != "IMMUTABLE"
	repo.image_tag_mutability != null
}

unknown contains {"arn": t.arn, "reason": sprintf("the tag mutability of the repository of %s was not seen (repository not in the snapshot, or not reported)", [c.image])} if {
	repos := data.flowforge.lib.compute.repositories
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	some c in t.containers
	compute.ecr_image(c.image)
	not compute.digest_pinned(c.image)
	object.get(object.get(repos, compute.repository_of(c.image), {}), "image_tag_mutability", null) == null
}

unknown contains {"arn": t.arn, "reason": compute.containers_unreported_reason} if {
	some t in input.ecs.task_definitions
	lib.is_flowforge(t)
	compute.containers_unreported(t)
}
