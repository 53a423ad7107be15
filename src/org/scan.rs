//! `scan --org`: discover the accounts with the management account's credentials, then audit
//! each one through its audit role, a bounded number at a time.
//!
//! Each account is the single-account pipeline ([`crate::collect`] then [`crate::audit`])
//! with a session of its own: its own credentials (AssumeRole), its own retry budget and
//! adaptive rate limiter (so one throttled account backs off alone and never slows the
//! others), its own `--out DIR/<account-id>/`. An account's snapshot is written, evaluated,
//! its reports and record written, and the snapshot dropped before the next account takes
//! its slot: at most `--max-accounts` snapshots are in memory at once, whatever the size of
//! the organisation. The summary is then built from the record files alone (as `merge` does).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::StreamExt;

use super::accounts::{AccountFile, Shard};
use super::merge;
use super::summary::{
    self, AccountRecord, AccountState, OrgRun, OrgSummary, Scp, ScpEvidence, ShardFile, SCPS_NOT_APPLIED,
};
use crate::audit::{self, AuditError, AuditOptions, Inputs, LoadedSnapshot};
use crate::aws::org::{OrgAccount, OrgApi};
use crate::aws::{self, CallError, ConnectError, ConnectOptions};
use crate::collect::{self, CollectOptions};
use crate::model::{CollectionError, PolicyDocument, Snapshot, SNAPSHOT_SCHEMA_VERSION};

/// Which accounts, and how each one is reached and judged.
#[derive(Debug, Clone)]
pub struct OrgOptions {
    /// The management account's connection; its `regions` are the member accounts' regions
    /// (`all` for each account's enabled regions).
    pub connect: ConnectOptions,
    pub s3_concurrency: usize,
    /// Only the accounts under these OUs (or roots), recursively; empty: every account.
    pub ous: Vec<String>,
    /// Only these accounts (`--accounts`), with the environments their lines name.
    pub accounts: Option<AccountFile>,
    /// Account → environment (`--account-map`), ahead of the account tags.
    pub account_map: Option<AccountFile>,
    /// The label environments from `accounts`/`account_map` are attributed to.
    pub account_file_label: String,
    /// The role assumed in each member account.
    pub role_name: String,
    pub external_id: Option<String>,
    /// Accounts audited at once.
    pub max_accounts: usize,
    pub shard: Shard,
    /// The audit of each account: `env` and `out` are set per account (`out` is the parent
    /// directory of the accounts' directories).
    pub audit: AuditOptions,
}

/// Why the organisation could not be scanned at all (one account's failure is data instead).
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("management account: {0}")]
    Connect(#[from] ConnectError),
    #[error("cannot list the organisation's accounts: {0}")]
    Discovery(CallError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("writing {path}: {message}")]
    Write { path: String, message: String },
    #[error("could not start the async runtime: {0}")]
    Runtime(String),
    /// The records just written do not read back as one consistent run (a bug, or the output
    /// directory changed under the scan).
    #[error("{0}")]
    Records(String),
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> OrgError {
    OrgError::Write { path: path.display().to_string(), message: e.to_string() }
}

/// Service control policies already described, by id (the root's and the OUs' are shared by
/// many accounts); a failure is kept too, so it is reported alike for every account.
type PolicyCache = Mutex<HashMap<String, Result<PolicyDocument, String>>>;

/// A finished organisation scan.
pub struct OrgOutcome {
    pub summary: OrgSummary,
    /// The summary files written.
    pub paths: Vec<PathBuf>,
    /// What to tell the user besides (environment hints, unmapped accounts).
    pub warnings: Vec<String>,
}

/// [`run`] on a runtime of its own.
pub fn run_blocking(opts: &OrgOptions, inputs: Arc<Inputs>) -> Result<OrgOutcome, OrgError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| OrgError::Runtime(e.to_string()))?;
    rt.block_on(run(opts, inputs))
}

/// Scans this shard's accounts of the organisation into `opts.audit.out`.
pub async fn run(opts: &OrgOptions, inputs: Arc<Inputs>) -> Result<OrgOutcome, OrgError> {
    let out = opts.audit.out.clone();
    std::fs::create_dir_all(&out).map_err(|e| write_err(&out, e))?;
    let mut management = opts.connect.clone();
    management.regions.retain(|r| r != aws::ALL_REGIONS);
    management.assume_role_arn = None;
    management.external_id = None;
    let session = aws::connect(&management).await?;
    let org = OrgApi::new(&session);

    let accounts = discover(&org, opts).await?;
    let targets: Vec<OrgAccount> = accounts.iter().filter(|a| opts.shard.contains(&a.id)).cloned().collect();
    let shard_file =
        ShardFile::new(opts.shard, accounts.iter().map(|a| a.id.clone()).collect(), run_options(opts, &inputs));
    summary::write_shard_file(&out, &shard_file).map_err(|e| write_err(&out, e))?;
    remove_stale_records(&out, &targets)?;

    let partition = session.partition.clone();
    // SCPs never apply to the management account: without knowing which it is, no account's
    // SCPs are applied (each says why).
    let management = org.management_account().await.map_err(|e| e.to_string());
    let policies: Arc<PolicyCache> = Arc::default();
    // As many evaluations at once as there are cores: an evaluation has serial stretches
    // (the IAM facts, drift, the reports) that another account's evaluation fills, and each
    // check's time limit is on its own CPU time, so sharing the cores does not make a check
    // ERROR (see `policy::rego`). Collections (waiting on the network) overlap with them.
    let cores = std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(1);
    let evaluation = Arc::new(tokio::sync::Semaphore::new(cores));
    let shared = Shared { opts, org: &org, inputs, policies, evaluation, management, partition };
    let results: Vec<Result<(AccountRecord, Vec<String>), OrgError>> = futures::stream::iter(targets)
        .map(|t| scan_account(&shared, t))
        .buffer_unordered(opts.max_accounts.max(1))
        .collect()
        .await;
    let mut warnings = Vec::new();
    let mut records = Vec::new();
    for r in results {
        let (record, w) = r?;
        warnings.extend(w);
        records.push(record);
    }
    records.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    for r in &records {
        let why = r.error.as_deref().unwrap_or_default();
        match r.state {
            AccountState::Unmapped => warnings
                .push(format!("account {} ({}) has no environment: {why}; listed, not judged", r.account_id, r.name)),
            AccountState::EnvironmentUnknown => warnings.push(format!(
                "account {} ({}): its environment could not be determined: {why}; not judged, the organisation fails",
                r.account_id, r.name
            )),
            _ => {}
        }
    }
    // The summary from the files just written, read back as `merge` reads them (every verdict
    // re-derived from the account's report): a single run and a merge of shards are one path.
    // A shard's output is one shard of the run: the others are other jobs'.
    let read = merge::read_shards(std::slice::from_ref(&out), false)
        .map_err(|p| OrgError::Records(crate::diag::render("the scan's own output", &p)))?;
    if read != records {
        return Err(OrgError::Records("the records read back differ from the records written".to_owned()));
    }
    let summary = OrgSummary::from_records(read);
    let paths = summary.write(&out).map_err(|e| write_err(&out, e))?;
    Ok(OrgOutcome { summary, paths, warnings })
}

/// A run's records are a set, as a run's reports are: a record left in `out` by an earlier run
/// for an account this run does not audit would contradict its shard file (and `merge` would
/// refuse the directory), so its `account.json` is removed first. Only that file of the tool's
/// own is touched, in a real directory (a link of that name is removed, never followed; a
/// linked directory is left alone); the rest of the earlier account directory stays.
fn remove_stale_records(out: &Path, targets: &[OrgAccount]) -> Result<(), OrgError> {
    let current: std::collections::BTreeSet<&str> = targets.iter().map(|a| a.id.as_str()).collect();
    let Ok(entries) = std::fs::read_dir(out) else { return Ok(()) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // A directory only (`file_type` does not follow links): never into a linked one.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || !super::accounts::is_account_id(&name) || current.contains(name.as_str()) {
            continue;
        }
        let record = entry.path().join(summary::ACCOUNT_FILE);
        match std::fs::remove_file(&record) {
            Ok(()) => tracing::info!(account = %name, "removed the record of an earlier run"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(write_err(&record, e)),
        }
    }
    Ok(())
}

/// The run's inputs and options, as every shard file of it records them.
fn run_options(opts: &OrgOptions, inputs: &Inputs) -> OrgRun {
    use sha2::{Digest, Sha256};
    let sha = |b: &[u8]| Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect::<String>();
    let baseline = &inputs.baseline.baseline;
    let audit = &opts.audit;
    let gates = baseline
        .environments
        .iter()
        .map(|(name, env)| {
            let gate = env.gate.apply(&baseline.defaults.gate);
            let policy = crate::gate::GatePolicy {
                fail_on: audit.fail_on.unwrap_or(gate.fail_on),
                require_complete_audit: audit.require_complete_audit.unwrap_or(gate.require_complete_audit),
                fail_on_drift: audit.fail_on_drift.clone().unwrap_or(gate.fail_on_drift),
            };
            (name.clone(), policy)
        })
        .collect();
    OrgRun {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        baseline_sha256: inputs.baseline.source.sha256(),
        catalog_sha256: inputs.catalog.sha256(),
        waivers_sha256: inputs.waivers.as_ref().map(|w| sha(&w.bytes)),
        expected_from_sha256: inputs.expected_from.as_ref().map(|w| sha(&w.bytes)),
        regions: opts.connect.regions.clone(),
        ous: opts.ous.clone(),
        role_name: opts.role_name.clone(),
        waiver_warn_days: audit.waiver_warn_days,
        check_timeout_ms: u64::try_from(audit.limits.check_timeout.as_millis()).unwrap_or(u64::MAX),
        gates,
    }
}

/// The accounts to consider: the `--accounts` list, else the active accounts under `--ou`,
/// else every active account of the organisation; sorted by id.
async fn discover(org: &OrgApi, opts: &OrgOptions) -> Result<Vec<OrgAccount>, OrgError> {
    if let Some(list) = &opts.accounts {
        // An explicit list is taken as given, without listing the organisation (the
        // management account may not be asked): each account is audited under its id.
        return Ok(list.keys().map(|id| OrgAccount { id: id.clone(), name: String::new(), active: true }).collect());
    }
    let mut found: BTreeMap<String, OrgAccount> = BTreeMap::new();
    if opts.ous.is_empty() {
        for a in org.accounts().await.map_err(OrgError::Discovery)? {
            found.insert(a.id.clone(), a);
        }
    } else {
        for ou in &opts.ous {
            for a in org.accounts_under(ou).await.map_err(OrgError::Discovery)? {
                found.insert(a.id.clone(), a);
            }
        }
    }
    found.retain(|_, a| a.active);
    Ok(found.into_values().collect())
}

/// The SCPs that apply to `account`: those attached to it, to each OU above it, and to the
/// root, applied to its IAM findings. A failed call makes the SCPs unknown (recorded), never
/// "none", and they are not applied; nor are they for the management account.
async fn scps(org: &OrgApi, account: &str, management: &Result<String, String>, cache: &PolicyCache) -> ScpEvidence {
    let mut evidence = read_scps(org, account, cache).await;
    let not_applied = match (&evidence.error, management) {
        (Some(e), _) => Some(format!("they could not be read ({e})")),
        (None, Err(e)) => {
            Some(format!("the organisation's management account, which SCPs do not restrict, is not known ({e})"))
        }
        (None, Ok(m)) if m == account => {
            Some("this is the organisation's management account, which SCPs do not restrict".to_owned())
        }
        (None, Ok(_)) => None,
    };
    match not_applied {
        Some(why) => evidence.note = format!("{SCPS_NOT_APPLIED}: {why}"),
        None => {
            evidence.applied = true;
            evidence.note = evidence.context().scp_summary();
        }
    }
    evidence
}

async fn read_scps(org: &OrgApi, account: &str, cache: &PolicyCache) -> ScpEvidence {
    let mut evidence =
        ScpEvidence { applied: false, note: SCPS_NOT_APPLIED.to_owned(), policies: Vec::new(), error: None };
    let mut targets = vec![account.to_owned()];
    let mut child = account.to_owned();
    // An organisation is at most 5 OUs deep; the bound guards against a cycle in an answer.
    for _ in 0..8 {
        match org.parent(&child).await {
            Ok(Some(p)) => {
                targets.push(p.id.clone());
                if p.is_root {
                    break;
                }
                child = p.id;
            }
            Ok(None) => break,
            Err(e) => {
                evidence.error = Some(e.to_string());
                return evidence;
            }
        }
    }
    let mut found: BTreeMap<String, Scp> = BTreeMap::new();
    for target in &targets {
        let attached = match org.scps_of(target).await {
            Ok(a) => a,
            Err(e) => {
                evidence.error = Some(e.to_string());
                return evidence;
            }
        };
        for p in attached {
            if let Some(scp) = found.get_mut(&p.id) {
                scp.attached_to.push(target.clone());
                continue;
            }
            let cached = cache.lock().ok().and_then(|c| c.get(&p.id).cloned());
            let document = match cached {
                Some(d) => d,
                None => {
                    let d = org.policy_document(&p.id).await.map_err(|e| e.to_string());
                    if let Ok(mut c) = cache.lock() {
                        c.insert(p.id.clone(), d.clone());
                    }
                    d
                }
            };
            match document {
                Ok(document) => {
                    found.insert(
                        p.id.clone(),
                        Scp {
                            id: p.id,
                            name: p.name,
                            arn: p.arn,
                            aws_managed: p.aws_managed,
                            attached_to: vec![target.clone()],
                            document,
                        },
                    );
                }
                Err(e) => {
                    evidence.error = Some(e);
                    return evidence;
                }
            }
        }
    }
    evidence.policies = found.into_values().collect();
    evidence
}

/// A snapshot of an account nothing could be read from: one error per collection, so every
/// check is UNKNOWN.
fn unreachable_snapshot(account: &str, partition: &str, regions: &[String], error: &str) -> Snapshot {
    let mut snapshot = Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        account_id: account.to_owned(),
        partition: partition.to_owned(),
        regions: regions.iter().filter(|r| *r != aws::ALL_REGIONS).cloned().collect(),
        collected_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ..Snapshot::default()
    };
    for c in crate::model::COLLECTIONS {
        if let Some(op) = c.list_operations.first() {
            snapshot.collection_errors.push(CollectionError {
                service: c.service.to_owned(),
                operation: (*op).to_owned(),
                region: aws::GLOBAL_REGION.to_owned(),
                resource: None,
                error_code: "AssumeRoleFailed".to_owned(),
                message: error.to_owned(),
            });
        }
    }
    snapshot
}

/// Why an account has no environment to be judged as: the state its record takes, and why.
type NoEnvironment = (AccountState, String);

/// The environment of an account and where it came from (an account file, else its tag), or
/// why it has none: deliberately none (no tag, not in a file: unmapped), or none that could be
/// determined (its tags could not be read, or its tag names an environment the baseline does
/// not define: environment unknown, which fails the organisation).
async fn environment(
    org: &OrgApi,
    opts: &OrgOptions,
    inputs: &Inputs,
    id: &str,
) -> Result<(String, String), NoEnvironment> {
    let from_file = opts.account_map.iter().chain(opts.accounts.iter()).find_map(|f| f.get(id).cloned().flatten());
    if let Some(env) = from_file {
        return Ok((env, format!("account file {}", opts.account_file_label)));
    }
    let baseline = &inputs.baseline.baseline;
    let tag = &baseline.recognise.environment_tag;
    let tags =
        org.tags(id).await.map_err(|e| (AccountState::EnvironmentUnknown, format!("its tags cannot be read ({e})")))?;
    match tags.get(tag) {
        Some(env) if baseline.environments.contains_key(env) => Ok((env.clone(), format!("tag {tag}"))),
        Some(env) => Err((
            AccountState::EnvironmentUnknown,
            format!(
                "its {tag} tag names {env:?}, an environment the baseline does not define ({})",
                baseline.environments().join(", ")
            ),
        )),
        None => Err((AccountState::Unmapped, format!("no {tag} tag and not in an account file"))),
    }
}

/// What the scans of all the accounts of a run share.
struct Shared<'a> {
    opts: &'a OrgOptions,
    org: &'a OrgApi,
    inputs: Arc<Inputs>,
    /// SCP documents already described.
    policies: Arc<PolicyCache>,
    /// Evaluations at once (one per core).
    evaluation: Arc<tokio::sync::Semaphore>,
    /// The organisation's management account, or why it is not known.
    management: Result<String, String>,
    partition: String,
}

/// Collects, evaluates and records one account; its failures are in its record.
async fn scan_account(shared: &Shared<'_>, account: OrgAccount) -> Result<(AccountRecord, Vec<String>), OrgError> {
    let Shared { opts, org, ref policies, ref evaluation, ref management, ref partition, .. } = *shared;
    let inputs = shared.inputs.clone();
    let id = account.id.clone();
    let out = opts.audit.out.clone();
    let scps = scps(org, &id, management, policies).await;
    let (env, source) = match environment(org, opts, &inputs, &id).await {
        Ok(e) => e,
        Err((state, why)) => {
            let mut record = AccountRecord::new(&id, &account.name, state, scps);
            record.error = Some(why);
            summary::write_record(&out, &record).map_err(|e| write_err(&out, e))?;
            return Ok((record, Vec::new()));
        }
    };
    let mut connect = opts.connect.clone();
    connect.assume_role_arn = Some(format!("arn:{partition}:iam::{id}:role/{}", opts.role_name));
    connect.external_id = opts.external_id.clone();
    let collect_opts = CollectOptions { connect, s3_concurrency: opts.s3_concurrency, progress: None };
    let started = std::time::Instant::now();
    let (snapshot, reached) = match aws::connect(&collect_opts.connect).await {
        Ok(session) => (collect::collect(&session, &collect_opts).await.snapshot, Ok(())),
        Err(e) => {
            let message =
                format!("cannot assume {}: {e}", collect_opts.connect.assume_role_arn.as_deref().unwrap_or_default());
            (unreachable_snapshot(&id, partition, &opts.connect.regions, &message), Err(message))
        }
    };
    tracing::info!(account = %id, elapsed_ms = started.elapsed().as_millis() as u64, "account collected");
    let account_dir = out.join(&id);
    let mut audit_opts = opts.audit.clone();
    // The JSON report is always written: `merge` re-derives the account's record from it.
    if !audit_opts.formats.contains(&crate::report::Format::Json) {
        audit_opts.formats.push(crate::report::Format::Json);
        audit_opts.formats.sort();
    }
    audit_opts.env = env.clone();
    audit_opts.out = account_dir.clone();
    audit_opts.iam = scps.context();
    if reached.is_err() {
        // Nothing was seen: the gate fails whatever the environment's completeness setting.
        audit_opts.require_complete_audit = Some(true);
    }
    let name = account.name.clone();
    let permit = evaluation.clone().acquire_owned().await.map_err(|e| OrgError::Runtime(e.to_string()))?;
    // Evaluation is CPU work: off the async workers, so collections in flight keep going.
    let joined = tokio::task::spawn_blocking(move || -> Result<(AccountRecord, Vec<String>), OrgError> {
        let _permit = permit;
        std::fs::create_dir_all(&account_dir).map_err(|e| write_err(&account_dir, e))?;
        let path = account_dir.join("snapshot.json");
        let mut sha256 = String::new();
        crate::report::write_atomically_with(&path, |w| {
            sha256 = audit::write_snapshot(&snapshot, w).map_err(crate::report::ReportError::Write)?;
            Ok(())
        })
        .map_err(|e| write_err(&path, e))?;
        let mut loaded = LoadedSnapshot::collected(snapshot, path.display().to_string(), sha256)?;
        let audit = audit::run(&inputs, &mut loaded, &audit_opts)?;
        drop(loaded);
        audit::write_reports(&audit.report, &audit_opts.formats, &audit_opts.out)?;
        let state = if reached.is_ok() { AccountState::Audited } else { AccountState::Unreachable };
        let mut record = AccountRecord::new(&id, &name, state, scps);
        record.environment = Some(env);
        record.environment_source = source;
        record.take_report(&audit.report);
        record.error = reached.err();
        summary::write_record(&out, &record).map_err(|e| write_err(&out, e))?;
        let warnings = audit.warnings.iter().map(|w| format!("account {id}: {w}")).collect();
        Ok((record, warnings))
    })
    .await;
    joined.map_err(|e| OrgError::Runtime(format!("an account's evaluation stopped: {e}")))?
}
