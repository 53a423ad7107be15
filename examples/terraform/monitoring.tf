# The resource blocks of prod.tfstate (monitoring): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name = "flowforge-prod-api-latency"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_metric_alarm" "database_cpu" {
  alarm_name = "flowforge-prod-database-cpu"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_metric_alarm" "database_storage" {
  alarm_name = "flowforge-prod-database-storage"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_metric_alarm" "prefect_run_failures" {
  alarm_name = "flowforge-prod-prefect-run-failures"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_sns_topic" "alerts" {
  name = "flowforge-prod-alerts"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_log_group" "eks_data_plane" {
  name = "/aws/eks/flowforge-prod-data-plane/cluster"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_log_group" "ecs_control_plane" {
  name = "/ecs/flowforge-prod-control-plane"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_log_group" "prefect" {
  name = "/flowforge/prod/prefect"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_log_group" "vpc_flow_logs" {
  name = "/flowforge/prod/vpc-flow-logs"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudwatch_log_group" "waf" {
  name = "aws-waf-logs-flowforge-prod"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_cloudtrail" "audit" {
  name = "flowforge-prod-trail"
  # (the other arguments are in the Terraform state: prod.tfstate)
}
