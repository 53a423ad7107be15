//! Read-only by construction: the source of this module, the [`OPERATIONS`] table and the
//! shipped IAM policy must agree, and none of them may name a mutating call.

use std::collections::BTreeSet;

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
const READ_PREFIXES: &[&str] = &["get", "list", "describe"];

/// The non-test source files of this module, with their names.
fn sources() -> Vec<(&'static str, &'static str)> {
    vec![
        ("mod.rs", include_str!("mod.rs")),
        ("config.rs", include_str!("config.rs")),
        ("counter.rs", include_str!("counter.rs")),
        ("ec2.rs", include_str!("ec2.rs")),
        ("eks.rs", include_str!("eks.rs")),
        ("elbv2.rs", include_str!("elbv2.rs")),
        ("error.rs", include_str!("error.rs")),
        ("iam.rs", include_str!("iam.rs")),
        ("rds.rs", include_str!("rds.rs")),
        ("s3.rs", include_str!("s3.rs")),
        ("secretsmanager.rs", include_str!("secretsmanager.rs")),
    ]
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
fn sdk_calls(src: &str) -> BTreeSet<String> {
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

/// Every SDK call in the source is declared in OPERATIONS, and every declared one is called.
#[test]
fn source_calls_match_the_operations_table() {
    let mut found = BTreeSet::new();
    for (file, src) in sources() {
        for call in sdk_calls(src) {
            let verb = call.split('_').next().unwrap_or_default();
            assert!(!MUTATING_PREFIXES.contains(&verb), "src/aws/{file} makes a mutating call: `.{call}()`");
            assert_ne!(call, "get_secret_value", "src/aws/{file} reads a secret value");
            assert!(
                OPERATIONS.iter().any(|o| o.method == call),
                "src/aws/{file} calls `.{call}()`, which is not declared in aws::OPERATIONS (and so not in iam/scanner-policy.json)"
            );
            found.insert(call);
        }
    }
    for op in OPERATIONS {
        assert!(
            found.contains(op.method),
            "aws::OPERATIONS declares {} ({}) but no source calls `.{}()`",
            op.name,
            op.service,
            op.method
        );
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
            ["Get", "List", "Describe"].iter().any(|p| verb.starts_with(p)),
            "policy action {action} is not read-only"
        );
        assert!(!action.eq_ignore_ascii_case("secretsmanager:GetSecretValue"));
        assert!(!action.contains('*'), "policy action {action} uses a wildcard");
    }
}

/// The operation names recorded in collection errors are the ones the engine's collection
/// table knows, so a failed call makes the right checks UNKNOWN.
#[test]
fn recorded_operation_names_are_known_to_the_model() {
    // Not tied to one collection: identity, and ELB tags (recognition only).
    let exempt = [("sts", "GetCallerIdentity"), ("elasticloadbalancing", "DescribeTags")];
    for op in OPERATIONS {
        let service = counter::iam_prefix(op.service);
        if exempt.contains(&(service, op.name)) {
            continue;
        }
        let known = crate::model::COLLECTIONS.iter().any(|c| {
            c.service == service && (c.list_operations.contains(&op.name) || c.detail_operations.contains(&op.name))
        });
        assert!(known, "{service}:{} is not named in model::COLLECTIONS", op.name);
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
