//! The period model: scans on a cadence of slots, and what they show about each check and
//! each framework control between the first and the last day.
//!
//! - **Slots.** The period `[from 00:00Z, to+1 00:00Z)` is cut into slots of the cadence
//!   (`--every`, else the median interval between an account's consecutive scans, rounded to
//!   the hour). A slot of an account with no valid scan is *not evidenced*: a gap, never
//!   assumed compliant. A check has its own gaps too: slots whose scans did not run it.
//! - **Exceptions.** Per (account, check, resource), an interval opens at the first scan with
//!   FAIL, UNKNOWN or ERROR and closes at the first later scan of the account that ran the
//!   check and shows otherwise: PASS or NOT_APPLICABLE (a fix), the resource gone (a fix), a
//!   valid waiver (accepted, not fixed), or the check not run at all (dropped from the
//!   catalog). A check's exceptions merge its resources' intervals that overlap or touch; a
//!   control's merge its checks'. The true start lies between `previous_scan` and
//!   `first_seen`; the report says both rather than guess.
//! - **Operating.** A scan operates a check when every result is PASS or WAIVED by a waiver
//!   valid at that scan's date (NOT_APPLICABLE results neither help nor hurt); a WAIVED result
//!   whose waiver had expired by the collection date counts as FAIL (fail closed). A check is
//!   OPERATING when every slot is evidenced, none is an exception and one at least operated.
//! - **Rule changes are not fixes.** A check's definition is the SHA-256 of its Rego file and
//!   of the library files it reaches, from each bundle's manifest. An interval closed at a scan
//!   whose definition (or baseline) differs from the scan before is flagged and not counted in
//!   the time to fix.
//! - **Counted once.** The same bundle twice (same manifest hash) is one; two bundles of one
//!   account with one collection time are one scan whose results are combined, the worse
//!   status kept.
//!
//! Bundles arrive in any order as [`ScanDigest`]s; [`Collector`] keeps a compact copy (interned
//! strings, a few bytes per result), so memory grows with the number of results, never with the
//! size of the bundles. Everything is sorted before it is reported.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, TimeZone, Utc};

use super::bundle::ScanDigest;
use super::report::*;
use crate::compliance::FrameworkDef;
use crate::model::{AppliedWaiver, Severity, Status};
use crate::report::html::status_rank;

/// Seconds since the epoch → `2026-11-20T02:00:00Z`.
pub fn format_time(t: i64) -> Option<String> {
    Utc.timestamp_opt(t, 0).single().map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn time(t: i64) -> String {
    format_time(t).unwrap_or_else(|| t.to_string())
}

/// `--from` / `--to`: a UTC day.
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("expected a day YYYY-MM-DD, found {s:?}"))
}

/// Midnight UTC of `day`, in seconds since the epoch.
pub fn day_start(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp())
}

/// `--every`: a whole number of minutes, hours, days or weeks (`30m`, `12h`, `1d`, `1w`).
pub fn parse_every(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let err = || format!("expected a cadence such as 1d, 12h, 30m or 1w, found {s:?}");
    let (num, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = num.parse().map_err(|_| err())?;
    let unit = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(err()),
    };
    if n <= 0 || n > 10_000 {
        return Err(err());
    }
    Ok(n * unit)
}

/// Seconds → the shortest `--every` spelling (`86400` → `1d`).
pub fn every_text(seconds: i64) -> String {
    for (unit, name) in [(604_800, "w"), (86_400, "d"), (3600, "h"), (60, "m")] {
        if seconds % unit == 0 {
            return format!("{}{name}", seconds / unit);
        }
    }
    format!("{seconds}s")
}

/// Strings stored once, referred to by index.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(s.to_owned(), i);
        self.names.push(s.to_owned());
        i
    }
    fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }
}

/// One result, compactly.
#[derive(Debug, Clone, Copy)]
struct Obs {
    finding: u32,
    status: Status,
    /// Index into [`Collector::waivers`].
    waiver: Option<u32>,
}

/// One valid scan, compactly.
#[derive(Debug, Clone)]
struct Scan {
    account: u32,
    at: i64,
    /// Indexes of the bundle records relied on for it (several when merged).
    records: Vec<usize>,
    baseline: u32,
    catalog: u32,
    tool: u32,
    /// (check, definition), sorted by check.
    checks: Vec<(u32, u32)>,
    results: Vec<Obs>,
}

#[derive(Debug, Clone)]
struct Finding {
    check: u32,
    arn: u32,
    name: u32,
    severity: Severity,
}

#[derive(Debug, Clone)]
struct CheckInfo {
    at: i64,
    title: String,
    severity: Severity,
    frameworks: BTreeMap<String, BTreeSet<String>>,
}

/// Gathers the digests of verified bundles, in any order, compactly.
#[derive(Debug, Default)]
pub struct Collector {
    strings: Interner,
    finding_ids: HashMap<(u32, u32), u32>,
    findings: Vec<Finding>,
    waivers: Vec<AppliedWaiver>,
    waiver_ids: HashMap<String, u32>,
    checks: HashMap<u32, CheckInfo>,
    scans: Vec<Scan>,
}

impl Collector {
    /// Adds the digest of the bundle record `record`.
    pub fn add(&mut self, record: usize, digest: ScanDigest) {
        let account = self.strings.id(&digest.account_id);
        let mut checks = Vec::with_capacity(digest.checks.len());
        for c in digest.checks {
            let id = self.strings.id(&c.id);
            let def = self.strings.id(&c.definition);
            checks.push((id, def));
            let newer = self.checks.get(&id).is_none_or(|i| i.at <= digest.at);
            let entry = self.checks.entry(id).or_insert_with(|| CheckInfo {
                at: digest.at,
                title: c.title.clone(),
                severity: c.severity,
                frameworks: BTreeMap::new(),
            });
            // Mappings seen at any time count (a control's checks over the whole period);
            // title and severity are the latest.
            for (fw, controls) in c.frameworks {
                entry.frameworks.entry(fw).or_default().extend(controls);
            }
            if newer {
                entry.at = digest.at;
                entry.title = c.title;
                entry.severity = c.severity;
            }
        }
        checks.sort_unstable();
        let mut results = Vec::with_capacity(digest.results.len());
        for r in digest.results {
            let check = self.strings.id(&r.check_id);
            let arn = self.strings.id(&r.resource_arn);
            let next = u32::try_from(self.findings.len()).unwrap_or(u32::MAX);
            let finding = *self.finding_ids.entry((check, arn)).or_insert(next);
            if finding == next {
                let name = self.strings.id(&r.resource_name);
                self.findings.push(Finding { check, arn, name, severity: r.severity });
            }
            let waiver = r.waiver.map(|w| {
                let key = format!("{}\0{}\0{:?}\0{}", w.owner, w.reason, w.ticket, w.expires);
                let next = u32::try_from(self.waivers.len()).unwrap_or(u32::MAX);
                let id = *self.waiver_ids.entry(key).or_insert(next);
                if id == next {
                    self.waivers.push(w);
                }
                id
            });
            results.push(Obs { finding, status: r.status, waiver });
        }
        let scan = Scan {
            account,
            at: digest.at,
            records: vec![record],
            baseline: self.strings.id(&digest.baseline),
            catalog: self.strings.id(&digest.catalog),
            tool: self.strings.id(&digest.tool_version),
            checks,
            results,
        };
        self.scans.push(scan);
    }
}

/// Everything the period report is built from besides the scans.
#[derive(Debug, Clone)]
pub struct PeriodInput {
    pub environment: String,
    pub tool_version: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `--every` in seconds, when given.
    pub every: Option<i64>,
    /// `--account`: expected accounts (empty: those found).
    pub accounts: Vec<String>,
    pub frameworks: Vec<FrameworkDef>,
    pub require_signature: bool,
    pub verify_keys: Vec<String>,
}

/// What the whole run found besides the scans: every record in scope, skipped counts, store
/// events, listing refusals.
#[derive(Debug, Default)]
pub struct Found {
    pub bundles_found: usize,
    pub records: Vec<BundleRecord>,
    pub skipped: Skipped,
    pub events: Vec<StoreEvent>,
    pub refused: Vec<String>,
}

/// Slot states, ordered by how much they say (the worst wins when states are combined).
const GAP: u8 = 0;
const NA: u8 = 1;
const OK: u8 = 2;
const EXC: u8 = 3;

/// Combining rank: exception > gap > operating > not applicable.
fn rank(state: u8) -> u8 {
    match state {
        EXC => 3,
        GAP => 2,
        OK => 1,
        _ => 0,
    }
}

fn worse(a: u8, b: u8) -> u8 {
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

fn timeline(states: &[u8]) -> String {
    states
        .iter()
        .map(|s| match *s {
            EXC => 'X',
            GAP => '-',
            OK => 'O',
            _ => 'n',
        })
        .collect()
}

fn counts(states: impl IntoIterator<Item = u8>) -> SlotCounts {
    let mut c = SlotCounts::default();
    for s in states {
        match s {
            EXC => c.exception += 1,
            GAP => c.not_evidenced += 1,
            OK => c.operating += 1,
            _ => c.not_applicable += 1,
        }
    }
    c
}

fn verdict(c: &SlotCounts) -> Verdict {
    if c.exception > 0 {
        Verdict::Exceptions
    } else if c.not_evidenced > 0 {
        Verdict::NotEvidenced
    } else if c.operating > 0 {
        Verdict::Operating
    } else {
        Verdict::NotApplicable
    }
}

fn is_bad(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Unknown | Status::Error)
}

/// One resource's interval while it is built.
#[derive(Debug, Clone)]
struct FindingInterval {
    account: u32,
    finding: u32,
    first: usize,
    /// The closing scan (index into the account's scans).
    closed_at: Option<usize>,
    closed_by: ClosedBy,
    previous_scan: Option<i64>,
    statuses: BTreeSet<Status>,
    /// Scans (indexes) that show it, the closing one included.
    scans: Vec<usize>,
    definition_changed: bool,
    baseline_changed: bool,
}

/// The period's geometry.
#[derive(Debug, Clone, Copy)]
struct Slots {
    start: i64,
    end: i64,
    every: i64,
    n: usize,
}

impl Slots {
    fn of(&self, t: i64) -> usize {
        usize::try_from((t - self.start).max(0) / self.every).unwrap_or(0).min(self.n.saturating_sub(1))
    }
    fn slot_start(&self, i: usize) -> i64 {
        self.start + self.every * i as i64
    }
}

/// The median of `values` (of an even count, the mean of the two middle values).
fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let m = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[m] } else { (values[m - 1] + values[m]) / 2 })
}

/// How far a store's clock may be behind the scanner's before a bundle gets a note.
pub const CLOCK_TOLERANCE: i64 = 300;

/// Counts every bundle once: a second bundle with the same manifest hash is a duplicate, and
/// the bundles of one account with one collection time are one scan (results combined, the
/// worse status kept). Returns the scans sorted by account and time.
fn count_once(records: &mut [BundleRecord], scans: Vec<Scan>, strings: &Interner) -> Vec<Scan> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by(|a, b| records[*a].location.cmp(&records[*b].location));
    let mut dropped = vec![false; records.len()];
    order.retain(|i| records[*i].use_ == Use::Evidence);
    for i in order {
        match seen.get(&records[i].manifest_sha256) {
            Some(&first) => {
                let note =
                    format!("the same bundle as {} (same manifest SHA-256): counted once", records[first].location);
                records[i].use_ = Use::Duplicate;
                records[i].notes.push(note);
                dropped[i] = true;
            }
            None => {
                seen.insert(records[i].manifest_sha256.clone(), i);
            }
        }
    }
    let mut scans: Vec<Scan> = scans.into_iter().filter(|s| !dropped[s.records[0]]).collect();
    let key = |s: &Scan| (strings.name(s.account).to_owned(), s.at, records[s.records[0]].location.clone());
    scans.sort_by_cached_key(key);
    let mut merged: Vec<Scan> = Vec::with_capacity(scans.len());
    for scan in scans {
        match merged.last_mut() {
            Some(last) if last.account == scan.account && last.at == scan.at => {
                let first = &records[last.records[0]].location;
                let note = format!(
                    "the same account and collection time as {first}: one scan, results combined (the worse status kept)"
                );
                for &r in &scan.records {
                    records[r].notes.push(note.clone());
                }
                combine(last, scan);
            }
            _ => merged.push(scan),
        }
    }
    merged
}

/// Folds `scan` into `into` (same account and time): per result the worse status.
fn combine(into: &mut Scan, scan: Scan) {
    let mut by_finding: HashMap<u32, Obs> = into.results.iter().map(|o| (o.finding, *o)).collect();
    for o in scan.results {
        // The worse status is kept (the order the reports use).
        let keep = by_finding.get(&o.finding).is_none_or(|old| status_rank(o.status) > status_rank(old.status));
        if keep {
            by_finding.insert(o.finding, o);
        }
    }
    into.results = by_finding.into_values().collect();
    into.results.sort_by_key(|o| o.finding);
    for c in scan.checks {
        if !into.checks.iter().any(|(id, _)| *id == c.0) {
            into.checks.push(c);
        }
    }
    into.checks.sort_unstable();
    into.records.extend(scan.records);
}

/// The cadence: `--every`, else the median interval between an account's consecutive
/// collection times rounded to the hour, else a day; and where it came from. The times are
/// those of every bundle in scope, rejected ones included (their claimed times): inferring from
/// the valid scans alone would stretch the cadence over the very gaps rejected bundles leave.
fn cadence(every: Option<i64>, records: &[BundleRecord]) -> (i64, String) {
    if let Some(e) = every {
        return (e, "stated with --every".to_owned());
    }
    let mut times: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
    for r in records {
        if let (Some(a), Some(t)) =
            (r.account_id.as_deref(), r.collected_at.as_deref().and_then(super::bundle::parse_time))
        {
            times.entry(a).or_default().insert(t);
        }
    }
    let mut intervals: Vec<i64> =
        times.values().flat_map(|t| t.iter().zip(t.iter().skip(1)).map(|(a, b)| b - a).collect::<Vec<_>>()).collect();
    match median(&mut intervals) {
        Some(m) => (
            ((m + 1800) / 3600).max(1) * 3600,
            format!(
                "inferred: the median interval between consecutive bundles of an account ({} over {} intervals), to the hour; --every states it",
                human_duration(m),
                intervals.len()
            ),
        ),
        None => (86_400, "default 1d: too few bundles to infer a cadence; --every states it".to_owned()),
    }
}

/// The status a result counts as: a WAIVED result whose waiver had expired by the scan's date
/// (or names none) counts as the FAIL it waives.
fn effective(o: &Obs, waivers: &[AppliedWaiver], day: Option<NaiveDate>) -> Status {
    match (o.status, o.waiver.and_then(|w| waivers.get(w as usize))) {
        (Status::Waived, Some(w)) => match (NaiveDate::parse_from_str(&w.expires, "%Y-%m-%d"), day) {
            (Ok(expires), Some(d)) if expires >= d => Status::Waived,
            _ => Status::Fail,
        },
        (Status::Waived, None) => Status::Fail,
        (st, _) => st,
    }
}

/// One account's gaps: runs of slots with no valid scan.
fn account_gaps(account: &str, scans: &[&Scan], slots: &Slots) -> (usize, Vec<Gap>) {
    let mut evidenced = vec![false; slots.n];
    for s in scans {
        evidenced[slots.of(s.at)] = true;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < slots.n {
        if evidenced[i] {
            i += 1;
            continue;
        }
        let j = (i..slots.n).find(|k| evidenced[*k]).unwrap_or(slots.n);
        out.push(Gap {
            account_id: account.to_owned(),
            from: time(slots.slot_start(i)),
            to: time(slots.slot_start(j).min(slots.end)),
            slots: j - i,
        });
        i = j;
    }
    (evidenced.iter().filter(|e| **e).count(), out)
}

/// The values `value` takes over `scans`, in order of first use.
fn versions(scans: &[&Scan], strings: &Interner, value: impl Fn(&Scan) -> u32) -> Vec<Version> {
    let mut out: Vec<(u32, Version)> = Vec::new();
    for s in scans {
        let v = value(s);
        match out.iter_mut().find(|(k, _)| *k == v) {
            Some((_, ver)) => {
                ver.last_seen = time(s.at);
                ver.scans += 1;
            }
            None => out.push((
                v,
                Version { value: strings.name(v).to_owned(), first_seen: time(s.at), last_seen: time(s.at), scans: 1 },
            )),
        }
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// What the fold over every account's scans accumulates.
struct Tally {
    /// Account → check → slot → state.
    states: Vec<Vec<Vec<u8>>>,
    /// Per check: scans that ran it, scans with a waived result, waiver → (first, last, results).
    scans: Vec<usize>,
    waived: Vec<usize>,
    waivers: Vec<BTreeMap<u32, (i64, i64, usize)>>,
    intervals: Vec<FindingInterval>,
    /// (check, definition before, after) → (earliest scan with it, accounts).
    def_changes: BTreeMap<(u32, u32, u32), (i64, BTreeSet<u32>)>,
    /// Per scan (indexes of the intervals): time and bundle records.
    scan_times: Vec<i64>,
    scan_records: Vec<Vec<usize>>,
}

/// The fold: one account's scans in time order, opening, extending and closing each
/// resource's interval and recording every scan's outcome per check in its slot.
fn fold_account(
    tally: &mut Tally,
    ai: usize,
    account: u32,
    mine: &[&Scan],
    collector: &Collector,
    check_pos: &HashMap<u32, usize>,
    slots: &Slots,
) {
    let base = tally.scan_times.len();
    for s in mine {
        tally.scan_times.push(s.at);
        tally.scan_records.push(s.records.clone());
    }
    let check_of = |f: u32| collector.findings[f as usize].check;
    let mut open: BTreeMap<u32, FindingInterval> = BTreeMap::new();
    let mut last_with_check: HashMap<u32, usize> = HashMap::new();
    for (k, s) in mine.iter().enumerate() {
        let day = Utc.timestamp_opt(s.at, 0).single().map(|d| d.date_naive());
        let defs: HashMap<u32, u32> = s.checks.iter().copied().collect();
        let status_of: HashMap<u32, Status> =
            s.results.iter().map(|o| (o.finding, effective(o, &collector.waivers, day))).collect();
        // Close or extend what is open.
        let keys: Vec<u32> = open.keys().copied().collect();
        for f in keys {
            let check = check_of(f);
            let closed_by = match (defs.contains_key(&check), status_of.get(&f)) {
                (false, _) => Some(ClosedBy::CheckRemoved),
                (true, None) => Some(ClosedBy::ResourceGone),
                (true, Some(st)) if is_bad(*st) => None,
                (true, Some(Status::Waived)) => Some(ClosedBy::Waiver),
                (true, Some(Status::NotApplicable)) => Some(ClosedBy::NotApplicable),
                (true, Some(_)) => Some(ClosedBy::Pass),
            };
            let Some(mut iv) = open.remove(&f) else { continue };
            iv.scans.push(base + k);
            match closed_by {
                None => {
                    iv.statuses.extend(status_of.get(&f).copied());
                    open.insert(f, iv);
                }
                Some(by) => {
                    let prev = last_with_check.get(&check).map(|p| mine[*p]);
                    let def_before = prev.and_then(|p| p.checks.iter().find(|(c, _)| *c == check)).map(|c| c.1);
                    iv.definition_changed = prev.is_some() && def_before != defs.get(&check).copied();
                    iv.baseline_changed = prev.is_some_and(|p| p.baseline != s.baseline);
                    iv.closed_at = Some(base + k);
                    iv.closed_by = by;
                    tally.intervals.push(iv);
                }
            }
        }
        // Open what starts here; the scan's outcome per check.
        let mut outcome: HashMap<u32, u8> = s.checks.iter().map(|(c, _)| (*c, NA)).collect();
        let mut waived_here: BTreeSet<u32> = BTreeSet::new();
        for o in &s.results {
            let check = check_of(o.finding);
            let st = status_of.get(&o.finding).copied().unwrap_or(o.status);
            if is_bad(st) && !open.contains_key(&o.finding) {
                open.insert(
                    o.finding,
                    FindingInterval {
                        account,
                        finding: o.finding,
                        first: base + k,
                        closed_at: None,
                        closed_by: ClosedBy::Open,
                        previous_scan: last_with_check.get(&check).map(|p| mine[*p].at),
                        statuses: BTreeSet::from([st]),
                        scans: vec![base + k],
                        definition_changed: false,
                        baseline_changed: false,
                    },
                );
            }
            let state = match st {
                st if is_bad(st) => EXC,
                Status::Pass | Status::Waived => OK,
                _ => NA,
            };
            let slot = outcome.entry(check).or_insert(NA);
            *slot = (*slot).max(state);
            if st == Status::Waived {
                waived_here.insert(check);
                if let (Some(w), Some(&ci)) = (o.waiver, check_pos.get(&check)) {
                    let e = tally.waivers[ci].entry(w).or_insert((s.at, s.at, 0));
                    e.1 = s.at;
                    e.2 += 1;
                }
            }
        }
        let slot = slots.of(s.at);
        for (check, state) in outcome {
            if let Some(&ci) = check_pos.get(&check) {
                let cell = &mut tally.states[ai][ci][slot];
                // Within one slot, the worse scan decides; any scan beats no scan.
                *cell = if *cell == GAP { state } else { (*cell).max(state) };
                tally.scans[ci] += 1;
                tally.waived[ci] += usize::from(waived_here.contains(&check));
            }
        }
        // Definition changes since the account's last scan that ran the check.
        for &(check, def) in &s.checks {
            if let Some(&p) = last_with_check.get(&check) {
                if let Some(&(_, before)) = mine[p].checks.iter().find(|(c, _)| *c == check) {
                    if before != def {
                        let e = tally.def_changes.entry((check, before, def)).or_insert((s.at, BTreeSet::new()));
                        e.0 = e.0.min(s.at);
                        e.1.insert(account);
                    }
                }
            }
            last_with_check.insert(check, k);
        }
    }
    tally.intervals.extend(open.into_values());
}

/// Reads the tally back as report parts: what every part of the report needs in one place.
struct View<'a> {
    collector: &'a Collector,
    records: &'a [BundleRecord],
    tally: &'a Tally,
    slots: Slots,
    check_ids: Vec<u32>,
    check_pos: HashMap<u32, usize>,
}

impl View<'_> {
    fn name(&self, i: u32) -> &str {
        self.collector.strings.name(i)
    }

    fn check_of(&self, iv: &FindingInterval) -> u32 {
        self.collector.findings[iv.finding as usize].check
    }

    fn end_of(&self, iv: &FindingInterval) -> i64 {
        iv.closed_at.map_or(self.slots.end, |c| self.tally.scan_times[c])
    }

    fn resource(&self, iv: &FindingInterval) -> ResourceInterval {
        let f = &self.collector.findings[iv.finding as usize];
        let first = self.tally.scan_times[iv.first];
        ResourceInterval {
            resource_arn: self.name(f.arn).to_owned(),
            resource_name: self.name(f.name).to_owned(),
            severity: f.severity.as_str().to_owned(),
            first_seen: time(first),
            fixed_at: iv.closed_at.map(|c| time(self.tally.scan_times[c])),
            closed_by: iv.closed_by,
            duration_seconds: self.end_of(iv) - first,
            statuses: iv.statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            definition_changed: iv.definition_changed,
            baseline_changed: iv.baseline_changed,
        }
    }

    /// Merges intervals of one account that overlap or touch into exceptions.
    fn exceptions(&self, mut ivs: Vec<&FindingInterval>) -> Vec<Exception> {
        // By name, never by interned index: the order bundles arrived in must not show.
        let times = &self.tally.scan_times;
        ivs.sort_by_cached_key(|iv| {
            let arn = self.collector.findings[iv.finding as usize].arn;
            (self.name(iv.account).to_owned(), times[iv.first], self.name(arn).to_owned())
        });
        let mut groups: Vec<(i64, i64, Vec<&FindingInterval>)> = Vec::new();
        for iv in ivs {
            let (s, e) = (times[iv.first], self.end_of(iv));
            match groups.last_mut() {
                Some(g) if g.2[0].account == iv.account && s <= g.1 => {
                    g.1 = g.1.max(e);
                    g.2.push(iv);
                }
                _ => groups.push((s, e, vec![iv])),
            }
        }
        groups.into_iter().map(|(s, e, members)| self.exception(s, e, &members)).collect()
    }

    fn exception(&self, start: i64, end: i64, members: &[&FindingInterval]) -> Exception {
        let times = &self.tally.scan_times;
        let is_open = members.iter().any(|m| m.closed_at.is_none());
        let checks: BTreeSet<&str> = members.iter().map(|m| self.name(self.check_of(m))).collect();
        let statuses: BTreeSet<Status> = members.iter().flat_map(|m| m.statuses.iter().copied()).collect();
        let scans: BTreeSet<usize> = members.iter().flat_map(|m| m.scans.iter().copied()).collect();
        let mut bundles: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        for r in scans.iter().flat_map(|sc| &self.tally.scan_records[*sc]) {
            if seen.insert(*r) {
                bundles.push(self.records[*r].manifest_sha256.clone());
            }
        }
        let previous_scan = members.iter().filter(|m| times[m.first] == start).filter_map(|m| m.previous_scan).max();
        let mut resources: Vec<ResourceInterval> = members.iter().map(|m| self.resource(m)).collect();
        resources.sort_by(|x, y| (&x.first_seen, &x.resource_arn).cmp(&(&y.first_seen, &y.resource_arn)));
        Exception {
            account_id: self.name(members[0].account).to_owned(),
            checks: checks.into_iter().map(str::to_owned).collect(),
            first_seen: time(start),
            previous_scan: previous_scan.map(time),
            fixed_at: (!is_open).then(|| time(end)),
            open: is_open,
            duration_seconds: end - start,
            duration: human_duration(end - start),
            statuses: statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            resources,
            bundles,
        }
    }

    /// Slot states of the checks `cis`, the worst over them and over the accounts.
    fn combined(&self, cis: &[usize]) -> Vec<u8> {
        if self.tally.states.is_empty() || cis.is_empty() {
            return vec![GAP; self.slots.n];
        }
        let mut out = vec![NA; self.slots.n];
        for per_account in &self.tally.states {
            for &ci in cis {
                for (slot, st) in per_account[ci].iter().enumerate() {
                    out[slot] = worse(out[slot], *st);
                }
            }
        }
        out
    }

    /// Account-slot counts of the checks `cis` (per account and slot, the worst over them).
    fn slot_counts(&self, cis: &[usize]) -> SlotCounts {
        counts(self.tally.states.iter().flat_map(|per_account| {
            (0..self.slots.n).map(move |slot| cis.iter().fold(NA, |acc, &ci| worse(acc, per_account[ci][slot])))
        }))
    }

    fn intervals_of(&self, cis: &[usize]) -> Vec<&FindingInterval> {
        let tally = self.tally;
        tally
            .intervals
            .iter()
            .filter(|iv| self.check_pos.get(&self.check_of(iv)).is_some_and(|ci| cis.contains(ci)))
            .collect()
    }

    fn checks(&self) -> Vec<CheckPeriod> {
        let mut by_check: HashMap<u32, Vec<&FindingInterval>> = HashMap::new();
        for iv in &self.tally.intervals {
            by_check.entry(self.check_of(iv)).or_default().push(iv);
        }
        self.check_ids
            .iter()
            .enumerate()
            .map(|(ci, &check)| {
                let info = &self.collector.checks[&check];
                let slots = self.slot_counts(&[ci]);
                let waivers: BTreeSet<WaiverUse> = self.tally.waivers[ci]
                    .iter()
                    .map(|(w, (first, last, results))| {
                        let w = &self.collector.waivers[*w as usize];
                        WaiverUse {
                            owner: w.owner.clone(),
                            reason: w.reason.clone(),
                            ticket: w.ticket.clone(),
                            expires: w.expires.clone(),
                            first_used: time(*first),
                            last_used: time(*last),
                            results: *results,
                        }
                    })
                    .collect();
                CheckPeriod {
                    check_id: self.name(check).to_owned(),
                    title: info.title.clone(),
                    severity: info.severity.as_str().to_owned(),
                    verdict: verdict(&slots),
                    slots,
                    scans: self.tally.scans[ci],
                    waived_scans: self.tally.waived[ci],
                    waivers: waivers.into_iter().collect(),
                    exceptions: self.exceptions(by_check.remove(&check).unwrap_or_default()),
                    frameworks: info.frameworks.iter().map(|(f, c)| (f.clone(), c.iter().cloned().collect())).collect(),
                    timeline: timeline(&self.combined(&[ci])),
                }
            })
            .collect()
    }

    fn framework(&self, def: &FrameworkDef) -> FrameworkPeriod {
        let mut mapped: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (ci, check) in self.check_ids.iter().enumerate() {
            for control in self.collector.checks[check].frameworks.get(&def.id).into_iter().flatten() {
                mapped.entry(control.as_str()).or_default().push(ci);
            }
        }
        let listed: BTreeSet<&str> = def.controls.iter().map(|c| c.id.as_str()).collect();
        let mut rows: Vec<(&str, &str, &str, bool)> =
            def.controls.iter().map(|c| (c.id.as_str(), c.title.as_str(), c.section.as_str(), c.manual)).collect();
        rows.extend(mapped.keys().filter(|k| !listed.contains(*k)).map(|k| (*k, "", "", false)));
        let controls: Vec<ControlPeriod> = rows
            .into_iter()
            .map(|(id, title, section, manual)| {
                let cis = mapped.get(id).cloned().unwrap_or_default();
                let (verdict_, slots, exceptions, tl) = if cis.is_empty() {
                    let v = if manual { Verdict::Manual } else { Verdict::NotAssessed };
                    (v, SlotCounts::default(), Vec::new(), String::new())
                } else {
                    let slots = self.slot_counts(&cis);
                    (verdict(&slots), slots, self.exceptions(self.intervals_of(&cis)), timeline(&self.combined(&cis)))
                };
                ControlPeriod {
                    id: id.to_owned(),
                    title: title.to_owned(),
                    section: section.to_owned(),
                    verdict: verdict_,
                    checks: cis.iter().map(|ci| self.name(self.check_ids[*ci]).to_owned()).collect(),
                    slots,
                    exceptions,
                    timeline: tl,
                }
            })
            .collect();
        let mut totals: BTreeMap<String, usize> = Verdict::ALL.iter().map(|v| (v.as_str().to_owned(), 0)).collect();
        for c in &controls {
            *totals.entry(c.verdict.as_str().to_owned()).or_default() += 1;
        }
        FrameworkPeriod {
            framework: def.id.clone(),
            title: def.title.clone(),
            version: def.version.clone(),
            source: def.source.clone(),
            totals,
            controls,
        }
    }

    fn time_to_fix(&self) -> Vec<TimeToFix> {
        Severity::ALL
            .iter()
            .map(|sev| {
                let mine: Vec<&FindingInterval> = self
                    .tally
                    .intervals
                    .iter()
                    .filter(|iv| self.collector.findings[iv.finding as usize].severity == *sev)
                    .collect();
                let counted =
                    |iv: &&&FindingInterval| iv.closed_by.is_fix() && !iv.definition_changed && !iv.baseline_changed;
                let mut fixed: Vec<i64> =
                    mine.iter().filter(counted).map(|iv| self.end_of(iv) - self.tally.scan_times[iv.first]).collect();
                let open: Vec<i64> =
                    mine.iter().filter(|iv| iv.closed_at.is_none()).map(|iv| self.tally.scan_times[iv.first]).collect();
                let worst = fixed.iter().copied().max();
                let med = median(&mut fixed);
                TimeToFix {
                    severity: sev.as_str().to_owned(),
                    fixed: fixed.len(),
                    median_seconds: med,
                    median: med.map(human_duration),
                    worst_seconds: worst,
                    worst: worst.map(human_duration),
                    not_counted: mine.len() - fixed.len() - open.len(),
                    open: open.len(),
                    oldest_open_since: open.iter().min().map(|t| time(*t)),
                }
            })
            .collect()
    }

    fn definition_changes(&self) -> Vec<DefinitionChange> {
        let changes: BTreeSet<DefinitionChange> = self
            .tally
            .def_changes
            .iter()
            .map(|((check, from, to), (at, accounts))| DefinitionChange {
                check_id: self.name(*check).to_owned(),
                accounts: accounts
                    .iter()
                    .map(|a| self.name(*a).to_owned())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                at: time(*at),
                from: self.name(*from).to_owned(),
                to: self.name(*to).to_owned(),
            })
            .collect();
        changes.into_iter().collect()
    }
}

/// Adds a note to each bundle whose store time says its clock disagreed (stored before it was
/// collected) or that it was stored long after (more than a slot); returns how many.
fn clock_notes(records: &mut [BundleRecord], every: i64) -> usize {
    let mut noted = 0;
    for r in records {
        let parse = |t: &Option<String>| t.as_deref().and_then(super::bundle::parse_time);
        let (Some(collected), Some(stored)) = (parse(&r.collected_at), parse(&r.file_time)) else { continue };
        let skew = stored - collected;
        let note = if skew < -CLOCK_TOLERANCE {
            format!(
                "stored {} before it was collected: the clock of the host that scanned ran ahead of the store's (or the file time was set by hand); the period uses the collection time, which the manifest vouches for",
                human_duration(-skew)
            )
        } else if skew > every.max(CLOCK_TOLERANCE) {
            format!(
                "stored {} after it was collected: uploaded late, or copied later (a copy's file time is when it was copied); the period uses the collection time",
                human_duration(skew)
            )
        } else {
            continue;
        };
        r.notes.push(note);
        noted += 1;
    }
    noted
}

/// Builds the period report from the scans and everything else found.
pub fn build(input: &PeriodInput, mut collector: Collector, mut found: Found) -> PeriodReport {
    let start = day_start(input.from);
    let end = day_start(input.to) + 86_400;
    let scans = count_once(&mut found.records, std::mem::take(&mut collector.scans), &collector.strings);
    let (mut every, mut cadence_source) = cadence(input.every, &found.records);
    // An inferred cadence over a very long period is coarsened to keep the slot table bounded
    // (`--every` is refused beyond it, see `AttestOptions::validate`).
    let floor = (end - start + super::MAX_SLOTS - 1) / super::MAX_SLOTS;
    if every < floor {
        every = (floor + 3599) / 3600 * 3600;
        cadence_source.push_str(&format!(
            "; coarsened to {} to keep at most {} slots",
            every_text(every),
            super::MAX_SLOTS
        ));
    }
    let n = usize::try_from((end - start + every - 1) / every).unwrap_or(1).max(1);
    let slots = Slots { start, end, every, n };

    // Accounts: those named, else every one found (rejected bundles' claims included, so an
    // account whose every bundle failed still shows its gaps).
    let mut accounts: BTreeSet<String> = input.accounts.iter().cloned().collect();
    if accounts.is_empty() {
        accounts.extend(scans.iter().map(|s| collector.strings.name(s.account).to_owned()));
        accounts.extend(found.records.iter().filter_map(|r| r.account_id.clone()));
    }
    let account_ids: Vec<u32> = accounts.iter().map(|a| collector.strings.id(a)).collect();
    // Checks: every check a valid scan ran, by id.
    let mut check_ids: Vec<u32> = collector.checks.keys().copied().collect();
    check_ids.sort_by(|a, b| collector.strings.name(*a).cmp(collector.strings.name(*b)));
    let check_pos: HashMap<u32, usize> = check_ids.iter().enumerate().map(|(i, c)| (*c, i)).collect();

    let c = check_ids.len();
    let mut tally = Tally {
        states: vec![vec![vec![GAP; n]; c]; account_ids.len()],
        scans: vec![0; c],
        waived: vec![0; c],
        waivers: vec![BTreeMap::new(); c],
        intervals: Vec::new(),
        def_changes: BTreeMap::new(),
        scan_times: Vec::new(),
        scan_records: Vec::new(),
    };
    let mut account_periods = Vec::new();
    for (ai, &account) in account_ids.iter().enumerate() {
        let mine: Vec<&Scan> = scans.iter().filter(|s| s.account == account).collect();
        let name = collector.strings.name(account);
        let (slots_evidenced, gaps) = account_gaps(name, &mine, &slots);
        account_periods.push(AccountPeriod {
            account_id: name.to_owned(),
            scans: mine.len(),
            slots_evidenced,
            gaps,
            baselines: versions(&mine, &collector.strings, |s| s.baseline),
            tool_versions: versions(&mine, &collector.strings, |s| s.tool),
            catalogs: versions(&mine, &collector.strings, |s| s.catalog),
        });
        fold_account(&mut tally, ai, account, &mine, &collector, &check_pos, &slots);
    }
    // An exception covers the slots from its first scan's to the one before its closing
    // scan's slot (at least one slot), whatever the scans of those slots said.
    for iv in &tally.intervals {
        let ai = account_ids.iter().position(|a| *a == iv.account).unwrap_or(0);
        let Some(&ci) = check_pos.get(&collector.findings[iv.finding as usize].check) else { continue };
        let first = slots.of(tally.scan_times[iv.first]);
        let last = iv.closed_at.map_or(n, |c| slots.of(tally.scan_times[c]).max(first + 1));
        for cell in &mut tally.states[ai][ci][first..last.min(n)] {
            *cell = EXC;
        }
    }

    let clock_notes = clock_notes(&mut found.records, every);
    let view = View { collector: &collector, records: &found.records, tally: &tally, slots, check_ids, check_pos };
    let checks = view.checks();
    let frameworks: Vec<FrameworkPeriod> = input.frameworks.iter().map(|d| view.framework(d)).collect();
    let time_to_fix = view.time_to_fix();
    let definition_changes = view.definition_changes();

    found.records.sort_by(|a, b| (&a.collected_at, &a.location).cmp(&(&b.collected_at, &b.location)));
    found.events.sort();
    let mut check_totals: BTreeMap<String, usize> =
        [Verdict::Exceptions, Verdict::NotEvidenced, Verdict::Operating, Verdict::NotApplicable]
            .iter()
            .map(|v| (v.as_str().to_owned(), 0))
            .collect();
    for c in &checks {
        *check_totals.entry(c.verdict.as_str().to_owned()).or_default() += 1;
    }
    let all_gaps = account_periods.iter().flat_map(|a| &a.gaps);
    let count_use = |u: Use| found.records.iter().filter(|r| r.use_ == u).count();
    let summary = PeriodSummary {
        bundles_found: found.bundles_found,
        bundles_relied_on: count_use(Use::Evidence),
        bundles_rejected: count_use(Use::Rejected),
        bundles_duplicate: count_use(Use::Duplicate),
        scans: scans.len(),
        gaps: all_gaps.clone().count(),
        slots_not_evidenced: all_gaps.map(|g| g.slots).sum(),
        checks: check_totals,
        exceptions: checks.iter().map(|c| c.exceptions.len()).sum(),
        open_exceptions: checks.iter().flat_map(|c| &c.exceptions).filter(|e| e.open).count(),
        definition_changes: definition_changes.len(),
        store_events: found.events.len(),
        clock_notes,
    };
    PeriodReport {
        attest_schema_version: ATTEST_SCHEMA_VERSION,
        tool_version: input.tool_version.clone(),
        environment: input.environment.clone(),
        period: PeriodInfo {
            from: input.from.format("%Y-%m-%d").to_string(),
            to: input.to.format("%Y-%m-%d").to_string(),
            start: time(start),
            end: time(end),
            every: every_text(every),
            every_seconds: every,
            cadence_source,
            slots: n,
        },
        require_signature: input.require_signature,
        verify_keys: input.verify_keys.clone(),
        summary,
        skipped: found.skipped,
        accounts: account_periods,
        time_to_fix,
        checks,
        frameworks,
        definition_changes,
        store_events: found.events,
        refused: found.refused,
        bundles: found.records,
    }
}

#[cfg(test)]
mod tests;
