# METADATA
# title: RDS DB instances have deletion protection where the environment requires it
# description: >
#   When requirements.rds_deletion_protection is true (production), every DB instance outside
#   an Aurora cluster has deletion protection on, so the metadata database cannot be deleted by
#   one API call. Aurora instances are protected through their cluster and are out of scope.
# custom:
#   id: FF-RDS-006
#   severity: medium
#   collection: rds.db_instances
#   remediation: Run `aws rds modify-db-instance --deletion-protection --apply-immediately`.
#   frameworks:
#     aws-fsbp: ["RDS.8"]
#     nist-800-53-r5: ["CM-3", "SC-5(2)"]
#   guide_section: Operations & Handover (backup/restore with RDS snapshots)
#   area: hygiene
package flowforge.aws.rds.deletion_protection

import data.flowforge.lib
import rego.v1

default applies := false

applies if data.baseline.requirements.rds_deletion_protection == true

not_applicable_reason := "requirements.rds_deletion_protection is false for this environment"

in_scope contains db.arn if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
}

deny contains {
	"arn": db.arn,
	"message": sprintf("DB instance %s has deletion protection off", [db.name]),
	"evidence": {"deletion_protection": false},
} if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
	db.deletion_protection == false
}

unknown contains {"arn": db.arn, "reason": lib.unreported_reason("deletion_protection", "DescribeDBInstances")} if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
	lib.unreported(db, "deletion_protection")
}
