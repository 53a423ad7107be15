# The resource blocks of prod.tfstate (iam): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_iam_role" "auditor" {
  name = "flowforge-prod-auditor"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_role" "control_plane" {
  name = "flowforge-prod-control-plane"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_role" "data_engineer" {
  name = "flowforge-prod-data-engineer"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_role" "devops" {
  name = "flowforge-prod-devops"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_role" "ecs_execution" {
  name = "flowforge-prod-ecs-execution"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_role" "eks_node" {
  name = "flowforge-prod-eks-node"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_role" "prefect_worker" {
  name = "flowforge-prod-prefect-worker"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_policy" "prefect_worker_data_lake" {
  name = "flowforge-prod-prefect-worker-data-lake"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_iam_openid_connect_provider" "eks" {
  url = "oidc.eks.eu-west-1.amazonaws.com/id/0F10F0F0"
  # (the other arguments are in the Terraform state: prod.tfstate)
}
