//! AWS Organizations, seen from the management account: the member accounts (all of them, or
//! those under some OUs), their tags, their parents up to the root, and the service control
//! policies attached along that path.
//!
//! Not a snapshot service (it is not in [`super::registry!`]): these calls run once per
//! organisation scan with the management account's credentials, and what they return shapes
//! the scan (which accounts, which environment) or is evidence next to each account's snapshot
//! (the SCPs). Its operations are [`super::ORG_OPERATIONS`], granted by
//! `iam/org-policy.json`, never by the member accounts' scanner policy.

use std::collections::BTreeMap;

use aws_sdk_organizations::types::{ParentType, PolicyType};
use aws_sdk_organizations::Client;

use super::{s, CallError, Session};

const SVC: &str = "organizations";

/// A member account as `ListAccounts` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    /// `ACTIVE` accounts are scanned; suspended or closing ones are not.
    pub active: bool,
}

/// A node above an account: an OU or the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgParent {
    pub id: String,
    pub is_root: bool,
}

/// A service control policy attached to one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPolicyRef {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub aws_managed: bool,
}

/// The Organizations API of the management account.
#[derive(Debug, Clone)]
pub struct OrgApi {
    client: Client,
}

impl OrgApi {
    /// A client of the management account's session (its endpoint and retry budget).
    pub fn new(session: &Session) -> OrgApi {
        let conf = aws_sdk_organizations::config::Builder::from(&session.sdk_config(None))
            .interceptor(session.counter("organizations"))
            .retry_partition(session.retry_partition())
            .build();
        OrgApi { client: Client::from_conf(conf) }
    }

    /// Every account of the organisation.
    pub async fn accounts(&self) -> Result<Vec<OrgAccount>, CallError> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_accounts()
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| CallError::from_sdk(SVC, "ListAccounts", e))?;
            out.extend(page.accounts().iter().map(account));
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// Every account under `parent` (an OU or the root), in its child OUs too.
    pub async fn accounts_under(&self, parent: &str) -> Result<Vec<OrgAccount>, CallError> {
        let mut out = Vec::new();
        let mut pending = vec![parent.to_owned()];
        while let Some(parent) = pending.pop() {
            let mut token = None;
            loop {
                let page = self
                    .client
                    .list_accounts_for_parent()
                    .parent_id(&parent)
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(|e| CallError::from_sdk(SVC, "ListAccountsForParent", e))?;
                out.extend(page.accounts().iter().map(account));
                token = page.next_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            let mut token = None;
            loop {
                let page = self
                    .client
                    .list_organizational_units_for_parent()
                    .parent_id(&parent)
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(|e| CallError::from_sdk(SVC, "ListOrganizationalUnitsForParent", e))?;
                pending.extend(page.organizational_units().iter().filter_map(|ou| ou.id().map(str::to_owned)));
                token = page.next_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The tags of an account (or OU, or policy).
    pub async fn tags(&self, resource: &str) -> Result<BTreeMap<String, String>, CallError> {
        let mut out = BTreeMap::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_tags_for_resource()
                .resource_id(resource)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| CallError::from_sdk(SVC, "ListTagsForResource", e))?;
            out.extend(page.tags().iter().map(|t| (t.key().to_owned(), t.value().to_owned())));
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// The parent of `child` (an account or an OU has exactly one).
    pub async fn parent(&self, child: &str) -> Result<Option<OrgParent>, CallError> {
        let page = self
            .client
            .list_parents()
            .child_id(child)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListParents", e))?;
        Ok(page
            .parents()
            .first()
            .map(|p| OrgParent { id: s(p.id()), is_root: matches!(p.r#type(), Some(ParentType::Root)) }))
    }

    /// The service control policies attached directly to `target` (account, OU or root).
    pub async fn scps_of(&self, target: &str) -> Result<Vec<OrgPolicyRef>, CallError> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_policies_for_target()
                .target_id(target)
                .filter(PolicyType::ServiceControlPolicy)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| CallError::from_sdk(SVC, "ListPoliciesForTarget", e))?;
            out.extend(page.policies().iter().map(|p| OrgPolicyRef {
                id: s(p.id()),
                name: s(p.name()),
                arn: s(p.arn()),
                aws_managed: p.aws_managed(),
            }));
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// The organisation's management account: service control policies never apply to it
    /// (AWS Organizations User Guide, "Service control policies (SCPs)"), whoever runs the scan
    /// (a delegated administrator too).
    pub async fn management_account(&self) -> Result<String, CallError> {
        let out = self
            .client
            .describe_organization()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeOrganization", e))?;
        match out.organization().and_then(|o| o.master_account_id()) {
            Some(id) if !id.is_empty() => Ok(id.to_owned()),
            _ => Err(CallError {
                service: SVC,
                operation: "DescribeOrganization",
                code: "MissingManagementAccount".into(),
                message: "the organisation came without its management account id".into(),
            }),
        }
    }

    /// A policy's document, parsed (an unparsable one is an error, never an empty policy).
    pub async fn policy_document(&self, id: &str) -> Result<crate::model::PolicyDocument, CallError> {
        let out = self
            .client
            .describe_policy()
            .policy_id(id)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribePolicy", e))?;
        let content = out.policy().and_then(|p| p.content()).ok_or_else(|| CallError {
            service: SVC,
            operation: "DescribePolicy",
            code: "MissingContent".into(),
            message: format!("policy {id} came without its content"),
        })?;
        super::policy(SVC, "DescribePolicy", content)
    }
}

fn account(a: &aws_sdk_organizations::types::Account) -> OrgAccount {
    use aws_sdk_organizations::types::{AccountState, AccountStatus};
    // `State` replaces `Status`; answers may carry either.
    let active = match (a.state(), a.status()) {
        (Some(state), _) => *state == AccountState::Active,
        (None, Some(status)) => *status == AccountStatus::Active,
        (None, None) => false,
    };
    OrgAccount { id: s(a.id()), name: s(a.name()), active }
}
