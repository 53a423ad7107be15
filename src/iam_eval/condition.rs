//! Conditions judged, not ignored: whether a statement's `Condition` block can hold for the
//! requests a principal can make, from what the snapshot fixes.
//!
//! A block is judged [`Truth::Never`] (no request the principal can make satisfies it: the
//! statement is dropped), [`Truth::Always`] (every such request satisfies it: the statement is
//! read as unconditional) or [`Truth::Maybe`] (it depends on something the snapshot does not
//! fix: the grant stays, marked conditional). What the snapshot fixes ([`Facts`]):
//!
//! - time: every request happens at or after the snapshot's `collected_at`, so
//!   `aws:CurrentTime`/`aws:EpochTime` range over `[collected_at, ∞)`, and `aws:TokenIssueTime`
//!   lies at most 36 hours (the longest session, `GetSessionToken`) before the request; a
//!   user's long-term access keys carry no token issue time at all (the key is absent);
//! - who asks: `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`
//!   (users only; absent for a role session), `aws:PrincipalTag/*` (the principal's tags);
//! - how: a principal's requests carry no `aws:Source*` keys (present only when a service
//!   acts for a resource, "AWS global condition context keys", IAM User Guide); the SDKs sign
//!   over TLS, so `aws:SecureTransport` is true; a service assuming a role for a resource of
//!   this account has `aws:SourceAccount` = the account. `aws:ViaAWSService` and
//!   `aws:CalledVia*` are not fixed: the same principal's credentials also reach AWS through a
//!   service (CloudFormation calls IAM with them, S3 calls KMS), so a Deny "unless via a
//!   service" leaves the permission conditional;
//! - the request's own keys the edge checkers set ([`Facts::with`]): `iam:PassedToService`,
//!   `iam:PolicyARN`, `aws:ResourceAccount`, `aws:ResourceTag/*` of the target.
//!
//! Everything else (MFA, source IP/VPC, organisation id, external id, session tags) is
//! unknown: a condition on it is `Maybe`.
//!
//! Operators follow "IAM JSON policy elements: Condition operators" (IAM User Guide): String*,
//! Arn*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Null; `...IfExists`; the set
//! qualifiers `ForAnyValue:`/`ForAllValues:`. A key absent from the request fails every
//! positive operator, satisfies every negated one (`StringNotEquals`, `ArnNotLike`, ...),
//! every `...IfExists` and `ForAllValues:`; `Null` tests absence itself. Several values of one
//! key are ORed (negated operators: none may match); several keys and operators are ANDed.
//!
//! Time is read "as of the snapshot": an Allow that holds at `collected_at` is a grant now
//! (`Always`), one that only holds later is `Maybe`; a Deny that does not hold at
//! `collected_at` does not block now (`Never`), one that holds now but lapses later is `Maybe`.

use std::collections::BTreeMap;

use crate::model::Statement;

/// What a condition block amounts to for the requests a principal can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Truth {
    Never,
    Maybe,
    Always,
}

/// Three-valued result of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    T,
    F,
    U,
}

impl Tri {
    fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::F, _) | (_, Tri::F) => Tri::F,
            (Tri::T, Tri::T) => Tri::T,
            _ => Tri::U,
        }
    }
    fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::T, _) | (_, Tri::T) => Tri::T,
            (Tri::F, Tri::F) => Tri::F,
            _ => Tri::U,
        }
    }
    fn not(self) -> Tri {
        match self {
            Tri::T => Tri::F,
            Tri::F => Tri::T,
            Tri::U => Tri::U,
        }
    }
    fn from(b: bool) -> Tri {
        if b {
            Tri::T
        } else {
            Tri::F
        }
    }
}

/// What a request carries for one key.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// Present with these values (several for a multivalued key).
    Values(Vec<String>),
    /// Not in the request context.
    Absent,
    /// Not fixed by the snapshot.
    Unknown,
    /// A time (epoch seconds) between `window` seconds before the request time and the request
    /// time; the request time is at or after the snapshot's. `may_be_absent`: some requests
    /// carry no such key (a user's long-term keys have no token issue time).
    Time { window: i64, may_be_absent: bool },
}

/// Who makes the requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Caller {
    /// An IAM user (its own long-term keys, or a session of it).
    User,
    /// A role session.
    Role,
    /// A member of a group, not otherwise known (a group judged on its own).
    #[default]
    Member,
    /// An AWS service acting for a resource of the account (trust policies of service roles).
    Service,
}

/// The facts of the principal making requests, and the request's own keys.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Seconds since the epoch of the snapshot's `collected_at` (unknown: `None`).
    pub now: Option<i64>,
    pub caller: Caller,
    pub arn: Option<String>,
    pub account: Option<String>,
    /// The user name (users only).
    pub username: Option<String>,
    /// The principal's tags, when known.
    pub tags: Option<BTreeMap<String, String>>,
    /// Request keys set by an edge checker (lower-cased key → domain), checked first.
    pub extra: Vec<(String, Domain)>,
}

/// The longest a temporary credential lives (GetSessionToken: 36 hours).
const MAX_SESSION_SECS: i64 = 36 * 3600;

impl Facts {
    /// These facts with one more request key (lower-cased).
    pub fn with(&self, key: &str, d: Domain) -> Facts {
        let mut f = self.clone();
        f.extra.retain(|(k, _)| k != key);
        f.extra.push((key.to_owned(), d));
        f
    }

    /// What a request carries for `key` (lower-cased, as the parser stores it).
    pub fn domain(&self, key: &str) -> Domain {
        if let Some((_, d)) = self.extra.iter().find(|(k, _)| k == key) {
            return d.clone();
        }
        let known = |v: &Option<String>| v.clone().map(|v| Domain::Values(vec![v])).unwrap_or(Domain::Unknown);
        let service = self.caller == Caller::Service;
        match key {
            "aws:currenttime" | "aws:epochtime" if self.now.is_some() => {
                Domain::Time { window: 0, may_be_absent: false }
            }
            "aws:tokenissuetime" if self.now.is_some() && !service => Domain::Time {
                window: MAX_SESSION_SECS,
                may_be_absent: matches!(self.caller, Caller::User | Caller::Member),
            },
            "aws:securetransport" => Domain::Values(vec!["true".into()]),
            "aws:principalisawsservice" => Domain::Values(vec![service.to_string()]),
            "aws:sourceaccount" | "aws:sourceowner" if service => known(&self.account),
            "aws:sourceaccount" | "aws:sourcearn" | "aws:sourceowner" | "aws:sourceorgid" | "aws:sourceorgpaths"
                if !service =>
            {
                Domain::Absent
            }
            _ if service => Domain::Unknown,
            "aws:principalarn" => known(&self.arn),
            "aws:principalaccount" => known(&self.account),
            "aws:principaltype" => match self.caller {
                Caller::User | Caller::Member => Domain::Values(vec!["User".into()]),
                Caller::Role => Domain::Values(vec!["AssumedRole".into()]),
                Caller::Service => Domain::Unknown,
            },
            "aws:username" => match self.caller {
                Caller::User => known(&self.username),
                Caller::Role => Domain::Absent,
                _ => Domain::Unknown,
            },
            _ => match (key.strip_prefix("aws:principaltag/"), &self.tags) {
                (Some(tag), Some(tags)) => tags
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(tag))
                    .map(|(_, v)| Domain::Values(vec![v.clone()]))
                    .unwrap_or(Domain::Absent),
                _ => Domain::Unknown,
            },
        }
    }

    /// A policy variable's value (`${aws:username}`), when the facts fix it.
    pub fn variable(&self, name: &str) -> Option<String> {
        match name.to_ascii_lowercase().as_str() {
            "*" => Some("*".into()),
            "?" => Some("?".into()),
            "$" => Some("$".into()),
            key => match self.domain(key) {
                Domain::Values(v) if v.len() == 1 => v.into_iter().next(),
                _ => None,
            },
        }
    }
}

/// Replaces the policy variables of a Resource or condition value (`${aws:username}`) by what
/// the facts fix. `None` when one is not fixed (unknown, or absent: AWS then matches nothing).
pub fn substitute(pattern: &str, facts: &Facts) -> Option<String> {
    if !pattern.contains("${") {
        return Some(pattern.to_owned());
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find('}')?;
        out.push_str(&facts.variable(&after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Judges a statement's condition block for requests with `facts`; `deny`: the statement is a
/// Deny (see the module doc for the reading of time).
pub fn judge(st: &Statement, deny: bool, facts: &Facts) -> Truth {
    if st.condition.is_empty() {
        return Truth::Always;
    }
    // The request times worth trying: the snapshot's, each date in the block (and a second
    // either side), and far in the future. Conditions on time are constant between them.
    let mut times = Vec::new();
    if let Some(now) = facts.now {
        times.push(now);
        for keys in st.condition.values() {
            for vals in keys.values() {
                for v in vals {
                    if let Some(t) = parse_time(v) {
                        for c in [t - 1, t, t + 1, t + MAX_SESSION_SECS - 1, t + MAX_SESSION_SECS + 1] {
                            if c > now {
                                times.push(c);
                            }
                        }
                    }
                }
            }
        }
        times.push(now.saturating_add(100 * 365 * 86_400));
    } else {
        times.push(0);
    }
    let at: Vec<Tri> = times.iter().map(|&t| block(st, facts, t)).collect();
    let now = at[0];
    let all = |x: Tri| at.iter().all(|&y| y == x);
    if deny {
        match now {
            Tri::F => Truth::Never,
            Tri::T if all(Tri::T) => Truth::Always,
            _ => Truth::Maybe,
        }
    } else {
        match now {
            Tri::T => Truth::Always,
            _ if all(Tri::F) => Truth::Never,
            _ => Truth::Maybe,
        }
    }
}

fn block(st: &Statement, facts: &Facts, t: i64) -> Tri {
    let mut out = Tri::T;
    for (op, keys) in &st.condition {
        for (key, vals) in keys {
            out = out.and(entry(op, key, vals, facts, t));
            if out == Tri::F {
                return out;
            }
        }
    }
    out
}

/// One operator on one key at request time `t`.
fn entry(op: &str, key: &str, vals: &[String], facts: &Facts, t: i64) -> Tri {
    let (set, base) = match op.split_once(':') {
        Some((q, b)) if q.eq_ignore_ascii_case("ForAnyValue") => (Some(false), b),
        Some((q, b)) if q.eq_ignore_ascii_case("ForAllValues") => (Some(true), b),
        _ => (None, op),
    };
    let (base, if_exists) = match base.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (base, false),
    };
    let domain = facts.domain(key);
    if base == "Null" {
        let want_absent = vals.iter().any(|v| v.eq_ignore_ascii_case("true"));
        let absent = match &domain {
            Domain::Absent => Tri::T,
            Domain::Values(_) => Tri::F,
            Domain::Time { may_be_absent: true, .. } | Domain::Unknown => Tri::U,
            Domain::Time { .. } => Tri::F,
        };
        return if want_absent { absent } else { absent.not() };
    }
    let negated = base.contains("Not");
    let when_absent = Tri::from(negated || if_exists || set == Some(true));
    let present = match &domain {
        Domain::Absent => return when_absent,
        Domain::Unknown => return Tri::U,
        Domain::Values(reqs) => {
            if reqs.is_empty() {
                return when_absent;
            }
            let one = |r: &str| compare(base, r, vals, facts);
            match set {
                Some(true) => reqs.iter().fold(Tri::T, |acc, r| acc.and(one(r))),
                _ => reqs.iter().fold(Tri::F, |acc, r| acc.or(one(r))),
            }
        }
        Domain::Time { window, .. } => {
            // The value lies in [t - window, t]. Every operator but the equalities is monotone
            // in the value: its truth at both ends decides it.
            let at = |x: i64| compare(base, &x.to_string(), vals, facts);
            if *window == 0 {
                at(t)
            } else {
                match (at(t - window), at(t)) {
                    (a, b) if a == b && base.contains("Than") => a,
                    _ => Tri::U,
                }
            }
        }
    };
    match domain {
        Domain::Time { may_be_absent: true, .. } if present != when_absent => Tri::U,
        _ => present,
    }
}

/// One request value against the condition's values with a base operator.
fn compare(base: &str, req: &str, vals: &[String], facts: &Facts) -> Tri {
    let negated = base.contains("Not");
    let mut any = Tri::F;
    for v in vals {
        let Some(v) = substitute(v, facts) else {
            any = any.or(Tri::U);
            continue;
        };
        any = any.or(matches(base, req, &v));
        if any == Tri::T {
            break;
        }
    }
    if negated {
        any.not()
    } else {
        any
    }
}

/// Does the request value match the condition value (for the positive form of `base`)?
fn matches(base: &str, req: &str, v: &str) -> Tri {
    let positive = base.replace("Not", "");
    match positive.as_str() {
        "StringEquals" => Tri::from(req == v),
        "StringEqualsIgnoreCase" => Tri::from(req.eq_ignore_ascii_case(v)),
        "StringLike" | "ArnLike" | "ArnEquals" => Tri::from(super::glob::covers(v, req)),
        "Bool" => Tri::from(req.eq_ignore_ascii_case(v)),
        "BinaryEquals" => Tri::from(req == v),
        "NumericEquals"
        | "NumericLessThan"
        | "NumericLessThanEquals"
        | "NumericGreaterThan"
        | "NumericGreaterThanEquals" => match (req.parse::<f64>(), v.parse::<f64>()) {
            (Ok(a), Ok(b)) => Tri::from(ordered(&positive["Numeric".len()..], a.partial_cmp(&b))),
            _ => Tri::U,
        },
        "DateEquals" | "DateLessThan" | "DateLessThanEquals" | "DateGreaterThan" | "DateGreaterThanEquals" => {
            match (parse_time(req), parse_time(v)) {
                (Some(a), Some(b)) => Tri::from(ordered(&positive["Date".len()..], Some(a.cmp(&b)))),
                _ => Tri::U,
            }
        }
        // IpAddress and anything this reading does not know: not decided.
        _ => Tri::U,
    }
}

fn ordered(suffix: &str, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    match (suffix, ord) {
        (_, None) => false,
        ("Equals", Some(o)) => o == Equal,
        ("LessThan", Some(o)) => o == Less,
        ("LessThanEquals", Some(o)) => o != Greater,
        ("GreaterThan", Some(o)) => o == Greater,
        ("GreaterThanEquals", Some(o)) => o != Less,
        _ => false,
    }
}

/// A date as IAM accepts it (ISO 8601 with or without time, or epoch seconds), in epoch seconds.
pub fn parse_time(v: &str) -> Option<i64> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Some(t.timestamp());
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S") {
        return Some(t.and_utc().timestamp());
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%MZ") {
        return Some(t.and_utc().timestamp());
    }
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PolicyDocument;
    use serde_json::json;

    fn st(cond: serde_json::Value) -> Statement {
        PolicyDocument::from_value(
            &json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": cond}]}),
        )
        .unwrap()
        .statement
        .remove(0)
    }

    fn role_facts() -> Facts {
        Facts {
            now: parse_time("2026-11-20T06:00:00Z"),
            caller: Caller::Role,
            arn: Some("arn:aws:iam::123456789012:role/r".into()),
            account: Some("123456789012".into()),
            tags: Some(BTreeMap::from([("team".to_owned(), "data".to_owned())])),
            ..Default::default()
        }
    }

    fn allow(cond: serde_json::Value) -> Truth {
        judge(&st(cond), false, &role_facts())
    }

    fn deny(cond: serde_json::Value) -> Truth {
        judge(&st(cond), true, &role_facts())
    }

    /// The issue's example: a token issued before 2020 cannot be used after the snapshot.
    #[test]
    fn dates_against_the_collection_time() {
        assert_eq!(allow(json!({"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}})), Truth::Never);
        assert_eq!(allow(json!({"DateLessThan": {"aws:CurrentTime": "2020-01-01"}})), Truth::Never);
        assert_eq!(allow(json!({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}})), Truth::Always);
        // Holds now, lapses later: a grant now.
        assert_eq!(allow(json!({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})), Truth::Always);
        // Only holds later: may hold.
        assert_eq!(allow(json!({"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})), Truth::Maybe);
        // A Deny that holds now and forever blocks; one that lapsed never blocks.
        assert_eq!(deny(json!({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}})), Truth::Always);
        assert_eq!(deny(json!({"DateLessThan": {"aws:CurrentTime": "2020-01-01"}})), Truth::Never);
        assert_eq!(deny(json!({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})), Truth::Maybe);
        // A window that opens later and closes: may hold.
        assert_eq!(
            allow(
                json!({"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2030-02-01T00:00:00Z"}})
            ),
            Truth::Maybe
        );
        // Epoch seconds are dates too.
        assert_eq!(allow(json!({"NumericLessThan": {"aws:EpochTime": "1577836800"}})), Truth::Never);
    }

    /// Known principal facts decide String/Arn operators; unknown ones leave Maybe.
    #[test]
    fn principal_keys() {
        assert_eq!(allow(json!({"StringEquals": {"aws:PrincipalAccount": "123456789012"}})), Truth::Always);
        assert_eq!(allow(json!({"StringEquals": {"aws:PrincipalAccount": "999999999999"}})), Truth::Never);
        assert_eq!(allow(json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/r"}})), Truth::Always);
        assert_eq!(allow(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/r"}})), Truth::Never);
        assert_eq!(allow(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})), Truth::Maybe);
        assert_eq!(allow(json!({"StringEquals": {"aws:PrincipalTag/Team": "data"}})), Truth::Always);
        assert_eq!(allow(json!({"StringEquals": {"aws:PrincipalTag/owner": "x"}})), Truth::Never, "absent tag");
        assert_eq!(
            allow(json!({"StringNotEquals": {"aws:PrincipalTag/owner": "x"}})),
            Truth::Always,
            "negated, absent"
        );
        assert_eq!(allow(json!({"StringEqualsIfExists": {"aws:username": "x"}})), Truth::Always, "IfExists, absent");
        assert_eq!(allow(json!({"StringEquals": {"aws:SourceAccount": "123456789012"}})), Truth::Never, "direct call");
    }

    /// MFA is not fixed; TLS and direct calls are.
    #[test]
    fn mfa_tls_and_null() {
        assert_eq!(allow(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})), Truth::Maybe);
        assert_eq!(deny(json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}})), Truth::Maybe);
        assert_eq!(allow(json!({"Bool": {"aws:SecureTransport": "true"}})), Truth::Always);
        assert_eq!(deny(json!({"Bool": {"aws:SecureTransport": "false"}})), Truth::Never);
        assert_eq!(deny(json!({"Bool": {"aws:ViaAWSService": "false"}})), Truth::Maybe, "a service may call for it");
        assert_eq!(allow(json!({"Null": {"aws:SourceArn": "true"}})), Truth::Always);
        assert_eq!(allow(json!({"Null": {"aws:PrincipalArn": "true"}})), Truth::Never);
        assert_eq!(allow(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})), Truth::Maybe);
    }

    /// Request keys an edge sets: the service a role is passed to; set operators.
    #[test]
    fn request_keys_and_set_operators() {
        let f = role_facts().with("iam:passedtoservice", Domain::Values(vec!["ec2.amazonaws.com".into()]));
        let c = |cond| judge(&st(cond), false, &f);
        assert_eq!(c(json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})), Truth::Never);
        assert_eq!(c(json!({"StringLike": {"iam:PassedToService": ["ec2.*", "x"]}})), Truth::Always);
        let f = role_facts().with("aws:tagkeys", Domain::Values(vec!["a".into(), "b".into()]));
        let c = |cond| judge(&st(cond), false, &f);
        assert_eq!(c(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}})), Truth::Always);
        assert_eq!(c(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}})), Truth::Never);
        assert_eq!(c(json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}})), Truth::Always);
        assert_eq!(c(json!({"ForAllValues:StringEquals": {"aws:Unset": ["a"]}})), Truth::Maybe);
    }

    /// Policy variables resolve from the facts; an unresolved one matches nothing.
    #[test]
    fn policy_variables() {
        let mut f = role_facts();
        f.caller = Caller::User;
        f.username = Some("alice".into());
        assert_eq!(substitute("arn:aws:iam::1:user/${aws:username}", &f).as_deref(), Some("arn:aws:iam::1:user/alice"));
        assert_eq!(substitute("a${*}b", &f).as_deref(), Some("a*b"));
        assert_eq!(substitute("arn:aws:iam::1:user/${aws:username}", &role_facts()), None);
    }
}
