# METADATA
# title: RDS DB instances encrypt storage
# description: >
#   Every DB instance has storage encryption enabled.
#   Scope: every DB instance; an unreported flag is UNKNOWN.
# custom:
#   id: FF-RDS-002
#   severity: high
#   collection: rds.db_instances
#   remediation: >
#     Encryption cannot be enabled in place: snapshot the instance, copy the snapshot with
#     a KMS key, and restore from the encrypted copy.
#   frameworks:
#     aws-fsbp: ["RDS.3"]
#     cis-aws-foundations: ["2.3.1"]
#     nist-800-53-r5: ["SC-12", "SC-28", "SC-28(1)"]
#   guide_section: Deployment Steps / 3. Configure Storage & Database
#   area: encryption
package flowforge.aws.rds.storage_encrypted

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": db.arn,
	"message": sprintf("DB instance %s does not encrypt its storage", [db.name]),
	"evidence": {"storage_encrypted": false},
} if {
	some db in input.rds.db_instances
	db.storage_encrypted == false
}

unknown contains {"arn": db.arn, "reason": lib.unreported_reason("storage_encrypted", "DescribeDBInstances")} if {
	some db in input.rds.db_instances
	lib.unreported(db, "storage_encrypted")
}
