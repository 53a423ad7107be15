//! Evaluation: every check on every resource of its collection, with one status each.
//!
//! The engine never turns "could not read" into PASS. For each (check, resource):
//! - UNKNOWN when a call the check depends on failed for that resource, or a list call of
//!   the check's collection (or of a collection its Rego reads) failed in the resource's
//!   region; a failed list call also yields one UNKNOWN on a synthetic collection ARN,
//!   because the resources it would have returned are not in the snapshot;
//! - UNKNOWN on a synthetic collection ARN when the check's collection is one the environment
//!   requires (`data.flowforge.lib.coverage.required`) and nothing was collected for it, with no
//!   error to say why (a snapshot with only its header must not pass); UNKNOWN for each
//!   resource when another required collection the check reads is empty in the same way;
//! - NOT_APPLICABLE when the check's `applies` rule is not true for this environment;
//! - FAIL when `deny` names the resource (all of its violations merged in one result);
//! - UNKNOWN when the check's `unknown` rule names it (a field the collector could not read,
//!   or whether it is in scope could not be decided), even outside `in_scope`;
//! - NOT_APPLICABLE when the check defines `in_scope` and the resource is not in it;
//! - PASS otherwise;
//! - ERROR for every resource of a check whose Rego failed, recursed or went over its limits
//!   (`--check-timeout`): that check alone, the run goes on.
//!
//! The collections a check reads (its own, and those its Rego reads directly or through
//! `policies/lib` rules) are computed once when the catalog is loaded (`Check::reads`), so a
//! policy author cannot forget to declare them.

#[cfg(test)]
pub(crate) mod examples;
mod input;
#[cfg(test)]
mod scope_tests;
pub mod subject;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use crate::model::{
    collection_info, finding_id, CheckResult, CheckRun, CollectionError, ResourceMeta, Snapshot, Status,
};
use crate::policy::{Catalog, CheckOutput, CompiledCatalog, Deny, Limits, RegoInput};

pub use crate::policy::EvalError;
pub use input::{parse_snapshot, ParsedSnapshot};
pub use subject::{check_arn, collection_arn, missing_arn};

/// What `evaluate` produces: the checks as run and one result per (check, resource).
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub checks: Vec<CheckRun>,
    pub results: Vec<CheckResult>,
}

/// Evaluates the whole catalog on a snapshot with `data.baseline` = `baseline_view`.
///
/// Checks are spread over the available cores (each thread owns a clone of the compiled
/// engine). The returned results are sorted by (check id, resource ARN).
///
/// `prepared` is the snapshot's Rego input when the caller has it (see [`parse_snapshot`]);
/// without it the snapshot is converted here.
pub fn evaluate(
    snapshot: &Snapshot,
    prepared: Option<&RegoInput>,
    catalog: &Catalog,
    baseline_view: Value,
) -> Result<Evaluation, EvalError> {
    evaluate_with(snapshot, prepared, catalog, baseline_view, Limits::default())
}

/// [`evaluate`] with each check bounded by `limits` (`--check-timeout`).
pub fn evaluate_with(
    snapshot: &Snapshot,
    prepared: Option<&RegoInput>,
    catalog: &Catalog,
    baseline_view: Value,
    limits: Limits,
) -> Result<Evaluation, EvalError> {
    let iam = crate::iam_eval::Context::default();
    evaluate_in(snapshot, prepared, catalog, baseline_view, &Setup { limits, iam: &iam, compiled: None })
}

/// What shapes an evaluation besides the snapshot, the catalog and the baseline view.
pub struct Setup<'a> {
    /// Bounds on each check (`--check-timeout`).
    pub limits: Limits,
    /// The IAM evaluation's context: the account's SCPs in an organisation scan.
    pub iam: &'a crate::iam_eval::Context,
    /// The catalog already parsed ([`CompiledCatalog::parse`] of the same catalog, with the same
    /// limits): an organisation scan parses once for all its accounts. `None` parses here.
    pub compiled: Option<&'a CompiledCatalog>,
}

/// [`evaluate_with`] in a [`Setup`].
pub fn evaluate_in(
    snapshot: &Snapshot,
    prepared: Option<&RegoInput>,
    catalog: &Catalog,
    baseline_view: Value,
    setup: &Setup<'_>,
) -> Result<Evaluation, EvalError> {
    let started = std::time::Instant::now();
    let limits = setup.limits;
    // The IAM evaluation's derived facts (`input.derived.iam`), computed once for every check,
    // on a thread of their own: the rest of the preparation (the collections the environment
    // requires, the network and parameter facts, the compiled policies) does not need them.
    let roles = serde_json::from_value(baseline_view.get("roles").cloned().unwrap_or(Value::Null)).unwrap_or_default();
    let (iam, ready) = std::thread::scope(|scope| {
        let iam = scope.spawn(|| {
            let facts = crate::iam_eval::derive(snapshot, &roles, setup.iam);
            tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, rss_mib = rss_mib(), "IAM facts derived");
            // The policies read the converted facts only: the facts are freed here.
            iam_value(&facts)
        });
        let rest = || -> Result<_, EvalError> {
            let required = crate::policy::required_collections(catalog, &baseline_view, &limits)?;
            let input = match prepared {
                Some(input) => input.clone(),
                // The typed snapshot (defaults filled in) is what the policies see.
                None => RegoInput::from_serialize(snapshot)?,
            };
            let derived = input::derived_value(snapshot, &baseline_view).map_err(EvalError::Input)?;
            let engine = match setup.compiled {
                Some(parsed) => parsed.for_baseline(baseline_view)?,
                None => CompiledCatalog::with_limits(catalog, baseline_view, limits)?,
            };
            Ok((required, input, derived, engine))
        };
        let rest = rest();
        // A panic of the IAM thread is a bug: raised here as it would have been inline.
        (iam.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), rest)
    });
    let (required, mut input, mut derived, mut engine) = ready?;
    // The network, parameter-default, FlowForge and key facts, and the IAM facts beside them.
    let object = derived.as_object_mut().map_err(|e| EvalError::Input(e.to_string()))?;
    object.insert(regorus::Value::from("iam"), iam?);
    input.insert("derived", derived)?;
    engine.set_input_prepared(&input);
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        rss_mib = rss_mib(),
        "input converted, policies compiled"
    );
    let index = ResourceIndex::new(snapshot);
    let checks: Vec<_> = catalog.checks().iter().collect();
    // Each worker judges the results of the check it evaluated, so both phases run on every
    // core; at most 8 workers, each with its own clone of the compiled engine.
    let judged = crate::parallel::map_on_cores(
        &checks,
        8,
        || engine.clone(),
        |engine, check| {
            let (t, cpu) = (std::time::Instant::now(), crate::policy::thread_cpu_time());
            let output = engine.evaluate_once(&check.meta.id);
            let cx = Judge { snapshot, index: &index, required: &required };
            let (run, mut results) = judge_check(&cx, &check.meta, &check.reads.collections, output);
            results.sort_by(|a, b| a.resource_arn.cmp(&b.resource_arn));
            // The check's own CPU time too: on a busy machine the wall time measures the load.
            let cpu_ms = crate::policy::thread_cpu_time().zip(cpu).map_or(0, |(b, a)| b.saturating_sub(a).as_millis());
            tracing::debug!(
                check = %check.meta.id,
                elapsed_ms = t.elapsed().as_millis() as u64,
                cpu_ms = cpu_ms as u64,
                results = results.len(),
                "check done"
            );
            (run, results)
        },
    );

    // Sized once: growing a vector of 300,000 results by doubling would hold up to twice
    // their size while every check's own results are still alive.
    let total = judged.iter().map(|j| j.as_ref().map_or(1, |(_, r)| r.len())).sum();
    let mut eval = Evaluation { checks: Vec::with_capacity(checks.len()), results: Vec::with_capacity(total) };
    for (check, judged) in checks.iter().zip(judged) {
        // A worker that died (a bug, not bad input) must not make its checks vanish.
        let (run, results) = judged.unwrap_or_else(|| {
            judge_check(
                &Judge { snapshot, index: &index, required: &required },
                &check.meta,
                &BTreeSet::new(),
                Err("the evaluation thread for this check stopped unexpectedly".to_owned()),
            )
        });
        eval.checks.push(run);
        eval.results.extend(results);
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        results = eval.results.len(),
        rss_mib = rss_mib(),
        "checks evaluated and judged"
    );
    // The catalog's checks come sorted by id and each check's results by ARN, in that order:
    // the results are sorted by (check id, ARN) as they stand.
    Ok(eval)
}

/// `input.derived.iam`: the IAM evaluation's facts, as the policies read them.
fn iam_value(iam: &crate::iam_eval::IamFacts) -> Result<regorus::Value, EvalError> {
    crate::policy::rego_value::to_value(iam).map_err(|e| EvalError::Input(e.to_string()))
}

/// Resources by collection, and the collection errors by what they affect.
struct ResourceIndex<'a> {
    by_collection: HashMap<&'static str, Vec<&'a ResourceMeta>>,
    /// (collection, region) → list-level errors ("global" errors apply to every region).
    list_errors: HashMap<(&'static str, &'a str), Vec<&'a CollectionError>>,
    /// resource ARN → errors of calls about that resource.
    resource_errors: HashMap<&'a str, Vec<&'a CollectionError>>,
    /// Collection → (ARN → errors) of what was listed but not seen: a resource left out of the
    /// snapshot because a read of it failed (its error names it), or the part of a collection
    /// listed per parent whose listing failed (the listeners of a load balancer: the error
    /// names the parent). UNKNOWN rows of their own in the collection's checks, and, for the
    /// checks that read the collection beside their own, as blocking as a failed listing.
    dropped: HashMap<&'static str, BTreeMap<&'a str, Vec<&'a CollectionError>>>,
}

impl<'a> ResourceIndex<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        let mut by_collection: HashMap<&'static str, Vec<&'a ResourceMeta>> = HashMap::new();
        for (name, meta) in snapshot.resource_metas() {
            by_collection.entry(name).or_default().push(meta);
        }
        let mut list_errors: HashMap<(&'static str, &'a str), Vec<&'a CollectionError>> = HashMap::new();
        let mut resource_errors: HashMap<&'a str, Vec<&'a CollectionError>> = HashMap::new();
        let mut dropped: HashMap<&'static str, BTreeMap<&'a str, Vec<&'a CollectionError>>> = HashMap::new();
        // Per collection: a WAF association is listed under its load balancer's ARN, so the
        // load balancer being in the snapshot does not make the association seen.
        let known: std::collections::HashSet<(&str, &str)> =
            if snapshot.collection_errors.iter().any(|e| e.resource.is_some()) {
                by_collection.iter().flat_map(|(c, ms)| ms.iter().map(move |m| (*c, m.arn.as_str()))).collect()
            } else {
                Default::default()
            };
        for err in &snapshot.collection_errors {
            if let Some(arn) = err.resource.as_deref() {
                resource_errors.entry(arn).or_default().push(err);
                let op = err.operation.as_str();
                for info in crate::model::COLLECTIONS.iter().filter(|i| i.service == err.service) {
                    // A listing for one parent (the listeners of a load balancer) leaves a part
                    // of the collection unseen; a read of one resource leaves that resource
                    // out when it is not in the snapshot.
                    if info.list_operations.contains(&op)
                        || (info.detail_operations.contains(&op) && !known.contains(&(info.name, arn)))
                    {
                        dropped.entry(info.name).or_default().entry(arn).or_default().push(err);
                    }
                }
                continue;
            }
            for info in crate::model::COLLECTIONS {
                if info.service == err.service
                    && (info.list_operations.contains(&err.operation.as_str())
                        || info.detail_operations.contains(&err.operation.as_str()))
                {
                    list_errors.entry((info.name, err.region.as_str())).or_default().push(err);
                }
            }
        }
        ResourceIndex { by_collection, list_errors, resource_errors, dropped }
    }

    /// Errors about resources of `collection` left out of the snapshot, in `region` (or global).
    fn dropped_for(&self, collection: &str, region: &str) -> Vec<&'a CollectionError> {
        self.dropped
            .get(collection)
            .into_iter()
            .flat_map(|m| m.values().flatten())
            .filter(|e| e.region == region || e.region == "global" || region == "global")
            .copied()
            .collect()
    }

    /// List-level errors of `collection` that affect a resource in `region`.
    fn list_errors_for(&self, collection: &str, region: &str) -> Vec<&'a CollectionError> {
        let mut out = Vec::new();
        for ((coll, reg), errs) in &self.list_errors {
            if *coll == collection && (*reg == region || *reg == "global" || region == "global") {
                out.extend(errs.iter().copied());
            }
        }
        out
    }
}

/// True when a failed call about a resource blocks a check reading `blocking`: the call feeds
/// one of those collections, or no declared collection at all (unknown: fail closed). A call
/// that feeds only other collections does not (the load balancer's GetWebACLForResource is
/// about its WAF association, not its listeners; both are listed under the balancer's ARN).
fn blocks(e: &CollectionError, blocking: &BTreeSet<&str>) -> bool {
    let op = e.operation.as_str();
    let feeds: Vec<&str> = crate::model::COLLECTIONS
        .iter()
        .filter(|info| {
            info.service == e.service && (info.list_operations.contains(&op) || info.detail_operations.contains(&op))
        })
        .map(|info| info.name)
        .collect();
    feeds.is_empty() || feeds.iter().any(|c| blocking.contains(c))
}

fn error_evidence(errors: &[&CollectionError]) -> Vec<Value> {
    let mut v: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "service": e.service, "operation": e.operation, "region": e.region,
                "resource": e.resource, "error_code": e.error_code, "message": e.message,
            })
        })
        .collect();
    v.sort_by_key(|a| a.to_string());
    v.dedup();
    v
}

fn unknown_message(errors: &[&CollectionError]) -> String {
    let ops: BTreeSet<String> =
        errors.iter().map(|e| format!("{}:{} ({})", e.service, e.operation, e.error_code)).collect();
    format!("could not be audited: {} failed", ops.into_iter().collect::<Vec<_>>().join(", "))
}

fn unknown_reason(reasons: &[&str]) -> String {
    let mut reasons: Vec<&str> = reasons.to_vec();
    reasons.sort_unstable();
    reasons.dedup();
    format!("could not be audited: {}", reasons.join("; "))
}

fn region_of_arn(arn: &str) -> String {
    arn.split(':').nth(3).filter(|r| !r.is_empty()).unwrap_or("global").to_owned()
}

/// What every check is judged against.
struct Judge<'s, 'i> {
    snapshot: &'s Snapshot,
    index: &'i ResourceIndex<'s>,
    required: &'i BTreeSet<String>,
}

fn judge_check(
    cx: &Judge<'_, '_>,
    meta: &crate::model::CheckMeta,
    deps: &BTreeSet<&'static str>,
    output: Result<CheckOutput, String>,
) -> (CheckRun, Vec<CheckResult>) {
    let (snapshot, index) = (cx.snapshot, cx.index);
    let resources: &[&ResourceMeta] =
        index.by_collection.get(meta.collection.as_str()).map(Vec::as_slice).unwrap_or(&[]);
    let mut results = Vec::with_capacity(resources.len());
    let mk = |status: Status, arn: &str, name: &str, region: &str, message: String, evidence: Vec<Value>| CheckResult {
        finding_id: finding_id(&meta.id, arn),
        check_id: meta.id.clone(),
        severity: meta.severity,
        status,
        resource_arn: arn.to_owned(),
        resource_name: name.to_owned(),
        region: region.to_owned(),
        message,
        evidence,
        waiver: None,
    };

    let output = match output {
        Ok(o) => o,
        Err(e) => {
            let message = format!("check failed to evaluate: {}", e.trim());
            if resources.is_empty() {
                let arn = check_arn(&snapshot.partition, &snapshot.account_id, &meta.id);
                results.push(mk(Status::Error, &arn, &meta.id, "global", message.clone(), Vec::new()));
            }
            for r in resources {
                results.push(mk(Status::Error, &r.arn, &r.name, &r.region, message.clone(), Vec::new()));
            }
            return (CheckRun { meta: meta.clone(), error: Some(e.trim().to_owned()) }, results);
        }
    };

    // Collections whose failure blocks this check: its own and every one its Rego reads.
    let mut blocking: BTreeSet<&str> = deps.iter().copied().collect();
    blocking.insert(meta.collection.as_str());

    // One UNKNOWN per region where the check's own collection could not be listed.
    if let Some(info) = collection_info(&meta.collection) {
        let mut regions: BTreeMap<&str, Vec<&CollectionError>> = BTreeMap::new();
        for ((coll, region), errs) in &index.list_errors {
            if *coll == info.name {
                regions
                    .entry(region)
                    .or_default()
                    .extend(errs.iter().copied().filter(|e| info.list_operations.contains(&e.operation.as_str())));
            }
        }
        let mut listed_errors = false;
        for (region, errs) in regions {
            if errs.is_empty() {
                continue;
            }
            listed_errors = true;
            let arn = collection_arn(&snapshot.partition, region, &snapshot.account_id, info.name);
            results.push(mk(Status::Unknown, &arn, info.name, region, unknown_message(&errs), error_evidence(&errs)));
        }
        // Nothing collected, no error to say why, for a collection the environment requires:
        // the snapshot is incomplete (or hand-trimmed), and an empty list is not a PASS.
        if resources.is_empty()
            && !listed_errors
            && !index.dropped.contains_key(info.name)
            && output.applies
            && cx.required.contains(info.name)
        {
            let arn = collection_arn(&snapshot.partition, "global", &snapshot.account_id, info.name);
            let message = format!(
                "could not be audited: nothing was collected for {}, which this environment requires \
                 (an empty list in the snapshot, and no collection error to explain it)",
                info.name
            );
            results.push(mk(Status::Unknown, &arn, info.name, "global", message, Vec::new()));
        }
    }
    let unknowns: HashMap<&str, Vec<&str>> = output.unknowns.iter().fold(HashMap::new(), |mut m, u| {
        m.entry(u.arn.as_str()).or_default().push(u.reason.as_str());
        m
    });

    let notes: HashMap<&str, &Deny> = output.notes.iter().map(|n| (n.arn.as_str(), n)).collect();
    let mut denies: HashMap<&str, Vec<&Deny>> = HashMap::new();
    for d in &output.denies {
        denies.entry(d.arn.as_str()).or_default().push(d);
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();

    // Collection-level failures of the blocking collections, per region (few regions, many
    // resources: computed once per region, not per resource).
    let mut blocking_errors: HashMap<&str, Vec<&CollectionError>> = HashMap::new();
    // Collections the check reads that the environment requires and that hold nothing, with
    // no error to explain it: its verdicts would rest on data that was never collected.
    let missing: Vec<&str> = deps
        .iter()
        .copied()
        .filter(|c| {
            cx.required.contains(*c)
                && !index.by_collection.contains_key(c)
                && !index.list_errors.keys().any(|(coll, _)| coll == c)
                && !index.dropped.contains_key(c)
        })
        .collect();
    let missing_message = format!(
        "could not be audited: nothing was collected for {}, which this environment requires and the check reads",
        missing.join(", ")
    );
    for r in resources {
        seen.insert(r.arn.as_str());
        let mut errs: Vec<&CollectionError> = index
            .resource_errors
            .get(r.arn.as_str())
            .map(|es| es.iter().copied().filter(|e| blocks(e, &blocking)).collect())
            .unwrap_or_default();
        errs.extend(
            blocking_errors
                .entry(r.region.as_str())
                .or_insert_with(|| {
                    let mut e: Vec<&CollectionError> =
                        blocking.iter().flat_map(|coll| index.list_errors_for(coll, &r.region)).collect();
                    // A resource the check reads beside its own, left out because its read
                    // failed: the verdict may rest on it.
                    e.extend(
                        blocking
                            .iter()
                            .filter(|c| **c != meta.collection.as_str())
                            .flat_map(|coll| index.dropped_for(coll, &r.region)),
                    );
                    e
                })
                .iter()
                .copied(),
        );
        if !errs.is_empty() {
            results.push(mk(
                Status::Unknown,
                &r.arn,
                &r.name,
                &r.region,
                unknown_message(&errs),
                error_evidence(&errs),
            ));
        } else if !missing.is_empty() {
            results.push(mk(Status::Unknown, &r.arn, &r.name, &r.region, missing_message.clone(), Vec::new()));
        } else if !output.applies {
            let reason =
                output.not_applicable_reason.clone().unwrap_or_else(|| "not required in this environment".to_owned());
            results.push(mk(Status::NotApplicable, &r.arn, &r.name, &r.region, reason, Vec::new()));
        } else if let Some(found) = denies.get(r.arn.as_str()) {
            results.push(fail_result(meta, &r.arn, &r.name, &r.region, found));
        } else if let Some(reasons) = unknowns.get(r.arn.as_str()) {
            // Before the scope: what the check cannot judge (whether it is in scope, even) is
            // never "outside the check's scope".
            results.push(mk(Status::Unknown, &r.arn, &r.name, &r.region, unknown_reason(reasons), Vec::new()));
        } else if output.in_scope.as_ref().is_some_and(|s| !s.contains(&r.arn)) {
            results.push(mk(Status::NotApplicable, &r.arn, &r.name, &r.region, "outside the check's scope (the check judges only the resources its `in_scope` rule selects; see its description)".to_owned(), Vec::new()));
        } else if let Some(note) = notes.get(r.arn.as_str()) {
            // A PASS that says why (the check's `pass_note`).
            results.push(mk(
                Status::Pass,
                &r.arn,
                &r.name,
                &r.region,
                note.message.clone(),
                vec![note.evidence.clone()],
            ));
        } else {
            results.push(mk(Status::Pass, &r.arn, &r.name, &r.region, String::new(), Vec::new()));
        }
    }
    // A resource of the check's own collection that was listed but left out because a read of
    // it failed: UNKNOWN on that resource, never silently absent (issue 22 item 6).
    if let Some(left_out) = index.dropped.get(meta.collection.as_str()) {
        for (arn, errs) in left_out {
            if seen.insert(*arn) {
                let region = errs.first().map_or_else(|| region_of_arn(arn), |e| e.region.clone());
                results.push(mk(Status::Unknown, arn, arn, &region, unknown_message(errs), error_evidence(errs)));
            }
        }
    }
    // A deny on an ARN that is not in the collection is still a finding: never dropped.
    if output.applies {
        let mut extra: Vec<(&str, &Vec<&Deny>)> =
            denies.iter().filter(|(arn, _)| !seen.contains(*arn)).map(|(a, d)| (*a, d)).collect();
        extra.sort_by_key(|(a, _)| *a);
        // The check's own collection holds nothing for an environment that requires it: a
        // finding about something "not there" rests on a listing that was never seen.
        let own_unseen = resources.is_empty()
            && cx.required.contains(meta.collection.as_str())
            && !index.list_errors.keys().any(|(coll, _)| *coll == meta.collection.as_str());
        for (arn, found) in extra {
            let region = region_of_arn(arn);
            // Absence claimed where a blocking listing failed is unseen, not missing: UNKNOWN.
            let errs: Vec<&CollectionError> =
                blocking.iter().flat_map(|coll| index.list_errors_for(coll, &region)).collect();
            if !errs.is_empty() {
                results.push(mk(Status::Unknown, arn, arn, &region, unknown_message(&errs), error_evidence(&errs)));
            } else if own_unseen || !missing.is_empty() {
                let message = if missing.is_empty() {
                    format!(
                        "could not be audited: nothing was collected for {}, which this environment requires",
                        meta.collection
                    )
                } else {
                    missing_message.clone()
                };
                results.push(mk(Status::Unknown, arn, arn, &region, message, Vec::new()));
            } else {
                results.push(fail_result(meta, arn, arn, &region, found));
            }
        }
        // Likewise an UNKNOWN the check reports about something outside its collection (a
        // region with no setting, an account-level document that is missing).
        let mut extra: Vec<(&str, &Vec<&str>)> = unknowns
            .iter()
            .filter(|(arn, _)| !seen.contains(*arn) && !denies.contains_key(*arn))
            .map(|(a, r)| (*a, r))
            .collect();
        extra.sort_by_key(|(a, _)| *a);
        for (arn, reasons) in extra {
            results.push(mk(Status::Unknown, arn, arn, &region_of_arn(arn), unknown_reason(reasons), Vec::new()));
        }
    }
    (CheckRun { meta: meta.clone(), error: None }, results)
}

fn fail_result(meta: &crate::model::CheckMeta, arn: &str, name: &str, region: &str, found: &[&Deny]) -> CheckResult {
    let mut found: Vec<&&Deny> = found.iter().collect();
    found.sort_by(|a, b| {
        (a.message.as_str(), a.evidence.to_string()).cmp(&(b.message.as_str(), b.evidence.to_string()))
    });
    found.dedup_by(|a, b| a.message == b.message && a.evidence == b.evidence);
    let mut messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
    messages.dedup();
    CheckResult {
        finding_id: finding_id(&meta.id, arn),
        check_id: meta.id.clone(),
        severity: meta.severity,
        status: Status::Fail,
        resource_arn: arn.to_owned(),
        resource_name: name.to_owned(),
        region: region.to_owned(),
        message: messages.join("; "),
        evidence: found.iter().map(|d| d.evidence.clone()).collect(),
        waiver: None,
    }
}

/// The policies' input for a snapshot already in memory (a collection's, handed over without
/// a round trip through text).
pub fn rego_input(snapshot: &Snapshot) -> Result<RegoInput, EvalError> {
    input::convert_snapshot(snapshot).map_err(EvalError::Input)
}

/// Counts for the report summary: every status and severity present, zero or not.
pub fn summarize(eval: &Evaluation) -> crate::model::Summary {
    let mut by_status: BTreeMap<String, usize> = Status::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    let mut failed_by_severity: BTreeMap<String, usize> =
        crate::model::Severity::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    let mut resources: BTreeSet<&str> = BTreeSet::new();
    for r in &eval.results {
        *by_status.entry(r.status.as_str().to_owned()).or_default() += 1;
        if r.status == Status::Fail {
            *failed_by_severity.entry(r.severity.as_str().to_owned()).or_default() += 1;
        }
        resources.insert(r.resource_arn.as_str());
    }
    crate::model::Summary {
        checks: eval.checks.len(),
        resources: resources.len(),
        results: eval.results.len(),
        by_status,
        failed_by_severity,
        ..Default::default()
    }
}

/// The process's resident memory in MiB (Linux; 0 elsewhere), for the `-v` progress log.
pub fn rss_mib() -> u64 {
    proc_status_kib("VmRSS:") / 1024
}

/// The process's peak resident memory in MiB (Linux; 0 elsewhere).
pub fn peak_rss_mib() -> u64 {
    proc_status_kib("VmHWM:") / 1024
}

fn proc_status_kib(field: &str) -> u64 {
    // Through the bounded reader like every file (a /proc file reports length 0).
    crate::fsio::read_bounded(std::path::Path::new("/proc/self/status"), 1 << 16)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()))
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks come back in id order and results in (check id, ARN) order, with every check
    /// present: the reports rely on it and the engine does not sort afterwards.
    #[test]
    fn checks_and_results_come_back_sorted() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/snapshots/prod-drifted.json"))
                .unwrap();
        let snapshot = Snapshot::from_json(&text).unwrap();
        let catalog = Catalog::builtin().unwrap();
        let view = crate::baseline::Baseline::builtin()
            .unwrap()
            .env_view("prod", &snapshot.account_id, &snapshot.partition)
            .unwrap();
        let eval = evaluate(&snapshot, None, &catalog, view.to_json()).unwrap();
        let ids: Vec<&str> = eval.checks.iter().map(|c| c.meta.id.as_str()).collect();
        let catalog_ids: Vec<&str> = catalog.checks().iter().map(|c| c.meta.id.as_str()).collect();
        assert_eq!(ids, catalog_ids);
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        let keys: Vec<(&str, &str)> =
            eval.results.iter().map(|r| (r.check_id.as_str(), r.resource_arn.as_str())).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "results out of order");
        assert!(ids.iter().all(|id| keys.iter().any(|(c, _)| c == id)), "a check has no result");
    }

    fn example(name: &str) -> (Snapshot, Value) {
        let (snapshot, view) = super::examples::example(name);
        (snapshot, view.to_json())
    }

    /// A failed DescribeNetworkAcls makes the NACL checks UNKNOWN, and FF-NET-001 too: it reads
    /// `input.derived.network`, which is derived from the ACLs (never a PASS on facts computed
    /// from a collection that could not be listed).
    #[test]
    fn failed_network_acl_listing_is_unknown_through_derived_facts() {
        let (mut snapshot, view) = example("prod-compliant");
        let catalog = Catalog::builtin().unwrap();
        assert!(catalog.check("FF-NET-001").unwrap().reads.collections.contains("ec2.network_acls"));
        let region = snapshot.regions[0].clone();
        snapshot.ec2.network_acls.clear();
        snapshot.collection_errors.push(CollectionError {
            service: "ec2".into(),
            operation: "DescribeNetworkAcls".into(),
            region,
            resource: None,
            error_code: "UnauthorizedOperation".into(),
            message: "denied".into(),
        });
        let eval = evaluate(&snapshot, None, &catalog, view).unwrap();
        for id in ["FF-NET-001", "FF-NET-004", "FF-NET-005"] {
            let mine: Vec<&CheckResult> = eval.results.iter().filter(|r| r.check_id == id).collect();
            assert!(!mine.is_empty(), "{id} has results");
            assert!(mine.iter().all(|r| r.status == Status::Unknown), "{id}: {mine:#?}");
        }
    }

    /// Issue 10 item 1: the route tables that `lib/vpc.rego` reads are dependencies of the
    /// checks that call it, and no builtin check recurses.
    #[test]
    fn builtin_reads_include_library_reads() {
        let catalog = Catalog::builtin().unwrap();
        for id in ["FF-VPC-003", "FF-VPC-004"] {
            let reads = &catalog.check(id).unwrap().reads;
            assert!(reads.collections.contains("ec2.route_tables"), "{id}: {reads:?}");
            assert!(reads.collections.contains("ec2.subnets"), "{id}: {reads:?}");
        }
        for check in catalog.checks() {
            assert_eq!(check.reads.recursion, None, "{}", check.meta.id);
            assert!(check.reads.collections.contains(check.meta.collection.as_str()), "{}", check.meta.id);
        }
    }

    /// The computed reads are complete at run time: emptying every collection a check is not
    /// said to read leaves its output unchanged, on both shipped examples. A collection read
    /// that the analysis missed would show here as a changed output.
    #[test]
    fn reads_are_complete_against_what_the_rego_reads() {
        let catalog = Catalog::builtin().unwrap();
        for name in ["prod-drifted", "prod-compliant"] {
            let (snapshot, view) = example(name);
            let mut full = serde_json::to_value(&snapshot).unwrap();
            // The derived facts as the engine gives them: the FlowForge decision scopes the
            // checks, so an input without it would make most outputs trivially equal.
            full["derived"] = serde_json::to_value(input::derived_facts(&snapshot, &view).unwrap()).unwrap();
            let mut engine = CompiledCatalog::new(&catalog, view).unwrap();
            for check in catalog.checks() {
                engine.set_input(&full).unwrap();
                let want = engine.evaluate(&check.meta.id).unwrap();
                let mut trimmed = full.clone();
                let mut emptied = 0;
                for info in crate::model::COLLECTIONS {
                    if check.reads.collections.contains(info.name) {
                        continue;
                    }
                    let (svc, coll) = info.name.split_once('.').unwrap();
                    if let Some(list) = trimmed.get_mut(svc).and_then(|s| s.get_mut(coll)) {
                        emptied += list.as_array().map_or(0, Vec::len);
                        *list = json!([]);
                    }
                }
                assert!(emptied > 0, "{}: nothing was emptied, the test proves nothing", check.meta.id);
                engine.set_input(&trimmed).unwrap();
                let got = engine.evaluate(&check.meta.id).unwrap();
                assert_eq!(
                    got, want,
                    "{} on {name} reads a collection outside {:?}",
                    check.meta.id, check.reads.collections
                );
            }
        }
    }

    /// A failed call about a resource blocks the checks that read a collection it feeds, and
    /// every check when it feeds no declared collection (fail closed); not the others. The WAF
    /// association is listed under the load balancer's ARN: its GetWebACLForResource failure
    /// makes FF-WAF-001 UNKNOWN and would leave a load-balancer check judged.
    #[test]
    fn resource_errors_block_the_checks_reading_what_they_feed() {
        let (mut snapshot, view) = example("prod-compliant");
        let lb = snapshot.elbv2.load_balancers[0].meta.arn.clone();
        assert_eq!(snapshot.wafv2.associations[0].meta.arn, lb, "the association is reported on the balancer");
        let error = |service: &str, operation: &str| CollectionError {
            service: service.to_owned(),
            operation: operation.to_owned(),
            region: "eu-west-1".to_owned(),
            resource: Some(lb.clone()),
            error_code: "AccessDenied".to_owned(),
            message: "denied".to_owned(),
        };
        let lbs: BTreeSet<&str> = ["elbv2.load_balancers", "elbv2.listeners"].into();
        let waf: BTreeSet<&str> = ["wafv2.associations", "elbv2.load_balancers"].into();
        assert!(!blocks(&error("wafv2", "GetWebACLForResource"), &lbs));
        assert!(blocks(&error("wafv2", "GetWebACLForResource"), &waf));
        assert!(blocks(&error("elasticloadbalancing", "DescribeTags"), &lbs));
        assert!(blocks(&error("wafv2", "NoSuchOperation"), &lbs), "an undeclared call blocks everything");

        snapshot.collection_errors.push(error("wafv2", "GetWebACLForResource"));
        let eval = evaluate(&snapshot, None, &Catalog::builtin().unwrap(), view).unwrap();
        let waf_001: Vec<&CheckResult> = eval.results.iter().filter(|r| r.check_id == "FF-WAF-001").collect();
        assert!(waf_001.iter().any(|r| r.resource_arn == lb && r.status == Status::Unknown), "{waf_001:?}");
    }

    /// An `unknown` on a resource outside `in_scope` is UNKNOWN, not NOT_APPLICABLE: a check
    /// that cannot decide whether a resource is in scope (the key of a log group whose tags
    /// could not be read) must not call it out of scope.
    #[test]
    fn unknown_wins_over_out_of_scope() {
        let (snapshot, view) = example("prod-compliant");
        let key = snapshot.kms.keys[0].meta.arn.clone();
        let catalog = Catalog::builtin().unwrap();
        let meta = catalog.check("FF-KMS-001").unwrap().meta.clone();
        let required = crate::policy::required_collections(&catalog, &view, &Limits::default()).unwrap();
        let index = ResourceIndex::new(&snapshot);
        let cx = Judge { snapshot: &snapshot, index: &index, required: &required };
        let output = CheckOutput {
            applies: true,
            in_scope: Some(BTreeSet::new()),
            unknowns: vec![crate::policy::Unknown { arn: key.clone(), reason: "undecided".to_owned() }],
            ..CheckOutput::default()
        };
        let (_, results) = judge_check(&cx, &meta, &BTreeSet::new(), Ok(output));
        let mine: Vec<&CheckResult> = results.iter().filter(|r| r.resource_arn == key).collect();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].status, Status::Unknown, "{mine:?}");
        assert!(results.iter().filter(|r| r.resource_arn != key).all(|r| r.status == Status::NotApplicable));
    }

    /// The `unknown` rule contract: an ARN it names is UNKNOWN with the reason unless the
    /// check FAILs it; an ARN outside the collection still gets its result; a required
    /// collection that is empty without an error is one "nothing collected" UNKNOWN, and not
    /// when a collection error explains it.
    #[test]
    fn unknown_contract_and_nothing_collected() {
        let (mut snapshot, view) = example("prod-compliant");
        let db = snapshot.rds.db_instances[0].meta.arn.clone();
        let catalog = Catalog::builtin().unwrap();
        let meta = catalog.check("FF-RDS-004").unwrap().meta.clone();
        let required = crate::policy::required_collections(&catalog, &view, &Limits::default()).unwrap();
        assert!(required.contains("rds.db_instances") && required.contains("ec2.ebs_encryption_by_default"));
        let index = ResourceIndex::new(&snapshot);
        let cx = Judge { snapshot: &snapshot, index: &index, required: &required };
        let unknown = |arn: &str| crate::policy::Unknown { arn: arn.to_owned(), reason: "r".to_owned() };
        let output = CheckOutput {
            applies: true,
            unknowns: vec![unknown(&db), unknown("arn:aws:rds:eu-west-1:1:db:other")],
            ..CheckOutput::default()
        };
        let (_, results) = judge_check(&cx, &meta, &BTreeSet::new(), Ok(output.clone()));
        let got: Vec<(&str, Status)> = results.iter().map(|r| (r.resource_arn.as_str(), r.status)).collect();
        assert_eq!(got, vec![(db.as_str(), Status::Unknown), ("arn:aws:rds:eu-west-1:1:db:other", Status::Unknown)]);
        assert_eq!(results[0].message, "could not be audited: r");
        let deny = Deny { arn: db.clone(), message: "m".to_owned(), evidence: json!({}) };
        let failing = CheckOutput { denies: vec![deny], ..output };
        let (_, results) = judge_check(&cx, &meta, &BTreeSet::new(), Ok(failing));
        assert_eq!(results[0].status, Status::Fail);

        snapshot.rds.db_instances.clear();
        let index = ResourceIndex::new(&snapshot);
        let cx = Judge { snapshot: &snapshot, index: &index, required: &required };
        let applies = CheckOutput { applies: true, ..CheckOutput::default() };
        let (_, results) = judge_check(&cx, &meta, &BTreeSet::new(), Ok(applies.clone()));
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].status, Status::Unknown);
        assert!(results[0].message.contains("nothing was collected for rds.db_instances"), "{}", results[0].message);
        assert!(results[0].resource_arn.ends_with(":collection/rds.db_instances"));

        snapshot.collection_errors.push(CollectionError {
            service: "rds".to_owned(),
            operation: "DescribeDBInstances".to_owned(),
            region: "eu-west-1".to_owned(),
            resource: None,
            error_code: "AccessDenied".to_owned(),
            message: "denied".to_owned(),
        });
        let index = ResourceIndex::new(&snapshot);
        let cx = Judge { snapshot: &snapshot, index: &index, required: &required };
        let (_, results) = judge_check(&cx, &meta, &BTreeSet::new(), Ok(applies));
        assert_eq!(results.len(), 1, "{results:?}");
        assert!(results[0].message.contains("DescribeDBInstances (AccessDenied)"), "{}", results[0].message);
    }

    /// Issue 22 item 6: a denied per-resource read was reported as a finding. Denying, one at
    /// a time, `iam:GetOpenIDConnectProvider` (the provider left out: FF-EKS-003 failed),
    /// `sns:ListSubscriptionsByTopic` (the topic kept with no subscriptions: FF-CW-001 failed),
    /// `acm:DescribeCertificate`, `sns:GetTopicAttributes` and `wafv2:GetWebACLForResource`
    /// (each resource left out of its own collection, its checks silent about it): no FAIL
    /// comes of it, the resource left out has an UNKNOWN row of its own in its collection's
    /// checks, and the checks reading it are UNKNOWN.
    #[test]
    fn denied_per_resource_read_is_unknown_not_a_finding() {
        let catalog = Catalog::builtin().unwrap();
        let (base, view) = example("prod-compliant");
        let baseline_fails: BTreeSet<(String, String)> = evaluate(&base, None, &catalog, view.clone())
            .unwrap()
            .results
            .iter()
            .filter(|r| r.status == Status::Fail)
            .map(|r| (r.check_id.clone(), r.resource_arn.clone()))
            .collect();
        let denied = |s: &mut Snapshot, service: &str, operation: &str, arn: &str| {
            s.collection_errors.push(CollectionError {
                service: service.into(),
                operation: operation.into(),
                region: base.regions[0].clone(),
                resource: Some(arn.into()),
                error_code: "AccessDenied".into(),
                message: "denied".into(),
            });
        };
        let status = |eval: &Evaluation, id: &str, arn: &str| -> Option<Status> {
            eval.results.iter().find(|r| r.check_id == id && r.resource_arn == arn).map(|r| r.status)
        };
        let new_fails = |eval: &Evaluation| -> Vec<String> {
            eval.results
                .iter()
                .filter(|r| {
                    r.status == Status::Fail && !baseline_fails.contains(&(r.check_id.clone(), r.resource_arn.clone()))
                })
                .map(|r| format!("{} {}", r.check_id, r.resource_arn))
                .collect()
        };
        let cluster = base.eks.clusters[0].meta.arn.clone();

        let mut s = base.clone();
        let p = s.iam.oidc_providers.remove(0);
        denied(&mut s, "iam", "GetOpenIDConnectProvider", &p.meta.arn);
        let eval = evaluate(&s, None, &catalog, view.clone()).unwrap();
        assert!(new_fails(&eval).is_empty(), "{:?}", new_fails(&eval));
        assert_eq!(status(&eval, "FF-EKS-003", &cluster), Some(Status::Unknown));

        let mut s = base.clone();
        let topic = s.sns.topics[0].meta.arn.clone();
        s.sns.topics[0].subscriptions = None;
        denied(&mut s, "sns", "ListSubscriptionsByTopic", &topic);
        let eval = evaluate(&s, None, &catalog, view.clone()).unwrap();
        assert!(new_fails(&eval).is_empty(), "{:?}", new_fails(&eval));
        assert!(eval.results.iter().any(|r| r.check_id == "FF-CW-001" && r.status == Status::Unknown));

        // Issue 22 item 12: the listeners of the load balancer could not be listed (a fault):
        // the listener checks are UNKNOWN on it, nothing fails.
        let mut s = base.clone();
        let lb = s.elbv2.load_balancers[0].meta.arn.clone();
        s.elbv2.listeners.retain(|l| l.load_balancer_arn != lb);
        denied(&mut s, "elasticloadbalancing", "DescribeListeners", &lb);
        let eval = evaluate(&s, None, &catalog, view.clone()).unwrap();
        assert!(new_fails(&eval).is_empty(), "DescribeListeners: {:?}", new_fails(&eval));
        let listener_checks: BTreeSet<&str> = catalog
            .checks()
            .iter()
            .filter(|c| c.meta.collection == "elbv2.listeners")
            .map(|c| c.meta.id.as_str())
            .collect();
        assert!(!listener_checks.is_empty());
        for id in &listener_checks {
            assert_eq!(
                status(&eval, id, &lb),
                Some(Status::Unknown),
                "{id} on the load balancer whose listeners are unseen"
            );
        }

        for (service, operation, collection) in [
            ("acm", "DescribeCertificate", "acm"),
            ("sns", "GetTopicAttributes", "sns"),
            ("wafv2", "GetWebACLForResource", "wafv2"),
        ] {
            let mut s = base.clone();
            let arn = match collection {
                "acm" => s.acm.certificates.remove(0).meta.arn,
                "sns" => s.sns.topics.remove(0).meta.arn,
                _ => s.wafv2.associations.remove(0).meta.arn,
            };
            denied(&mut s, service, operation, &arn);
            let eval = evaluate(&s, None, &catalog, view.clone()).unwrap();
            assert!(new_fails(&eval).is_empty(), "{operation}: {:?}", new_fails(&eval));
            let own: Vec<&CheckResult> = eval.results.iter().filter(|r| r.resource_arn == arn).collect();
            assert!(!own.is_empty() && own.iter().all(|r| r.status == Status::Unknown), "{operation}: {own:?}");
        }
    }
}
