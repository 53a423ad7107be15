//! Compliance views per framework: the framework definitions shipped in `frameworks/` and the
//! per-control judgement of a report's results against them.
//!
//! A framework definition (`frameworks/<id>.json`) is data: the framework's full control list
//! with its title, version and source, and which controls only a person can assess
//! (`"manual": true`). It is compiled into the binary, so a report's totals never depend on
//! files next to it. The judgement itself (FAIL / PASS / NOT_ASSESSED / MANUAL) is documented
//! on [`crate::model::ControlStatus`]; it reads only checks and results, so it runs on a
//! snapshot offline like every other step after collection.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::model::{
    CheckResult, CheckRun, ComplianceTotals, ControlCompliance, ControlStatus, DriftReport, FrameworkCompliance,
    Severity, Status, Summary,
};

/// One framework definition file, as shipped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkDef {
    pub id: String,
    pub title: String,
    pub version: String,
    pub source: String,
    pub controls: Vec<ControlDef>,
}

/// One control of a framework definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlDef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub section: String,
    /// Assessed by a person, never by a check.
    #[serde(default)]
    pub manual: bool,
}

/// The shipped definitions: (file name, text), one per framework of
/// [`crate::policy::FRAMEWORKS`].
pub const BUILTIN: [(&str, &str); 3] = [
    ("frameworks/cis-aws-foundations.json", include_str!("../../frameworks/cis-aws-foundations.json")),
    ("frameworks/aws-fsbp.json", include_str!("../../frameworks/aws-fsbp.json")),
    ("frameworks/nist-800-53-r5.json", include_str!("../../frameworks/nist-800-53-r5.json")),
];

/// Why a framework definition cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("framework definition {file}: {message}")]
pub struct DefinitionError {
    pub file: String,
    pub message: String,
}

/// Parses one definition and checks it: an id, a version and a source, and no control id twice.
pub fn parse_definition(file: &str, text: &str) -> Result<FrameworkDef, DefinitionError> {
    let err = |message: String| DefinitionError { file: file.to_owned(), message };
    let def: FrameworkDef = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    if def.id.trim().is_empty() || def.version.trim().is_empty() || def.source.trim().is_empty() {
        return Err(err("`id`, `version` and `source` must not be empty".to_owned()));
    }
    let mut seen = BTreeSet::new();
    for c in &def.controls {
        if c.id.trim().is_empty() {
            return Err(err("a control has an empty `id`".to_owned()));
        }
        if !seen.insert(c.id.as_str()) {
            return Err(err(format!("control {:?} is listed twice", c.id)));
        }
    }
    Ok(def)
}

/// The shipped framework definitions. They are compiled in and tested, so an error here is a
/// bug in the build, reported rather than panicking.
pub fn builtin() -> Result<Vec<FrameworkDef>, DefinitionError> {
    BUILTIN.iter().map(|(file, text)| parse_definition(file, text)).collect()
}

/// Compares two control ids in natural order: runs of digits by their value, so `1.2` comes
/// before `1.10` and `AC-2(3)` before `AC-10`; other runs as text. Ids that compare equal
/// that way (`1.01` and `1.1`) fall back to plain text order, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn runs(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            rest = tail;
            Some((digit, run))
        })
    }
    let mut x = runs(a);
    let mut y = runs(b);
    loop {
        let ord = match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some((true, m)), Some((true, n))) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            (Some((_, m)), Some((_, n))) => m.cmp(n),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
}

/// Judges every control of every framework that `defs` defines or a check maps to.
/// Frameworks are sorted by id; controls in the natural order of their ids ([`natural_cmp`]:
/// `1.2` before `1.10`), with mapped controls the definition does not list appended (in the
/// same order, flagged `unlisted`).
pub fn assess(defs: &[FrameworkDef], checks: &[CheckRun], results: &[CheckResult]) -> Vec<FrameworkCompliance> {
    // Result statuses per check.
    let mut by_check: BTreeMap<&str, BTreeMap<Status, usize>> = BTreeMap::new();
    for r in results {
        *by_check.entry(r.check_id.as_str()).or_default().entry(r.status).or_default() += 1;
    }
    // Framework → control → checks mapped to it.
    let mut mapped: BTreeMap<&str, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    for c in checks {
        for (framework, controls) in &c.meta.frameworks {
            for control in controls {
                mapped
                    .entry(framework.as_str())
                    .or_default()
                    .entry(control.as_str())
                    .or_default()
                    .insert(c.meta.id.as_str());
            }
        }
    }
    let mut ids: BTreeSet<&str> = defs.iter().map(|d| d.id.as_str()).collect();
    ids.extend(mapped.keys().copied());
    let empty = BTreeMap::new();
    ids.into_iter()
        .map(|id| {
            let def = defs.iter().find(|d| d.id == id);
            let controls_mapped = mapped.get(id).unwrap_or(&empty);
            let mut controls = Vec::new();
            let mut listed = BTreeSet::new();
            for c in def.map(|d| d.controls.as_slice()).unwrap_or_default() {
                listed.insert(c.id.as_str());
                controls.push(judge(
                    &c.id,
                    &c.title,
                    &c.section,
                    c.manual,
                    controls_mapped.get(c.id.as_str()),
                    &by_check,
                ));
            }
            controls.sort_by(|a, b| natural_cmp(&a.id, &b.id));
            let mut unlisted: Vec<ControlCompliance> = controls_mapped
                .iter()
                .filter(|(c, _)| !listed.contains(*c))
                .map(|(control, checks)| ControlCompliance {
                    unlisted: true,
                    ..judge(control, "", "", false, Some(checks), &by_check)
                })
                .collect();
            unlisted.sort_by(|a, b| natural_cmp(&a.id, &b.id));
            controls.append(&mut unlisted);
            let mut totals = ComplianceTotals { controls: controls.len(), ..Default::default() };
            for c in &controls {
                *match c.status {
                    ControlStatus::Pass => &mut totals.pass,
                    ControlStatus::Fail => &mut totals.fail,
                    ControlStatus::NotAssessed => &mut totals.not_assessed,
                    ControlStatus::Manual => &mut totals.manual,
                } += 1;
            }
            FrameworkCompliance {
                framework: id.to_owned(),
                title: def.map(|d| d.title.clone()).unwrap_or_else(|| id.to_owned()),
                version: def.map(|d| d.version.clone()).unwrap_or_default(),
                source: def.map(|d| d.source.clone()).unwrap_or_else(|| "no framework definition shipped".to_owned()),
                totals,
                controls,
            }
        })
        .collect()
}

fn judge(
    id: &str,
    title: &str,
    section: &str,
    manual: bool,
    checks: Option<&BTreeSet<&str>>,
    by_check: &BTreeMap<&str, BTreeMap<Status, usize>>,
) -> ControlCompliance {
    let checks: Vec<String> = checks.map(|c| c.iter().map(|s| (*s).to_owned()).collect()).unwrap_or_default();
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for c in &checks {
        for (s, n) in by_check.get(c.as_str()).into_iter().flatten() {
            *counts.entry(*s).or_default() += n;
        }
    }
    let n = |s: Status| counts.get(&s).copied().unwrap_or(0);
    let status = if checks.is_empty() {
        if manual {
            ControlStatus::Manual
        } else {
            ControlStatus::NotAssessed
        }
    } else if n(Status::Fail) > 0 {
        ControlStatus::Fail
    } else if n(Status::Unknown) + n(Status::Error) == 0 && n(Status::Pass) + n(Status::Waived) > 0 {
        ControlStatus::Pass
    } else {
        ControlStatus::NotAssessed
    };
    ControlCompliance {
        id: id.to_owned(),
        title: title.to_owned(),
        section: section.to_owned(),
        status,
        checks,
        results: counts.into_iter().map(|(s, n)| (s.as_str().to_owned(), n)).collect(),
        unlisted: false,
    }
}

/// Adds the richer parts of the summary: results by severity and status, the compliance totals
/// per framework, and the drift items by state.
pub fn enrich_summary(
    summary: &mut Summary,
    results: &[CheckResult],
    compliance: &[FrameworkCompliance],
    drift: Option<&DriftReport>,
) {
    summary.by_severity = Severity::ALL.iter().map(|s| (s.as_str().to_owned(), BTreeMap::new())).collect();
    for r in results {
        *summary
            .by_severity
            .entry(r.severity.as_str().to_owned())
            .or_default()
            .entry(r.status.as_str().to_owned())
            .or_default() += 1;
    }
    summary.compliance = compliance.iter().map(|f| (f.framework.clone(), f.totals.clone())).collect();
    summary.drift_by_state.clear();
    for item in drift.map(|d| d.items.as_slice()).unwrap_or_default() {
        *summary.drift_by_state.entry(item.state.as_str().to_owned()).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// The shipped definitions parse, name the catalog's frameworks, and list every control a
    /// built-in check maps to (a mapping to a control the framework does not have is a typo).
    #[test]
    fn shipped_definitions_cover_every_mapped_control() {
        let defs = builtin().unwrap();
        let ids: Vec<&str> = defs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, crate::policy::FRAMEWORKS);
        let catalog = crate::policy::Catalog::builtin().unwrap();
        for check in catalog.checks() {
            for (framework, controls) in &check.meta.frameworks {
                let def = defs.iter().find(|d| &d.id == framework).unwrap();
                for c in controls {
                    assert!(
                        def.controls.iter().any(|d| &d.id == c),
                        "{} maps {framework} {c}, not listed",
                        check.meta.id
                    );
                }
            }
        }
        let cis = &defs[0];
        assert_eq!((cis.version.as_str(), cis.controls.len()), ("3.0.0", 62));
        assert!(cis.controls.iter().any(|c| c.manual));
        assert!(defs[2].controls.len() > 1000, "NIST 800-53 r5 lists every control and enhancement");
    }

    /// Each status rule of a control, including fail-closed NOT_ASSESSED for a mix of PASS and
    /// UNKNOWN, MANUAL only without a check, and a mapped control the definition lacks.
    #[test]
    fn controls_are_judged_fail_closed() {
        let report = sample_report();
        let defs = vec![FrameworkDef {
            id: "nist-800-53-r5".into(),
            title: "NIST".into(),
            version: "5".into(),
            source: "test".into(),
            controls: vec![
                ControlDef { id: "SC-8".into(), title: "Transmission".into(), section: "SC".into(), manual: false },
                ControlDef { id: "AC-1".into(), title: "Policy".into(), section: "AC".into(), manual: true },
                ControlDef { id: "ZZ-9".into(), title: "Nobody".into(), section: "ZZ".into(), manual: false },
            ],
        }];
        let out = assess(&defs, &report.checks, &report.results);
        let nist = out.iter().find(|f| f.framework == "nist-800-53-r5").unwrap();
        let st = |id: &str| nist.controls.iter().find(|c| c.id == id).unwrap().status;
        assert_eq!(st("SC-8"), ControlStatus::Fail);
        assert_eq!(st("AC-1"), ControlStatus::Manual);
        assert_eq!(st("ZZ-9"), ControlStatus::NotAssessed);
        let unlisted: Vec<&str> = nist.controls.iter().filter(|c| c.unlisted).map(|c| c.id.as_str()).collect();
        assert!(unlisted.contains(&"AC-6"), "{unlisted:?}");
        assert_eq!(nist.totals.controls, nist.controls.len());
        assert_eq!(
            nist.totals.pass + nist.totals.fail + nist.totals.not_assessed + nist.totals.manual,
            nist.totals.controls
        );

        // Only PASS → PASS; PASS with an UNKNOWN → NOT_ASSESSED; only NOT_APPLICABLE → NOT_ASSESSED.
        let mut results = report.results.clone();
        let check = "FF-S3-001";
        results.retain(|r| r.check_id == check);
        let judge_with = |statuses: &[Status]| {
            let rs: Vec<CheckResult> =
                statuses.iter().map(|s| CheckResult { status: *s, ..results[0].clone() }).collect();
            let d = vec![FrameworkDef { controls: vec![defs[0].controls[0].clone()], ..defs[0].clone() }];
            let checks: Vec<CheckRun> = report.checks.iter().filter(|c| c.meta.id == check).cloned().collect();
            assess(&d, &checks, &rs)[0].controls[0].status
        };
        assert_eq!(judge_with(&[Status::Pass, Status::Waived]), ControlStatus::Pass);
        assert_eq!(judge_with(&[Status::Pass, Status::Unknown]), ControlStatus::NotAssessed);
        assert_eq!(judge_with(&[Status::Pass, Status::Error]), ControlStatus::NotAssessed);
        assert_eq!(judge_with(&[Status::NotApplicable]), ControlStatus::NotAssessed);
        assert_eq!(judge_with(&[Status::Fail, Status::Unknown]), ControlStatus::Fail);
        assert_eq!(judge_with(&[]), ControlStatus::NotAssessed);
    }

    /// Issue 25: control ids sort naturally (`1.2` before `1.10`, `AC-2(3)` before `AC-10`),
    /// in the report's compliance view as in every file rendered from it.
    #[test]
    fn controls_sort_naturally() {
        let mut ids = vec!["1.10", "1.2", "1.1", "2.1.1", "1.11", "AC-10", "AC-2(3)", "AC-2", "S3.10", "S3.5", "1.01"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["1.01", "1.1", "1.2", "1.10", "1.11", "2.1.1", "AC-2", "AC-2(3)", "AC-10", "S3.5", "S3.10"]);
        let report = sample_report();
        for f in &report.compliance {
            let listed: Vec<&str> = f.controls.iter().filter(|c| !c.unlisted).map(|c| c.id.as_str()).collect();
            assert!(listed.windows(2).all(|w| natural_cmp(w[0], w[1]).is_lt()), "{}: {listed:?}", f.framework);
        }
        let cis = report.compliance.iter().find(|f| f.framework == "cis-aws-foundations").unwrap();
        let pos = |id: &str| cis.controls.iter().position(|c| c.id == id).unwrap();
        assert!(pos("1.2") < pos("1.10"));
    }

    /// A broken definition (duplicate control, unknown key, no version) is refused with its file.
    #[test]
    fn bad_definitions_are_refused() {
        let ok = r#"{"id":"x","title":"X","version":"1","source":"s","controls":[{"id":"1","title":"a"}]}"#;
        assert!(parse_definition("x.json", ok).is_ok());
        let dup = ok.replace(r#"[{"id":"1","title":"a"}]"#, r#"[{"id":"1","title":"a"},{"id":"1","title":"b"}]"#);
        assert!(parse_definition("x.json", &dup).unwrap_err().to_string().contains("listed twice"));
        let unknown = ok.replace(r#""title":"a""#, r#""title":"a","extra":1"#);
        assert!(parse_definition("x.json", &unknown)
            .unwrap_err()
            .to_string()
            .starts_with("framework definition x.json"));
        let nover = ok.replace(r#""version":"1""#, r#""version":"""#);
        assert!(parse_definition("x.json", &nover).is_err());
    }
}
