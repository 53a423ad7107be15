//! IAM, once per scan (a global service): roles, customer managed policies, users and groups
//! from one paginated GetAccountAuthorizationDetails, the account password policy, and the
//! OIDC identity providers (an EKS cluster's issuer registered for IRSA).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{policy, time, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::{AuthorizationDetails, IamApi};
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::service! {
    part: crate::model::Iam = "iam",
    prefix: "iam",
    scope: Global,
    operations: [
        "iam" get_account_authorization_details "GetAccountAuthorizationDetails" "GetAccountAuthorizationDetails" "iam:GetAccountAuthorizationDetails";
        "iam" get_account_password_policy "GetAccountPasswordPolicy" "GetAccountPasswordPolicy" "iam:GetAccountPasswordPolicy";
        "iam" list_open_id_connect_providers "ListOpenIDConnectProviders" "ListOpenIDConnectProviders" "iam:ListOpenIDConnectProviders";
        "iam" get_open_id_connect_provider "GetOpenIDConnectProvider" "GetOpenIDConnectProvider" "iam:GetOpenIDConnectProvider";
    ],
    collections: [
        roles: list ["GetAccountAuthorizationDetails"] detail [];
        policies: list ["GetAccountAuthorizationDetails"] detail [];
        users: list ["GetAccountAuthorizationDetails"] detail [];
        groups: list ["GetAccountAuthorizationDetails"] detail [];
        password_policy: list ["GetAccountPasswordPolicy"] detail [];
        oidc_providers: list ["ListOpenIDConnectProviders"] detail ["GetOpenIDConnectProvider"];
    ],
}

/// An IAM OIDC identity provider: `arn` is
/// `arn:<partition>:iam::<account>:oidc-provider/<url without https://>`, `id` and `name`
/// that URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OidcProvider {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The issuer URL as IAM reports it (without `https://`); null when not reported.
    #[serde(default)]
    pub url: Option<String>,
    /// The audiences (client ids) tokens may carry (`sts.amazonaws.com` for IRSA).
    #[serde(default)]
    pub client_ids: Vec<String>,
    #[serde(default)]
    pub thumbprints: Vec<String>,
}
