//! AWS WAF (v2), per region: the regional web ACLs with the rule groups they run, which web
//! ACL protects each Application Load Balancer, and where each web ACL logs.
//!
//! The association is read from the load balancer's side (`GetWebACLForResource`, one call
//! per balancer) rather than from the web ACL's (`ListResourcesForWebACL`): both are
//! read-only, but the emulator implements only the first, and an ALB that no web ACL
//! protects is exactly what the audit must see. The balancers are listed with ELBv2's
//! `DescribeLoadBalancers`, declared here too because this folder calls it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::Wafv2Api;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// A regional web ACL: `id` is its id, `name` its name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WebAcl {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// `ALLOW` or `BLOCK`; null when GetWebACL did not say.
    pub default_action: Option<String>,
    /// Names of the managed rule groups its rules run (`AWSManagedRulesCommonRuleSet`), in rule

    #[serde(default)]
    pub managed_rule_groups: Vec<String>,
    /// ARNs of the customer rule groups its rules reference.
    #[serde(default)]
    pub rule_group_arns: Vec<String>,
}

/// Which web ACL protects one load balancer. `arn` is the balancer's ARN (a finding about its
/// protection names the load balancer it is about; results are per check, so it never mixes
/// with the balancer's results of other checks); `id` and `name` are the balancer's name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WebAclAssociation {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The protected load balancer's ARN.
    pub resource_arn: String,
    /// The web ACL's ARN; null when no web ACL protects the balancer.
    pub web_acl_arn: Option<String>,
}

/// Where one web ACL sends its logs. `arn`, `id` and `name` are the web ACL's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WafLoggingConfiguration {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Log destinations (CloudWatch Logs group, S3 bucket or Firehose ARNs).
    #[serde(default)]
    pub destinations: Vec<String>,
}

super::service! {
    /// The `wafv2` member of the snapshot.
    part: Wafv2 = "wafv2",
    prefix: "wafv2",
    scope: Regional,
    operations: [
        "wafv2" list_web_acls "ListWebACLs" "ListWebACLs" "wafv2:ListWebACLs" => pages(LIST_LIMIT, web_acls);
        "wafv2" get_web_acl "GetWebACL" "GetWebACL" "wafv2:GetWebACL" => each(web_acls);
        // The region's balancers, listed a second time (ELBv2 lists them for itself).
        "elasticloadbalancing" describe_load_balancers "DescribeLoadBalancers" "DescribeLoadBalancers" "elasticloadbalancing:DescribeLoadBalancers" => pages(400, associations);
        "wafv2" get_web_acl_for_resource "GetWebACLForResource" "GetWebACLForResource" "wafv2:GetWebACLForResource" => each(associations);
        "wafv2" list_logging_configurations "ListLoggingConfigurations" "ListLoggingConfigurations" "wafv2:ListLoggingConfigurations" => pages(LIST_LIMIT, logging_configurations);
    ],
    collections: [
        /// Regional web ACLs (scope `REGIONAL`, the scope an ALB can use).
        web_acls: WebAcl
            list ["ListWebACLs"] detail ["GetWebACL"]
            cfn "AWS::WAFv2::WebACL" asff "AwsWafv2WebAcl"
            terraform ["aws_wafv2_web_acl"]
            diff arn;
        /// One entry per Application Load Balancer: the web ACL protecting it, if any.
        associations: WebAclAssociation
            list ["DescribeLoadBalancers"] detail ["GetWebACLForResource"]
            cfn "AWS::WAFv2::WebACLAssociation" asff "Other"
            terraform ["aws_wafv2_web_acl_association"]
            diff arn;
        /// One entry per web ACL that logs (`ListLoggingConfigurations`); a web ACL without an
        /// entry does not log.
        logging_configurations: WafLoggingConfiguration
            list ["ListLoggingConfigurations"] detail []
            cfn "AWS::WAFv2::LoggingConfiguration" asff "Other"
            terraform []
            diff arn;
    ],
}

/// Items per ListWebACLs and ListLoggingConfigurations page (the APIs' largest).
pub(crate) const LIST_LIMIT: i32 = 100;
