//! CodeBuild, per region: the build projects and the service role each builds as. The
//! privilege-escalation graph reads them: `codebuild:StartBuild` with a buildspec override on
//! a project runs the caller's commands as the project's role (`iam_eval::inventory`).
//! `ListProjects` and `BatchGetProjects` are called: never a build, its logs or environment
//! variable values (a project's variables are not kept).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{s, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::CodeBuildApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// One build project. `id` and `name` are the project name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CodeBuildProject {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The service role the project's builds run as; null when BatchGetProjects did not report it.
    #[serde(default)]
    pub service_role: Option<String>,
    /// The source type (`CODECOMMIT`, `GITHUB`, `S3`, `NO_SOURCE`, ...).
    #[serde(default)]
    pub source_type: Option<String>,
}

super::service! {
    /// The `codebuild` member of the snapshot.
    part: CodeBuild = "codebuild",
    prefix: "codebuild",
    scope: Regional,
    operations: [
        "codebuild" list_projects "ListProjects" "ListProjects" "codebuild:ListProjects" => pages(PROJECTS_PAGE, projects);
        "codebuild" batch_get_projects "BatchGetProjects" "BatchGetProjects" "codebuild:BatchGetProjects" => batches(PROJECTS_PAGE, projects);
    ],
    collections: [
        projects: CodeBuildProject
            list ["ListProjects", "BatchGetProjects"] detail []
            cfn "AWS::CodeBuild::Project" asff "AwsCodeBuildProject"
            terraform ["aws_codebuild_project"]
            diff arn;
    ],
}

/// Project names per ListProjects page, and projects per BatchGetProjects (the API's largest for both).
pub(crate) const PROJECTS_PAGE: usize = 100;
