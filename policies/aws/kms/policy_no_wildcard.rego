# METADATA
# title: The key policies of the KMS keys FlowForge uses grant nothing to everyone or to other accounts
# description: >
#   Scope: the customer-managed keys a FlowForge resource names (`policies/lib/kms.rego`).
#   No Allow statement of the key policy admits everyone or another account, as the IAM
#   engine reads it (`input.derived.iam.resource_policies`, src/iam_eval/resource.rs): a
#   `*` principal (or NotPrincipal) counts as everyone unless a condition fixes the caller
#   to literal values (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn,
#   aws:SourceAccount, aws:SourceArn, kms:CallerAccount, ...; a negated, IfExists or
#   wildcard condition fixes nothing), whatever the actions (kms:Decrypt alone to everyone is
#   a finding too); an AWS principal of another account counts as another account. The
#   account root (the default statement that enables IAM policies) and service principals
#   are not external. A policy that was not read, or that the engine has no facts for, is
#   UNKNOWN.
# custom:
#   id: FF-KMS-003
#   severity: critical
#   collection: kms.keys
#   remediation: Replace the statement with grants to named principals of the account (the account root and the FlowForge roles), or pin `*` with aws:PrincipalOrgID / kms:CallerAccount.
#   frameworks:
#     aws-fsbp: ["KMS.5"]
#     nist-800-53-r5: ["AC-3", "AC-6", "SC-12"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (enable bucket policies + encryption)
#   area: encryption
package flowforge.aws.kms.policy_no_wildcard

import rego.v1

in_scope contains arn if {
	used := data.flowforge.lib.kms.used
	some arn, _ in used
}

deny contains {
	"arn": k.arn,
	"message": sprintf("the key policy of KMS key %s grants %s: %s", [k.name, kind_text[g.kind], data.flowforge.lib.iam.grant_text(g)]),
	"evidence": {"grant": g, "used_by": used[k.arn]},
} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	some g in data.flowforge.lib.iam.external_grants(k.arn)
}

kind_text := {"public": "access to everyone", "cross-account": "access to another account"}

unknown contains {"arn": k.arn, "reason": "the key policy was not read by GetKeyPolicy (null in the snapshot)"} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	object.get(k, "policy", null) == null
}

unknown contains {"arn": k.arn, "reason": "the IAM engine has no facts for this key policy (input.derived.iam.resource_policies)"} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	object.get(k, "policy", null) != null
	not data.flowforge.lib.iam.resource_policies[k.arn]
}

unknown contains u if some u in data.flowforge.lib.kms.unknown
