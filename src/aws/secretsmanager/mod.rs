//! Secrets Manager, per region: the secrets' metadata and resource policies (never a secret
//! value: `GetSecretValue` is not called, and the tests keep it so).

use crate::model::PolicyDocument;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{policy, time, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::SecretsManagerApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::resource!(
    /// A secret's metadata. The value is never read (`GetSecretValue` is not called).
    pub struct Secret {
        #[serde(default)]
        pub description: Option<String>,
        /// Null when the secret uses the AWS managed key `aws/secretsmanager`.
        #[serde(default)]
        pub kms_key_id: Option<String>,
        #[serde(default)]
        pub rotation_enabled: bool,
        #[serde(default)]
        pub rotation_lambda_arn: Option<String>,
        #[serde(default)]
        pub rotation_rules: Option<RotationRules>,
        #[serde(default)]
        pub last_rotated_date: Option<String>,
        #[serde(default)]
        pub last_changed_date: Option<String>,
        /// The resource policy, parsed; null when none.
        #[serde(default)]
        pub policy: Option<PolicyDocument>,
    }
);

super::record!(
    pub struct RotationRules {
        #[serde(default)]
        pub automatically_after_days: Option<i64>,
        #[serde(default)]
        pub schedule_expression: Option<String>,
    }
);

super::service! {
    part: SecretsManager = "secretsmanager",
    prefix: "secretsmanager",
    scope: Regional,
    operations: [
        "secretsmanager" list_secrets "ListSecrets" "ListSecrets" "secretsmanager:ListSecrets" => pages(LIST_PAGE, secrets);
        "secretsmanager" get_resource_policy "GetResourcePolicy" "GetResourcePolicy" "secretsmanager:GetResourcePolicy" => each(secrets);
    ],
    collections: [
        secrets: Secret
            list ["ListSecrets"] detail ["DescribeSecret", "GetResourcePolicy"]
            cfn "AWS::SecretsManager::Secret" asff "AwsSecretsManagerSecret"
            terraform ["aws_secretsmanager_secret"]
            diff arn;
    ],
}

/// Secrets per ListSecrets page (the API's largest).
pub(crate) const LIST_PAGE: i32 = 100;
