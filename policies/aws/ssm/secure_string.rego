# METADATA
# title: Secret-looking SSM parameters are SecureString
# description: >
#   Parameters under the baseline's FlowForge prefixes (architecture.parameter_store.prefixes)
#   whose name contains one of architecture.parameter_store.secret_name_patterns
#   (case-insensitive: password, secret, token, ...) are SecureString, i.e. encrypted with
#   KMS. Judged from DescribeParameters metadata only: no value is ever read. A type the API
#   did not report is UNKNOWN.
# custom:
#   id: FF-SSM-001
#   severity: high
#   collection: ssm.parameters
#   remediation: Re-create the parameter with `aws ssm put-parameter --type SecureString --key-id <key> --overwrite`.
#   frameworks:
#     nist-800-53-r5: ["SC-28", "IA-5(7)"]
#   guide_section: AWS Service Mapping / Secrets & Identity (Secrets Manager or Systems Manager Parameter Store)
#   area: encryption
package flowforge.aws.ssm.secure_string

import data.flowforge.lib
import rego.v1

store := object.get(data.baseline, ["architecture", "parameter_store"], {"prefixes": [], "secret_name_patterns": []})

default applies := false

applies if count(store.prefixes) > 0

not_applicable_reason := "the baseline declares no architecture.parameter_store prefixes"

# FlowForge parameters whose names look like secrets.
secret_like contains p.arn if {
	prefixes := store.prefixes
	patterns := [lower(x) | some x in store.secret_name_patterns]
	some p in input.ssm.parameters
	some prefix in prefixes
	startswith(p.name, prefix)
	name := lower(p.name)
	some pattern in patterns
	contains(name, pattern)
}

in_scope := secret_like

deny contains {
	"arn": p.arn,
	"message": sprintf("SSM parameter %s looks like a secret but is a %s, not a SecureString", [p.name, p.parameter_type]),
	"evidence": {"parameter_type": p.parameter_type},
} if {
	looks_secret := secret_like
	some p in input.ssm.parameters
	p.arn in looks_secret
	is_string(p.parameter_type)
	p.parameter_type != "SecureString"
}

unknown contains {"arn": p.arn, "reason": lib.unreported_reason("parameter_type", "DescribeParameters")} if {
	looks_secret := secret_like
	some p in input.ssm.parameters
	p.arn in looks_secret
	lib.unreported(p, "parameter_type")
}
