//! Waivers: accepted risks, each with an owner, a reason and an expiry date.
//!
//! A waiver file (YAML, documented in docs/guide.md "Waivers") lists waivers by check id and a
//! resource selector (an ARN glob and/or tags), optionally limited to environments. A matching
//! waiver turns a FAIL into WAIVED and travels with the result into every report. Expiry is
//! judged against the snapshot's `collected_at` date (not the clock), so re-evaluating a saved
//! snapshot gives the same answer: an expired waiver no longer applies and blocks the gate; one
//! expiring within `warn_days` is a warning; one that matches no result is stale.
//!
//! The file is read with the shared positioned-YAML reader ([`crate::diag::yaml`]) and
//! validated in one pass with the field toolkit ([`crate::diag::fields`]): every problem is a
//! [`Problem`] with its line, column and a `W...` code, and any problem is an input error
//! (exit 2).
//!
//! A waiver names either a check's FAIL results (`check` and a resource selector) or drift
//! items (`drift_id`, or `kind` and/or an `element` glob): an accepted drift item is WAIVED
//! in every report and no longer blocks the gate, with the same expiry rules.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};

use crate::diag::fields::{Codes, Ctx};
use crate::diag::yaml::{self, RawNode, RawValue};
use crate::diag::{self, Code, Problem};
use crate::model::{AppliedWaiver, CheckResult, Status, WaiverNote, WaiverState};
use crate::policy::is_valid_check_id;

/// One validated waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// `name:line` of the waiver's entry (the file's name without its directory), used to name
    /// it in notes and reports: reports must not depend on how the file's path was spelled.
    pub location: String,
    pub check: String,
    pub resource: Option<GlobPattern>,
    pub resource_pattern: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Empty means every environment.
    pub environments: Vec<String>,
    pub reason: String,
    pub owner: String,
    pub ticket: Option<String>,
    pub expires: NaiveDate,
    /// For a drift waiver (then `check` is empty): which drift items it accepts.
    pub drift: Option<DriftSelector>,
}

/// The drift items a waiver accepts: by id, or by kind and/or element glob.
#[derive(Debug, Clone)]
pub struct DriftSelector {
    pub drift_id: Option<String>,
    pub kind: Option<String>,
    pub element: Option<GlobPattern>,
    pub element_pattern: Option<String>,
}

/// Why a waiver file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum WaiverError {
    #[error("cannot read the waiver file {path}: {}", crate::fsio::Cause(error))]
    Read { path: String, error: std::io::Error },
    /// Every problem of the file, in file order.
    #[error("{}", diag::render("the waiver file", problems))]
    Invalid { problems: Vec<Problem> },
}

/// The longest `resource` glob accepted. globset panics instead of returning an error when a
/// pattern's regex outgrows the regex size limit (a ~400k-character glob); no ARN is longer
/// than 2048 characters, and at this length even the costliest syntax (`[^…]` classes,
/// `{…}` alternations) compiles well inside the limit (see the test).
const MAX_RESOURCE_GLOB_CHARS: usize = 2048;

/// The waiver file's codes for the field toolkit's problems.
const CODES: Codes = Codes {
    unknown_key: Code::WaiverUnknownKey,
    missing_key: Code::WaiverMissingKey,
    wrong_type: Code::WaiverWrongType,
    invalid_value: Code::WaiverInvalidValue,
    empty: Code::WaiverInvalidValue,
};

/// Loads and validates a waiver file.
pub fn load(path: &Path) -> Result<Vec<Waiver>, WaiverError> {
    let text = crate::fsio::read_to_string(path)
        .map_err(|source| WaiverError::Read { path: path.display().to_string(), error: source })?;
    parse(&path.display().to_string(), &text)
}

/// Parses waiver YAML; `file` names it in messages.
pub fn parse(file: &str, text: &str) -> Result<Vec<Waiver>, WaiverError> {
    let root = yaml::parse(text, file).map_err(|p| WaiverError::Invalid { problems: vec![p] })?;
    let cx = Ctx::new(file, CODES);
    let waivers = waiver_file(&cx, &root);
    cx.finish(waivers, "the waiver file is invalid").map_err(|problems| WaiverError::Invalid { problems })
}

/// `version` (1) and the `waivers` list; every waiver is judged, the valid ones returned.
fn waiver_file(cx: &Ctx, root: &RawNode) -> Option<Vec<Waiver>> {
    if !matches!(root.value, RawValue::Map(_)) {
        cx.wrong_type(root, format!("expected a mapping with a `waivers:` list, found {}", root.value.type_name()));
        return None;
    }
    let t = cx.table(root, "")?;
    t.opt("version", |n, _| {
        if n.value != RawValue::Int(1) {
            cx.invalid(n, "unsupported waiver file version (expected 1)");
        }
        Some(())
    });
    t.req("waivers", |n, p| match &n.value {
        RawValue::Null => Some(Vec::new()),
        _ => {
            let items = cx.seq(n, p, false)?;
            Some(items.iter().enumerate().filter_map(|(i, item)| waiver(cx, item, &format!("{p}[{i}]"))).collect())
        }
    })
}

/// A compiled `resource` or `element` glob, matched exactly as globset matches it (default
/// options: case-sensitive, `*` and `?` also match `/`, `\` escapes).
///
/// Most waivers name one ARN, or an ARN prefix followed by one `*`: those are compared as
/// text. Compiling each into its own regex (globset's only matcher for one pattern) cost
/// 20,000 regex compilations for 20,000 waivers, and each regex's lazy DFA cache was
/// allocated on its first match: about 1.5 s and 500 MB of the benchmark's run (issue 24).
/// Every other glob is compiled by globset as before.
#[derive(Debug, Clone)]
pub enum GlobPattern {
    /// No special character: the text itself.
    Exact(String),
    /// Special-free text followed by one `*` (which matches any text, `/` and newlines too).
    Prefix(String),
    Glob(GlobMatcher),
}

impl GlobPattern {
    /// Characters that globset's parser treats specially somewhere in a pattern (`,` only
    /// inside `{...}`, `]` only inside `[...]`: both are kept out of the text forms anyway).
    const SPECIAL: [char; 8] = ['*', '?', '[', ']', '{', '}', ',', '\\'];

    /// `pattern`, which `Glob::new` accepted.
    fn new(pattern: &str, glob: &Glob) -> GlobPattern {
        if !pattern.contains(Self::SPECIAL) {
            return GlobPattern::Exact(pattern.to_owned());
        }
        match pattern.strip_suffix('*') {
            Some(prefix) if !prefix.contains(Self::SPECIAL) => GlobPattern::Prefix(prefix.to_owned()),
            _ => GlobPattern::Glob(glob.compile_matcher()),
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self {
            GlobPattern::Exact(t) => text == t,
            GlobPattern::Prefix(p) => text.starts_with(p.as_str()),
            GlobPattern::Glob(g) => g.is_match(text),
        }
    }
}

/// A glob of at most [`MAX_RESOURCE_GLOB_CHARS`] characters (`key` names it in messages).
fn glob(cx: &Ctx, node: &RawNode, key: &str, pattern: &str) -> Option<GlobPattern> {
    if pattern.chars().count() > MAX_RESOURCE_GLOB_CHARS {
        let message = if key == "resource" {
            format!(
                "`resource` glob is {} characters long, more than {MAX_RESOURCE_GLOB_CHARS} (the longest ARN AWS allows)",
                pattern.chars().count()
            )
        } else {
            format!("`{key}` glob is too long")
        };
        cx.invalid(node, message);
        return None;
    }
    match Glob::new(pattern) {
        Ok(g) => Some(GlobPattern::new(pattern, &g)),
        Err(e) => {
            cx.invalid(node, format!("`{key}` is not a valid glob: {e}"));
            None
        }
    }
}

fn waiver(cx: &Ctx, item: &RawNode, path: &str) -> Option<Waiver> {
    let t = cx.table(item, path)?;
    let before = cx.problem_count();
    let string = |n: &RawNode, p: &str| cx.string(n, p);
    let check_node = t.get("check");
    let resource_node = t.get("resource");
    let tags_node = t.get("tags");
    let environments = t.or("environments", Vec::new(), |n, p| cx.list(n, p, false, string));
    let reason = t.req("reason", string);
    let owner = t.req("owner", string);
    let ticket = t.opt("ticket", string).flatten();
    let expires = t.req("expires", |n, p| {
        let text = cx.string(n, p)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| cx.invalid(n, format!("`expires` must be a date YYYY-MM-DD, found {text:?}")))
            .ok()
    });
    let drift_id = t.opt("drift_id", string).flatten();
    let kind = t.opt("kind", string).flatten();
    let element_pattern = t.opt("element", string).flatten();
    // A drift waiver names drift items; a check waiver names a check and resources.
    let is_drift = ["drift_id", "kind", "element"].iter().any(|k| t.has(k));
    let check = if is_drift {
        for (key, node) in [("check", check_node), ("resource", resource_node), ("tags", tags_node)] {
            if let Some(node) = node {
                cx.invalid(
                    node,
                    format!(
                        "`{key}` is for check waivers; a drift waiver names `drift_id`, or `kind` and/or `element`"
                    ),
                );
            }
        }
        Some(String::new())
    } else {
        t.req("check", string)
    };
    let element = t.get("element").zip(element_pattern.as_ref()).and_then(|(n, p)| glob(cx, n, "element", p));
    if let (Some(c), Some(node)) = (check.as_ref().filter(|_| !is_drift), check_node) {
        if !is_valid_check_id(c) {
            cx.invalid(node, format!("`check` {c:?} is not a check id (like FF-S3-001)"));
        }
    }
    let resource_pattern = resource_node.and_then(|n| string(n, &t.key_path("resource")));
    let resource = resource_node.zip(resource_pattern.as_ref()).and_then(|(n, p)| glob(cx, n, "resource", p));
    let mut tags = BTreeMap::new();
    if let Some(entries) = tags_node.and_then(|n| cx.entries(n, &t.key_path("tags"))) {
        for e in entries {
            match &e.value.value {
                RawValue::Str(v) => {
                    tags.insert(e.key.to_owned(), v.clone());
                }
                _ => cx.wrong_type(e.value, "tags must map strings to strings"),
            }
        }
    }
    if !is_drift && resource_node.is_none() && tags_node.is_none() {
        cx.report(
            Code::WaiverNoSelector,
            item.pos,
            "a waiver needs a resource selector: `resource` (ARN glob) and/or `tags`",
        );
    }
    if cx.problem_count() > before {
        return None;
    }
    Some(Waiver {
        location: format!(
            "{}:{}",
            Path::new(cx.file()).file_name().and_then(|n| n.to_str()).unwrap_or(cx.file()),
            item.pos.line
        ),
        check: check?,
        resource,
        resource_pattern,
        tags,
        environments: environments?,
        reason: reason?,
        owner: owner?,
        ticket,
        expires: expires?,
        drift: is_drift.then_some(DriftSelector { drift_id, kind, element, element_pattern }),
    })
}

/// The date waivers are judged against: the snapshot's collection date.
pub fn as_of(collected_at: &str) -> Option<NaiveDate> {
    collected_at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

impl Waiver {
    /// Whether the waiver takes `result`; `tags_of` is asked for the resource's tags only
    /// when the waiver has a tag selector and everything else matched.
    fn matches<'t>(
        &self,
        env: &str,
        result: &CheckResult,
        tags_of: &dyn Fn(&str) -> Option<&'t BTreeMap<String, String>>,
    ) -> bool {
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
            let Some(t) = tags_of(&result.resource_arn) else { return false };
            if !self.tags.iter().all(|(k, v)| t.get(k) == Some(v)) {
                return false;
            }
        }
        true
    }
}

/// Applies waivers to FAIL results; returns one note per waiver (applied, expired, expiring
/// or stale). `tags_of` gives a resource's tags by ARN (asked only for tag selectors).
///
/// The waivers are taken in file order and the first valid one that matches a FAIL waives it,
/// as if each waiver looked at every result; but each looks only at the FAIL (and WAIVED)
/// results of its own check whose ARN starts with the literal beginning of its resource glob
/// ([`FailIndex`]): 20,000 waivers on 200,000 results cost a lookup each, not a scan each.
pub fn apply<'t>(
    waivers: &[Waiver],
    env: &str,
    today: NaiveDate,
    warn_days: i64,
    results: &mut [CheckResult],
    tags_of: &dyn Fn(&str) -> Option<&'t BTreeMap<String, String>>,
) -> Vec<WaiverNote> {
    let index = FailIndex::new(results);
    let mut notes = Vec::new();
    for w in waivers.iter().filter(|w| w.drift.is_none()) {
        let expired = w.expires < today;
        let mut matched = 0usize;
        for i in index.candidates(w, results) {
            let r = &mut results[i];
            if !w.matches(env, r, tags_of) {
                continue;
            }
            matched += 1;
            if !expired && r.status == Status::Fail {
                r.status = Status::Waived;
                r.waiver = Some(Box::new(AppliedWaiver {
                    reason: w.reason.clone(),
                    owner: w.owner.clone(),
                    ticket: w.ticket.clone(),
                    expires: w.expires.to_string(),
                }));
            }
        }
        notes.push(note(w, today, warn_days, matched, "FAIL result"));
    }
    notes
}

/// The results a waiver can match (FAIL or WAIVED), by check id, each check's sorted by ARN:
/// a waiver's candidates are the range of its check whose ARNs start with the literal prefix of
/// its resource glob (the whole check when the glob starts with a wildcard or there is none).
/// Only FAIL turns into WAIVED while waivers are applied, so the index stays valid throughout.
struct FailIndex {
    /// Check id → positions in the results, sorted by ARN.
    by_check: std::collections::HashMap<String, Vec<usize>>,
}

impl FailIndex {
    fn new(results: &[CheckResult]) -> FailIndex {
        let mut by_check: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (i, r) in results.iter().enumerate() {
            if r.status == Status::Fail || r.status == Status::Waived {
                match by_check.get_mut(r.check_id.as_str()) {
                    Some(list) => list.push(i),
                    None => {
                        by_check.insert(r.check_id.clone(), vec![i]);
                    }
                }
            }
        }
        for list in by_check.values_mut() {
            list.sort_by(|a, b| results[*a].resource_arn.cmp(&results[*b].resource_arn));
        }
        FailIndex { by_check }
    }

    /// Positions of the results `w` may match.
    fn candidates(&self, w: &Waiver, results: &[CheckResult]) -> Vec<usize> {
        let list = self.by_check.get(&w.check).map(Vec::as_slice).unwrap_or(&[]);
        let prefix = w.resource_pattern.as_deref().map(literal_prefix).unwrap_or("");
        let start = list.partition_point(|i| results[*i].resource_arn.as_str() < prefix);
        list[start..].iter().copied().take_while(|i| results[*i].resource_arn.starts_with(prefix)).collect()
    }
}

/// The part of a resource glob before its first special character (`*`, `?`, `[`, `{`, `\`):
/// every ARN the glob matches starts with it.
fn literal_prefix(pattern: &str) -> &str {
    let end = pattern.find(['*', '?', '[', '{', '\\']).unwrap_or(pattern.len());
    &pattern[..end]
}

/// Applies the drift waivers of `waivers` to drift items (an accepted item keeps its state and
/// carries the waiver; the gate skips it); returns one note per drift waiver.
pub fn apply_drift(
    waivers: &[Waiver],
    env: &str,
    today: NaiveDate,
    warn_days: i64,
    items: &mut [crate::model::DriftItem],
) -> Vec<WaiverNote> {
    let mut notes = Vec::new();
    for w in waivers {
        let Some(sel) = &w.drift else { continue };
        if !w.environments.is_empty() && !w.environments.iter().any(|e| e == env) {
            notes.push(note(w, today, warn_days, 0, "drift item"));
            continue;
        }
        let expired = w.expires < today;
        let mut matched = 0usize;
        for item in items.iter_mut().filter(|i| i.state != crate::model::DriftState::InSync) {
            let ok = sel.drift_id.as_ref().is_none_or(|id| *id == item.drift_id)
                && sel.kind.as_ref().is_none_or(|k| *k == item.kind)
                && sel.element.as_ref().is_none_or(|g| g.is_match(&item.element));
            if !ok {
                continue;
            }
            matched += 1;
            if !expired && item.waiver.is_none() {
                item.waiver = Some(AppliedWaiver {
                    reason: w.reason.clone(),
                    owner: w.owner.clone(),
                    ticket: w.ticket.clone(),
                    expires: w.expires.to_string(),
                });
            }
        }
        notes.push(note(w, today, warn_days, matched, "drift item"));
    }
    notes
}

/// The note of a waiver that matched `matched` things (`what`: "FAIL result", "drift item").
fn note(w: &Waiver, today: NaiveDate, warn_days: i64, matched: usize, what: &str) -> WaiverNote {
    let expired = w.expires < today;
    {
        let days_left = (w.expires - today).num_days();
        let (state, message) = if expired {
            (
                WaiverState::Expired,
                format!(
                    "expired on {} ({} day(s) ago); it no longer applies to {matched} {what}(s)",
                    w.expires, -days_left
                ),
            )
        } else if matched == 0 {
            (WaiverState::Stale, format!("matches no {what}: remove it or fix its selector"))
        } else if days_left <= warn_days {
            (
                WaiverState::Expiring,
                format!("expires on {} (in {days_left} day(s)); waives {matched} result(s)", w.expires),
            )
        } else {
            (WaiverState::Applied, format!("waives {matched} result(s) until {}", w.expires))
        };
        WaiverNote {
            location: w.location.clone(),
            check_id: if w.drift.is_some() { "DRIFT".to_owned() } else { w.check.clone() },
            selector: selector_text(w),
            owner: w.owner.clone(),
            reason: w.reason.clone(),
            expires: w.expires.to_string(),
            state,
            matched,
            message,
        }
    }
}

fn selector_text(w: &Waiver) -> String {
    let mut parts = Vec::new();
    if let Some(d) = &w.drift {
        if let Some(id) = &d.drift_id {
            parts.push(format!("drift_id={id}"));
        }
        if let Some(k) = &d.kind {
            parts.push(format!("kind={k}"));
        }
        if let Some(e) = &d.element_pattern {
            parts.push(format!("element={e}"));
        }
    }
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

    /// A waiver is located by its file's name and line, however the path was spelled, so
    /// reports do not depend on it (issue 10); the file is named in full in problems.
    #[test]
    fn location_ignores_the_directory() {
        for spelling in ["w.yaml", "./w.yaml", "/abs/dir/../dir/w.yaml"] {
            assert_eq!(parse(spelling, FILE).unwrap()[0].location, "w.yaml:2", "{spelling}");
        }
        let err = parse("/abs/dir/w.yaml", "waivers: 3\n").unwrap_err().to_string();
        assert!(err.contains("/abs/dir/w.yaml"), "{err}");
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
        let landing = BTreeMap::from([("flowforge:layer".to_string(), "landing".to_string())]);
        let tags = |arn: &str| (arn == "arn:aws:s3:::a").then_some(&landing);
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
            "w.yaml:2:12: error[W004]:",
            "not a check id",
            "waivers[0]: missing key `reason`",
            "w.yaml:5:",
            "YYYY-MM-DD",
            "w.yaml:6:5: error[W001]: unknown key `colour`",
            "error[W002]: waivers[0]: missing key `reason`",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
        }
    }

    /// A misspelt key names the key it probably meant and the keys a waiver has (the field
    /// toolkit's one phrasing), and the key it replaced is missing.
    #[test]
    fn misspelt_key_suggests_the_known_one() {
        let err = parse("w.yaml", &FILE.replace("    owner:", "    ownr:")).unwrap_err().to_string();
        assert!(
            err.contains("w.yaml:6:5: error[W001]: unknown key `ownr` in waivers[0]: did you mean `owner`? expected one of check, resource, tags,"),
            "{err}"
        );
        assert!(err.contains("w.yaml:2:5: error[W002]: waivers[0]: missing key `owner`"), "{err}");
    }

    /// A multi-document waiver file was once called "a baseline file": the message is the
    /// YAML reader's, about this file, with the file's name.
    #[test]
    fn multi_document_waiver_file_is_not_called_a_baseline() {
        let err = parse("w.yaml", "waivers: []\n---\nwaivers: []\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("the waiver file is invalid (1 error):"), "{text}");
        assert!(text.contains("w.yaml:3:1: error[Y002]"), "{text}");
        assert!(!text.contains("baseline"), "{text}");
    }

    /// Every waiver of a file is judged: problems in the first and the last entry both appear.
    #[test]
    fn problems_of_every_waiver_are_listed() {
        let text = "version: 2\nwaivers:\n  - check: FF-S3-001\n    owner: o\n    reason: r\n    expires: 2030-01-01\n  - check: FF-S3-001\n    resource: x\n    owner: !me o\n    reason: r\n    expires: soon\n";
        let WaiverError::Invalid { problems } = parse("w.yaml", text).unwrap_err() else { panic!("not Invalid") };
        let got: Vec<(Code, usize)> = problems.iter().map(|p| (p.code, p.line)).collect();
        assert_eq!(
            got,
            vec![
                (Code::WaiverInvalidValue, 1),
                (Code::WaiverNoSelector, 3),
                (Code::YamlUnsupported, 9),
                (Code::WaiverInvalidValue, 11)
            ],
            "{problems:?}"
        );
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

    fn drift_item(kind: &str, element: &str, state: crate::model::DriftState) -> crate::model::DriftItem {
        crate::model::DriftItem {
            drift_id: format!("id-{element}"),
            kind: kind.into(),
            element: element.into(),
            state,
            severity: Severity::High,
            resource_arn: None,
            attribute: None,
            expected: None,
            actual: None,
            message: "m".into(),
            waiver: None,
        }
    }

    /// Issue 15: a waiver names drift items by `drift_id` or by kind/element glob; an accepted
    /// item carries the waiver and no longer blocks the gate; an expired one does not apply;
    /// one that matches nothing is stale; `check` cannot be mixed with drift keys.
    #[test]
    fn drift_waivers_accept_items_and_unblock_the_gate() {
        use crate::model::DriftState;
        let text = "waivers:\n  - kind: architecture\n    element: \"bucket:*\"\n    reason: r\n    owner: o\n    expires: 2030-01-01\n  - drift_id: id-database\n    reason: r\n    owner: o\n    expires: 2020-01-01\n  - drift_id: nothing\n    reason: r\n    owner: o\n    expires: 2030-01-01\n";
        let waivers = parse("w.yaml", text).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut items = vec![
            drift_item("architecture", "bucket:landing", DriftState::Changed),
            drift_item("architecture", "database", DriftState::Changed),
            drift_item("network", "bucket:x", DriftState::Unmanaged),
        ];
        let notes = apply_drift(&waivers, "prod", today, 14, &mut items);
        let states: Vec<WaiverState> = notes.iter().map(|n| n.state).collect();
        assert_eq!(states, [WaiverState::Applied, WaiverState::Expired, WaiverState::Stale]);
        assert!(notes.iter().all(|n| n.check_id == "DRIFT"));
        assert!(items[0].waiver.is_some() && items[1].waiver.is_none() && items[2].waiver.is_none());
        // Check waivers leave drift waivers alone (no stale note for them).
        assert!(apply(&waivers, "prod", today, 14, &mut [], &|_| None).is_empty());

        let policy = crate::gate::GatePolicy {
            fail_on: Severity::High,
            require_complete_audit: false,
            fail_on_drift: vec![DriftState::Changed],
        };
        let report = crate::model::DriftReport { items, ..Default::default() };
        let d = crate::gate::decide(&policy, &[], Some(&report), vec![]);
        assert_eq!(d.reasons.len(), 1, "{:?}", d.reasons);
        assert!(d.reasons[0].contains("1 drift item(s) in state CHANGED: architecture database"), "{:?}", d.reasons);

        let mixed = "waivers:\n  - check: FF-S3-001\n    kind: architecture\n    reason: r\n    owner: o\n    expires: 2030-01-01\n";
        let err = parse("w.yaml", mixed).unwrap_err().to_string();
        assert!(err.contains("w.yaml:2:") && err.contains("drift waiver"), "{err}");
    }

    /// Issue 24: the globs compared as text (one ARN, or a prefix and one `*`) match exactly
    /// what globset's compiled matcher does, on ARNs with `/`, newlines, non-ASCII and glob
    /// characters of their own; the other globs stay with globset.
    #[test]
    fn text_forms_match_like_globset() {
        let patterns = [
            ("arn:aws:s3:::bucket", "exact"),
            ("", "exact"),
            ("arn:aws:iam::1:role/a.b+c(d)$^|é", "exact"),
            ("arn:aws:s3:::bucket*", "prefix"),
            ("arn:aws:iam::1:role/*", "prefix"),
            ("*", "prefix"),
            ("arn:aws:s3:::b**", "glob"),
            ("arn:aws:s3:::b*x", "glob"),
            ("*bucket", "glob"),
            ("arn:aws:s3:::b?", "glob"),
            ("arn:aws:s3:::a,b", "glob"),
            ("arn:aws:s3:::{a,b}*", "glob"),
            ("arn:aws:s3:::a]*", "glob"),
            ("arn:aws:s3:::a\\*", "glob"),
            ("arn:aws:s3:::[ab]", "glob"),
        ];
        let texts = [
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::bucket-2",
            "arn:aws:s3:::bucket\n",
            "arn:aws:s3:::bucke",
            "ARN:AWS:S3:::BUCKET",
            "",
            "arn:aws:iam::1:role/a.b+c(d)$^|é",
            "arn:aws:iam::1:role/",
            "arn:aws:iam::1:role/x/y\nz",
            "arn:aws:s3:::b",
            "arn:aws:s3:::bx",
            "arn:aws:s3:::a,b",
            "arn:aws:s3:::a",
            "arn:aws:s3:::a]",
            "arn:aws:s3:::a*",
            "arn:aws:s3:::a\\",
        ];
        for (pattern, form) in patterns {
            let glob = Glob::new(pattern).unwrap();
            let ours = GlobPattern::new(pattern, &glob);
            let got = match &ours {
                GlobPattern::Exact(_) => "exact",
                GlobPattern::Prefix(_) => "prefix",
                GlobPattern::Glob(_) => "glob",
            };
            assert_eq!(got, form, "{pattern:?}");
            let reference = glob.compile_matcher();
            for text in texts {
                assert_eq!(ours.is_match(text), reference.is_match(text), "{pattern:?} on {text:?}");
            }
        }
    }

    /// The index by check and ARN prefix waives exactly what a scan of every result by every
    /// waiver would: first valid waiver in file order wins, counts include results an earlier
    /// waiver took, and globs that start with a wildcard, alternations, `?`, classes and
    /// escapes, tags, environments and expiry all behave as in the scan.
    #[test]
    fn index_matches_like_a_scan_of_every_result() {
        let checks = ["FF-S3-001", "FF-S3-005", "FF-IAM-001"];
        let mut results = Vec::new();
        for (c, check) in checks.iter().enumerate() {
            for i in 0..40 {
                let mut r = fail(check, &format!("arn:aws:s3:::b{}-{i:02}", ["a", "ab", "b*"][i % 3]));
                r.status = [Status::Fail, Status::Fail, Status::Pass, Status::Waived, Status::Unknown][(i + c) % 5];
                results.push(r);
            }
        }
        results.reverse(); // the index must not depend on the results' order
        let selectors = [
            "resource: \"arn:aws:s3:::ba-01\"",
            "resource: \"arn:aws:s3:::ba-0*\"",
            "resource: \"*-1?\"",
            "resource: \"arn:aws:s3:::{ba,bab}-2*\"",
            "resource: \"arn:aws:s3:::b[ab]*\"",
            "resource: \"arn:aws:s3:::b\\\\*-0*\"",
            "resource: \"arn:aws:s3:::\"",
            "tags: {team: x}",
            "resource: \"arn:aws:s3:::ba*\"\n    environments: [dev]",
        ];
        let mut text = String::from("waivers:\n");
        for (i, sel) in selectors.iter().enumerate() {
            for (j, check) in checks.iter().enumerate() {
                let expires = if (i + j) % 4 == 0 { "2020-01-01" } else { "2030-01-01" };
                text.push_str(&format!(
                    "  - check: {check}\n    {sel}\n    reason: r{i}\n    owner: o{j}\n    expires: {expires}\n"
                ));
            }
        }
        let waivers = parse("w.yaml", &text).unwrap();
        assert_eq!(waivers.len(), selectors.len() * checks.len());
        let team = BTreeMap::from([("team".to_owned(), "x".to_owned())]);
        let tags = |arn: &str| arn.ends_with('7').then_some(&team);
        let today = day("2026-01-01");

        // The reference: every waiver looks at every result, its glob compiled by globset.
        let mut want = results.clone();
        let mut want_matched = Vec::new();
        for w in &waivers {
            let glob = w.resource_pattern.as_deref().map(|p| Glob::new(p).unwrap().compile_matcher());
            let mut matched = 0;
            for r in want.iter_mut().filter(|r| r.status == Status::Fail || r.status == Status::Waived) {
                let takes = r.check_id == w.check
                    && (w.environments.is_empty() || w.environments.iter().any(|e| e == "prod"))
                    && glob.as_ref().is_none_or(|g| g.is_match(&r.resource_arn))
                    && w.tags.iter().all(|(k, v)| tags(&r.resource_arn).and_then(|t| t.get(k)) == Some(v));
                if takes {
                    matched += 1;
                    if w.expires >= today && r.status == Status::Fail {
                        r.status = Status::Waived;
                        r.waiver = Some(Box::new(AppliedWaiver {
                            reason: w.reason.clone(),
                            owner: w.owner.clone(),
                            ticket: None,
                            expires: w.expires.to_string(),
                        }));
                    }
                }
            }
            want_matched.push(matched);
        }
        let notes = apply(&waivers, "prod", today, 14, &mut results, &tags);
        assert_eq!(notes.iter().map(|n| n.matched).collect::<Vec<_>>(), want_matched);
        assert_eq!(results, want);
        assert!(want_matched.iter().filter(|m| **m > 0).count() > 10, "the cases match something: {want_matched:?}");
        assert!(want_matched.contains(&0), "and some match nothing: {want_matched:?}");
    }
}
