//! EKS: clusters (ListClusters, then DescribeCluster for endpoint access, encryption and
//! logging), node groups and Fargate profiles; and, through an EC2 client, the launch template
//! versions node groups start from (their IMDS settings).

use std::collections::BTreeMap;

use aws_sdk_eks::Client;

use super::{CallError, Ctx, EksFargateProfile, EksLaunchTemplate, EksNodeGroup, LaunchTemplateMetadataOptions};
use super::{EksCluster, EksEncryptionConfig};

fn tag_map(tags: Option<&std::collections::HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

const SVC: &str = "eks";

#[derive(Debug, Clone)]
pub struct EksApi {
    client: Client,
    /// For the launch templates node groups name (their IMDS settings).
    ec2: aws_sdk_ec2::Client,
    ctx: Ctx,
}

/// One version of a launch template, as DescribeLaunchTemplateVersions returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateVersion {
    pub number: i64,
    /// Whether it is the template's default version.
    pub default: bool,
    pub metadata_options: LaunchTemplateMetadataOptions,
}

/// The version a node group's reference names among those read for it: `$Default` the default
/// one, `$Latest` the highest number (`$Latest` is always among the versions asked for, so the
/// highest returned is the latest), a number that version; `None` (EKS: the template's default
/// version) as `$Default`. Anything else, or a version not returned, is `None`: not read.
pub fn resolve_version<'a>(reference: Option<&str>, versions: &'a [TemplateVersion]) -> Option<&'a TemplateVersion> {
    let reference = reference.unwrap_or("$Default");
    if reference.eq_ignore_ascii_case("$Default") {
        versions.iter().find(|v| v.default)
    } else if reference.eq_ignore_ascii_case("$Latest") {
        versions.iter().max_by_key(|v| v.number)
    } else {
        let n: i64 = reference.trim().parse().ok()?;
        versions.iter().find(|v| v.number == n)
    }
}

/// A launch template as DescribeLaunchTemplateVersions takes it: by id, or by name when the
/// node group gives only the name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TemplateRef {
    Id(String),
    Name(String),
}

impl TemplateRef {
    /// How a node group's reference names its template (the id when it has one).
    pub fn of(lt: &EksLaunchTemplate) -> Option<TemplateRef> {
        match (&lt.id, &lt.name) {
            (Some(id), _) => Some(TemplateRef::Id(id.clone())),
            (None, Some(name)) => Some(TemplateRef::Name(name.clone())),
            (None, None) => None,
        }
    }
}

impl EksApi {
    pub(crate) fn new(client: Client, ec2: aws_sdk_ec2::Client, ctx: Ctx) -> Self {
        EksApi { client, ec2, ctx }
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
            return Err(CallError::empty_response(
                SVC,
                "DescribeNodegroup",
                &format!("node group for {cluster}/{name}"),
            ));
        };
        let arn = n.nodegroup_arn().map(str::to_owned).unwrap_or_else(|| self.node_group_ref(cluster, name));
        Ok(EksNodeGroup {
            meta: self.ctx.meta(arn, name, name, tag_map(n.tags())),
            cluster_name: cluster.to_owned(),
            status: n.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            subnets: n.subnets().to_vec(),
            node_role: n.node_role().map(str::to_owned),
            ami_type: n.ami_type().map(|t| t.as_str().to_owned()),
            launch_template: n.launch_template().map(|l| EksLaunchTemplate {
                id: l.id().map(str::to_owned),
                name: l.name().map(str::to_owned),
                version: l.version().map(str::to_owned),
                version_number: None,
                metadata_options: None,
            }),
        })
    }

    /// The ARN a launch template's failed read is recorded under (by name when only the name
    /// is known: not a real ARN, but it names what could not be read).
    pub fn template_arn(&self, template: &TemplateRef) -> String {
        match template {
            TemplateRef::Id(id) => self.ctx.arn("ec2", &format!("launch-template/{id}")),
            TemplateRef::Name(name) => self.ctx.arn("ec2", &format!("launch-template/{name}")),
        }
    }

    /// The versions `versions` (numbers, `$Default`, `$Latest`) of one launch template, in one
    /// call (paged only past the API's page size).
    pub async fn template_versions(
        &self,
        template: &TemplateRef,
        versions: Vec<String>,
    ) -> Result<Vec<TemplateVersion>, CallError> {
        let req = self.ec2.describe_launch_template_versions().set_versions(Some(versions));
        let req = match template {
            TemplateRef::Id(id) => req.launch_template_id(id),
            TemplateRef::Name(name) => req.launch_template_name(name),
        };
        let items: Vec<aws_sdk_ec2::types::LaunchTemplateVersion> = req
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk("ec2", "DescribeLaunchTemplateVersions", e))?;
        Ok(items
            .iter()
            .filter_map(|v| {
                let md = v.launch_template_data().and_then(|d| d.metadata_options());
                Some(TemplateVersion {
                    number: v.version_number()?,
                    default: v.default_version().unwrap_or(false),
                    metadata_options: LaunchTemplateMetadataOptions {
                        http_tokens: md.and_then(|m| m.http_tokens()).map(|t| t.as_str().to_owned()),
                        http_endpoint: md.and_then(|m| m.http_endpoint()).map(|t| t.as_str().to_owned()),
                        http_put_response_hop_limit: md.and_then(|m| m.http_put_response_hop_limit()).map(i64::from),
                    },
                })
            })
            .collect())
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
            return Err(CallError::empty_response(
                SVC,
                "DescribeFargateProfile",
                &format!("profile for {cluster}/{name}"),
            ));
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
