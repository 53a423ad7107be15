//! Validation: the positioned YAML tree in, a [`Baseline`] or *every* problem out.
//!
//! Written with the field toolkit ([`crate::diag::fields`]): each key is declared once, where
//! it is read, and each helper reports what is wrong with the node it was given and returns
//! `None`, so the caller carries on with the siblings and one pass finds all problems.
//! Cross-references (flows naming tiers, overrides naming requirements, `environments:` lists
//! naming environments) are checked here too: a valid baseline never needs re-checking
//! downstream. Problems carry the baseline codes of `docs/diagnostics.md` (`B...`, and `Y003`
//! for YAML the reader refuses).
//!
//! This file holds the top level (`version`, `recognise`, and `architecture` as the list of
//! its sections, in the order they are documented) and the helpers only the baseline needs
//! (placeholders, ports, `environments:` lists, duplicates); each section's validation is one
//! file beside it, named like the section's types in `baseline/`.

mod audit;
mod compute;
mod environments;
mod identity;
mod network;
mod perimeter;
mod storage;

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::ops::Deref;

use super::types::*;
use crate::diag::fields::{Codes, Ctx, Table};
use crate::diag::yaml::{Pos, RawNode, RawValue};
use crate::diag::{Code, Problem};

/// The baseline's codes for the toolkit's problems.
const CODES: Codes = Codes {
    unknown_key: Code::BaselineUnknownKey,
    missing_key: Code::BaselineMissingKey,
    wrong_type: Code::BaselineWrongType,
    invalid_value: Code::BaselineInvalidValue,
    empty: Code::BaselineInvalidValue,
};

pub(crate) fn validate(root: &RawNode, file: &str) -> Result<Baseline, Vec<Problem>> {
    let (baseline, cx) = run(root, file);
    cx.fields.finish(baseline, "the baseline is invalid")
}

/// Validates, keeping the context (its problems and the tables it read).
fn run<'f>(root: &RawNode, file: &'f str) -> (Option<Baseline>, Cx<'f>) {
    let cx = Cx { fields: Ctx::new(file, CODES), envs: OnceCell::new() };
    let baseline = baseline(&cx, root);
    (baseline, cx)
}

/// The baseline's validation context: the toolkit's, and the environments the file defines
/// (known once `environments` was read; what every `environments:` list may name).
pub(super) struct Cx<'f> {
    fields: Ctx<'f>,
    envs: OnceCell<BTreeSet<String>>,
}

impl<'f> Deref for Cx<'f> {
    type Target = Ctx<'f>;

    fn deref(&self) -> &Ctx<'f> {
        &self.fields
    }
}

static NO_ENVIRONMENTS: BTreeSet<String> = BTreeSet::new();

impl Cx<'_> {
    /// The environments the file defines (none before `environments` was read).
    fn envs(&self) -> &BTreeSet<String> {
        self.envs.get().unwrap_or(&NO_ENVIRONMENTS)
    }

    fn known_envs(&self) -> String {
        self.envs().iter().map(String::as_str).collect::<Vec<_>>().join(", ")
    }

    /// A string that may hold placeholders; unknown placeholders are problems.
    fn pattern(&self, node: &RawNode, path: &str, allow_layer: bool) -> Option<String> {
        let s = self.string(node, path)?;
        let mut rest = s.as_str();
        let mut ok = true;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            // An unclosed `{env` would never be substituted and never match a live name.
            let Some(close) = after.find('}') else {
                self.report(
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
                self.report(
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

    /// A list of name patterns (placeholders allowed, `{layer}` not).
    fn patterns(&self, node: &RawNode, path: &str, non_empty: bool) -> Option<Vec<String>> {
        self.list(node, path, non_empty, |i, ip| self.pattern(i, ip, false))
    }

    /// A non-empty list of name patterns without repeats (`what` names one in messages).
    fn names(&self, node: &RawNode, path: &str, what: &str) -> Option<Vec<String>> {
        let items = self.patterns(node, path, true)?;
        self.unique(node, &items, path, what).then_some(items)
    }

    /// Reports the second and later occurrences of an item of the list `node` (`items`, in
    /// its order) at their positions.
    fn unique<T: Ord + std::fmt::Display + Clone>(&self, node: &RawNode, items: &[T], path: &str, what: &str) -> bool {
        let with_pos: Vec<(T, Pos)> = items.iter().cloned().zip(item_positions(node)).collect();
        self.no_duplicates(Code::BaselineDuplicate, &with_pos, path, what)
    }

    fn port(&self, node: &RawNode, path: &str) -> Option<u16> {
        match &node.value {
            RawValue::Int(i) if (1..=65535).contains(i) => u16::try_from(*i).ok(),
            RawValue::Int(i) => {
                self.invalid(node, format!("{path}: port {i} is out of range (1-65535)"));
                None
            }
            _ => {
                self.expected(node, path, "a port number (1-65535)");
                None
            }
        }
    }

    /// A non-empty list of ports without repeats.
    fn ports(&self, node: &RawNode, path: &str) -> Option<Vec<u16>> {
        let ports = self.list(node, path, true, |n, p| self.port(n, p))?;
        self.unique(node, &ports, path, "port").then_some(ports)
    }

    /// The optional `environments:` list of the element `t`; every name must be an
    /// environment of the file.
    fn env_list(&self, t: &Table) -> Option<Option<Vec<String>>> {
        t.opt("environments", |node, p| {
            let names = self.list(node, p, true, |n, ip| self.string(n, ip))?;
            let mut ok = true;
            for (name, pos) in names.iter().zip(item_positions(node)) {
                if !self.envs().contains(name) {
                    let message = format!("{p}: unknown environment `{name}` (known: {})", self.known_envs());
                    self.report(Code::BaselineUnknownReference, pos, message);
                    ok = false;
                }
            }
            ok.then_some(names)
        })
    }
}

fn item_positions(node: &RawNode) -> Vec<Pos> {
    match &node.value {
        RawValue::Seq(items) => items.iter().map(|n| n.pos).collect(),
        _ => Vec::new(),
    }
}

// ------------------------------------------------------------------ the top level

fn baseline(cx: &Cx, root: &RawNode) -> Option<Baseline> {
    let t = cx.table(root, "")?;
    let version = t.req("version", |n, _| match &n.value {
        RawValue::Int(1) => Some(1),
        RawValue::Int(v) => {
            cx.invalid(n, format!("version: unsupported baseline version {v} (this build reads version 1)"));
            None
        }
        _ => {
            cx.expected(n, "version", "an integer");
            None
        }
    });
    let recognise = t.required("recognise");
    let defaults = t.required("defaults");
    let environments = t.required("environments");
    let promotion_order = t.get("promotion_order");
    let architecture = t.required("architecture");
    let roles = t.get("roles");
    let network = t.get("network");

    // Environments first: other sections refer to them.
    let (environments, names) = match environments {
        Some(n) => environments::environments(cx, n),
        None => (None, Vec::new()),
    };
    let _ = cx.envs.set(names.iter().cloned().collect());
    let recognise = recognise.and_then(|n| self::recognise(cx, n));
    let defaults = defaults.and_then(|n| environments::defaults(cx, n));
    let architecture = architecture.and_then(|n| self::architecture(cx, n));
    let network = match network {
        Some(n) => {
            let tiers = architecture.as_ref().map(|a| a.tiers.keys().cloned().collect()).unwrap_or_default();
            network::network(cx, n, &tiers)
        }
        None => Some(Default::default()),
    };
    let roles = match roles {
        Some(n) => identity::roles(cx, n),
        None => Some(Default::default()),
    };
    let promotion_order = match promotion_order {
        Some(n) => environments::promotion_order(cx, n),
        // The order the environments are declared in.
        None => Some(names),
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

fn recognise(cx: &Cx, node: &RawNode) -> Option<Recognise> {
    let t = cx.table(node, "recognise")?;
    let app_tag = t.req("app_tag", |n, p| {
        let tag = cx.table(n, p)?;
        let key = tag.req("key", |n, p| cx.string(n, p));
        let value = tag.req("value", |n, p| cx.string(n, p));
        Some(TagSpec { key: key?, value: value? })
    });
    let environment_tag = t.req("environment_tag", |n, p| cx.string(n, p));
    let tier_tag = t.req("tier_tag", |n, p| cx.string(n, p));
    let layer_tag = t.req("layer_tag", |n, p| cx.string(n, p));
    let role_tag = t.req("role_tag", |n, p| cx.string(n, p));
    let name_prefix = t.req("name_prefix", |n, p| cx.pattern(n, p, false));
    Some(Recognise {
        app_tag: app_tag?,
        environment_tag: environment_tag?,
        tier_tag: tier_tag?,
        layer_tag: layer_tag?,
        role_tag: role_tag?,
        name_prefix: name_prefix?,
    })
}

/// `architecture`: its sections, each validated by its section's file.
fn architecture(cx: &Cx, node: &RawNode) -> Option<Architecture> {
    let t = cx.table(node, "architecture")?;
    let vpc = t.req("vpc", |n, p| network::vpc(cx, n, p));
    let tiers = t.req("tiers", |n, p| network::tiers(cx, n, p));
    let tier_names: BTreeSet<String> = tiers.as_ref().map(|t| t.keys().cloned().collect()).unwrap_or_default();
    let flows = t.req("flows", |n, p| network::flows(cx, n, p, &tier_names, tiers.is_some()));
    let admin_ports = t.or("admin_ports", Vec::new(), |n, p| cx.ports(n, p));
    let database_ports = t.or("database_ports", Vec::new(), |n, p| cx.ports(n, p));
    let data_lake = t.opt("data_lake", |n, p| storage::data_lake(cx, n, p));
    let database = t.opt("database", |n, p| storage::database(cx, n, p));
    let secrets = t.or("secrets", Vec::new(), |n, p| identity::secrets(cx, n, p));
    let load_balancer = t.opt("load_balancer", |n, p| perimeter::load_balancer(cx, n, p));
    let eks_cluster = t.opt("eks_cluster", |n, p| compute::eks_cluster(cx, n, p));
    let config_recorder = t.or("config_recorder", false, |n, p| cx.boolean(n, p));
    let compute = t.opt("compute", |n, p| compute::compute(cx, n, p));
    let perimeter = t.opt("perimeter", |n, p| perimeter::perimeter(cx, n, p));
    let parameter_store = t.opt("parameter_store", |n, p| identity::parameter_store(cx, n, p));
    let audit_trail = t.opt("audit_trail", |n, p| audit::audit_trail(cx, n, p));
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
        parameter_store: parameter_store?,
        audit_trail: audit_trail?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::BUILTIN_BASELINE;
    use crate::diag::yaml;

    pub(super) fn problems(text: &str) -> Vec<String> {
        let tree = yaml::parse(text, "t.yaml").unwrap();
        validate(&tree, "t.yaml").unwrap_err().iter().map(ToString::to_string).collect()
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

    /// An unknown section name is reported with the closest section and the list of them.
    #[test]
    fn unknown_architecture_key_suggests_the_section() {
        let text = BUILTIN_BASELINE.replace("  data_lake:\n", "  data_lak:\n");
        let p = problems(&text);
        assert!(
            p.iter().any(|m| m.contains(
                "unknown key `data_lak` in architecture: did you mean `data_lake`? expected one of vpc, tiers, flows,"
            )),
            "{p:?}"
        );
    }

    /// One source per fact: the keys the validator reads are the keys `data.baseline` has.
    /// Every mapping of the resolved built-in baseline (as the policies see it) has only keys
    /// its table declared, so a struct field named unlike its YAML key fails here; and every
    /// declared key of a section is documented in `baselines/README.md`.
    #[test]
    fn declared_keys_are_the_serialised_keys_and_documented() {
        let tree = yaml::parse(BUILTIN_BASELINE, "t.yaml").unwrap();
        let (baseline, cx) = run(&tree, "t.yaml");
        let baseline = baseline.expect("the built-in baseline is valid");
        let tables = cx.tables();
        let view = baseline.env_view("prod", "123456789012", "aws").unwrap().to_json();
        // Paths as the tables name them: `architecture.flows[0]` → `architecture.flows[]`,
        // author-chosen keys (roles, tiers) → `*`.
        let generic = |path: &str| -> String {
            let mut out = Vec::new();
            let parts: Vec<&str> = path.split('.').collect();
            for (i, part) in parts.iter().enumerate() {
                let part = match part.find('[') {
                    Some(b) => format!("{}[]", &part[..b]),
                    None => (*part).to_owned(),
                };
                let named = i > 0 && matches!(parts[i - 1], "roles" | "tiers" | "environments");
                out.push(if named { "*".to_owned() } else { part });
            }
            out.join(".")
        };
        let mut declared: std::collections::BTreeMap<String, BTreeSet<&str>> = Default::default();
        for (path, keys) in &tables {
            declared.entry(generic(path)).or_default().extend(keys.iter().copied());
        }
        fn walk(v: &serde_json::Value, path: String, out: &mut Vec<(String, Vec<String>)>) {
            match v {
                serde_json::Value::Object(m) => {
                    out.push((path.clone(), m.keys().cloned().collect()));
                    for (k, child) in m {
                        walk(child, if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, format!("{path}[0]"), out)),
                _ => {}
            }
        }
        let mut objects = Vec::new();
        for section in ["recognise", "architecture", "roles", "network"] {
            walk(&view[section], section.to_owned(), &mut objects);
        }
        let mut checked = 0;
        for (path, keys) in objects {
            let Some(known) = declared.get(&generic(&path)) else { continue };
            // Filled by the view, not read from the file.
            let keys: Vec<&String> =
                keys.iter().filter(|k| !(path.ends_with("data_lake") && *k == "buckets")).collect();
            for k in &keys {
                assert!(
                    known.contains(k.as_str()),
                    "data.baseline.{path}.{k} is not a key its validator reads ({known:?})"
                );
            }
            checked += keys.len();
        }
        assert!(checked > 60, "only {checked} keys compared");
        let readme = include_str!("../../../baselines/README.md");
        for (path, keys) in &declared {
            for k in keys {
                let documented =
                    [format!("`{k}`"), format!("`{k}."), format!(".{k}`"), format!(".{k}."), format!(".{k}[")]
                        .iter()
                        .any(|form| readme.contains(form.as_str()));
                assert!(documented, "key `{k}` of `{path}` is not documented in baselines/README.md");
            }
        }
    }
}
