# METADATA
# title: FlowForge bucket policies grant nothing to everyone or to other accounts
# description: >
#   Scope: FlowForge buckets (recognised by tag or name prefix) with a bucket policy. No
#   Allow statement admits everyone or another AWS account, as the IAM engine reads the
#   policy (`input.derived.iam.resource_policies`, src/iam_eval/resource.rs), following the
#   S3 definition of a public policy ("The meaning of public", S3 User Guide): `*` (or
#   NotPrincipal) is everyone unless a condition fixes the caller or the source to literal
#   values (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount,
#   aws:SourceArn, aws:SourceVpc, aws:SourceVpce, ...; a negated, IfExists or wildcard
#   condition fixes nothing). Deny statements (the TLS-only policy) grant nothing; service
#   principals are not external. Block Public Access (FF-S3-003) makes a public statement
#   ineffective but does not remove it, and does not stop cross-account grants. A bucket
#   without a policy passes; a policy the engine has no facts for is UNKNOWN.
# custom:
#   id: FF-S3-007
#   severity: high
#   collection: s3.buckets
#   remediation: Remove the statement from the bucket policy (`aws s3api put-bucket-policy` without it), or pin `*` with aws:PrincipalOrgID / aws:SourceVpce.
#   frameworks:
#     aws-fsbp: ["S3.2", "S3.3", "S3.6"]
#     nist-800-53-r5: ["AC-3", "AC-6", "AC-21"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (enable bucket policies + encryption)
#   area: iam
package flowforge.aws.s3.bucket_policy_not_public

import data.flowforge.lib
import rego.v1

in_scope contains b.arn if {
	some b in input.s3.buckets
	lib.is_flowforge(b)
}

kind_text := {"public": "to everyone", "cross-account": "to another account"}

deny contains {
	"arn": b.arn,
	"message": sprintf("the bucket policy of %s grants access %s: %s", [b.name, kind_text[g.kind], data.flowforge.lib.iam.grant_text(g)]),
	"evidence": {"grant": g},
} if {
	some b in input.s3.buckets
	lib.is_flowforge(b)
	some g in data.flowforge.lib.iam.external_grants(b.arn)
}

unknown contains {"arn": b.arn, "reason": "the IAM engine has no facts for this bucket policy (input.derived.iam.resource_policies)"} if {
	some b in input.s3.buckets
	lib.is_flowforge(b)
	object.get(b, "policy", null) != null
	not data.flowforge.lib.iam.resource_policies[b.arn]
}
