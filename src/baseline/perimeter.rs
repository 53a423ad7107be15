//! The baseline's perimeter sections: `architecture.load_balancer`, the FlowForge entry point,
//! and `architecture.perimeter`, what protects and watches it (guide, "Reference Architecture
//! / 3. Perimeter": ALB with optional WAF; "Deployment Steps / 4": ALB/WAF and ACM
//! certificates; "6": logs, metrics and alarms; "Operations & Handover": CloudWatch alarms and
//! SNS notifications). Validated by `validate::perimeter`; drift in
//! `drift::architecture::perimeter`.
//!
//! Whether each part is *required* in an environment is a requirement key
//! (`waf_required`, `alarms_required`, `log_retention_min_days`, ...), so environments
//! override it like any other requirement; this section says what the parts look like.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancerSpec {
    pub name: String,
    #[serde(default)]
    pub allowed_ssl_policies: Vec<String>,
}

/// `architecture.perimeter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PerimeterSpec {
    /// The web ACL in front of the load balancer, where `waf_required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waf: Option<WafSpec>,
    /// The certificate(s) the load balancer's HTTPS listeners serve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateSpec>,
    /// SNS topic names (patterns) that carry the alarms.
    #[serde(default)]
    pub alarm_topics: Vec<String>,
    /// The alarms the guide asks for, where `alarms_required`.
    #[serde(default)]
    pub alarms: Vec<AlarmSpec>,
    /// FlowForge log group names (patterns).
    #[serde(default)]
    pub log_groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WafSpec {
    /// Managed rule group names the web ACL must run (`AWSManagedRulesCommonRuleSet`).
    pub rule_groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateSpec {
    /// Glob every name of the certificate must match (`*` stands for one DNS label).
    pub domain: String,
    /// Smallest RSA key size accepted (EC keys are accepted).
    pub min_rsa_bits: u32,
}

/// One declared alarm: the alarm's name, and the metric it must watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmSpec {
    pub name: String,
    /// What the alarm is for (shown in messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub namespace: String,
    pub metric: String,
    /// Dimension name → glob of its value (`*` stands for one `/`-separated part).
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
}
