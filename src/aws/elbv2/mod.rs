//! Elastic Load Balancing v2, per region: the load balancers (attributes and tags) and their
//! listeners.

use std::collections::BTreeMap;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::Elbv2Api;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::resource!(
    pub struct LoadBalancer {
        #[serde(default)]
        pub dns_name: String,
        /// `internet-facing` or `internal`.
        #[serde(default)]
        pub scheme: String,
        /// `application`, `network` or `gateway`.
        #[serde(default)]
        pub lb_type: String,
        #[serde(default)]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default)]
        pub availability_zones: Vec<String>,
        #[serde(default)]
        pub state: String,
        /// Selected attributes (`routing.http.drop_invalid_header_fields.enabled`, ...).
        #[serde(default)]
        pub attributes: BTreeMap<String, String>,
    }
);

super::resource!(
    pub struct Listener {
        pub load_balancer_arn: String,
        pub port: i32,
        /// `HTTP`, `HTTPS`, `TCP`, `TLS`, ...
        pub protocol: String,
        #[serde(default)]
        pub ssl_policy: Option<String>,
        #[serde(default)]
        pub certificate_arns: Vec<String>,
        #[serde(default)]
        pub default_actions: Vec<ListenerAction>,
    }
);

super::record!(
    pub struct ListenerAction {
        /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ...
        pub action_type: String,
        #[serde(default)]
        pub target_group_arn: Option<String>,
        #[serde(default)]
        pub redirect: Option<RedirectConfig>,
    }
);

super::record!(
    pub struct RedirectConfig {
        #[serde(default)]
        pub protocol: Option<String>,
        #[serde(default)]
        pub port: Option<String>,
        #[serde(default)]
        pub status_code: String,
    }
);

super::service! {
    part: Elbv2 = "elbv2",
    prefix: "elasticloadbalancing",
    scope: Regional,
    operations: [
        "elasticloadbalancing" describe_load_balancers "DescribeLoadBalancers" "DescribeLoadBalancers" "elasticloadbalancing:DescribeLoadBalancers" => pages(400, load_balancers);
        "elasticloadbalancing" describe_load_balancer_attributes "DescribeLoadBalancerAttributes" "DescribeLoadBalancerAttributes" "elasticloadbalancing:DescribeLoadBalancerAttributes" => each(load_balancers);
        "elasticloadbalancing" describe_listeners "DescribeListeners" "DescribeListeners" "elasticloadbalancing:DescribeListeners" => each(load_balancers);
        "elasticloadbalancing" describe_tags "DescribeTags" "DescribeTags" "elasticloadbalancing:DescribeTags" => batches(TAGS_BATCH, load_balancers);
    ],
    collections: [
        load_balancers: LoadBalancer
            list ["DescribeLoadBalancers"] detail ["DescribeLoadBalancerAttributes", "DescribeTags"]
            cfn "AWS::ElasticLoadBalancingV2::LoadBalancer" asff "AwsElbv2LoadBalancer"
            terraform ["aws_lb", "aws_alb"]
            diff arn;
        listeners: Listener
            list ["DescribeLoadBalancers", "DescribeListeners"] detail []
            cfn "AWS::ElasticLoadBalancingV2::Listener" asff "Other"
            terraform ["aws_lb_listener", "aws_alb_listener"]
            diff arn;
    ],
}

/// Load balancers per DescribeTags call (the API's limit).
pub const TAGS_BATCH: usize = 20;
