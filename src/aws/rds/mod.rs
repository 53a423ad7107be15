//! RDS, per region: DB instances, clusters, and the parameter groups they use (with only the
//! parameters the audit reads), and the DB snapshots with who may restore the manual ones.

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

super::service! {
    part: crate::model::Rds = "rds",
    prefix: "rds",
    scope: Regional,
    operations: [
        "rds" describe_db_instances "DescribeDBInstances" "DescribeDBInstances" "rds:DescribeDBInstances";
        "rds" describe_db_clusters "DescribeDBClusters" "DescribeDBClusters" "rds:DescribeDBClusters";
        "rds" describe_db_parameter_groups "DescribeDBParameterGroups" "DescribeDBParameterGroups" "rds:DescribeDBParameterGroups";
        "rds" describe_db_parameters "DescribeDBParameters" "DescribeDBParameters" "rds:DescribeDBParameters";
        "rds" describe_db_cluster_parameter_groups "DescribeDBClusterParameterGroups" "DescribeDBClusterParameterGroups" "rds:DescribeDBClusterParameterGroups";
        "rds" describe_db_cluster_parameters "DescribeDBClusterParameters" "DescribeDBClusterParameters" "rds:DescribeDBClusterParameters";
        "rds" describe_db_snapshots "DescribeDBSnapshots" "DescribeDBSnapshots" "rds:DescribeDBSnapshots";
        "rds" describe_db_snapshot_attributes "DescribeDBSnapshotAttributes" "DescribeDBSnapshotAttributes" "rds:DescribeDBSnapshotAttributes";
    ],
    collections: [
        db_instances: list ["DescribeDBInstances"] detail [];
        db_clusters: list ["DescribeDBClusters"] detail [];
        parameter_groups: list ["DescribeDBParameterGroups", "DescribeDBClusterParameterGroups"] detail ["DescribeDBParameters", "DescribeDBClusterParameters"];
        db_snapshots: list ["DescribeDBSnapshots"] detail ["DescribeDBSnapshotAttributes"];
    ],
}
