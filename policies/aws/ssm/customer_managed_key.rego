# METADATA
# title: FlowForge SecureString parameters use a customer-managed KMS key
# description: >
#   When requirements.ssm_customer_managed_key is true (production), every SecureString
#   parameter under the baseline's FlowForge prefixes names a KMS key other than the AWS
#   managed key alias/aws/ssm (a null key id on a SecureString is that default key), so its
#   key policy and rotation are the account's.
# custom:
#   id: FF-SSM-002
#   severity: medium
#   collection: ssm.parameters
#   remediation: Re-create the parameter with `aws ssm put-parameter --type SecureString --key-id <customer-managed key> --overwrite`.
#   frameworks:
#     nist-800-53-r5: ["SC-12", "SC-28"]
#   guide_section: Configuration Notes / Secrets Handling
#   area: encryption
package flowforge.aws.ssm.customer_managed_key

import rego.v1

prefixes := object.get(data.baseline, ["architecture", "parameter_store", "prefixes"], [])

default applies := false

applies if {
	data.baseline.requirements.ssm_customer_managed_key == true
	count(prefixes) > 0
}

not_applicable_reason := "requirements.ssm_customer_managed_key is false for this environment (or no parameter_store prefixes)"

in_scope contains p.arn if {
	some p in input.ssm.parameters
	p.parameter_type == "SecureString"
	some prefix in prefixes
	startswith(p.name, prefix)
}

in_scope contains p.arn if {
	some p in input.ssm.parameters
	object.get(p, "parameter_type", null) == null
	some prefix in prefixes
	startswith(p.name, prefix)
}

aws_managed(key) if key == null

aws_managed(key) if {
	is_string(key)
	endswith(key, "alias/aws/ssm")
}

deny contains {
	"arn": p.arn,
	"message": sprintf("SecureString parameter %s is encrypted with the AWS managed key aws/ssm", [p.name]),
	"evidence": {"key_id": key},
} if {
	some p in input.ssm.parameters
	p.parameter_type == "SecureString"
	some prefix in prefixes
	startswith(p.name, prefix)
	key := object.get(p, "key_id", null)
	aws_managed(key)
}

# A parameter whose type was not reported may be a SecureString on the default key.
unknown contains {"arn": p.arn, "reason": "parameter_type was not reported by DescribeParameters (null in the snapshot)"} if {
	some p in input.ssm.parameters
	object.get(p, "parameter_type", null) == null
	some prefix in prefixes
	startswith(p.name, prefix)
}
