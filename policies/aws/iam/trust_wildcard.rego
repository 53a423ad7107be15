# METADATA
# title: IAM role trust policies admit only identified callers
# description: >
#   Scope: every IAM role of the account, judged by who can actually assume it (the IAM
#   evaluation engine's trust facts, src/iam_eval/trust.rs). FAIL when an Allow of the trust
#   policy admits "*" (or uses NotPrincipal) without a condition pinning the caller's identity
#   (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn with literal values); admits
#   another account without sts:ExternalId or such a condition; trusts an OIDC provider (EKS
#   IRSA, GitHub Actions) without pinning <issuer>:aud and a specific <issuer>:sub (a
#   wildcard sub is open to every workload of the issuer); or trusts a SAML provider without
#   SAML:aud. Service principals pass; aws:SourceAccount/aws:SourceArn on them is reported in
#   the engine's facts. Rules from the IAM User Guide (Policy evaluation logic; Access to AWS
#   accounts owned by third parties; Creating a role for OIDC federation) and the EKS User
#   Guide (IAM roles for service accounts).
# custom:
#   id: FF-IAM-002
#   severity: critical
#   collection: iam.roles
#   remediation: Name the trusted principals and add conditions that pin the caller (aws:PrincipalOrgID, sts:ExternalId, the OIDC aud and sub).
#   frameworks:
#     nist-800-53-r5: ["AC-3", "AC-6"]
#   guide_section: Operations & Handover (IAM least-privilege policies)
#   area: iam
package flowforge.aws.iam.trust_wildcard

import data.flowforge.lib.iam
import rego.v1

deny contains {
	"arn": role.arn,
	"message": sprintf("role %s can be assumed by callers the account does not identify: %s", [role.name, concat("; ", sort({sprintf("%s %s: %s", [i.principal_type, i.principal, i.reason]) | some i in issues}))]),
	"evidence": {"issues": issues},
} if {
	facts := iam.facts
	some role in input.iam.roles
	issues := facts.trust[role.arn].issues
	count(issues) > 0
}

# The engine judges every collected role; a role without a judgement is not evaluated.
unknown contains {
	"arn": role.arn,
	"reason": "the IAM evaluation produced no trust judgement for this role",
} if {
	facts := iam.facts
	some role in input.iam.roles
	not facts.trust[role.arn]
}
