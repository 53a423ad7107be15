# The resource blocks of prod.tfstate (perimeter): where SARIF points a finding on a resource
# Terraform manages (docs/code-scanning.md). A skeleton kept in step with the state by
# tests/cli_examples.rs; the arguments that matter to the audit are in the state.

resource "aws_wafv2_web_acl" "waf" {
  name = "flowforge-prod-waf"
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_wafv2_web_acl_association" "alb" {
  # (the other arguments are in the Terraform state: prod.tfstate)
}

resource "aws_acm_certificate" "app" {
  domain_name = "app.prod.flowforge.example.com"
  # (the other arguments are in the Terraform state: prod.tfstate)
}
