//! One environment's view of the baseline: what drift compares against and what the Rego
//! policies read as `data.baseline`.
//!
//! Building it merges `defaults` with the environment's overrides, drops the elements whose
//! `environments:` list excludes it, resolves `{env}`, `{account_id}` and `{partition}` in every
//! string (not `{layer}` in `data_lake.bucket_name`, which stays a pattern) and adds
//! `architecture.data_lake.buckets` (layer → bucket name, in layer order).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;

/// The resolved baseline for one environment of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvView {
    pub environment: String,
    pub account_id: String,
    pub partition: String,
    pub recognise: Recognise,
    pub requirements: Requirements,
    pub gate: Gate,
    pub architecture: Architecture,
    pub roles: BTreeMap<String, RoleBaseline>,
    pub network: NetworkSpec,
    /// The environment's description (not part of `data.baseline`).
    #[serde(skip)]
    pub description: Option<String>,
}

impl EnvView {
    /// The documented `data.baseline` JSON shape.
    pub fn to_json(&self) -> Value {
        // Serialising these plain types cannot fail; Null would only hide a bug in a derive.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The view back from its [`EnvView::to_json`] form (the engine is handed `data.baseline`
    /// as JSON); an error names what does not fit.
    pub fn from_json(value: &Value) -> Result<EnvView, String> {
        EnvView::deserialize(value).map_err(|e| format!("the baseline view is not an environment view: {e}"))
    }

    /// Data-lake buckets as (layer, bucket name), in layer order; empty without a data lake.
    pub fn buckets(&self) -> Vec<(&str, &str)> {
        let Some(lake) = &self.architecture.data_lake else { return Vec::new() };
        let Some(buckets) = &lake.buckets else { return Vec::new() };
        buckets.iter().filter_map(|(layer, name)| name.as_str().map(|n| (layer.as_str(), n))).collect()
    }

    /// True when a resource carries the FlowForge app tag and this environment's tag.
    pub fn is_tagged_for_env(&self, tags: &BTreeMap<String, String>) -> bool {
        let r = &self.recognise;
        tags.get(&r.app_tag.key).is_some_and(|v| v == &r.app_tag.value)
            && tags.get(&r.environment_tag).is_some_and(|v| v == &self.environment)
    }

    /// The tier a resource's tags put it in, if any.
    pub fn tier_of<'t>(&self, tags: &'t BTreeMap<String, String>) -> Option<&'t str> {
        tags.get(&self.recognise.tier_tag).map(String::as_str)
    }

    /// The tier rules (tag, else `network.tier_name_patterns`) of this environment.
    pub fn tier_rules(&self) -> crate::network::tiers::TierRules {
        crate::network::tiers::TierRules::new(&self.recognise.tier_tag, &self.network.tier_name_patterns)
    }
}

fn applies(envs: &Option<Vec<String>>, env: &str) -> bool {
    envs.as_ref().is_none_or(|list| list.iter().any(|e| e == env))
}

pub(crate) fn build(b: &Baseline, env: &str, account_id: &str, partition: &str) -> Result<EnvView, BaselineError> {
    let environment = b.environment(env)?;
    let vars = [("{env}", env), ("{account_id}", account_id), ("{partition}", partition)];

    let mut architecture = b.architecture.clone();
    architecture.vpc.required_endpoints.retain(|e| applies(&e.environments, env));
    architecture.vpc.required_endpoints.iter_mut().for_each(|e| e.environments = None);
    architecture.flows.retain(|f| applies(&f.environments, env));
    architecture.flows.iter_mut().for_each(|f| f.environments = None);
    resolve_all(&mut architecture, &vars);
    if let Some(lake) = &mut architecture.data_lake {
        let buckets = lake
            .layers
            .iter()
            .map(|layer| (layer.clone(), Value::String(lake.bucket_name.replace("{layer}", layer))))
            .collect();
        lake.buckets = Some(buckets);
    }

    let mut roles: BTreeMap<String, RoleBaseline> =
        b.roles.iter().filter(|(_, r)| applies(&r.environments, env)).map(|(k, r)| (k.clone(), r.clone())).collect();
    roles.values_mut().for_each(|r| r.environments = None);
    resolve_all(&mut roles, &vars);

    let mut recognise = b.recognise.clone();
    resolve_all(&mut recognise, &vars);
    let mut network = b.network.clone();
    resolve_all(&mut network, &vars);

    Ok(EnvView {
        environment: env.to_owned(),
        account_id: account_id.to_owned(),
        partition: partition.to_owned(),
        recognise,
        requirements: environment.requirements.apply(&b.defaults.requirements),
        gate: environment.gate.apply(&b.defaults.gate),
        architecture,
        roles,
        network,
        description: environment.description.clone(),
    })
}

/// Resolves placeholders in every string of a value by a JSON round trip, so that a new
/// string field is resolved without anyone remembering to add it here.
fn resolve_all<T: Serialize + serde::de::DeserializeOwned>(value: &mut T, vars: &[(&str, &str)]) {
    let Ok(mut json) = serde_json::to_value(&*value) else { return };
    resolve_value(&mut json, vars);
    if let Ok(resolved) = serde_json::from_value(json) {
        *value = resolved;
    }
}

fn resolve_value(v: &mut Value, vars: &[(&str, &str)]) {
    match v {
        Value::String(s) if s.contains('{') => {
            for (k, val) in vars {
                *s = s.replace(k, val);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| resolve_value(i, vars)),
        Value::Object(map) => map.values_mut().for_each(|i| resolve_value(i, vars)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The env view is the contract with the Rego policies: its shape must match the doc.
    #[test]
    fn prod_view_has_documented_shape() {
        let b = Baseline::builtin().unwrap();
        let v = b.env_view("prod", "123456789012", "aws").unwrap().to_json();
        assert_eq!(v["environment"], "prod");
        assert_eq!(v["recognise"]["name_prefix"], "flowforge-prod-");
        assert_eq!(v["recognise"]["app_tag"]["key"], "flowforge:app");
        assert_eq!(v["requirements"]["rds_multi_az"], true);
        assert_eq!(v["requirements"]["min_private_subnet_azs"], 2);
        assert_eq!(v["gate"]["fail_on"], "medium");
        assert_eq!(v["gate"]["fail_on_drift"], serde_json::json!(["missing", "changed", "unmanaged"]));
        assert_eq!(v["architecture"]["vpc"]["name"], "flowforge-prod-vpc");
        assert_eq!(v["architecture"]["vpc"]["required_endpoints"][1]["type"], "Interface");
        assert_eq!(v["architecture"]["data_lake"]["bucket_name"], "flowforge-prod-{layer}");
        let buckets: Vec<_> = v["architecture"]["data_lake"]["buckets"].as_object().unwrap().iter().collect();
        assert_eq!(buckets[0], (&"landing".to_owned(), &serde_json::json!("flowforge-prod-landing")));
        assert_eq!(buckets.len(), 4);
        assert_eq!(v["architecture"]["flows"][4]["ports"], serde_json::json!([5432]));
        assert_eq!(v["roles"]["devops"]["name"], "flowforge-prod-devops");
        assert_eq!(v["roles"]["devops"]["trusted_principals"]["AWS"][0], "arn:aws:iam::123456789012:root");
        assert!(v["roles"]["devops"].get("environments").is_none());
        assert!(!v.to_string().contains("{env}") && !v.to_string().contains("{account_id}"));
    }

    /// dev keeps the defaults; only the listed keys are overridden.
    #[test]
    fn dev_view_uses_defaults() {
        let b = Baseline::builtin().unwrap();
        let v = b.env_view("dev", "111111111111", "aws-cn").unwrap();
        assert!(!v.requirements.rds_multi_az);
        assert_eq!(v.gate.fail_on, crate::model::Severity::High);
        assert_eq!(v.gate.fail_on_drift, vec![crate::model::DriftState::Missing]);
        assert_eq!(v.roles["auditor"].name, "flowforge-dev-auditor");
        assert!(
            v.roles["prefect-worker"].trusted_principals["Federated"][0].starts_with("arn:aws-cn:iam::111111111111:")
        );
    }

    /// A typo in --env must list the environments that exist.
    #[test]
    fn unknown_env_lists_known_ones() {
        let b = Baseline::builtin().unwrap();
        let err = b.env_view("production", "1", "aws").unwrap_err().to_string();
        assert!(err.contains("\"production\"") && err.contains("dev, prod, qa, uat"), "{err}");
    }

    /// Elements restricted with `environments:` appear only in those environments.
    #[test]
    fn environments_list_restricts_elements() {
        let text = crate::baseline::BUILTIN_BASELINE.replace(
            "{ service: secretsmanager, type: Interface, private_dns: true }",
            "{ service: secretsmanager, type: Interface, private_dns: true, environments: [prod] }",
        );
        let b = Baseline::from_str_named(&text, "t.yaml").unwrap();
        assert_eq!(b.env_view("prod", "1", "aws").unwrap().architecture.vpc.required_endpoints.len(), 2);
        assert_eq!(b.env_view("dev", "1", "aws").unwrap().architecture.vpc.required_endpoints.len(), 1);
    }
}
