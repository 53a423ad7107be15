//! Elastic Load Balancing v2, per region: the load balancers (attributes and tags) and their
//! listeners.

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::{Elbv2Api, TAGS_BATCH};
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::service! {
    part: crate::model::Elbv2 = "elbv2",
    prefix: "elasticloadbalancing",
    scope: Regional,
    operations: [
        "elasticloadbalancing" describe_load_balancers "DescribeLoadBalancers" "DescribeLoadBalancers" "elasticloadbalancing:DescribeLoadBalancers";
        "elasticloadbalancing" describe_load_balancer_attributes "DescribeLoadBalancerAttributes" "DescribeLoadBalancerAttributes" "elasticloadbalancing:DescribeLoadBalancerAttributes";
        "elasticloadbalancing" describe_listeners "DescribeListeners" "DescribeListeners" "elasticloadbalancing:DescribeListeners";
        "elasticloadbalancing" describe_tags "DescribeTags" "DescribeTags" "elasticloadbalancing:DescribeTags";
    ],
    collections: [
        load_balancers: list ["DescribeLoadBalancers"] detail ["DescribeLoadBalancerAttributes", "DescribeTags"];
        listeners: list ["DescribeLoadBalancers", "DescribeListeners"] detail [];
    ],
}
