//! One collecting function per service: call the typed [`crate::aws`] listings, fan out
//! per resource with bounded concurrency, record failures and return a partial snapshot.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use futures::stream::{self, StreamExt};

use super::Errors;
use crate::aws::{
    self, BucketRef, ConfigApi, Ec2Api, EksApi, Elbv2Api, IamApi, RdsApi, S3Api, SecretsManagerApi, Session,
};
use crate::model::{Bucket, DbParameterGroup, ResourceMeta, Snapshot};

pub(crate) async fn iam(api: IamApi, errs: Arc<Errors>) -> Snapshot {
    let g = aws::GLOBAL_REGION;
    let (details, password) = futures::join!(api.authorization_details(), api.password_policy());
    let mut out = Snapshot::default();
    if let Some(d) = errs.ok(g, None, details) {
        for (arn, e) in d.errors {
            errs.record(g, Some(&arn), e);
        }
        out.iam.roles = d.roles;
        out.iam.users = d.users;
        out.iam.groups = d.groups;
        out.iam.policies = d.policies;
    }
    if let Some(p) = errs.ok(g, None, password) {
        out.iam.password_policy.push(p);
    }
    out
}

pub(crate) async fn ec2(api: Ec2Api, errs: Arc<Errors>) -> Snapshot {
    let r = api.region().to_owned();
    let r = r.as_str();
    let (vpcs, subnets, route_tables, igws, nats, sgs, endpoints, flow_logs, instances, ebs_on, ebs_key) = futures::join!(
        api.vpcs(),
        api.subnets(),
        api.route_tables(),
        api.internet_gateways(),
        api.nat_gateways(),
        api.security_groups(),
        api.vpc_endpoints(),
        api.flow_logs(),
        api.instances(),
        api.ebs_encryption_enabled(),
        api.ebs_default_kms_key(),
    );
    let mut out = Snapshot::default();
    let e = &mut out.ec2;
    e.vpcs = errs.ok(r, None, vpcs).unwrap_or_default();
    e.subnets = errs.ok(r, None, subnets).unwrap_or_default();
    e.route_tables = errs.ok(r, None, route_tables).unwrap_or_default();
    e.internet_gateways = errs.ok(r, None, igws).unwrap_or_default();
    e.nat_gateways = errs.ok(r, None, nats).unwrap_or_default();
    e.security_groups = errs.ok(r, None, sgs).unwrap_or_default();
    e.vpc_endpoints = errs.ok(r, None, endpoints).unwrap_or_default();
    e.flow_logs = errs.ok(r, None, flow_logs).unwrap_or_default();
    e.instances = errs.ok(r, None, instances).unwrap_or_default();
    // A NAT gateway's AZ is its subnet's.
    let az: BTreeMap<&str, &str> =
        e.subnets.iter().map(|s| (s.meta.id.as_str(), s.availability_zone.as_str())).collect();
    for nat in &mut e.nat_gateways {
        nat.availability_zone = az.get(nat.subnet_id.as_str()).map(|z| (*z).to_owned());
    }
    let enabled = errs.ok(r, None, ebs_on);
    let key = errs.ok(r, None, ebs_key).flatten();
    if let Some(enabled) = enabled {
        e.ebs_encryption_by_default.push(api.ebs_default_encryption(enabled, key));
    }
    out
}

/// Per-region S3 clients, built on first use (bucket calls go to the bucket's region).
struct S3Clients<'a> {
    session: &'a Session,
    by_region: Mutex<BTreeMap<String, S3Api>>,
}

impl S3Clients<'_> {
    fn get(&self, region: &str) -> S3Api {
        let mut g = match self.by_region.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        g.entry(region.to_owned()).or_insert_with(|| self.session.s3(region)).clone()
    }
}

pub(crate) async fn s3(session: &Session, concurrency: usize, errs: Arc<Errors>) -> Snapshot {
    let g = aws::GLOBAL_REGION;
    let home_region = session.regions.first().cloned().unwrap_or_else(|| "us-east-1".to_owned());
    let clients = S3Clients { session, by_region: Mutex::new(BTreeMap::new()) };
    let home = clients.get(&home_region);
    let mut out = Snapshot::default();
    let (account_block, buckets) = futures::join!(home.account_public_access_block(), home.list_buckets());
    if let Some(b) = errs.ok(g, None, account_block) {
        out.s3.account_public_access_block.push(b);
    }
    let Some(buckets) = errs.ok(g, None, buckets) else {
        return out;
    };
    let clients = &clients;
    let home = &home;
    let errs = &errs;
    let partition = session.partition.as_str();
    let account_id = session.account_id.as_str();
    out.s3.buckets = stream::iter(buckets)
        .map(|b| bucket(clients, home, b, partition, account_id, &home_region, errs))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}

async fn bucket(
    clients: &S3Clients<'_>,
    home: &S3Api,
    b: BucketRef,
    partition: &str,
    account_id: &str,
    home_region: &str,
    errs: &Errors,
) -> Bucket {
    let arn = b.arn(partition);
    let region = match &b.region {
        Some(r) => r.clone(),
        None => match home.bucket_region(&b.name).await {
            Ok(r) => r,
            Err(e) => {
                errs.record(home_region, Some(&arn), e);
                home_region.to_owned()
            }
        },
    };
    let api = clients.get(&region);
    let name = b.name.as_str();
    let (encryption, policy, versioning, pab, logging, tags) = futures::join!(
        api.encryption(name),
        api.policy(name),
        api.versioning(name),
        api.public_access_block(name),
        api.logging(name),
        api.tags(name),
    );
    let r = region.as_str();
    let a = Some(arn.as_str());
    Bucket {
        encryption: errs.ok(r, a, encryption).flatten(),
        policy: errs.ok(r, a, policy).flatten(),
        versioning: errs.ok(r, a, versioning).unwrap_or_default(),
        public_access_block: errs.ok(r, a, pab).flatten(),
        logging: errs.ok(r, a, logging).flatten(),
        meta: ResourceMeta {
            arn: arn.clone(),
            id: b.name.clone(),
            name: b.name.clone(),
            region: region.clone(),
            account_id: account_id.to_owned(),
            tags: errs.ok(r, a, tags).unwrap_or_default(),
        },
        creation_date: b.creation_date,
    }
}

pub(crate) async fn rds(api: RdsApi, concurrency: usize, errs: Arc<Errors>) -> Snapshot {
    let (instances, clusters) = futures::join!(api.db_instances(), api.db_clusters());
    let r = api.region().to_owned();
    let mut out = Snapshot::default();
    out.rds.db_instances = errs.ok(&r, None, instances).unwrap_or_default();
    out.rds.db_clusters = errs.ok(&r, None, clusters).unwrap_or_default();

    // Only the parameter groups in use are read (DescribeDBParameters pages through hundreds
    // of parameters per group).
    let instance_groups: BTreeSet<String> =
        out.rds.db_instances.iter().flat_map(|i| i.parameter_groups.iter().cloned()).collect();
    let cluster_groups: BTreeSet<String> =
        out.rds.db_clusters.iter().filter_map(|c| c.parameter_group.clone()).collect();
    let (groups, cluster_pgs) = futures::join!(
        async {
            if instance_groups.is_empty() {
                Ok(Vec::new())
            } else {
                api.db_parameter_groups().await
            }
        },
        async {
            if cluster_groups.is_empty() {
                Ok(Vec::new())
            } else {
                api.db_cluster_parameter_groups().await
            }
        },
    );
    let groups: Vec<DbParameterGroup> = errs
        .ok(&r, None, groups)
        .unwrap_or_default()
        .into_iter()
        .filter(|g| instance_groups.contains(&g.meta.id))
        .chain(
            errs.ok(&r, None, cluster_pgs)
                .unwrap_or_default()
                .into_iter()
                .filter(|g| cluster_groups.contains(&g.meta.id)),
        )
        .collect();
    let api = &api;
    let errs = &errs;
    let r = r.as_str();
    out.rds.parameter_groups = stream::iter(groups)
        .map(|mut g| async move {
            let params = if g.kind == "cluster" {
                api.db_cluster_parameters(&g.meta.id).await
            } else {
                api.db_parameters(&g.meta.id).await
            };
            g.parameters = errs.ok(r, Some(&g.meta.arn), params).unwrap_or_default();
            g
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}

pub(crate) async fn secretsmanager(api: SecretsManagerApi, concurrency: usize, errs: Arc<Errors>) -> Snapshot {
    let r = api.region().to_owned();
    let mut out = Snapshot::default();
    let Some(secrets) = errs.ok(&r, None, api.secrets().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    let r = r.as_str();
    out.secretsmanager.secrets = stream::iter(secrets)
        .map(|mut s| async move {
            s.policy = errs.ok(r, Some(&s.meta.arn), api.resource_policy(&s.meta.arn).await).flatten();
            s
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}

pub(crate) async fn config(api: ConfigApi, errs: Arc<Errors>) -> Snapshot {
    let r = api.region().to_owned();
    let (recorders, status, channels) = futures::join!(api.recorders(), api.recorder_status(), api.delivery_channels());
    let mut out = Snapshot::default();
    let status = errs.ok(&r, None, status).unwrap_or_default();
    out.config.recorders = errs
        .ok(&r, None, recorders)
        .unwrap_or_default()
        .into_iter()
        .map(|mut rec| {
            if let Some((recording, last)) = status.get(&rec.meta.id) {
                rec.recording = *recording;
                rec.last_status = last.clone();
            }
            rec
        })
        .collect();
    out.config.delivery_channels = errs.ok(&r, None, channels).unwrap_or_default();
    out
}

pub(crate) async fn elbv2(api: Elbv2Api, concurrency: usize, errs: Arc<Errors>) -> Snapshot {
    let r = api.region().to_owned();
    let mut out = Snapshot::default();
    let Some(lbs) = errs.ok(&r, None, api.load_balancers().await) else {
        return out;
    };
    let arns: Vec<String> = lbs.iter().map(|l| l.meta.arn.clone()).collect();
    let api = &api;
    let errs = &errs;
    let rr = r.as_str();
    let tag_batches: Vec<BTreeMap<String, BTreeMap<String, String>>> =
        stream::iter(arns.chunks(aws::ELB_TAGS_BATCH).map(<[String]>::to_vec))
            .map(|chunk: Vec<String>| async move {
                match api.tags(&chunk).await {
                    Ok(t) => t,
                    Err(e) => {
                        for arn in &chunk {
                            errs.record(rr, Some(arn), e.clone());
                        }
                        BTreeMap::new()
                    }
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    let tags: BTreeMap<String, BTreeMap<String, String>> = tag_batches.into_iter().flatten().collect();
    let results: Vec<_> = stream::iter(lbs)
        .map(|mut lb| {
            let tags = tags.get(&lb.meta.arn).cloned().unwrap_or_default();
            async move {
                let arn = lb.meta.arn.clone();
                let (attrs, listeners) = futures::join!(api.attributes(&arn), api.listeners(&arn, &lb.meta.name));
                lb.attributes = errs.ok(rr, Some(&arn), attrs).unwrap_or_default();
                lb.meta.tags = tags;
                (lb, errs.ok(rr, Some(&arn), listeners).unwrap_or_default())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    for (lb, listeners) in results {
        out.elbv2.load_balancers.push(lb);
        out.elbv2.listeners.extend(listeners);
    }
    out
}

pub(crate) async fn eks(api: EksApi, concurrency: usize, errs: Arc<Errors>) -> Snapshot {
    let r = api.region().to_owned();
    let mut out = Snapshot::default();
    let Some(names) = errs.ok(&r, None, api.cluster_names().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    let rr = r.as_str();
    let clusters: Vec<_> = stream::iter(names)
        .map(|name| async move {
            let res = api.cluster(&name).await;
            errs.ok(rr, Some(&api.cluster_arn(&name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.eks.clusters = clusters.into_iter().flatten().collect();
    out
}
