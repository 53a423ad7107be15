package flowforge.aws.apprunner.image_and_secrets_test

import data.flowforge.aws.apprunner.image_and_secrets as check
import data.flowforge.lib.testing
import rego.v1

image := "123456789012.dkr.ecr.us-east-1.amazonaws.com/flowforge-prod-ui@sha256:9f86d08"

inp(over) := {"apprunner": {"services": [object.union(
	object.union(testing.meta("arn:aws:apprunner:us-east-1:123456789012:service/flowforge-prod-ui/8fe1", "8fe1", "flowforge-prod-ui", {}), {
		"image_identifier": image,
		"image_repository_type": "ECR",
		"environment": [{"name": "NODE_ENV", "value_kind": null}],
		"secrets": [{"name": "DATABASE_URL", "value_from": "arn:aws:secretsmanager:us-east-1:123456789012:secret:flowforge/prod/database-AbCdEf"}],
	}),
	over,
)]}}

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_ecr_image_and_secret_references if {
	count(findings(inp({}))) == 0
}

test_fail_public_image if {
	count(findings(inp({"image_identifier": "public.ecr.aws/docker/library/node:20", "image_repository_type": "ECR_PUBLIC"}))) == 1
	count(findings(inp({"image_identifier": null, "image_repository_type": null}))) == 1
}

test_fail_plain_credential if {
	count(findings(inp({"environment": [{"name": "DATABASE_URL", "value_kind": "connection-string-with-password"}]}))) == 1
}

test_fail_secret_not_from_store if {
	count(findings(inp({"secrets": [{"name": "X", "value_from": "arn:aws:s3:::bucket/x"}]}))) == 1
}
