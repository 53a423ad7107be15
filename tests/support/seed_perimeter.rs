//! Seeds the perimeter and monitoring of a FlowForge account into moto (issue 13 items 2-5):
//! a web ACL with the baseline's rule groups on the ALB, logging to CloudWatch Logs; an
//! imported ACM certificate on the HTTPS listener; the declared alarms notifying an encrypted
//! SNS topic with a confirmed subscription; the declared log groups with retention and KMS.
//! Also injects one drift per perimeter check ([`super::seed::Drift`]).
//!
//! Emulator notes: ACM's RequestCertificate stays PENDING_VALIDATION in moto, so the
//! certificates are imported (tests/data/perimeter, self-signed); moto auto-confirms e-mail
//! subscriptions; moto has no ListResourcesForWebACL (the collector asks GetWebACLForResource).

use aws_sdk_wafv2::types as waft;

use super::seed::{Clients, Drift, ACCOUNT_ID, REGION};

/// The managed rule groups of `baselines/flowforge.yaml` (architecture.perimeter.waf).
pub const RULE_GROUPS: [&str; 2] = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"];

/// What the perimeter seed created.
#[derive(Debug, Clone, Default)]
pub struct SeededPerimeter {
    pub web_acl_arn: String,
    pub web_acl_name: String,
    pub web_acl_id: String,
    /// The ALB's ARN with `/web-acl`: the association resource of the snapshot.
    pub association_arn: String,
    pub certificate_arn: String,
    /// A certificate outside the FlowForge domain, imported but unused until the drift.
    pub outside_certificate_arn: String,
    pub topic_arn: String,
    /// Alarm name → ARN.
    pub alarms: Vec<(String, String)>,
    /// Log group name → ARN.
    pub log_groups: Vec<(String, String)>,
}

fn arn(service: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}")
}

/// A certificate or key file: from `FLOWFORGE_SEED_CERT_DIR` when set (the org benchmark's
/// tenants `t01`... get theirs there), else `tests/data/perimeter/`.
fn pem(name: &str) -> aws_sdk_acm::primitives::Blob {
    let dir = std::env::var("FLOWFORGE_SEED_CERT_DIR")
        .unwrap_or_else(|_| format!("{}/tests/data/perimeter", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{dir}/{name}");
    aws_sdk_acm::primitives::Blob::new(std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}")))
}

fn visibility(metric: &str) -> waft::VisibilityConfig {
    waft::VisibilityConfig::builder()
        .sampled_requests_enabled(true)
        .cloud_watch_metrics_enabled(true)
        .metric_name(metric)
        .build()
        .expect("visibility")
}

/// Seeds the perimeter of `env` around the ALB and HTTPS listener the main seed created.
pub async fn seed(
    c: &Clients,
    env: &str,
    alb_arn: &str,
    https_listener_arn: &str,
    kms_key_arn: &str,
) -> SeededPerimeter {
    let p = format!("flowforge-{env}");
    let mut s = SeededPerimeter::default();

    // ------------------------------------------------------------ certificates
    let import = |cert: &str, key: &str| c.acm.import_certificate().certificate(pem(cert)).private_key(pem(key)).send();
    s.certificate_arn = import(&format!("{env}.cert.pem"), &format!("{env}.key.pem"))
        .await
        .expect("import certificate")
        .certificate_arn()
        .expect("certificate arn")
        .to_owned();
    s.outside_certificate_arn = import("outside.cert.pem", "outside.key.pem")
        .await
        .expect("import outside certificate")
        .certificate_arn()
        .expect("certificate arn")
        .to_owned();
    set_listener_certificate(c, https_listener_arn, &s.certificate_arn).await;

    // ------------------------------------------------------------ log groups
    let groups = [
        format!("/aws/eks/{p}-data-plane/cluster"),
        format!("/ecs/{p}-control-plane"),
        format!("/flowforge/{env}/prefect"),
        format!("/flowforge/{env}/vpc-flow-logs"),
    ];
    for g in &groups {
        create_log_group(c, g, Some(kms_key_arn), 365).await;
        s.log_groups.push((g.clone(), arn("logs", &format!("log-group:{g}"))));
    }
    let waf_logs = format!("aws-waf-logs-{p}");
    create_log_group(c, &waf_logs, Some(kms_key_arn), 365).await;

    // ------------------------------------------------------------ WAF
    s.web_acl_name = format!("{p}-waf");
    let rules: Vec<waft::Rule> = RULE_GROUPS
        .iter()
        .enumerate()
        .map(|(i, g)| {
            waft::Rule::builder()
                .name(*g)
                .priority(i as i32)
                .statement(
                    waft::Statement::builder()
                        .managed_rule_group_statement(
                            waft::ManagedRuleGroupStatement::builder()
                                .vendor_name("AWS")
                                .name(*g)
                                .build()
                                .expect("mrg"),
                        )
                        .build(),
                )
                .override_action(waft::OverrideAction::builder().none(waft::NoneAction::builder().build()).build())
                .visibility_config(visibility(g))
                .build()
                .expect("rule")
        })
        .collect();
    let acl = c
        .waf
        .create_web_acl()
        .name(&s.web_acl_name)
        .scope(waft::Scope::Regional)
        .default_action(waft::DefaultAction::builder().allow(waft::AllowAction::builder().build()).build())
        .set_rules(Some(rules))
        .visibility_config(visibility(&s.web_acl_name))
        .send()
        .await
        .expect("web acl");
    let summary = acl.summary().expect("web acl summary");
    s.web_acl_arn = summary.arn().expect("web acl arn").to_owned();
    s.web_acl_id = summary.id().expect("web acl id").to_owned();
    c.waf.associate_web_acl().web_acl_arn(&s.web_acl_arn).resource_arn(alb_arn).send().await.expect("associate");
    s.association_arn = alb_arn.to_owned();
    c.waf
        .put_logging_configuration()
        .logging_configuration(
            waft::LoggingConfiguration::builder()
                .resource_arn(&s.web_acl_arn)
                .log_destination_configs(arn("logs", &format!("log-group:{waf_logs}")))
                .build()
                .expect("logging configuration"),
        )
        .send()
        .await
        .expect("waf logging");

    // ------------------------------------------------------------ SNS and alarms
    s.topic_arn = c
        .sns
        .create_topic()
        .name(format!("{p}-alerts"))
        .attributes("KmsMasterKeyId", kms_key_arn)
        .send()
        .await
        .expect("topic")
        .topic_arn()
        .expect("topic arn")
        .to_owned();
    c.sns
        .subscribe()
        .topic_arn(&s.topic_arn)
        .protocol("email")
        .endpoint("flowforge-oncall@example.com")
        .send()
        .await
        .expect("subscribe");
    let lb_dimension = alb_arn.split_once(":loadbalancer/").map(|(_, d)| d.to_owned()).expect("alb arn");
    let db = format!("{p}-metadata");
    let alarms = [
        (format!("{p}-prefect-run-failures"), "FlowForge/Prefect", "FlowRunsFailed", ("Environment", env.to_owned())),
        (format!("{p}-api-latency"), "AWS/ApplicationELB", "TargetResponseTime", ("LoadBalancer", lb_dimension)),
        (format!("{p}-database-cpu"), "AWS/RDS", "CPUUtilization", ("DBInstanceIdentifier", db.clone())),
        (format!("{p}-database-storage"), "AWS/RDS", "FreeStorageSpace", ("DBInstanceIdentifier", db)),
    ];
    for (name, namespace, metric, (dim, value)) in alarms {
        put_alarm(c, &name, namespace, metric, dim, &value, &s.topic_arn, true).await;
        s.alarms.push((name.clone(), arn("cloudwatch", &format!("alarm:{name}"))));
    }
    s
}

async fn set_listener_certificate(c: &Clients, listener: &str, cert: &str) {
    c.elb
        .modify_listener()
        .listener_arn(listener)
        .certificates(aws_sdk_elasticloadbalancingv2::types::Certificate::builder().certificate_arn(cert).build())
        .send()
        .await
        .expect("listener certificate");
}

async fn create_log_group(c: &Clients, name: &str, kms: Option<&str>, days: i32) {
    c.logs
        .create_log_group()
        .log_group_name(name)
        .set_kms_key_id(kms.map(str::to_owned))
        .send()
        .await
        .expect("log group");
    c.logs.put_retention_policy().log_group_name(name).retention_in_days(days).send().await.expect("retention");
}

#[allow(clippy::too_many_arguments)]
async fn put_alarm(
    c: &Clients,
    name: &str,
    namespace: &str,
    metric: &str,
    dim: &str,
    value: &str,
    topic: &str,
    enabled: bool,
) {
    c.cw.put_metric_alarm()
        .alarm_name(name)
        .namespace(namespace)
        .metric_name(metric)
        .dimensions(aws_sdk_cloudwatch::types::Dimension::builder().name(dim).value(value).build())
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(300)
        .evaluation_periods(2)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .alarm_actions(topic)
        .actions_enabled(enabled)
        .send()
        .await
        .expect("alarm");
}

impl SeededPerimeter {
    /// Injects one perimeter drift (other drifts are the main seed's).
    pub async fn inject(&self, c: &Clients, env: &str, https_listener_arn: &str, drift: Drift) {
        let p = format!("flowforge-{env}");
        match drift {
            Drift::Waf => {
                let alb = self.association_arn.trim_end_matches("/web-acl");
                c.waf.disassociate_web_acl().resource_arn(alb).send().await.expect("drift waf");
            }
            Drift::WafLogging => {
                c.waf
                    .delete_logging_configuration()
                    .resource_arn(&self.web_acl_arn)
                    .send()
                    .await
                    .expect("drift waf logging");
            }
            Drift::Certificate => set_listener_certificate(c, https_listener_arn, &self.outside_certificate_arn).await,
            Drift::Alarm => {
                let (name, _) = &self.alarms[2];
                let db = format!("{p}-metadata");
                put_alarm(c, name, "AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", &db, &self.topic_arn, false)
                    .await;
            }
            Drift::AlarmTopic => {
                c.sns
                    .set_topic_attributes()
                    .topic_arn(&self.topic_arn)
                    .attribute_name("KmsMasterKeyId")
                    .attribute_value("")
                    .send()
                    .await
                    .expect("drift topic");
            }
            Drift::LogRetention => {
                let (name, _) = &self.log_groups[1];
                c.logs
                    .put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(7)
                    .send()
                    .await
                    .expect("drift retention");
            }
            Drift::LogKms => {
                let (name, _) = &self.log_groups[2];
                c.logs.delete_log_group().log_group_name(name).send().await.expect("drift kms: delete");
                create_log_group(c, name, None, 365).await;
            }
            other => panic!("{other:?} is not a perimeter drift"),
        }
    }

    /// The ARN the drift's check judges in the compliant seed: the drifted resource, except
    /// for the certificate drift, which swaps the served certificate for another one.
    pub fn compliant_arn(&self, drift: Drift) -> String {
        match drift {
            Drift::Certificate => self.certificate_arn.clone(),
            other => self.drifted_arn(other),
        }
    }

    /// The ARN of the resource a perimeter drift makes non-compliant.
    pub fn drifted_arn(&self, drift: Drift) -> String {
        match drift {
            Drift::Waf => self.association_arn.clone(),
            Drift::WafLogging => self.web_acl_arn.clone(),
            Drift::Certificate => self.outside_certificate_arn.clone(),
            Drift::Alarm => self.alarms[2].1.clone(),
            Drift::AlarmTopic => self.topic_arn.clone(),
            Drift::LogRetention => self.log_groups[1].1.clone(),
            Drift::LogKms => self.log_groups[2].1.clone(),
            other => panic!("{other:?} is not a perimeter drift"),
        }
    }
}
