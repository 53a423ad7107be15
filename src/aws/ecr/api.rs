//! The ECR client: the repositories (paginated), the registry's scanning mode, and per
//! repository its lifecycle and repository policies ("not found" is an answer: none set).

use aws_sdk_ecr::Client;

use super::{policy, CallError, Ctx, EcrRepository};
use crate::model::PolicyDocument;

const SVC: &str = "ecr";

#[derive(Debug, Clone)]
pub struct EcrApi {
    client: Client,
    ctx: Ctx,
}

impl EcrApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        EcrApi { client, ctx }
    }

    /// Every repository, without the per-repository details (filled by the collector).
    pub async fn repositories(&self) -> Result<Vec<EcrRepository>, CallError> {
        let repos: Vec<_> = self
            .client
            .describe_repositories()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeRepositories", e))?;
        Ok(repos
            .iter()
            .filter_map(|r| {
                let name = r.repository_name()?.to_owned();
                let arn = r
                    .repository_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn(SVC, &format!("repository/{name}")));
                Some(EcrRepository {
                    meta: self.ctx.meta(arn, &name, &name, Default::default()),
                    uri: r.repository_uri().unwrap_or_default().to_owned(),
                    image_tag_mutability: r.image_tag_mutability().map(|m| m.as_str().to_owned()),
                    scan_on_push: r.image_scanning_configuration().map(|s| s.scan_on_push()),
                    registry_scan_type: None,
                    encryption_type: r.encryption_configuration().map(|e| e.encryption_type().as_str().to_owned()),
                    kms_key: r.encryption_configuration().and_then(|e| e.kms_key()).map(str::to_owned),
                    has_lifecycle_policy: None,
                    policy: None,
                })
            })
            .collect())
    }

    /// The registry's scan type (`BASIC` or `ENHANCED`).
    pub async fn registry_scan_type(&self) -> Result<Option<String>, CallError> {
        let out = self
            .client
            .get_registry_scanning_configuration()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetRegistryScanningConfiguration", e))?;
        Ok(out.scanning_configuration().and_then(|c| c.scan_type()).map(|t| t.as_str().to_owned()))
    }

    /// Whether the repository has a lifecycle policy.
    pub async fn has_lifecycle_policy(&self, name: &str) -> Result<bool, CallError> {
        match self.client.get_lifecycle_policy().repository_name(name).send().await {
            Ok(out) => Ok(out.lifecycle_policy_text().is_some_and(|t| !t.trim().is_empty())),
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetLifecyclePolicy", e);
                if e.is_code(&["LifecyclePolicyNotFoundException"]) {
                    Ok(false)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// The repository policy, `None` when there is none.
    pub async fn repository_policy(&self, name: &str) -> Result<Option<PolicyDocument>, CallError> {
        match self.client.get_repository_policy().repository_name(name).send().await {
            Ok(out) => match out.policy_text() {
                Some(text) if !text.trim().is_empty() => policy(SVC, "GetRepositoryPolicy", text).map(Some),
                _ => Ok(None),
            },
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetRepositoryPolicy", e);
                if e.is_code(&["RepositoryPolicyNotFoundException"]) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }
}
