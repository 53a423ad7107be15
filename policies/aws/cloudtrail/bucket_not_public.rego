# METADATA
# title: The S3 bucket of a multi-region CloudTrail trail blocks public access
# description: >
#   The bucket a multi-region trail delivers to blocks public access (all four settings, on
#   the bucket or the account: the rule of FF-S3-003, from lib/s3.rego). A bucket that
#   is not in the snapshot (another account's, or its reads failed) is UNKNOWN.
# custom:
#   id: FF-CT-005
#   severity: high
#   collection: cloudtrail.trails
#   remediation: Enable all four Block Public Access settings on the trail's bucket (or on the account).
#   frameworks:
#     cis-aws-foundations: ["3.3"]
#     nist-800-53-r5: ["AU-9", "AC-3"]
#   guide_section: Operations & Handover (auditors)
#   area: hygiene
package flowforge.aws.cloudtrail.bucket_not_public

import rego.v1

in_scope contains t.arn if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
}

buckets := {b.name: b.arn | some b in input.s3.buckets}

deny contains {
	"arn": t.arn,
	"message": sprintf("trail %s delivers to bucket %s, which does not block public access", [t.name, t.s3_bucket_name]),
	"evidence": {"s3_bucket_name": t.s3_bucket_name},
} if {
	not data.flowforge.lib.s3.account_blocked
	blocked := data.flowforge.lib.s3.blocked_buckets
	known := buckets
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	arn := known[t.s3_bucket_name]
	not arn in blocked
}

unknown contains {"arn": t.arn, "reason": sprintf("the trail's bucket %v is not in the snapshot", [object.get(t, "s3_bucket_name", null)])} if {
	known := buckets
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	not known[object.get(t, "s3_bucket_name", "")]
}
