# METADATA
# title: Data-lake buckets expire or archive noncurrent versions
# description: >
#   When requirements.s3_noncurrent_version_lifecycle is true, every data-lake bucket
#   (architecture.data_lake.buckets) has an Enabled lifecycle rule for the whole bucket (empty
#   prefix) with a noncurrent-version expiration or transition, so versioning (FF-S3-005) keeps
#   restorable history without growing without bound. Rules limited to a prefix or tags do
#   not count.
# custom:
#   id: FF-S3-006
#   severity: low
#   collection: s3.buckets
#   remediation: Add a lifecycle rule with `NoncurrentVersionTransitions` and/or `NoncurrentVersionExpiration` (`aws s3api put-bucket-lifecycle-configuration`).
#   frameworks:
#     aws-fsbp: ["S3.13"]
#     nist-800-53-r5: ["CP-9", "SI-12"]
#   guide_section: Operations & Handover (backup/restore with S3 versioning)
#   area: hygiene
package flowforge.aws.s3.noncurrent_version_lifecycle

import rego.v1

default applies := false

applies if data.baseline.requirements.s3_noncurrent_version_lifecycle == true

not_applicable_reason := "requirements.s3_noncurrent_version_lifecycle is false for this environment"

lake := {name | some name in object.get(data.baseline, ["architecture", "data_lake", "buckets"], {})}

in_scope contains b.arn if {
	names := lake
	some b in input.s3.buckets
	b.name in names
}

covered(b) if {
	rules := b.lifecycle_rules
	is_array(rules)
	some r in rules
	r.status == "Enabled"
	object.get(r, "prefix", null) == ""
	noncurrent_action(r)
}

noncurrent_action(r) if is_number(object.get(r, "noncurrent_version_expiration_days", null))

noncurrent_action(r) if is_number(object.get(r, "noncurrent_version_transition_days", null))

deny contains {
	"arn": b.arn,
	"message": sprintf("data-lake bucket %s has no enabled whole-bucket lifecycle rule for noncurrent versions", [b.name]),
	"evidence": {"lifecycle_rules": object.get(b, "lifecycle_rules", null)},
} if {
	names := lake
	some b in input.s3.buckets
	b.name in names
	not covered(b)
}
