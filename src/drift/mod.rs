//! Drift: expected architecture vs live account, least privilege, scan-to-scan diff, Terraform state.
