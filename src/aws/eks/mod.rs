//! EKS, per region: the clusters (endpoint access, logging, secrets encryption).

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
pub use api::EksApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;
#[cfg(feature = "aws")]
use super::{CallError, Ctx};

super::service! {
    part: crate::model::Eks = "eks",
    prefix: "eks",
    scope: Regional,
    operations: [
        "eks" list_clusters "ListClusters" "ListClusters" "eks:ListClusters";
        "eks" describe_cluster "DescribeCluster" "DescribeCluster" "eks:DescribeCluster";
    ],
    collections: [
        clusters: list ["ListClusters"] detail ["DescribeCluster"];
    ],
}
