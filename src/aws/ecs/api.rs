//! The ECS client: cluster and service listings with their batched descriptions (100
//! clusters, 10 services per DescribeClusters/DescribeServices call, the API's maxima), and
//! one DescribeTaskDefinition per distinct revision in use.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{ClusterField, ServiceField, Tag};
use aws_sdk_ecs::Client;

use super::{credential_kind, CallError, Ctx, EcsCluster, EcsContainer, EcsNetwork, EcsService, EcsTaskDefinition};
use super::{EnvVar, SecretRef};

const SVC: &str = "ecs";
/// DescribeClusters takes at most 100 clusters, DescribeServices 10 services.

#[derive(Debug, Clone)]
pub struct EcsApi {
    client: Client,
    ctx: Ctx,
}

fn tags(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter().filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned()))).collect()
}

fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

impl EcsApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        EcsApi { client, ctx }
    }

    pub async fn cluster_arns(&self) -> Result<Vec<String>, CallError> {
        self.client
            .list_clusters()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListClusters", e))
    }

    /// Up to [`super::CLUSTER_BATCH`] clusters with their tags.
    pub async fn clusters(&self, arns: &[String]) -> Result<Vec<EcsCluster>, CallError> {
        let out = self
            .client
            .describe_clusters()
            .set_clusters(Some(arns.to_vec()))
            .include(ClusterField::Tags)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeClusters", e))?;
        Ok(out
            .clusters()
            .iter()
            .filter_map(|c| {
                let arn = c.cluster_arn()?.to_owned();
                let name = c.cluster_name().unwrap_or_else(|| last_segment(&arn)).to_owned();
                Some(EcsCluster {
                    meta: self.ctx.meta(arn, &name, &name, tags(c.tags())),
                    status: c.status().unwrap_or_default().to_owned(),
                })
            })
            .collect())
    }

    pub async fn service_arns(&self, cluster_arn: &str) -> Result<Vec<String>, CallError> {
        self.client
            .list_services()
            .cluster(cluster_arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListServices", e))
    }

    /// Up to [`super::SERVICE_BATCH`] services of one cluster with their tags.
    pub async fn services(&self, cluster_arn: &str, arns: &[String]) -> Result<Vec<EcsService>, CallError> {
        let out = self
            .client
            .describe_services()
            .cluster(cluster_arn)
            .set_services(Some(arns.to_vec()))
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeServices", e))?;
        Ok(out
            .services()
            .iter()
            .filter_map(|s| {
                let arn = s.service_arn()?.to_owned();
                let name = s.service_name().unwrap_or_else(|| last_segment(&arn)).to_owned();
                let network = s.network_configuration().and_then(|n| n.awsvpc_configuration()).map(|v| EcsNetwork {
                    subnets: v.subnets().to_vec(),
                    security_groups: v.security_groups().to_vec(),
                    assign_public_ip: v.assign_public_ip().map(|a| a.as_str().to_owned()),
                });
                Some(EcsService {
                    meta: self.ctx.meta(arn, &name, &name, tags(s.tags())),
                    cluster_arn: s.cluster_arn().unwrap_or(cluster_arn).to_owned(),
                    status: s.status().unwrap_or_default().to_owned(),
                    launch_type: s.launch_type().map(|l| l.as_str().to_owned()),
                    task_definition: s.task_definition().map(str::to_owned),
                    desired_count: s.desired_count(),
                    network,
                })
            })
            .collect())
    }

    pub async fn task_definition(&self, arn: &str) -> Result<EcsTaskDefinition, CallError> {
        let out = self
            .client
            .describe_task_definition()
            .task_definition(arn)
            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeTaskDefinition", e))?;
        let Some(td) = out.task_definition() else {
            return Err(CallError::empty_response(
                SVC,
                "DescribeTaskDefinition",
                &format!("task definition for {arn}"),
            ));
        };
        let family = td.family().unwrap_or_default().to_owned();
        let revision = td.revision();
        let containers = td
            .container_definitions()
            .iter()
            .map(|c| EcsContainer {
                name: c.name().unwrap_or_default().to_owned(),
                image: c.image().unwrap_or_default().to_owned(),
                environment: c
                    .environment()
                    .iter()
                    .map(|kv| EnvVar {
                        name: kv.name().unwrap_or_default().to_owned(),
                        value_kind: kv.value().and_then(credential_kind).map(str::to_owned),
                    })
                    .collect(),
                secrets: c
                    .secrets()
                    .iter()
                    .map(|s| SecretRef { name: s.name().to_owned(), value_from: s.value_from().to_owned() })
                    .collect(),
                readonly_root_filesystem: c.readonly_root_filesystem(),
                privileged: c.privileged(),
                log_driver: c.log_configuration().map(|l| l.log_driver().as_str().to_owned()),
            })
            .collect();
        let arn = td.task_definition_arn().unwrap_or(arn).to_owned();
        let id = format!("{family}:{revision}");
        Ok(EcsTaskDefinition {
            meta: self.ctx.meta(arn, &id, &family, tags(out.tags())),
            family,
            revision,
            task_role_arn: td.task_role_arn().map(str::to_owned),
            execution_role_arn: td.execution_role_arn().map(str::to_owned),
            network_mode: td.network_mode().map(|m| m.as_str().to_owned()),
            containers,
        })
    }
}
