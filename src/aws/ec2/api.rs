//! EC2 and VPC: networks, subnets, routing, gateways, security groups, endpoints, flow
//! logs, instances and the region's EBS encryption default. Every listing pages to the end.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Tag;
use aws_sdk_ec2::Client;

use super::{CallError, Ctx};
use super::{
    EbsDefaultEncryption, FlowLog, Instance, InstanceMetadataOptions, InternetGateway, NaclEntry, NatGateway,
    NetworkAcl, Route, RouteTable, SecurityGroup, SgRule, Subnet, Vpc, VpcEndpoint,
};

use super::s;

const SVC: &str = "ec2";

/// EC2 in one region.
#[derive(Debug, Clone)]
pub struct Ec2Api {
    client: Client,
    ctx: Ctx,
    /// True when an endpoint override (an emulator) is in use.
    emulator: bool,
}

fn tags(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter().filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned()))).collect()
}

fn o(v: Option<&str>) -> Option<String> {
    v.map(str::to_owned)
}

impl Ec2Api {
    pub(crate) fn new(client: Client, ctx: Ctx, emulator: bool) -> Self {
        Ec2Api { client, ctx, emulator }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    pub async fn vpcs(&self) -> Result<Vec<Vpc>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_vpcs()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeVpcs", e))?;
        Ok(items
            .iter()
            .map(|v| {
                let id = s(v.vpc_id());
                Vpc {
                    meta: self.ctx.ec2_meta("vpc", &id, tags(v.tags())),
                    cidr_block: s(v.cidr_block()),
                    ipv6_cidr_blocks: v
                        .ipv6_cidr_block_association_set()
                        .iter()
                        .filter_map(|a| o(a.ipv6_cidr_block()))
                        .collect(),
                    is_default: v.is_default().unwrap_or(false),
                    state: v.state().map(|x| x.as_str().to_owned()).unwrap_or_default(),
                }
            })
            .collect())
    }

    pub async fn subnets(&self) -> Result<Vec<Subnet>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_subnets()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeSubnets", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.subnet_id());
                Subnet {
                    meta: self.ctx.ec2_meta("subnet", &id, tags(x.tags())),
                    vpc_id: s(x.vpc_id()),
                    availability_zone: s(x.availability_zone()),
                    cidr_block: s(x.cidr_block()),
                    map_public_ip_on_launch: x.map_public_ip_on_launch().unwrap_or(false),
                }
            })
            .collect())
    }

    pub async fn route_tables(&self) -> Result<Vec<RouteTable>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_route_tables()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeRouteTables", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.route_table_id());
                let mut subnet_ids: Vec<String> = x.associations().iter().filter_map(|a| o(a.subnet_id())).collect();
                subnet_ids.sort();
                RouteTable {
                    meta: self.ctx.ec2_meta("route-table", &id, tags(x.tags())),
                    vpc_id: s(x.vpc_id()),
                    main: x.associations().iter().any(|a| a.main().unwrap_or(false)),
                    subnet_ids,
                    routes: x
                        .routes()
                        .iter()
                        .map(|r| Route {
                            destination_cidr_block: o(r.destination_cidr_block()),
                            destination_ipv6_cidr_block: o(r.destination_ipv6_cidr_block()),
                            destination_prefix_list_id: o(r.destination_prefix_list_id()),
                            gateway_id: o(r.gateway_id()),
                            nat_gateway_id: o(r.nat_gateway_id()),
                            transit_gateway_id: o(r.transit_gateway_id()),
                            vpc_peering_connection_id: o(r.vpc_peering_connection_id()),
                            state: r.state().map(|x| x.as_str().to_owned()),
                        })
                        .collect(),
                }
            })
            .collect())
    }

    pub async fn internet_gateways(&self) -> Result<Vec<InternetGateway>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_internet_gateways()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeInternetGateways", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.internet_gateway_id());
                InternetGateway {
                    meta: self.ctx.ec2_meta("internet-gateway", &id, tags(x.tags())),
                    attached_vpc_ids: x.attachments().iter().filter_map(|a| o(a.vpc_id())).collect(),
                }
            })
            .collect())
    }

    /// NAT gateways; `availability_zone` is filled by the caller from the subnets.
    pub async fn nat_gateways(&self) -> Result<Vec<NatGateway>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_nat_gateways()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeNatGateways", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.nat_gateway_id());
                NatGateway {
                    meta: self.ctx.ec2_meta("natgateway", &id, tags(x.tags())),
                    vpc_id: s(x.vpc_id()),
                    subnet_id: s(x.subnet_id()),
                    availability_zone: None,
                    state: x.state().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    connectivity_type: x
                        .connectivity_type()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_else(|| "public".to_owned()),
                }
            })
            .collect())
    }

    pub async fn security_groups(&self) -> Result<Vec<SecurityGroup>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_security_groups()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeSecurityGroups", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.group_id());
                let mut meta = self.ctx.ec2_meta("security-group", &id, tags(x.tags()));
                if !meta.tags.contains_key("Name") {
                    meta.name = s(x.group_name());
                }
                SecurityGroup {
                    meta,
                    group_name: s(x.group_name()),
                    vpc_id: s(x.vpc_id()),
                    description: s(x.description()),
                    ingress: x.ip_permissions().iter().map(sg_rule).collect(),
                    egress: x.ip_permissions_egress().iter().map(sg_rule).collect(),
                }
            })
            .collect())
    }

    /// Network ACLs with their entries (the default `*` rules included, as rule 32767) and
    /// their subnet associations, sorted so the same ACL gives the same bytes.
    pub async fn network_acls(&self) -> Result<Vec<NetworkAcl>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_network_acls()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeNetworkAcls", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.network_acl_id());
                let mut subnet_ids: Vec<String> = x.associations().iter().filter_map(|a| o(a.subnet_id())).collect();
                subnet_ids.sort();
                subnet_ids.dedup();
                let mut entries: Vec<NaclEntry> = x
                    .entries()
                    .iter()
                    .map(|e| NaclEntry {
                        rule_number: e.rule_number().unwrap_or(i32::MAX),
                        egress: e.egress().unwrap_or(false),
                        protocol: s(e.protocol()),
                        rule_action: e.rule_action().map(|a| a.as_str().to_owned()).unwrap_or_default(),
                        cidr_block: o(e.cidr_block()),
                        ipv6_cidr_block: o(e.ipv6_cidr_block()),
                        from_port: e.port_range().and_then(|r| r.from()),
                        to_port: e.port_range().and_then(|r| r.to()),
                    })
                    .collect();
                entries.sort_by(|a, b| {
                    (a.egress, a.rule_number, &a.cidr_block, &a.ipv6_cidr_block).cmp(&(
                        b.egress,
                        b.rule_number,
                        &b.cidr_block,
                        &b.ipv6_cidr_block,
                    ))
                });
                NetworkAcl {
                    meta: self.ctx.ec2_meta("network-acl", &id, tags(x.tags())),
                    vpc_id: s(x.vpc_id()),
                    is_default: x.is_default().unwrap_or(false),
                    subnet_ids,
                    entries,
                }
            })
            .collect())
    }

    pub async fn vpc_endpoints(&self) -> Result<Vec<VpcEndpoint>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_vpc_endpoints()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeVpcEndpoints", e))?;
        items
            .iter()
            .map(|x| {
                let id = s(x.vpc_endpoint_id());
                let policy = match x.policy_document() {
                    Some(text) if !text.trim().is_empty() => Some(super::policy(SVC, "DescribeVpcEndpoints", text)?),
                    _ => None,
                };
                Ok(VpcEndpoint {
                    meta: self.ctx.ec2_meta("vpc-endpoint", &id, tags(x.tags())),
                    vpc_id: s(x.vpc_id()),
                    service_name: s(x.service_name()),
                    endpoint_type: x.vpc_endpoint_type().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    private_dns_enabled: x.private_dns_enabled().unwrap_or(false),
                    state: x.state().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    subnet_ids: x.subnet_ids().to_vec(),
                    route_table_ids: x.route_table_ids().to_vec(),
                    security_group_ids: x.groups().iter().filter_map(|g| o(g.group_id())).collect(),
                    policy,
                })
            })
            .collect()
    }

    pub async fn flow_logs(&self) -> Result<Vec<FlowLog>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_flow_logs()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeFlowLogs", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let id = s(x.flow_log_id());
                FlowLog {
                    meta: self.ctx.ec2_meta("vpc-flow-log", &id, tags(x.tags())),
                    resource_id: s(x.resource_id()),
                    traffic_type: x.traffic_type().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    log_destination_type: x.log_destination_type().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    log_destination: o(x.log_destination()).or_else(|| o(x.log_group_name())),
                    status: s(x.flow_log_status()),
                }
            })
            .collect())
    }

    pub async fn instances(&self) -> Result<Vec<Instance>, CallError> {
        let reservations: Vec<_> = self
            .client
            .describe_instances()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeInstances", e))?;
        Ok(reservations
            .iter()
            .flat_map(|r| r.instances())
            .map(|x| {
                let id = s(x.instance_id());
                let md = x.metadata_options();
                Instance {
                    meta: self.ctx.ec2_meta("instance", &id, tags(x.tags())),
                    vpc_id: o(x.vpc_id()),
                    subnet_id: o(x.subnet_id()),
                    state: x.state().and_then(|st| st.name()).map(|n| n.as_str().to_owned()).unwrap_or_default(),
                    instance_type: x.instance_type().map(|t| t.as_str().to_owned()).unwrap_or_default(),
                    iam_instance_profile_arn: x.iam_instance_profile().and_then(|p| o(p.arn())),
                    public_ip_address: o(x.public_ip_address()),
                    security_group_ids: x.security_groups().iter().filter_map(|g| o(g.group_id())).collect(),
                    metadata_options: InstanceMetadataOptions {
                        http_tokens: md
                            .and_then(|m| m.http_tokens())
                            .map(|v| v.as_str().to_owned())
                            .unwrap_or_default(),
                        http_endpoint: md
                            .and_then(|m| m.http_endpoint())
                            .map(|v| v.as_str().to_owned())
                            .unwrap_or_default(),
                        http_put_response_hop_limit: md.and_then(|m| m.http_put_response_hop_limit()),
                    },
                }
            })
            .collect())
    }

    /// Whether new EBS volumes are encrypted by default (synthetic ARN, see the model).
    pub async fn ebs_encryption_enabled(&self) -> Result<bool, CallError> {
        let out = self
            .client
            .get_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetEbsEncryptionByDefault", e))?;
        Ok(out.ebs_encryption_by_default().unwrap_or(false))
    }

    /// The default EBS key. Against an emulator endpoint, an operation it does not implement
    /// (moto answers GetEbsDefaultKmsKeyId with an HTTP 500 page) reads as "no key" instead
    /// of an error; against AWS every failure is recorded.
    pub async fn ebs_default_kms_key(&self) -> Result<Option<String>, CallError> {
        match self.client.get_ebs_default_kms_key_id().send().await {
            Ok(out) => Ok(o(out.kms_key_id())),
            Err(e) => {
                let unimplemented = self.emulator
                    && matches!(super::error::raw_body(&e), Some((500, body)) if !body.contains("<Code>"));
                if unimplemented {
                    tracing::info!("the endpoint does not implement GetEbsDefaultKmsKeyId; recording no default key");
                    Ok(None)
                } else {
                    Err(CallError::from_sdk(SVC, "GetEbsDefaultKmsKeyId", e))
                }
            }
        }
    }

    /// The region's EBS default-encryption resource from the two answers.
    pub fn ebs_default_encryption(&self, enabled: bool, kms_key_id: Option<String>) -> EbsDefaultEncryption {
        EbsDefaultEncryption {
            meta: self.ctx.meta(
                self.ctx.arn("ec2", "ebs-encryption-by-default"),
                "ebs-encryption-by-default",
                "ebs-encryption-by-default",
                BTreeMap::new(),
            ),
            enabled,
            kms_key_id,
        }
    }
}

fn sg_rule(p: &aws_sdk_ec2::types::IpPermission) -> SgRule {
    let protocol = s(p.ip_protocol());
    let all = protocol == "-1";
    let descriptions: Vec<String> = p
        .ip_ranges()
        .iter()
        .filter_map(|r| o(r.description()))
        .chain(p.ipv6_ranges().iter().filter_map(|r| o(r.description())))
        .chain(p.user_id_group_pairs().iter().filter_map(|r| o(r.description())))
        .collect();
    SgRule {
        protocol,
        from_port: if all { None } else { p.from_port() },
        to_port: if all { None } else { p.to_port() },
        ipv4_ranges: p.ip_ranges().iter().filter_map(|r| o(r.cidr_ip())).collect(),
        ipv6_ranges: p.ipv6_ranges().iter().filter_map(|r| o(r.cidr_ipv6())).collect(),
        referenced_group_ids: p.user_id_group_pairs().iter().filter_map(|g| o(g.group_id())).collect(),
        prefix_list_ids: p.prefix_list_ids().iter().filter_map(|g| o(g.prefix_list_id())).collect(),
        description: if descriptions.is_empty() { None } else { Some(descriptions.join("; ")) },
    }
}
