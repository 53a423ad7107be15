//! Reading the output directories of an organisation scan back (one per shard, or the single
//! run's own `--out` at its end): the records of one complete run, or every reason they are
//! not, each a [`Problem`] with an `O` code (`docs/diagnostics.md`).
//!
//! Nothing a shard file or a record says is taken on trust where it can be checked:
//! - the shard files must be the form the tool writes (`schema_version`, a shard index below a
//!   shard count between 1 and [`MAX_SHARDS`], valid, sorted, unique account ids) and agree
//!   with each other (shard count, account list, the run's inputs and options: [`OrgRun`]);
//! - every id is validated before it names a directory, and a directory holding an account
//!   the shard file does not list (a shrunk list) or another shard's account is refused;
//! - every verdict is re-derived: each judged account's record is rebuilt from its own JSON
//!   report and must equal `account.json`; the report's gate is re-run on its results and
//!   drift with the thresholds of the run (its own reasons must include those, and it passes
//!   only without reasons); the report must be the account's, from the run's baseline and
//!   catalog, and of the `snapshot.json` beside it (SHA-256).
//!
//! What a consistent forgery of a report, its record and its snapshot together would need is
//! a re-evaluation, which is what `verify-evidence` does for one account.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::accounts::{is_account_id, Shard};
use super::summary::{AccountRecord, AccountState, ShardFile, ACCOUNT_FILE, ORG_SCHEMA_VERSION, SHARD_FILE};
use crate::diag::{Code, Problem};
use crate::model::{AuditReport, REPORT_SCHEMA_VERSION};

/// The most shards a run may have (`--shard I/N` and the shard file): far more runners than
/// any organisation needs, and a bound on what `merge` lists as missing.
pub const MAX_SHARDS: u32 = 10_000;
/// The account report `merge` re-derives a record from (an organisation scan always writes it).
pub const ACCOUNT_REPORT: &str = "flowforge-audit.json";
/// The account snapshot the report's `snapshot_sha256` must match.
pub const ACCOUNT_SNAPSHOT: &str = "snapshot.json";
/// Missing shards or accounts a problem names before "… and N more".
const LIST_LIMIT: usize = 10;

fn label(p: &Path) -> String {
    p.display().to_string()
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Problem> {
    let file = label(path);
    let bytes = crate::fsio::read_no_follow(path)
        .map_err(|e| Problem::in_file(Code::OrgRecord, &file, format!("cannot read: {e}")))?;
    // The version first, so that another version's file says so rather than "missing field".
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        let version = v.get("schema_version").or_else(|| v.get("report_schema_version")).and_then(|n| n.as_u64());
        let want = if v.get("report_schema_version").is_some() { REPORT_SCHEMA_VERSION } else { ORG_SCHEMA_VERSION };
        if let Some(found) = version.filter(|n| *n != u64::from(want)) {
            return Err(Problem::in_file(
                Code::OrgSchemaVersion,
                &file,
                format!("schema version {found}, this build reads {want}: merge the outputs with the flowforge-audit that wrote them"),
            ));
        }
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        Problem::new(Code::OrgRecord, &file, e.line(), e.column(), format!("not a file `scan --org` writes: {e}"))
    })
}

/// "a, b, c … and N more".
fn listed<T: std::fmt::Display>(items: impl Iterator<Item = T>, total: usize) -> String {
    let mut s = items.take(LIST_LIMIT).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    if total > LIST_LIMIT {
        s.push_str(&format!(" … and {} more", total - LIST_LIMIT));
    }
    s
}

/// Problems of one shard file on its own.
fn check_shard_file(file: &str, s: &ShardFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    let bad = |m: String| Problem::in_file(Code::OrgShardInvalid, file, m);
    if s.shards == 0 || s.shards > MAX_SHARDS {
        problems.push(bad(format!("shards: {} (a run has 1 to {MAX_SHARDS} shards)", s.shards)));
    } else if s.shard >= s.shards {
        problems.push(bad(format!("shard {} of {}: the index must be below the count", s.shard, s.shards)));
    }
    let invalid: Vec<&String> = s.organisation_accounts.iter().filter(|id| !is_account_id(id)).collect();
    if !invalid.is_empty() {
        problems.push(bad(format!(
            "organisation_accounts: not AWS account ids (12 digits): {}",
            listed(invalid.iter().map(|i| format!("{i:?}")), invalid.len())
        )));
    }
    if s.organisation_accounts.windows(2).any(|w| w[0] >= w[1]) {
        problems.push(bad("organisation_accounts: not sorted and unique, as the tool writes it".to_owned()));
    }
    problems
}

/// What differs between two shard files of what should be one run.
fn differences(a: &ShardFile, b: &ShardFile) -> Vec<String> {
    let mut out = Vec::new();
    if a.shards != b.shards {
        out.push(format!("shard count {} vs {}", b.shards, a.shards));
    }
    if a.organisation_accounts != b.organisation_accounts {
        let (x, y): (BTreeSet<&String>, BTreeSet<&String>) =
            (a.organisation_accounts.iter().collect(), b.organisation_accounts.iter().collect());
        let only_first: Vec<&&String> = x.difference(&y).collect();
        let only_here: Vec<&&String> = y.difference(&x).collect();
        out.push(format!(
            "organisation account list ({} accounts vs {}; only in the first: {}; only here: {})",
            b.organisation_accounts.len(),
            a.organisation_accounts.len(),
            if only_first.is_empty() { "none".to_owned() } else { listed(only_first.iter(), only_first.len()) },
            if only_here.is_empty() { "none".to_owned() } else { listed(only_here.iter(), only_here.len()) },
        ));
    }
    let (ra, rb) = (serde_json::to_value(&a.run).unwrap_or_default(), serde_json::to_value(&b.run).unwrap_or_default());
    if let (Some(ma), Some(mb)) = (ra.as_object(), rb.as_object()) {
        for (key, va) in ma {
            if mb.get(key) != Some(va) {
                out.push(format!("run option `{key}`"));
            }
        }
    }
    out
}

/// Reads the records of one or more `scan --org` output directories (one per shard) and
/// checks they make one complete, consistent run (see the module documentation).
pub fn read_run(dirs: &[PathBuf]) -> Result<Vec<AccountRecord>, Vec<Problem>> {
    read_shards(dirs, true)
}

/// [`read_run`], or with `complete` false the shards given only (a sharded scan reading back
/// its own output: the other shards are other jobs'), every other check the same.
pub fn read_shards(dirs: &[PathBuf], complete: bool) -> Result<Vec<AccountRecord>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut shards: BTreeMap<u32, PathBuf> = BTreeMap::new();
    let mut first: Option<(ShardFile, PathBuf)> = None;
    let mut records: BTreeMap<String, (AccountRecord, PathBuf)> = BTreeMap::new();
    for dir in dirs {
        let shard_path = dir.join(SHARD_FILE);
        let file = label(&shard_path);
        let shard: ShardFile = match read_json(&shard_path) {
            Ok(s) => s,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let own = check_shard_file(&file, &shard);
        if !own.is_empty() {
            problems.extend(own);
            continue;
        }
        if let Some((f, first_dir)) = &first {
            let differ = differences(f, &shard);
            if !differ.is_empty() {
                problems.push(Problem::in_file(
                    Code::OrgMixedRuns,
                    &file,
                    format!("another run than {}: its {} differ", label(first_dir), differ.join(", ")),
                ));
                continue;
            }
        }
        if let Some(other) = shards.insert(shard.shard, dir.clone()) {
            problems.push(Problem::in_file(
                Code::OrgRecord,
                &file,
                format!("shard {} is also in {}", shard.shard, label(&other)),
            ));
            continue;
        }
        let this = Shard { index: shard.shard, count: shard.shards };
        let mine: Vec<&String> = shard.organisation_accounts.iter().filter(|id| this.contains(id)).collect();
        problems.extend(unlisted_accounts(dir, &shard, this));
        for id in mine {
            // The account's directory is read, never a link to one elsewhere.
            if std::fs::symlink_metadata(dir.join(id)).is_ok_and(|m| m.file_type().is_symlink()) {
                problems.push(Problem::in_file(
                    Code::OrgRecord,
                    &label(&dir.join(id)),
                    "a symbolic link (refused, not followed: an account's directory is the run's own)",
                ));
                continue;
            }
            let path = dir.join(id).join(ACCOUNT_FILE);
            match read_json::<AccountRecord>(&path) {
                Ok(r) if r.account_id == *id => {
                    let verified = verify_account(&dir.join(id), &r, &shard);
                    if !verified.is_empty() {
                        problems.extend(verified);
                        continue;
                    }
                    if let Some((_, other)) = records.insert(id.clone(), (r, path.clone())) {
                        problems.push(Problem::in_file(
                            Code::OrgRecord,
                            &label(&path),
                            format!("account {id} is also recorded in {}", label(&other)),
                        ));
                    }
                }
                Ok(r) => problems.push(Problem::in_file(
                    Code::OrgRecord,
                    &label(&path),
                    format!("the record is account {:?}'s, not account {id}'s", r.account_id),
                )),
                Err(p) => problems.push(p),
            }
        }
        if first.is_none() {
            first = Some((shard, dir.clone()));
        }
    }
    if let Some((f, _)) = &first {
        // Counted, not listed whole: the count is at most MAX_SHARDS, the list at most ten.
        let missing_count = f.shards as usize - shards.len();
        if complete && missing_count > 0 {
            let missing = (0..f.shards).filter(|i| !shards.contains_key(i));
            problems.push(Problem::in_file(
                Code::OrgRecord,
                &dirs.first().map(|d| label(d)).unwrap_or_default(),
                format!("shards missing from the merge: {} of {}", listed(missing, missing_count), f.shards),
            ));
        }
    } else if problems.is_empty() {
        problems.push(Problem::in_file(Code::OrgRecord, "merge", "no shard output directory given"));
    }
    if problems.is_empty() {
        Ok(records.into_values().map(|(r, _)| r).collect())
    } else {
        crate::diag::sort(&mut problems);
        Err(problems)
    }
}

/// Account directories in `dir` that its shard file does not list, or that belong to another
/// shard: a record the run did not write there (the list was shrunk, or a directory copied).
fn unlisted_accounts(dir: &Path, shard: &ShardFile, this: Shard) -> Vec<Problem> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let listed: BTreeSet<&str> = shard.organisation_accounts.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    // Bounded: an organisation has at most a few thousand accounts; more entries than the
    // list could name is itself a sign of a directory that is not a run's output.
    for entry in entries.flatten().take(shard.organisation_accounts.len().saturating_mul(2) + 1000) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_account_id(&name) || !entry.path().join(ACCOUNT_FILE).exists() {
            continue;
        }
        let at = label(&entry.path().join(ACCOUNT_FILE));
        if !listed.contains(name.as_str()) {
            problems.push(Problem::in_file(
                Code::OrgUnlistedAccount,
                &at,
                format!(
                    "account {name} is recorded here but not in {}'s organisation_accounts (a list shrunk after the run?)",
                    SHARD_FILE
                ),
            ));
        } else if !this.contains(&name) {
            problems.push(Problem::in_file(
                Code::OrgUnlistedAccount,
                &at,
                format!("account {name} belongs to another shard than {this}"),
            ));
        }
    }
    problems
}

/// Re-derives one account's record from its report and checks the report against its own
/// results, the run's thresholds and inputs, and its snapshot. `dir` is `<out>/<account-id>`.
fn verify_account(dir: &Path, record: &AccountRecord, shard: &ShardFile) -> Vec<Problem> {
    let record_file = label(&dir.join(ACCOUNT_FILE));
    let mismatch = |file: &str, m: String| Problem::in_file(Code::OrgVerdictMismatch, file, m);
    if !record.judged() {
        // Not judged: no verdict or count may be claimed.
        let mut blank = AccountRecord::new(&record.account_id, &record.name, record.state, record.scps.clone());
        blank.environment = record.environment.clone();
        blank.environment_source = record.environment_source.clone();
        blank.error = record.error.clone();
        if blank != *record {
            return vec![mismatch(
                &record_file,
                format!(
                    "account {} was not judged ({:?}) but its record claims a verdict or counts",
                    record.account_id, record.state
                ),
            )];
        }
        if record.error.is_none() {
            return vec![mismatch(
                &record_file,
                format!("account {} was not judged and its record does not say why", record.account_id),
            )];
        }
        return Vec::new();
    }
    let report_path = dir.join(ACCOUNT_REPORT);
    let report_file = label(&report_path);
    let report: AuditReport = match read_json(&report_path) {
        Ok(r) => r,
        Err(p) => return vec![p],
    };
    let mut problems = Vec::new();
    if report.account_id != record.account_id || Some(&report.environment) != record.environment.as_ref() {
        problems.push(mismatch(
            &report_file,
            format!(
                "the report is of account {} judged as {}, the record of account {} judged as {}",
                report.account_id,
                report.environment,
                record.account_id,
                record.environment.as_deref().unwrap_or("nothing")
            ),
        ));
        return problems;
    }
    let run = &shard.run;
    let p = &report.provenance;
    for (what, found, want) in [
        ("tool version", &p.tool_version, &run.tool_version),
        ("baseline", &p.baseline_sha256, &run.baseline_sha256),
        ("policy catalog", &p.catalog_sha256, &run.catalog_sha256),
    ] {
        if found != want {
            problems.push(mismatch(&report_file, format!("its {what} ({found}) is not the run's ({want})")));
        }
    }
    match crate::fsio::sha256_no_follow(&dir.join(ACCOUNT_SNAPSHOT)) {
        Ok(sha) if sha == p.snapshot_sha256 => {}
        Ok(_) => problems.push(mismatch(
            &report_file,
            format!(
                "its snapshot_sha256 is not the SHA-256 of {ACCOUNT_SNAPSHOT} beside it (one of them was replaced)"
            ),
        )),
        Err(e) => problems.push(Problem::in_file(
            Code::OrgRecord,
            &label(&dir.join(ACCOUNT_SNAPSHOT)),
            format!("cannot read: {e}"),
        )),
    }
    // The gate, re-run with the run's thresholds (an unreachable account is judged as a
    // complete audit, whatever its environment).
    match run.gates.get(&report.environment) {
        None => problems.push(mismatch(
            &report_file,
            format!(
                "environment {} is not one of the run's ({})",
                report.environment,
                run.gates.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        )),
        Some(policy) => {
            let mut policy = policy.clone();
            if record.state == AccountState::Unreachable {
                policy.require_complete_audit = true;
            }
            let gate = &report.gate;
            if gate.fail_on != policy.fail_on.to_string()
                || gate.require_complete_audit != policy.require_complete_audit
            {
                problems.push(mismatch(
                    &report_file,
                    format!(
                        "its gate thresholds (fail on {}, complete audit {}) are not the run's (fail on {}, complete audit {})",
                        gate.fail_on, gate.require_complete_audit, policy.fail_on, policy.require_complete_audit
                    ),
                ));
            }
            if gate.passed != gate.reasons.is_empty() {
                problems.push(mismatch(
                    &report_file,
                    format!(
                        "its gate says {} with {} reason(s)",
                        if gate.passed { "passed" } else { "failed" },
                        gate.reasons.len()
                    ),
                ));
            }
            let again = crate::gate::decide(&policy, &report.results, report.drift.as_ref(), Vec::new());
            let unexplained: Vec<&String> = again.reasons.iter().filter(|r| !gate.reasons.contains(r)).collect();
            if !unexplained.is_empty() {
                problems.push(mismatch(
                    &report_file,
                    format!(
                        "its results fail the gate ({}) but its gate does not say so",
                        listed(unexplained.iter(), unexplained.len())
                    ),
                ));
            }
        }
    }
    // The record, rebuilt from the report: every field must match.
    let mut fresh = AccountRecord::new(&record.account_id, &record.name, record.state, record.scps.clone());
    fresh.environment = record.environment.clone();
    fresh.environment_source = record.environment_source.clone();
    fresh.error = record.error.clone();
    fresh.take_report(&report);
    if fresh != *record {
        let (a, b) =
            (serde_json::to_value(&fresh).unwrap_or_default(), serde_json::to_value(record).unwrap_or_default());
        let fields: Vec<String> = a
            .as_object()
            .map(|m| m.iter().filter(|(k, v)| b.get(k.as_str()) != Some(v)).map(|(k, _)| format!("`{k}`")).collect())
            .unwrap_or_default();
        problems.push(mismatch(
            &record_file,
            format!("the record disagrees with the account's report on {}", fields.join(", ")),
        ));
    }
    if record.state == AccountState::Unreachable && record.error.is_none() {
        problems.push(mismatch(&record_file, "an unreachable account's record does not say why".to_owned()));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::GatePolicy;
    use crate::model::{DriftState, Severity};
    use crate::org::summary::{OrgRun, ScpEvidence, SCPS_NOT_APPLIED};

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    fn run() -> OrgRun {
        let policy = GatePolicy {
            fail_on: Severity::High,
            require_complete_audit: true,
            fail_on_drift: vec![DriftState::Missing],
        };
        OrgRun {
            tool_version: env!("CARGO_PKG_VERSION").into(),
            baseline_sha256: "b".repeat(64),
            catalog_sha256: "c".repeat(64),
            waivers_sha256: None,
            expected_from_sha256: None,
            regions: vec!["eu-west-1".into()],
            ous: vec![],
            role_name: "FlowForgeAudit".into(),
            waiver_warn_days: 14,
            check_timeout_ms: 10_000,
            gates: BTreeMap::from([("prod".to_owned(), policy)]),
        }
    }

    /// Writes account `id`'s snapshot, report and record into `dir` as a scan does.
    fn account(dir: &Path, id: &str, run: &OrgRun) {
        let d = dir.join(id);
        std::fs::create_dir_all(&d).unwrap();
        let snapshot = format!("{{\"account_id\": \"{id}\"}}\n");
        std::fs::write(d.join(ACCOUNT_SNAPSHOT), &snapshot).unwrap();
        let mut report = crate::report::fixture::sample_report();
        report.account_id = id.into();
        report.environment = "prod".into();
        report.provenance.tool_version = run.tool_version.clone();
        report.provenance.baseline_sha256 = run.baseline_sha256.clone();
        report.provenance.catalog_sha256 = run.catalog_sha256.clone();
        report.provenance.snapshot_sha256 = crate::model::sha256_hex(snapshot.as_bytes());
        report.gate = crate::gate::decide(&run.gates["prod"], &report.results, report.drift.as_ref(), vec![]);
        std::fs::write(d.join(ACCOUNT_REPORT), serde_json::to_string_pretty(&report).unwrap()).unwrap();
        let scps = ScpEvidence { applied: false, note: SCPS_NOT_APPLIED.into(), policies: vec![], error: None };
        let mut record = AccountRecord::new(id, "acct", AccountState::Audited, scps);
        record.environment = Some("prod".into());
        record.environment_source = "tag flowforge:env".into();
        record.take_report(&report);
        crate::org::summary::write_record(dir, &record).unwrap();
    }

    /// A complete single-shard run of accounts A and B in `dir`.
    fn single_run(dir: &Path) {
        let shard = ShardFile::new(Shard::ALL, vec![A.into(), B.into()], run());
        crate::org::summary::write_shard_file(dir, &shard).unwrap();
        account(dir, A, &shard.run);
        account(dir, B, &shard.run);
    }

    fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        edit(&mut v);
        std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    }

    fn refused(dirs: &[PathBuf]) -> Vec<(Code, String)> {
        match read_run(dirs) {
            Ok(r) => panic!("merged {} records", r.len()),
            Err(p) => p.into_iter().map(|p| (p.code, p.message)).collect(),
        }
    }

    fn has(problems: &[(Code, String)], code: Code, text: &str) -> bool {
        problems.iter().any(|(c, m)| *c == code && m.contains(text))
    }

    /// Issue 22 item 2: `merge` believed what the shard files said. A flipped `gate_passed` in
    /// an account's record, or a flipped verdict in its report, is refused (the verdict is
    /// re-derived from the report and the report's gate re-run on its results); so are shards
    /// of different options or account lists, a shrunk list, another `schema_version`,
    /// `shards: 0` (a division by zero before), a huge shard count (an allocation abort before)
    /// and account ids that are not ids (`/etc`, `../x`, used as paths before).
    #[test]
    fn merge_believes_no_shard_file() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("s0");
        single_run(&d);
        let dirs = vec![d.clone()];
        let good = read_run(&dirs).expect("a consistent run merges");
        assert_eq!(good.len(), 2);
        assert!(good.iter().all(|r| r.gate_passed == Some(false)), "the sample report fails its gate");

        // The record's verdict flipped.
        let rec = d.join(A).join(ACCOUNT_FILE);
        let saved = std::fs::read(&rec).unwrap();
        edit_json(&rec, |v| v["gate_passed"] = true.into());
        assert!(has(&refused(&dirs), Code::OrgVerdictMismatch, "`gate_passed`"));
        std::fs::write(&rec, &saved).unwrap();

        // The report's verdict flipped, then its reasons removed too: the results still fail.
        let rep = d.join(A).join(ACCOUNT_REPORT);
        let saved_rep = std::fs::read(&rep).unwrap();
        edit_json(&rep, |v| v["gate"]["passed"] = true.into());
        assert!(has(&refused(&dirs), Code::OrgVerdictMismatch, "its gate says passed with"));
        edit_json(&rep, |v| v["gate"]["reasons"] = serde_json::json!([]));
        assert!(has(&refused(&dirs), Code::OrgVerdictMismatch, "its results fail the gate"));
        std::fs::write(&rep, &saved_rep).unwrap();

        // The snapshot beside the report replaced.
        let snap = d.join(B).join(ACCOUNT_SNAPSHOT);
        std::fs::write(&snap, "{}").unwrap();
        assert!(has(&refused(&dirs), Code::OrgVerdictMismatch, "snapshot_sha256"));
        std::fs::write(&snap, format!("{{\"account_id\": \"{B}\"}}\n")).unwrap();
        assert!(read_run(&dirs).is_ok());

        // Shard file values the tool never writes.
        let sf = d.join(SHARD_FILE);
        let saved_sf = std::fs::read(&sf).unwrap();
        for (key, value, text) in [
            ("shards", serde_json::json!(0), "shards: 0"),
            ("shards", serde_json::json!(4_000_000_000u32), "shards: 4000000000"),
            ("shard", serde_json::json!(3), "the index must be below the count"),
            ("organisation_accounts", serde_json::json!(["/etc", A]), "\"/etc\""),
            ("organisation_accounts", serde_json::json!(["../x", A]), "\"../x\""),
        ] {
            edit_json(&sf, |v| v[key] = value.clone());
            assert!(has(&refused(&dirs), Code::OrgShardInvalid, text), "{key}={value}");
            std::fs::write(&sf, &saved_sf).unwrap();
        }
        edit_json(&sf, |v| v["schema_version"] = 1.into());
        assert!(has(&refused(&dirs), Code::OrgSchemaVersion, "schema version 1"));
        std::fs::write(&sf, &saved_sf).unwrap();

        // A shrunk list: B's record is in the directory but no longer listed.
        edit_json(&sf, |v| v["organisation_accounts"] = serde_json::json!([A]));
        assert!(has(&refused(&dirs), Code::OrgUnlistedAccount, &format!("account {B} is recorded here but not")));
        std::fs::write(&sf, &saved_sf).unwrap();

        // Two shards of different runs: other options, or another account list.
        let other = tmp.path().join("other");
        single_run(&other);
        let osf = other.join(SHARD_FILE);
        edit_json(&osf, |v| {
            v["shard"] = 0.into();
            v["run"]["gates"]["prod"]["fail_on"] = "critical".into();
        });
        let both = vec![d.clone(), other.clone()];
        assert!(has(&refused(&both), Code::OrgMixedRuns, "run option `gates`"));
        edit_json(&osf, |v| {
            v["run"]["gates"]["prod"]["fail_on"] = "high".into();
            v["organisation_accounts"] = serde_json::json!([A]);
        });
        assert!(has(&refused(&both), Code::OrgMixedRuns, "organisation account list"));
        // A huge shard count is counted, never listed whole.
        edit_json(&sf, |v| v["shards"] = MAX_SHARDS.into());
        let p = refused(&dirs);
        assert!(has(&p, Code::OrgRecord, &format!("… and {} more of {MAX_SHARDS}", MAX_SHARDS as usize - 11)), "{p:?}");
    }
}
