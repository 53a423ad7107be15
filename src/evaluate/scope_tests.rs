//! Every check judges a FlowForge resource the same whichever rule of the one decision
//! (`baseline::scope`) made it FlowForge's: no check re-derives FlowForge-ness from tags or
//! names (issue 21, "decided once").

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::examples::example;
use super::*;
use crate::baseline::scope::{decide, By};

/// The snapshot with the tags `keys` removed from every resource.
fn without_tags(s: &Snapshot, keys: &[&str]) -> Snapshot {
    fn walk(v: &mut Value, keys: &[&str]) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(tags)) = map.get_mut("tags") {
                    keys.iter().for_each(|k| {
                        tags.remove(*k);
                    });
                }
                map.values_mut().for_each(|x| walk(x, keys));
            }
            Value::Array(items) => items.iter_mut().for_each(|x| walk(x, keys)),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(s).unwrap();
    walk(&mut json, keys);
    serde_json::from_value(json).unwrap()
}

/// (check, ARN) → (status, message).
fn verdicts(eval: &Evaluation) -> BTreeMap<(String, String), (Status, String)> {
    eval.results.iter().map(|r| ((r.check_id.clone(), r.resource_arn.clone()), (r.status, r.message.clone()))).collect()
}

/// Three worlds made from each shipped example, in which the FlowForge resources are
/// FlowForge's only by the baseline's names (no app tag, prefix and path rules disabled), only
/// by the app tag (prefix disabled) or only by the name prefix (no app tag). Every check runs
/// in each; on every resource FlowForge's by that world's rule it must give the verdict it
/// gives on the example itself. Every check that judges a FlowForge resource in the example
/// is covered by some world.
#[test]
fn every_check_judges_flowforge_resources_by_the_one_decision() {
    let catalog = Catalog::builtin().unwrap();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut judging: BTreeSet<String> = BTreeSet::new();
    for name in ["prod-compliant", "prod-drifted"] {
        let (snapshot, view) = example(name);
        let original = verdicts(&evaluate(&snapshot, None, &catalog, view.to_json()).unwrap());
        let flowforge = decide(&snapshot, &view);
        for ((check, arn), (status, _)) in &original {
            if flowforge.is_flowforge(arn) && *status != Status::NotApplicable {
                judging.insert(check.clone());
            }
        }
        let app = view.recognise.app_tag.key.clone();
        let env = view.recognise.environment_tag.clone();
        let mut no_prefix = view.clone();
        no_prefix.recognise.name_prefix = "zz-none-".into();
        let mut baseline_only = no_prefix.clone();
        baseline_only.recognise.app_tag.value = "zz-none".into();
        let worlds = [
            (By::Baseline, without_tags(&snapshot, &[&app, &env]), baseline_only),
            (By::Tag, snapshot.clone(), no_prefix),
            (By::Prefix, without_tags(&snapshot, &[&app]), view.clone()),
        ];
        for (rule, s, v) in worlds {
            let scope = decide(&s, &v);
            let only: BTreeSet<&str> =
                scope.flowforge.iter().filter(|(_, why)| why.by == rule).map(|(arn, _)| arn.as_str()).collect();
            assert!(only.len() >= 5, "{name}, {rule:?}: too few resources to prove anything: {only:?}");
            let got = verdicts(&evaluate(&s, None, &catalog, v.to_json()).unwrap());
            let mut asserted = 0;
            for ((check, arn), verdict) in &got {
                if !only.contains(arn.as_str()) {
                    continue;
                }
                let want = &original[&(check.clone(), arn.clone())];
                assert_eq!(verdict, want, "{name}, FlowForge's only by {rule:?}: {check} on {arn}");
                asserted += 1;
                if verdict.0 != Status::NotApplicable {
                    covered.insert(check.clone());
                }
            }
            assert!(asserted > 0, "{name}, {rule:?}: no verdict compared");
        }
    }
    let missed: Vec<&String> = judging.difference(&covered).collect();
    assert!(missed.is_empty(), "checks judging FlowForge resources that no world exercised: {missed:?}");
    assert!(covered.len() >= 40, "only {} checks exercised: {covered:?}", covered.len());
}
