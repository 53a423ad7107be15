//! RDS: DB instances, clusters, and the parameter groups they use with only the parameters
//! the audit reads (TLS and connection logging), so a snapshot stays small.

use std::collections::BTreeMap;

use aws_sdk_rds::types::Tag;
use aws_sdk_rds::Client;

use super::{time, CallError, Ctx};
use super::{DbCluster, DbInstance, DbParameterGroup, DbSnapshot, DbSubnetGroup};

use super::s;

const SVC: &str = "rds";

/// The parameters kept in a snapshot.
pub const AUDITED_PARAMETERS: &[&str] =
    &["rds.force_ssl", "ssl_min_protocol_version", "log_connections", "log_disconnections"];

#[derive(Debug, Clone)]
pub struct RdsApi {
    client: Client,
    ctx: Ctx,
}

fn tags(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter().filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned()))).collect()
}

impl RdsApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        RdsApi { client, ctx }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    pub async fn db_instances(&self) -> Result<Vec<DbInstance>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_db_instances()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBInstances", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.db_instance_identifier());
                let arn =
                    x.db_instance_arn().map(str::to_owned).unwrap_or_else(|| self.ctx.arn("rds", &format!("db:{id}")));
                DbInstance {
                    meta: self.ctx.meta(arn, &id, &id, tags(x.tag_list())),
                    engine: s(x.engine()),
                    engine_version: s(x.engine_version()),
                    instance_class: s(x.db_instance_class()),
                    multi_az: x.multi_az(),
                    storage_encrypted: x.storage_encrypted(),
                    kms_key_id: x.kms_key_id().map(str::to_owned),
                    publicly_accessible: x.publicly_accessible(),
                    availability_zone: x.availability_zone().map(str::to_owned),
                    secondary_availability_zone: x.secondary_availability_zone().map(str::to_owned),
                    db_subnet_group: x.db_subnet_group().map(|g| DbSubnetGroup {
                        name: s(g.db_subnet_group_name()),
                        vpc_id: s(g.vpc_id()),
                        subnet_ids: g
                            .subnets()
                            .iter()
                            .filter_map(|n| n.subnet_identifier().map(str::to_owned))
                            .collect(),
                    }),
                    vpc_security_group_ids: x
                        .vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
                        .collect(),
                    parameter_groups: x
                        .db_parameter_groups()
                        .iter()
                        .filter_map(|g| g.db_parameter_group_name().map(str::to_owned))
                        .collect(),
                    db_cluster_identifier: x.db_cluster_identifier().map(str::to_owned),
                    port: x.endpoint().and_then(|e| e.port()).or(x.db_instance_port()).filter(|p| *p != 0),
                    backup_retention_period: x.backup_retention_period(),
                    deletion_protection: x.deletion_protection(),
                    iam_database_authentication_enabled: x.iam_database_authentication_enabled().unwrap_or(false),
                    status: s(x.db_instance_status()),
                    copy_tags_to_snapshot: x.copy_tags_to_snapshot(),
                }
            })
            .collect())
    }

    pub async fn db_clusters(&self) -> Result<Vec<DbCluster>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_db_clusters()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBClusters", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.db_cluster_identifier());
                let arn = x
                    .db_cluster_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("rds", &format!("cluster:{id}")));
                DbCluster {
                    meta: self.ctx.meta(arn, &id, &id, tags(x.tag_list())),
                    engine: s(x.engine()),
                    engine_version: s(x.engine_version()),
                    multi_az: x.multi_az(),
                    storage_encrypted: x.storage_encrypted(),
                    kms_key_id: x.kms_key_id().map(str::to_owned),
                    availability_zones: x.availability_zones().to_vec(),
                    parameter_group: x.db_cluster_parameter_group().map(str::to_owned),
                    members: x
                        .db_cluster_members()
                        .iter()
                        .filter_map(|m| m.db_instance_identifier().map(str::to_owned))
                        .collect(),
                    vpc_security_group_ids: x
                        .vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
                        .collect(),
                    port: x.port(),
                    deletion_protection: x.deletion_protection().unwrap_or(false),
                }
            })
            .collect())
    }

    /// Every DB parameter group of the region (name, family, ARN), without parameters.
    pub async fn db_parameter_groups(&self) -> Result<Vec<DbParameterGroup>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_db_parameter_groups()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBParameterGroups", e))?;
        Ok(items
            .iter()
            .map(|g| {
                let name = s(g.db_parameter_group_name());
                let arn = g
                    .db_parameter_group_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("rds", &format!("pg:{name}")));
                DbParameterGroup {
                    meta: self.ctx.meta(arn, &name, &name, BTreeMap::new()),
                    kind: "instance".to_owned(),
                    family: s(g.db_parameter_group_family()),
                    parameters: BTreeMap::new(),
                }
            })
            .collect())
    }

    /// Every DB cluster parameter group of the region, without parameters.
    pub async fn db_cluster_parameter_groups(&self) -> Result<Vec<DbParameterGroup>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_db_cluster_parameter_groups()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBClusterParameterGroups", e))?;
        Ok(items
            .iter()
            .map(|g| {
                let name = s(g.db_cluster_parameter_group_name());
                let arn = g
                    .db_cluster_parameter_group_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("rds", &format!("cluster-pg:{name}")));
                DbParameterGroup {
                    meta: self.ctx.meta(arn, &name, &name, BTreeMap::new()),
                    kind: "cluster".to_owned(),
                    family: s(g.db_parameter_group_family()),
                    parameters: BTreeMap::new(),
                }
            })
            .collect())
    }

    /// The audited parameters of a DB parameter group that have a value.
    pub async fn db_parameters(&self, group: &str) -> Result<BTreeMap<String, String>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_db_parameters()
            .db_parameter_group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBParameters", e))?;
        Ok(items
            .iter()
            .filter_map(|p| {
                let name = p.parameter_name()?;
                if !AUDITED_PARAMETERS.contains(&name) {
                    return None;
                }
                Some((name.to_owned(), p.parameter_value()?.to_owned()))
            })
            .collect())
    }

    pub async fn db_cluster_parameters(&self, group: &str) -> Result<BTreeMap<String, String>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_db_cluster_parameters()
            .db_cluster_parameter_group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBClusterParameters", e))?;
        Ok(items
            .iter()
            .filter_map(|p| {
                let name = p.parameter_name()?;
                if !AUDITED_PARAMETERS.contains(&name) {
                    return None;
                }
                Some((name.to_owned(), p.parameter_value()?.to_owned()))
            })
            .collect())
    }

    /// Every DB snapshot of the region (automated and manual), without the `restore`
    /// attribute (see [`Self::snapshot_restore_accounts`]).
    pub async fn db_snapshots(&self) -> Result<Vec<DbSnapshot>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_db_snapshots()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBSnapshots", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.db_snapshot_identifier());
                let arn = x
                    .db_snapshot_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("rds", &format!("snapshot:{id}")));
                DbSnapshot {
                    meta: self.ctx.meta(arn, &id, &id, tags(x.tag_list())),
                    db_instance_identifier: s(x.db_instance_identifier()),
                    snapshot_type: s(x.snapshot_type()),
                    status: s(x.status()),
                    encrypted: x.encrypted(),
                    kms_key_id: x.kms_key_id().map(str::to_owned),
                    snapshot_create_time: time(x.snapshot_create_time()),
                    restore_accounts: None,
                }
            })
            .collect())
    }

    /// The `restore` attribute of a manual snapshot: the accounts that may restore it (`all`
    /// when it is public); empty when it is shared with nobody.
    pub async fn snapshot_restore_accounts(&self, snapshot: &str) -> Result<Vec<String>, CallError> {
        let out = self
            .client
            .describe_db_snapshot_attributes()
            .db_snapshot_identifier(snapshot)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDBSnapshotAttributes", e))?;
        let mut accounts: Vec<String> = out
            .db_snapshot_attributes_result()
            .map(|r| r.db_snapshot_attributes())
            .unwrap_or_default()
            .iter()
            .filter(|a| a.attribute_name() == Some("restore"))
            .flat_map(|a| a.attribute_values().iter().cloned())
            .collect();
        accounts.sort();
        accounts.dedup();
        Ok(accounts)
    }
}
