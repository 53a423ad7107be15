//! How CodeBuild is collected: the project names (paginated ListProjects), then the projects
//! 100 at a time (BatchGetProjects); a failed batch is a collection error for the collection.

use std::sync::Arc;

use super::{CodeBuildApi, Part, PROJECTS_PAGE};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> CodeBuildApi {
    let conf = aws_sdk_codebuild::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("codebuild"))
        .retry_partition(session.retry_partition())
        .build();
    CodeBuildApi::new(aws_sdk_codebuild::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let mut out = Part::default();
    let Some(names) = errs.ok(region, None, api.project_names().await) else {
        return out;
    };
    for chunk in names.chunks(PROJECTS_PAGE) {
        if let Some(projects) = errs.ok(region, None, api.projects(chunk).await) {
            out.projects.extend(projects);
        }
    }
    out
}
