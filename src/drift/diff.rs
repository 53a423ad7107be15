//! Scan-to-scan diff: two snapshots (resources added, removed, changed with attribute paths,
//! keyed by ARN) or two JSON reports (findings new, regressed, resolved, still failing, keyed
//! by the stable finding id; drift items new and resolved, keyed by drift id).
//!
//! A failure to collect is never read as a change: a resource missing from a snapshot whose
//! listing of that collection failed (see `collection_errors` and the collection → operations
//! table `model::COLLECTIONS`) is "not seen", not removed or added, and the collection errors
//! of both snapshots are part of the diff. Likewise a finding that becomes UNKNOWN or ERROR is
//! news (coverage lost), whatever it was before.
//!
//! Scheduled scans alert on change with [`DiffOutcome::has_new_or_regressed`]. The snapshot
//! diff compares typed resources first (cheap `PartialEq`) and only turns the ones that differ
//! into JSON to find the changed paths, which keeps two 100,000-resource snapshots well under
//! the two-second budget (see `benches/diff.rs`).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Gaps;
use crate::model::{
    AuditReport, CheckResult, CollectionError, DriftItem, ResourceMeta, Severity, Snapshot, Status,
    REPORT_SCHEMA_VERSION, SNAPSHOT_SCHEMA_VERSION,
};
use crate::report::markdown::escape;

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
    Snapshot(Box<Snapshot>),
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
            (None, Some(_)) => Ok(DiffInput::Snapshot(Box::new(serde_json::from_str(text).map_err(json_err)?))),
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
        (DiffInput::Snapshot(a), DiffInput::Snapshot(b)) => Ok(DiffOutcome::Snapshots(diff_snapshots(a, b))),
        (DiffInput::Report(a), DiffInput::Report(b)) => Ok(DiffOutcome::Reports(diff_reports(a, b))),
        _ => Err(DiffError::Mismatch { old: old.kind(), new: new.kind() }),
    }
}

impl DiffOutcome {
    /// For `--exit-on-change`: snapshots: any resource added, removed, changed or no longer
    /// seen, or a collection error the old snapshot did not have; reports: a new or regressed
    /// finding, a finding that became UNKNOWN or ERROR, or a new drift item.
    pub fn has_new_or_regressed(&self) -> bool {
        match self {
            DiffOutcome::Snapshots(d) => {
                !(d.added.is_empty()
                    && d.removed.is_empty()
                    && d.changed.is_empty()
                    && d.not_seen_in_new.is_empty()
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

    pub fn to_markdown(&self) -> String {
        match self {
            DiffOutcome::Snapshots(d) => d.to_markdown(),
            DiffOutcome::Reports(d) => d.to_markdown(),
        }
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
    /// The `collection_errors` of each snapshot, as recorded.
    pub old_collection_errors: Vec<CollectionError>,
    pub new_collection_errors: Vec<CollectionError>,
}

trait HasMeta {
    fn meta(&self) -> &ResourceMeta;
}

macro_rules! has_meta {
    ($($t:ty),* $(,)?) => { $( impl HasMeta for $t { fn meta(&self) -> &ResourceMeta { &self.meta } } )* };
}

has_meta!(
    crate::model::Vpc,
    crate::model::Subnet,
    crate::model::RouteTable,
    crate::model::InternetGateway,
    crate::model::NatGateway,
    crate::model::SecurityGroup,
    crate::model::VpcEndpoint,
    crate::model::FlowLog,
    crate::model::Instance,
    crate::model::EbsDefaultEncryption,
    crate::model::Bucket,
    crate::model::AccountPublicAccessBlock,
    crate::model::DbInstance,
    crate::model::DbCluster,
    crate::model::DbParameterGroup,
    crate::model::Role,
    crate::model::ManagedPolicy,
    crate::model::User,
    crate::model::Group,
    crate::model::AccountPasswordPolicy,
    crate::model::Secret,
    crate::model::ConfigRecorder,
    crate::model::DeliveryChannel,
    crate::model::LoadBalancer,
    crate::model::Listener,
    crate::model::EksCluster,
);

/// Whether each snapshot could list each collection (any list failure, in any region, counts:
/// a global listing such as `ListBuckets` is recorded in one region for buckets of all regions,
/// so a region match would call a bucket elsewhere "removed").
struct Listed<'a> {
    old: Gaps<'a>,
    new: Gaps<'a>,
}

fn diff_collection<T: HasMeta + PartialEq + Serialize>(
    name: &str,
    old: &[T],
    new: &[T],
    listed: &Listed<'_>,
    out: &mut SnapshotDiff,
) {
    let (old_unlisted, new_unlisted) = (listed.old.list_failed(name), listed.new.list_failed(name));
    let before: HashMap<&str, &T> = old.iter().map(|r| (r.meta().arn.as_str(), r)).collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let r#ref =
        |m: &ResourceMeta| ResourceRef { collection: name.to_owned(), arn: m.arn.clone(), name: m.name.clone() };
    for r in new {
        let arn = r.meta().arn.as_str();
        seen.insert(arn);
        match before.get(arn) {
            None if old_unlisted => out.not_seen_in_old.push(r#ref(r.meta())),
            None => out.added.push(r#ref(r.meta())),
            Some(o) if *o != r => {
                let mut changes = Vec::new();
                let (a, b) =
                    (serde_json::to_value(o).unwrap_or(Value::Null), serde_json::to_value(r).unwrap_or(Value::Null));
                value_diff("", &a, &b, &mut changes);
                if !changes.is_empty() {
                    out.changed.push(ResourceChange {
                        collection: name.to_owned(),
                        arn: arn.to_owned(),
                        name: r.meta().name.clone(),
                        changes,
                    });
                }
            }
            Some(_) => {}
        }
    }
    for r in old {
        if seen.contains(r.meta().arn.as_str()) {
            continue;
        }
        if new_unlisted {
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

/// Compares two snapshots resource by resource (keyed by ARN within each collection).
pub fn diff_snapshots(old: &Snapshot, new: &Snapshot) -> SnapshotDiff {
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
        old_collection_errors: old.collection_errors.clone(),
        new_collection_errors: new.collection_errors.clone(),
    };
    let listed = Listed { old: Gaps::new(old), new: Gaps::new(new) };
    macro_rules! each {
        ($($name:literal => $($field:ident).+),* $(,)?) => {
            $( diff_collection($name, &old.$($field).+, &new.$($field).+, &listed, &mut out); )*
        };
    }
    each!(
        "ec2.vpcs" => ec2.vpcs, "ec2.subnets" => ec2.subnets, "ec2.route_tables" => ec2.route_tables,
        "ec2.internet_gateways" => ec2.internet_gateways, "ec2.nat_gateways" => ec2.nat_gateways,
        "ec2.security_groups" => ec2.security_groups, "ec2.vpc_endpoints" => ec2.vpc_endpoints,
        "ec2.flow_logs" => ec2.flow_logs, "ec2.instances" => ec2.instances,
        "ec2.ebs_encryption_by_default" => ec2.ebs_encryption_by_default, "s3.buckets" => s3.buckets,
        "s3.account_public_access_block" => s3.account_public_access_block, "rds.db_instances" => rds.db_instances,
        "rds.db_clusters" => rds.db_clusters, "rds.parameter_groups" => rds.parameter_groups, "iam.roles" => iam.roles,
        "iam.policies" => iam.policies, "iam.users" => iam.users, "iam.groups" => iam.groups,
        "iam.password_policy" => iam.password_policy, "secretsmanager.secrets" => secretsmanager.secrets,
        "config.recorders" => config.recorders, "config.delivery_channels" => config.delivery_channels,
        "elbv2.load_balancers" => elbv2.load_balancers, "elbv2.listeners" => elbv2.listeners, "eks.clusters" => eks.clusters,
    );
    out.added.sort();
    out.removed.sort();
    out.not_seen_in_new.sort();
    out.not_seen_in_old.sort();
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

// ------------------------------------------------------------------ Markdown

/// A table cell: account data cut to 120 characters, then escaped by the Markdown report's
/// escaper (tables, HTML, links, code spans, terminal controls: one rule for both).
fn cell(s: &str) -> String {
    if s.chars().count() > 120 {
        escape(&(s.chars().take(117).collect::<String>() + "..."))
    } else {
        escape(s)
    }
}

fn json_cell(v: &Value) -> String {
    match v {
        Value::String(s) => cell(s),
        other => cell(&other.to_string()),
    }
}

impl SnapshotDiff {
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "## Snapshot diff\n");
        let _ = writeln!(md, "Old: {} · New: {}\n", cell(&self.old_collected_at), cell(&self.new_collected_at));
        let _ = writeln!(
            md,
            "| Added | Removed | Changed | Not seen |\n| ---: | ---: | ---: | ---: |\n| {} | {} | {} | {} |\n",
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            self.not_seen_in_new.len() + self.not_seen_in_old.len()
        );
        for (title, list) in [
            ("Added", &self.added),
            ("Removed", &self.removed),
            ("Not seen in the new snapshot (its collection could not be listed)", &self.not_seen_in_new),
            ("Not seen in the old snapshot (its collection could not be listed)", &self.not_seen_in_old),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(md, "### {title}\n\n| Collection | Name | ARN |\n| --- | --- | --- |");
            for r in list {
                let _ = writeln!(md, "| {} | {} | {} |", r.collection, cell(&r.name), cell(&r.arn));
            }
            md.push('\n');
        }
        if !(self.old_collection_errors.is_empty() && self.new_collection_errors.is_empty()) {
            let _ = writeln!(
                md,
                "### Collection errors\n\n| Snapshot | Service | Operation | Region | Resource | Error | Message |\n| --- | --- | --- | --- | --- | --- | --- |"
            );
            for (side, list) in [("old", &self.old_collection_errors), ("new", &self.new_collection_errors)] {
                for e in list {
                    let _ = writeln!(
                        md,
                        "| {side} | {} | {} | {} | {} | {} | {} |",
                        cell(&e.service),
                        cell(&e.operation),
                        cell(&e.region),
                        cell(e.resource.as_deref().unwrap_or("")),
                        cell(&e.error_code),
                        cell(&e.message)
                    );
                }
            }
            md.push('\n');
        }
        if !self.changed.is_empty() {
            let _ = writeln!(
                md,
                "### Changed\n\n| Collection | Name | Attribute | Old | New |\n| --- | --- | --- | --- | --- |"
            );
            for r in &self.changed {
                for c in &r.changes {
                    let name = if r.name.is_empty() { &r.arn } else { &r.name };
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} |",
                        r.collection,
                        cell(name),
                        cell(&c.path),
                        json_cell(&c.old),
                        json_cell(&c.new)
                    );
                }
            }
            md.push('\n');
        }
        md
    }
}

impl ReportDiff {
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "## Findings diff\n");
        let _ = writeln!(md, "Old: {} · New: {}\n", cell(&self.old_collected_at), cell(&self.new_collected_at));
        let _ = writeln!(
            md,
            "| New | Regressed | Resolved | Still failing | Now unknown |\n| ---: | ---: | ---: | ---: | ---: |\n| {} | {} | {} | {} | {} |\n",
            self.new.len(),
            self.regressed.len(),
            self.resolved.len(),
            self.still_failing.len(),
            self.now_unknown.len()
        );
        let status = |s: Option<Status>| s.map_or("—", Status::as_str);
        for (title, list) in [
            ("New", &self.new),
            ("Regressed", &self.regressed),
            ("Resolved", &self.resolved),
            ("Now unknown", &self.now_unknown),
            ("Still failing", &self.still_failing),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(
                md,
                "### {title}\n\n| Severity | Check | Resource | Was | Now |\n| --- | --- | --- | --- | --- |"
            );
            for f in list {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} |",
                    f.severity,
                    cell(&f.check_id),
                    cell(&f.resource_arn),
                    status(f.old_status),
                    status(f.new_status)
                );
            }
            md.push('\n');
        }
        if self.drift_compared {
            for (title, list) in [("New drift", &self.drift_new), ("Resolved drift", &self.drift_resolved)] {
                if list.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    md,
                    "### {title}\n\n| Severity | Kind | Element | State | Attribute |\n| --- | --- | --- | --- | --- |"
                );
                for i in list {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} |",
                        i.severity,
                        i.kind,
                        cell(&i.element),
                        i.state.as_str(),
                        cell(i.attribute.as_deref().unwrap_or(""))
                    );
                }
                md.push('\n');
            }
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::model::{finding_id, Bucket, DriftReport, GateDecision, Provenance, Summary};

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
        let md = outcome.to_markdown();
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
        let md = d.to_markdown();
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
        assert!(d.to_markdown().contains("| 0 | 0 | 0 | 0 | 5 |"));
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

    /// Hostile names and ARNs cannot open HTML, links or code spans, break a table row or
    /// carry terminal controls into `diff --format md`.
    #[test]
    fn markdown_diff_escapes_hostile_names() {
        let old = compliant_snapshot();
        let mut new = old.clone();
        let hostile = [
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "x\u{1b}]0;pwned\u{7}\u{1b}[2J",
            "a|b\r\ngate: PASSED",
            "`code`\u{202e}LIAF",
            "\u{9b}31m",
        ];
        for (i, h) in hostile.iter().enumerate() {
            let mut b = new.s3.buckets[0].clone();
            b.meta.arn = format!("arn:aws:s3:::{h}{i}");
            b.meta.name = (*h).to_owned();
            new.s3.buckets.push(b);
        }
        new.rds.db_instances[0].meta.name = "<script>alert(1)</script>".into();
        new.rds.db_instances[0].multi_az = Some(false);
        let md = diff_snapshots(&old, &new).to_markdown();
        for bad in ["<img", "<script", "[click](javascript", "\u{1b}", "\u{7}", "\r", "\u{202e}", "\u{9b}", "`code`"] {
            assert!(!md.contains(bad), "{bad:?} in\n{md}");
        }
        for line in md.lines().filter(|l| l.starts_with("| s3.buckets")) {
            assert_eq!(line.replace("\\|", "").matches('|').count(), 4, "{line}");
        }
        assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
        assert!(md.contains("\\[click\\](javascript:alert(1))"), "{md}");
    }
}
