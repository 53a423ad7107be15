# METADATA
# title: Secrets rotate automatically and often enough
# description: >
#   Every secret has rotation enabled, with either a schedule expression or
#   automatically_after_days no greater than requirements.secret_rotation_max_days.
#   Scope: every secret of the audited regions.
# custom:
#   id: FF-SM-002
#   severity: medium
#   collection: secretsmanager.secrets
#   remediation: Enable rotation with `aws secretsmanager rotate-secret --rotation-rules AutomaticallyAfterDays=N`.
#   frameworks:
#     aws-fsbp: ["SecretsManager.1", "SecretsManager.4"]
#     nist-800-53-r5: ["AC-2(1)", "AC-3(15)", "IA-5(1)"]
#   guide_section: Configuration Notes / Secrets Handling (rotate secrets through rotation schedules)
#   area: hygiene
package flowforge.aws.secretsmanager.rotation

import rego.v1

max_days := data.baseline.requirements.secret_rotation_max_days

deny contains {"arn": s.arn, "message": sprintf("secret %s does not rotate automatically", [s.name]), "evidence": {"rotation_enabled": false}} if {
	some s in input.secretsmanager.secrets
	s.rotation_enabled != true
}

deny contains {
	"arn": s.arn,
	"message": sprintf("secret %s rotates every %v days, more than the allowed %v", [s.name, days, max_days]),
	"evidence": {"automatically_after_days": days, "max_days": max_days},
} if {
	some s in input.secretsmanager.secrets
	s.rotation_enabled == true
	days := object.get(s, ["rotation_rules", "automatically_after_days"], null)
	# Cheap inline test first: a number of days within the limit passes whatever the schedule
	# (`not` sends anything it cannot judge, such as an undefined max_days, to the exact test).
	not [is_number(days), days <= max_days] == [true, true]
	not has_schedule(s)
	not within_limit(days)
}

has_schedule(s) if {
	expr := s.rotation_rules.schedule_expression
	is_string(expr)
	expr != ""
}

within_limit(days) if {
	is_number(days)
	days <= max_days
}
