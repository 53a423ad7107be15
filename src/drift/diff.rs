//! Scan-to-scan diff: two snapshots (resources added, removed, changed with attribute paths)
//! or two JSON reports (findings new, regressed, resolved, still failing, keyed by the stable
//! finding id; drift items new and resolved, keyed by drift id).
//!
//! The snapshot diff compares every collection of the service registry ([`crate::aws`]), each
//! keyed by the diff identity its `service!` declares: a collection added to the registry is
//! compared without an edit here.
//!
//! A failure to collect is never read as a change, and nothing compared is never read as "no
//! change": a collection a snapshot lacks (its file does not have it) or could not list (see
//! `collection_errors` and the collection → operations table `model::COLLECTIONS`) is listed
//! in `unseen_collections`, and its resources on the other side are "not seen", not removed or
//! added. The collection errors of both snapshots are part of the diff. Likewise a finding
//! that becomes UNKNOWN or ERROR is news (coverage lost), whatever it was before.
//!
//! Scheduled scans alert on change with [`DiffOutcome::has_new_or_regressed`]. The snapshot
//! diff compares typed resources first (cheap `PartialEq`) and only turns the ones that differ
//! into JSON to find the changed paths, which keeps two 100,000-resource snapshots well under
//! the two-second budget (see `benches/drift_diff.rs`).
//!
//! This module compares; `report::diff` renders the outcome (Markdown, HTML).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Gaps;
use crate::aws::{Resource, VisitPair};
use crate::model::{
    AuditReport, CheckResult, CollectionError, CollectionInfo, DriftItem, ResourceMeta, Severity, Snapshot, Status,
    COLLECTIONS, REPORT_SCHEMA_VERSION, SNAPSHOT_SCHEMA_VERSION,
};

/// Why two files could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("cannot read {path}: {}", crate::fsio::Cause(error))]
    Io { path: String, error: std::io::Error },
    #[error("{path}:{line}:{col}: not a valid snapshot or report: {message}")]
    Json { path: String, line: usize, col: usize, message: String },
    #[error("{path}: neither a snapshot (no `schema_version`) nor a JSON report (no `report_schema_version`)")]
    UnknownKind { path: String },
    #[error("{path}: {what} schema version {found} is not supported (this build reads {expected})")]
    SchemaVersion { path: String, what: &'static str, found: u32, expected: u32 },
    #[error("cannot compare a {old} with a {new}: give two snapshots or two JSON reports")]
    Mismatch { old: &'static str, new: &'static str },
}

/// A parsed input of `diff`.
#[derive(Debug, Clone)]
pub enum DiffInput {
    Snapshot(Box<SnapshotFile>),
    Report(Box<AuditReport>),
}

impl DiffInput {
    fn kind(&self) -> &'static str {
        match self {
            DiffInput::Snapshot(_) => "snapshot",
            DiffInput::Report(_) => "report",
        }
    }

    /// Reads a snapshot or a JSON report, telling them apart by their version field.
    pub fn load(path: &Path) -> Result<DiffInput, DiffError> {
        let name = path.display().to_string();
        let text =
            crate::fsio::read_to_string(path).map_err(|source| DiffError::Io { path: name.clone(), error: source })?;
        Self::parse(&text, &name)
    }

    pub fn parse(text: &str, name: &str) -> Result<DiffInput, DiffError> {
        #[derive(Deserialize)]
        struct Probe {
            report_schema_version: Option<u32>,
            schema_version: Option<u32>,
        }
        let json_err = |e: serde_json::Error| DiffError::Json {
            path: name.to_owned(),
            line: e.line(),
            col: e.column(),
            message: e.to_string(),
        };
        let probe: Probe = serde_json::from_str(text).map_err(json_err)?;
        match (probe.report_schema_version, probe.schema_version) {
            (Some(v), _) if v != REPORT_SCHEMA_VERSION => Err(DiffError::SchemaVersion {
                path: name.to_owned(),
                what: "report",
                found: v,
                expected: REPORT_SCHEMA_VERSION,
            }),
            (Some(_), _) => Ok(DiffInput::Report(Box::new(serde_json::from_str(text).map_err(json_err)?))),
            (None, Some(v)) if v != SNAPSHOT_SCHEMA_VERSION => Err(DiffError::SchemaVersion {
                path: name.to_owned(),
                what: "snapshot",
                found: v,
                expected: SNAPSHOT_SCHEMA_VERSION,
            }),
            (None, Some(_)) => Ok(DiffInput::Snapshot(Box::new(SnapshotFile::parse(text).map_err(json_err)?))),
            (None, None) => Err(DiffError::UnknownKind { path: name.to_owned() }),
        }
    }
}

/// The result of `diff OLD NEW`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DiffOutcome {
    Snapshots(SnapshotDiff),
    Reports(ReportDiff),
}

/// Reads both files and compares them (two snapshots or two reports).
pub fn diff_files(old: &Path, new: &Path) -> Result<DiffOutcome, DiffError> {
    diff_inputs(&DiffInput::load(old)?, &DiffInput::load(new)?)
}

pub fn diff_inputs(old: &DiffInput, new: &DiffInput) -> Result<DiffOutcome, DiffError> {
    match (old, new) {
        (DiffInput::Snapshot(a), DiffInput::Snapshot(b)) => Ok(DiffOutcome::Snapshots(diff_snapshot_files(a, b))),
        (DiffInput::Report(a), DiffInput::Report(b)) => Ok(DiffOutcome::Reports(diff_reports(a, b))),
        _ => Err(DiffError::Mismatch { old: old.kind(), new: new.kind() }),
    }
}

impl DiffOutcome {
    /// For `--exit-on-change`: snapshots: any resource added, removed, changed or no longer
    /// seen, a collection the new snapshot lacks or could not list while the old one showed it,
    /// or a collection error the old snapshot did not have; reports: a new or regressed
    /// finding, a finding that became UNKNOWN or ERROR, or a new drift item.
    pub fn has_new_or_regressed(&self) -> bool {
        match self {
            DiffOutcome::Snapshots(d) => {
                !(d.added.is_empty()
                    && d.removed.is_empty()
                    && d.changed.is_empty()
                    && d.not_seen_in_new.is_empty()
                    && d.unseen_collections.iter().all(|u| u.new.is_none() || u.old.is_some())
                    && d.new_collection_errors.iter().all(|e| d.old_collection_errors.contains(e)))
            }
            DiffOutcome::Reports(d) => {
                !(d.new.is_empty() && d.regressed.is_empty() && d.now_unknown.is_empty() && d.drift_new.is_empty())
            }
        }
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

// ------------------------------------------------------------------ snapshots

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResourceRef {
    pub collection: String,
    pub arn: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeChange {
    /// e.g. `multi_az`, `encryption.rules[0].sse_algorithm`, `tags.flowforge:env`.
    pub path: String,
    pub old: Value,
    pub new: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceChange {
    pub collection: String,
    pub arn: String,
    pub name: String,
    pub changes: Vec<AttributeChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotDiff {
    pub old_collected_at: String,
    pub new_collected_at: String,
    pub old_account_id: String,
    pub new_account_id: String,
    /// Sorted by (collection, ARN).
    pub added: Vec<ResourceRef>,
    pub removed: Vec<ResourceRef>,
    pub changed: Vec<ResourceChange>,
    /// In the old snapshot and absent from the new one, whose collection could not be listed
    /// in the new one: not known to be removed.
    pub not_seen_in_new: Vec<ResourceRef>,
    /// In the new snapshot and absent from the old one, whose collection could not be listed
    /// in the old one: not known to be added.
    pub not_seen_in_old: Vec<ResourceRef>,
    /// The collections a snapshot lacks or could not list, sorted by name: not compared there.
    pub unseen_collections: Vec<UnseenCollection>,
    /// The `collection_errors` of each snapshot, as recorded.
    pub old_collection_errors: Vec<CollectionError>,
    pub new_collection_errors: Vec<CollectionError>,
}

/// Why a collection could not be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnseenReason {
    /// The snapshot file does not have the collection (written before it was collected, or
    /// edited).
    Absent,
    /// Its listing failed, in some region (see the collection errors).
    ListingFailed,
}

/// A collection one snapshot (or both) could not show. Its resources on the other side are
/// "not seen", never added or removed, and the collection is never "no change".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct UnseenCollection {
    pub collection: String,
    /// Why the old snapshot does not show it; null when it does.
    pub old: Option<UnseenReason>,
    /// Why the new snapshot does not show it; null when it does.
    pub new: Option<UnseenReason>,
}

/// A snapshot file as `diff` reads it: the snapshot, and the collections of the registry the
/// file does not have (a member or field missing is read as empty by the snapshot's serde
/// defaults, which `diff` must not take for "nothing there").
#[derive(Debug, Clone)]
pub struct SnapshotFile {
    pub snapshot: Snapshot,
    pub absent: BTreeSet<&'static str>,
}

impl SnapshotFile {
    /// A snapshot built in memory: every collection is there.
    pub fn complete(snapshot: Snapshot) -> SnapshotFile {
        SnapshotFile { snapshot, absent: BTreeSet::new() }
    }

    /// Parses a snapshot document and notes which collections it lacks.
    fn parse(text: &str) -> Result<SnapshotFile, serde_json::Error> {
        let snapshot: Snapshot = serde_json::from_str(text)?;
        // One more pass over the text, skipping every value: the member and field names.
        let members: HashMap<String, Keys> = serde_json::from_str(text)?;
        let absent = COLLECTIONS
            .iter()
            .filter(|info| {
                let (member, field) = info.name.split_once('.').unwrap_or((info.name, ""));
                !members.get(member).is_some_and(|keys| keys.0.iter().any(|k| k == field))
            })
            .map(|info| info.name)
            .collect();
        Ok(SnapshotFile { snapshot, absent })
    }
}

/// The names of a JSON object's members, their values skipped; any other value has none.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Keys(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
        }
        d.deserialize_any(Names)
    }
}

/// Whether each snapshot shows each collection: listing failures in any region count (a
/// global listing such as `ListBuckets` is recorded in one region for buckets of all regions,
/// so a region match would call a bucket elsewhere "removed"), and so does a collection the
/// file lacks.
struct Differ<'a, 'o> {
    old: (Gaps<'a>, &'a BTreeSet<&'static str>),
    new: (Gaps<'a>, &'a BTreeSet<&'static str>),
    out: &'o mut SnapshotDiff,
}

fn unseen(side: &(Gaps<'_>, &BTreeSet<&'static str>), collection: &'static str) -> Option<UnseenReason> {
    if side.1.contains(collection) {
        Some(UnseenReason::Absent)
    } else if side.0.list_failed(collection) {
        Some(UnseenReason::ListingFailed)
    } else {
        None
    }
}

impl<'a> VisitPair<'a> for Differ<'a, '_> {
    fn pair<T: Resource>(&mut self, info: &'static CollectionInfo, old: &'a [T], new: &'a [T]) {
        let (old_unseen, new_unseen) = (unseen(&self.old, info.name), unseen(&self.new, info.name));
        if old_unseen.is_some() || new_unseen.is_some() {
            self.out.unseen_collections.push(UnseenCollection {
                collection: info.name.to_owned(),
                old: old_unseen,
                new: new_unseen,
            });
        }
        diff_collection(info, old, new, (old_unseen.is_some(), new_unseen.is_some()), self.out);
    }
}

/// Compares one collection, resource by resource, keyed by its registry's diff identity.
/// `unseen` says which side could not show the collection.
fn diff_collection<T: Resource>(
    info: &'static CollectionInfo,
    old: &[T],
    new: &[T],
    (old_unseen, new_unseen): (bool, bool),
    out: &mut SnapshotDiff,
) {
    let key = |r: &T| info.diff_key.of(r.meta()).to_owned();
    let before: HashMap<String, &T> = old.iter().map(|r| (key(r), r)).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let r#ref =
        |m: &ResourceMeta| ResourceRef { collection: info.name.to_owned(), arn: m.arn.clone(), name: m.name.clone() };
    for r in new {
        let k = key(r);
        match before.get(&k) {
            None if old_unseen => out.not_seen_in_old.push(r#ref(r.meta())),
            None => out.added.push(r#ref(r.meta())),
            Some(o) if *o != r => {
                let mut changes = Vec::new();
                let (a, b) =
                    (serde_json::to_value(o).unwrap_or(Value::Null), serde_json::to_value(r).unwrap_or(Value::Null));
                value_diff("", &a, &b, &mut changes);
                if !changes.is_empty() {
                    out.changed.push(ResourceChange {
                        collection: info.name.to_owned(),
                        arn: r.meta().arn.clone(),
                        name: r.meta().name.clone(),
                        changes,
                    });
                }
            }
            Some(_) => {}
        }
        seen.insert(k);
    }
    for r in old {
        if seen.contains(info.diff_key.of(r.meta())) {
            continue;
        }
        if new_unseen {
            out.not_seen_in_new.push(r#ref(r.meta()));
        } else {
            out.removed.push(r#ref(r.meta()));
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// Attribute paths that differ between two JSON values. Arrays of scalars (ids, CIDRs) change
/// as a whole; arrays of objects (rules, statements) element by element.
fn value_diff(path: &str, a: &Value, b: &Value, out: &mut Vec<AttributeChange>) {
    let child = |k: &str| if path.is_empty() { k.to_owned() } else { format!("{path}.{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                value_diff(&child(k), va, y.get(k).unwrap_or(&Value::Null), out);
            }
            for (k, vb) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                value_diff(&child(k), &Value::Null, vb, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if !(x.iter().all(is_scalar) && y.iter().all(is_scalar)) => {
            for i in 0..x.len().max(y.len()) {
                value_diff(
                    &format!("{path}[{i}]"),
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        _ if a != b => out.push(AttributeChange { path: path.to_owned(), old: a.clone(), new: b.clone() }),
        _ => {}
    }
}

/// Compares two snapshots built in memory (every collection present) resource by resource.
pub fn diff_snapshots(old: &Snapshot, new: &Snapshot) -> SnapshotDiff {
    let none = BTreeSet::new();
    diff_snapshot_parts(old, &none, new, &none)
}

/// Compares two snapshot files: every collection of the registry, resource by resource (keyed
/// by the collection's diff identity); a collection one side lacks or could not list is
/// "not seen" there.
pub fn diff_snapshot_files(old: &SnapshotFile, new: &SnapshotFile) -> SnapshotDiff {
    diff_snapshot_parts(&old.snapshot, &old.absent, &new.snapshot, &new.absent)
}

fn diff_snapshot_parts(
    old: &Snapshot,
    old_absent: &BTreeSet<&'static str>,
    new: &Snapshot,
    new_absent: &BTreeSet<&'static str>,
) -> SnapshotDiff {
    let mut out = SnapshotDiff {
        old_collected_at: old.collected_at.clone(),
        new_collected_at: new.collected_at.clone(),
        old_account_id: old.account_id.clone(),
        new_account_id: new.account_id.clone(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        not_seen_in_new: Vec::new(),
        not_seen_in_old: Vec::new(),
        unseen_collections: Vec::new(),
        old_collection_errors: old.collection_errors.clone(),
        new_collection_errors: new.collection_errors.clone(),
    };
    let mut differ = Differ { old: (Gaps::new(old), old_absent), new: (Gaps::new(new), new_absent), out: &mut out };
    old.visit_pairs(new, &mut differ);
    out.added.sort();
    out.removed.sort();
    out.not_seen_in_new.sort();
    out.not_seen_in_old.sort();
    out.unseen_collections.sort();
    out.changed.sort_by(|a, b| (&a.collection, &a.arn).cmp(&(&b.collection, &b.arn)));
    out
}

// ------------------------------------------------------------------ reports

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingChange {
    pub finding_id: String,
    pub check_id: String,
    pub severity: Severity,
    pub resource_arn: String,
    /// Null when the finding did not exist in the old report.
    pub old_status: Option<Status>,
    /// Null when the finding is gone from the new report (resource deleted, check removed).
    pub new_status: Option<Status>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDiff {
    pub old_collected_at: String,
    pub new_collected_at: String,
    /// FAIL now; absent, UNKNOWN, NOT_APPLICABLE or ERROR before.
    pub new: Vec<FindingChange>,
    /// FAIL now; PASS or WAIVED before.
    pub regressed: Vec<FindingChange>,
    /// FAIL before; PASS, WAIVED, NOT_APPLICABLE or gone now.
    pub resolved: Vec<FindingChange>,
    /// FAIL before and now.
    pub still_failing: Vec<FindingChange>,
    /// UNKNOWN or ERROR now, and something else (or absent) before: coverage lost. A FAIL
    /// that became UNKNOWN is not resolved, and a PASS that became UNKNOWN is no longer known
    /// to pass.
    pub now_unknown: Vec<FindingChange>,
    /// Whether both reports had a drift section (otherwise the drift lists are empty).
    pub drift_compared: bool,
    /// Drift items (not IN_SYNC) whose drift id was not in the old report.
    pub drift_new: Vec<DriftItem>,
    /// Drift items of the old report whose drift id is gone.
    pub drift_resolved: Vec<DriftItem>,
}

fn change(r: &CheckResult, old: Option<Status>, new: Option<Status>) -> FindingChange {
    FindingChange {
        finding_id: r.finding_id.clone(),
        check_id: r.check_id.clone(),
        severity: r.severity,
        resource_arn: r.resource_arn.clone(),
        old_status: old,
        new_status: new,
        message: r.message.clone(),
    }
}

/// Compares two reports finding by finding (stable finding id) and drift item by drift id.
pub fn diff_reports(old: &AuditReport, new: &AuditReport) -> ReportDiff {
    let before: HashMap<&str, &CheckResult> = old.results.iter().map(|r| (r.finding_id.as_str(), r)).collect();
    let after: HashMap<&str, &CheckResult> = new.results.iter().map(|r| (r.finding_id.as_str(), r)).collect();
    let mut d = ReportDiff {
        old_collected_at: old.collected_at.clone(),
        new_collected_at: new.collected_at.clone(),
        new: Vec::new(),
        regressed: Vec::new(),
        resolved: Vec::new(),
        still_failing: Vec::new(),
        now_unknown: Vec::new(),
        drift_compared: false,
        drift_new: Vec::new(),
        drift_resolved: Vec::new(),
    };
    for r in &new.results {
        let was = before.get(r.finding_id.as_str()).map(|o| o.status);
        match r.status {
            Status::Fail => {
                let c = change(r, was, Some(r.status));
                match was {
                    Some(Status::Pass | Status::Waived) => d.regressed.push(c),
                    Some(Status::Fail) => d.still_failing.push(c),
                    _ => d.new.push(c),
                }
            }
            Status::Unknown | Status::Error if was != Some(r.status) => {
                d.now_unknown.push(change(r, was, Some(r.status)));
            }
            _ => {}
        }
    }
    for o in old.results.iter().filter(|o| o.status == Status::Fail) {
        match after.get(o.finding_id.as_str()) {
            None => d.resolved.push(change(o, Some(o.status), None)),
            Some(n) => match n.status {
                // Still failing, or counted above as no longer known.
                Status::Fail | Status::Unknown | Status::Error => {}
                _ => d.resolved.push(change(n, Some(o.status), Some(n.status))),
            },
        }
    }
    if let (Some(a), Some(b)) = (&old.drift, &new.drift) {
        d.drift_compared = true;
        let ids_a: BTreeSet<&str> = a.items.iter().map(|i| i.drift_id.as_str()).collect();
        let ids_b: BTreeSet<&str> = b.items.iter().map(|i| i.drift_id.as_str()).collect();
        let real = |i: &&DriftItem| i.state != crate::model::DriftState::InSync;
        d.drift_new = b.items.iter().filter(real).filter(|i| !ids_a.contains(i.drift_id.as_str())).cloned().collect();
        d.drift_resolved =
            a.items.iter().filter(real).filter(|i| !ids_b.contains(i.drift_id.as_str())).cloned().collect();
    }
    for list in [&mut d.new, &mut d.regressed, &mut d.resolved, &mut d.still_failing, &mut d.now_unknown] {
        list.sort_by(|a, b| {
            (std::cmp::Reverse(a.severity), &a.check_id, &a.resource_arn).cmp(&(
                std::cmp::Reverse(b.severity),
                &b.check_id,
                &b.resource_arn,
            ))
        });
    }
    d
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::aws::s3::Bucket;
    use crate::aws::VisitMut;
    use crate::model::{finding_id, DriftReport, GateDecision, Provenance, Summary};

    /// Added, removed and changed resources with precise attribute paths.
    #[test]
    fn snapshot_diff_reports_paths() {
        let old = compliant_snapshot();
        let mut new = old.clone();
        new.rds.db_instances[0].multi_az = Some(false);
        new.s3.buckets[0].encryption.as_mut().unwrap().rules[0].sse_algorithm = "AES256".into();
        new.ec2.vpc_endpoints.retain(|e| e.endpoint_type != "Interface");
        new.s3.buckets.push(Bucket { meta: meta("s3", "", "extra", "extra", &[]), ..Default::default() });
        new.ec2.security_groups[0].ingress[0].ipv4_ranges.push("10.0.0.0/8".into());
        let d = diff_snapshots(&old, &new);
        assert_eq!(d.added.iter().map(|r| r.arn.as_str()).collect::<Vec<_>>(), vec!["arn:aws:s3:::extra"]);
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].collection, "ec2.vpc_endpoints");
        let paths: Vec<(&str, &str)> = d
            .changed
            .iter()
            .flat_map(|c| c.changes.iter().map(move |x| (c.collection.as_str(), x.path.as_str())))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("ec2.security_groups", "ingress[0].ipv4_ranges"),
                ("rds.db_instances", "multi_az"),
                ("s3.buckets", "encryption.rules[0].sse_algorithm"),
            ]
        );
        let rds = d.changed.iter().find(|c| c.collection == "rds.db_instances").unwrap();
        assert_eq!((rds.changes[0].old.clone(), rds.changes[0].new.clone()), (Value::Bool(true), Value::Bool(false)));
        let outcome = DiffOutcome::Snapshots(d);
        assert!(outcome.has_new_or_regressed());
        let md = crate::report::diff::markdown(&outcome);
        assert!(md.contains("| rds.db_instances | flowforge-prod-metadata | multi\\_az | true | false |"), "{md}");
        assert!(!DiffOutcome::Snapshots(diff_snapshots(&old, &old)).has_new_or_regressed());
    }

    fn result(check: &str, arn: &str, status: Status) -> CheckResult {
        CheckResult {
            finding_id: finding_id(check, arn),
            check_id: check.into(),
            severity: Severity::High,
            status,
            resource_arn: arn.into(),
            resource_name: String::new(),
            region: String::new(),
            message: String::new(),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    /// Built through JSON so that fields the report gains later (with serde defaults) do not
    /// break this test.
    fn report(results: Vec<CheckResult>, drift: Option<DriftReport>) -> AuditReport {
        serde_json::from_value(serde_json::json!({
            "report_schema_version": REPORT_SCHEMA_VERSION,
            "environment": "prod",
            "account_id": ACCOUNT,
            "partition": "aws",
            "regions": [],
            "collected_at": "t",
            "provenance": Provenance::default(),
            "summary": Summary::default(),
            "gate": GateDecision::default(),
            "checks": [],
            "results": results,
            "collection_errors": [],
            "drift": drift,
        }))
        .unwrap()
    }

    /// Every transition lands in exactly one category, keyed by the finding id.
    #[test]
    fn report_diff_categories() {
        let old = report(
            vec![
                result("A", "r1", Status::Pass),
                result("A", "r2", Status::Fail),
                result("A", "r3", Status::Fail),
                result("A", "r4", Status::Fail),
                result("A", "r5", Status::Waived),
                result("A", "r6", Status::Fail),
            ],
            None,
        );
        let new = report(
            vec![
                result("A", "r1", Status::Fail),
                result("A", "r2", Status::Fail),
                result("A", "r3", Status::Pass),
                result("A", "r4", Status::Unknown),
                result("A", "r5", Status::Fail),
                result("B", "r1", Status::Fail),
            ],
            None,
        );
        let d = diff_reports(&old, &new);
        let arns =
            |l: &[FindingChange]| l.iter().map(|f| format!("{}:{}", f.check_id, f.resource_arn)).collect::<Vec<_>>();
        assert_eq!(arns(&d.regressed), vec!["A:r1", "A:r5"]);
        assert_eq!(arns(&d.still_failing), vec!["A:r2"]);
        assert_eq!(arns(&d.resolved), vec!["A:r3", "A:r6"]);
        assert_eq!(arns(&d.now_unknown), vec!["A:r4"]);
        assert_eq!(arns(&d.new), vec!["B:r1"]);
        assert!(!d.drift_compared);
        let outcome = DiffOutcome::Reports(d);
        assert!(outcome.has_new_or_regressed());
        assert_eq!(outcome.to_json()["kind"], "reports");
        let same = DiffOutcome::Reports(diff_reports(&new, &new));
        assert!(!same.has_new_or_regressed());
    }

    /// New drift items alone are a change worth alerting on.
    #[test]
    fn report_diff_drift_items() {
        let s = compliant_snapshot();
        let view = prod_view();
        let clean = super::super::compute(&s, &view, None);
        let mut broken = s.clone();
        broken.rds.db_instances[0].multi_az = Some(false);
        let drifted = super::super::compute(&broken, &view, None);
        let d = diff_reports(&report(vec![], Some(clean.clone())), &report(vec![], Some(drifted)));
        assert!(d.drift_compared);
        assert_eq!(d.drift_new.len(), 1);
        assert_eq!(d.drift_new[0].attribute.as_deref(), Some("multi_az"));
        assert!(DiffOutcome::Reports(d).has_new_or_regressed());
    }

    /// Inputs are told apart by their version field; mixing kinds is a clear error.
    #[test]
    fn inputs_are_detected_and_mismatch_rejected() {
        let snap = serde_json::to_string(&compliant_snapshot()).unwrap();
        let rep = serde_json::to_string(&report(vec![], None)).unwrap();
        let a = DiffInput::parse(&snap, "a.json").unwrap();
        let b = DiffInput::parse(&rep, "b.json").unwrap();
        assert!(matches!(diff_inputs(&a, &b), Err(DiffError::Mismatch { .. })));
        let err = DiffInput::parse("{\"schema_version\": 99}", "c.json").unwrap_err().to_string();
        assert!(err.contains("c.json") && err.contains("99"), "{err}");
        let err = DiffInput::parse("{\n  \"x\": [1,\n", "d.json").unwrap_err().to_string();
        assert!(err.starts_with("d.json:"), "{err}");
        assert!(matches!(DiffInput::parse("{}", "e.json"), Err(DiffError::UnknownKind { .. })));
    }

    fn list_error(service: &str, operation: &str, region: &str) -> CollectionError {
        CollectionError {
            service: service.into(),
            operation: operation.into(),
            region: region.into(),
            resource: None,
            error_code: "AccessDenied".into(),
            message: "not authorized".into(),
        }
    }

    /// A resource missing from a snapshot whose listing of its collection failed (in any
    /// region) is "not seen", not removed or added; the errors are in the diff and its
    /// Markdown, and losing a listing alone fires `--exit-on-change`.
    #[test]
    fn failed_listing_is_not_seen_not_removed() {
        let old = compliant_snapshot();
        let mut new = old.clone();
        let buckets = std::mem::take(&mut new.s3.buckets);
        new.collection_errors.push(list_error("s3", "ListBuckets", "eu-central-1"));
        let d = diff_snapshots(&old, &new);
        assert!(d.removed.is_empty(), "{:?}", d.removed);
        assert_eq!(d.not_seen_in_new.len(), buckets.len());
        assert_eq!(d.new_collection_errors.len(), 1);
        let md = crate::report::diff::markdown(&DiffOutcome::Snapshots(d.clone()));
        assert!(md.contains(&format!("| 0 | 0 | 0 | {} |", buckets.len())), "{md}");
        assert!(md.contains("### Not seen in the new snapshot"), "{md}");
        assert!(md.contains("| new | s3 | ListBuckets | eu-central-1 |  | AccessDenied | not authorized |"), "{md}");
        assert!(DiffOutcome::Snapshots(d).has_new_or_regressed());

        // The other way round: what the old snapshot could not list is not "added".
        let d = diff_snapshots(&new, &old);
        assert!(d.added.is_empty() && d.not_seen_in_new.is_empty());
        assert_eq!(d.not_seen_in_old.len(), buckets.len());
        // A listing that works again is no alert; an error both snapshots share is none either.
        assert!(!DiffOutcome::Snapshots(d).has_new_or_regressed());
        assert!(!DiffOutcome::Snapshots(diff_snapshots(&new, &new)).has_new_or_regressed());

        // An error of another collection does not hide a removal.
        let mut other = old.clone();
        other.s3.buckets.pop();
        other.collection_errors.push(list_error("ec2", "DescribeFlowLogs", REGION));
        let d = diff_snapshots(&old, &other);
        assert_eq!((d.removed.len(), d.not_seen_in_new.len()), (1, 0));
    }

    /// Every transition into UNKNOWN or ERROR is news, whatever came before, and alone fires
    /// `--exit-on-change`; staying UNKNOWN is not.
    #[test]
    fn every_transition_into_unknown_or_error_is_counted() {
        let old = report(
            vec![
                result("A", "r1", Status::Pass),
                result("A", "r2", Status::Unknown),
                result("A", "r3", Status::Error),
                result("A", "r4", Status::NotApplicable),
                result("A", "r5", Status::Waived),
            ],
            None,
        );
        let new = report(
            vec![
                result("A", "r1", Status::Unknown),
                result("A", "r2", Status::Unknown),
                result("A", "r3", Status::Unknown),
                result("A", "r4", Status::Error),
                result("A", "r5", Status::Unknown),
                result("A", "r6", Status::Error),
            ],
            None,
        );
        let d = diff_reports(&old, &new);
        let got: Vec<(String, Option<Status>, Option<Status>)> =
            d.now_unknown.iter().map(|f| (f.resource_arn.clone(), f.old_status, f.new_status)).collect();
        assert_eq!(
            got,
            vec![
                ("r1".into(), Some(Status::Pass), Some(Status::Unknown)),
                ("r3".into(), Some(Status::Error), Some(Status::Unknown)),
                ("r4".into(), Some(Status::NotApplicable), Some(Status::Error)),
                ("r5".into(), Some(Status::Waived), Some(Status::Unknown)),
                ("r6".into(), None, Some(Status::Error)),
            ]
        );
        assert!(crate::report::diff::markdown(&DiffOutcome::Reports(d.clone())).contains("| 0 | 0 | 0 | 0 | 5 |"));
        let only_pass_to_unknown = diff_reports(
            &report(vec![result("A", "r1", Status::Pass)], None),
            &report(vec![result("A", "r1", Status::Unknown)], None),
        );
        assert!(DiffOutcome::Reports(only_pass_to_unknown).has_new_or_regressed());
        let still_unknown = diff_reports(
            &report(vec![result("A", "r1", Status::Unknown)], None),
            &report(vec![result("A", "r1", Status::Unknown)], None),
        );
        assert!(!DiffOutcome::Reports(still_unknown).has_new_or_regressed());
    }

    /// Two resources in every collection of the registry, with distinct ARNs.
    struct Fill;

    impl VisitMut for Fill {
        fn collection<T: Resource>(&mut self, info: &'static CollectionInfo, items: &mut Vec<T>) {
            for i in 0..2 {
                let mut r = T::default();
                *r.meta_mut() = ResourceMeta {
                    arn: format!("arn:aws:test:{}:{i}", info.name),
                    id: format!("{i}"),
                    name: format!("{}-{i}", info.name),
                    region: REGION.into(),
                    account_id: ACCOUNT.into(),
                    ..Default::default()
                };
                items.push(r);
            }
        }
    }

    #[derive(Clone, Copy, Debug)]
    enum Edit {
        Change,
        Add,
        Remove,
        Clear,
    }

    /// One edit to one collection, by name.
    struct Touch(&'static str, Edit);

    impl VisitMut for Touch {
        fn collection<T: Resource>(&mut self, info: &'static CollectionInfo, items: &mut Vec<T>) {
            if info.name != self.0 {
                return;
            }
            match self.1 {
                Edit::Change => {
                    items[0].meta_mut().tags.insert("touched".into(), "yes".into());
                }
                Edit::Add => {
                    let mut r = items[0].clone();
                    r.meta_mut().arn.push_str("-new");
                    items.push(r);
                }
                Edit::Remove => {
                    items.pop();
                }
                Edit::Clear => items.clear(),
            }
        }
    }

    /// Issue 21: `diff` compared 25 of the 47 collections and reported no change for the
    /// others. Now each collection of the registry, changed, added to or removed from, is
    /// reported under its own name and nowhere else, and fires `--exit-on-change`.
    #[test]
    fn every_collection_of_the_registry_is_compared() {
        let mut old = Snapshot::default();
        old.visit_mut(&mut Fill);
        assert_eq!(old.resource_metas().len(), 2 * COLLECTIONS.len());
        assert!(!DiffOutcome::Snapshots(diff_snapshots(&old, &old)).has_new_or_regressed());
        for info in COLLECTIONS {
            for edit in [Edit::Change, Edit::Add, Edit::Remove] {
                let mut new = old.clone();
                new.visit_mut(&mut Touch(info.name, edit));
                let d = diff_snapshots(&old, &new);
                let names = |l: &[ResourceRef]| l.iter().map(|r| r.collection.clone()).collect::<Vec<_>>();
                let changed: Vec<String> = d.changed.iter().map(|c| c.collection.clone()).collect();
                let want = vec![info.name.to_owned()];
                let got = match edit {
                    Edit::Change => (changed, names(&d.added), names(&d.removed)),
                    Edit::Add => (names(&d.added), changed, names(&d.removed)),
                    Edit::Remove | Edit::Clear => (names(&d.removed), changed, names(&d.added)),
                };
                assert_eq!(got, (want, vec![], vec![]), "{} {edit:?}", info.name);
                if let Edit::Change = edit {
                    assert_eq!(d.changed[0].changes[0].path, "tags.touched", "{}", info.name);
                }
                assert!(DiffOutcome::Snapshots(d).has_new_or_regressed(), "{} {edit:?}", info.name);
            }
        }
    }

    /// A collection one snapshot lacks or could not list is "not seen" there for every
    /// collection of the registry, never "no change": listed in `unseen_collections` with the
    /// reason, its resources not seen, and losing it fires `--exit-on-change`.
    #[test]
    fn every_collection_one_side_lacks_is_not_seen() {
        let mut full = Snapshot::default();
        full.visit_mut(&mut Fill);
        let old = SnapshotFile::complete(full.clone());
        for info in COLLECTIONS {
            // What a file without the collection, or a scan whose listing failed, holds: nothing.
            let mut emptied = full.clone();
            emptied.visit_mut(&mut Touch(info.name, Edit::Clear));
            let absent = SnapshotFile { snapshot: emptied.clone(), absent: BTreeSet::from([info.name]) };
            let mut failed = SnapshotFile::complete(emptied);
            failed.snapshot.collection_errors.push(CollectionError {
                service: info.service.into(),
                operation: info.list_operations[0].into(),
                region: REGION.into(),
                resource: None,
                error_code: "AccessDenied".into(),
                message: "denied".into(),
            });
            for (new, reason) in [(absent, UnseenReason::Absent), (failed, UnseenReason::ListingFailed)] {
                let d = diff_snapshot_files(&old, &new);
                let unseen = d.unseen_collections.iter().find(|u| u.collection == info.name);
                assert_eq!(
                    unseen.map(|u| (u.old, u.new)),
                    Some((None, Some(reason))),
                    "{}: {:?}",
                    info.name,
                    d.unseen_collections
                );
                assert!(d.not_seen_in_new.iter().any(|r| r.collection == info.name), "{}", info.name);
                assert!(d.removed.is_empty() && d.added.is_empty(), "{}: {d:?}", info.name);
                // A listing failure names every collection its operation lists; an absent
                // collection is the only one missing.
                if reason == UnseenReason::Absent {
                    assert_eq!(d.unseen_collections.len(), 1, "{}", info.name);
                }
                assert!(DiffOutcome::Snapshots(d.clone()).has_new_or_regressed(), "{}", info.name);
                // The other way round: what the old snapshot could not show is not "added",
                // and seeing it again is no alert.
                let back = diff_snapshot_files(&new, &old);
                assert!(back.added.is_empty() && back.not_seen_in_old.iter().any(|r| r.collection == info.name));
                assert!(!DiffOutcome::Snapshots(back).has_new_or_regressed(), "{}", info.name);
            }
        }
    }

    /// A member or field missing from the file is "absent", not an empty collection; one that
    /// is there, even empty, is seen.
    #[test]
    fn absent_collections_are_read_from_the_file() {
        let mut v = serde_json::to_value(compliant_snapshot()).unwrap();
        v.as_object_mut().unwrap().remove("kms");
        v["ec2"].as_object_mut().unwrap().remove("network_acls");
        v["ssm"]["parameters"] = serde_json::json!([]);
        let file = SnapshotFile::parse(&v.to_string()).unwrap();
        assert_eq!(file.absent, BTreeSet::from(["ec2.network_acls", "kms.keys"]));
        let complete = SnapshotFile::parse(&serde_json::to_string(&compliant_snapshot()).unwrap()).unwrap();
        assert!(complete.absent.is_empty(), "{:?}", complete.absent);
    }
}
