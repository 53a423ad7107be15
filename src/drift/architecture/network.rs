//! Architecture drift of the network sections (`architecture.vpc`, `architecture.tiers`,
//! `requirements.min_private_subnet_azs` and `nat_gateway_per_az`): the VPC, its required
//! endpoints, private subnets in enough AZs and a NAT gateway per AZ. Reachability between
//! the tiers is `drift::network`'s.

use std::collections::BTreeSet;

use serde_json::json;

use super::{changed, gone, missing, name_drift, Candidate, Run};
use crate::aws::ec2::{RouteTable, Subnet, Vpc};
use crate::baseline::{EndpointType, EnvView, SubnetVisibility};
use crate::model::{ResourceMeta, Severity, Snapshot};

/// Judges the network elements; returns the matched VPC's id (network drift needs it).
pub(super) fn check<'a>(s: &'a Snapshot, run: &mut Run<'a>) -> Option<String> {
    let vpc = vpc(s, run);
    endpoints(s, run, vpc);
    if let Some(vpc) = vpc {
        subnets(s, run, vpc);
    }
    vpc.map(|v| v.meta.id.clone())
}

fn vpc<'a>(s: &'a Snapshot, run: &mut Run<'a>) -> Option<&'a Vpc> {
    let view = run.view;
    let name = &view.architecture.vpc.name;
    let app_tag = (view.recognise.app_tag.key.as_str(), view.recognise.app_tag.value.as_str());
    let vpc = run.find(&s.ec2.vpcs, |v| &v.meta, name, Some(app_tag));
    match vpc {
        None => {
            let item = run.absent("ec2.vpcs", missing("vpc", Severity::High, &format!("VPC `{name}`")));
            run.element("vpc", item.into_iter().collect());
        }
        Some(v) => run.element("vpc", name_drift("vpc", &v.meta, name).into_iter().collect()),
    }
    vpc
}

/// Each required endpoint, in the matched VPC, of the declared type and private DNS.
fn endpoints<'a>(s: &'a Snapshot, run: &mut Run<'a>, vpc: Option<&'a Vpc>) {
    let spec = &run.view.architecture.vpc;
    let vpc_id = vpc.map(|v| &v.meta.id);
    for ep in &spec.required_endpoints {
        let element = format!("vpc_endpoint:{}", ep.service);
        let suffix = format!(".{}", ep.service);
        let candidates: Vec<_> = s
            .ec2
            .vpc_endpoints
            .iter()
            .filter(|e| Some(&e.vpc_id) == vpc_id && e.service_name.ends_with(&suffix) && !gone(&e.state))
            .collect();
        let found =
            candidates.iter().find(|e| e.endpoint_type == ep.endpoint_type.as_str()).or(candidates.first()).copied();
        let mut drift = Vec::new();
        match found {
            None => drift.extend(run.absent(
                "ec2.vpc_endpoints",
                missing(
                    &element,
                    Severity::High,
                    &format!("{} endpoint for {} in VPC `{}`", ep.endpoint_type.as_str(), ep.service, spec.name),
                ),
            )),
            Some(e) => {
                run.matched.insert(e.meta.arn.as_str());
                if e.endpoint_type != ep.endpoint_type.as_str() {
                    drift.push(changed(
                        &element,
                        &e.meta,
                        Severity::Medium,
                        "endpoint_type",
                        json!(ep.endpoint_type.as_str()),
                        json!(e.endpoint_type),
                    ));
                }
                if let Some(dns) = ep.private_dns {
                    if ep.endpoint_type == EndpointType::Interface && e.private_dns_enabled != dns {
                        drift.push(changed(
                            &element,
                            &e.meta,
                            Severity::Medium,
                            "private_dns_enabled",
                            json!(dns),
                            json!(e.private_dns_enabled),
                        ));
                    }
                }
            }
        }
        run.element(&element, drift);
    }
}

/// Private subnets in at least `min_private_subnet_azs` AZs and, where required, an available
/// NAT gateway in every AZ of the VPC (only knowable when the VPC exists).
fn subnets<'a>(s: &'a Snapshot, run: &mut Run<'a>, vpc: &'a Vpc) {
    let view = run.view;
    let req = &view.requirements;
    let subnets: Vec<&Subnet> = s.ec2.subnets.iter().filter(|x| x.vpc_id == vpc.meta.id).collect();
    let public = public_subnets(s, view, &vpc.meta.id, &subnets);
    let private_azs: BTreeSet<&str> =
        subnets.iter().filter(|x| !public.contains(x.meta.id.as_str())).map(|x| x.availability_zone.as_str()).collect();
    let want = req.min_private_subnet_azs as usize;
    if run.gaps.list_failed("ec2.subnets") || run.gaps.list_failed("ec2.route_tables") {
        run.unknown = true;
    }
    let drift = if run.unknown {
        Vec::new()
    } else if private_azs.is_empty() && want > 0 {
        vec![missing("private_subnets", Severity::High, &format!("private subnets in VPC `{}`", vpc.meta.name))]
    } else if private_azs.len() < want {
        vec![changed(
            "private_subnets",
            &vpc.meta,
            Severity::Medium,
            "availability_zone_count",
            json!(want),
            json!(private_azs.len()),
        )]
    } else {
        Vec::new()
    };
    run.element("private_subnets", drift);

    if req.nat_gateway_per_az {
        let azs: BTreeSet<&str> = subnets.iter().map(|x| x.availability_zone.as_str()).collect();
        for az in azs {
            let element = format!("nat_gateway:{az}");
            let nat = s.ec2.nat_gateways.iter().find(|n| {
                let nat_az = n.availability_zone.as_deref().or_else(|| {
                    s.ec2.subnets.iter().find(|x| x.meta.id == n.subnet_id).map(|x| x.availability_zone.as_str())
                });
                n.vpc_id == vpc.meta.id && n.state == "available" && nat_az == Some(az)
            });
            let drift = match nat {
                None => run
                    .absent("ec2.nat_gateways", missing(&element, Severity::Medium, &format!("NAT gateway in {az}")))
                    .into_iter()
                    .collect(),
                Some(_) => Vec::new(),
            };
            run.element(&element, drift);
        }
    }
}

/// Subnet ids that route to an internet gateway (explicit association, else the main table).
/// Without route tables for the VPC, falls back to the tier tag, then `map_public_ip_on_launch`.
fn public_subnets<'a>(s: &'a Snapshot, view: &EnvView, vpc_id: &str, subnets: &[&'a Subnet]) -> BTreeSet<&'a str> {
    let tables: Vec<_> = s.ec2.route_tables.iter().filter(|t| t.vpc_id == vpc_id).collect();
    let to_igw =
        |t: &RouteTable| t.routes.iter().any(|r| r.gateway_id.as_deref().is_some_and(|g| g.starts_with("igw-")));
    let mut out = BTreeSet::new();
    for x in subnets {
        let public = if tables.is_empty() {
            match view.tier_of(&x.meta.tags).and_then(|t| view.architecture.tiers.get(t)) {
                Some(tier) => tier.subnet_visibility == SubnetVisibility::Public,
                None => x.map_public_ip_on_launch,
            }
        } else {
            let explicit = tables.iter().find(|t| t.subnet_ids.iter().any(|id| id == &x.meta.id));
            explicit.or_else(|| tables.iter().find(|t| t.main)).is_some_and(|t| to_igw(t))
        };
        if public {
            out.insert(x.meta.id.as_str());
        }
    }
    out
}

/// VPCs (not the default one) and live endpoints that look like FlowForge's.
pub(super) fn candidates<'a>(s: &'a Snapshot, looks: &dyn Fn(&ResourceMeta) -> bool) -> Vec<Candidate<'a>> {
    let mut out: Vec<Candidate> = Vec::new();
    for v in s.ec2.vpcs.iter().filter(|v| !v.is_default && looks(&v.meta)) {
        out.push((format!("vpc:{}", super::display_name(&v.meta)), Severity::Low, &v.meta));
    }
    for e in s.ec2.vpc_endpoints.iter().filter(|e| looks(&e.meta) && !gone(&e.state)) {
        out.push((format!("vpc_endpoint:{}", e.meta.id), Severity::Low, &e.meta));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, summary};
    use crate::drift::testutil::*;
    use crate::model::DriftState;
    use serde_json::json;

    /// Private subnets in fewer AZs than required are a CHANGED count, not silently fine.
    #[test]
    fn private_subnets_in_one_az() {
        let mut s = compliant_snapshot();
        s.ec2.subnets.retain(|x| x.meta.id != "subnet-xb");
        let o = run(&s);
        assert_eq!(
            summary(&o.items),
            vec![("private_subnets".into(), DriftState::Changed, Some("availability_zone_count".into()))]
        );
        assert_eq!(o.items[0].actual, Some(json!(1)));
    }
}
