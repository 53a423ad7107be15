# METADATA
# title: IAM role trust policies do not trust everyone unconditionally
# description: >
#   No trust-policy statement allows principal AWS "*" without any Condition; such a role
#   can be assumed from any AWS account.
# custom:
#   id: FF-IAM-002
#   severity: critical
#   collection: iam.roles
#   remediation: Name the trusted accounts or roles in the trust policy, or add conditions (aws:PrincipalOrgID, sts:ExternalId).
#   frameworks:
#     nist-800-53-r5: ["AC-3", "AC-6"]
#   guide_section: Operations & Handover (IAM least-privilege policies)
#   area: iam
package flowforge.aws.iam.trust_wildcard

import rego.v1

deny contains {
	"arn": role.arn,
	"message": sprintf("role %s can be assumed by any AWS principal (Principal \"*\" without a condition)", [role.name]),
	"evidence": {"statement": s},
} if {
	some role in input.iam.roles
	some s in role.assume_role_policy.Statement
	s.Effect == "Allow"
	"*" in s.Principal.AWS
	count(object.get(s, "Condition", {})) == 0
}
