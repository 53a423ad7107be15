//! EKS: clusters (ListClusters, then DescribeCluster for endpoint access, encryption and
//! logging).

use std::collections::BTreeMap;

use aws_sdk_eks::Client;

use super::{CallError, Ctx, EksFargateProfile, EksLaunchTemplate, EksNodeGroup};
use crate::model::{EksCluster, EksEncryptionConfig};

fn tag_map(tags: Option<&std::collections::HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

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
            return Err(CallError::empty_response(SVC, "DescribeCluster", &format!("cluster for {name}")));
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
            oidc_issuer: c.identity().and_then(|i| i.oidc()).and_then(|o| o.issuer()).map(str::to_owned),
        })
    }

    pub async fn node_group_names(&self, cluster: &str) -> Result<Vec<String>, CallError> {
        self.client
            .list_nodegroups()
            .cluster_name(cluster)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListNodegroups", e))
    }

    /// The ARN a node group is recorded under when DescribeNodegroup fails (the real one
    /// ends in a generated id the listing does not give).
    pub fn node_group_ref(&self, cluster: &str, name: &str) -> String {
        self.ctx.arn(SVC, &format!("nodegroup/{cluster}/{name}"))
    }

    pub async fn node_group(&self, cluster: &str, name: &str) -> Result<EksNodeGroup, CallError> {
        let out = self
            .client
            .describe_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(name)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeNodegroup", e))?;
        let Some(n) = out.nodegroup() else {
            return Err(CallError::empty_response(SVC, "DescribeNodegroup", &format!("node group for {cluster}/{name}")));
        };
        let arn = n.nodegroup_arn().map(str::to_owned).unwrap_or_else(|| self.node_group_ref(cluster, name));
        Ok(EksNodeGroup {
            meta: self.ctx.meta(arn, name, name, tag_map(n.tags())),
            cluster_name: cluster.to_owned(),
            status: n.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            subnets: n.subnets().to_vec(),
            node_role: n.node_role().map(str::to_owned),
            launch_template: n.launch_template().map(|l| EksLaunchTemplate {
                id: l.id().map(str::to_owned),
                name: l.name().map(str::to_owned),
                version: l.version().map(str::to_owned),
            }),
        })
    }

    pub async fn fargate_profile_names(&self, cluster: &str) -> Result<Vec<String>, CallError> {
        self.client
            .list_fargate_profiles()
            .cluster_name(cluster)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListFargateProfiles", e))
    }

    /// The ARN a Fargate profile is recorded under when DescribeFargateProfile fails.
    pub fn fargate_profile_ref(&self, cluster: &str, name: &str) -> String {
        self.ctx.arn(SVC, &format!("fargateprofile/{cluster}/{name}"))
    }

    pub async fn fargate_profile(&self, cluster: &str, name: &str) -> Result<EksFargateProfile, CallError> {
        let out = self
            .client
            .describe_fargate_profile()
            .cluster_name(cluster)
            .fargate_profile_name(name)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeFargateProfile", e))?;
        let Some(p) = out.fargate_profile() else {
            return Err(CallError::empty_response(SVC, "DescribeFargateProfile", &format!("profile for {cluster}/{name}")));
        };
        let arn = p.fargate_profile_arn().map(str::to_owned).unwrap_or_else(|| self.fargate_profile_ref(cluster, name));
        Ok(EksFargateProfile {
            meta: self.ctx.meta(arn, name, name, tag_map(p.tags())),
            cluster_name: cluster.to_owned(),
            status: p.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            subnets: p.subnets().to_vec(),
            pod_execution_role_arn: p.pod_execution_role_arn().map(str::to_owned),
        })
    }
}
