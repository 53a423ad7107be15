//! Secrets Manager, per region: the secrets' metadata and resource policies (never a secret
//! value: `GetSecretValue` is not called, and the tests keep it so).

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

super::service! {
    part: crate::model::SecretsManager = "secretsmanager",
    prefix: "secretsmanager",
    scope: Regional,
    operations: [
        "secretsmanager" list_secrets "ListSecrets" "ListSecrets" "secretsmanager:ListSecrets";
        "secretsmanager" get_resource_policy "GetResourcePolicy" "GetResourcePolicy" "secretsmanager:GetResourcePolicy";
    ],
    collections: [
        secrets: list ["ListSecrets"] detail ["DescribeSecret", "GetResourcePolicy"];
    ],
}
