# METADATA
# title: The KMS keys FlowForge uses rotate automatically
# description: >
#   When requirements.kms_rotation_required is true, every symmetric customer-managed key a
#   FlowForge resource names (`policies/lib/kms.rego`) has automatic rotation on. Asymmetric
#   and HMAC keys cannot rotate automatically and are out of scope; a rotation status that was
#   not read is UNKNOWN, and so is a key the snapshot does not hold.
# custom:
#   id: FF-KMS-002
#   severity: medium
#   collection: kms.keys
#   remediation: Run `aws kms enable-key-rotation --key-id <key>`.
#   frameworks:
#     aws-fsbp: ["KMS.4"]
#     cis-aws-foundations: ["3.6"]
#     nist-800-53-r5: ["SC-12"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (enable bucket policies + encryption)
#   area: encryption
package flowforge.aws.kms.rotation

import rego.v1

default applies := false

applies if data.baseline.requirements.kms_rotation_required == true

not_applicable_reason := "requirements.kms_rotation_required is false for this environment"

in_scope contains k.arn if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	object.get(k, "key_spec", "SYMMETRIC_DEFAULT") in {"SYMMETRIC_DEFAULT", null}
}

deny contains {
	"arn": k.arn,
	"message": sprintf("KMS key %s used by FlowForge does not rotate automatically", [k.name]),
	"evidence": {"rotation_enabled": false, "used_by": used[k.arn]},
} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	k.rotation_enabled == false
}

unknown contains {"arn": k.arn, "reason": "rotation_enabled was not reported by GetKeyRotationStatus (null in the snapshot)"} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	object.get(k, "key_spec", "SYMMETRIC_DEFAULT") in {"SYMMETRIC_DEFAULT", null}
	object.get(k, "rotation_enabled", null) == null
}

unknown contains u if some u in data.flowforge.lib.kms.unknown
