//! The App Runner client: ListServices (paginated), then DescribeService per service.

use aws_sdk_apprunner::Client;

use super::{AppRunnerService, CallError, Ctx};
use crate::aws::ecs::{credential_kind, EnvVar, SecretRef};

const SVC: &str = "apprunner";

#[derive(Debug, Clone)]
pub struct AppRunnerApi {
    client: Client,
    ctx: Ctx,
}

impl AppRunnerApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        AppRunnerApi { client, ctx }
    }

    pub async fn service_arns(&self) -> Result<Vec<String>, CallError> {
        let pages: Vec<_> = self
            .client
            .list_services()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListServices", e))?;
        Ok(pages
            .iter()
            .flat_map(|p| p.service_summary_list().iter().filter_map(|s| s.service_arn().map(str::to_owned)))
            .collect())
    }

    pub async fn service(&self, arn: &str) -> Result<AppRunnerService, CallError> {
        let out = self
            .client
            .describe_service()
            .service_arn(arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeService", e))?;
        let Some(s) = out.service() else {
            return Err(CallError::empty_response(SVC, "DescribeService", &format!("service for {arn}")));
        };
        let image = s.source_configuration().and_then(|c| c.image_repository());
        let config = image.and_then(|i| i.image_configuration());
        let mut environment: Vec<EnvVar> = config
            .and_then(|c| c.runtime_environment_variables())
            .map(|vars| {
                vars.iter()
                    .map(|(k, v)| EnvVar { name: k.clone(), value_kind: credential_kind(v).map(str::to_owned) })
                    .collect()
            })
            .unwrap_or_default();
        environment.sort_by(|a, b| a.name.cmp(&b.name));
        let mut secrets: Vec<SecretRef> = config
            .and_then(|c| c.runtime_environment_secrets())
            .map(|vars| vars.iter().map(|(k, v)| SecretRef { name: k.clone(), value_from: v.clone() }).collect())
            .unwrap_or_default();
        secrets.sort_by(|a, b| a.name.cmp(&b.name));
        let egress = s.network_configuration().and_then(|n| n.egress_configuration());
        Ok(AppRunnerService {
            meta: self.ctx.meta(s.service_arn().to_owned(), s.service_id(), s.service_name(), Default::default()),
            status: s.status().as_str().to_owned(),
            instance_role_arn: s.instance_configuration().and_then(|i| i.instance_role_arn()).map(str::to_owned),
            egress_type: egress.and_then(|e| e.egress_type()).map(|t| t.as_str().to_owned()),
            vpc_connector_arn: egress.and_then(|e| e.vpc_connector_arn()).map(str::to_owned),
            image_identifier: image.map(|i| i.image_identifier().to_owned()),
            image_repository_type: image.map(|i| i.image_repository_type().as_str().to_owned()),
            environment,
            secrets,
        })
    }
}
