//! AWS WAF (v2): regional web ACLs, their logging, and the web ACL of each load balancer.

use std::collections::BTreeMap;

use aws_sdk_wafv2::types::Scope;
use aws_sdk_wafv2::Client;

use super::{CallError, Ctx, WafLoggingConfiguration, WebAcl, WebAclAssociation};

const SVC: &str = "wafv2";

/// A web ACL as ListWebACLs names it: what GetWebACL needs.
#[derive(Debug, Clone)]
pub struct WebAclRef {
    pub name: String,
    pub id: String,
    pub arn: String,
}

#[derive(Debug, Clone)]
pub struct Wafv2Api {
    client: Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    ctx: Ctx,
}

impl Wafv2Api {
    pub(crate) fn new(client: Client, elb: aws_sdk_elasticloadbalancingv2::Client, ctx: Ctx) -> Self {
        Wafv2Api { client, elb, ctx }
    }

    /// Every regional web ACL (ListWebACLs pages with a marker; the SDK has no paginator).
    pub async fn web_acls(&self) -> Result<Vec<WebAclRef>, CallError> {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = self
                .client
                .list_web_acls()
                .scope(Scope::Regional)
                .limit(super::LIST_LIMIT)
                .set_next_marker(marker.take())
                .send()
                .await
                .map_err(|e| CallError::from_sdk(SVC, "ListWebACLs", e))?;
            out.extend(page.web_acls().iter().filter_map(|w| {
                Some(WebAclRef { name: w.name()?.to_owned(), id: w.id()?.to_owned(), arn: w.arn()?.to_owned() })
            }));
            match page.next_marker().filter(|m| !m.is_empty() && !page.web_acls().is_empty()) {
                Some(m) => marker = Some(m.to_owned()),
                None => return Ok(out),
            }
        }
    }

    /// One web ACL's default action and the rule groups its rules run.
    pub async fn web_acl(&self, acl: &WebAclRef) -> Result<WebAcl, CallError> {
        let out = self
            .client
            .get_web_acl()
            .scope(Scope::Regional)
            .name(&acl.name)
            .id(&acl.id)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetWebACL", e))?;
        let mut web_acl =
            WebAcl { meta: self.ctx.meta(acl.arn.clone(), &acl.id, &acl.name, BTreeMap::new()), ..Default::default() };
        if let Some(w) = out.web_acl() {
            web_acl.default_action = w.default_action().and_then(|d| {
                if d.block().is_some() {
                    Some("BLOCK".to_owned())
                } else {
                    d.allow().map(|_| "ALLOW".to_owned())
                }
            });
            let mut rules: Vec<_> = w.rules().iter().collect();
            rules.sort_by_key(|r| r.priority());
            for rule in rules {
                let Some(st) = rule.statement() else { continue };
                if let Some(m) = st.managed_rule_group_statement() {
                    web_acl.managed_rule_groups.push(m.name().to_owned());
                }
                if let Some(g) = st.rule_group_reference_statement() {
                    web_acl.rule_group_arns.push(g.arn().to_owned());
                }
            }
        }
        Ok(web_acl)
    }

    /// The Application Load Balancers of the region: (ARN, name).
    pub async fn load_balancers(&self) -> Result<Vec<(String, String)>, CallError> {
        let items: Vec<_> = self
            .elb
            .describe_load_balancers()
            .page_size(400)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk("elasticloadbalancing", "DescribeLoadBalancers", e))?;
        Ok(items
            .iter()
            .filter(|lb| lb.r#type().is_some_and(|t| t.as_str() == "application"))
            .filter_map(|lb| Some((lb.load_balancer_arn()?.to_owned(), lb.load_balancer_name()?.to_owned())))
            .collect())
    }

    /// The web ACL protecting one load balancer.
    pub async fn association(&self, lb_arn: &str, lb_name: &str) -> Result<WebAclAssociation, CallError> {
        let out = self
            .client
            .get_web_acl_for_resource()
            .resource_arn(lb_arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetWebACLForResource", e))?;
        Ok(WebAclAssociation {
            meta: self.ctx.meta(lb_arn.to_owned(), lb_name, lb_name, BTreeMap::new()),
            resource_arn: lb_arn.to_owned(),
            web_acl_arn: out.web_acl().map(|w| w.arn().to_owned()).filter(|a| !a.is_empty()),
        })
    }

    /// The logging configuration of every regional web ACL that logs.
    pub async fn logging_configurations(&self) -> Result<Vec<WafLoggingConfiguration>, CallError> {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = self
                .client
                .list_logging_configurations()
                .scope(Scope::Regional)
                .limit(super::LIST_LIMIT)
                .set_next_marker(marker.take())
                .send()
                .await
                .map_err(|e| CallError::from_sdk(SVC, "ListLoggingConfigurations", e))?;
            out.extend(page.logging_configurations().iter().map(|l| {
                let arn = l.resource_arn().to_owned();
                let mut parts = arn.rsplit('/');
                let id = parts.next().unwrap_or_default().to_owned();
                let name = parts.next().unwrap_or_default().to_owned();
                WafLoggingConfiguration {
                    meta: self.ctx.meta(arn, &id, &name, BTreeMap::new()),
                    destinations: l.log_destination_configs().to_vec(),
                }
            }));
            match page.next_marker().filter(|m| !m.is_empty() && !page.logging_configurations().is_empty()) {
                Some(m) => marker = Some(m.to_owned()),
                None => return Ok(out),
            }
        }
    }
}
