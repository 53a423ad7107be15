//! IAM, once per scan (a global service): roles, customer managed policies, users and groups
//! from one paginated GetAccountAuthorizationDetails, the account password policy, and the
//! OIDC identity providers (an EKS cluster's issuer registered for IRSA).

use crate::model::PolicyDocument;

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

super::record!(
    pub struct InlinePolicy {
        pub name: String,
        pub document: PolicyDocument,
    }
);

super::record!(
    pub struct AttachedPolicy {
        pub policy_name: String,
        pub policy_arn: String,
    }
);

super::resource!(
    pub struct Role {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub create_date: Option<String>,
        /// The trust policy (URL-decoded and parsed).
        pub assume_role_policy: PolicyDocument,
        #[serde(default)]
        pub inline_policies: Vec<InlinePolicy>,
        #[serde(default)]
        pub attached_policies: Vec<AttachedPolicy>,
        #[serde(default)]
        pub permissions_boundary_arn: Option<String>,
        /// The ARNs of the instance profiles holding the role (GetAccountAuthorizationDetails'
        /// `InstanceProfileList`): which EC2 instances run as the role. Null when not collected
        /// (snapshots written before it was): the privilege-escalation graph then cannot tell
        /// which role an instance runs as and says so (UNKNOWN), never guesses.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_profiles: Option<Vec<String>>,
    }
);

super::resource!(
    pub struct ManagedPolicy {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub default_version_id: String,
        #[serde(default)]
        pub attachment_count: i32,
        /// True for AWS managed policies (`arn:aws:iam::aws:policy/...`).
        #[serde(default)]
        pub aws_managed: bool,
        /// The default version's document.
        #[serde(default)]
        pub document: Option<PolicyDocument>,
        /// The policy's other (non-default) versions, which `iam:SetDefaultPolicyVersion` can
        /// make the one in force (GetAccountAuthorizationDetails' `PolicyVersionList`). Null
        /// when not collected (snapshots written before it was): the privilege-escalation graph
        /// then cannot tell what switching the default would grant and says so (UNKNOWN).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub other_versions: Option<Vec<PolicyVersion>>,
    }
);

super::record!(
    /// One non-default version of a customer managed policy.
    pub struct PolicyVersion {
        pub version_id: String,
        /// Null when the document could not be parsed (a collection error names the version).
        #[serde(default)]
        pub document: Option<PolicyDocument>,
    }
);

super::resource!(
    pub struct User {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub inline_policies: Vec<InlinePolicy>,
        #[serde(default)]
        pub attached_policies: Vec<AttachedPolicy>,
        #[serde(default)]
        pub groups: Vec<String>,
        /// The user's permissions boundary (a managed policy ARN), when one is set.
        #[serde(default)]
        pub permissions_boundary_arn: Option<String>,
    }
);

super::resource!(
    pub struct Group {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub inline_policies: Vec<InlinePolicy>,
        #[serde(default)]
        pub attached_policies: Vec<AttachedPolicy>,
    }
);

super::resource!(
    /// The account password policy (synthetic ARN `arn:<partition>:iam::<account>:account-password-policy`).
    pub struct AccountPasswordPolicy {
        /// Null when the account has no password policy.
        #[serde(default)]
        pub policy: Option<PasswordPolicy>,
    }
);

super::record!(
    pub struct PasswordPolicy {
        #[serde(default)]
        pub minimum_password_length: Option<i32>,
        #[serde(default)]
        pub require_symbols: bool,
        #[serde(default)]
        pub require_numbers: bool,
        #[serde(default)]
        pub require_uppercase_characters: bool,
        #[serde(default)]
        pub require_lowercase_characters: bool,
        #[serde(default)]
        pub max_password_age: Option<i32>,
        #[serde(default)]
        pub password_reuse_prevention: Option<i32>,
    }
);

super::service! {
    part: Iam = "iam",
    prefix: "iam",
    scope: Global,
    operations: [
        "iam" get_account_authorization_details "GetAccountAuthorizationDetails" "GetAccountAuthorizationDetails" "iam:GetAccountAuthorizationDetails"
            => pages(AUTHORIZATION_DETAILS_PAGE, roles, policies, users, groups);
        "iam" get_account_password_policy "GetAccountPasswordPolicy" "GetAccountPasswordPolicy" "iam:GetAccountPasswordPolicy" => once;
        "iam" list_open_id_connect_providers "ListOpenIDConnectProviders" "ListOpenIDConnectProviders" "iam:ListOpenIDConnectProviders" => once;
        "iam" get_open_id_connect_provider "GetOpenIDConnectProvider" "GetOpenIDConnectProvider" "iam:GetOpenIDConnectProvider" => each(oidc_providers);
    ],
    collections: [
        roles: Role
            list ["GetAccountAuthorizationDetails"] detail []
            cfn "AWS::IAM::Role" asff "AwsIamRole"
            terraform ["aws_iam_role"] folds ["aws_iam_role_policy", "aws_iam_role_policy_attachment"]
            diff arn;
        policies: ManagedPolicy
            list ["GetAccountAuthorizationDetails"] detail []
            cfn "AWS::IAM::ManagedPolicy" asff "AwsIamPolicy"
            terraform ["aws_iam_policy"]
            diff arn;
        users: User
            list ["GetAccountAuthorizationDetails"] detail []
            cfn "AWS::IAM::User" asff "AwsIamUser"
            terraform []
            diff arn;
        groups: Group
            list ["GetAccountAuthorizationDetails"] detail []
            cfn "AWS::IAM::Group" asff "AwsIamGroup"
            terraform []
            diff arn;
        /// One entry (the account's password policy resource); `policy: null` inside means no
        /// password policy is set.
        password_policy: AccountPasswordPolicy
            list ["GetAccountPasswordPolicy"] detail []
            cfn "AWS::::Account" asff "AwsAccount"
            terraform []
            diff arn;
        /// IAM OIDC identity providers (EKS clusters' issuers for IRSA).
        oidc_providers: OidcProvider
            list ["ListOpenIDConnectProviders"] detail ["GetOpenIDConnectProvider"]
            cfn "AWS::IAM::OIDCProvider" asff "Other"
            terraform ["aws_iam_openid_connect_provider"]
            diff arn;
    ],
}

/// Items per GetAccountAuthorizationDetails page (the API's largest).
pub(crate) const AUTHORIZATION_DETAILS_PAGE: i32 = 1000;

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
