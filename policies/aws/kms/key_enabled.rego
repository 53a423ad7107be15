# METADATA
# title: The KMS keys FlowForge uses are enabled
# description: >
#   Every customer-managed KMS key a FlowForge resource names (buckets, database and its
#   snapshots, secrets, SSM parameters, the trail, log groups and topics:
#   `policies/lib/kms.rego`) is in the Enabled state: a disabled key, or one pending deletion,
#   makes the data it protects unreadable. Other keys are out of scope. A key a resource
#   names but the snapshot does not hold (another account's, or a failed read) is UNKNOWN.
# custom:
#   id: FF-KMS-001
#   severity: high
#   collection: kms.keys
#   remediation: Run `aws kms enable-key --key-id <key>` (or `aws kms cancel-key-deletion` first).
#   frameworks:
#     aws-fsbp: ["KMS.3"]
#     nist-800-53-r5: ["SC-12", "CP-9"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (enable bucket policies + encryption)
#   area: encryption
package flowforge.aws.kms.key_enabled

import rego.v1

in_scope contains arn if {
	used := data.flowforge.lib.kms.used
	some arn, _ in used
}

deny contains {
	"arn": k.arn,
	"message": sprintf("KMS key %s used by FlowForge is %s, not Enabled", [k.name, k.key_state]),
	"evidence": {"key_state": k.key_state, "used_by": used[k.arn]},
} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	is_string(k.key_state)
	k.key_state != "Enabled"
}

unknown contains {"arn": k.arn, "reason": "key_state was not reported by DescribeKey (null in the snapshot)"} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	object.get(k, "key_state", null) == null
}

unknown contains u if some u in data.flowforge.lib.kms.unknown
