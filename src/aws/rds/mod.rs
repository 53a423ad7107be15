//! RDS, per region: DB instances, clusters, and the parameter groups they use (with only the
//! parameters the audit reads), and the DB snapshots with who may restore the manual ones.

use std::collections::BTreeMap;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{s, time, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::{RdsApi, AUDITED_PARAMETERS};
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::resource!(
    pub struct DbInstance {
        pub engine: String,
        #[serde(default)]
        pub engine_version: String,
        #[serde(default)]
        pub instance_class: String,
        /// Multi-AZ deployment; null when DescribeDBInstances did not report it.
        #[serde(default)]
        pub multi_az: Option<bool>,
        /// null when not reported (unknown, never read as `false`).
        #[serde(default)]
        pub storage_encrypted: Option<bool>,
        #[serde(default)]
        pub kms_key_id: Option<String>,
        /// null when not reported: the checks say UNKNOWN, not PASS.
        #[serde(default)]
        pub publicly_accessible: Option<bool>,
        #[serde(default)]
        pub availability_zone: Option<String>,
        #[serde(default)]
        pub secondary_availability_zone: Option<String>,
        #[serde(default)]
        pub db_subnet_group: Option<DbSubnetGroup>,
        #[serde(default)]
        pub vpc_security_group_ids: Vec<String>,
        /// Names of the DB parameter groups applied.
        #[serde(default)]
        pub parameter_groups: Vec<String>,
        #[serde(default)]
        pub db_cluster_identifier: Option<String>,
        #[serde(default)]
        pub port: Option<i32>,
        /// Days automated backups are kept (0: disabled); null when DescribeDBInstances did
        /// not report it (UNKNOWN, never read as 0 or as compliant).
        #[serde(default)]
        pub backup_retention_period: Option<i32>,
        /// null when not reported.
        #[serde(default)]
        pub deletion_protection: Option<bool>,
        #[serde(default)]
        pub iam_database_authentication_enabled: bool,
        #[serde(default)]
        pub status: String,
        /// Tags are copied to the instance's snapshots; null when not reported.
        #[serde(default)]
        pub copy_tags_to_snapshot: Option<bool>,
    }
);

super::resource!(
    /// A DB snapshot (automated or manual) of an instance (`id` and `name` are the snapshot
    /// identifier).
    pub struct DbSnapshot {
        /// The instance the snapshot was taken of.
        #[serde(default)]
        pub db_instance_identifier: String,
        /// `automated`, `manual`, `shared`, `public` or `awsbackup`.
        #[serde(default)]
        pub snapshot_type: String,
        #[serde(default)]
        pub status: String,
        /// null when DescribeDBSnapshots did not report it.
        #[serde(default)]
        pub encrypted: Option<bool>,
        #[serde(default)]
        pub kms_key_id: Option<String>,
        #[serde(default)]
        pub snapshot_create_time: Option<String>,
        /// The accounts that may restore a manual snapshot (the `restore` attribute of
        /// DescribeDBSnapshotAttributes; `all` means public). null for automated snapshots
        /// (they cannot be shared) and when the attribute was not read.
        #[serde(default)]
        pub restore_accounts: Option<Vec<String>>,
    }
);

super::record!(
    pub struct DbSubnetGroup {
        pub name: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub subnet_ids: Vec<String>,
    }
);

super::resource!(
    pub struct DbCluster {
        pub engine: String,
        #[serde(default)]
        pub engine_version: String,
        /// null when DescribeDBClusters did not report it.
        #[serde(default)]
        pub multi_az: Option<bool>,
        /// null when not reported.
        #[serde(default)]
        pub storage_encrypted: Option<bool>,
        #[serde(default)]
        pub kms_key_id: Option<String>,
        #[serde(default)]
        pub availability_zones: Vec<String>,
        #[serde(default)]
        pub parameter_group: Option<String>,
        #[serde(default)]
        pub members: Vec<String>,
        #[serde(default)]
        pub vpc_security_group_ids: Vec<String>,
        #[serde(default)]
        pub port: Option<i32>,
        #[serde(default)]
        pub deletion_protection: bool,
    }
);

super::resource!(
    pub struct DbParameterGroup {
        /// `instance` (DB parameter group) or `cluster` (DB cluster parameter group).
        pub kind: String,
        #[serde(default)]
        pub family: String,
        /// The parameters that matter to the audit (`rds.force_ssl`, `ssl_min_protocol_version`,
        /// `log_connections`, ...), name to value, as DescribeDBParameters reports them.
        #[serde(default)]
        pub parameters: BTreeMap<String, String>,
    }
);

super::service! {
    part: Rds = "rds",
    prefix: "rds",
    scope: Regional,
    operations: [
        "rds" describe_db_instances "DescribeDBInstances" "DescribeDBInstances" "rds:DescribeDBInstances" => pages(100, db_instances);
        "rds" describe_db_clusters "DescribeDBClusters" "DescribeDBClusters" "rds:DescribeDBClusters" => pages(100, db_clusters);
        "rds" describe_db_parameter_groups "DescribeDBParameterGroups" "DescribeDBParameterGroups" "rds:DescribeDBParameterGroups" => by(instance_groups_listing);
        "rds" describe_db_parameters "DescribeDBParameters" "DescribeDBParameters" "rds:DescribeDBParameters" => by(instance_groups);
        "rds" describe_db_cluster_parameter_groups "DescribeDBClusterParameterGroups" "DescribeDBClusterParameterGroups" "rds:DescribeDBClusterParameterGroups" => by(cluster_groups_listing);
        "rds" describe_db_cluster_parameters "DescribeDBClusterParameters" "DescribeDBClusterParameters" "rds:DescribeDBClusterParameters" => by(cluster_groups);
        "rds" describe_db_snapshots "DescribeDBSnapshots" "DescribeDBSnapshots" "rds:DescribeDBSnapshots" => pages(100, db_snapshots);
        "rds" describe_db_snapshot_attributes "DescribeDBSnapshotAttributes" "DescribeDBSnapshotAttributes" "rds:DescribeDBSnapshotAttributes" => by(manual_snapshots);
    ],
    collections: [
        db_instances: DbInstance
            list ["DescribeDBInstances"] detail []
            cfn "AWS::RDS::DBInstance" asff "AwsRdsDbInstance"
            terraform ["aws_db_instance"]
            diff arn;
        db_clusters: DbCluster
            list ["DescribeDBClusters"] detail []
            cfn "AWS::RDS::DBCluster" asff "AwsRdsDbCluster"
            terraform []
            diff arn;
        parameter_groups: DbParameterGroup
            list ["DescribeDBParameterGroups", "DescribeDBClusterParameterGroups"] detail ["DescribeDBParameters", "DescribeDBClusterParameters"]
            cfn "AWS::RDS::DBParameterGroup" asff "Other"
            terraform []
            diff arn;
        /// The instances' automated and manual snapshots.
        db_snapshots: DbSnapshot
            list ["DescribeDBSnapshots"] detail ["DescribeDBSnapshotAttributes"]
            cfn "AWS::RDS::DBSnapshot" asff "AwsRdsDbSnapshot"
            terraform ["aws_db_snapshot"]
            diff arn;
    ],
}

/// The parameter groups of one kind (`instance` or `cluster`) in `region`.
fn groups_of(part: &Rds, region: Option<&str>, kind: &str) -> u64 {
    let groups = part.parameter_groups.iter().filter(|g| g.kind == kind);
    groups.filter(|g| region.is_none_or(|r| g.meta.region == r)).count() as u64
}

/// DescribeDBParameterGroups is made only when some instance uses a parameter group.
fn instance_groups_listing(part: &Rds, region: Option<&str>) -> u64 {
    u64::from(groups_of(part, region, "instance") > 0)
}

/// One DescribeDBParameters per DB parameter group an instance uses.
fn instance_groups(part: &Rds, region: Option<&str>) -> u64 {
    groups_of(part, region, "instance")
}

/// DescribeDBClusterParameterGroups is made only when some cluster uses a parameter group.
fn cluster_groups_listing(part: &Rds, region: Option<&str>) -> u64 {
    u64::from(groups_of(part, region, "cluster") > 0)
}

/// One DescribeDBClusterParameters per cluster parameter group a cluster uses.
fn cluster_groups(part: &Rds, region: Option<&str>) -> u64 {
    groups_of(part, region, "cluster")
}

/// Only manual snapshots can be shared: their `restore` attribute is read, one call each.
fn manual_snapshots(part: &Rds, region: Option<&str>) -> u64 {
    let manual = part.db_snapshots.iter().filter(|s| s.snapshot_type == "manual");
    manual.filter(|s| region.is_none_or(|r| s.meta.region == r)).count() as u64
}
