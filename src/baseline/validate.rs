//! Validation: the positioned YAML tree in, a [`Baseline`] or *every* problem out.
//!
//! Each helper reports what is wrong with the node it was given and returns `None`, and the
//! caller carries on with the siblings, so one pass finds all problems. Cross-references
//! (flows naming tiers, overrides naming requirements, `environments:` lists naming
//! environments) are checked here too: a valid baseline never needs re-checking downstream.
//! Problems carry the baseline codes of `docs/diagnostics.md` (`B...`, and `Y003` for YAML
//! the reader refuses).

mod compute;

use std::collections::{BTreeMap, BTreeSet};

mod backups;

use super::types::*;
use crate::diag::yaml::{self, Pos, RawNode, RawValue};
use crate::diag::{self, Code, Problem};
use crate::model::Severity;

mod network;
mod perimeter;

pub(crate) fn validate(root: &RawNode, file: &str) -> Result<Baseline, Vec<Problem>> {
    let mut cx = Ctx { file, problems: Vec::new(), envs: BTreeSet::new() };
    let baseline = baseline(&mut cx, root);
    let mut problems = cx.problems;
    diag::sort(&mut problems);
    match baseline {
        Some(b) if problems.is_empty() => Ok(b),
        _ => {
            if problems.is_empty() {
                // Defensive: a None without a reported problem would be a bug in this module.
                problems.push(Problem::new(Code::BaselineInvalidValue, file, 1, 1, "the baseline is invalid"));
            }
            Err(problems)
        }
    }
}

struct Ctx<'f> {
    file: &'f str,
    problems: Vec<Problem>,
    envs: BTreeSet<String>,
}

impl Ctx<'_> {
    fn err(&mut self, code: Code, pos: Pos, message: impl Into<String>) {
        self.problems.push(Problem::new(code, self.file, pos.line, pos.col, message));
    }

    /// "Expected X, found `node`": a wrong type, or YAML the reader refuses.
    fn mismatch(&mut self, node: &RawNode, message: impl Into<String>) {
        self.err(yaml::mismatch(node, Code::BaselineWrongType), node.pos, message);
    }
}

/// A mapping whose keys were checked.
struct Map<'n> {
    pos: Pos,
    entries: Vec<(&'n str, Pos, &'n RawNode)>,
}

impl<'n> Map<'n> {
    fn get(&self, key: &str) -> Option<&'n RawNode> {
        self.entries.iter().find(|(k, _, _)| *k == key).map(|(_, _, v)| *v)
    }
}

fn join_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn shown(path: &str) -> &str {
    if path.is_empty() {
        "the top level"
    } else {
        path
    }
}

/// A mapping; `allowed = None` accepts any key (names chosen by the author).
fn map<'n>(
    cx: &mut Ctx,
    node: &'n RawNode,
    path: &str,
    allowed: Option<&[&str]>,
    required: &[&str],
) -> Option<Map<'n>> {
    let RawValue::Map(entries) = &node.value else {
        cx.mismatch(node, format!("{}: expected a mapping, found {}", shown(path), node.value.type_name()));
        return None;
    };
    let mut out = Map { pos: node.pos, entries: Vec::new() };
    for (k, v) in entries {
        let RawValue::Str(key) = &k.value else {
            cx.mismatch(k, format!("{}: keys must be strings, found {}", shown(path), k.value.type_name()));
            continue;
        };
        if let Some(allowed) = allowed {
            if !allowed.contains(&key.as_str()) {
                let hint = suggest(key, allowed).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
                cx.err(
                    Code::BaselineUnknownKey,
                    k.pos,
                    format!("unknown key `{key}` in {}: {hint}expected one of {}", shown(path), allowed.join(", ")),
                );
                continue;
            }
        }
        out.entries.push((key.as_str(), k.pos, v));
    }
    for r in required {
        if out.get(r).is_none() {
            cx.err(Code::BaselineMissingKey, node.pos, format!("{}: missing key `{r}`", shown(path)));
        }
    }
    Some(out)
}

/// The closest allowed key within edit distance 2, for "did you mean".
fn suggest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }
    allowed.iter().map(|a| (distance(key, a), *a)).filter(|(d, _)| *d <= 2).min().map(|(_, a)| a)
}

fn string(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<String> {
    match &node.value {
        RawValue::Str(s) if s.trim().is_empty() => {
            cx.err(Code::BaselineInvalidValue, node.pos, format!("{path}: must not be empty"));
            None
        }
        RawValue::Str(s) => Some(s.clone()),
        other => {
            cx.mismatch(node, format!("{path}: expected a string, found {}", other.type_name()));
            None
        }
    }
}

/// A string that may hold placeholders; unknown placeholders are problems.
fn pattern(cx: &mut Ctx, node: &RawNode, path: &str, allow_layer: bool) -> Option<String> {
    let s = string(cx, node, path)?;
    let mut rest = s.as_str();
    let mut ok = true;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        // An unclosed `{env` would never be substituted and never match a live name.
        let Some(close) = after.find('}') else {
            cx.err(
                Code::BaselineUnknownReference,
                node.pos,
                format!("{path}: unclosed placeholder `{{{after}` (placeholders look like {{env}})"),
            );
            return None;
        };
        let name = &after[..close];
        let known = matches!(name, "env" | "account_id" | "partition") || (allow_layer && name == "layer");
        if !known {
            let list = if allow_layer {
                "{env}, {account_id}, {partition}, {layer}"
            } else {
                "{env}, {account_id}, {partition}"
            };
            cx.err(
                Code::BaselineUnknownReference,
                node.pos,
                format!("{path}: unknown placeholder {{{name}}} (known: {list})"),
            );
            ok = false;
        }
        rest = &after[close + 1..];
    }
    ok.then_some(s)
}

fn boolean(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<bool> {
    match &node.value {
        RawValue::Bool(b) => Some(*b),
        other => {
            cx.mismatch(node, format!("{path}: expected a boolean (true or false), found {}", other.type_name()));
            None
        }
    }
}

fn count(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<u32> {
    match &node.value {
        RawValue::Int(i) => match u32::try_from(*i) {
            Ok(n) => Some(n),
            Err(_) => {
                cx.err(
                    Code::BaselineInvalidValue,
                    node.pos,
                    format!("{path}: expected a non-negative integer, found {i}"),
                );
                None
            }
        },
        other => {
            cx.mismatch(node, format!("{path}: expected a non-negative integer, found {}", other.type_name()));
            None
        }
    }
}

fn port(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<u16> {
    match &node.value {
        RawValue::Int(i) if (1..=65535).contains(i) => u16::try_from(*i).ok(),
        RawValue::Int(i) => {
            cx.err(Code::BaselineInvalidValue, node.pos, format!("{path}: port {i} is out of range (1-65535)"));
            None
        }
        other => {
            cx.mismatch(node, format!("{path}: expected a port number (1-65535), found {}", other.type_name()));
            None
        }
    }
}

fn seq<'n>(cx: &mut Ctx, node: &'n RawNode, path: &str, non_empty: bool) -> Option<&'n [RawNode]> {
    match &node.value {
        RawValue::Seq(items) if non_empty && items.is_empty() => {
            cx.err(Code::BaselineInvalidValue, node.pos, format!("{path}: must not be empty"));
            None
        }
        RawValue::Seq(items) => Some(items),
        other => {
            cx.mismatch(node, format!("{path}: expected a list, found {}", other.type_name()));
            None
        }
    }
}

/// A list of items, each checked by `f`; `None` when the list or any item was bad.
fn list<T>(
    cx: &mut Ctx,
    node: &RawNode,
    path: &str,
    non_empty: bool,
    mut f: impl FnMut(&mut Ctx, &RawNode, &str) -> Option<T>,
) -> Option<Vec<T>> {
    let items = seq(cx, node, path, non_empty)?;
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match f(cx, item, &format!("{path}[{i}]")) {
            Some(v) => out.push(v),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// Reports the second and later occurrences of a value in a list.
fn no_duplicates<T: Ord + std::fmt::Display>(cx: &mut Ctx, items: &[(T, Pos)], path: &str, what: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut ok = true;
    for (item, pos) in items {
        if !seen.insert(item) {
            cx.err(Code::BaselineDuplicate, *pos, format!("{path}: duplicate {what} `{item}`"));
            ok = false;
        }
    }
    ok
}

fn item_positions(node: &RawNode) -> Vec<Pos> {
    match &node.value {
        RawValue::Seq(items) => items.iter().map(|n| n.pos).collect(),
        _ => Vec::new(),
    }
}

fn ports(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<Vec<u16>> {
    let ports = list(cx, node, path, true, port)?;
    let with_pos: Vec<(u16, Pos)> = ports.iter().copied().zip(item_positions(node)).collect();
    no_duplicates(cx, &with_pos, path, "port").then_some(ports)
}

/// An optional `environments:` list; every name must be an environment of the file.
fn env_list(cx: &mut Ctx, m: &Map, path: &str) -> Option<Option<Vec<String>>> {
    let Some(node) = m.get("environments") else { return Some(None) };
    let p = join_path(path, "environments");
    let names = list(cx, node, &p, true, string)?;
    let mut ok = true;
    for (name, pos) in names.iter().zip(item_positions(node)) {
        if !cx.envs.contains(name) {
            let known: Vec<&str> = cx.envs.iter().map(String::as_str).collect();
            cx.err(
                Code::BaselineUnknownReference,
                pos,
                format!("{p}: unknown environment `{name}` (known: {})", known.join(", ")),
            );
            ok = false;
        }
    }
    ok.then_some(Some(names))
}

// ------------------------------------------------------------------ sections

const TOP_KEYS: &[&str] =
    &["version", "recognise", "defaults", "environments", "promotion_order", "architecture", "roles", "network"];

fn baseline(cx: &mut Ctx, root: &RawNode) -> Option<Baseline> {
    let m = map(cx, root, "", Some(TOP_KEYS), &["version", "recognise", "defaults", "environments", "architecture"])?;
    let version = m.get("version").and_then(|n| match &n.value {
        RawValue::Int(1) => Some(1),
        RawValue::Int(v) => {
            cx.err(
                Code::BaselineInvalidValue,
                n.pos,
                format!("version: unsupported baseline version {v} (this build reads version 1)"),
            );
            None
        }
        other => {
            cx.mismatch(n, format!("version: expected an integer, found {}", other.type_name()));
            None
        }
    });
    // Environments first: other sections refer to them.
    let environments = m.get("environments").and_then(|n| environments(cx, n));
    let recognise = m.get("recognise").and_then(|n| recognise(cx, n));
    let defaults = m.get("defaults").and_then(|n| defaults(cx, n));
    let architecture = m.get("architecture").and_then(|n| architecture(cx, n));
    let network = match m.get("network") {
        Some(n) => {
            let tiers = architecture.as_ref().map(|a| a.tiers.keys().cloned().collect()).unwrap_or_default();
            network::network(cx, n, &tiers)
        }
        None => Some(Default::default()),
    };
    let roles = match m.get("roles") {
        Some(n) => roles(cx, n),
        None => Some(BTreeMap::new()),
    };
    let promotion_order = match m.get("promotion_order") {
        Some(n) => promotion_order(cx, n),
        // The order the environments are declared in.
        None => Some(match m.get("environments").map(|n| &n.value) {
            Some(RawValue::Map(entries)) => entries
                .iter()
                .filter_map(|(k, _)| match &k.value {
                    RawValue::Str(name) if cx.envs.contains(name) => Some(name.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }),
    };
    Some(Baseline {
        version: version?,
        recognise: recognise?,
        defaults: defaults?,
        environments: environments?,
        architecture: architecture?,
        roles: roles?,
        network: network?,
        promotion_order: promotion_order?,
        source: String::new(),
    })
}

/// `promotion_order`: environments of the file, each at most once, in the order a release
/// goes through them. An environment left out has no source to be promoted from.
fn promotion_order(cx: &mut Ctx, node: &RawNode) -> Option<Vec<String>> {
    let p = "promotion_order";
    let names = list(cx, node, p, false, string)?;
    let mut ok = true;
    let mut seen = std::collections::BTreeSet::new();
    for (name, pos) in names.iter().zip(item_positions(node)) {
        if !cx.envs.contains(name) {
            let known: Vec<&str> = cx.envs.iter().map(String::as_str).collect();
            cx.err(
                Code::BaselineUnknownReference,
                pos,
                format!("{p}: unknown environment `{name}` (known: {})", known.join(", ")),
            );
            ok = false;
        } else if !seen.insert(name.as_str()) {
            cx.err(Code::BaselineDuplicate, pos, format!("{p}: environment `{name}` is listed twice"));
            ok = false;
        }
    }
    ok.then_some(names)
}

fn recognise(cx: &mut Ctx, node: &RawNode) -> Option<Recognise> {
    const KEYS: &[&str] = &["app_tag", "environment_tag", "tier_tag", "layer_tag", "role_tag", "name_prefix"];
    let m = map(cx, node, "recognise", Some(KEYS), KEYS)?;
    let app_tag = m.get("app_tag").and_then(|n| {
        let t = map(cx, n, "recognise.app_tag", Some(&["key", "value"]), &["key", "value"])?;
        let key = t.get("key").and_then(|n| string(cx, n, "recognise.app_tag.key"));
        let value = t.get("value").and_then(|n| string(cx, n, "recognise.app_tag.value"));
        Some(TagSpec { key: key?, value: value? })
    });
    let mut s = |k: &str| m.get(k).and_then(|n| string(cx, n, &format!("recognise.{k}")));
    let environment_tag = s("environment_tag");
    let tier_tag = s("tier_tag");
    let layer_tag = s("layer_tag");
    let role_tag = s("role_tag");
    let name_prefix = m.get("name_prefix").and_then(|n| pattern(cx, n, "recognise.name_prefix", false));
    Some(Recognise {
        app_tag: app_tag?,
        environment_tag: environment_tag?,
        tier_tag: tier_tag?,
        layer_tag: layer_tag?,
        role_tag: role_tag?,
        name_prefix: name_prefix?,
    })
}

fn defaults(cx: &mut Ctx, node: &RawNode) -> Option<Defaults> {
    let m = map(cx, node, "defaults", Some(&["requirements", "gate"]), &["requirements", "gate"])?;
    let requirements = m.get("requirements").and_then(|n| {
        let over = requirements(cx, n, "defaults.requirements")?;
        match over.complete() {
            Ok(r) => Some(r),
            Err(missing) => {
                for k in missing {
                    cx.err(
                        Code::BaselineMissingKey,
                        n.pos,
                        format!("defaults.requirements: missing key `{k}` (defaults must set every requirement)"),
                    );
                }
                None
            }
        }
    });
    let gate = m.get("gate").and_then(|n| {
        let g = gate(cx, n, "defaults.gate")?;
        let mut missing = Vec::new();
        if g.fail_on.is_none() {
            missing.push("fail_on");
        }
        if g.require_complete_audit.is_none() {
            missing.push("require_complete_audit");
        }
        if g.fail_on_drift.is_none() {
            missing.push("fail_on_drift");
        }
        for k in &missing {
            cx.err(Code::BaselineMissingKey, n.pos, format!("defaults.gate: missing key `{k}`"));
        }
        Some(Gate {
            fail_on: g.fail_on?,
            require_complete_audit: g.require_complete_audit?,
            fail_on_drift: g.fail_on_drift?,
            excluded_checks: g.excluded_checks.unwrap_or_default(),
        })
    });
    Some(Defaults { requirements: requirements?, gate: gate? })
}

fn requirements(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<RequirementsOverride> {
    let RawValue::Map(entries) = &node.value else {
        cx.mismatch(node, format!("{path}: expected a mapping, found {}", node.value.type_name()));
        return None;
    };
    let mut out = RequirementsOverride::default();
    let mut ok = true;
    for (k, v) in entries {
        let RawValue::Str(key) = &k.value else {
            cx.mismatch(k, format!("{path}: keys must be strings, found {}", k.value.type_name()));
            ok = false;
            continue;
        };
        let p = join_path(path, key);
        let Some(kind) = RequirementsOverride::kind_of(key) else {
            let hint =
                suggest(key, RequirementsOverride::KEYS).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
            cx.err(
                Code::BaselineUnknownKey,
                k.pos,
                format!(
                    "unknown requirement `{key}` in {path}: {hint}known requirements are {}",
                    RequirementsOverride::KEYS.join(", ")
                ),
            );
            ok = false;
            continue;
        };
        let value = match kind {
            RequirementKind::Bool => boolean(cx, v, &p).map(RequirementValue::Bool),
            RequirementKind::Count => count(cx, v, &p).map(RequirementValue::Count),
        };
        match value.map(|val| out.set(key, val)) {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                cx.err(Code::BaselineInvalidValue, v.pos, format!("{p}: {e}"));
                ok = false;
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn severity(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<Severity> {
    let s = string(cx, node, path)?;
    match s.parse::<Severity>() {
        Ok(sev) => Some(sev),
        Err(e) => {
            cx.err(Code::BaselineInvalidValue, node.pos, format!("{path}: {e}"));
            None
        }
    }
}

fn gate(cx: &mut Ctx, node: &RawNode, path: &str) -> Option<GateOverride> {
    let m = map(cx, node, path, Some(GateOverride::KEYS), &[])?;
    let mut ok = true;
    let mut out = GateOverride::default();
    if let Some(n) = m.get("fail_on") {
        out.fail_on = severity(cx, n, &join_path(path, "fail_on"));
        ok &= out.fail_on.is_some();
    }
    if let Some(n) = m.get("require_complete_audit") {
        out.require_complete_audit = boolean(cx, n, &join_path(path, "require_complete_audit"));
        ok &= out.require_complete_audit.is_some();
    }
    if let Some(n) = m.get("fail_on_drift") {
        let p = join_path(path, "fail_on_drift");
        out.fail_on_drift = list(cx, n, &p, false, |cx, item, ip| {
            let s = string(cx, item, ip)?;
            let kind = parse_drift_kind(&s);
            if kind.is_none() {
                cx.err(
                    Code::BaselineInvalidValue,
                    item.pos,
                    format!("{ip}: unknown drift kind {s:?} (expected missing, changed or unmanaged)"),
                );
            }
            kind
        });
        if let Some(kinds) = &out.fail_on_drift {
            let with_pos: Vec<(&str, Pos)> = kinds.iter().map(|k| drift_kind_name(*k)).zip(item_positions(n)).collect();
            ok &= no_duplicates(cx, &with_pos, &p, "drift kind");
        }
        ok &= out.fail_on_drift.is_some();
    }
    if let Some(n) = m.get("excluded_checks") {
        let p = join_path(path, "excluded_checks");
        out.excluded_checks = list(cx, n, &p, false, |cx, item, ip| {
            let id = string(cx, item, ip)?;
            if !crate::policy::is_valid_check_id(&id) {
                cx.err(
                    Code::BaselineInvalidValue,
                    item.pos,
                    format!("{ip}: {id:?} is not a check id (FF-<SERVICE>-<NNN>, as `policy list` shows them)"),
                );
                return None;
            }
            Some(id)
        });
        if let Some(ids) = &out.excluded_checks {
            let with_pos: Vec<(&str, Pos)> = ids.iter().map(String::as_str).zip(item_positions(n)).collect();
            ok &= no_duplicates(cx, &with_pos, &p, "check id");
        }
        ok &= out.excluded_checks.is_some();
    }
    ok.then_some(out)
}

fn environments(cx: &mut Ctx, node: &RawNode) -> Option<BTreeMap<String, Environment>> {
    let m = map(cx, node, "environments", None, &[])?;
    if m.entries.is_empty() {
        cx.err(Code::BaselineInvalidValue, m.pos, "environments: at least one environment is required");
        return None;
    }
    // Names first, so that references inside the file can be checked whatever the order.
    for (name, pos, _) in &m.entries {
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if valid {
            cx.envs.insert((*name).to_owned());
        } else {
            cx.err(Code::BaselineInvalidValue, *pos, format!("environments: invalid environment name `{name}` (lower-case letters, digits and `-`, starting with a letter)"));
        }
    }
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (name, _, body) in &m.entries {
        let path = format!("environments.{name}");
        let env = match &body.value {
            RawValue::Null => Some(Environment::default()),
            _ => (|| {
                let e = map(cx, body, &path, Some(&["description", "requirements", "gate"]), &[])?;
                let description = match e.get("description") {
                    Some(n) => Some(string(cx, n, &join_path(&path, "description"))?),
                    None => None,
                };
                let requirements = match e.get("requirements") {
                    Some(n) => requirements(cx, n, &join_path(&path, "requirements")),
                    None => Some(RequirementsOverride::default()),
                };
                let gate = match e.get("gate") {
                    Some(n) => gate(cx, n, &join_path(&path, "gate")),
                    None => Some(GateOverride::default()),
                };
                Some(Environment { description, requirements: requirements?, gate: gate? })
            })(),
        };
        match env {
            Some(env) => {
                out.insert((*name).to_owned(), env);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

const ARCH_KEYS: &[&str] = &[
    "vpc",
    "tiers",
    "flows",
    "admin_ports",
    "database_ports",
    "data_lake",
    "database",
    "secrets",
    "load_balancer",
    "eks_cluster",
    "config_recorder",
    "compute",
    "perimeter",
    "parameter_store",
    "audit_trail",
];

fn architecture(cx: &mut Ctx, node: &RawNode) -> Option<Architecture> {
    let m = map(cx, node, "architecture", Some(ARCH_KEYS), &["vpc", "tiers", "flows"])?;
    let vpc = m.get("vpc").and_then(|n| vpc(cx, n));
    let tiers = m.get("tiers").and_then(|n| tiers(cx, n));
    let tier_names: BTreeSet<String> = tiers.as_ref().map(|t| t.keys().cloned().collect()).unwrap_or_default();
    let flows = m.get("flows").and_then(|n| flows(cx, n, &tier_names, tiers.is_some()));
    let opt_ports = |cx: &mut Ctx, k: &str| match m.get(k) {
        Some(n) => ports(cx, n, &format!("architecture.{k}")),
        None => Some(Vec::new()),
    };
    let admin_ports = opt_ports(cx, "admin_ports");
    let database_ports = opt_ports(cx, "database_ports");
    let data_lake = opt(m.get("data_lake"), |n| data_lake(cx, n));
    let database = opt(m.get("database"), |n| database(cx, n));
    let secrets = match m.get("secrets") {
        Some(n) => list(cx, n, "architecture.secrets", false, |cx, i, p| pattern(cx, i, p, false)).and_then(|s| {
            let with_pos: Vec<(String, Pos)> = s.iter().cloned().zip(item_positions(n)).collect();
            no_duplicates(cx, &with_pos, "architecture.secrets", "secret").then_some(s)
        }),
        None => Some(Vec::new()),
    };
    let load_balancer = opt(m.get("load_balancer"), |n| {
        let p = "architecture.load_balancer";
        let lb = map(cx, n, p, Some(&["name", "allowed_ssl_policies"]), &["name"])?;
        let name = lb.get("name").and_then(|n| pattern(cx, n, &format!("{p}.name"), false));
        let policies = match lb.get("allowed_ssl_policies") {
            Some(n) => list(cx, n, &format!("{p}.allowed_ssl_policies"), true, string),
            None => Some(Vec::new()),
        };
        Some(LoadBalancerSpec { name: name?, allowed_ssl_policies: policies? })
    });
    let eks_cluster = opt(m.get("eks_cluster"), |n| {
        let p = "architecture.eks_cluster";
        let e = map(cx, n, p, Some(&["name"]), &["name"])?;
        let name = e.get("name").and_then(|n| pattern(cx, n, &format!("{p}.name"), false));
        Some(EksClusterSpec { name: name? })
    });
    let compute = opt(m.get("compute"), |n| compute::compute(cx, n));
    let config_recorder = match m.get("config_recorder") {
        Some(n) => boolean(cx, n, "architecture.config_recorder"),
        None => Some(false),
    };
    let perimeter = opt(m.get("perimeter"), |n| perimeter::perimeter(cx, n));
    let backups = backups::backups(cx, &m);
    Some(Architecture {
        vpc: vpc?,
        tiers: tiers?,
        flows: flows?,
        admin_ports: admin_ports?,
        database_ports: database_ports?,
        data_lake: data_lake?,
        database: database?,
        secrets: secrets?,
        load_balancer: load_balancer?,
        eks_cluster: eks_cluster?,
        config_recorder: config_recorder?,
        compute: compute?,
        perimeter: perimeter?,
        backups: backups?,
    })
}

/// An optional section: `Some(None)` when absent, `None` when present and invalid.
fn opt<'n, T>(node: Option<&'n RawNode>, f: impl FnOnce(&'n RawNode) -> Option<T>) -> Option<Option<T>> {
    match node {
        None => Some(None),
        Some(n) => f(n).map(Some),
    }
}

fn vpc(cx: &mut Ctx, node: &RawNode) -> Option<VpcSpec> {
    let p = "architecture.vpc";
    let m = map(cx, node, p, Some(&["name", "required_endpoints"]), &["name"])?;
    let name = m.get("name").and_then(|n| pattern(cx, n, &format!("{p}.name"), false));
    let endpoints = match m.get("required_endpoints") {
        Some(n) => {
            let rp = format!("{p}.required_endpoints");
            list(cx, n, &rp, false, |cx, item, ip| {
                let e =
                    map(cx, item, ip, Some(&["service", "type", "private_dns", "environments"]), &["service", "type"])?;
                let service = e.get("service").and_then(|n| string(cx, n, &format!("{ip}.service")));
                let endpoint_type = e.get("type").and_then(|n| {
                    let s = string(cx, n, &format!("{ip}.type"))?;
                    match s.as_str() {
                        "Gateway" => Some(EndpointType::Gateway),
                        "Interface" => Some(EndpointType::Interface),
                        _ => {
                            cx.err(
                                Code::BaselineInvalidValue,
                                n.pos,
                                format!("{ip}.type: unknown endpoint type {s:?} (expected Gateway or Interface)"),
                            );
                            None
                        }
                    }
                });
                let private_dns = match e.get("private_dns") {
                    Some(n) => Some(boolean(cx, n, &format!("{ip}.private_dns"))?),
                    None => None,
                };
                if private_dns == Some(true) && endpoint_type == Some(EndpointType::Gateway) {
                    if let Some(n) = e.get("private_dns") {
                        cx.err(
                            Code::BaselineInvalidValue,
                            n.pos,
                            format!("{ip}.private_dns: only Interface endpoints have private DNS"),
                        );
                        return None;
                    }
                }
                let environments = env_list(cx, &e, ip);
                Some(EndpointSpec {
                    service: service?,
                    endpoint_type: endpoint_type?,
                    private_dns,
                    environments: environments?,
                })
            })
            .and_then(|eps| {
                let with_pos: Vec<(String, Pos)> =
                    eps.iter().map(|e| e.service.clone()).zip(item_positions(n)).collect();
                no_duplicates(cx, &with_pos, &rp, "endpoint service").then_some(eps)
            })
        }
        None => Some(Vec::new()),
    };
    Some(VpcSpec { name: name?, required_endpoints: endpoints? })
}

fn tiers(cx: &mut Ctx, node: &RawNode) -> Option<BTreeMap<String, TierSpec>> {
    let m = map(cx, node, "architecture.tiers", None, &[])?;
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (name, pos, body) in &m.entries {
        let p = format!("architecture.tiers.{name}");
        if *name == INTERNET || name.starts_with("cidr:") {
            cx.err(
                Code::BaselineInvalidValue,
                *pos,
                format!("{p}: `{name}` is reserved (it names traffic from outside the VPC)"),
            );
            ok = false;
            continue;
        }
        let tier = (|| {
            let t = map(cx, body, &p, Some(&["description", "subnet_visibility"]), &["subnet_visibility"])?;
            let description = match t.get("description") {
                Some(n) => Some(string(cx, n, &format!("{p}.description"))?),
                None => None,
            };
            let vis = t.get("subnet_visibility").and_then(|n| {
                let s = string(cx, n, &format!("{p}.subnet_visibility"))?;
                match s.as_str() {
                    "public" => Some(SubnetVisibility::Public),
                    "private" => Some(SubnetVisibility::Private),
                    _ => {
                        cx.err(
                            Code::BaselineInvalidValue,
                            n.pos,
                            format!("{p}.subnet_visibility: expected public or private, found {s:?}"),
                        );
                        None
                    }
                }
            });
            Some(TierSpec { description, subnet_visibility: vis? })
        })();
        match tier {
            Some(t) => {
                out.insert((*name).to_owned(), t);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn flows(cx: &mut Ctx, node: &RawNode, tiers: &BTreeSet<String>, tiers_valid: bool) -> Option<Vec<FlowSpec>> {
    let p = "architecture.flows";
    let flows = list(cx, node, p, false, |cx, item, ip| {
        let f = map(cx, item, ip, Some(&["from", "to", "ports", "environments"]), &["from", "to", "ports"])?;
        let endpoint = |cx: &mut Ctx, key: &str, allow_internet: bool| {
            let n = f.get(key)?;
            let s = string(cx, n, &format!("{ip}.{key}"))?;
            let known = tiers.contains(&s) || (allow_internet && s == INTERNET);
            if !known && tiers_valid {
                let mut names: Vec<&str> = tiers.iter().map(String::as_str).collect();
                if allow_internet {
                    names.push(INTERNET);
                }
                cx.err(
                    Code::BaselineUnknownReference,
                    n.pos,
                    format!("{ip}.{key}: unknown tier `{s}` (known: {})", names.join(", ")),
                );
                return None;
            }
            Some(s)
        };
        let from = endpoint(cx, "from", true);
        let to = endpoint(cx, "to", false);
        let ports = f.get("ports").and_then(|n| ports(cx, n, &format!("{ip}.ports")));
        let environments = env_list(cx, &f, ip);
        Some(FlowSpec { from: from?, to: to?, ports: ports?, environments: environments? })
    })?;
    let with_pos: Vec<(String, Pos)> =
        flows.iter().map(|f| format!("{} -> {}", f.from, f.to)).zip(item_positions(node)).collect();
    no_duplicates(cx, &with_pos, p, "flow").then_some(flows)
}

fn data_lake(cx: &mut Ctx, node: &RawNode) -> Option<DataLakeSpec> {
    let p = "architecture.data_lake";
    let m = map(cx, node, p, Some(&["layers", "bucket_name"]), &["layers", "bucket_name"])?;
    let layers = m.get("layers").and_then(|n| {
        let layers = list(cx, n, &format!("{p}.layers"), true, string)?;
        let with_pos: Vec<(String, Pos)> = layers.iter().cloned().zip(item_positions(n)).collect();
        no_duplicates(cx, &with_pos, &format!("{p}.layers"), "layer").then_some(layers)
    });
    let bucket_name = m.get("bucket_name").and_then(|n| {
        let s = pattern(cx, n, &format!("{p}.bucket_name"), true)?;
        if !s.contains("{layer}") {
            cx.err(
                Code::BaselineInvalidValue,
                n.pos,
                format!("{p}.bucket_name: must contain {{layer}} (one bucket per layer)"),
            );
            return None;
        }
        Some(s)
    });
    Some(DataLakeSpec { layers: layers?, bucket_name: bucket_name?, buckets: None })
}

fn database(cx: &mut Ctx, node: &RawNode) -> Option<DatabaseSpec> {
    const KEYS: &[&str] = &["identifier", "engine", "port", "storage_encrypted", "force_ssl"];
    let p = "architecture.database";
    let m = map(cx, node, p, Some(KEYS), KEYS)?;
    let identifier = m.get("identifier").and_then(|n| pattern(cx, n, &format!("{p}.identifier"), false));
    let engine = m.get("engine").and_then(|n| string(cx, n, &format!("{p}.engine")));
    let port = m.get("port").and_then(|n| port(cx, n, &format!("{p}.port")));
    let storage_encrypted = m.get("storage_encrypted").and_then(|n| boolean(cx, n, &format!("{p}.storage_encrypted")));
    let force_ssl = m.get("force_ssl").and_then(|n| boolean(cx, n, &format!("{p}.force_ssl")));
    Some(DatabaseSpec {
        identifier: identifier?,
        engine: engine?,
        port: port?,
        storage_encrypted: storage_encrypted?,
        force_ssl: force_ssl?,
    })
}

fn roles(cx: &mut Ctx, node: &RawNode) -> Option<BTreeMap<String, RoleBaseline>> {
    let m = map(cx, node, "roles", None, &[])?;
    let mut out = BTreeMap::new();
    let mut names: Vec<(String, Pos)> = Vec::new();
    let mut ok = true;
    for (key, _, body) in &m.entries {
        let p = format!("roles.{key}");
        let role = (|| {
            let r = map(
                cx,
                body,
                &p,
                Some(&["name", "trusted_principals", "allow", "environments"]),
                &["name", "trusted_principals", "allow"],
            )?;
            let name = r.get("name").and_then(|n| {
                let s = pattern(cx, n, &format!("{p}.name"), false)?;
                names.push((s.clone(), n.pos));
                Some(s)
            });
            let trusted = r.get("trusted_principals").and_then(|n| {
                let tp = format!("{p}.trusted_principals");
                let t = map(cx, n, &tp, Some(PRINCIPAL_TYPES), &[])?;
                let mut out = BTreeMap::new();
                let mut ok = true;
                for (ty, _, v) in &t.entries {
                    match list(cx, v, &format!("{tp}.{ty}"), true, |cx, i, ip| pattern(cx, i, ip, false)) {
                        Some(list) => {
                            out.insert((*ty).to_owned(), list);
                        }
                        None => ok = false,
                    }
                }
                if out.is_empty() && ok {
                    cx.err(Code::BaselineMissingKey, n.pos, format!("{tp}: at least one principal type is required"));
                    return None;
                }
                ok.then_some(out)
            });
            let allow = r.get("allow").and_then(|n| {
                list(cx, n, &format!("{p}.allow"), true, |cx, item, ip| {
                    let a = map(cx, item, ip, Some(&["actions", "resources"]), &["actions", "resources"])?;
                    let actions = a.get("actions").and_then(|n| {
                        list(cx, n, &format!("{ip}.actions"), true, |cx, i, ap| {
                            let s = string(cx, i, ap)?;
                            let well_formed = s == "*"
                                || s.split_once(':').is_some_and(|(svc, act)| {
                                    !svc.is_empty() && !act.is_empty() && svc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                                });
                            if !well_formed {
                                cx.err(Code::BaselineInvalidValue, i.pos, format!("{ap}: {s:?} is not an IAM action (expected `service:Action`, wildcards allowed, or `*`)"));
                                return None;
                            }
                            Some(s)
                        })
                    });
                    let resources =
                        a.get("resources").and_then(|n| list(cx, n, &format!("{ip}.resources"), true, |cx, i, rp| pattern(cx, i, rp, false)));
                    Some(AllowSpec { actions: actions?, resources: resources? })
                })
            });
            let environments = env_list(cx, &r, &p);
            Some(RoleBaseline { name: name?, trusted_principals: trusted?, allow: allow?, environments: environments? })
        })();
        match role {
            Some(r) => {
                out.insert((*key).to_owned(), r);
            }
            None => ok = false,
        }
    }
    names.sort_by_key(|n| n.1);
    ok &= no_duplicates(cx, &names, "roles", "role name");
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::BUILTIN_BASELINE;

    fn problems(text: &str) -> Vec<String> {
        let tree = yaml::parse(text, "t.yaml").unwrap();
        validate(&tree, "t.yaml").unwrap_err().iter().map(ToString::to_string).collect()
    }

    /// "Did you mean" must point at the right key, not any key.
    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(suggest("requirments", &["requirements", "gate"]), Some("requirements"));
        assert_eq!(suggest("zzz", &["requirements", "gate"]), None);
    }

    /// Placeholders are a closed set: a typo like {enviroment} would silently never match.
    #[test]
    fn unknown_placeholder_is_reported() {
        let text = BUILTIN_BASELINE.replace("name: \"flowforge-{env}-vpc\"", "name: \"flowforge-{enviroment}-vpc\"");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("unknown placeholder {enviroment}"), "{p:?}");
    }

    /// `baseline validate` once accepted the unclosed placeholder `{env-vpc`: it is a problem
    /// naming the path, with the unknown-reference code.
    #[test]
    fn unclosed_placeholder_is_refused() {
        let text = BUILTIN_BASELINE.replace("name: \"flowforge-{env}-vpc\"", "name: \"flowforge-{env-vpc\"");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("error[B005]") && p[0].contains("unclosed placeholder `{env-vpc`"), "{p:?}");
    }

    /// `baseline validate` once accepted unknown YAML tags (`!env prod`), silently dropping the
    /// tag: it is now a problem at the tagged value, with the YAML code.
    #[test]
    fn unknown_yaml_tag_is_refused() {
        let text = BUILTIN_BASELINE.replace("name: \"flowforge-{env}-vpc\"", "name: !env \"flowforge-{env}-vpc\"");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("error[Y003]") && p[0].contains("unknown YAML tag `!env`"), "{p:?}");
    }

    /// A flow between tiers that do not exist can never be checked: it is a load error.
    #[test]
    fn flow_to_unknown_tier_is_reported() {
        let text = BUILTIN_BASELINE.replace("to: database, ports: [5432]", "to: databse, ports: [5432]");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("unknown tier `databse`"), "{p:?}");
    }

    /// Defaults must define every requirement, or an environment's view would have holes.
    #[test]
    fn defaults_missing_requirement_is_reported() {
        let text = BUILTIN_BASELINE.replace("    imdsv2_required: true\n", "");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("missing key `imdsv2_required`"), "{p:?}");
    }

    /// Duplicate layers would give two expectations for one bucket.
    #[test]
    fn duplicate_layer_is_reported() {
        let text = BUILTIN_BASELINE.replace("[landing, bronze, silver, gold]", "[landing, bronze, silver, bronze]");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("duplicate layer `bronze`"), "{p:?}");
    }
}
