//! How EC2 is collected: every listing of the region at once; a NAT gateway's AZ is then read
//! from its subnet.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Ec2Api, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> Ec2Api {
    let conf = aws_sdk_ec2::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("ec2"))
        .retry_partition(session.retry_partition())
        .build();
    Ec2Api::new(aws_sdk_ec2::Client::from_conf(conf), session.ctx(region), session.endpoint_url().is_some())
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let (vpcs, subnets, route_tables, igws, nats, sgs, nacls, endpoints, flow_logs, instances, ebs_on, ebs_key) = futures::join!(
        api.vpcs(),
        api.subnets(),
        api.route_tables(),
        api.internet_gateways(),
        api.nat_gateways(),
        api.security_groups(),
        api.network_acls(),
        api.vpc_endpoints(),
        api.flow_logs(),
        api.instances(),
        api.ebs_encryption_enabled(),
        api.ebs_default_kms_key(),
    );
    let mut e = Part {
        vpcs: errs.ok(r, None, vpcs).unwrap_or_default(),
        subnets: errs.ok(r, None, subnets).unwrap_or_default(),
        route_tables: errs.ok(r, None, route_tables).unwrap_or_default(),
        internet_gateways: errs.ok(r, None, igws).unwrap_or_default(),
        nat_gateways: errs.ok(r, None, nats).unwrap_or_default(),
        security_groups: errs.ok(r, None, sgs).unwrap_or_default(),
        network_acls: errs.ok(r, None, nacls).unwrap_or_default(),
        vpc_endpoints: errs.ok(r, None, endpoints).unwrap_or_default(),
        flow_logs: errs.ok(r, None, flow_logs).unwrap_or_default(),
        instances: errs.ok(r, None, instances).unwrap_or_default(),
        ebs_encryption_by_default: Vec::new(),
    };
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
    e
}
