# The resource blocks of prod.tfstate (compute): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_lb" "alb" {
  name = "flowforge-prod-alb"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_lb_listener" "port_443" {
  port = 443
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_lb_listener" "port_80" {
  port = 80
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_eks_cluster" "data_plane" {
  name = "flowforge-prod-data-plane"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_eks_node_group" "workers" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ecs_cluster" "control_plane" {
  name = "flowforge-prod-control-plane"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ecs_service" "ui" {
  name = "flowforge-prod-ui"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ecs_task_definition" "ui" {
  family = "flowforge-prod-ui"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ecr_repository" "flows" {
  name = "flowforge-prod-flows"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_ecr_repository" "ui" {
  name = "flowforge-prod-ui"
  # (the other arguments are in the Terraform state: prod.tfstate)
}
