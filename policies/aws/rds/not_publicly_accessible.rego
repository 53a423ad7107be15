# METADATA
# title: RDS DB instances are not publicly accessible
# description: >
#   No DB instance has PubliclyAccessible set; the database tier stays private.
#   Scope: every DB instance (a public database is a finding wherever it is); an unreported flag is UNKNOWN.
# custom:
#   id: FF-RDS-004
#   severity: critical
#   collection: rds.db_instances
#   remediation: Modify the instance with `--no-publicly-accessible` and keep it in private subnets.
#   frameworks:
#     aws-fsbp: ["RDS.2"]
#     cis-aws-foundations: ["2.3.3"]
#     nist-800-53-r5: ["AC-3", "AC-4", "SC-7"]
#   guide_section: Configuration Notes / Networking (isolate the database tier)
#   area: network
package flowforge.aws.rds.not_publicly_accessible

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": db.arn,
	"message": sprintf("DB instance %s is publicly accessible", [db.name]),
	"evidence": {"publicly_accessible": true},
} if {
	some db in input.rds.db_instances
	db.publicly_accessible == true
}

unknown contains {"arn": db.arn, "reason": lib.unreported_reason("publicly_accessible", "DescribeDBInstances")} if {
	some db in input.rds.db_instances
	lib.unreported(db, "publicly_accessible")
}
