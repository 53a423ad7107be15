//! EKS: clusters (ListClusters, then DescribeCluster for endpoint access, encryption and
//! logging).

use std::collections::BTreeMap;

use aws_sdk_eks::Client;

use super::{CallError, Ctx};
use crate::model::{EksCluster, EksEncryptionConfig};

const SVC: &str = "eks";

#[derive(Debug, Clone)]
pub struct EksApi {
    client: Client,
    ctx: Ctx,
}

impl EksApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        EksApi { client, ctx }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    pub async fn cluster_names(&self) -> Result<Vec<String>, CallError> {
        self.client
            .list_clusters()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListClusters", e))
    }

    /// The ARN a cluster has (for recording a failed DescribeCluster).
    pub fn cluster_arn(&self, name: &str) -> String {
        self.ctx.arn(SVC, &format!("cluster/{name}"))
    }

    pub async fn cluster(&self, name: &str) -> Result<EksCluster, CallError> {
        let out = self
            .client
            .describe_cluster()
            .name(name)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeCluster", e))?;
        let Some(c) = out.cluster() else {
            return Err(CallError {
                service: SVC,
                operation: "DescribeCluster",
                code: "EmptyResponse".into(),
                message: format!("DescribeCluster returned no cluster for {name}"),
            });
        };
        let arn = c.arn().map(str::to_owned).unwrap_or_else(|| self.cluster_arn(name));
        let tags: BTreeMap<String, String> =
            c.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
        let vpc = c.resources_vpc_config();
        let mut enabled_log_types: Vec<String> = c
            .logging()
            .map(|l| {
                l.cluster_logging()
                    .iter()
                    .filter(|s| s.enabled().unwrap_or(false))
                    .flat_map(|s| s.types().iter().map(|t| t.as_str().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        enabled_log_types.sort();
        enabled_log_types.dedup();
        Ok(EksCluster {
            meta: self.ctx.meta(arn, name, name, tags),
            version: c.version().unwrap_or_default().to_owned(),
            status: c.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            role_arn: c.role_arn().map(str::to_owned),
            vpc_id: vpc.and_then(|v| v.vpc_id()).map(str::to_owned),
            subnet_ids: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
            security_group_ids: vpc.map(|v| v.security_group_ids().to_vec()).unwrap_or_default(),
            endpoint_public_access: vpc.map(|v| v.endpoint_public_access()),
            endpoint_private_access: vpc.map(|v| v.endpoint_private_access()).unwrap_or(false),
            public_access_cidrs: vpc.map(|v| v.public_access_cidrs().to_vec()).unwrap_or_default(),
            #[allow(deprecated)] // still what the API returns; the model records it
            encryption_config: c
                .encryption_config()
                .iter()
                .map(|e| EksEncryptionConfig {
                    resources: e.resources().to_vec(),
                    provider_key_arn: e.provider().and_then(|p| p.key_arn()).map(str::to_owned),
                })
                .collect(),
            enabled_log_types,
        })
    }
}
