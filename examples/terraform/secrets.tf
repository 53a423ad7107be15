# The resource blocks of prod.tfstate (secrets): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_secretsmanager_secret" "flowforge_prod_database" {
  name = "flowforge/prod/database"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_secretsmanager_secret" "flowforge_prod_prefect_api" {
  name = "flowforge/prod/prefect-api"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ssm_parameter" "oidc_client_secret" {
  name = "/flowforge/prod/oidc-client-secret"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ssm_parameter" "prefect_api_token" {
  name = "/flowforge/prod/prefect-api-token"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ssm_parameter" "prefect_api_url" {
  name = "/flowforge/prod/prefect-api-url"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_kms_key" "database" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_kms_key" "data_lake" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_kms_key" "parameters" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_kms_key" "secrets" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_kms_key" "trail" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_kms_key" "monitoring" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}
