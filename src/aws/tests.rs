//! Read-only by construction: the source of each service, its declared operations and the
//! shipped IAM policy must agree, and none of them may name a mutating call.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

/// Verbs of AWS operations that change something (or reveal a secret's value).
const MUTATING_PREFIXES: &[&str] = &[
    "create",
    "put",
    "delete",
    "update",
    "modify",
    "attach",
    "detach",
    "tag",
    "untag",
    "start",
    "stop",
    "run",
    "terminate",
    "rotate",
    "restore",
    "reboot",
    "authorize",
    "revoke",
    "associate",
    "disassociate",
    "enable",
    "disable",
    "set",
    "upload",
    "assume",
    "invoke",
    "copy",
    "replace",
    "reset",
    "register",
    "deregister",
    "accept",
    "reject",
    "cancel",
    "import",
    "add",
    "remove",
    "restore",
    "promote",
    "failover",
    "purge",
    "send",
    "upgrade",
];

/// Verbs that read. An SDK call in the source must start with one of these.
/// `batch_get`: CodeBuild has no other read of a project (BatchGetProjects is its Get).
const READ_PREFIXES: &[&str] = &["get", "list", "describe", "batch_get"];

/// The non-test source files of `src/aws`, read from the tree: `(service, path, text)`, the
/// service being the folder's name (`None` for the shared files at the top). Read from disk
/// so that a file added to a service is checked without being listed here.
fn sources() -> Vec<(Option<String>, String, String)> {
    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs"))
            .collect();
        out.sort();
        out
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let mut out = Vec::new();
    for path in rust_files(&root) {
        out.push((None, path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
    }
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let service = dir.file_name().unwrap().to_string_lossy().into_owned();
        for path in rust_files(&dir) {
            out.push((Some(service.clone()), path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

/// Splits Rust source into identifiers, `::` and single punctuation characters.
fn tokens(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(&src[start..i]);
        } else if src[i..].starts_with("::") {
            out.push("::");
            i += 2;
        } else {
            let len = src[i..].chars().next().map_or(1, char::len_utf8);
            out.push(&src[i..i + len]);
            i += len;
        }
    }
    out
}

/// The SDK operations called in `src`: methods called on a binding that holds an SDK
/// client. Bindings are found from their declarations (`client: Client`,
/// `control: aws_sdk_s3control::Client`, `let sts = aws_sdk_sts::Client::...`), so a client
/// kept under a new name is followed too.
pub(crate) fn sdk_calls(src: &str) -> BTreeSet<String> {
    let t = tokens(src);
    let is_client_type = |i: usize| -> bool {
        t.get(i) == Some(&"Client")
            || (t.get(i).is_some_and(|x| x.starts_with("aws_sdk_"))
                && t.get(i + 1) == Some(&"::")
                && t.get(i + 2) == Some(&"Client"))
    };
    let mut receivers: BTreeSet<&str> = BTreeSet::new();
    for i in 0..t.len() {
        if t.get(i + 1) == Some(&":") && is_client_type(i + 2) {
            receivers.insert(t[i]);
        }
        if t[i] == "let" && t.get(i + 2) == Some(&"=") && is_client_type(i + 3) {
            receivers.insert(t[i + 1]);
        }
    }
    let mut out = BTreeSet::new();
    for i in 0..t.len() {
        if receivers.contains(t[i]) && t.get(i + 1) == Some(&".") && t.get(i + 3) == Some(&"(") {
            let method = t[i + 2];
            if !["clone", "config"].contains(&method) {
                out.insert(method.to_owned());
            }
        }
    }
    out
}

fn policy_actions() -> BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_str(SCANNER_POLICY).unwrap();
    let mut out = BTreeSet::new();
    for st in doc["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow", "the scanner policy only allows");
        assert_eq!(st["Resource"], "*");
        for a in st["Action"].as_array().unwrap() {
            out.insert(a.as_str().unwrap().to_owned());
        }
    }
    out
}

/// Each service's folder calls exactly the SDK operations its `service!` declares (and the
/// shared files exactly the session's), nothing mutating, and never a secret value: a call
/// added without its declaration, or a declaration whose call was removed, fails here.
#[test]
fn each_service_calls_exactly_its_declared_operations() {
    let mut called: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    for (service, file, src) in sources() {
        for call in sdk_calls(&src) {
            let verb = call.split('_').next().unwrap_or_default();
            assert!(!MUTATING_PREFIXES.contains(&verb), "{file} makes a mutating call: `.{call}()`");
            assert_ne!(call, "get_secret_value", "{file} reads a secret value");
            called.entry(service.clone()).or_default().insert(call);
        }
    }
    let declared = |ops: &[Operation]| -> BTreeSet<String> { ops.iter().map(|o| o.method.to_owned()).collect() };
    let shared = called.remove(&None).unwrap_or_default();
    let mut session_and_org = declared(CONNECT_OPERATIONS);
    session_and_org.extend(declared(ORG_OPERATIONS));
    session_and_org.extend(declared(bundle_store::OPERATIONS));
    assert_eq!(
        shared, session_and_org,
        "the SDK calls of the files at the top of src/aws must be exactly aws::CONNECT_OPERATIONS, aws::ORG_OPERATIONS and aws::bundle_store::OPERATIONS"
    );
    for service in SERVICES {
        let calls = called.remove(&Some(service.part.to_owned())).unwrap_or_default();
        let declared = declared(service.operations);
        let undeclared: Vec<_> = calls.difference(&declared).collect();
        let uncalled: Vec<_> = declared.difference(&calls).collect();
        assert!(
            undeclared.is_empty(),
            "src/aws/{}/ calls {undeclared:?}, which its service! does not declare (so iam/scanner-policy.json may lack them)",
            service.part
        );
        assert!(uncalled.is_empty(), "src/aws/{}/ declares {uncalled:?} but never calls them", service.part);
    }
    assert!(called.is_empty(), "folders of src/aws that are not in the registry: {:?}", called.keys());
}

/// Each registry word names its service's module and snapshot member, and names are unique:
/// the registry, the snapshot and the engine agree on every member.
#[test]
fn registry_names_are_the_services_members() {
    for (word, part) in REGISTRY_NAMES {
        assert_eq!(word, part, "the registry's `{word}` declares the snapshot member `{part}`");
    }
    let parts: BTreeSet<&str> = SERVICES.iter().map(|s| s.part).collect();
    assert_eq!(parts.len(), SERVICES.len(), "duplicate service");
    let collections: BTreeSet<&str> = COLLECTIONS.iter().map(|c| c.name).collect();
    assert_eq!(collections.len(), COLLECTIONS.len(), "duplicate collection name");
    for c in COLLECTIONS {
        let (member, _) = c.name.split_once('.').unwrap();
        assert!(parts.contains(member), "{} is not under a service member", c.name);
    }
    let members = serde_json::to_value(crate::model::Snapshot::default()).unwrap();
    for service in SERVICES {
        for c in service.collections {
            let (member, field) = c.name.split_once('.').unwrap();
            assert!(members[member][field].is_array(), "{} is not a list in the snapshot", c.name);
        }
    }
}

/// The shipped IAM policy grants exactly the actions of the operations the code calls.
#[test]
fn scanner_policy_is_exactly_the_declared_actions() {
    let declared: BTreeSet<String> = OPERATIONS.iter().map(|o| o.iam_action.to_owned()).collect();
    let policy = policy_actions();
    let missing: Vec<_> = declared.difference(&policy).collect();
    let extra: Vec<_> = policy.difference(&declared).collect();
    assert!(missing.is_empty(), "iam/scanner-policy.json lacks actions the code needs: {missing:?}");
    assert!(extra.is_empty(), "iam/scanner-policy.json grants actions the code never uses: {extra:?}");
}

/// Nothing the scanner calls or is granted mutates, and secret values are never readable.
#[test]
fn nothing_mutating_and_no_secret_values() {
    for op in OPERATIONS {
        assert!(
            READ_PREFIXES.iter().any(|p| op.method.starts_with(&format!("{p}_"))),
            "{} is not a List/Describe/Get operation",
            op.method
        );
        assert_ne!(op.api_name, "GetSecretValue");
    }
    for action in policy_actions() {
        let verb = action.split(':').nth(1).unwrap_or_default();
        assert!(
            ["Get", "List", "Describe", "BatchGet"].iter().any(|p| verb.starts_with(p)),
            "policy action {action} is not read-only"
        );
        assert!(!action.eq_ignore_ascii_case("secretsmanager:GetSecretValue"));
        assert!(!action.contains('*'), "policy action {action} uses a wildcard");
    }
}

/// The operation names recorded in collection errors are the ones the engine's collection
/// table knows, so a failed call makes the right checks UNKNOWN. The only exceptions are the
/// operations declared `outside_collections` (and the session's own), and those must really be
/// outside every collection, so that the mark cannot go stale.
#[test]
fn recorded_operation_names_are_known_to_the_model() {
    let named = |service: &str, name: &str| {
        crate::model::COLLECTIONS
            .iter()
            .any(|c| c.service == service && (c.list_operations.contains(&name) || c.detail_operations.contains(&name)))
    };
    for service in SERVICES {
        for op in service.operations {
            let prefix = iam_prefix(op.service);
            if op.outside_collections {
                assert!(
                    !named(prefix, op.name),
                    "src/aws/{}/: {prefix}:{} is marked outside_collections but a collection names it",
                    service.part,
                    op.name
                );
            } else {
                assert!(
                    named(prefix, op.name),
                    "src/aws/{}/: {prefix}:{} is named by no collection (list it, or mark it outside_collections)",
                    service.part,
                    op.name
                );
            }
        }
    }
    assert!(CONNECT_OPERATIONS.iter().chain(ORG_OPERATIONS).all(|o| o.outside_collections));
}

/// The three places of `Cargo.toml` that name an SDK crate cannot be generated from the
/// registry: every `aws_sdk_*` crate the source uses must be in the `aws` feature, among the
/// (optional) dependencies and in the release profile's `opt-level = 1` list. Fails naming
/// the file that uses the crate and the place that lacks it.
#[test]
fn every_sdk_crate_is_in_the_three_places_of_cargo_toml() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    // crate → the first file that uses it
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        for t in tokens(&src) {
            if let Some(rest) = t.strip_prefix("aws_sdk_").filter(|r| !r.is_empty()) {
                let file = f.strip_prefix(root).unwrap().display().to_string();
                used.entry(format!("aws-sdk-{}", rest.replace('_', "-"))).or_insert(file);
            }
        }
    }
    assert!(used.contains_key("aws-sdk-s3") && used.contains_key("aws-sdk-cloudwatchlogs"), "{used:?}");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let feature = &manifest[manifest.find("\naws = [").expect("the aws feature")..];
    let feature = &feature[..feature.find(']').unwrap()];
    let lines: Vec<&str> = manifest.lines().map(str::trim).collect();
    for (krate, file) in &used {
        assert!(
            feature.contains(&format!("\"dep:{krate}\"")),
            "{file} uses {krate}: add \"dep:{krate}\" to the `aws` feature of Cargo.toml"
        );
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{krate} = ")) && l.contains("optional = true")),
            "{file} uses {krate}: add `{krate} = {{ version = \"1\", optional = true }}` to [dependencies] in Cargo.toml"
        );
        let header = format!("[profile.release.package.{krate}]");
        let at = lines.iter().position(|l| *l == header);
        assert!(
            at.is_some_and(|i| lines.get(i + 1) == Some(&"opt-level = 1")),
            "{file} uses {krate}: add `{header}` with `opt-level = 1` to Cargo.toml (a generated SDK crate optimised hard doubles the release build)"
        );
    }
}

/// The finder follows client bindings by declaration, across line breaks, and ignores
/// getters on other values.
#[test]
fn sdk_call_finder_follows_client_bindings() {
    let src = "struct A { client: Client, other: aws_sdk_s3::Client }\n\
               fn f(a: &A) { a\n    .client\n    .describe_vpcs()\n    .send(); x.create_date(); a.other.put_object().send();\n\
               let sts = aws_sdk_sts::Client::from_conf(c); sts.get_caller_identity(); }";
    let expected = ["describe_vpcs", "put_object", "get_caller_identity"].map(str::to_owned);
    assert_eq!(sdk_calls(src), BTreeSet::from(expected));
}

/// The management-account policy of `scan --org` grants exactly the organisation operations
/// the code calls, read-only, plus `sts:AssumeRole` into the member accounts' audit role.
#[test]
fn org_policy_is_exactly_the_org_operations_and_assume_role() {
    let doc: serde_json::Value = serde_json::from_str(ORG_POLICY).unwrap();
    let mut granted = BTreeSet::new();
    for st in doc["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow", "the org policy only allows");
        match &st["Action"] {
            serde_json::Value::String(a) => granted.insert(a.clone()),
            other => {
                for a in other.as_array().unwrap() {
                    granted.insert(a.as_str().unwrap().to_owned());
                }
                true
            }
        };
    }
    let mut expected: BTreeSet<String> = ORG_OPERATIONS.iter().map(|o| o.iam_action.to_owned()).collect();
    expected.insert("sts:AssumeRole".to_owned());
    assert_eq!(granted, expected);
    for op in ORG_OPERATIONS {
        assert!(
            READ_PREFIXES.iter().any(|p| op.method.starts_with(&format!("{p}_"))),
            "{} is not a List/Describe/Get operation",
            op.method
        );
    }
}

/// Every service folder under `src/aws/` is a word of the registry (a folder left out would be
/// compiled but never collected, evaluated or diffed).
#[test]
fn every_service_folder_is_in_the_registry() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let folders: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("mod.rs").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let words: BTreeSet<String> = REGISTRY_NAMES.iter().map(|(w, _)| (*w).to_owned()).collect();
    assert_eq!(folders, words, "service folders under src/aws/ and the words of `registry!` differ");
}
