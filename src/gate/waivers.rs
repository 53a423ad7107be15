//! Waivers: accepted risks, each with an owner, a reason and an expiry date.
//!
//! A waiver file (YAML, documented in README "Waivers") lists waivers by check id and a
//! resource selector (an ARN glob and/or tags), optionally limited to environments. A matching
//! waiver turns a FAIL into WAIVED and travels with the result into every report. Expiry is
//! judged against the snapshot's `collected_at` date (not the clock), so re-evaluating a saved
//! snapshot gives the same answer: an expired waiver no longer applies and blocks the gate; one
//! expiring within `warn_days` is a warning; one that matches no result is stale.
//!
//! The file is parsed with the positioned YAML tree of the baseline loader and validated in one
//! pass: every problem is reported with its line, and any problem is an input error (exit 2).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};

use crate::baseline::raw::{self, Pos, RawNode, RawValue};
use crate::model::{AppliedWaiver, CheckResult, Status, WaiverNote, WaiverState};
use crate::policy::is_valid_check_id;

/// One validated waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// `file:line` of the waiver's entry, used to name it in notes.
    pub location: String,
    pub check: String,
    pub resource: Option<GlobMatcher>,
    pub resource_pattern: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Empty means every environment.
    pub environments: Vec<String>,
    pub reason: String,
    pub owner: String,
    pub ticket: Option<String>,
    pub expires: NaiveDate,
}

/// Every problem of a waiver file.
#[derive(Debug, thiserror::Error)]
pub enum WaiverError {
    #[error("cannot read waiver file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("invalid waiver file:\n{}", .problems.join("\n"))]
    Invalid { problems: Vec<String> },
}

/// The longest `resource` glob accepted. globset panics instead of returning an error when a
/// pattern's regex outgrows the regex size limit (a ~400k-character glob); no ARN is longer
/// than 2048 characters, and at this length even the costliest syntax (`[^…]` classes,
/// `{…}` alternations) compiles well inside the limit (see the test).
const MAX_RESOURCE_GLOB_CHARS: usize = 2048;

const KEYS: &[&str] = &["check", "resource", "tags", "environments", "reason", "owner", "ticket", "expires"];

/// Loads and validates a waiver file.
pub fn load(path: &Path) -> Result<Vec<Waiver>, WaiverError> {
    let text = crate::fsio::read_to_string(path)
        .map_err(|source| WaiverError::Read { path: path.display().to_string(), source })?;
    parse(&path.display().to_string(), &text)
}

/// Parses waiver YAML; `file` names it in messages.
pub fn parse(file: &str, text: &str) -> Result<Vec<Waiver>, WaiverError> {
    let mut problems = Vec::new();
    let at = |pos: Pos, msg: String| format!("{file}:{}:{}: {msg}", pos.line, pos.col);
    let root = raw::parse(text).map_err(|e| WaiverError::Invalid { problems: vec![at(e.pos, e.message)] })?;
    let RawValue::Map(top) = &root.value else {
        return Err(WaiverError::Invalid {
            problems: vec![at(
                root.pos,
                format!("expected a mapping with a `waivers:` list, found {}", root.value.type_name()),
            )],
        });
    };
    let mut list: Option<&RawNode> = None;
    for (k, v) in top {
        match &k.value {
            RawValue::Str(s) if s == "waivers" => list = Some(v),
            RawValue::Str(s) if s == "version" => {
                if v.value != RawValue::Int(1) {
                    problems.push(at(v.pos, "unsupported waiver file version (expected 1)".into()));
                }
            }
            other => problems.push(at(k.pos, format!("unknown key {} (expected `version` or `waivers`)", show(other)))),
        }
    }
    let mut out = Vec::new();
    match list.map(|n| (&n.value, n.pos)) {
        None => problems.push(at(root.pos, "missing `waivers:` list".into())),
        Some((RawValue::Seq(items), _)) => {
            for item in items {
                if let Some(w) = waiver(file, item, &mut problems) {
                    out.push(w);
                }
            }
        }
        Some((RawValue::Null, _)) => {}
        Some((other, pos)) => problems.push(at(pos, format!("`waivers` must be a list, found {}", other.type_name()))),
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(WaiverError::Invalid { problems })
    }
}

fn show(v: &RawValue) -> String {
    match v {
        RawValue::Str(s) => format!("`{s}`"),
        other => other.type_name().to_owned(),
    }
}

fn waiver(file: &str, item: &RawNode, problems: &mut Vec<String>) -> Option<Waiver> {
    let at = |pos: Pos, msg: String| format!("{file}:{}:{}: {msg}", pos.line, pos.col);
    let RawValue::Map(entries) = &item.value else {
        problems.push(at(item.pos, format!("a waiver must be a mapping, found {}", item.value.type_name())));
        return None;
    };
    let before = problems.len();
    let mut fields: BTreeMap<&str, &RawNode> = BTreeMap::new();
    for (k, v) in entries {
        match (&k.value, KEYS.iter().find(|key| matches!(&k.value, RawValue::Str(s) if s == **key))) {
            (_, Some(key)) => {
                fields.insert(key, v);
            }
            (other, None) => {
                problems.push(at(k.pos, format!("unknown key {} (expected one of: {})", show(other), KEYS.join(", "))))
            }
        }
    }
    let string = |key: &str, required: bool, problems: &mut Vec<String>| -> Option<String> {
        match fields.get(key).map(|n| (&n.value, n.pos)) {
            Some((RawValue::Str(s), pos)) if s.trim().is_empty() => {
                problems.push(at(pos, format!("`{key}` must not be empty")));
                None
            }
            Some((RawValue::Str(s), _)) => Some(s.clone()),
            Some((other, pos)) => {
                problems.push(at(pos, format!("`{key}` must be a string, found {}", other.type_name())));
                None
            }
            None if required => {
                problems.push(at(item.pos, format!("missing required key `{key}`")));
                None
            }
            None => None,
        }
    };
    let check = string("check", true, problems);
    let reason = string("reason", true, problems);
    let owner = string("owner", true, problems);
    let ticket = string("ticket", false, problems);
    let resource_pattern = string("resource", false, problems);
    let expires_text = string("expires", true, problems);

    if let (Some(c), Some(node)) = (&check, fields.get("check")) {
        if !is_valid_check_id(c) {
            problems.push(at(node.pos, format!("`check` {c:?} is not a check id (like FF-S3-001)")));
        }
    }
    let expires = match (&expires_text, fields.get("expires")) {
        (Some(t), Some(node)) => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(at(node.pos, format!("`expires` must be a date YYYY-MM-DD, found {t:?}")));
                None
            }
        },
        _ => None,
    };
    let resource = match (&resource_pattern, fields.get("resource")) {
        (Some(p), Some(node)) if p.chars().count() > MAX_RESOURCE_GLOB_CHARS => {
            problems.push(at(
                node.pos,
                format!(
                    "`resource` glob is {} characters long, more than {MAX_RESOURCE_GLOB_CHARS} (the longest ARN AWS allows)",
                    p.chars().count()
                ),
            ));
            None
        }
        (Some(p), Some(node)) => match Glob::new(p) {
            Ok(g) => Some(g.compile_matcher()),
            Err(e) => {
                problems.push(at(node.pos, format!("`resource` is not a valid glob: {e}")));
                None
            }
        },
        _ => None,
    };
    let mut tags = BTreeMap::new();
    match fields.get("tags").map(|n| (&n.value, n.pos)) {
        None => {}
        Some((RawValue::Map(pairs), _)) => {
            for (k, v) in pairs {
                match (&k.value, &v.value) {
                    (RawValue::Str(k), RawValue::Str(v)) => {
                        tags.insert(k.clone(), v.clone());
                    }
                    _ => problems.push(at(k.pos, "tags must map strings to strings".into())),
                }
            }
        }
        Some((other, pos)) => problems.push(at(pos, format!("`tags` must be a mapping, found {}", other.type_name()))),
    }
    if resource_pattern.is_none() && tags.is_empty() && !fields.contains_key("resource") && !fields.contains_key("tags")
    {
        problems.push(at(item.pos, "a waiver needs a resource selector: `resource` (ARN glob) and/or `tags`".into()));
    }
    let mut environments = Vec::new();
    match fields.get("environments").map(|n| (&n.value, n.pos)) {
        None => {}
        Some((RawValue::Seq(items), _)) => {
            for i in items {
                match &i.value {
                    RawValue::Str(s) => environments.push(s.clone()),
                    other => {
                        problems.push(at(i.pos, format!("environment names are strings, found {}", other.type_name())))
                    }
                }
            }
        }
        Some((other, pos)) => {
            problems.push(at(pos, format!("`environments` must be a list, found {}", other.type_name())))
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Waiver {
        location: format!("{file}:{}", item.pos.line),
        check: check?,
        resource,
        resource_pattern,
        tags,
        environments,
        reason: reason?,
        owner: owner?,
        ticket,
        expires: expires?,
    })
}

/// The date waivers are judged against: the snapshot's collection date.
pub fn as_of(collected_at: &str) -> Option<NaiveDate> {
    collected_at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

impl Waiver {
    fn matches(&self, env: &str, result: &CheckResult, tags: Option<&BTreeMap<String, String>>) -> bool {
        if self.check != result.check_id {
            return false;
        }
        if !self.environments.is_empty() && !self.environments.iter().any(|e| e == env) {
            return false;
        }
        if let Some(g) = &self.resource {
            if !g.is_match(&result.resource_arn) {
                return false;
            }
        }
        if !self.tags.is_empty() {
            let Some(t) = tags else { return false };
            if !self.tags.iter().all(|(k, v)| t.get(k) == Some(v)) {
                return false;
            }
        }
        true
    }
}

/// Applies waivers to FAIL results; returns one note per waiver (applied, expired, expiring
/// or stale). `tags_of` gives a resource's tags by ARN.
pub fn apply(
    waivers: &[Waiver],
    env: &str,
    today: NaiveDate,
    warn_days: i64,
    results: &mut [CheckResult],
    tags_of: &dyn Fn(&str) -> Option<BTreeMap<String, String>>,
) -> Vec<WaiverNote> {
    let mut notes = Vec::new();
    for w in waivers {
        let expired = w.expires < today;
        let mut matched = 0usize;
        for r in results.iter_mut() {
            if r.status != Status::Fail && r.status != Status::Waived {
                continue;
            }
            let tags = if w.tags.is_empty() { None } else { tags_of(&r.resource_arn) };
            if !w.matches(env, r, tags.as_ref()) {
                continue;
            }
            matched += 1;
            if !expired && r.status == Status::Fail {
                r.status = Status::Waived;
                r.waiver = Some(AppliedWaiver {
                    reason: w.reason.clone(),
                    owner: w.owner.clone(),
                    ticket: w.ticket.clone(),
                    expires: w.expires.to_string(),
                });
            }
        }
        let days_left = (w.expires - today).num_days();
        let (state, message) = if expired {
            (
                WaiverState::Expired,
                format!(
                    "expired on {} ({} day(s) ago); it no longer applies to {matched} FAIL result(s)",
                    w.expires, -days_left
                ),
            )
        } else if matched == 0 {
            (WaiverState::Stale, "matches no FAIL result: remove it or fix its selector".to_owned())
        } else if days_left <= warn_days {
            (
                WaiverState::Expiring,
                format!("expires on {} (in {days_left} day(s)); waives {matched} result(s)", w.expires),
            )
        } else {
            (WaiverState::Applied, format!("waives {matched} result(s) until {}", w.expires))
        };
        notes.push(WaiverNote {
            location: w.location.clone(),
            check_id: w.check.clone(),
            selector: selector_text(w),
            owner: w.owner.clone(),
            reason: w.reason.clone(),
            expires: w.expires.to_string(),
            state,
            matched,
            message,
        });
    }
    notes
}

fn selector_text(w: &Waiver) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &w.resource_pattern {
        parts.push(format!("resource={p}"));
    }
    for (k, v) in &w.tags {
        parts.push(format!("tag:{k}={v}"));
    }
    if !w.environments.is_empty() {
        parts.push(format!("env={}", w.environments.join("|")));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{finding_id, Severity};

    fn fail(check: &str, arn: &str) -> CheckResult {
        CheckResult {
            finding_id: finding_id(check, arn),
            check_id: check.into(),
            severity: Severity::High,
            status: Status::Fail,
            resource_arn: arn.into(),
            resource_name: arn.into(),
            region: "eu-west-1".into(),
            message: "bad".into(),
            evidence: vec![],
            waiver: None,
        }
    }

    const FILE: &str = "waivers:\n  - check: FF-S3-005\n    resource: \"arn:aws:s3:::flowforge-prod-*\"\n    environments: [prod]\n    reason: versioning off during backfill\n    owner: data-platform\n    ticket: SEC-1\n    expires: 2026-12-31\n";

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A matching, unexpired waiver turns FAIL into WAIVED and records who accepted it.
    #[test]
    fn waiver_applies() {
        let w = parse("w.yaml", FILE).unwrap();
        let mut r = vec![
            fail("FF-S3-005", "arn:aws:s3:::flowforge-prod-gold"),
            fail("FF-S3-001", "arn:aws:s3:::flowforge-prod-gold"),
        ];
        let notes = apply(&w, "prod", day("2026-11-01"), 14, &mut r, &|_| None);
        assert_eq!(r[0].status, Status::Waived);
        assert_eq!(r[0].waiver.as_ref().unwrap().owner, "data-platform");
        assert_eq!(r[1].status, Status::Fail, "another check is not waived");
        assert_eq!(notes[0].state, WaiverState::Applied);
    }

    /// An expired waiver no longer applies and says so; an expiring one warns; another env is untouched.
    #[test]
    fn expired_expiring_and_env() {
        let w = parse("w.yaml", FILE).unwrap();
        let mut r = vec![fail("FF-S3-005", "arn:aws:s3:::flowforge-prod-gold")];
        let notes = apply(&w, "prod", day("2027-01-02"), 14, &mut r, &|_| None);
        assert_eq!((r[0].status, notes[0].state), (Status::Fail, WaiverState::Expired));
        let notes = apply(&w, "prod", day("2026-12-25"), 14, &mut r, &|_| None);
        assert_eq!((r[0].status, notes[0].state), (Status::Waived, WaiverState::Expiring));
        let mut r = vec![fail("FF-S3-005", "arn:aws:s3:::flowforge-prod-gold")];
        let notes = apply(&w, "dev", day("2026-11-01"), 14, &mut r, &|_| None);
        assert_eq!((r[0].status, notes[0].state), (Status::Fail, WaiverState::Stale));
    }

    /// Tag selectors look at the resource's tags.
    #[test]
    fn tag_selector() {
        let w = parse("w.yaml", "waivers:\n  - check: FF-S3-005\n    tags: {\"flowforge:layer\": landing}\n    reason: r\n    owner: o\n    expires: 2030-01-01\n").unwrap();
        let mut r = vec![fail("FF-S3-005", "arn:aws:s3:::a"), fail("FF-S3-005", "arn:aws:s3:::b")];
        let tags = |arn: &str| {
            (arn == "arn:aws:s3:::a").then(|| BTreeMap::from([("flowforge:layer".to_string(), "landing".to_string())]))
        };
        apply(&w, "prod", day("2026-11-01"), 14, &mut r, &tags);
        assert_eq!((r[0].status, r[1].status), (Status::Waived, Status::Fail));
    }

    /// Every problem of a malformed file is listed with its line.
    #[test]
    fn malformed_file_lists_every_problem() {
        let err = parse(
            "w.yaml",
            "waivers:\n  - check: nope\n    resource: \"a\"\n    owner: o\n    expires: tomorrow\n    colour: red\n",
        )
        .unwrap_err();
        let text = err.to_string();
        for needle in [
            "w.yaml:2:",
            "not a check id",
            "missing required key `reason`",
            "w.yaml:5:",
            "YYYY-MM-DD",
            "w.yaml:6:",
            "unknown key `colour`",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
        }
    }

    /// A huge `resource` glob is a waiver problem with its line, not a panic inside globset;
    /// the costliest globs at the bound still compile.
    #[test]
    fn oversized_resource_glob_is_a_problem_not_a_panic() {
        let huge = "[^a]".repeat(100_000);
        let text = FILE.replace("arn:aws:s3:::flowforge-prod-*", &huge);
        let err = parse("w.yaml", &text).unwrap_err().to_string();
        assert!(err.contains("w.yaml:3:") && err.contains("more than 2048"), "{err}");
        for unit in ["[^a]", "{a,b}", "[!a-z]", "**/", "?*"] {
            let at_bound = unit.repeat(MAX_RESOURCE_GLOB_CHARS / unit.len());
            let text = FILE.replace("arn:aws:s3:::flowforge-prod-*", &at_bound);
            assert!(parse("w.yaml", &text).is_ok(), "{unit}");
        }
    }
}
