# METADATA
# title: RDS automated backups are kept for the environment's retention
# description: >
#   Every DB instance keeps automated backups (point-in-time restore) for at least
#   requirements.rds_backup_retention_days days (e.g. 7, and 14 in production); 0 means
#   automated backups are off. A retention DescribeDBInstances did not report is UNKNOWN.
# custom:
#   id: FF-RDS-005
#   severity: high
#   collection: rds.db_instances
#   remediation: Run `aws rds modify-db-instance --backup-retention-period <days> --apply-immediately`.
#   frameworks:
#     aws-fsbp: ["RDS.11"]
#     nist-800-53-r5: ["CP-9", "CP-10", "SI-12"]
#   guide_section: Operations & Handover (backup/restore with RDS snapshots)
#   area: hygiene
package flowforge.aws.rds.backup_retention

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": db.arn,
	"message": sprintf("DB instance %s keeps automated backups %d days, fewer than the %d required", [db.name, days, minimum]),
	"evidence": {"backup_retention_period": days, "required_days": minimum},
} if {
	minimum := data.baseline.requirements.rds_backup_retention_days
	some db in input.rds.db_instances
	days := db.backup_retention_period
	is_number(days)
	days < minimum
}

unknown contains {"arn": db.arn, "reason": lib.unreported_reason("backup_retention_period", "DescribeDBInstances")} if {
	some db in input.rds.db_instances
	lib.unreported(db, "backup_retention_period")
}
