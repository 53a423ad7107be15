# The resource blocks of prod.tfstate (network): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_vpc" "vpc" {
  cidr_block = "10.40.0.0/16"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "control_plane_a" {
  cidr_block = "10.40.10.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "control_plane_b" {
  cidr_block = "10.40.11.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "data_plane_a" {
  cidr_block = "10.40.20.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "database_a" {
  cidr_block = "10.40.30.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "data_plane_b" {
  cidr_block = "10.40.21.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "database_b" {
  cidr_block = "10.40.31.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "public_a" {
  cidr_block = "10.40.0.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_subnet" "public_b" {
  cidr_block = "10.40.1.0/24"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_security_group" "alb" {
  name = "flowforge-prod-alb"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_security_group" "control_plane" {
  name = "flowforge-prod-control-plane"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_security_group" "data_plane" {
  name = "flowforge-prod-data-plane"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_security_group" "database" {
  name = "flowforge-prod-database"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_network_acl" "app_nacl" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_network_acl" "database_nacl" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_vpc_endpoint" "s3" {
  service_name = "com.amazonaws.eu-west-1.s3"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_vpc_endpoint" "secretsmanager" {
  service_name = "com.amazonaws.eu-west-1.secretsmanager"
  # (the other arguments are in the Terraform state: prod.tfstate)
}
