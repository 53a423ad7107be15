//! What a check's Rego reads, found once per catalog load from the parsed Rego: the snapshot
//! collections it depends on, through its own rules and every `policies/lib` rule it reaches,
//! and whether its rules call themselves.
//!
//! Why from the parse tree and transitively: a check that judges `ec2.vpcs` through
//! `data.flowforge.lib.vpc.private_azs` reads `ec2.route_tables` without naming it; when
//! DescribeRouteTables failed, that check must be UNKNOWN, not PASS (issue 10, item 1). Reading
//! the text of the check alone missed it. Here every rule is a node, every reference (an
//! import alias, a rule of the same package, a `data.…` path) an edge, and the collections a
//! check reads are the `input.<service>.<collection>` paths reachable from its rules. Dynamic
//! paths (`input.ec2[x]`, bare `input`) count as reading everything below them: an over-read
//! costs an UNKNOWN too many, an under-read a silent PASS.
//!
//! The same graph finds recursion. Rego forbids it (OPA rejects it at compile time), but
//! regorus only detects it for rules, not for functions: `f(x) := f(x)` overflows the stack
//! and aborts the process. A cycle here makes the check an ERROR before it runs.
//!
//! The parse uses `regorus::unstable` (the AST regorus itself evaluates, pinned by
//! `Cargo.lock`), so the graph cannot disagree with what the engine runs.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Literal, Module, Parser, Query, Rule, RuleHead};
use regorus::Value;

use crate::model::COLLECTIONS;

/// What the analysis found for one check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reads {
    /// The snapshot collections the check's rules read, directly or through library rules.
    pub collections: BTreeSet<&'static str>,
    /// A reference cycle among the rules reachable from the check (recursion), as a message
    /// naming the rules; the check cannot run.
    pub recursion: Option<String>,
    /// The library files (by label) that define a rule the check reaches: the only ones its
    /// engine needs. Preparing an engine (regorus's analysis and loop hoisting) costs in
    /// proportion to the modules it holds, and it is redone for every account, so each check
    /// carries just its own libraries rather than all of them.
    pub libs: BTreeSet<String>,
}

/// A path segment of a reference: a static name, or an index computed at run time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    Name(String),
    Dynamic,
}

/// One parsed module with the references of each of its rules.
#[derive(Debug, Default, Clone)]
struct Graph {
    /// Rule path (`data.pkg.rule`, as segments) → the data paths and input paths it references.
    rules: BTreeMap<Vec<String>, Refs>,
}

#[derive(Debug, Default, Clone)]
struct Refs {
    data: BTreeSet<Vec<Seg>>,
    input: BTreeSet<Vec<Seg>>,
    /// The files (labels) that define the rule (a rule may be defined in several).
    files: BTreeSet<String>,
}

/// Parses `(label, text)` files; a file that does not parse is skipped (the engine reports
/// its parse error as the check's ERROR).
fn build_graph<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Graph, Vec<Vec<String>>) {
    let mut graph = Graph::default();
    let mut roots = Vec::new();
    for (label, text) in files {
        if let Some(module) = parse(label, text) {
            roots.push(add_module(&mut graph, &module, label));
        }
    }
    (graph, roots.into_iter().flatten().collect())
}

fn parse(label: &str, text: &str) -> Option<Module> {
    let source = regorus::Source::from_contents(label.to_owned(), text.to_owned()).ok()?;
    let mut parser = Parser::new(&source).ok()?;
    parser.enable_rego_v1().ok()?;
    parser.parse().ok()
}

/// The parsed helper libraries of a catalog, shared by the analysis of each of its checks.
#[derive(Debug)]
pub struct Libraries(Graph);

impl Libraries {
    /// Parses `(label, text)` library files.
    pub fn parse<'a>(libs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Libraries {
        Libraries(build_graph(libs).0)
    }

    /// The collections read and the recursion of the check `(label, text)` compiled with
    /// these libraries.
    pub fn analyse(&self, check: (&str, &str)) -> Reads {
        let (check_graph, roots) = build_graph([check]);
        let mut graph = Graph { rules: self.0.rules.clone() };
        for (path, refs) in check_graph.rules {
            let entry = graph.rules.entry(path).or_default();
            entry.data.extend(refs.data);
            entry.input.extend(refs.input);
            entry.files.extend(refs.files);
        }
        let mut reached: BTreeSet<Vec<String>> = BTreeSet::new();
        let mut stack: Vec<Vec<String>> = roots;
        let mut input_paths: BTreeSet<Vec<Seg>> = BTreeSet::new();
        let mut libs: BTreeSet<String> = BTreeSet::new();
        while let Some(rule) = stack.pop() {
            if !reached.insert(rule.clone()) {
                continue;
            }
            if let Some(refs) = graph.rules.get(&rule) {
                input_paths.extend(refs.input.iter().cloned());
                libs.extend(refs.files.iter().filter(|f| f.as_str() != check.0).cloned());
                stack.extend(targets(&graph, &refs.data));
            }
        }
        let mut collections: BTreeSet<&'static str> = COLLECTIONS
            .iter()
            .filter(|info| input_paths.iter().any(|p| path_meets(p, info.name)))
            .map(|info| info.name)
            .collect();
        // Derived facts read the collections they are computed from.
        for (root, from) in DERIVED {
            if input_paths.iter().any(|p| path_meets(p, root)) {
                collections.extend(from.iter().copied());
            }
        }
        Reads { collections, recursion: find_cycle(&graph, &reached), libs }
    }
}

/// The derived facts of the input (`input.derived.<name>`, computed by the engine) and the
/// collections each is computed from. `derived.flowforge` (and `flowforge_undecided`) decide
/// each resource from its own fields alone: a check reading them reads nothing more than the
/// resources it looks up.
const DERIVED: &[(&str, &[&str])] = &[
    ("derived.network", crate::network::facts::DERIVED_FROM),
    ("derived.rds_parameters", &["rds.parameter_groups"]),
    ("derived.kms", crate::kms_use::DERIVED_FROM),
];

/// [`Libraries::analyse`] for one check and its libraries.
#[cfg(test)]
fn analyse<'a>(check: (&'a str, &'a str), libs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Reads {
    Libraries::parse(libs).analyse(check)
}

/// A reference cycle among all the rules of `files` (a test file with what it tests), for the
/// test runner: the same message as [`analyse`] gives.
pub fn recursion_in<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<String> {
    let (graph, _) = build_graph(files);
    let all: BTreeSet<Vec<String>> = graph.rules.keys().cloned().collect();
    find_cycle(&graph, &all)
}

/// True when the input path `p` (below `input`) reads the collection `name` (`svc.coll`): one
/// is a prefix of the other, a dynamic segment matching any name.
fn path_meets(p: &[Seg], name: &str) -> bool {
    name.split('.').zip(p.iter()).all(|(want, seg)| match seg {
        Seg::Name(s) => s == want,
        Seg::Dynamic => true,
    })
}

/// The rules a data reference reaches: a rule whose path is a prefix of the reference (its
/// value is read into) or that lies below it (a package, or part of one, is read whole).
fn targets<'g>(graph: &'g Graph, data: &'g BTreeSet<Vec<Seg>>) -> impl Iterator<Item = Vec<String>> + 'g {
    graph
        .rules
        .keys()
        .filter(move |rule| {
            data.iter().any(|d| {
                rule.iter().zip(d.iter()).all(|(r, seg)| match seg {
                    Seg::Name(s) => s == r,
                    Seg::Dynamic => true,
                })
            })
        })
        .cloned()
}

/// The first cycle (in rule order) among `within`, as "a → b → a".
fn find_cycle(graph: &Graph, within: &BTreeSet<Vec<String>>) -> Option<String> {
    // Iterative depth-first search with three colours: an overlay may chain many rules, and
    // this analysis must not be the thing that overflows the stack.
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    let edges = |rule: &Vec<String>| -> Vec<Vec<String>> {
        graph
            .rules
            .get(rule)
            .map(|r| targets(graph, &r.data).filter(|t| within.contains(t)).collect())
            .unwrap_or_default()
    };
    let mut colour: BTreeMap<&Vec<String>, Colour> = within.iter().map(|r| (r, Colour::White)).collect();
    for start in within {
        if colour.get(start) != Some(&Colour::White) {
            continue;
        }
        let mut path: Vec<(Vec<String>, Vec<Vec<String>>)> = vec![(start.clone(), edges(start))];
        colour.insert(start, Colour::Grey);
        while let Some((node, pending)) = path.last_mut() {
            match pending.pop() {
                Some(next) => {
                    let Some((key, c)) = colour.get_key_value(&next).map(|(k, c)| (*k, *c)) else { continue };
                    match c {
                        Colour::Grey => {
                            let from = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                            let mut names: Vec<String> = path[from..].iter().map(|(n, _)| n.join(".")).collect();
                            names.push(next.join("."));
                            return Some(format!(
                                "recursion: {} (Rego rules and functions must not call themselves)",
                                names.join(" → ")
                            ));
                        }
                        Colour::White => {
                            colour.insert(key, Colour::Grey);
                            let e = edges(&next);
                            path.push((next, e));
                        }
                        Colour::Black => {}
                    }
                }
                None => {
                    let done = node.clone();
                    path.pop();
                    if let Some((k, _)) = colour.get_key_value(&done).map(|(k, c)| (*k, *c)) {
                        colour.insert(k, Colour::Black);
                    }
                }
            }
        }
    }
    None
}

/// Adds the rules of `module` to `graph`; returns their paths.
fn add_module(graph: &mut Graph, module: &Module, label: &str) -> Vec<Vec<String>> {
    // `package flowforge.aws.s3.tls_only` → data.flowforge.aws.s3.tls_only (a package path is
    // static: the parser accepts names and string keys only).
    let mut package = vec!["data".to_owned()];
    if let Some((root, segs)) = ref_path(&module.package.refr) {
        package.push(root);
        package.extend(segs.into_iter().filter_map(|s| match s {
            Seg::Name(n) => Some(n),
            Seg::Dynamic => None,
        }));
    }
    // Import aliases: `import data.flowforge.lib` → `lib`; `import data.x.y as z` → `z`.
    let mut aliases: BTreeMap<String, (String, Vec<Seg>)> = BTreeMap::new();
    for import in &module.imports {
        if let Some((root, segs)) = ref_path(&import.refr) {
            let alias = match &import.r#as {
                Some(span) => span.text().to_owned(),
                None => match segs.last() {
                    Some(Seg::Name(n)) => n.clone(),
                    _ => root.clone(),
                },
            };
            if root == "data" || root == "input" {
                aliases.insert(alias, (root, segs));
            }
        }
    }
    let rule_names: BTreeSet<String> =
        module.policy.iter().filter_map(|r| rule_refr(r).and_then(ref_path)).map(|(root, _)| root).collect();
    let cx = Context { package: &package, aliases: &aliases, rule_names: &rule_names };
    let mut paths = Vec::new();
    for rule in &module.policy {
        let Some((root, segs)) = rule_refr(rule).and_then(ref_path) else { continue };
        let mut path = package.clone();
        path.push(root);
        path.extend(segs.into_iter().map_while(|s| match s {
            Seg::Name(n) => Some(n),
            Seg::Dynamic => None,
        }));
        let mut refs = Refs::default();
        walk_rule(&cx, rule, &mut refs);
        let entry = graph.rules.entry(path.clone()).or_default();
        entry.data.extend(refs.data);
        entry.input.extend(refs.input);
        entry.files.insert(label.to_owned());
        paths.push(path);
    }
    paths
}

struct Context<'a> {
    package: &'a [String],
    aliases: &'a BTreeMap<String, (String, Vec<Seg>)>,
    rule_names: &'a BTreeSet<String>,
}

fn rule_refr(rule: &Rule) -> Option<&Expr> {
    match rule {
        Rule::Spec { head, .. } => Some(match head {
            RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } | RuleHead::Func { refr, .. } => refr,
        }),
        Rule::Default { refr, .. } => Some(refr),
    }
}

fn walk_rule(cx: &Context<'_>, rule: &Rule, refs: &mut Refs) {
    match rule {
        Rule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { assign, .. } => {
                    if let Some(a) = assign {
                        walk(cx, &a.value, refs);
                    }
                }
                RuleHead::Set { key, .. } => {
                    if let Some(k) = key {
                        walk(cx, k, refs);
                    }
                }
                RuleHead::Func { args, assign, .. } => {
                    for a in args {
                        walk(cx, a, refs);
                    }
                    if let Some(a) = assign {
                        walk(cx, &a.value, refs);
                    }
                }
            }
            for body in bodies {
                if let Some(a) = &body.assign {
                    walk(cx, &a.value, refs);
                }
                walk_query(cx, &body.query, refs);
            }
        }
        Rule::Default { args, value, .. } => {
            for a in args {
                walk(cx, a, refs);
            }
            walk(cx, value, refs);
        }
    }
}

fn walk_query(cx: &Context<'_>, query: &Query, refs: &mut Refs) {
    for stmt in &query.stmts {
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn { key, value, collection, .. } => {
                if let Some(k) = key {
                    walk(cx, k, refs);
                }
                walk(cx, value, refs);
                walk(cx, collection, refs);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => walk(cx, expr, refs),
            Literal::Every { domain, query, .. } => {
                walk(cx, domain, refs);
                walk_query(cx, query, refs);
            }
        }
        for w in &stmt.with_mods {
            walk(cx, &w.refr, refs);
            walk(cx, &w.r#as, refs);
        }
    }
}

/// The root variable and the segments of a reference chain (`a.b[c]["d"]`), or `None` when
/// the expression is not a reference.
fn ref_path(expr: &Expr) -> Option<(String, Vec<Seg>)> {
    let mut segs = Vec::new();
    let mut at = expr;
    loop {
        match at {
            Expr::Var { value, .. } => {
                segs.reverse();
                return Some((value.as_string().ok()?.to_string(), segs));
            }
            Expr::RefDot { refr, field, .. } => {
                segs.push(Seg::Name(field.1.as_string().ok()?.to_string()));
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                segs.push(match index.as_ref() {
                    Expr::String { value, .. } | Expr::RawString { value, .. } => match value {
                        Value::String(s) => Seg::Name(s.to_string()),
                        _ => Seg::Dynamic,
                    },
                    _ => Seg::Dynamic,
                });
                at = refr;
            }
            _ => return None,
        }
    }
}

/// Records the reference `expr` (a whole chain) resolves to.
fn record(cx: &Context<'_>, root: String, segs: Vec<Seg>, refs: &mut Refs) {
    let (root, segs) = match cx.aliases.get(&root) {
        Some((r, prefix)) => (r.clone(), prefix.iter().cloned().chain(segs).collect()),
        None => (root, segs),
    };
    match root.as_str() {
        "input" => {
            refs.input.insert(segs);
        }
        "data" => {
            let mut path = vec![Seg::Name("data".to_owned())];
            path.extend(segs);
            refs.data.insert(path);
        }
        name if cx.rule_names.contains(name) => {
            let mut path: Vec<Seg> = cx.package.iter().cloned().map(Seg::Name).collect();
            path.push(Seg::Name(root.clone()));
            path.extend(segs);
            refs.data.insert(path);
        }
        _ => {}
    }
}

fn walk(cx: &Context<'_>, expr: &Expr, refs: &mut Refs) {
    match expr {
        Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } => {
            if let Some((root, segs)) = ref_path(expr) {
                record(cx, root, segs, refs);
            }
            // The indexes of the chain are expressions of their own (`x[input.a.b]`).
            let mut at = expr;
            loop {
                match at {
                    Expr::RefDot { refr, .. } => at = refr,
                    Expr::RefBrack { refr, index, .. } => {
                        walk(cx, index, refs);
                        at = refr;
                    }
                    Expr::Var { .. } => break,
                    other => {
                        walk(cx, other, refs);
                        break;
                    }
                }
            }
        }
        Expr::String { .. } | Expr::RawString { .. } | Expr::Number { .. } | Expr::Bool { .. } | Expr::Null { .. } => {}
        Expr::Array { items, .. } | Expr::Set { items, .. } => items.iter().for_each(|i| walk(cx, i, refs)),
        Expr::Object { fields, .. } => {
            for (_, k, v) in fields {
                walk(cx, k, refs);
                walk(cx, v, refs);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            walk(cx, term, refs);
            walk_query(cx, query, refs);
        }
        Expr::ObjectCompr { key, value, query, .. } => {
            walk(cx, key, refs);
            walk(cx, value, refs);
            walk_query(cx, query, refs);
        }
        Expr::Call { fcn, params, .. } => {
            walk(cx, fcn, refs);
            params.iter().for_each(|p| walk(cx, p, refs));
        }
        Expr::UnaryExpr { expr, .. } => walk(cx, expr, refs),
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            walk(cx, lhs, refs);
            walk(cx, rhs, refs);
        }
        Expr::Membership { key, value, collection, .. } => {
            if let Some(k) = key {
                walk(cx, k, refs);
            }
            walk(cx, value, refs);
            walk(cx, collection, refs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &Reads) -> Vec<&str> {
        r.collections.iter().copied().collect()
    }

    /// Direct references are found, and `input.s3.buckets_x` is not `input.s3.buckets`.
    #[test]
    fn finds_direct_input_references() {
        let check = "package flowforge.aws.x.y\nimport rego.v1\ndeny contains e.id if { some e in input.ec2.vpc_endpoints; v := input.ec2.vpcs[_]; x := input.s3.buckets_extra }";
        let r = analyse(("c.rego", check), []);
        assert_eq!(names(&r), vec!["ec2.vpc_endpoints", "ec2.vpcs"]);
        assert_eq!(r.recursion, None);
    }

    /// A collection read by a library rule the check calls (through an alias or a full
    /// `data.` path, function or rule) is a dependency of the check; an unreached library
    /// rule's reads are not.
    #[test]
    fn follows_library_rules_transitively() {
        let lib = "package flowforge.lib.net\nimport rego.v1\n\
                   tables contains rt.id if some rt in input.ec2.route_tables\n\
                   private(s) if not s.id in tables\n\
                   unused contains x if some x in input.iam.roles\n";
        let via_alias = "package flowforge.aws.x.a\nimport data.flowforge.lib.net\nimport rego.v1\n\
                         deny contains s.id if { some s in input.ec2.subnets; net.private(s) }";
        let via_data = "package flowforge.aws.x.b\nimport rego.v1\n\
                        deny contains s.id if { some s in input.ec2.subnets; data.flowforge.lib.net.private(s) }";
        for check in [via_alias, via_data] {
            let r = analyse(("c.rego", check), [("lib.rego", lib)]);
            assert_eq!(names(&r), vec!["ec2.route_tables", "ec2.subnets"], "{check}");
        }
    }

    /// A dynamic path reads every collection below it: an over-read is an UNKNOWN too many,
    /// an under-read a silent PASS.
    #[test]
    fn dynamic_paths_read_everything_below_them() {
        let check = "package flowforge.aws.x.c\nimport rego.v1\ndeny contains k if { some k, _ in input.eks[name] ; name := \"clusters\" }";
        let r = analyse(("c.rego", check), []);
        assert_eq!(names(&r), vec!["eks.clusters", "eks.fargate_profiles", "eks.node_groups"]);
        let bare = "package flowforge.aws.x.d\nimport rego.v1\ndeny contains k if { walk(input, [k, _]) }";
        assert_eq!(analyse(("c.rego", bare), []).collections.len(), COLLECTIONS.len());
    }

    /// A check's engine gets the library files its rules reach, transitively (a library rule
    /// calling another library), and no other; a dynamic `data.flowforge.lib[x]` reaches them all.
    #[test]
    fn names_the_library_files_a_check_reaches() {
        let net = "package flowforge.lib.net\nimport data.flowforge.lib.cidr\nimport rego.v1\n\
                   private(s) if cidr.internal(s.cidr)\n";
        let cidr = "package flowforge.lib.cidr\nimport rego.v1\ninternal(c) if startswith(c, \"10.\")\n";
        let iam = "package flowforge.lib.iam\nimport rego.v1\nadmin(p) if p == \"*\"\n";
        let libs = [("net.rego", net), ("cidr.rego", cidr), ("iam.rego", iam)];
        let files = |check: &str| analyse(("c.rego", check), libs).libs.into_iter().collect::<Vec<_>>();
        let uses_net = "package flowforge.aws.x.a\nimport data.flowforge.lib.net\nimport rego.v1\n\
                        deny contains s.id if { some s in input.ec2.subnets; net.private(s) }";
        assert_eq!(files(uses_net), vec!["cidr.rego", "net.rego"]);
        let uses_none = "package flowforge.aws.x.b\nimport data.flowforge.lib.iam\nimport rego.v1\n\
                         deny contains s.id if { some s in input.ec2.subnets; s.public }";
        assert!(files(uses_none).is_empty(), "an import that is never used loads nothing");
        let dynamic = "package flowforge.aws.x.c\nimport rego.v1\n\
                       deny contains s.id if { some s in input.ec2.subnets; some n; data.flowforge.lib[n] }";
        assert_eq!(files(dynamic), vec!["cidr.rego", "iam.rego", "net.rego"]);
    }

    /// `f(x) := f(x)` and mutual recursion through a library are found before anything runs
    /// (regorus would overflow the stack on them).
    #[test]
    fn finds_recursion() {
        let direct = "package flowforge.aws.x.e\nimport rego.v1\nf(x) := f(x)\ndeny contains y if { y := f(1) }";
        let msg = analyse(("c.rego", direct), []).recursion.unwrap_or_default();
        assert!(msg.contains("data.flowforge.aws.x.e.f → data.flowforge.aws.x.e.f"), "{msg}");
        let lib = "package flowforge.lib.r\nimport rego.v1\ng(x) := data.flowforge.aws.x.h.h(x)\n";
        let mutual = "package flowforge.aws.x.h\nimport data.flowforge.lib.r\nimport rego.v1\nh(x) := r.g(x)\ndeny contains y if { y := h(1) }";
        assert!(analyse(("c.rego", mutual), [("lib.rego", lib)]).recursion.is_some());
        let fine = "package flowforge.aws.x.i\nimport rego.v1\nf(x) := x + 1\ng(x) := f(f(x))\ndeny contains y if { y := g(1) }";
        assert_eq!(analyse(("c.rego", fine), []).recursion, None);
    }
}
