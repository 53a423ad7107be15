# METADATA
# title: FlowForge log groups exist and keep their events as long as the baseline says
# description: >
#   Every log group of architecture.perimeter.log_groups (ECS, EKS control plane, Prefect)
#   exists and keeps events at least requirements.log_retention_min_days days. Where
#   requirements.log_retention_max_days is above 0, it keeps them at most that long, and
#   "never expire" (no retention) fails. Scope: the declared log groups; a declared group that
#   does not exist fails on its missing-element ARN
#   (`arn:<partition>:flowforge-audit:<region>:<account>:missing/log_group:<name>`); other log groups are not applicable.
# custom:
#   id: FF-LOGS-001
#   severity: medium
#   collection: logs.log_groups
#   remediation: >
#     Create the log group and set its retention with `aws logs put-retention-policy
#     --retention-in-days N` (N between the baseline's minimum and maximum).
#   frameworks:
#     nist-800-53-r5: ["AU-4", "AU-11", "SI-12"]
#   guide_section: Configuration Notes / Observability (collect logs from ECS/EKS to CloudWatch)
#   area: hygiene
package flowforge.aws.logs.retention

import data.flowforge.lib
import rego.v1

min_days := data.baseline.requirements.log_retention_min_days

max_days := data.baseline.requirements.log_retention_max_days

# FlowForge's log groups (the one decision: the declared ones, and those tagged or prefixed).
in_scope contains g.arn if {
	some g in input.logs.log_groups
	lib.is_flowforge(g)
}

existing := {g.name | some g in input.logs.log_groups}

deny contains {
	"arn": lib.perimeter.missing_arn(concat(":", ["log_group", name])),
	"message": sprintf("log group %s does not exist", [name]),
	"evidence": {"log_group": name},
} if {
	some name in data.flowforge.lib.perimeter.log_group_names
	not name in existing
	not lib.perimeter.listing_failed("logs", "DescribeLogGroups")
}

unknown contains {"arn": lib.perimeter.missing_arn(concat(":", ["log_group", name])), "reason": "DescribeLogGroups failed: whether the log group exists is unknown"} if {
	some name in data.flowforge.lib.perimeter.log_group_names
	not name in existing
	lib.perimeter.listing_failed("logs", "DescribeLogGroups")
}

deny contains {
	"arn": g.arn,
	"message": sprintf("log group %s keeps events %d days, less than the required %d", [g.name, g.retention_in_days, min_days]),
	"evidence": {"retention_in_days": g.retention_in_days, "min_days": min_days},
} if {
	some g in input.logs.log_groups
	g.arn in in_scope
	is_number(g.retention_in_days)
	g.retention_in_days < min_days
}

deny contains {
	"arn": g.arn,
	"message": sprintf("log group %s keeps events %d days, more than the allowed %d", [g.name, g.retention_in_days, max_days]),
	"evidence": {"retention_in_days": g.retention_in_days, "max_days": max_days},
} if {
	some g in input.logs.log_groups
	g.arn in in_scope
	max_days > 0
	is_number(g.retention_in_days)
	g.retention_in_days > max_days
}

deny contains {
	"arn": g.arn,
	"message": sprintf("log group %s never expires its events; at most %d days are allowed", [g.name, max_days]),
	"evidence": {"retention_in_days": null, "max_days": max_days},
} if {
	some g in input.logs.log_groups
	g.arn in in_scope
	max_days > 0
	g.retention_in_days == null
}
