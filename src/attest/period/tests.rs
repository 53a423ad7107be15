//! The period logic on hand-made scans: intervals, gaps, waivers, rule changes, counting once.

use super::*;
use crate::attest::bundle::{CheckDigest, ResultDigest, ScanDigest};
use crate::compliance::{ControlDef, FrameworkDef};

const A: &str = "111111111111";
const B: &str = "222222222222";

fn ts(day: u32, hour: u32) -> i64 {
    day_start(NaiveDate::from_ymd_opt(2026, 11, day).unwrap()) + i64::from(hour) * 3600
}

/// A scan of `account` on 2026-11-`day` at 02:00 with `results` (check, resource, status); every
/// check named runs with definition `def`.
fn scan(account: &str, day: u32, results: &[(&str, &str, Status)]) -> ScanDigest {
    scan_at(account, ts(day, 2), "def-1", results)
}

fn scan_at(account: &str, at: i64, def: &str, results: &[(&str, &str, Status)]) -> ScanDigest {
    let mut ids: Vec<&str> = results.iter().map(|r| r.0).collect();
    ids.sort_unstable();
    ids.dedup();
    ScanDigest {
        account_id: account.to_owned(),
        at,
        baseline: "baseline-1".into(),
        catalog: "catalog-1".into(),
        tool_version: "0.1.0".into(),
        checks: ids
            .iter()
            .map(|id| CheckDigest {
                id: (*id).to_owned(),
                title: format!("title of {id}"),
                severity: if id.ends_with('2') { Severity::Medium } else { Severity::High },
                frameworks: BTreeMap::from([("fw".to_owned(), vec![format!("C-{}", &id[id.len() - 1..])])]),
                definition: def.to_owned(),
            })
            .collect(),
        results: results
            .iter()
            .map(|(check, arn, status)| ResultDigest {
                check_id: (*check).to_owned(),
                resource_arn: (*arn).to_owned(),
                resource_name: String::new(),
                severity: if check.ends_with('2') { Severity::Medium } else { Severity::High },
                status: *status,
                waiver: None,
            })
            .collect(),
    }
}

fn record(location: &str, manifest: &str, at: i64) -> BundleRecord {
    let mut r = BundleRecord::found(location, None);
    r.use_ = Use::Evidence;
    r.manifest_sha256 = manifest.to_owned();
    r.signature = "verified".into();
    r.collected_at = format_time(at);
    r
}

fn input(from: u32, to: u32, every: Option<i64>) -> PeriodInput {
    PeriodInput {
        environment: "prod".into(),
        tool_version: "0.1.0".into(),
        from: NaiveDate::from_ymd_opt(2026, 11, from).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, to).unwrap(),
        every,
        accounts: Vec::new(),
        frameworks: Vec::new(),
        require_signature: true,
        verify_keys: vec!["KEY".into()],
    }
}

/// Builds the report from scans, each in its own bundle (manifest hash = its index unless
/// given), in the order given.
fn attest(input: &PeriodInput, scans: Vec<ScanDigest>) -> PeriodReport {
    attest_with(input, scans.into_iter().enumerate().map(|(i, s)| (format!("m{i}"), s)).collect())
}

fn attest_with(input: &PeriodInput, scans: Vec<(String, ScanDigest)>) -> PeriodReport {
    let mut collector = Collector::default();
    let mut found = Found { bundles_found: scans.len(), ..Found::default() };
    for (i, (manifest, s)) in scans.into_iter().enumerate() {
        let mut rec = record(&format!("b{i:02}/"), &manifest, s.at);
        rec.account_id = Some(s.account_id.clone());
        found.records.push(rec);
        collector.add(i, s);
    }
    build(input, collector, found)
}

fn check<'a>(r: &'a PeriodReport, id: &str) -> &'a CheckPeriod {
    r.checks.iter().find(|c| c.check_id == id).unwrap_or_else(|| panic!("no check {id}"))
}

const P: Status = Status::Pass;
const F: Status = Status::Fail;

/// A FAIL on days 2-3 fixed on day 4: one exception with its first scan, the scan before it,
/// the fixing scan and a 2-day duration; the check is not operating; time to fix says 2 days.
#[test]
fn exception_interval_and_time_to_fix() {
    let r = attest(
        &input(1, 5, Some(86_400)),
        vec![
            scan(A, 1, &[("FF-X-001", "arn:r", P)]),
            scan(A, 2, &[("FF-X-001", "arn:r", F)]),
            scan(A, 3, &[("FF-X-001", "arn:r", F)]),
            scan(A, 4, &[("FF-X-001", "arn:r", P)]),
            scan(A, 5, &[("FF-X-001", "arn:r", P)]),
        ],
    );
    let c = check(&r, "FF-X-001");
    assert_eq!(c.verdict, Verdict::Exceptions);
    assert_eq!(c.timeline, "OXXOO");
    assert_eq!(c.exceptions.len(), 1);
    let e = &c.exceptions[0];
    assert_eq!(e.first_seen, "2026-11-02T02:00:00Z");
    assert_eq!(e.previous_scan.as_deref(), Some("2026-11-01T02:00:00Z"));
    assert_eq!(e.fixed_at.as_deref(), Some("2026-11-04T02:00:00Z"));
    assert_eq!((e.duration_seconds, e.duration.as_str(), e.open), (2 * 86_400, "2d", false));
    assert_eq!(e.bundles, ["m1", "m2", "m3"], "the bundles that show it, the fixing one last");
    assert_eq!(e.resources[0].closed_by, ClosedBy::Pass);
    let high = r.time_to_fix.iter().find(|t| t.severity == "high").unwrap();
    assert_eq!((high.fixed, high.median_seconds, high.worst_seconds, high.open), (1, Some(172_800), Some(172_800), 0));
    assert_eq!(r.summary.exceptions, 1);
    assert_eq!(r.summary.gaps, 0);
}

/// A day without a scan is a gap: never operating, even between two passing scans; an
/// all-passing check with a gap is NOT_EVIDENCED, and the gap names the account and the day.
#[test]
fn a_missing_day_is_not_evidenced() {
    let r = attest(
        &input(1, 4, Some(86_400)),
        vec![
            scan(A, 1, &[("FF-X-001", "arn:r", P)]),
            scan(A, 2, &[("FF-X-001", "arn:r", P)]),
            scan(A, 4, &[("FF-X-001", "arn:r", P)]),
        ],
    );
    let c = check(&r, "FF-X-001");
    assert_eq!(c.verdict, Verdict::NotEvidenced);
    assert_eq!(c.timeline, "OO-O");
    assert_eq!(c.slots, SlotCounts { operating: 3, exception: 0, not_evidenced: 1, not_applicable: 0 });
    assert_eq!(r.accounts[0].gaps.len(), 1);
    let g = &r.accounts[0].gaps[0];
    assert_eq!((g.from.as_str(), g.to.as_str(), g.slots), ("2026-11-03T00:00:00Z", "2026-11-04T00:00:00Z", 1));
    assert_eq!((r.summary.gaps, r.summary.slots_not_evidenced), (1, 1));
    // Every day scanned: operating.
    let r = attest(
        &input(1, 2, Some(86_400)),
        vec![scan(A, 1, &[("FF-X-001", "arn:r", P)]), scan(A, 2, &[("FF-X-001", "arn:r", P)])],
    );
    assert_eq!(check(&r, "FF-X-001").verdict, Verdict::Operating);
}

/// A waiver valid at the scan's date counts as operating (and is said to); one past its expiry
/// at that date counts as the FAIL it waives.
#[test]
fn waivers_count_only_while_valid() {
    let waived = |day: u32, expires: &str| {
        let mut s = scan(A, day, &[("FF-X-001", "arn:r", Status::Waived)]);
        s.results[0].waiver = Some(crate::model::AppliedWaiver {
            reason: "accepted".into(),
            owner: "team".into(),
            ticket: None,
            expires: expires.into(),
        });
        s
    };
    let r = attest(&input(1, 2, Some(86_400)), vec![waived(1, "2026-11-30"), waived(2, "2026-11-30")]);
    let c = check(&r, "FF-X-001");
    assert_eq!((c.verdict, c.waived_scans), (Verdict::Operating, 2));
    assert_eq!(c.waivers.len(), 1);
    assert_eq!((c.waivers[0].first_used.as_str(), c.waivers[0].results), ("2026-11-01T02:00:00Z", 2));
    // The second scan's waiver expired the day before: an exception from that scan on.
    let r = attest(&input(1, 2, Some(86_400)), vec![waived(1, "2026-11-01"), waived(2, "2026-11-01")]);
    let c = check(&r, "FF-X-001");
    assert_eq!(c.verdict, Verdict::Exceptions);
    assert_eq!(c.exceptions[0].first_seen, "2026-11-02T02:00:00Z");
    assert!(c.exceptions[0].open);
}

/// A FAIL that turns PASS when the check's definition changed is flagged, listed as a
/// definition change and not counted as a fix.
#[test]
fn a_rule_change_is_not_a_fix() {
    let r = attest(
        &input(1, 3, Some(86_400)),
        vec![
            scan_at(A, ts(1, 2), "def-1", &[("FF-X-001", "arn:r", F)]),
            scan_at(A, ts(2, 2), "def-1", &[("FF-X-001", "arn:r", F)]),
            scan_at(A, ts(3, 2), "def-2", &[("FF-X-001", "arn:r", P)]),
        ],
    );
    let c = check(&r, "FF-X-001");
    let res = &c.exceptions[0].resources[0];
    assert!(res.definition_changed && res.closed_by == ClosedBy::Pass, "{res:?}");
    assert_eq!(c.exceptions[0].previous_scan, None, "failing at the first scan of the period");
    let high = r.time_to_fix.iter().find(|t| t.severity == "high").unwrap();
    assert_eq!((high.fixed, high.not_counted), (0, 1));
    assert_eq!(r.definition_changes.len(), 1);
    let d = &r.definition_changes[0];
    assert_eq!(
        (d.check_id.as_str(), d.at.as_str(), d.from.as_str(), d.to.as_str()),
        ("FF-X-001", "2026-11-03T02:00:00Z", "def-1", "def-2")
    );
    assert_eq!(d.accounts, [A]);
}

/// The same bundle twice counts once (a duplicate); two bundles of one account and time are
/// one scan whose results are combined, the worse status kept.
#[test]
fn duplicates_and_overlaps_count_once() {
    let r = attest_with(
        &input(1, 2, Some(86_400)),
        vec![
            ("same".into(), scan(A, 1, &[("FF-X-001", "arn:r", P)])),
            ("same".into(), scan(A, 1, &[("FF-X-001", "arn:r", P)])),
            ("other".into(), scan(A, 2, &[("FF-X-001", "arn:r", P)])),
            ("rerun".into(), scan(A, 2, &[("FF-X-001", "arn:r", F)])),
        ],
    );
    assert_eq!((r.summary.scans, r.summary.bundles_relied_on, r.summary.bundles_duplicate), (2, 3, 1));
    let dup = r.bundles.iter().find(|b| b.use_ == Use::Duplicate).unwrap();
    assert!(dup.notes[0].contains("same manifest SHA-256"), "{:?}", dup.notes);
    assert!(r.bundles.iter().any(|b| b.notes.iter().any(|n| n.contains("results combined"))));
    let c = check(&r, "FF-X-001");
    assert_eq!(c.timeline, "OX", "the worse status of the two bundles of day 2");
    assert_eq!(c.scans, 2);
}

/// An interval closes when the resource is gone (a fix) or the check is no longer run (not a
/// fix); one still failing at the end is open until the period's end.
#[test]
fn closing_by_removal_and_open_at_the_end() {
    let r = attest(
        &input(1, 4, Some(86_400)),
        vec![
            scan(A, 1, &[("FF-X-001", "arn:gone", F), ("FF-X-002", "arn:r", F), ("FF-X-003", "arn:r", F)]),
            scan(A, 2, &[("FF-X-001", "arn:other", P), ("FF-X-003", "arn:r", F)]),
            scan(A, 3, &[("FF-X-001", "arn:other", P), ("FF-X-003", "arn:r", F)]),
            scan(A, 4, &[("FF-X-001", "arn:other", P), ("FF-X-003", "arn:r", Status::Unknown)]),
        ],
    );
    assert_eq!(check(&r, "FF-X-001").exceptions[0].resources[0].closed_by, ClosedBy::ResourceGone);
    assert_eq!(check(&r, "FF-X-002").exceptions[0].resources[0].closed_by, ClosedBy::CheckRemoved);
    assert_eq!(check(&r, "FF-X-002").verdict, Verdict::Exceptions);
    assert_eq!(check(&r, "FF-X-002").slots.not_evidenced, 3, "not run on days 2-4");
    let open = &check(&r, "FF-X-003").exceptions[0];
    assert!(open.open && open.fixed_at.is_none());
    assert_eq!(open.statuses, ["FAIL", "UNKNOWN"], "one interval through FAIL and UNKNOWN");
    assert_eq!(open.duration_seconds, ts(5, 0) - ts(1, 2), "open until the end of the period");
    let high = r.time_to_fix.iter().find(|t| t.severity == "high").unwrap();
    assert_eq!((high.fixed, high.not_counted, high.open), (1, 0, 1));
    assert_eq!(high.oldest_open_since.as_deref(), Some("2026-11-01T02:00:00Z"));
    let medium = r.time_to_fix.iter().find(|t| t.severity == "medium").unwrap();
    assert_eq!((medium.fixed, medium.not_counted), (0, 1));
    assert_eq!(r.summary.open_exceptions, 1);
}

/// Nothing judged is never operating: a check with only NOT_APPLICABLE results is
/// NOT_APPLICABLE; an UNKNOWN is an exception like a FAIL.
#[test]
fn not_applicable_and_unknown() {
    let r = attest(
        &input(1, 1, Some(86_400)),
        vec![scan(A, 1, &[("FF-X-001", "arn:r", Status::NotApplicable), ("FF-X-003", "arn:r", Status::Unknown)])],
    );
    assert_eq!(check(&r, "FF-X-001").verdict, Verdict::NotApplicable);
    assert_eq!(check(&r, "FF-X-003").verdict, Verdict::Exceptions);
}

/// Without --every the cadence is the median interval between scans, to the hour; with too few
/// scans it is one day. Twelve-hourly scans then leave no gap.
#[test]
fn cadence_is_inferred_from_the_scans() {
    let twice_daily: Vec<ScanDigest> =
        (0..4).map(|i| scan_at(A, ts(1, 1) + i * 43_200 + (i % 2) * 600, "d", &[("FF-X-001", "arn:r", P)])).collect();
    let r = attest(&input(1, 2, None), twice_daily);
    assert_eq!((r.period.every.as_str(), r.period.slots), ("12h", 4));
    assert!(r.period.cadence_source.starts_with("inferred"), "{}", r.period.cadence_source);
    assert_eq!(check(&r, "FF-X-001").verdict, Verdict::Operating);
    let r = attest(&input(1, 2, None), vec![scan(A, 1, &[("FF-X-001", "arn:r", P)])]);
    assert_eq!(r.period.every, "1d");
    assert!(r.period.cadence_source.contains("too few"));
    // Rejected bundles count for the cadence (by their claimed times): the gaps they leave are
    // not read as a slower schedule.
    let mut collector = Collector::default();
    let mut found = Found::default();
    for day in 1..=6 {
        let s = scan(A, day, &[("FF-X-001", "arn:r", P)]);
        let mut rec = record(&format!("b{day}/"), &format!("m{day}"), s.at);
        rec.account_id = Some(A.to_owned());
        if day == 3 || day == 5 {
            rec.use_ = Use::Rejected;
        } else {
            collector.add(found.records.len(), s);
        }
        found.records.push(rec);
    }
    let r = build(&input(1, 6, None), collector, found);
    assert_eq!(r.period.every, "1d");
    assert_eq!(r.summary.gaps, 2);
    assert_eq!(parse_every("1d"), Ok(86_400));
    assert_eq!(parse_every("30m"), Ok(1800));
    for bad in ["", "d", "0d", "1.5d", "1y", "-1d"] {
        assert!(parse_every(bad).is_err(), "{bad}");
    }
}

/// Accounts are judged on their own: a gap in one account is a gap of the check; exceptions
/// name their account; slots count account-slots.
#[test]
fn accounts_are_separate() {
    let r = attest(
        &input(1, 2, Some(86_400)),
        vec![
            scan(A, 1, &[("FF-X-001", "arn:a", P)]),
            scan(A, 2, &[("FF-X-001", "arn:a", F)]),
            scan(B, 1, &[("FF-X-001", "arn:b", P)]),
        ],
    );
    let c = check(&r, "FF-X-001");
    assert_eq!(c.slots, SlotCounts { operating: 2, exception: 1, not_evidenced: 1, not_applicable: 0 });
    assert_eq!(c.exceptions[0].account_id, A);
    assert_eq!(r.accounts.iter().map(|a| a.gaps.len()).collect::<Vec<_>>(), [0, 1]);
}

/// A control's exceptions merge its checks' overlapping intervals; a control no check covers
/// is NOT_ASSESSED, or MANUAL when the framework says a person assesses it.
#[test]
fn controls_merge_their_checks() {
    let mut inp = input(1, 4, Some(86_400));
    inp.frameworks = vec![FrameworkDef {
        id: "fw".into(),
        title: "FW".into(),
        version: "1".into(),
        source: "test".into(),
        controls: vec![
            ControlDef { id: "C-1".into(), title: "one".into(), section: String::new(), manual: false },
            ControlDef { id: "C-9".into(), title: "nobody".into(), section: String::new(), manual: false },
            ControlDef { id: "C-M".into(), title: "a person".into(), section: String::new(), manual: true },
        ],
    }];
    // FF-X-001 and FF-Y-001 both map to C-1; their intervals overlap on day 3.
    let r = attest(
        &inp,
        vec![
            scan(A, 1, &[("FF-X-001", "arn:r", P), ("FF-Y-001", "arn:s", P)]),
            scan(A, 2, &[("FF-X-001", "arn:r", F), ("FF-Y-001", "arn:s", P)]),
            scan(A, 3, &[("FF-X-001", "arn:r", F), ("FF-Y-001", "arn:s", F)]),
            scan(A, 4, &[("FF-X-001", "arn:r", P), ("FF-Y-001", "arn:s", P)]),
        ],
    );
    let fw = &r.frameworks[0];
    let c1 = fw.controls.iter().find(|c| c.id == "C-1").unwrap();
    assert_eq!(c1.checks, ["FF-X-001", "FF-Y-001"]);
    assert_eq!(c1.exceptions.len(), 1, "{:?}", c1.exceptions);
    assert_eq!(c1.exceptions[0].checks, ["FF-X-001", "FF-Y-001"]);
    assert_eq!(
        (c1.exceptions[0].first_seen.as_str(), c1.exceptions[0].fixed_at.as_deref()),
        ("2026-11-02T02:00:00Z", Some("2026-11-04T02:00:00Z"))
    );
    assert_eq!(c1.timeline, "OXXO");
    let verdict_of = |id: &str| fw.controls.iter().find(|c| c.id == id).unwrap().verdict;
    assert_eq!(verdict_of("C-9"), Verdict::NotAssessed);
    assert_eq!(verdict_of("C-M"), Verdict::Manual);
    assert_eq!(fw.totals["EXCEPTIONS"], 1);
}

/// The same bundles in any order give the same report.
#[test]
fn order_does_not_matter() {
    let scans = vec![
        scan(A, 1, &[("FF-X-001", "arn:r", P), ("FF-X-002", "arn:q", F)]),
        scan(B, 2, &[("FF-X-001", "arn:r", F)]),
        scan(A, 3, &[("FF-X-001", "arn:r", F), ("FF-X-002", "arn:q", P)]),
        scan(B, 3, &[("FF-X-001", "arn:r", P)]),
    ];
    let a = attest(&input(1, 3, None), scans.clone());
    let mut reversed: Vec<(String, ScanDigest)> =
        scans.into_iter().enumerate().map(|(i, s)| (format!("m{i}"), s)).collect();
    reversed.reverse();
    let mut b = attest_with(&input(1, 3, None), reversed);
    // Locations follow the order of arrival in these tests; everything else must match.
    for (x, y) in b.bundles.iter_mut().zip(&a.bundles) {
        x.location = y.location.clone();
    }
    assert_eq!(serde_json::to_string(&a.checks).unwrap(), serde_json::to_string(&b.checks).unwrap());
    assert_eq!(a.time_to_fix, b.time_to_fix);
    assert_eq!(a.accounts, b.accounts);
}

/// A bundle stored before it was collected, or long after, gets a note; the period still uses
/// the collection time.
#[test]
fn clock_skew_is_explained() {
    let mut collector = Collector::default();
    let mut found = Found::default();
    for (i, (day, file)) in [(1, ts(1, 2) - 3600), (2, ts(2, 2) + 60), (3, ts(6, 0))].into_iter().enumerate() {
        let s = scan(A, day, &[("FF-X-001", "arn:r", P)]);
        let mut rec = record(&format!("b{i}/"), &format!("m{i}"), s.at);
        rec.file_time = format_time(file);
        found.records.push(rec);
        collector.add(i, s);
    }
    let r = build(&input(1, 3, Some(86_400)), collector, found);
    let notes: Vec<&Vec<String>> = r.bundles.iter().map(|b| &b.notes).collect();
    assert!(notes[0][0].starts_with("stored 1h before it was collected"), "{notes:?}");
    assert!(notes[1].is_empty(), "a minute later is normal: {notes:?}");
    assert!(notes[2][0].starts_with("stored 2d 22h after it was collected"), "{notes:?}");
    assert_eq!(r.summary.clock_notes, 2);
    assert_eq!(check(&r, "FF-X-001").verdict, Verdict::Operating);
}
