# The resource blocks of prod.tfstate (database): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_db_instance" "metadata" {
  identifier = "flowforge-prod-metadata"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_db_snapshot" "metadata_pre_upgrade_16_4" {
  db_snapshot_identifier = "flowforge-prod-metadata-pre-upgrade-16-4"
  # (the other arguments are in the Terraform state: prod.tfstate)
}
