//! What one upload sends, decided without the SDK: this run's ASFF findings, and the earlier
//! findings (read back with GetFindings) that this run closes, leaves open, or must not touch.
//!
//! The rules, fail closed:
//! - A result of this run is imported as the ASFF writer made it (a PASS is PASSED and
//!   ARCHIVED there), keeping the earlier finding's `CreatedAt` (when it was first seen).
//! - An earlier ACTIVE finding that this run has no result for (the resource is gone, or no
//!   longer in the check's scope) is closed, `Compliance.Status` PASSED and `RecordState`
//!   ARCHIVED, only if this run could have seen it: its check ran with no UNKNOWN or ERROR
//!   result, and its resource's region was scanned. Otherwise it is left open: absence on a
//!   partial view proves nothing.
//! - An update is sent only with an `UpdatedAt` later than the one Security Hub holds (a
//!   current finding: not earlier), whatever the finding's record state. An older snapshot
//!   uploaded after a newer one is skipped, never allowed to reopen or overwrite what the
//!   newer run found (so the earlier findings read include the ARCHIVED ones).
//! - An earlier finding that this run sends closed (a current PASS, or an absent finding
//!   closed as above) gets `Workflow.Status` RESOLVED with BatchUpdateFindings, the only call
//!   that changes an existing finding's workflow, unless its status is RESOLVED already or
//!   SUPPRESSED (a person's decision, never overridden). NEW or NOTIFIED is updated even when
//!   the finding was already ARCHIVED: a run after an update Security Hub did not process
//!   finishes it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::{AuditReport, Status};

/// What a plan needs of an earlier finding; `F` is the finding itself (the SDK's type), carried
/// through to be re-imported.
#[derive(Debug, Clone)]
pub struct Earlier<F> {
    pub id: String,
    pub generator_id: String,
    pub created_at: String,
    pub updated_at: String,
    /// `Resources[0].Region`; `None` when absent.
    pub resource_region: Option<String>,
    /// `RecordState` ACTIVE (or absent): open. Only an open finding is closed; a closed one
    /// still counts for `CreatedAt` and for the rule against going back in time.
    pub active: bool,
    /// `Workflow.Status` (NEW, NOTIFIED, RESOLVED, SUPPRESSED); `None` when absent.
    pub workflow: Option<String>,
    pub finding: F,
}

/// Why an earlier finding was left open.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeptOpen {
    /// Its check had an UNKNOWN or ERROR result this run.
    NotConclusive,
    /// Its check did not run (not in this run's catalog).
    CheckNotRun,
    /// Its resource's region was not scanned (or the finding names none).
    RegionNotScanned,
}

/// The decided upload.
#[derive(Debug)]
pub struct Plan<F> {
    /// This run's findings to import, sorted by `Id`.
    pub current: Vec<Value>,
    /// Earlier findings to re-import closed, sorted by `Id`.
    pub resolve: Vec<Earlier<F>>,
    /// Earlier findings left open, with why, by `Id`.
    pub kept_open: BTreeMap<String, KeptOpen>,
    /// Ids not sent: Security Hub holds a later `UpdatedAt` than this run's time.
    pub stale: Vec<String>,
    /// Ids of the earlier findings this run sends closed whose workflow is to be set RESOLVED
    /// (BatchUpdateFindings), sorted.
    pub workflow_resolve: Vec<String>,
    /// Ids of the earlier findings this run sends closed that stay SUPPRESSED, sorted.
    pub suppressed: Vec<String>,
}

/// Where an earlier finding this run closes goes: RESOLVED, or left SUPPRESSED, or nothing to do.
fn close_workflow(id: &str, workflow: Option<&str>, resolve: &mut Vec<String>, suppressed: &mut Vec<String>) {
    match workflow {
        Some("SUPPRESSED") => suppressed.push(id.to_owned()),
        Some("RESOLVED") => {}
        _ => resolve.push(id.to_owned()),
    }
}

/// RFC 3339 timestamps compared as instants; an unreadable one compares as unknown (`None`).
fn later(a: &str, b: &str) -> Option<bool> {
    let a = chrono::DateTime::parse_from_rfc3339(a).ok()?;
    let b = chrono::DateTime::parse_from_rfc3339(b).ok()?;
    Some(a > b)
}

/// Decides the upload of `current` (this run's ASFF findings of `report`, stamped `run_time`)
/// given the `earlier` findings of this tool, account and environment (open or closed).
pub fn plan<F>(report: &AuditReport, mut current: Vec<Value>, earlier: Vec<Earlier<F>>, run_time: &str) -> Plan<F> {
    let ran: BTreeSet<&str> = report.checks.iter().map(|c| c.meta.id.as_str()).collect();
    let not_conclusive: BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Unknown | Status::Error))
        .map(|r| r.check_id.as_str())
        .collect();
    let scanned: BTreeSet<&str> = report.regions.iter().map(String::as_str).collect();
    let mut earlier: BTreeMap<String, Earlier<F>> = earlier.into_iter().map(|e| (e.id.clone(), e)).collect();

    let mut stale = Vec::new();
    let (mut workflow_resolve, mut suppressed) = (Vec::new(), Vec::new());
    current.retain_mut(|f| {
        let id = f["Id"].as_str().unwrap_or_default().to_owned();
        let Some(e) = earlier.remove(&id) else { return true };
        if later(&e.updated_at, run_time) == Some(true) {
            stale.push(id);
            return false;
        }
        if f["RecordState"] == "ARCHIVED" {
            close_workflow(&id, e.workflow.as_deref(), &mut workflow_resolve, &mut suppressed);
        }
        if !e.created_at.is_empty() {
            f["CreatedAt"] = Value::from(e.created_at);
        }
        true
    });
    current.sort_by(|a, b| a["Id"].as_str().cmp(&b["Id"].as_str()));

    let mut resolve = Vec::new();
    let mut kept_open = BTreeMap::new();
    for (id, e) in earlier.into_iter().filter(|(_, e)| e.active) {
        let why = if !ran.contains(e.generator_id.as_str()) {
            Some(KeptOpen::CheckNotRun)
        } else if not_conclusive.contains(e.generator_id.as_str()) {
            Some(KeptOpen::NotConclusive)
        } else if !e.resource_region.as_deref().is_some_and(|r| scanned.contains(r)) {
            Some(KeptOpen::RegionNotScanned)
        } else {
            None
        };
        match why {
            Some(why) => {
                kept_open.insert(id, why);
            }
            None if later(run_time, &e.updated_at) != Some(true) => stale.push(id),
            None => {
                close_workflow(&id, e.workflow.as_deref(), &mut workflow_resolve, &mut suppressed);
                resolve.push(e);
            }
        }
    }
    stale.sort();
    workflow_resolve.sort();
    suppressed.sort();
    Plan { current, resolve, kept_open, stale, workflow_resolve, suppressed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::asff;
    use crate::report::fixture::sample_report;

    fn earlier(id: &str, check: &str, region: Option<&str>, updated: &str) -> Earlier<()> {
        Earlier {
            id: id.to_owned(),
            generator_id: check.to_owned(),
            created_at: "2026-01-01T00:00:00.000Z".to_owned(),
            updated_at: updated.to_owned(),
            resource_region: region.map(str::to_owned),
            active: true,
            workflow: Some("NEW".to_owned()),
            finding: (),
        }
    }

    /// An earlier open finding absent from this run is closed only when the run could have
    /// seen it; one whose check was UNKNOWN, did not run, or whose region was not scanned stays
    /// open; one already closed is left alone.
    #[test]
    fn absent_findings_close_only_on_a_complete_view() {
        let report = sample_report();
        let time = asff::finding_time(&report).unwrap();
        let region = report.regions[0].clone();
        let conclusive = report
            .checks
            .iter()
            .map(|c| c.meta.id.as_str())
            .find(|id| {
                report.results.iter().any(|r| r.check_id == *id)
                    && report
                        .results
                        .iter()
                        .filter(|r| r.check_id == *id)
                        .all(|r| !matches!(r.status, Status::Unknown | Status::Error))
            })
            .expect("a check with only conclusive results");
        let unknown =
            report.results.iter().find(|r| r.status == Status::Unknown).expect("an UNKNOWN result").check_id.clone();
        let old = "2020-01-01T00:00:00.000Z";
        let prefix = asff::id_prefix(&report);
        let p = plan(
            &report,
            Vec::new(),
            vec![
                earlier(&format!("{prefix}gone"), conclusive, Some(&region), old),
                earlier(&format!("{prefix}unknown"), &unknown, Some(&region), old),
                earlier(&format!("{prefix}removed-check"), "FF-GONE-001", Some(&region), old),
                earlier(&format!("{prefix}other-region"), conclusive, Some("ap-south-2"), old),
                earlier(&format!("{prefix}no-region"), conclusive, None, old),
                earlier(&format!("{prefix}newer"), conclusive, Some(&region), "2999-01-01T00:00:00.000Z"),
                Earlier { active: false, ..earlier(&format!("{prefix}closed"), conclusive, Some(&region), old) },
            ],
            &time,
        );
        assert_eq!(p.resolve.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [format!("{prefix}gone")]);
        let open: Vec<(String, KeptOpen)> = p.kept_open.into_iter().collect();
        assert_eq!(
            open,
            [
                (format!("{prefix}no-region"), KeptOpen::RegionNotScanned),
                (format!("{prefix}other-region"), KeptOpen::RegionNotScanned),
                (format!("{prefix}removed-check"), KeptOpen::CheckNotRun),
                (format!("{prefix}unknown"), KeptOpen::NotConclusive),
            ]
        );
        assert_eq!(p.stale, [format!("{prefix}newer")]);
    }

    /// A current finding keeps the earlier finding's CreatedAt, and is not sent when Security
    /// Hub already holds a later version (an older snapshot must not overwrite a newer one).
    #[test]
    fn current_findings_keep_created_at_and_never_go_back_in_time() {
        let report = sample_report();
        let time = asff::finding_time(&report).unwrap();
        let current = asff::findings(&report).unwrap();
        let n = current.len();
        let id = |i: usize| current[i]["Id"].as_str().unwrap().to_owned();
        let e0 = earlier(&id(0), "FF-S3-001", None, "2020-01-01T00:00:00.000Z");
        // Closed (ARCHIVED) by a later run: still not overwritten.
        let e1 = Earlier { active: false, ..earlier(&id(1), "FF-S3-001", None, "2999-01-01T00:00:00.000Z") };
        let e2 = earlier(&id(2), "FF-S3-001", None, &time);
        let p = plan(&report, current.clone(), vec![e0, e1, e2], &time);
        assert_eq!(p.current.len(), n - 1, "only the finding Security Hub holds a later version of is skipped");
        assert_eq!(p.stale, [id(1)]);
        let sent = |i: usize| p.current.iter().find(|f| f["Id"] == id(i).as_str()).unwrap();
        assert_eq!(sent(0)["CreatedAt"], "2026-01-01T00:00:00.000Z");
        assert_eq!(sent(0)["UpdatedAt"], time.as_str());
        assert!(p.resolve.is_empty() && p.kept_open.is_empty());
        let ids: Vec<&str> = p.current.iter().map(|f| f["Id"].as_str().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] <= w[1]), "sorted by Id");
    }

    /// Only the earlier findings this run sends closed get Workflow RESOLVED: a current PASS
    /// and an absent finding closed, not a current FAIL, one left open or a stale one; a
    /// SUPPRESSED one is left alone, a RESOLVED one needs nothing, an ARCHIVED NEW one is
    /// finished.
    #[test]
    fn workflow_resolved_only_for_findings_this_run_closes() {
        let report = sample_report();
        let time = asff::finding_time(&report).unwrap();
        let current = asff::findings(&report).unwrap();
        let pass: Vec<String> = current
            .iter()
            .filter(|f| f["RecordState"] == "ARCHIVED")
            .map(|f| f["Id"].as_str().unwrap().to_owned())
            .take(4)
            .collect();
        let fail = current.iter().find(|f| f["RecordState"] == "ACTIVE").unwrap()["Id"].as_str().unwrap().to_owned();
        assert_eq!(pass.len(), 4, "the sample has PASS results");
        let region = report.regions[0].clone();
        let check = report
            .checks
            .iter()
            .map(|c| c.meta.id.as_str())
            .find(|id| {
                report
                    .results
                    .iter()
                    .filter(|r| r.check_id == *id)
                    .all(|r| !matches!(r.status, Status::Unknown | Status::Error))
            })
            .expect("a check with only conclusive results");
        let old = "2020-01-01T00:00:00.000Z";
        let with = |id: &str, workflow: &str| Earlier {
            workflow: Some(workflow.to_owned()),
            ..earlier(id, check, Some(&region), old)
        };
        let prefix = asff::id_prefix(&report);
        let earlier = vec![
            with(&pass[0], "NEW"),
            with(&pass[1], "SUPPRESSED"),
            with(&pass[2], "RESOLVED"),
            Earlier { active: false, ..with(&pass[3], "NOTIFIED") },
            with(&fail, "NEW"),
            with(&format!("{prefix}gone"), "NOTIFIED"),
            with(&format!("{prefix}gone-suppressed"), "SUPPRESSED"),
            Earlier { workflow: None, ..with(&format!("{prefix}gone-no-workflow"), "") },
            with(&format!("{prefix}newer"), "NEW"),
            Earlier { resource_region: None, ..with(&format!("{prefix}open"), "NEW") },
        ];
        let mut earlier = earlier;
        earlier[8].updated_at = "2999-01-01T00:00:00.000Z".to_owned();
        let p = plan(&report, current, earlier, &time);
        let mut expected =
            vec![pass[0].clone(), pass[3].clone(), format!("{prefix}gone"), format!("{prefix}gone-no-workflow")];
        expected.sort();
        assert_eq!(p.workflow_resolve, expected);
        let mut suppressed = vec![pass[1].clone(), format!("{prefix}gone-suppressed")];
        suppressed.sort();
        assert_eq!(p.suppressed, suppressed);
    }
}
