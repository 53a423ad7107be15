//! IAM (global): roles, users, groups and managed policies from GetAccountAuthorizationDetails
//! (a few paginated calls for the whole account instead of several calls per role), and the
//! account password policy. Documents come URL-encoded and are decoded and parsed here.

use std::collections::BTreeMap;

use aws_sdk_iam::types::{AttachedPolicy as SdkAttached, PolicyDetail, Tag};
use aws_sdk_iam::Client;

use super::{
    AccountPasswordPolicy, AttachedPolicy, Group, InlinePolicy, ManagedPolicy, PasswordPolicy, PolicyVersion, Role,
    User,
};
use super::{CallError, Ctx, OidcProvider};

const SVC: &str = "iam";
const GAAD: &str = "GetAccountAuthorizationDetails";

#[derive(Debug, Clone)]
pub struct IamApi {
    client: Client,
    ctx: Ctx,
}

/// Everything GetAccountAuthorizationDetails says, in model types.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationDetails {
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub policies: Vec<ManagedPolicy>,
    /// Documents that could not be parsed (the resource is kept without that document).
    pub errors: Vec<(String, CallError)>,
}

fn tags(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter().map(|t| (t.key().to_owned(), t.value().to_owned())).collect()
}

fn attached(list: &[SdkAttached]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|a| AttachedPolicy {
            policy_name: a.policy_name().unwrap_or_default().to_owned(),
            policy_arn: a.policy_arn().unwrap_or_default().to_owned(),
        })
        .collect()
}

impl IamApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        IamApi { client, ctx }
    }

    fn inline(&self, arn: &str, list: &[PolicyDetail], errors: &mut Vec<(String, CallError)>) -> Vec<InlinePolicy> {
        list.iter()
            .filter_map(|p| {
                let name = p.policy_name()?.to_owned();
                match super::policy(SVC, GAAD, p.policy_document()?) {
                    Ok(document) => Some(InlinePolicy { name, document }),
                    Err(e) => {
                        errors.push((arn.to_owned(), e));
                        None
                    }
                }
            })
            .collect()
    }

    pub async fn authorization_details(&self) -> Result<AuthorizationDetails, CallError> {
        let pages: Vec<_> = self
            .client
            .get_account_authorization_details()
            // The largest page (the default is 100): fewer calls on big accounts.
            .max_items(super::AUTHORIZATION_DETAILS_PAGE)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, GAAD, e))?;
        let mut out = AuthorizationDetails::default();
        let mut errors = Vec::new();
        for page in &pages {
            for r in page.role_detail_list() {
                let name = r.role_name().unwrap_or_default();
                let arn = r.arn().unwrap_or_default().to_owned();
                let assume_role_policy = match r.assume_role_policy_document() {
                    Some(text) => match super::policy(SVC, GAAD, text) {
                        Ok(doc) => doc,
                        Err(e) => {
                            errors.push((arn.clone(), e));
                            Default::default()
                        }
                    },
                    None => Default::default(),
                };
                out.roles.push(Role {
                    meta: self.ctx.meta(arn.clone(), name, name, tags(r.tags())),
                    path: r.path().unwrap_or_default().to_owned(),
                    create_date: super::time(r.create_date()),
                    assume_role_policy,
                    inline_policies: self.inline(&arn, r.role_policy_list(), &mut errors),
                    attached_policies: attached(r.attached_managed_policies()),
                    permissions_boundary_arn: r
                        .permissions_boundary()
                        .and_then(|b| b.permissions_boundary_arn())
                        .map(str::to_owned),
                    instance_profiles: Some(r.instance_profile_list().iter().map(|p| p.arn().to_owned()).collect()),
                });
            }
            for u in page.user_detail_list() {
                let name = u.user_name().unwrap_or_default();
                let arn = u.arn().unwrap_or_default().to_owned();
                out.users.push(User {
                    meta: self.ctx.meta(arn.clone(), name, name, tags(u.tags())),
                    path: u.path().unwrap_or_default().to_owned(),
                    inline_policies: self.inline(&arn, u.user_policy_list(), &mut errors),
                    attached_policies: attached(u.attached_managed_policies()),
                    groups: u.group_list().to_vec(),
                    permissions_boundary_arn: u
                        .permissions_boundary()
                        .and_then(|b| b.permissions_boundary_arn())
                        .map(str::to_owned),
                });
            }
            for g in page.group_detail_list() {
                let name = g.group_name().unwrap_or_default();
                let arn = g.arn().unwrap_or_default().to_owned();
                out.groups.push(Group {
                    meta: self.ctx.meta(arn.clone(), name, name, BTreeMap::new()),
                    path: g.path().unwrap_or_default().to_owned(),
                    inline_policies: self.inline(&arn, g.group_policy_list(), &mut errors),
                    attached_policies: attached(g.attached_managed_policies()),
                });
            }
            for p in page.policies() {
                let name = p.policy_name().unwrap_or_default();
                let arn = p.arn().unwrap_or_default().to_owned();
                let default_version = p.default_version_id().unwrap_or_default().to_owned();
                let document = p
                    .policy_version_list()
                    .iter()
                    .find(|v| v.is_default_version() || v.version_id() == Some(default_version.as_str()))
                    .and_then(|v| v.document())
                    .and_then(|text| match super::policy(SVC, GAAD, text) {
                        Ok(doc) => Some(doc),
                        Err(e) => {
                            errors.push((arn.clone(), e));
                            None
                        }
                    });
                let other_versions = p
                    .policy_version_list()
                    .iter()
                    .filter(|v| !(v.is_default_version() || v.version_id() == Some(default_version.as_str())))
                    .map(|v| {
                        let version_id = v.version_id().unwrap_or_default().to_owned();
                        let document = v.document().and_then(|text| match super::policy(SVC, GAAD, text) {
                            Ok(doc) => Some(doc),
                            Err(mut e) => {
                                e.message = format!("version {version_id}: {}", e.message);
                                errors.push((arn.clone(), e));
                                None
                            }
                        });
                        PolicyVersion { version_id, document }
                    })
                    .collect();
                out.policies.push(ManagedPolicy {
                    other_versions: Some(other_versions),
                    aws_managed: arn.contains(":iam::aws:policy/"),
                    meta: self.ctx.meta(arn, name, name, BTreeMap::new()),
                    path: p.path().unwrap_or_default().to_owned(),
                    default_version_id: default_version,
                    attachment_count: p.attachment_count().unwrap_or(0),
                    document,
                });
            }
        }
        out.errors = errors;
        Ok(out)
    }

    /// The account password policy resource; `policy: None` when none is set.
    pub async fn password_policy(&self) -> Result<AccountPasswordPolicy, CallError> {
        let policy = match self.client.get_account_password_policy().send().await {
            Ok(out) => out.password_policy().map(|p| PasswordPolicy {
                minimum_password_length: p.minimum_password_length(),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase_characters: p.require_uppercase_characters(),
                require_lowercase_characters: p.require_lowercase_characters(),
                max_password_age: p.max_password_age(),
                password_reuse_prevention: p.password_reuse_prevention(),
            }),
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetAccountPasswordPolicy", e);
                if e.is_code(&["NoSuchEntity"]) {
                    None
                } else {
                    return Err(e);
                }
            }
        };
        let arn = format!("arn:{}:iam::{}:account-password-policy", self.ctx.partition, self.ctx.account_id);
        Ok(AccountPasswordPolicy {
            meta: self.ctx.meta(arn, "account-password-policy", "account-password-policy", BTreeMap::new()),
            policy,
        })
    }

    /// The ARNs of the account's OIDC identity providers.
    pub async fn oidc_provider_arns(&self) -> Result<Vec<String>, CallError> {
        let out = self
            .client
            .list_open_id_connect_providers()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListOpenIDConnectProviders", e))?;
        Ok(out.open_id_connect_provider_list().iter().filter_map(|p| p.arn().map(str::to_owned)).collect())
    }

    pub async fn oidc_provider(&self, arn: &str) -> Result<OidcProvider, CallError> {
        let out = self
            .client
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetOpenIDConnectProvider", e))?;
        let id = arn.split_once(":oidc-provider/").map(|(_, u)| u).unwrap_or(arn);
        Ok(OidcProvider {
            meta: self.ctx.meta(arn.to_owned(), id, id, tags(out.tags())),
            url: out.url().map(|u| u.trim_start_matches("https://").to_owned()),
            client_ids: out.client_id_list().to_vec(),
            thumbprints: out.thumbprint_list().to_vec(),
        })
    }
}
