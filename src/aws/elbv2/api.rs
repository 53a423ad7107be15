//! Elastic Load Balancing v2: load balancers (with attributes and tags) and their listeners.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::Client;

use super::{CallError, Ctx};
use super::{Listener, ListenerAction, LoadBalancer, RedirectConfig};

const SVC: &str = "elasticloadbalancing";

#[derive(Debug, Clone)]
pub struct Elbv2Api {
    client: Client,
    ctx: Ctx,
}

impl Elbv2Api {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        Elbv2Api { client, ctx }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    /// Load balancers without attributes and tags (see the per-balancer calls).
    pub async fn load_balancers(&self) -> Result<Vec<LoadBalancer>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_load_balancers()
            .page_size(400)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeLoadBalancers", e))?;
        Ok(items
            .iter()
            .map(|x| {
                let name = x.load_balancer_name().unwrap_or_default();
                let arn = x.load_balancer_arn().unwrap_or_default().to_owned();
                LoadBalancer {
                    meta: self.ctx.meta(arn, name, name, BTreeMap::new()),
                    dns_name: x.dns_name().unwrap_or_default().to_owned(),
                    scheme: x.scheme().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    lb_type: x.r#type().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    vpc_id: x.vpc_id().map(str::to_owned),
                    security_group_ids: x.security_groups().to_vec(),
                    availability_zones: x
                        .availability_zones()
                        .iter()
                        .filter_map(|z| z.zone_name().map(str::to_owned))
                        .collect(),
                    state: x.state().and_then(|s| s.code()).map(|c| c.as_str().to_owned()).unwrap_or_default(),
                    attributes: BTreeMap::new(),
                }
            })
            .collect())
    }

    pub async fn attributes(&self, lb_arn: &str) -> Result<BTreeMap<String, String>, CallError> {
        let out = self
            .client
            .describe_load_balancer_attributes()
            .load_balancer_arn(lb_arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeLoadBalancerAttributes", e))?;
        Ok(out
            .attributes()
            .iter()
            .filter_map(|a| Some((a.key()?.to_owned(), a.value().unwrap_or_default().to_owned())))
            .collect())
    }

    /// Tags of up to [`super::TAGS_BATCH`] resources: ARN → tags.
    pub async fn tags(&self, arns: &[String]) -> Result<BTreeMap<String, BTreeMap<String, String>>, CallError> {
        let out = self
            .client
            .describe_tags()
            .set_resource_arns(Some(arns.to_vec()))
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeTags", e))?;
        Ok(out
            .tag_descriptions()
            .iter()
            .filter_map(|d| {
                let tags = d
                    .tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned())))
                    .collect();
                Some((d.resource_arn()?.to_owned(), tags))
            })
            .collect())
    }

    /// The listeners of one load balancer (`lb_name` names them `<lb>:<port>`).
    pub async fn listeners(&self, lb_arn: &str, lb_name: &str) -> Result<Vec<Listener>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_listeners()
            .load_balancer_arn(lb_arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeListeners", e))?;
        Ok(items
            .iter()
            .map(|l| {
                let arn = l.listener_arn().unwrap_or_default().to_owned();
                let port = l.port().unwrap_or(0);
                let id = arn.rsplit('/').next().unwrap_or_default().to_owned();
                Listener {
                    meta: self.ctx.meta(arn.clone(), &id, &format!("{lb_name}:{port}"), BTreeMap::new()),
                    load_balancer_arn: l.load_balancer_arn().unwrap_or(lb_arn).to_owned(),
                    port,
                    protocol: l.protocol().map(|p| p.as_str().to_owned()).unwrap_or_default(),
                    ssl_policy: l.ssl_policy().map(str::to_owned).filter(|p| !p.is_empty()),
                    certificate_arns: l
                        .certificates()
                        .iter()
                        .filter_map(|c| c.certificate_arn().map(str::to_owned))
                        .collect(),
                    default_actions: l
                        .default_actions()
                        .iter()
                        .map(|a| ListenerAction {
                            action_type: a.r#type().map(|t| t.as_str().to_owned()).unwrap_or_default(),
                            target_group_arn: a.target_group_arn().map(str::to_owned),
                            redirect: a.redirect_config().map(|r| RedirectConfig {
                                protocol: r.protocol().map(str::to_owned),
                                port: r.port().map(str::to_owned),
                                status_code: r.status_code().map(|c| c.as_str().to_owned()).unwrap_or_default(),
                            }),
                        })
                        .collect(),
                }
            })
            .collect())
    }
}
