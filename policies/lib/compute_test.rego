package flowforge.lib.compute_test

import data.flowforge.lib.compute
import data.flowforge.lib.testing
import rego.v1

test_credential_names if {
	every n in ["DB_PASSWORD", "prefect_api_key", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "KEY", "SIGNING_KEY", "Credentials"] {
		compute.credential_name(n)
	}
	every n in ["NODE_ENV", "PORT", "BUCKET_NAME", "KEYCLOAK_URL", "MONKEY_MODE", "PREFECT_API_URL"] {
		not compute.credential_name(n)
	}
}

test_plain_credentials_by_name_or_value_kind if {
	vars := [{"name": "NODE_ENV", "value_kind": null}, {"name": "DATABASE_URL", "value_kind": "connection-string-with-password"}, {"name": "API_TOKEN"}]
	compute.plain_credentials(vars) == {"DATABASE_URL", "API_TOKEN"}
}

test_ecr_image if {
	compute.ecr_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/flowforge-prod-ui@sha256:abc") with data.baseline as testing.baseline
	not compute.ecr_image("210987654321.dkr.ecr.us-east-1.amazonaws.com/flowforge-prod-ui:1") with data.baseline as testing.baseline
	not compute.ecr_image("docker.io/library/node:20") with data.baseline as testing.baseline
	compute.repository_of("123456789012.dkr.ecr.us-east-1.amazonaws.com/flowforge-prod-ui:1.2") == "flowforge-prod-ui"
	compute.repository_of("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/ui@sha256:ab") == "team/ui"
}

test_role_name if {
	compute.role_name("arn:aws:iam::1:role/path/flowforge-prod-control-plane") == "flowforge-prod-control-plane"
}
