//! The organisation summary: one [`AccountRecord`] per account (written to
//! `<out>/<account-id>/account.json` as soon as that account is done), and the summary built
//! from the records alone ([`OrgSummary::from_records`]). `report::org` renders it (JSON,
//! Markdown, HTML); [`super::merge`] reads and checks the records of one or more runs.
//!
//! Building the summary only from the record files is what makes sharding exact: a
//! single-runner `scan --org` and `merge` of N shards' directories read the same records and
//! write the same bytes. Nothing here holds a snapshot or a report: an account is a few
//! hundred bytes, so an organisation of thousands fits in memory where its snapshots would
//! not.
//!
//! Nothing judged is not a pass: the organisation passes only when at least one account was
//! judged and no account failed, and an account whose environment could not be determined (its
//! tags could not be read, or name an environment the baseline lacks) fails it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::accounts::{is_account_id, Shard};
use crate::gate::GatePolicy;
use crate::model::{AuditReport, DriftState, PolicyDocument, Severity, Status};

/// Version of `account.json`, `org-shard.json` and `org-summary.json`. 2: the
/// `environment_unknown` state, the run's options in the shard file, the summary's reasons.
pub const ORG_SCHEMA_VERSION: u32 = 2;
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
    /// Its environment could not be determined: its tags could not be read, or its
    /// environment tag names an environment the baseline does not define. Not judged, and it
    /// fails the organisation (it may be a FlowForge account nobody looked at).
    EnvironmentUnknown,
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

    /// Whether the account fails the organisation run: a failed gate (unreachable included),
    /// or an environment that could not be determined.
    pub fn fails(&self) -> bool {
        self.gate_passed == Some(false) || self.state == AccountState::EnvironmentUnknown
    }

    /// Whether a gate judged the account (audited or unreachable).
    pub fn judged(&self) -> bool {
        matches!(self.state, AccountState::Audited | AccountState::Unreachable)
    }

    /// Orders accounts worst first: failed gate, then unreachable (nothing is known of it),
    /// then FAILs by severity (critical first), UNKNOWNs, drift items; ties go to the smaller
    /// account id.
    fn badness(&self) -> (bool, bool, Vec<usize>, usize, usize) {
        let fails = Severity::ALL.iter().map(|s| self.fail_by_severity.get(s.as_str()).copied().unwrap_or(0)).collect();
        let drift = self.drift.values().fold(0usize, |a, b| a.saturating_add(*b));
        (self.fails(), self.state == AccountState::Unreachable, fails, self.unknown, drift)
    }
}

/// What decides the verdicts of a run, the same in every shard of it: `merge` refuses shards
/// made with different inputs or options, and re-runs each account's gate with `gates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgRun {
    pub tool_version: String,
    /// SHA-256 of the baseline and of the policy catalog (as in every account's report).
    pub baseline_sha256: String,
    pub catalog_sha256: String,
    /// SHA-256 of `--waivers` and `--expected-from`, when given.
    pub waivers_sha256: Option<String>,
    pub expected_from_sha256: Option<String>,
    /// `--region`, `--ou`, `--role-name` as given.
    pub regions: Vec<String>,
    pub ous: Vec<String>,
    pub role_name: String,
    pub waiver_warn_days: i64,
    pub check_timeout_ms: u64,
    /// Environment → the gate thresholds its accounts are judged by (the baseline's, with the
    /// command line's overrides).
    pub gates: BTreeMap<String, GatePolicy>,
}

/// Which shard of how many a directory holds, every account id of the organisation (so that
/// `merge` knows when a shard or an account is missing) and the run's options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardFile {
    pub schema_version: u32,
    pub shard: u32,
    pub shards: u32,
    /// Every account of the scan, all shards together, sorted.
    pub organisation_accounts: Vec<String>,
    pub run: OrgRun,
}

impl ShardFile {
    pub fn new(shard: Shard, mut accounts: Vec<String>, run: OrgRun) -> ShardFile {
        accounts.sort();
        accounts.dedup();
        ShardFile {
            schema_version: ORG_SCHEMA_VERSION,
            shard: shard.index,
            shards: shard.count,
            organisation_accounts: accounts,
            run,
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

/// How many account ids a reason lists before "… and N more".
const LIST_LIMIT: usize = 10;

/// The organisation summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgSummary {
    pub schema_version: u32,
    /// At least one account was judged and none failed (unmapped accounts are listed, not
    /// judged; an account of unknown environment fails).
    pub passed: bool,
    /// Why it did not pass (empty when it passed).
    pub reasons: Vec<String>,
    pub accounts: usize,
    /// Accounts a gate judged (audited or unreachable).
    pub judged: usize,
    pub audited: usize,
    pub unreachable: usize,
    pub unmapped: usize,
    pub environment_unknown: usize,
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
        let judged = records.iter().filter(|r| r.judged()).count();
        let ids = |pick: &dyn Fn(&AccountRecord) -> bool| -> (usize, String) {
            let all: Vec<&str> = records.iter().filter(|r| pick(r)).map(|r| r.account_id.as_str()).collect();
            let mut text = all.iter().take(LIST_LIMIT).copied().collect::<Vec<_>>().join(", ");
            if all.len() > LIST_LIMIT {
                text.push_str(&format!(" … and {} more", all.len() - LIST_LIMIT));
            }
            (all.len(), text)
        };
        let mut reasons = Vec::new();
        if judged == 0 {
            reasons.push(format!(
                "no account was judged: {} account(s) listed, none with an environment (an account file line, or the baseline's recognise.environment_tag on the account); nothing judged is not a pass",
                records.len()
            ));
        }
        let (n, list) = ids(&|r| r.gate_passed == Some(false));
        if n > 0 {
            reasons.push(format!("{n} account(s) failed their gate: {list}"));
        }
        let (n, list) = ids(&|r| r.state == AccountState::EnvironmentUnknown);
        if n > 0 {
            reasons.push(format!("{n} account(s) could not be judged, their environment is unknown: {list}"));
        }
        OrgSummary {
            schema_version: ORG_SCHEMA_VERSION,
            passed: reasons.is_empty(),
            reasons,
            accounts: records.len(),
            judged,
            audited: count(AccountState::Audited),
            unreachable: count(AccountState::Unreachable),
            unmapped: count(AccountState::Unmapped),
            environment_unknown: count(AccountState::EnvironmentUnknown),
            failed: records.iter().filter(|r| r.fails()).count(),
            environments,
            account_records: records,
        }
    }

    /// Writes `org-summary.json`, `.md` and `.html` into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, crate::report::ReportError> {
        let mut paths = Vec::new();
        for (name, text) in [
            ("org-summary.json", crate::report::org::json(self)),
            ("org-summary.md", crate::report::org::markdown(self)),
            ("org-summary.html", crate::report::org::html(self)),
        ] {
            let path = dir.join(name);
            crate::report::write_atomically(&path, text.as_bytes())?;
            paths.push(path);
        }
        Ok(paths)
    }
}

/// An account's verdict in one word: PASS, FAIL, NOT JUDGED (no environment) or UNKNOWN
/// (environment unknown). The terminal, Markdown and HTML summaries all say it this way.
pub fn gate_word(r: &AccountRecord) -> &'static str {
    match (r.state, r.gate_passed) {
        (AccountState::Unmapped, _) => "NOT JUDGED",
        (AccountState::EnvironmentUnknown, _) => "UNKNOWN",
        (_, Some(true)) => "PASS",
        _ => "FAIL",
    }
}

/// Writes one record as `<dir>/<account-id>/account.json`. The id is checked first: it names
/// a directory.
pub fn write_record(dir: &Path, record: &AccountRecord) -> Result<(), crate::report::ReportError> {
    if !is_account_id(&record.account_id) {
        return Err(crate::report::ReportError::Write(std::io::Error::other(format!(
            "{:?} is not an AWS account id (12 digits): no record written",
            record.account_id
        ))));
    }
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

    /// Issue 22 item 1: with no account judged (every account without an environment, as when
    /// the environment tag cannot be read or is not the key the accounts carry) the
    /// organisation passed ("6 accounts, 0 failed, … 6 without an environment", exit 0). It
    /// now fails, saying why; an account whose environment is unknown fails it too, while one
    /// deliberately without an environment beside judged ones does not.
    #[test]
    fn org_passes_nothing_when_no_account_was_judged() {
        let none = OrgSummary::from_records((1..=6).map(|i| record(&format!("{i:012}"), None, None, 0)).collect());
        assert!(!none.passed);
        assert_eq!((none.accounts, none.judged, none.unmapped, none.failed), (6, 0, 6, 0));
        assert!(none.reasons[0].starts_with("no account was judged"), "{:?}", none.reasons);
        assert!(!OrgSummary::from_records(Vec::new()).passed, "an empty run is not a pass");

        let mut unknown = record("222222222222", None, None, 0);
        unknown.state = AccountState::EnvironmentUnknown;
        unknown.error = Some("its tags cannot be read (ThrottlingException)".into());
        let s = OrgSummary::from_records(vec![record("111111111111", Some("dev"), Some(true), 0), unknown]);
        assert!(!s.passed);
        assert_eq!((s.judged, s.environment_unknown, s.failed), (1, 1, 1));
        assert!(s.reasons.iter().any(|r| r.contains("environment is unknown: 222222222222")), "{:?}", s.reasons);

        let ok = OrgSummary::from_records(vec![
            record("111111111111", Some("dev"), Some(true), 0),
            record("333333333333", None, None, 0),
        ]);
        assert!(ok.passed && ok.reasons.is_empty(), "{:?}", ok.reasons);
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
        assert_eq!(
            crate::report::org::json(&OrgSummary::from_records(a)),
            crate::report::org::json(&OrgSummary::from_records(b))
        );
    }
}
