# The resource blocks of prod.tfstate (storage): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_s3_bucket" "acme_log_archive_123456789012" {
  bucket = "acme-log-archive-123456789012"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_server_side_encryption_configuration" "acme_log_archive_123456789012" {
  bucket = "acme-log-archive-123456789012"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_versioning" "acme_log_archive_123456789012" {
  bucket = "acme-log-archive-123456789012"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket" "bronze" {
  bucket = "flowforge-prod-bronze"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_server_side_encryption_configuration" "bronze" {
  bucket = "flowforge-prod-bronze"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_versioning" "bronze" {
  bucket = "flowforge-prod-bronze"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket" "gold" {
  bucket = "flowforge-prod-gold"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_server_side_encryption_configuration" "gold" {
  bucket = "flowforge-prod-gold"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_versioning" "gold" {
  bucket = "flowforge-prod-gold"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket" "landing" {
  bucket = "flowforge-prod-landing"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_server_side_encryption_configuration" "landing" {
  bucket = "flowforge-prod-landing"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_versioning" "landing" {
  bucket = "flowforge-prod-landing"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket" "silver" {
  bucket = "flowforge-prod-silver"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_server_side_encryption_configuration" "silver" {
  bucket = "flowforge-prod-silver"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_s3_bucket_versioning" "silver" {
  bucket = "flowforge-prod-silver"
  # (the other arguments are in the Terraform state: prod.tfstate)
}
