# METADATA
# title: RDS DB snapshots are encrypted
# description: >
#   Every DB snapshot (automated or manual) is encrypted at rest. A snapshot of an
#   unencrypted instance, or an unencrypted copy, holds the metadata database in clear; an
#   encryption flag DescribeDBSnapshots did not report is UNKNOWN.
# custom:
#   id: FF-RDS-008
#   severity: high
#   collection: rds.db_snapshots
#   remediation: Copy the snapshot with `aws rds copy-db-snapshot --kms-key-id <key>` and delete the unencrypted one.
#   frameworks:
#     nist-800-53-r5: ["CP-9(8)", "SC-28"]
#   guide_section: Operations & Handover (backup/restore with RDS snapshots)
#   area: encryption
package flowforge.aws.rds.snapshot_encrypted

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": snap.arn,
	"message": sprintf("DB snapshot %s of %s is not encrypted", [snap.name, snap.db_instance_identifier]),
	"evidence": {"encrypted": false, "snapshot_type": snap.snapshot_type},
} if {
	some snap in input.rds.db_snapshots
	snap.encrypted == false
}

unknown contains {"arn": snap.arn, "reason": lib.unreported_reason("encrypted", "DescribeDBSnapshots")} if {
	some snap in input.rds.db_snapshots
	lib.unreported(snap, "encrypted")
}
