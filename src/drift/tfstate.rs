//! Terraform state (format version 4, a local `.tfstate` file) as the expected source.
//!
//! Each managed `aws_*` resource of a covered type is matched to a snapshot resource by its
//! identity (id, name or ARN, per type) and its attributes compared: in sync, CHANGED
//! (attribute, state value, live value) or MISSING (in state, gone from the account). Live
//! resources of the covered collections that no state resource matches are UNMANAGED.
//! Configuration resources are folded into their parent: security-group rules into the
//! group's ingress set, the S3 bucket configuration resources into the bucket, role policies
//! and attachments into the role (only when the parent is in the state too).
//! Types the audit does not cover are counted and listed, never an error; data sources are
//! ignored. Not counted as unmanaged, because Terraform rarely owns them: default VPCs and their
//! subnets, `default` security groups, service-linked roles and AWS managed policies.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::Item;
use crate::diag::{self, Code, Problem};
use crate::model::{
    DriftItem, DriftState, IacSummary, PolicyDocument, ResourceMeta, SecurityGroup, Severity, SgRule, Snapshot,
};

/// Why a state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TfStateError {
    #[error("cannot read Terraform state {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Every problem found (`T...` codes), in file order.
    #[error("{}", diag::render("the Terraform state", problems))]
    Invalid { problems: Vec<Problem> },
}

/// One resource instance of the state.
#[derive(Debug, Clone, PartialEq)]
pub struct TfResource {
    /// `module.net.aws_subnet.private["a"]`.
    pub address: String,
    pub resource_type: String,
    pub attributes: serde_json::Map<String, Value>,
}

/// A parsed state file (managed resources only).
#[derive(Debug, Clone, PartialEq)]
pub struct TfState {
    pub source: String,
    pub terraform_version: Option<String>,
    pub resources: Vec<TfResource>,
}

impl TfState {
    pub fn load(path: impl AsRef<Path>) -> Result<TfState, TfStateError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text =
            crate::fsio::read_to_string(path).map_err(|source| TfStateError::Io { path: name.clone(), source })?;
        Self::parse(&text, &name)
    }

    /// Parses state text; `name` labels the file in every problem. Every malformed resource
    /// is reported, each at its position; only an unknown format version stops the reading
    /// early (its shape is not one this reader knows). A UTF-8 byte order mark is accepted.
    pub fn parse(text: &str, name: &str) -> Result<TfState, TfStateError> {
        /// The top-level members this reader uses, as raw text so that each keeps its position.
        #[derive(serde::Deserialize)]
        struct Top<'a> {
            #[serde(borrow)]
            version: Option<&'a RawValue>,
            #[serde(borrow)]
            terraform_version: Option<&'a RawValue>,
            #[serde(borrow)]
            resources: Option<&'a RawValue>,
        }
        let text = diag::strip_bom(text);
        let invalid = |problems: Vec<Problem>| TfStateError::Invalid { problems };
        let at = |code: Code, raw: &RawValue, message: String| match diag::offset_in(text, raw.get()) {
            Some(offset) => Problem::at_offset(code, name, text, offset, message),
            None => Problem::in_file(code, name, message),
        };
        let top: Top = serde_json::from_str(text).map_err(|e| {
            let (code, message) = if e.is_data() {
                (Code::TfStateShape, format!("not a Terraform state: {}", strip_position(&e)))
            } else {
                (Code::TfStateJson, format!("not a Terraform state file (invalid JSON): {}", strip_position(&e)))
            };
            invalid(vec![Problem::new(code, name, e.line(), e.column(), message)])
        })?;
        let mut problems = Vec::new();
        match top.version {
            Some(v) if v.get().trim() == "4" => {}
            Some(v) => {
                return Err(invalid(vec![at(
                    Code::TfStateVersion,
                    v,
                    format!(
                        "Terraform state format version {} is not supported (expected 4; run `terraform state pull` with Terraform >= 0.12)",
                        v.get().trim()
                    ),
                )]))
            }
            None => problems.push(Problem::new(
                Code::TfStateShape,
                name,
                1,
                1,
                "no `version` field (not a Terraform state?)",
            )),
        }
        // A state always has `resources` (`[]` when empty): without it, an empty expected
        // architecture would make every live resource "unmanaged" and hide a wrong file.
        let list: Vec<&RawValue> = match top.resources {
            None => {
                problems.push(Problem::new(
                    Code::TfStateShape,
                    name,
                    1,
                    1,
                    "no `resources` array (not a Terraform state, or a truncated one)",
                ));
                Vec::new()
            }
            Some(raw) => match serde_json::from_str(raw.get()) {
                Ok(items) => items,
                Err(_) => {
                    problems.push(at(Code::TfStateShape, raw, "`resources` must be an array".into()));
                    Vec::new()
                }
            },
        };
        let mut resources = Vec::new();
        for (i, raw) in list.into_iter().enumerate() {
            match resource(i, raw) {
                Ok(mut instances) => resources.append(&mut instances),
                Err(message) => problems.push(at(Code::TfStateShape, raw, message)),
            }
        }
        if !problems.is_empty() {
            diag::sort(&mut problems);
            return Err(invalid(problems));
        }
        let terraform_version = top.terraform_version.and_then(|v| serde_json::from_str::<String>(v.get()).ok());
        Ok(TfState { source: name.to_owned(), terraform_version, resources })
    }
}

/// serde_json's message without its " at line L column C" tail (the problem carries those).
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// The managed instances of `resources[i]`, or what is wrong with it.
fn resource(i: usize, raw: &RawValue) -> Result<Vec<TfResource>, String> {
    let r: Value = serde_json::from_str(raw.get()).map_err(|e| format!("resources[{i}]: {}", strip_position(&e)))?;
    let field =
        |k: &str| r.get(k).and_then(Value::as_str).ok_or_else(|| format!("resources[{i}]: missing string `{k}`"));
    let mode = field("mode")?;
    let ty = field("type")?;
    let rname = field("name")?;
    if mode != "managed" {
        return Ok(Vec::new());
    }
    let base = match r.get("module").and_then(Value::as_str) {
        Some(m) => format!("{m}.{ty}.{rname}"),
        None => format!("{ty}.{rname}"),
    };
    let instances = r
        .get("instances")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("resources[{i}] ({base}): missing `instances` array"))?;
    let mut out = Vec::new();
    for (j, inst) in instances.iter().enumerate() {
        let attributes = inst
            .get("attributes")
            .and_then(Value::as_object)
            .cloned()
            .ok_or_else(|| format!("resources[{i}].instances[{j}] ({base}): missing `attributes` object"))?;
        let address = match inst.get("index_key") {
            Some(Value::String(k)) => format!("{base}[{k:?}]"),
            Some(Value::Number(n)) => format!("{base}[{n}]"),
            _ => base.clone(),
        };
        out.push(TfResource { address, resource_type: ty.to_owned(), attributes });
    }
    Ok(out)
}

/// Types matched to a snapshot resource.
const TOP_TYPES: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_security_group",
    "aws_vpc_endpoint",
    "aws_s3_bucket",
    "aws_db_instance",
    "aws_iam_role",
    "aws_iam_policy",
    "aws_secretsmanager_secret",
    "aws_lb",
    "aws_alb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_eks_cluster",
    "aws_db_snapshot",
    "aws_ssm_parameter",
    "aws_cloudtrail",
    "aws_kms_key",
];
/// Types folded into their parent.
const PART_TYPES: &[&str] = &[
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_policy",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
];

fn s<'a>(attrs: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
    attrs.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Values equal for drift: "" equals null; numbers compare numerically.
fn same(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| v.is_null() || v.as_str() == Some("");
    match (a, b) {
        _ if empty(a) && empty(b) => true,
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A policy given as a JSON string in the state, normalised like the snapshot's documents.
fn policy_value(text: &str) -> Value {
    match PolicyDocument::parse_aws(text) {
        Ok(doc) => serde_json::to_value(doc).unwrap_or(Value::Null),
        Err(_) => Value::String(text.to_owned()),
    }
}

fn doc_value(doc: Option<&PolicyDocument>) -> Value {
    doc.and_then(|d| serde_json::to_value(d).ok()).unwrap_or(Value::Null)
}

/// One ingress permission as a comparable string: `tcp 5432-5432 from sg-123`.
fn rule_strings(
    protocol: &str,
    from: Option<i64>,
    to: Option<i64>,
    sources: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let proto = match protocol.to_ascii_lowercase().as_str() {
        "-1" | "all" => "all".to_owned(),
        "6" => "tcp".to_owned(),
        "17" => "udp".to_owned(),
        p => p.to_owned(),
    };
    let ports =
        if proto == "all" { "all".to_owned() } else { format!("{}-{}", from.unwrap_or(0), to.unwrap_or(65535)) };
    sources.into_iter().map(|src| format!("{proto} {ports} from {src}")).collect()
}

fn live_rules(g: &SecurityGroup) -> BTreeSet<String> {
    g.ingress.iter().flat_map(live_rule).collect()
}

fn live_rule(r: &SgRule) -> Vec<String> {
    let sources =
        r.ipv4_ranges.iter().chain(&r.ipv6_ranges).chain(&r.referenced_group_ids).chain(&r.prefix_list_ids).cloned();
    rule_strings(&r.protocol, r.from_port.map(i64::from), r.to_port.map(i64::from), sources)
}

fn strs(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Rules from an inline `ingress` block or an `aws_security_group_rule`.
fn state_rule(sg_id: &str, a: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut sources = strs(a.get("cidr_blocks"));
    sources.extend(strs(a.get("ipv6_cidr_blocks")));
    sources.extend(strs(a.get("security_groups")));
    sources.extend(strs(a.get("source_security_group_id")));
    sources.extend(strs(a.get("prefix_list_ids")));
    if a.get("self").and_then(Value::as_bool) == Some(true) {
        sources.push(sg_id.to_owned());
    }
    rule_strings(
        s(a, "protocol"),
        a.get("from_port").and_then(Value::as_i64),
        a.get("to_port").and_then(Value::as_i64),
        sources,
    )
}

/// Rules from an `aws_vpc_security_group_ingress_rule`.
fn vpc_rule(a: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut sources = strs(a.get("cidr_ipv4"));
    sources.extend(strs(a.get("cidr_ipv6")));
    sources.extend(strs(a.get("referenced_security_group_id")));
    sources.extend(strs(a.get("prefix_list_id")));
    rule_strings(
        s(a, "ip_protocol"),
        a.get("from_port").and_then(Value::as_i64),
        a.get("to_port").and_then(Value::as_i64),
        sources,
    )
}

fn first_block<'a>(a: &'a serde_json::Map<String, Value>, k: &str) -> Option<&'a serde_json::Map<String, Value>> {
    a.get(k).and_then(Value::as_array).and_then(|v| v.first()).and_then(Value::as_object)
}

/// Expectations gathered from configuration resources, keyed by their parent.
#[derive(Default)]
struct Parts {
    sg_rules: HashMap<String, BTreeSet<String>>,
    bucket: HashMap<String, Vec<(String, Value)>>,
    role_inline: HashMap<String, BTreeMap<String, Value>>,
    role_attached: HashMap<String, BTreeSet<String>>,
}

fn gather_parts(tf: &TfState) -> Parts {
    let mut p = Parts::default();
    for r in &tf.resources {
        let a = &r.attributes;
        match r.resource_type.as_str() {
            "aws_security_group" => {
                let id = s(a, "id");
                let set = p.sg_rules.entry(id.to_owned()).or_default();
                for block in
                    a.get("ingress").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object)
                {
                    set.extend(state_rule(id, block));
                }
            }
            "aws_security_group_rule" if s(a, "type") == "ingress" => {
                let id = s(a, "security_group_id");
                p.sg_rules.entry(id.to_owned()).or_default().extend(state_rule(id, a));
            }
            "aws_vpc_security_group_ingress_rule" => {
                p.sg_rules.entry(s(a, "security_group_id").to_owned()).or_default().extend(vpc_rule(a));
            }
            "aws_s3_bucket_server_side_encryption_configuration" => {
                let alg = first_block(a, "rule")
                    .and_then(|rule| first_block(rule, "apply_server_side_encryption_by_default"))
                    .map(|d| s(d, "sse_algorithm").to_owned());
                if let Some(alg) = alg {
                    p.bucket
                        .entry(s(a, "bucket").to_owned())
                        .or_default()
                        .push(("encryption.rules[0].sse_algorithm".into(), json!(alg)));
                }
            }
            "aws_s3_bucket_versioning" => {
                if let Some(v) = first_block(a, "versioning_configuration") {
                    p.bucket
                        .entry(s(a, "bucket").to_owned())
                        .or_default()
                        .push(("versioning.status".into(), json!(s(v, "status"))));
                }
            }
            "aws_s3_bucket_public_access_block" => {
                let e = p.bucket.entry(s(a, "bucket").to_owned()).or_default();
                for k in ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"] {
                    e.push((format!("public_access_block.{k}"), a.get(k).cloned().unwrap_or(Value::Null)));
                }
            }
            "aws_s3_bucket_policy" => {
                p.bucket
                    .entry(s(a, "bucket").to_owned())
                    .or_default()
                    .push(("policy".into(), policy_value(s(a, "policy"))));
            }
            "aws_iam_role_policy" => {
                // `role` is the role name; `id` is "role:policy".
                p.role_inline
                    .entry(s(a, "role").to_owned())
                    .or_default()
                    .insert(s(a, "name").to_owned(), policy_value(s(a, "policy")));
            }
            "aws_iam_role_policy_attachment" => {
                p.role_attached.entry(s(a, "role").to_owned()).or_default().insert(s(a, "policy_arn").to_owned());
            }
            _ => {}
        }
    }
    p
}

/// (attribute path, value in the state, value in the account).
type Comparison = (String, Value, Value);

/// Compares the state with the snapshot.
pub(crate) fn compare(tf: &TfState, snap: &Snapshot) -> (IacSummary, Vec<DriftItem>) {
    let parts = gather_parts(tf);
    // The file's name only: reports must not depend on how its path was spelled (issue 10).
    let name = std::path::Path::new(&tf.source).file_name().and_then(|n| n.to_str()).unwrap_or(&tf.source);
    let mut summary = IacSummary { state_file: name.to_owned(), ..Default::default() };
    let mut items = Vec::new();
    let mut managed: BTreeSet<&str> = BTreeSet::new();

    for r in &tf.resources {
        let ty = r.resource_type.as_str();
        if PART_TYPES.contains(&ty) {
            continue;
        }
        if !TOP_TYPES.contains(&ty) {
            *summary.unknown_types.entry(ty.to_owned()).or_default() += 1;
            continue;
        }
        let a = &r.attributes;
        // (live resource meta, [(attribute, state value, live value)])
        let found: Option<(&ResourceMeta, Vec<Comparison>)> = match ty {
            "aws_vpc" => snap
                .ec2
                .vpcs
                .iter()
                .find(|v| v.meta.id == s(a, "id"))
                .map(|v| (&v.meta, vec![("cidr_block".into(), json!(s(a, "cidr_block")), json!(v.cidr_block))])),
            "aws_subnet" => snap.ec2.subnets.iter().find(|x| x.meta.id == s(a, "id")).map(|x| {
                (
                    &x.meta,
                    vec![
                        ("cidr_block".into(), json!(s(a, "cidr_block")), json!(x.cidr_block)),
                        ("availability_zone".into(), json!(s(a, "availability_zone")), json!(x.availability_zone)),
                        (
                            "map_public_ip_on_launch".into(),
                            a.get("map_public_ip_on_launch").cloned().unwrap_or(json!(false)),
                            json!(x.map_public_ip_on_launch),
                        ),
                    ],
                )
            }),
            "aws_security_group" => snap.ec2.security_groups.iter().find(|g| g.meta.id == s(a, "id")).map(|g| {
                let expected: Vec<String> =
                    parts.sg_rules.get(s(a, "id")).map(|r| r.iter().cloned().collect()).unwrap_or_default();
                let actual: Vec<String> = live_rules(g).into_iter().collect();
                (
                    &g.meta,
                    vec![
                        ("group_name".into(), json!(s(a, "name")), json!(g.group_name)),
                        ("ingress".into(), json!(expected), json!(actual)),
                    ],
                )
            }),
            "aws_vpc_endpoint" => snap
                .ec2
                .vpc_endpoints
                .iter()
                .find(|e| {
                    e.meta.id == s(a, "id") && !matches!(e.state.to_ascii_lowercase().as_str(), "deleted" | "deleting")
                })
                .map(|e| {
                    let mut c = vec![
                        ("service_name".into(), json!(s(a, "service_name")), json!(e.service_name)),
                        ("endpoint_type".into(), json!(s(a, "vpc_endpoint_type")), json!(e.endpoint_type)),
                    ];
                    if e.endpoint_type == "Interface" {
                        c.push((
                            "private_dns_enabled".into(),
                            a.get("private_dns_enabled").cloned().unwrap_or(json!(false)),
                            json!(e.private_dns_enabled),
                        ));
                    }
                    (&e.meta, c)
                }),
            "aws_s3_bucket" => {
                let name = if s(a, "bucket").is_empty() { s(a, "id") } else { s(a, "bucket") };
                snap.s3.buckets.iter().find(|b| b.meta.name == name).map(|b| {
                    let live = serde_json::to_value(b).unwrap_or(Value::Null);
                    let c = parts
                        .bucket
                        .get(name)
                        .into_iter()
                        .flatten()
                        .map(|(path, want)| {
                            let got = if path == "policy" { doc_value(b.policy.as_ref()) } else { lookup(&live, path) };
                            (path.clone(), want.clone(), got)
                        })
                        .collect();
                    (&b.meta, c)
                })
            }
            "aws_db_instance" => snap.rds.db_instances.iter().find(|d| d.meta.id == s(a, "identifier")).map(|d| {
                let live = serde_json::to_value(d).unwrap_or(Value::Null);
                let mut c: Vec<(String, Value, Value)> = [
                    "engine",
                    "multi_az",
                    "storage_encrypted",
                    "publicly_accessible",
                    "deletion_protection",
                    "backup_retention_period",
                    "iam_database_authentication_enabled",
                ]
                .iter()
                .filter_map(|k| a.get(*k).map(|v| ((*k).to_owned(), v.clone(), lookup(&live, k))))
                .collect();
                if let Some(v) = a.get("instance_class") {
                    c.push(("instance_class".into(), v.clone(), json!(d.instance_class)));
                }
                if let Some(v) = a.get("port") {
                    c.push(("port".into(), v.clone(), json!(d.port)));
                }
                (&d.meta, c)
            }),
            "aws_iam_role" => snap.iam.roles.iter().find(|x| x.meta.name == s(a, "name")).map(|x| {
                let mut c = vec![(
                    "assume_role_policy".into(),
                    policy_value(s(a, "assume_role_policy")),
                    doc_value(Some(&x.assume_role_policy)),
                )];
                let role = s(a, "name");
                if let Some(want) = parts.role_inline.get(role) {
                    for (pname, doc) in want {
                        let got = doc_value(x.inline_policies.iter().find(|p| &p.name == pname).map(|p| &p.document));
                        c.push((format!("inline_policies.{pname}"), doc.clone(), got));
                    }
                    let extra: Vec<&str> =
                        x.inline_policies.iter().map(|p| p.name.as_str()).filter(|n| !want.contains_key(*n)).collect();
                    if !extra.is_empty() {
                        c.push((
                            "inline_policies".into(),
                            json!(want.keys().collect::<Vec<_>>()),
                            json!(x.inline_policies.iter().map(|p| &p.name).collect::<Vec<_>>()),
                        ));
                    }
                }
                if let Some(want) = parts.role_attached.get(role) {
                    let got: BTreeSet<&str> = x.attached_policies.iter().map(|p| p.policy_arn.as_str()).collect();
                    c.push(("attached_policies".into(), json!(want), json!(got)));
                }
                (&x.meta, c)
            }),
            "aws_iam_policy" => snap.iam.policies.iter().find(|p| p.meta.arn == s(a, "arn")).map(|p| {
                (&p.meta, vec![("document".into(), policy_value(s(a, "policy")), doc_value(p.document.as_ref()))])
            }),
            "aws_secretsmanager_secret" => snap
                .secretsmanager
                .secrets
                .iter()
                .find(|x| x.meta.arn == s(a, "arn") || x.meta.name == s(a, "name"))
                .map(|x| {
                    (
                        &x.meta,
                        vec![
                            ("kms_key_id".into(), json!(s(a, "kms_key_id")), json!(x.kms_key_id)),
                            ("description".into(), json!(s(a, "description")), json!(x.description)),
                        ],
                    )
                }),
            "aws_lb" | "aws_alb" => snap.elbv2.load_balancers.iter().find(|l| l.meta.arn == s(a, "arn")).map(|l| {
                let scheme = if a.get("internal").and_then(Value::as_bool) == Some(true) {
                    "internal"
                } else {
                    "internet-facing"
                };
                (
                    &l.meta,
                    vec![
                        ("lb_type".into(), json!(s(a, "load_balancer_type")), json!(l.lb_type)),
                        ("scheme".into(), json!(scheme), json!(l.scheme)),
                    ],
                )
            }),
            "aws_lb_listener" | "aws_alb_listener" => {
                snap.elbv2.listeners.iter().find(|l| l.meta.arn == s(a, "arn")).map(|l| {
                    let port = a.get("port").cloned().map(|p| match p {
                        Value::String(s) => s.parse::<i64>().map(|n| json!(n)).unwrap_or(Value::String(s)),
                        other => other,
                    });
                    (
                        &l.meta,
                        vec![
                            ("port".into(), port.unwrap_or(Value::Null), json!(l.port)),
                            ("protocol".into(), json!(s(a, "protocol")), json!(l.protocol)),
                            ("ssl_policy".into(), json!(s(a, "ssl_policy")), json!(l.ssl_policy)),
                        ],
                    )
                })
            }
            "aws_eks_cluster" => snap.eks.clusters.iter().find(|c| c.meta.name == s(a, "name")).map(|c| {
                let mut out = vec![("version".into(), json!(s(a, "version")), json!(c.version))];
                if let Some(vc) = first_block(a, "vpc_config") {
                    for (k, live) in [
                        ("endpoint_public_access", c.endpoint_public_access),
                        ("endpoint_private_access", Some(c.endpoint_private_access)),
                    ] {
                        if let Some(v) = vc.get(k) {
                            out.push((k.to_owned(), v.clone(), json!(live)));
                        }
                    }
                }
                (&c.meta, out)
            }),
            "aws_db_snapshot" => snap
                .rds
                .db_snapshots
                .iter()
                .find(|x| x.meta.id == s(a, "db_snapshot_identifier") || x.meta.arn == s(a, "db_snapshot_arn"))
                .map(|x| {
                    let c = a
                        .get("encrypted")
                        .map(|v| ("encrypted".to_owned(), v.clone(), json!(x.encrypted)))
                        .into_iter()
                        .collect();
                    (&x.meta, c)
                }),
            // Never the value: the state's `value` is a secret for SecureString, and the
            // snapshot does not hold it.
            "aws_ssm_parameter" => {
                snap.ssm.parameters.iter().find(|x| x.meta.name == s(a, "name") || x.meta.arn == s(a, "arn")).map(|x| {
                    let mut c = vec![("type".to_owned(), json!(s(a, "type")), json!(x.parameter_type))];
                    if let Some(v) = a.get("key_id").filter(|v| v.as_str().is_some_and(|k| !k.is_empty())) {
                        c.push(("key_id".into(), v.clone(), json!(x.key_id)));
                    }
                    (&x.meta, c)
                })
            }
            "aws_cloudtrail" => {
                snap.cloudtrail.trails.iter().find(|x| x.meta.arn == s(a, "arn") || x.meta.name == s(a, "name")).map(
                    |x| {
                        let c = [
                            ("is_multi_region_trail", "is_multi_region", json!(x.is_multi_region)),
                            (
                                "enable_log_file_validation",
                                "log_file_validation_enabled",
                                json!(x.log_file_validation_enabled),
                            ),
                            ("enable_logging", "is_logging", json!(x.is_logging)),
                            ("s3_bucket_name", "s3_bucket_name", json!(x.s3_bucket_name)),
                        ]
                        .into_iter()
                        .filter_map(|(k, attr, live)| a.get(k).map(|v| (attr.to_owned(), v.clone(), live)))
                        .collect();
                        (&x.meta, c)
                    },
                )
            }
            "aws_kms_key" => {
                snap.kms.keys.iter().find(|k| k.meta.arn == s(a, "arn") || k.meta.id == s(a, "key_id")).map(|k| {
                    let c = [
                        ("enable_key_rotation", "rotation_enabled", json!(k.rotation_enabled)),
                        ("is_enabled", "enabled", json!(k.enabled)),
                    ]
                    .into_iter()
                    .filter_map(|(key, attr, live)| a.get(key).map(|v| (attr.to_owned(), v.clone(), live)))
                    .collect();
                    (&k.meta, c)
                })
            }
            _ => None,
        };
        match found {
            None => {
                summary.missing += 1;
                items.push(
                    Item::new("iac", &r.address, DriftState::Missing, Severity::Medium)
                        .message(format!("{} is in the Terraform state but not in the account", r.address)),
                );
            }
            Some((m, comparisons)) => {
                managed.insert(m.arn.as_str());
                let diffs: Vec<_> = comparisons.into_iter().filter(|(_, want, got)| !same(want, got)).collect();
                if diffs.is_empty() {
                    summary.managed_in_sync += 1;
                } else {
                    summary.changed += 1;
                }
                for (attr, want, got) in diffs {
                    let msg = format!("{}: {attr} is {got} in the account, {want} in the Terraform state", r.address);
                    items.push(
                        Item::new("iac", &r.address, DriftState::Changed, Severity::Medium)
                            .arn(&m.arn)
                            .attr(attr, want, got)
                            .message(msg),
                    );
                }
            }
        }
    }

    // Unmanaged: live resources of the covered collections that no state resource matched.
    let default_vpcs: BTreeSet<&str> =
        snap.ec2.vpcs.iter().filter(|v| v.is_default).map(|v| v.meta.id.as_str()).collect();
    let mut live: Vec<(&str, &ResourceMeta)> = Vec::new();
    live.extend(snap.ec2.vpcs.iter().filter(|v| !v.is_default).map(|v| ("ec2.vpcs", &v.meta)));
    live.extend(
        snap.ec2.subnets.iter().filter(|x| !default_vpcs.contains(x.vpc_id.as_str())).map(|x| ("ec2.subnets", &x.meta)),
    );
    live.extend(
        snap.ec2.security_groups.iter().filter(|g| g.group_name != "default").map(|g| ("ec2.security_groups", &g.meta)),
    );
    live.extend(
        snap.ec2
            .vpc_endpoints
            .iter()
            .filter(|e| !matches!(e.state.to_ascii_lowercase().as_str(), "deleted" | "deleting"))
            .map(|e| ("ec2.vpc_endpoints", &e.meta)),
    );
    live.extend(snap.s3.buckets.iter().map(|b| ("s3.buckets", &b.meta)));
    live.extend(snap.rds.db_instances.iter().map(|d| ("rds.db_instances", &d.meta)));
    live.extend(
        snap.iam.roles.iter().filter(|r| !r.path.starts_with("/aws-service-role/")).map(|r| ("iam.roles", &r.meta)),
    );
    live.extend(snap.iam.policies.iter().filter(|p| !p.aws_managed).map(|p| ("iam.policies", &p.meta)));
    live.extend(snap.secretsmanager.secrets.iter().map(|x| ("secretsmanager.secrets", &x.meta)));
    live.extend(snap.elbv2.load_balancers.iter().map(|l| ("elbv2.load_balancers", &l.meta)));
    live.extend(snap.elbv2.listeners.iter().map(|l| ("elbv2.listeners", &l.meta)));
    live.extend(snap.eks.clusters.iter().map(|c| ("eks.clusters", &c.meta)));
    live.extend(
        snap.rds.db_snapshots.iter().filter(|x| x.snapshot_type == "manual").map(|x| ("rds.db_snapshots", &x.meta)),
    );
    live.extend(snap.ssm.parameters.iter().map(|x| ("ssm.parameters", &x.meta)));
    live.extend(snap.cloudtrail.trails.iter().map(|x| ("cloudtrail.trails", &x.meta)));
    live.extend(
        snap.kms.keys.iter().filter(|k| k.key_manager.as_deref() == Some("CUSTOMER")).map(|k| ("kms.keys", &k.meta)),
    );
    let mut matched_live = 0usize;
    for (collection, m) in &live {
        if managed.contains(m.arn.as_str()) {
            matched_live += 1;
            continue;
        }
        summary.unmanaged += 1;
        let label = if m.name.is_empty() { &m.id } else { &m.name };
        items.push(
            Item::new("iac", format!("{collection}:{label}"), DriftState::Unmanaged, Severity::Low)
                .arn(&m.arn)
                .message(format!("{label} ({collection}) is in the account but not in the Terraform state")),
        );
    }
    summary.coverage_percent = super::percent(matched_live, live.len());
    (summary, items)
}

/// Follows a dotted path with `[i]` indexes through a JSON value; Null when absent.
fn lookup(v: &Value, path: &str) -> Value {
    let mut cur = v;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        cur = match cur.get(key) {
            Some(x) => x,
            None => return Value::Null,
        };
        if let Some(i) = index {
            cur = match cur.get(i) {
                Some(x) => x,
                None => return Value::Null,
            };
        }
    }
    cur.clone()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/data/tfstate/unit.tfstate");

    fn state() -> TfState {
        TfState::parse(FIXTURE, "unit.tfstate").unwrap()
    }

    /// Addresses carry module and index keys; data sources are skipped.
    #[test]
    fn parses_addresses() {
        let tf = state();
        let addrs: Vec<&str> = tf.resources.iter().map(|r| r.address.as_str()).collect();
        assert!(addrs.contains(&"module.lake.aws_s3_bucket.layer[\"gold\"]"), "{addrs:?}");
        assert!(!addrs.iter().any(|a| a.contains("aws_caller_identity")));
    }

    /// The compliant account against its own state: everything managed, nothing drifts,
    /// unknown types are counted.
    #[test]
    fn compliant_account_matches_state() {
        let (sum, items) = compare(&state(), &compliant_snapshot());
        let not_unmanaged: Vec<_> = items.iter().filter(|i| i.state != DriftState::Unmanaged).collect();
        assert!(not_unmanaged.is_empty(), "{not_unmanaged:#?}");
        assert_eq!(sum.missing, 0);
        assert_eq!(sum.changed, 0);
        assert_eq!(sum.unknown_types.get("random_id"), Some(&1));
        assert_eq!(sum.unknown_types.get("aws_cloudwatch_log_group"), Some(&2));
    }

    /// Changed, missing and unmanaged each land where they should.
    #[test]
    fn changed_missing_unmanaged() {
        let mut s = compliant_snapshot();
        s.rds.db_instances[0].multi_az = Some(false);
        s.s3.buckets
            .iter_mut()
            .find(|b| b.meta.name == "flowforge-prod-gold")
            .unwrap()
            .encryption
            .as_mut()
            .unwrap()
            .rules[0]
            .sse_algorithm = "AES256".into();
        s.ec2.vpc_endpoints.retain(|e| e.meta.id != "vpce-sm");
        let sg = s.ec2.security_groups.iter_mut().find(|g| g.meta.id == "sg-db").unwrap();
        sg.ingress.push(sg_rule(5432, &["0.0.0.0/0"], &[]));
        let (sum, items) = compare(&state(), &s);
        let got: Vec<(String, DriftState, Option<String>)> = items
            .iter()
            .filter(|i| i.state != DriftState::Unmanaged)
            .map(|i| (i.element.clone(), i.state, i.attribute.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("aws_security_group.database".into(), DriftState::Changed, Some("ingress".into())),
                ("aws_vpc_endpoint.secretsmanager".into(), DriftState::Missing, None),
                (
                    "module.lake.aws_s3_bucket.layer[\"gold\"]".into(),
                    DriftState::Changed,
                    Some("encryption.rules[0].sse_algorithm".into())
                ),
                ("aws_db_instance.metadata".into(), DriftState::Changed, Some("multi_az".into())),
            ]
        );
        assert_eq!((sum.missing, sum.changed), (1, 3));
    }

    /// Only format 4 is read; anything else is a clear error, never a silent empty state.
    #[test]
    fn bad_state_files_are_errors() {
        let e = TfState::parse(r#"{"version": 3, "modules": []}"#, "old.tfstate").unwrap_err().to_string();
        assert!(e.contains("old.tfstate:1:13: error[T002]") && e.contains("version 3"), "{e}");
        let e = TfState::parse("{\"version\": 4,\n \"resources\": [", "cut.tfstate").unwrap_err().to_string();
        assert!(e.contains("\n  cut.tfstate:2:") && e.contains("error[T001]"), "{e}");
        let e = TfState::parse(r#"{"version": 4, "resources": [{"mode": "managed", "type": "aws_vpc"}]}"#, "x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x:1:30: error[T003]: resources[0]: missing string `name`"), "{e}");
    }

    /// A state without `resources` was accepted as an empty state, making every live resource
    /// "unmanaged" instead of refusing a wrong or truncated file.
    #[test]
    fn tfstate_without_resources_is_refused() {
        for text in [r#"{"version": 4}"#, r#"{"version": 4, "resources": null}"#] {
            let e = TfState::parse(text, "s.tfstate").unwrap_err().to_string();
            assert!(e.contains("s.tfstate:1:1: error[T003]: no `resources` array"), "{e}");
        }
        assert!(TfState::parse(r#"{"version": 4, "resources": []}"#, "s.tfstate").is_ok());
    }

    /// Every malformed resource is listed, each at its own line, not only the first.
    #[test]
    fn every_malformed_resource_is_listed() {
        let text = "{\"version\": 4, \"resources\": [\n {\"mode\": \"managed\"},\n {\"mode\": \"managed\", \"type\": \"aws_vpc\", \"name\": \"v\"}\n]}";
        let Err(TfStateError::Invalid { problems }) = TfState::parse(text, "s.tfstate") else { panic!("accepted") };
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3], "{problems:?}");
    }

    /// A UTF-8 byte order mark (as Windows editors write) was refused as invalid JSON.
    #[test]
    fn tfstate_with_byte_order_mark_is_accepted() {
        let with_bom = format!("\u{feff}{FIXTURE}");
        assert_eq!(TfState::parse(&with_bom, "unit.tfstate").unwrap(), state());
    }
}
