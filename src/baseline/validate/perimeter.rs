//! Validation of `architecture.perimeter` (types in [`crate::baseline::PerimeterSpec`]).

use std::collections::BTreeMap;

use super::*;
use crate::baseline::perimeter::{AlarmSpec, CertificateSpec, PerimeterSpec, WafSpec};

const KEYS: &[&str] = &["waf", "certificate", "alarm_topics", "alarms", "log_groups"];
const ALARM_KEYS: &[&str] = &["name", "description", "namespace", "metric", "dimensions"];

pub(super) fn perimeter(cx: &mut Ctx, node: &RawNode) -> Option<PerimeterSpec> {
    let p = "architecture.perimeter";
    let m = map(cx, node, p, Some(KEYS), &[])?;
    let waf = opt(m.get("waf"), |n| {
        let wp = format!("{p}.waf");
        let w = map(cx, n, &wp, Some(&["rule_groups"]), &["rule_groups"])?;
        let groups = w.get("rule_groups").and_then(|n| names(cx, n, &format!("{wp}.rule_groups"), "rule group"));
        Some(WafSpec { rule_groups: groups? })
    });
    let certificate = opt(m.get("certificate"), |n| {
        let cp = format!("{p}.certificate");
        let c = map(cx, n, &cp, Some(&["domain", "min_rsa_bits"]), &["domain", "min_rsa_bits"])?;
        let domain = c.get("domain").and_then(|n| pattern(cx, n, &format!("{cp}.domain"), false));
        let bits = c.get("min_rsa_bits").and_then(|n| count(cx, n, &format!("{cp}.min_rsa_bits")));
        Some(CertificateSpec { domain: domain?, min_rsa_bits: bits? })
    });
    let patterns = |cx: &mut Ctx, key: &str, what: &str| match m.get(key) {
        Some(n) => names(cx, n, &format!("{p}.{key}"), what),
        None => Some(Vec::new()),
    };
    let alarm_topics = patterns(cx, "alarm_topics", "topic");
    let log_groups = patterns(cx, "log_groups", "log group");
    let alarms = match m.get("alarms") {
        Some(n) => list(cx, n, &format!("{p}.alarms"), false, alarm).and_then(|a| {
            let with_pos: Vec<(String, Pos)> = a.iter().map(|x| x.name.clone()).zip(item_positions(n)).collect();
            no_duplicates(cx, &with_pos, &format!("{p}.alarms"), "alarm").then_some(a)
        }),
        None => Some(Vec::new()),
    };
    Some(PerimeterSpec {
        waf: waf?,
        certificate: certificate?,
        alarm_topics: alarm_topics?,
        alarms: alarms?,
        log_groups: log_groups?,
    })
}

/// A non-empty list of patterns without duplicates.
fn names(cx: &mut Ctx, node: &RawNode, path: &str, what: &str) -> Option<Vec<String>> {
    let items = list(cx, node, path, true, |cx, i, p| pattern(cx, i, p, false))?;
    let with_pos: Vec<(String, Pos)> = items.iter().cloned().zip(item_positions(node)).collect();
    no_duplicates(cx, &with_pos, path, what).then_some(items)
}

fn alarm(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<AlarmSpec> {
    let m = map(cx, node, path, Some(ALARM_KEYS), &["name", "namespace", "metric"])?;
    let name = m.get("name").and_then(|n| pattern(cx, n, &format!("{path}.name"), false));
    let description = opt(m.get("description"), |n| string(cx, n, &format!("{path}.description")));
    let namespace = m.get("namespace").and_then(|n| string(cx, n, &format!("{path}.namespace")));
    let metric = m.get("metric").and_then(|n| string(cx, n, &format!("{path}.metric")));
    let dimensions = match m.get("dimensions") {
        Some(n) => {
            let dp = format!("{path}.dimensions");
            map(cx, n, &dp, None, &[]).and_then(|d| {
                let mut out = BTreeMap::new();
                let mut ok = true;
                for (k, _, v) in &d.entries {
                    match pattern(cx, v, &format!("{dp}.{k}"), false) {
                        Some(v) => {
                            out.insert((*k).to_owned(), v);
                        }
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            })
        }
        None => Some(BTreeMap::new()),
    };
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
