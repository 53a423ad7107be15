//! SSM Parameter Store, per region: the parameters' metadata (name, type, KMS key), the
//! guide's alternative to Secrets Manager. Never a parameter value: only
//! `DescribeParameters` is called (no `GetParameter*`, and the tests keep it so), so the
//! snapshot says *how* a value is stored, never *what* it is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{s, time, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::SsmApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// One parameter's metadata: `id` and `name` are the parameter name (`/flowforge/prod/db-password`),
/// `arn` is `arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading slash>`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct SsmParameter {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// `String`, `StringList` or `SecureString`; null when DescribeParameters did not report it.
    #[serde(default)]
    pub parameter_type: Option<String>,
    /// The KMS key of a `SecureString` (`alias/aws/ssm` for the AWS-managed key, or a key id,
    /// ARN or alias of a customer-managed key); null for the other types.
    #[serde(default)]
    pub key_id: Option<String>,
    /// `Standard`, `Advanced` or `Intelligent-Tiering`.
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub last_modified_date: Option<String>,
}

super::service! {
    /// The `ssm` member of the snapshot.
    part: Ssm = "ssm",
    prefix: "ssm",
    scope: Regional,
    operations: [
        "ssm" describe_parameters "DescribeParameters" "DescribeParameters" "ssm:DescribeParameters" => pages(PARAMETERS_PAGE, parameters);
    ],
    collections: [
        parameters: SsmParameter
            list ["DescribeParameters"] detail []
            cfn "AWS::SSM::Parameter" asff "Other"
            terraform ["aws_ssm_parameter"]
            diff arn;
    ],
}

/// Parameters per DescribeParameters page (the API's largest).
pub(crate) const PARAMETERS_PAGE: i32 = 50;
