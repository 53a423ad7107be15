# METADATA
# title: RDS manual DB snapshots are not public
# description: >
#   No manual DB snapshot is shared publicly: its `restore` attribute
#   (DescribeDBSnapshotAttributes) does not contain `all`. Sharing with named accounts is
#   allowed. Automated snapshots cannot be shared and are out of scope; a manual snapshot
#   whose attribute could not be read is UNKNOWN.
# custom:
#   id: FF-RDS-009
#   severity: critical
#   collection: rds.db_snapshots
#   remediation: Run `aws rds modify-db-snapshot-attribute --attribute-name restore --values-to-remove all`.
#   frameworks:
#     aws-fsbp: ["RDS.1"]
#     nist-800-53-r5: ["AC-3", "AC-21", "SC-7"]
#   guide_section: Operations & Handover (backup/restore with RDS snapshots)
#   area: hygiene
package flowforge.aws.rds.snapshot_not_public

import data.flowforge.lib
import rego.v1

in_scope contains snap.arn if {
	some snap in input.rds.db_snapshots
	snap.snapshot_type == "manual"
}

deny contains {
	"arn": snap.arn,
	"message": sprintf("DB snapshot %s of %s is public (restore attribute contains all)", [snap.name, snap.db_instance_identifier]),
	"evidence": {"restore_accounts": snap.restore_accounts},
} if {
	some snap in input.rds.db_snapshots
	snap.snapshot_type == "manual"
	is_array(snap.restore_accounts)
	"all" in snap.restore_accounts
}

unknown contains {"arn": snap.arn, "reason": lib.unreported_reason("restore_accounts", "DescribeDBSnapshotAttributes")} if {
	some snap in input.rds.db_snapshots
	snap.snapshot_type == "manual"
	lib.unreported(snap, "restore_accounts")
}
