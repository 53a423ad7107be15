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
    #[error("cannot read the Terraform state {path}: {}", crate::fsio::Cause(error))]
    Io { path: String, error: std::io::Error },
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
        let text = crate::fsio::read_to_string(path)
            .map_err(|source| TfStateError::Io { path: name.clone(), error: source })?;
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
    "aws_network_acl",
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
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_ecr_repository",
    "aws_iam_openid_connect_provider",
    "aws_eks_node_group",
    "aws_apprunner_service",
    "aws_wafv2_web_acl",
    "aws_wafv2_web_acl_association",
    "aws_acm_certificate",
    "aws_cloudwatch_metric_alarm",
    "aws_sns_topic",
    "aws_cloudwatch_log_group",
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
    let (summary, items, _) = compare_with_addresses(tf, snap);
    (summary, items)
}

/// The live resources the state manages: ARN → the address that manages it (the first, when
/// two addresses claim one resource). SARIF points a finding on such a resource at the
/// address's block (`crate::iac`).
pub fn managed_addresses(tf: &TfState, snap: &Snapshot) -> BTreeMap<String, String> {
    compare_with_addresses(tf, snap).2
}

/// [`compare`], and which address manages each matched live resource.
fn compare_with_addresses(tf: &TfState, snap: &Snapshot) -> (IacSummary, Vec<DriftItem>, BTreeMap<String, String>) {
    let mut addresses: BTreeMap<String, String> = BTreeMap::new();
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
            // A network ACL: its VPC and the subnets it filters (the rules are judged by the
            // NACL checks, FF-NET-004/005).
            "aws_network_acl" => snap.ec2.network_acls.iter().find(|x| x.meta.id == s(a, "id")).map(|x| {
                let mut want: Vec<String> = a
                    .get("subnet_ids")
                    .and_then(|v| v.as_array())
                    .map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                want.sort();
                (
                    &x.meta,
                    vec![
                        ("vpc_id".into(), json!(s(a, "vpc_id")), json!(x.vpc_id)),
                        ("subnet_ids".into(), json!(want), json!(x.subnet_ids)),
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
            other => compute_resource(other, a, snap).or_else(|| perimeter(other, a, snap)),
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
                addresses.entry(m.arn.clone()).or_insert_with(|| r.address.clone());
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
    live.extend(snap.ecs.clusters.iter().map(|c| ("ecs.clusters", &c.meta)));
    live.extend(snap.ecs.services.iter().map(|x| ("ecs.services", &x.meta)));
    live.extend(snap.ecs.task_definitions.iter().map(|x| ("ecs.task_definitions", &x.meta)));
    live.extend(snap.ecr.repositories.iter().map(|x| ("ecr.repositories", &x.meta)));
    live.extend(snap.iam.oidc_providers.iter().map(|x| ("iam.oidc_providers", &x.meta)));
    live.extend(snap.eks.node_groups.iter().map(|x| ("eks.node_groups", &x.meta)));
    live.extend(snap.apprunner.services.iter().map(|x| ("apprunner.services", &x.meta)));
    live.extend(snap.wafv2.web_acls.iter().map(|w| ("wafv2.web_acls", &w.meta)));
    live.extend(snap.acm.certificates.iter().map(|c| ("acm.certificates", &c.meta)));
    live.extend(snap.cloudwatch.alarms.iter().map(|a| ("cloudwatch.alarms", &a.meta)));
    live.extend(snap.sns.topics.iter().map(|t| ("sns.topics", &t.meta)));
    live.extend(snap.logs.log_groups.iter().map(|g| ("logs.log_groups", &g.meta)));
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
    (summary, items, addresses)
}

/// The perimeter types (WAF, ACM, CloudWatch alarms, SNS, Logs): the live resource and the
/// attributes compared. An attribute the state does not record is not compared; the
/// provider's empty string or 0 for "not set" compares equal to the snapshot's null.
fn perimeter<'s>(
    ty: &str,
    a: &serde_json::Map<String, Value>,
    snap: &'s Snapshot,
) -> Option<(&'s ResourceMeta, Vec<Comparison>)> {
    let unset_is_null = |k: &str| match a.get(k) {
        Some(Value::String(v)) if v.is_empty() => Some(Value::Null),
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Some(Value::Null),
        other => other.cloned(),
    };
    let mut out: Vec<Comparison> = Vec::new();
    let mut compare = |k: &str, live: Value| {
        if let Some(want) = unset_is_null(k) {
            out.push((k.to_owned(), want, live));
        }
    };
    match ty {
        "aws_wafv2_web_acl" => {
            let w = snap.wafv2.web_acls.iter().find(|w| w.meta.arn == s(a, "arn"))?;
            compare("name", json!(w.meta.name));
            Some((&w.meta, out))
        }
        "aws_wafv2_web_acl_association" => {
            let x = snap.wafv2.associations.iter().find(|x| x.resource_arn == s(a, "resource_arn"))?;
            compare("web_acl_arn", json!(x.web_acl_arn));
            Some((&x.meta, out))
        }
        "aws_acm_certificate" => {
            let c = snap.acm.certificates.iter().find(|c| c.meta.arn == s(a, "arn"))?;
            compare("domain_name", json!(c.domain_name));
            compare("status", json!(c.status));
            Some((&c.meta, out))
        }
        "aws_cloudwatch_metric_alarm" => {
            let x = snap.cloudwatch.alarms.iter().find(|x| x.meta.name == s(a, "alarm_name"))?;
            compare("namespace", json!(x.namespace));
            compare("metric_name", json!(x.metric_name));
            compare("actions_enabled", json!(x.actions_enabled));
            Some((&x.meta, out))
        }
        "aws_sns_topic" => {
            let t = snap.sns.topics.iter().find(|t| t.meta.arn == s(a, "arn"))?;
            compare("kms_master_key_id", json!(t.kms_key_id));
            Some((&t.meta, out))
        }
        "aws_cloudwatch_log_group" => {
            let g = snap.logs.log_groups.iter().find(|g| g.meta.name == s(a, "name"))?;
            compare("retention_in_days", json!(g.retention_in_days));
            compare("kms_key_id", json!(g.kms_key_id));
            Some((&g.meta, out))
        }
        _ => None,
    }
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

/// A live resource matched to a state resource, with (attribute, state value, live value).
type Matched<'s> = (&'s ResourceMeta, Vec<(String, Value, Value)>);

/// The compute resource types (ECS, ECR, OIDC provider, node group, App Runner): the live
/// resource a state resource names, with the declared attributes to compare.
fn compute_resource<'s>(kind: &str, a: &serde_json::Map<String, Value>, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let by_arn = |m: &ResourceMeta| !s(a, "arn").is_empty() && m.arn == s(a, "arn");
    match kind {
        "aws_ecs_cluster" => {
            snap.ecs.clusters.iter().find(|c| by_arn(&c.meta) || c.meta.name == s(a, "name")).map(|c| (&c.meta, vec![]))
        }
        "aws_ecs_service" => snap
            .ecs
            .services
            .iter()
            .find(|x| {
                x.meta.arn == s(a, "id")
                    || by_arn(&x.meta)
                    || (x.meta.name == s(a, "name") && x.cluster_arn == s(a, "cluster"))
            })
            .map(|x| {
                let mut c = Vec::new();
                if let Some(v) = a.get("desired_count") {
                    c.push(("desired_count".into(), v.clone(), json!(x.desired_count)));
                }
                if let Some(n) = first_block(a, "network_configuration") {
                    if let Some(v) = n.get("assign_public_ip") {
                        let live =
                            x.network.as_ref().and_then(|n| n.assign_public_ip.as_deref()).map(|p| p == "ENABLED");
                        c.push(("assign_public_ip".into(), v.clone(), json!(live)));
                    }
                    if n.get("subnets").is_some() {
                        let mut want = strs(n.get("subnets"));
                        want.sort();
                        let mut got = x.network.as_ref().map(|n| n.subnets.clone()).unwrap_or_default();
                        got.sort();
                        c.push(("subnets".into(), json!(want), json!(got)));
                    }
                }
                (&x.meta, c)
            }),
        "aws_ecs_task_definition" => snap.ecs.task_definitions.iter().find(|t| by_arn(&t.meta)).map(|t| {
            let c = [("task_role_arn", &t.task_role_arn), ("execution_role_arn", &t.execution_role_arn)]
                .into_iter()
                .filter_map(|(k, live)| a.get(k).map(|v| (k.to_owned(), v.clone(), json!(live))))
                .collect();
            (&t.meta, c)
        }),
        "aws_ecr_repository" => snap.ecr.repositories.iter().find(|r| r.meta.name == s(a, "name")).map(|r| {
            let mut c = Vec::new();
            if let Some(v) = a.get("image_tag_mutability") {
                c.push(("image_tag_mutability".into(), v.clone(), json!(r.image_tag_mutability)));
            }
            if let Some(v) = first_block(a, "image_scanning_configuration").and_then(|b| b.get("scan_on_push")) {
                c.push(("scan_on_push".into(), v.clone(), json!(r.scan_on_push)));
            }
            if let Some(v) = first_block(a, "encryption_configuration").and_then(|b| b.get("encryption_type")) {
                c.push(("encryption_type".into(), v.clone(), json!(r.encryption_type)));
            }
            (&r.meta, c)
        }),
        "aws_iam_openid_connect_provider" => snap.iam.oidc_providers.iter().find(|p| by_arn(&p.meta)).map(|p| {
            let mut want = strs(a.get("client_id_list"));
            want.sort();
            let mut got = p.client_ids.clone();
            got.sort();
            (&p.meta, vec![("client_id_list".into(), json!(want), json!(got))])
        }),
        "aws_eks_node_group" => snap
            .eks
            .node_groups
            .iter()
            .find(|g| {
                by_arn(&g.meta) || (g.cluster_name == s(a, "cluster_name") && g.meta.name == s(a, "node_group_name"))
            })
            .map(|g| {
                let mut c = Vec::new();
                if let Some(v) = a.get("node_role_arn") {
                    c.push(("node_role_arn".into(), v.clone(), json!(g.node_role)));
                }
                if a.get("subnet_ids").is_some() {
                    let mut want = strs(a.get("subnet_ids"));
                    want.sort();
                    let mut got = g.subnets.clone();
                    got.sort();
                    c.push(("subnet_ids".into(), json!(want), json!(got)));
                }
                (&g.meta, c)
            }),
        "aws_apprunner_service" => snap.apprunner.services.iter().find(|x| by_arn(&x.meta)).map(|x| {
            let c = first_block(a, "instance_configuration")
                .and_then(|b| b.get("instance_role_arn"))
                .map(|v| vec![("instance_role_arn".into(), v.clone(), json!(x.instance_role_arn))])
                .unwrap_or_default();
            (&x.meta, c)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/data/tfstate/unit.tfstate");

    fn state() -> TfState {
        TfState::parse(FIXTURE, "unit.tfstate").unwrap()
    }

    /// The fixture's two log groups (`a`, `b`) in the account.
    fn with_log_groups(mut s: Snapshot) -> Snapshot {
        for name in ["a", "b"] {
            s.logs.log_groups.push(crate::aws::logs::LogGroup {
                meta: ResourceMeta {
                    arn: format!("arn:aws:logs:us-east-1:123456789012:log-group:{name}"),
                    id: name.into(),
                    name: name.into(),
                    ..Default::default()
                },
                retention_in_days: Some(30),
                kms_key_id: None,
            });
        }
        s
    }

    /// Perimeter types compare what the state records; the provider's "" and 0 are unset.
    #[test]
    fn perimeter_types_compare_recorded_attributes() {
        let text = r#"{"version": 4, "resources": [
            {"mode": "managed", "type": "aws_cloudwatch_log_group", "name": "g", "instances": [{"attributes": {"name": "a", "retention_in_days": 0, "kms_key_id": ""}}]},
            {"mode": "managed", "type": "aws_cloudwatch_log_group", "name": "h", "instances": [{"attributes": {"name": "b", "retention_in_days": 30}}]}
        ]}"#;
        let tf = TfState::parse(text, "p.tfstate").unwrap();
        let (sum, items) = compare(&tf, &with_log_groups(compliant_snapshot()));
        let changed: Vec<_> = items
            .iter()
            .filter(|i| i.state == DriftState::Changed)
            .map(|i| (i.element.as_str(), i.attribute.as_deref()))
            .collect();
        assert_eq!(changed, vec![("aws_cloudwatch_log_group.g", Some("retention_in_days"))]);
        assert_eq!((sum.managed_in_sync, sum.changed), (1, 1));
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
        let (sum, items) = compare(&state(), &with_log_groups(compliant_snapshot()));
        let not_unmanaged: Vec<_> = items.iter().filter(|i| i.state != DriftState::Unmanaged).collect();
        assert!(not_unmanaged.is_empty(), "{not_unmanaged:#?}");
        assert_eq!(sum.missing, 0);
        assert_eq!(sum.changed, 0);
        assert_eq!(sum.unknown_types.get("random_id"), Some(&1));
        assert_eq!(sum.unknown_types.get("aws_cloudwatch_log_group"), None, "log groups are a covered type");
    }

    /// `aws_network_acl` maps to the collected ACL: a subnet moved to another ACL is CHANGED
    /// on `subnet_ids`, an ACL that is gone is MISSING.
    #[test]
    fn network_acl_subnets_and_presence() {
        let text = r#"{"version": 4, "resources": [{"mode": "managed", "type": "aws_network_acl", "name": "db",
            "instances": [{"attributes": {"id": "acl-db", "vpc_id": "vpc-1", "subnet_ids": ["subnet-db-b", "subnet-db-a"]}}]}]}"#;
        let tf = TfState::parse(text, "acl.tfstate").unwrap();
        let mut s = compliant_snapshot();
        s.ec2.network_acls.push(crate::model::NetworkAcl {
            meta: meta("ec2", "network-acl", "acl-db", "flowforge-prod-database-nacl", &[]),
            vpc_id: "vpc-1".into(),
            subnet_ids: vec!["subnet-db-a".into(), "subnet-db-b".into()],
            ..Default::default()
        });
        let (_, items) = compare(&tf, &s);
        assert!(items.iter().all(|i| i.element != "aws_network_acl.db"), "{items:#?}");
        s.ec2.network_acls[0].subnet_ids.pop();
        let (_, items) = compare(&tf, &s);
        let acl: Vec<_> = items.iter().filter(|i| i.element == "aws_network_acl.db").collect();
        assert_eq!(acl.len(), 1, "{items:#?}");
        assert_eq!((acl[0].state, acl[0].attribute.as_deref()), (DriftState::Changed, Some("subnet_ids")));
        s.ec2.network_acls.clear();
        let (_, items) = compare(&tf, &s);
        assert!(
            items.iter().any(|i| i.element == "aws_network_acl.db" && i.state == DriftState::Missing),
            "{items:#?}"
        );
    }

    /// Changed, missing and unmanaged each land where they should.
    #[test]
    fn changed_missing_unmanaged() {
        let mut s = with_log_groups(compliant_snapshot());
        s.logs.log_groups.retain(|g| g.meta.name != "b");
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
                ("aws_cloudwatch_log_group.flows[1]".into(), DriftState::Missing, None),
            ]
        );
        assert_eq!((sum.missing, sum.changed), (2, 3));
    }

    /// Only format 4 is read; anything else is a clear error, never a silent empty state.
    /// Compute types: a node group in sync, an ECR repository whose tag mutability changed by
    /// hand (CHANGED), an ECS service the state has and the account does not (MISSING).
    #[test]
    fn compute_types_are_mapped() {
        let text = r#"{"version": 4, "resources": [
          {"mode": "managed", "type": "aws_eks_node_group", "name": "workers", "instances": [{"attributes": {
            "cluster_name": "flowforge-prod-data-plane", "node_group_name": "flowforge-prod-workers",
            "node_role_arn": "arn:aws:iam::123456789012:role/flowforge-prod-eks-node"}}]},
          {"mode": "managed", "type": "aws_ecr_repository", "name": "ui", "instances": [{"attributes": {
            "name": "flowforge-prod-ui", "image_tag_mutability": "IMMUTABLE"}}]},
          {"mode": "managed", "type": "aws_ecs_service", "name": "gone", "instances": [{"attributes": {
            "id": "arn:aws:ecs:us-east-1:123456789012:service/flowforge-prod-control-plane/gone", "name": "gone"}}]}
        ]}"#;
        let mut s = compliant_snapshot();
        s.ecr.repositories.iter_mut().find(|r| r.meta.name == "flowforge-prod-ui").unwrap().image_tag_mutability =
            Some("MUTABLE".into());
        let (sum, items) = compare(&TfState::parse(text, "c.tfstate").unwrap(), &s);
        let drift: Vec<_> = items
            .iter()
            .filter(|i| i.state != DriftState::Unmanaged)
            .map(|i| (i.element.as_str(), i.state, i.attribute.as_deref()))
            .collect();
        assert_eq!(
            drift,
            vec![
                ("aws_ecr_repository.ui", DriftState::Changed, Some("image_tag_mutability")),
                ("aws_ecs_service.gone", DriftState::Missing, None),
            ]
        );
        assert_eq!((sum.managed_in_sync, sum.changed, sum.missing), (1, 1, 1));
        assert!(items
            .iter()
            .any(|i| i.element == "ecs.task_definitions:flowforge-prod-ui" && i.state == DriftState::Unmanaged));
    }

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
