//! Which checks a run evaluates: Prowler's `--checks`, `--excluded-checks`, `--services` and
//! `--severity`, on the command line or in the configuration file.
//!
//! A selection narrows the catalog; it never widens it. The selectors intersect: a check runs
//! when it is among `--checks` (if given), in one of `--services` (if given) and of one of the
//! `--severity` levels (if given), and not among `--excluded-checks`. A check's service is the
//! folder its file lives in (`policies/aws/<service>/`, the second part of its Rego package), as
//! in Prowler, so `policy list` and the file tree say which service a check belongs to. Every
//! name is checked against the catalog: a typo is an error (exit 2) that lists what exists,
//! never a selection that silently runs nothing.
//!
//! What was left out is recorded in the report (`provenance.selection`) and the evidence
//! manifest, and the gate treats a partial catalog as an incomplete audit where the
//! environment requires a complete one, unless the baseline lists the exclusion
//! (`gate.excluded_checks`; see [`crate::gate::partial_audit`]).

use std::collections::BTreeSet;

use super::catalog::{Catalog, Check};
use crate::model::{CheckMeta, CheckSelection, Severity};

/// The selectors of one run; all empty selects the whole catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these check ids (`--checks`).
    pub checks: Vec<String>,
    /// Never these check ids (`--excluded-checks`).
    pub excluded_checks: Vec<String>,
    /// Only the checks of these services (`--services`): `s3`, `iam`, ...
    pub services: Vec<String>,
    /// Only the checks of these severities (`--severity`).
    pub severity: Vec<Severity>,
}

/// A selector that names nothing in the catalog, or a selection that leaves nothing to run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectionError(pub String);

/// The service of a check: the folder of its file, `flowforge.aws.<service>.<check>`.
pub fn service_of(meta: &CheckMeta) -> &str {
    meta.package.split('.').nth(2).unwrap_or("")
}

/// The services of a catalog's checks, sorted.
pub fn services(catalog: &Catalog) -> BTreeSet<&str> {
    catalog.checks().iter().map(|c| service_of(&c.meta)).filter(|s| !s.is_empty()).collect()
}

impl Selection {
    /// Whether no selector is given (the whole catalog runs).
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
            && self.excluded_checks.is_empty()
            && self.services.is_empty()
            && self.severity.is_empty()
    }

    /// The catalog narrowed to the selected checks (libraries and test files kept), and the
    /// ids of the checks left out, sorted. Errors name the unknown check or service and what
    /// exists.
    pub fn apply(&self, catalog: &Catalog) -> Result<(Catalog, Vec<String>), SelectionError> {
        let known_ids: BTreeSet<&str> = catalog.checks().iter().map(|c| c.meta.id.as_str()).collect();
        let unknown_ids = |option: &str, ids: &[String]| -> Result<(), SelectionError> {
            let unknown: Vec<&str> = ids
                .iter()
                .map(String::as_str)
                .filter(|id| !known_ids.iter().any(|k| k.eq_ignore_ascii_case(id)))
                .collect();
            if unknown.is_empty() {
                return Ok(());
            }
            Err(SelectionError(format!(
                "{option}: no check {} in the catalog (`flowforge-audit policy list` lists the {} checks)",
                unknown.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(", "),
                known_ids.len()
            )))
        };
        unknown_ids("--checks", &self.checks)?;
        unknown_ids("--excluded-checks", &self.excluded_checks)?;
        let known_services = services(catalog);
        let unknown: Vec<&str> = self
            .services
            .iter()
            .map(String::as_str)
            .filter(|s| !known_services.iter().any(|k| k.eq_ignore_ascii_case(s)))
            .collect();
        if !unknown.is_empty() {
            return Err(SelectionError(format!(
                "--services: no service {} in the catalog (expected one of: {})",
                unknown.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(", "),
                known_services.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
        if self.is_empty() {
            return Ok((catalog.clone(), Vec::new()));
        }
        let selected = |c: &Check| self.selects(&c.meta);
        let not_run: Vec<String> =
            catalog.checks().iter().filter(|c| !selected(c)).map(|c| c.meta.id.clone()).collect();
        if not_run.len() == catalog.checks().len() {
            return Err(SelectionError(format!(
                "the check selection ({}) leaves no check to run",
                self.describe().join(", ")
            )));
        }
        Ok((catalog.with_checks(selected), not_run))
    }

    /// Whether the check with this metadata runs.
    pub fn selects(&self, meta: &CheckMeta) -> bool {
        let is = |list: &[String], value: &str| list.iter().any(|x| x.eq_ignore_ascii_case(value));
        (self.checks.is_empty() || is(&self.checks, &meta.id))
            && !is(&self.excluded_checks, &meta.id)
            && (self.services.is_empty() || is(&self.services, service_of(meta)))
            && (self.severity.is_empty() || self.severity.contains(&meta.severity))
    }

    /// The selectors given, as the command line spells them (`--services s3,iam`).
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (option, values) in [
            ("--checks", self.checks.clone()),
            ("--excluded-checks", self.excluded_checks.clone()),
            ("--services", self.services.clone()),
            ("--severity", self.severity.iter().map(|s| s.as_str().to_owned()).collect()),
        ] {
            if !values.is_empty() {
                out.push(format!("{option} {}", values.join(",")));
            }
        }
        out
    }

    /// The record of this selection in a report: the selectors and the checks left out.
    pub fn record(&self, not_run: Vec<String>) -> Option<CheckSelection> {
        (!self.is_empty()).then(|| CheckSelection {
            checks: self.checks.clone(),
            excluded_checks: self.excluded_checks.clone(),
            services: self.services.clone(),
            severity: self.severity.iter().map(|s| s.as_str().to_owned()).collect(),
            not_run,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(c: &Catalog) -> Vec<&str> {
        c.checks().iter().map(|c| c.meta.id.as_str()).collect()
    }

    /// The selectors intersect, an exclusion always wins, and what is left out is listed.
    #[test]
    fn selectors_intersect_and_exclusions_win() {
        let catalog = Catalog::builtin().unwrap();
        let all = catalog.checks().len();
        let s3 = Selection { services: vec!["s3".into()], ..Default::default() };
        let (only_s3, not_run) = s3.apply(&catalog).unwrap();
        assert!(ids(&only_s3).iter().all(|id| id.starts_with("FF-S3-")), "{:?}", ids(&only_s3));
        assert_eq!(only_s3.checks().len() + not_run.len(), all);
        assert!(!only_s3.libs().is_empty(), "libraries are kept");

        let high_s3 = Selection { severity: vec![Severity::High], ..s3.clone() };
        let (c, _) = high_s3.apply(&catalog).unwrap();
        assert!(!c.checks().is_empty() && c.checks().len() < only_s3.checks().len());
        assert!(c.checks().iter().all(|c| c.meta.severity == Severity::High && service_of(&c.meta) == "s3"));

        let first = ids(&only_s3)[0].to_owned();
        let without = Selection { excluded_checks: vec![first.to_ascii_lowercase()], ..s3.clone() };
        let (c, not_run) = without.apply(&catalog).unwrap();
        assert!(!ids(&c).contains(&first.as_str()) && not_run.contains(&first));

        let one = Selection { checks: vec![first.clone()], ..Default::default() };
        assert_eq!(ids(&one.apply(&catalog).unwrap().0), [first.as_str()]);
        assert_eq!(Selection::default().apply(&catalog).unwrap().1, Vec::<String>::new());
    }

    /// A service is the folder of the check's file; the list comes from the catalog.
    #[test]
    fn services_come_from_the_policy_folders() {
        let catalog = Catalog::builtin().unwrap();
        let folders: BTreeSet<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/aws"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let found: BTreeSet<String> = services(&catalog).into_iter().map(str::to_owned).collect();
        assert_eq!(found, folders);
        let cfg = catalog.check("FF-CFG-002").unwrap();
        assert_eq!((cfg.meta.collection.as_str(), service_of(&cfg.meta)), ("ec2.vpcs", "config"));
    }

    /// Typos are errors that say what exists; a selection that leaves nothing is an error.
    #[test]
    fn unknown_names_and_empty_selections_are_errors() {
        let catalog = Catalog::builtin().unwrap();
        let e = Selection { checks: vec!["FF-S3-999".into()], ..Default::default() }.apply(&catalog).unwrap_err();
        assert!(e.0.starts_with("--checks: no check \"FF-S3-999\"") && e.0.contains("policy list"), "{e}");
        let e = Selection { services: vec!["s4".into()], ..Default::default() }.apply(&catalog).unwrap_err();
        assert!(e.0.contains("\"s4\"") && e.0.contains("s3, secretsmanager"), "{e}");
        let e = Selection { excluded_checks: vec!["nope".into()], ..Default::default() }.apply(&catalog).unwrap_err();
        assert!(e.0.starts_with("--excluded-checks:"), "{e}");
        let none = Selection { services: vec!["s3".into()], severity: vec![Severity::Info], ..Default::default() };
        let e = none.apply(&catalog).unwrap_err();
        assert!(e.0.contains("--services s3, --severity info") && e.0.ends_with("leaves no check to run"), "{e}");
    }
}
