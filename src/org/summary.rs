//! The organisation summary: one [`AccountRecord`] per account (written to
//! `<out>/<account-id>/account.json` as soon as that account is done), and the summary built
//! from the records alone ([`OrgSummary::from_records`]), in JSON, Markdown and HTML.
//!
//! Building the summary only from the record files is what makes sharding exact: a
//! single-runner `scan --org` and `merge` of N shards' directories read the same records and
//! write the same bytes. Nothing here holds a snapshot or a report: an account is a few
//! hundred bytes, so an organisation of thousands fits in memory where its snapshots would
//! not. Every string from an account (names, check messages, SCP names) is escaped by the
//! renderer of its format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::accounts::{is_account_id, Shard};
use crate::diag::{Code, Problem};
use crate::model::{AuditReport, DriftState, PolicyDocument, Severity, Status};

/// Version of `account.json`, `org-shard.json` and `org-summary.json`.
pub const ORG_SCHEMA_VERSION: u32 = 1;
/// The per-account record file.
pub const ACCOUNT_FILE: &str = "account.json";
/// The per-shard file: which shard of how many, and every account of the organisation.
pub const SHARD_FILE: &str = "org-shard.json";
/// How many failing checks an account's line lists.
pub const TOP_CHECKS: usize = 5;
/// The start of the note of an account whose SCPs were not applied; the reason follows.
pub const SCPS_NOT_APPLIED: &str =
    "SCPs not applied to the IAM findings, which may report as granted an action an SCP denies";
/// What the summaries say of SCPs.
pub const SCPS_EXPLAINED: &str = "An account's SCPs (those attached to it, its OUs and the root) are applied to its IAM findings: an action an SCP denies, or that no SCP allows, is not reported as granted. Where they could not be read, or for the management account (which SCPs do not restrict), they are not applied, and the findings are those without SCPs: they may report more than is granted, never less.";

/// How far an account got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Collected and evaluated; the gate decided.
    Audited,
    /// Its audit role could not be assumed (or STS refused): nothing was seen, every check is
    /// UNKNOWN and the gate fails.
    Unreachable,
    /// No environment (no account tag, not in the mapping): listed, not judged.
    Unmapped,
}

/// One failing check of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailingCheck {
    pub check_id: String,
    pub severity: Severity,
    /// FAIL results of the check (one per resource).
    pub failures: usize,
}

/// A service control policy that applies to the account, parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scp {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub aws_managed: bool,
    /// The targets it is attached to on the path from the account to the root (the account,
    /// its OUs, the root), in that order.
    pub attached_to: Vec<String>,
    pub document: PolicyDocument,
}

/// The SCPs of an account, and whether its IAM findings applied them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScpEvidence {
    /// Whether the account's IAM evaluation applied `policies`.
    pub applied: bool,
    /// Which SCPs were applied, or why they were not (starting with [`SCPS_NOT_APPLIED`]).
    pub note: String,
    /// Sorted by policy id; empty when they could not be read (see `error`).
    pub policies: Vec<Scp>,
    /// Why they could not be read (no organisation access, a denied call): UNKNOWN, not "none".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ScpEvidence {
    /// The IAM evaluation's context: the policies when they are applied, else none (the
    /// findings then say SCPs were not applied).
    pub fn context(&self) -> crate::iam_eval::Context {
        crate::iam_eval::Context {
            scps: self.applied.then(|| {
                self.policies.iter().map(|p| (format!("{} ({})", p.name, p.id), p.document.clone())).collect()
            }),
        }
    }
}

/// One account's line of the organisation summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub schema_version: u32,
    pub account_id: String,
    pub name: String,
    pub state: AccountState,
    /// The environment it is judged as; `None` when unmapped.
    pub environment: Option<String>,
    /// Where the environment came from: `tag <key>`, `account file <path>`, or `none`.
    pub environment_source: String,
    /// The gate verdict; `false` for an unreachable account, `None` when unmapped.
    pub gate_passed: Option<bool>,
    pub gate_reasons: Vec<String>,
    /// FAIL results by severity (`critical`, ..., every severity present, 0 when none).
    pub fail_by_severity: BTreeMap<String, usize>,
    pub unknown: usize,
    /// Collection errors (an unreachable account: one per collection).
    pub collection_errors: usize,
    pub architecture_coverage_percent: Option<f64>,
    /// Drift items by state (`MISSING`, `CHANGED`, `UNMANAGED`).
    pub drift: BTreeMap<String, usize>,
    pub top_failing_checks: Vec<FailingCheck>,
    pub scps: ScpEvidence,
    /// Why the account could not be audited (unreachable) or judged (unmapped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl AccountRecord {
    /// A record with no audit yet.
    pub fn new(account_id: &str, name: &str, state: AccountState, scps: ScpEvidence) -> AccountRecord {
        AccountRecord {
            schema_version: ORG_SCHEMA_VERSION,
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            state,
            environment: None,
            environment_source: "none".to_owned(),
            gate_passed: None,
            gate_reasons: Vec::new(),
            fail_by_severity: Severity::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect(),
            unknown: 0,
            collection_errors: 0,
            architecture_coverage_percent: None,
            drift: BTreeMap::new(),
            top_failing_checks: Vec::new(),
            scps,
            error: None,
        }
    }

    /// Fills in the verdict and counts of an account's report.
    pub fn take_report(&mut self, report: &AuditReport) {
        self.gate_passed = Some(report.gate.passed);
        self.gate_reasons = report.gate.reasons.clone();
        let mut failing: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
        self.unknown = 0;
        for r in &report.results {
            match r.status {
                Status::Fail => {
                    *self.fail_by_severity.entry(r.severity.as_str().to_owned()).or_default() += 1;
                    failing.entry(&r.check_id).or_insert((r.severity, 0)).1 += 1;
                }
                Status::Unknown => self.unknown += 1,
                _ => {}
            }
        }
        let mut top: Vec<FailingCheck> = failing
            .into_iter()
            .map(|(id, (severity, failures))| FailingCheck { check_id: id.to_owned(), severity, failures })
            .collect();
        // Most severe first, then most failures, then by id.
        top.sort_by(|a, b| {
            b.severity.cmp(&a.severity).then(b.failures.cmp(&a.failures)).then(a.check_id.cmp(&b.check_id))
        });
        top.truncate(TOP_CHECKS);
        self.top_failing_checks = top;
        self.collection_errors = report.collection_errors.len();
        if let Some(d) = &report.drift {
            self.architecture_coverage_percent = Some(d.architecture_coverage_percent);
            self.drift.clear();
            for item in d.items.iter().filter(|i| i.state != DriftState::InSync) {
                let key = serde_json::to_value(item.state).ok().and_then(|v| v.as_str().map(str::to_owned));
                *self.drift.entry(key.unwrap_or_default()).or_default() += 1;
            }
        }
    }

    /// Whether the account fails the organisation run: a failed gate, or unreachable.
    pub fn fails(&self) -> bool {
        self.gate_passed == Some(false)
    }

    /// Orders accounts worst first: failed gate, then unreachable (nothing is known of it),
    /// then FAILs by severity (critical first), UNKNOWNs, drift items; ties go to the smaller
    /// account id.
    fn badness(&self) -> (bool, bool, Vec<usize>, usize, usize) {
        let fails = Severity::ALL.iter().map(|s| self.fail_by_severity.get(s.as_str()).copied().unwrap_or(0)).collect();
        (self.fails(), self.state == AccountState::Unreachable, fails, self.unknown, self.drift.values().sum())
    }
}

/// Which shard of how many a directory holds, and every account id of the organisation (so
/// that `merge` knows when a shard or an account is missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardFile {
    pub schema_version: u32,
    pub shard: u32,
    pub shards: u32,
    /// Every account of the scan, all shards together, sorted.
    pub organisation_accounts: Vec<String>,
}

impl ShardFile {
    pub fn new(shard: Shard, mut accounts: Vec<String>) -> ShardFile {
        accounts.sort();
        accounts.dedup();
        ShardFile {
            schema_version: ORG_SCHEMA_VERSION,
            shard: shard.index,
            shards: shard.count,
            organisation_accounts: accounts,
        }
    }
}

/// One environment's line: its accounts and the worst of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentSummary {
    pub accounts: usize,
    pub failed: usize,
    pub worst_account: String,
}

/// The organisation summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgSummary {
    pub schema_version: u32,
    /// Every account's gate passed (unmapped accounts are listed, not judged).
    pub passed: bool,
    pub accounts: usize,
    pub audited: usize,
    pub unreachable: usize,
    pub unmapped: usize,
    pub failed: usize,
    pub environments: BTreeMap<String, EnvironmentSummary>,
    /// Sorted by account id.
    pub account_records: Vec<AccountRecord>,
}

impl OrgSummary {
    pub fn from_records(mut records: Vec<AccountRecord>) -> OrgSummary {
        records.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        let mut environments: BTreeMap<String, EnvironmentSummary> = BTreeMap::new();
        let mut worst: BTreeMap<String, &AccountRecord> = BTreeMap::new();
        for r in &records {
            let Some(env) = &r.environment else { continue };
            let e = environments.entry(env.clone()).or_insert(EnvironmentSummary {
                accounts: 0,
                failed: 0,
                worst_account: String::new(),
            });
            e.accounts += 1;
            e.failed += usize::from(r.fails());
            // Records are in id order: a later account replaces only a strictly worse one.
            match worst.get(env) {
                Some(w) if w.badness() >= r.badness() => {}
                _ => {
                    worst.insert(env.clone(), r);
                }
            }
        }
        for (env, r) in worst {
            if let Some(e) = environments.get_mut(&env) {
                e.worst_account = r.account_id.clone();
            }
        }
        let count = |s: AccountState| records.iter().filter(|r| r.state == s).count();
        OrgSummary {
            schema_version: ORG_SCHEMA_VERSION,
            passed: !records.iter().any(AccountRecord::fails),
            accounts: records.len(),
            audited: count(AccountState::Audited),
            unreachable: count(AccountState::Unreachable),
            unmapped: count(AccountState::Unmapped),
            failed: records.iter().filter(|r| r.fails()).count(),
            environments,
            account_records: records,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn to_markdown(&self) -> String {
        use crate::report::markdown::escape;
        use std::fmt::Write;
        let mut md = String::new();
        let verdict = if self.passed { "PASS" } else { "FAIL" };
        let _ = writeln!(md, "# FlowForge organisation audit: {verdict}\n");
        let _ = writeln!(
            md,
            "{} accounts: {} audited, {} unreachable, {} without an environment; {} failed their gate.\n",
            self.accounts, self.audited, self.unreachable, self.unmapped, self.failed
        );
        let _ = writeln!(
            md,
            "## Environments\n\n| environment | accounts | failed | worst account |\n| --- | --- | --- | --- |"
        );
        for (env, e) in &self.environments {
            let _ = writeln!(md, "| {} | {} | {} | {} |", escape(env), e.accounts, e.failed, escape(&e.worst_account));
        }
        let _ = writeln!(
            md,
            "\n## Accounts\n\n| account | name | environment | gate | critical | high | medium | low | unknown | coverage | drift | top failing checks |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        );
        for r in &self.account_records {
            let n = |s: &str| r.fail_by_severity.get(s).copied().unwrap_or(0);
            let top: Vec<String> = r
                .top_failing_checks
                .iter()
                .map(|c| format!("{} ({}×{})", escape(&c.check_id), c.severity, c.failures))
                .collect();
            let drift: Vec<String> =
                r.drift.iter().map(|(k, v)| format!("{} {v}", escape(&k.to_ascii_lowercase()))).collect();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                escape(&r.account_id),
                escape(&r.name),
                escape(r.environment.as_deref().unwrap_or("—")),
                gate_word(r),
                n("critical"),
                n("high"),
                n("medium"),
                n("low"),
                r.unknown,
                r.architecture_coverage_percent.map(|c| format!("{c:.1}%")).unwrap_or_else(|| "—".to_owned()),
                if drift.is_empty() { "—".to_owned() } else { drift.join(", ") },
                if top.is_empty() { "—".to_owned() } else { top.join(", ") },
            );
        }
        let problems: Vec<&AccountRecord> = self.account_records.iter().filter(|r| r.error.is_some()).collect();
        if !problems.is_empty() {
            let _ = writeln!(md, "\n## Not audited\n");
            for r in problems {
                let _ = writeln!(md, "- {}: {}", escape(&r.account_id), escape(r.error.as_deref().unwrap_or_default()));
            }
        }
        let _ = writeln!(md, "\n## Service control policies\n\n{}\n", escape(SCPS_EXPLAINED));
        for r in &self.account_records {
            let scps: Vec<String> =
                r.scps.policies.iter().map(|p| format!("{} ({})", escape(&p.name), escape(&p.id))).collect();
            let text = match &r.scps.error {
                Some(e) => format!("unknown: {}", escape(e)),
                None if scps.is_empty() => "none".to_owned(),
                None => scps.join(", "),
            };
            let applied = if r.scps.applied { "applied" } else { "not applied" };
            let _ = writeln!(md, "- {}: {text} ({applied})", escape(&r.account_id));
        }
        md
    }

    pub fn to_html(&self) -> String {
        use maud::{html, DOCTYPE};
        let verdict = if self.passed { "PASS" } else { "FAIL" };
        let markup = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                    title { "FlowForge organisation audit: " (verdict) }
                    style { "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.FAIL{color:#b00020;font-weight:bold}.PASS{color:#0a7d27}" }
                }
                body {
                    h1 { "FlowForge organisation audit: " span class=(verdict) { (verdict) } }
                    p { (self.accounts) " accounts: " (self.audited) " audited, " (self.unreachable) " unreachable, "
                        (self.unmapped) " without an environment; " (self.failed) " failed their gate." }
                    h2 { "Environments" }
                    table {
                        tr { th { "environment" } th { "accounts" } th { "failed" } th { "worst account" } }
                        @for (env, e) in &self.environments {
                            tr { td { (env) } td { (e.accounts) } td { (e.failed) } td { (e.worst_account) } }
                        }
                    }
                    h2 { "Accounts" }
                    table {
                        tr { th { "account" } th { "name" } th { "environment" } th { "gate" } th { "critical" } th { "high" }
                             th { "medium" } th { "low" } th { "unknown" } th { "coverage" } th { "drift" } th { "top failing checks" } }
                        @for r in &self.account_records {
                            @let n = |s: &str| r.fail_by_severity.get(s).copied().unwrap_or(0);
                            tr {
                                td { (r.account_id) } td { (r.name) } td { (r.environment.as_deref().unwrap_or("—")) }
                                td class=(gate_word(r)) { (gate_word(r)) }
                                td { (n("critical")) } td { (n("high")) } td { (n("medium")) } td { (n("low")) } td { (r.unknown) }
                                td { (r.architecture_coverage_percent.map(|c| format!("{c:.1}%")).unwrap_or_else(|| "—".to_owned())) }
                                td { @for (k, v) in &r.drift { (k.to_ascii_lowercase()) " " (v) " " } }
                                td { @for c in &r.top_failing_checks { (c.check_id) " (" (c.severity) "×" (c.failures) ") " } }
                            }
                        }
                    }
                    @let problems: Vec<&AccountRecord> = self.account_records.iter().filter(|r| r.error.is_some()).collect();
                    @if !problems.is_empty() {
                        h2 { "Not audited" }
                        ul { @for r in problems { li { (r.account_id) ": " (r.error.as_deref().unwrap_or_default()) } } }
                    }
                    h2 { "Service control policies" }
                    p { (SCPS_EXPLAINED) }
                    ul {
                        @for r in &self.account_records {
                            li { (r.account_id) ": "
                                @if let Some(e) = &r.scps.error { "unknown: " (e) }
                                @else if r.scps.policies.is_empty() { "none" }
                                @else { @for p in &r.scps.policies { (p.name) " (" (p.id) ") " } }
                                @if r.scps.applied { " (applied)" } @else { " (not applied)" }
                            }
                        }
                    }
                }
            }
        };
        let mut s = markup.into_string();
        s.push('\n');
        s
    }

    /// Writes `org-summary.json`, `.md` and `.html` into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, crate::report::ReportError> {
        let mut paths = Vec::new();
        for (name, text) in [
            ("org-summary.json", self.to_json()),
            ("org-summary.md", self.to_markdown()),
            ("org-summary.html", self.to_html()),
        ] {
            let path = dir.join(name);
            crate::report::write_atomically(&path, text.as_bytes())?;
            paths.push(path);
        }
        Ok(paths)
    }
}

fn gate_word(r: &AccountRecord) -> &'static str {
    match (r.state, r.gate_passed) {
        (AccountState::Unmapped, _) => "NOT JUDGED",
        (_, Some(true)) => "PASS",
        _ => "FAIL",
    }
}

/// Writes one record as `<dir>/<account-id>/account.json`.
pub fn write_record(dir: &Path, record: &AccountRecord) -> Result<(), crate::report::ReportError> {
    let mut text = serde_json::to_string_pretty(record)
        .map_err(|e| crate::report::ReportError::Write(std::io::Error::other(e)))?;
    text.push('\n');
    let account_dir = dir.join(&record.account_id);
    std::fs::create_dir_all(&account_dir).map_err(crate::report::ReportError::Write)?;
    crate::report::write_atomically(&account_dir.join(ACCOUNT_FILE), text.as_bytes())
}

/// Writes a shard file into `dir`.
pub fn write_shard_file(dir: &Path, shard: &ShardFile) -> Result<(), crate::report::ReportError> {
    let mut text =
        serde_json::to_string_pretty(shard).map_err(|e| crate::report::ReportError::Write(std::io::Error::other(e)))?;
    text.push('\n');
    std::fs::create_dir_all(dir).map_err(crate::report::ReportError::Write)?;
    crate::report::write_atomically(&dir.join(SHARD_FILE), text.as_bytes())
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Problem> {
    let label = path.display().to_string();
    let bytes =
        crate::fsio::read(path).map_err(|e| Problem::in_file(Code::OrgRecord, &label, format!("cannot read: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Problem::new(Code::OrgRecord, &label, e.line(), e.column(), format!("not a file `scan --org` writes: {e}"))
    })
}

/// Reads the records of one or more `scan --org` output directories (one per shard) and
/// checks they make one complete run: the same organisation and shard count in every shard
/// file, every shard present once, every account of the organisation recorded exactly once.
pub fn read_run(dirs: &[PathBuf]) -> Result<Vec<AccountRecord>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut shards: BTreeMap<u32, PathBuf> = BTreeMap::new();
    let mut first: Option<ShardFile> = None;
    let mut records: BTreeMap<String, (AccountRecord, PathBuf)> = BTreeMap::new();
    for dir in dirs {
        let shard_path = dir.join(SHARD_FILE);
        let shard: ShardFile = match read_json(&shard_path) {
            Ok(s) => s,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let label = shard_path.display().to_string();
        if let Some(f) = &first {
            if f.shards != shard.shards || f.organisation_accounts != shard.organisation_accounts {
                problems.push(Problem::in_file(
                    Code::OrgRecord,
                    &label,
                    "another run: its shard count or organisation differs from the first directory's",
                ));
                continue;
            }
        }
        if let Some(other) = shards.insert(shard.shard, dir.clone()) {
            problems.push(Problem::in_file(
                Code::OrgRecord,
                &label,
                format!("shard {} is also in {}", shard.shard, other.display()),
            ));
        }
        for id in &shard.organisation_accounts {
            if !(Shard { index: shard.shard, count: shard.shards }).contains(id) {
                continue;
            }
            let path = dir.join(id).join(ACCOUNT_FILE);
            match read_json::<AccountRecord>(&path) {
                Ok(r) if r.account_id == *id && is_account_id(id) => {
                    if let Some((_, other)) = records.insert(id.clone(), (r, path.clone())) {
                        problems.push(Problem::in_file(
                            Code::OrgRecord,
                            &path.display().to_string(),
                            format!("account {id} is also recorded in {}", other.display()),
                        ));
                    }
                }
                Ok(_) => problems.push(Problem::in_file(
                    Code::OrgRecord,
                    &path.display().to_string(),
                    format!("the record is not account {id}'s"),
                )),
                Err(p) => problems.push(p),
            }
        }
        first.get_or_insert(shard);
    }
    if let Some(f) = &first {
        let missing: Vec<String> = (0..f.shards).filter(|i| !shards.contains_key(i)).map(|i| i.to_string()).collect();
        if !missing.is_empty() {
            problems.push(Problem::in_file(
                Code::OrgRecord,
                &dirs.first().map(|d| d.display().to_string()).unwrap_or_default(),
                format!("shards missing from the merge: {} of {}", missing.join(", "), f.shards),
            ));
        }
    }
    if problems.is_empty() {
        Ok(records.into_values().map(|(r, _)| r).collect())
    } else {
        crate::diag::sort(&mut problems);
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, env: Option<&str>, passed: Option<bool>, high: usize) -> AccountRecord {
        let scps = ScpEvidence { applied: false, note: SCPS_NOT_APPLIED.into(), policies: vec![], error: None };
        let state = if env.is_some() { AccountState::Audited } else { AccountState::Unmapped };
        let mut r = AccountRecord::new(id, "a|b<script>", state, scps);
        r.environment = env.map(str::to_owned);
        r.gate_passed = passed;
        r.fail_by_severity.insert("high".into(), high);
        r
    }

    /// The worst account of an environment is the failed one with the most severe FAILs, and
    /// the summary fails when any account's gate fails; an unmapped account does not count.
    #[test]
    fn worst_account_and_verdict() {
        let s = OrgSummary::from_records(vec![
            record("333333333333", Some("prod"), Some(false), 1),
            record("111111111111", Some("prod"), Some(false), 4),
            record("222222222222", Some("prod"), Some(true), 9),
            record("444444444444", Some("dev"), Some(true), 0),
            record("555555555555", None, None, 0),
        ]);
        assert!(!s.passed);
        assert_eq!(s.environments["prod"].worst_account, "111111111111");
        assert_eq!(s.environments["prod"].failed, 2);
        assert_eq!(s.environments["dev"].worst_account, "444444444444");
        assert_eq!((s.accounts, s.unmapped, s.failed), (5, 1, 2));
        let ok = OrgSummary::from_records(vec![record("444444444444", Some("dev"), Some(true), 0)]);
        assert!(ok.passed);
    }

    /// Account data is escaped in Markdown and HTML.
    #[test]
    fn account_strings_are_escaped() {
        let s = OrgSummary::from_records(vec![record("111111111111", Some("dev"), Some(true), 0)]);
        assert!(!s.to_markdown().contains("a|b<script>"));
        assert!(!s.to_html().contains("<script>"));
    }

    /// Only SCPs marked applied reach the IAM evaluation, each named with its id; others
    /// (unreadable, the management account's) leave the context without SCPs.
    #[test]
    fn only_applied_scps_reach_the_iam_evaluation() {
        let doc: PolicyDocument = serde_json::from_value(serde_json::json!({"Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": ["iam:*"], "Resource": ["*"]}]}))
        .unwrap();
        let scp = Scp {
            id: "p-1".into(),
            name: "no-iam".into(),
            arn: "arn:aws:organizations::1:policy/p-1".into(),
            aws_managed: false,
            attached_to: vec!["111111111111".into()],
            document: doc,
        };
        let mut e = ScpEvidence { applied: true, note: String::new(), policies: vec![scp], error: None };
        let cx = e.context();
        assert_eq!(cx.scps.as_ref().map(|l| l[0].0.as_str()), Some("no-iam (p-1)"));
        assert_eq!(cx.scp_summary(), "SCPs applied: no-iam (p-1)");
        e.applied = false;
        assert!(e.context().scps.is_none());
    }

    /// The summary does not depend on the order records come in.
    #[test]
    fn summary_is_order_independent() {
        let a = vec![
            record("111111111111", Some("dev"), Some(true), 0),
            record("222222222222", Some("dev"), Some(false), 2),
        ];
        let mut b = a.clone();
        b.reverse();
        assert_eq!(OrgSummary::from_records(a).to_json(), OrgSummary::from_records(b).to_json());
    }
}
