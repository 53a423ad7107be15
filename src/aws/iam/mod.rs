//! IAM, once per scan (a global service): roles, customer managed policies, users and groups
//! from one paginated GetAccountAuthorizationDetails, and the account password policy.

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
pub use api::{AuthorizationDetails, IamApi};
#[cfg(feature = "aws")]
pub(crate) use collect::collect;
#[cfg(feature = "aws")]
use super::{policy, time, CallError, Ctx};

super::service! {
    part: crate::model::Iam = "iam",
    prefix: "iam",
    scope: Global,
    operations: [
        "iam" get_account_authorization_details "GetAccountAuthorizationDetails" "GetAccountAuthorizationDetails" "iam:GetAccountAuthorizationDetails";
        "iam" get_account_password_policy "GetAccountPasswordPolicy" "GetAccountPasswordPolicy" "iam:GetAccountPasswordPolicy";
    ],
    collections: [
        roles: list ["GetAccountAuthorizationDetails"] detail [];
        policies: list ["GetAccountAuthorizationDetails"] detail [];
        users: list ["GetAccountAuthorizationDetails"] detail [];
        groups: list ["GetAccountAuthorizationDetails"] detail [];
        password_policy: list ["GetAccountPasswordPolicy"] detail [];
    ],
}
