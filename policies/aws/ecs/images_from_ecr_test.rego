package flowforge.aws.ecs.images_from_ecr_test

import data.flowforge.aws.ecs.images_from_ecr as check
import data.flowforge.lib.testing
import rego.v1

reg := "123456789012.dkr.ecr.us-east-1.amazonaws.com"

inp(image, mutability) := {
	"ecs": {"task_definitions": [object.union(
		testing.meta("arn:aws:ecs:us-east-1:123456789012:task-definition/flowforge-prod-ui:3", "flowforge-prod-ui:3", "flowforge-prod-ui", testing.ff_tags),
		{"family": "flowforge-prod-ui", "containers": [{"name": "ui", "image": image}]},
	)]},
	"ecr": {"repositories": [object.union(
		testing.meta("arn:aws:ecr:us-east-1:123456789012:repository/flowforge-prod-ui", "flowforge-prod-ui", "flowforge-prod-ui", {}),
		{"image_tag_mutability": mutability},
	)]},
}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

unknowns(i) := u if {
	u := check.unknown with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_digest_pinned if {
	count(findings(inp(sprintf("%s/flowforge-prod-ui@sha256:9f86d08", [reg]), "MUTABLE"))) == 0
}

test_pass_immutable_tag if {
	i := inp(sprintf("%s/flowforge-prod-ui:1.4.2", [reg]), "IMMUTABLE")
	count(findings(i)) == 0
	count(unknowns(i)) == 0
}

test_fail_mutable_tag if {
	count(findings(inp(sprintf("%s/flowforge-prod-ui:latest", [reg]), "MUTABLE"))) == 1
}

test_fail_public_registry if {
	count(findings(inp("docker.io/library/node:20", "IMMUTABLE"))) == 1
	count(findings(inp("210987654321.dkr.ecr.us-east-1.amazonaws.com/flowforge-prod-ui@sha256:ab", "IMMUTABLE"))) == 1
}

test_unknown_when_repository_unseen if {
	i := inp(sprintf("%s/other-repo:1", [reg]), "IMMUTABLE")
	count(findings(i)) == 0
	count(unknowns(i)) == 1
	j := inp(sprintf("%s/flowforge-prod-ui:1", [reg]), null)
	count(findings(j)) == 0
	count(unknowns(j)) == 1
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
