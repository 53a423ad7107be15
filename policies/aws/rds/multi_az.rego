# METADATA
# title: RDS DB instances are Multi-AZ where the environment requires it
# description: >
#   When requirements.rds_multi_az is true (production), every DB instance is Multi-AZ.
#   Instances that belong to an Aurora cluster get availability from the cluster and are
#   out of scope.
#   Scope: DB instances outside an Aurora cluster, when requirements.rds_multi_az; otherwise NOT_APPLICABLE.
# custom:
#   id: FF-RDS-003
#   severity: high
#   collection: rds.db_instances
#   remediation: Modify the instance with `--multi-az` (applies at the next maintenance window unless applied immediately).
#   frameworks:
#     aws-fsbp: ["RDS.5"]
#     nist-800-53-r5: ["CP-10", "SC-5(2)", "SC-36"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database (Multi-AZ for production)
#   area: multi-az
package flowforge.aws.rds.multi_az

import data.flowforge.lib
import rego.v1

default applies := false

applies if data.baseline.requirements.rds_multi_az == true

not_applicable_reason := "requirements.rds_multi_az is false for this environment"

in_scope contains db.arn if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
}

deny contains {
	"arn": db.arn,
	"message": sprintf("DB instance %s is single-AZ (%v)", [db.name, object.get(db, "availability_zone", null)]),
	"evidence": {"multi_az": false, "availability_zone": object.get(db, "availability_zone", null)},
} if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
	db.multi_az == false
}

unknown contains {"arn": db.arn, "reason": lib.unreported_reason("multi_az", "DescribeDBInstances")} if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
	lib.unreported(db, "multi_az")
}
