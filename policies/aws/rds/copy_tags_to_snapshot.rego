# METADATA
# title: RDS DB instances copy their tags to snapshots
# description: >
#   Every DB instance outside an Aurora cluster has CopyTagsToSnapshot on, so its snapshots
#   carry the FlowForge app, environment and tier tags: a restore finds them, and the
#   snapshot checks and tag-based access control recognise them.
# custom:
#   id: FF-RDS-007
#   severity: low
#   collection: rds.db_instances
#   remediation: Run `aws rds modify-db-instance --copy-tags-to-snapshot --apply-immediately`.
#   frameworks:
#     aws-fsbp: ["RDS.17"]
#     nist-800-53-r5: ["CM-8"]
#   guide_section: Operations & Handover (backup/restore with RDS snapshots)
#   area: hygiene
package flowforge.aws.rds.copy_tags_to_snapshot

import data.flowforge.lib
import rego.v1

in_scope contains db.arn if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
}

deny contains {
	"arn": db.arn,
	"message": sprintf("DB instance %s does not copy its tags to snapshots", [db.name]),
	"evidence": {"copy_tags_to_snapshot": false},
} if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
	db.copy_tags_to_snapshot == false
}

unknown contains {"arn": db.arn, "reason": lib.unreported_reason("copy_tags_to_snapshot", "DescribeDBInstances")} if {
	some db in input.rds.db_instances
	object.get(db, "db_cluster_identifier", null) == null
	lib.unreported(db, "copy_tags_to_snapshot")
}
