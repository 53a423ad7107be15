//! The CodeBuild client: ListProjects, then BatchGetProjects as [`CodeBuildProject`]s (the
//! role and source type only; environment variables are never kept).

use aws_sdk_codebuild::Client;

use super::{s, CallError, CodeBuildProject, Ctx};

const SVC: &str = "codebuild";

#[derive(Debug, Clone)]
pub struct CodeBuildApi {
    client: Client,
    ctx: Ctx,
}

impl CodeBuildApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        CodeBuildApi { client, ctx }
    }

    /// The names of every project of the region.
    pub async fn project_names(&self) -> Result<Vec<String>, CallError> {
        let pages: Vec<_> = self
            .client
            .list_projects()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListProjects", e))?;
        Ok(pages.iter().flat_map(|page| page.projects()).cloned().collect())
    }

    /// The projects of `names` (at most [`super::PROJECTS_PAGE`]); a name the API reports as
    /// not found (deleted since it was listed) is left out.
    pub async fn projects(&self, names: &[String]) -> Result<Vec<CodeBuildProject>, CallError> {
        let out = self
            .client
            .batch_get_projects()
            .set_names(Some(names.to_vec()))
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "BatchGetProjects", e))?;
        Ok(out
            .projects()
            .iter()
            .map(|p| {
                let name = s(p.name());
                let arn =
                    p.arn().map(str::to_owned).unwrap_or_else(|| self.ctx.arn("codebuild", &format!("project/{name}")));
                let tags = p.tags().iter().map(|t| (s(t.key()), s(t.value()))).collect();
                CodeBuildProject {
                    meta: self.ctx.meta(arn, &name, &name, tags),
                    service_role: p.service_role().map(str::to_owned),
                    source_type: p.source().map(|src| src.r#type().as_str().to_owned()),
                }
            })
            .collect())
    }
}
