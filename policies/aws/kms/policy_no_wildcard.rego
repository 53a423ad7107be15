# METADATA
# title: The KMS keys FlowForge uses have no key policy granting kms:* to everyone
# description: >
#   No key policy of a customer-managed key a FlowForge resource names
#   (`policies/lib/kms.rego`) has an Allow statement that grants `kms:*` (or `*`) to the
#   principal `*` without a condition: such a key is usable by any AWS account. The policy is
#   read as stored (parsed, `Principal` normalised); a policy that was not read is UNKNOWN.
# custom:
#   id: FF-KMS-003
#   severity: critical
#   collection: kms.keys
#   remediation: Replace the statement with grants to named principals (the account root and the FlowForge roles).
#   frameworks:
#     aws-fsbp: ["KMS.2"]
#     nist-800-53-r5: ["AC-3", "AC-6", "SC-12"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (enable bucket policies + encryption)
#   area: encryption
package flowforge.aws.kms.policy_no_wildcard

import rego.v1

in_scope contains arn if {
	used := data.flowforge.lib.kms.used
	some arn, _ in used
}

# An unconditional Allow of every KMS action to every principal.
open_statement(st) if {
	st.Effect == "Allow"
	some p in object.get(st, ["Principal", "AWS"], [])
	p == "*"
	some a in st.Action
	lower(a) in {"kms:*", "*"}
	count(object.get(st, "Condition", {})) == 0
}

deny contains {
	"arn": k.arn,
	"message": sprintf("the key policy of KMS key %s grants kms:* to every principal", [k.name]),
	"evidence": {"statement": object.get(st, "Sid", null), "used_by": used[k.arn]},
} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	some st in k.policy.Statement
	open_statement(st)
}

unknown contains {"arn": k.arn, "reason": "the key policy was not read by GetKeyPolicy (null in the snapshot)"} if {
	used := data.flowforge.lib.kms.used
	some k in input.kms.keys
	used[k.arn]
	object.get(k, "policy", null) == null
}

unknown contains u if some u in data.flowforge.lib.kms.unresolved
