# METADATA
# title: ECR repositories have immutable tags
# description: >
#   Scope: FlowForge ECR repositories. image_tag_mutability is IMMUTABLE (or
#   IMMUTABLE_WITH_EXCLUSION), so a tag deployed to an environment always names the image
#   that was scanned and promoted. UNKNOWN when not reported.
# custom:
#   id: FF-ECR-002
#   severity: medium
#   collection: ecr.repositories
#   remediation: Run `aws ecr put-image-tag-mutability --repository-name <repo> --image-tag-mutability IMMUTABLE`.
#   frameworks:
#     aws-fsbp: ["ECR.2"]
#     nist-800-53-r5: ["CM-2", "SI-7"]
#   guide_section: Deployment Steps / 7. Environment Promotion
#   area: hygiene
package flowforge.aws.ecr.tag_immutability

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

in_scope contains r.arn if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s has mutable tags (%s)", [r.name, r.image_tag_mutability]),
	"evidence": {"image_tag_mutability": r.image_tag_mutability},
} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	is_string(r.image_tag_mutability)
	not startswith(r.image_tag_mutability, "IMMUTABLE")
}

unknown contains {"arn": r.arn, "reason": lib.unreported_reason("image_tag_mutability", "DescribeRepositories")} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	lib.unreported(r, "image_tag_mutability")
}
