//! Validation of the perimeter sections ([`crate::baseline::perimeter`]):
//! `architecture.load_balancer` and `architecture.perimeter`.

use std::collections::BTreeMap;

use super::Cx;
use crate::baseline::*;
use crate::diag::yaml::RawNode;

/// `architecture.load_balancer`.
pub(super) fn load_balancer(cx: &Cx, node: &RawNode, path: &str) -> Option<LoadBalancerSpec> {
    let t = cx.table(node, path)?;
    let name = t.req("name", |n, p| cx.pattern(n, p, false));
    let policies = t.or("allowed_ssl_policies", Vec::new(), |n, p| cx.list(n, p, true, |i, ip| cx.string(i, ip)));
    Some(LoadBalancerSpec { name: name?, allowed_ssl_policies: policies? })
}

/// `architecture.perimeter`.
pub(super) fn perimeter(cx: &Cx, node: &RawNode, path: &str) -> Option<PerimeterSpec> {
    let t = cx.table(node, path)?;
    let waf = t.opt("waf", |n, p| {
        let w = cx.table(n, p)?;
        let groups = w.req("rule_groups", |n, p| cx.names(n, p, "rule group"));
        Some(WafSpec { rule_groups: groups? })
    });
    let certificate = t.opt("certificate", |n, p| {
        let c = cx.table(n, p)?;
        let domain = c.req("domain", |n, p| cx.pattern(n, p, false));
        let bits = c.req("min_rsa_bits", |n, p| cx.count(n, p));
        Some(CertificateSpec { domain: domain?, min_rsa_bits: bits? })
    });
    let alarm_topics = t.or("alarm_topics", Vec::new(), |n, p| cx.names(n, p, "topic"));
    let alarms = t.or("alarms", Vec::new(), |n, p| {
        let alarms = cx.list(n, p, false, |item, ip| alarm(cx, item, ip))?;
        let names: Vec<String> = alarms.iter().map(|a| a.name.clone()).collect();
        cx.unique(n, &names, p, "alarm").then_some(alarms)
    });
    let log_groups = t.or("log_groups", Vec::new(), |n, p| cx.names(n, p, "log group"));
    Some(PerimeterSpec {
        waf: waf?,
        certificate: certificate?,
        alarm_topics: alarm_topics?,
        alarms: alarms?,
        log_groups: log_groups?,
    })
}

fn alarm(cx: &Cx, node: &RawNode, path: &str) -> Option<AlarmSpec> {
    let t = cx.table(node, path)?;
    let name = t.req("name", |n, p| cx.pattern(n, p, false));
    let description = t.opt("description", |n, p| cx.string(n, p));
    let namespace = t.req("namespace", |n, p| cx.string(n, p));
    let metric = t.req("metric", |n, p| cx.string(n, p));
    let dimensions = t.or("dimensions", BTreeMap::new(), |n, p| {
        let mut out = BTreeMap::new();
        let mut ok = true;
        for e in cx.entries(n, p)? {
            match cx.pattern(e.value, &format!("{p}.{}", e.key), false) {
                Some(v) => {
                    out.insert(e.key.to_owned(), v);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    });
    Some(AlarmSpec {
        name: name?,
        description: description?,
        namespace: namespace?,
        metric: metric?,
        dimensions: dimensions?,
    })
}

#[cfg(test)]
mod tests {
    fn problems(text: &str) -> Vec<String> {
        match crate::baseline::Baseline::from_str_named(text, "b.yaml") {
            Ok(_) => Vec::new(),
            Err(e) => vec![e.to_string()],
        }
    }

    /// The shipped perimeter section validates, and its placeholders resolve per environment.
    #[test]
    fn builtin_perimeter_resolves() {
        let b = crate::baseline::Baseline::builtin().unwrap();
        let v = b.env_view("prod", "1", "aws").unwrap().to_json();
        let p = &v["architecture"]["perimeter"];
        assert_eq!(p["alarm_topics"][0], "flowforge-prod-alerts");
        assert!(p["alarms"].as_array().is_some_and(|a| a.len() >= 4), "{p}");
        assert!(!p.to_string().contains("{env}"), "{p}");
    }

    /// A typo, a missing metric and a negative key size are each reported, in one pass.
    #[test]
    fn perimeter_problems_are_reported() {
        let text = crate::baseline::BUILTIN_BASELINE
            .replace("    waf:\n      rule_groups:", "    wafs:\n      rule_groups:")
            .replace("        metric: FlowRunsFailed\n", "")
            .replace("min_rsa_bits: 2048", "min_rsa_bits: -1");
        let p = problems(&text).join("\n");
        assert!(p.contains("unknown key `wafs`"), "{p}");
        assert!(p.contains("missing key `metric`"), "{p}");
        assert!(p.contains("min_rsa_bits: expected a non-negative integer"), "{p}");
    }

    /// Two declared alarms of one name are reported at the second.
    #[test]
    fn duplicate_alarm_is_reported() {
        let text = crate::baseline::BUILTIN_BASELINE
            .replace("\"flowforge-{env}-api-latency\"", "\"flowforge-{env}-database-cpu\"");
        let p = problems(&text).join("\n");
        assert!(p.contains("duplicate alarm `flowforge-{env}-database-cpu`"), "{p}");
    }
}
