//! SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).
//!
//! One rule per check (its id is the check id, so an alert, a waiver and a CSV row all name the
//! same thing), one result per FAIL, per UNKNOWN (as a note: the resource was not audited) and
//! per WAIVED (carrying an accepted external suppression with the waiver's reason). Drift items
//! that are not in sync become results of the rules `DRIFT-MISSING`, `DRIFT-CHANGED` and
//! `DRIFT-UNMANAGED`. Broken checks and collection errors are tool execution notifications.
//!
//! Locations point at the user's own files, never at the tool's (code scanning builds its
//! alerts' identity and annotations from them, and requires a physical location on every
//! result):
//! - a result on a resource the Terraform state manages, whose `resource` block was found in
//!   the `.tf` files (`--iac-dir`, by default the state's directory), points at that block's
//!   file and line; a Terraform drift item (`iac`) at its address's block;
//! - other drift items point at the baseline file as it was given (`--baseline
//!   audit/baseline.yaml`), since the baseline declares what they expect;
//! - anything else carries the resource's ARN as its artifact URI: an absolute URI of the
//!   `arn:` scheme, which no repository path can be mistaken for (and, for a drift item of the
//!   built-in baseline with no resource, the baseline's `builtin:` label).
//!
//! Every result also has the ARN as a logical location. `partialFingerprints` carries the
//! stable finding (or drift) id, which depends on the check and the resource only, so an alert
//! keeps its identity from one scan to the next even when its Terraform block moves.
//!
//! Every built-in rule has a `helpUri`: the check's `.rego` file, with its METADATA, under the
//! base the run was given (`--help-uri-base`, recorded in the report's provenance so that an
//! evidence bundle reproduces it), or by default in the package's [`REPOSITORY`] at the tool's
//! version tag (`<repository>/blob/v<version>/`). A drift item is rated by its own severity:
//! drift rules are one per state and severity, with hierarchical ids (`DRIFT-CHANGED/medium`,
//! SARIF §3.27.5), so a medium item never shows under a rule rated high. A waived FAIL is a `note` carrying
//! its suppression, never an `error`.

mod model;

use std::collections::BTreeMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::json;

use crate::model::{AuditReport, CheckResult, CheckRun, DriftItem, DriftState, Severity, Status, TerraformBlock};

use self::model::*;
use super::common::service_of;
use super::{Format, Renderer, ReportError};

/// The repository the package declares (Cargo.toml `repository`): the default `helpUri` base.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The default `helpUri` base: the repository's tree at the tool's version tag.
pub fn default_help_uri_base(version: &str) -> String {
    format!("{REPOSITORY}/blob/v{version}")
}

/// The `helpUri` of a repository file under `base` (the run's `--help-uri-base`, else
/// [`default_help_uri_base`]).
fn help_uri(base: &str, path: &str) -> String {
    format!("{base}/{}", utf8_percent_encode(path, PATH))
}

/// `--help-uri-base`: an absolute `http(s)` URL with a host, no query, fragment, whitespace or
/// control character (SARIF wants an absolute URI); a trailing `/` is dropped.
pub fn parse_help_uri_base(s: &str) -> Result<String, String> {
    let expected = "expected an absolute http(s) URL such as https://github.com/ORG/flowforge-audit/blob/v0.1.0";
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    let Some(rest) = rest else { return Err(format!("{s:?} is not an http(s) URL; {expected}")) };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("{s:?} has no host; {expected}"));
    }
    if let Some(c) =
        s.chars().find(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '<' | '>' | '\\'))
    {
        return Err(format!("{s:?} contains {c:?}; {expected}, without query or fragment"));
    }
    Ok(s.trim_end_matches('/').to_owned())
}

/// The `partialFingerprints` key holding the finding id.
pub const FINGERPRINT_KEY: &str = "flowforgeFindingId/v1";

/// Renders SARIF 2.1.0.
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifRenderer;

impl Renderer for SarifRenderer {
    fn format(&self) -> Format {
        Format::Sarif
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.sarif"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        super::json::write_pretty_json("SARIF", &build(report), out)
    }
}

/// GitHub's `security-severity` score for a severity (critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium | Severity::Low => Level::Warning,
        Severity::Info => Level::Note,
    }
}

/// Characters that cannot appear raw in a URI reference path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\');

/// The URI of a path as the user gave it: a relative reference with `/` separators (relative
/// to where the tool ran: the repository root in CI), or a `file://` URI for an absolute path.
fn path_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let encoded = utf8_percent_encode(path, PATH).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// An ARN as an absolute URI (its own `arn:` scheme), percent-encoding what a URI cannot hold.
fn arn_uri(arn: &str) -> String {
    utf8_percent_encode(arn, PATH).to_string()
}

/// Where results point: the run's Terraform blocks by ARN and by address, and the baseline.
struct Locator<'a> {
    by_arn: BTreeMap<&'a str, &'a TerraformBlock>,
    by_address: BTreeMap<&'a str, &'a TerraformBlock>,
    baseline: Option<&'a str>,
}

impl<'a> Locator<'a> {
    fn new(report: &'a AuditReport) -> Locator<'a> {
        let blocks = &report.sources.terraform;
        Locator {
            by_arn: blocks.iter().filter_map(|b| b.arn.as_deref().map(|a| (a, b))).collect(),
            by_address: blocks.iter().map(|b| (b.address.as_str(), b)).collect(),
            baseline: report.sources.baseline.as_deref(),
        }
    }

    fn block(b: &TerraformBlock) -> PhysicalLocation {
        PhysicalLocation {
            artifact_location: ArtifactLocation { uri: path_uri(&b.file) },
            region: Region { start_line: b.line.max(1) },
        }
    }

    fn file(uri: String) -> PhysicalLocation {
        PhysicalLocation { artifact_location: ArtifactLocation { uri }, region: Region { start_line: 1 } }
    }

    /// A check result: its resource's Terraform block, else its ARN.
    fn result(&self, r: &CheckResult) -> (PhysicalLocation, Option<&'a TerraformBlock>) {
        match self.by_arn.get(r.resource_arn.as_str()) {
            Some(b) => (Self::block(b), Some(b)),
            None => (Self::file(arn_uri(&r.resource_arn)), None),
        }
    }

    /// A drift item: a Terraform item at its address's block (or its resource's); another at
    /// the baseline as given; else its ARN, else the built-in baseline.
    fn drift(&self, item: &DriftItem) -> PhysicalLocation {
        let arn = item.resource_arn.as_deref().filter(|a| !a.is_empty());
        if item.kind == "iac" {
            let block = self.by_address.get(item.element.as_str()).or_else(|| arn.and_then(|a| self.by_arn.get(a)));
            if let Some(b) = block {
                return Self::block(b);
            }
        } else if let Some(baseline) = self.baseline {
            return Self::file(path_uri(baseline));
        }
        match arn {
            Some(arn) => Self::file(arn_uri(arn)),
            None => Self::file(path_uri(crate::baseline::BUILTIN_BASELINE_NAME)),
        }
    }
}

fn rule_for(check: &CheckRun, base: &str) -> Rule {
    let m = &check.meta;
    let mut tags =
        vec!["security".to_string(), "flowforge".to_string(), m.area.clone(), service_of(&m.id, Some(check))];
    tags.sort();
    tags.dedup();
    tags.retain(|t| !t.is_empty());
    let frameworks: Vec<String> =
        m.frameworks.iter().map(|(fw, controls)| format!("{fw}: {}", controls.join(", "))).collect();
    let mut help_md = format!("**Remediation:** {}\n\n**Guide section:** {}", m.remediation, m.guide_section);
    if !frameworks.is_empty() {
        help_md.push_str(&format!("\n\n**Frameworks:** {}", frameworks.join("; ")));
    }
    Rule {
        id: m.id.clone(),
        name: m.package.rsplit('.').next().unwrap_or(&m.id).to_string(),
        short_description: Text::plain(m.title.clone()),
        full_description: Text::plain(m.description.clone()),
        help: Text {
            text: format!("{}\n\nGuide section: {}", m.remediation, m.guide_section),
            markdown: Some(help_md),
        },
        help_uri: m.source.strip_prefix("builtin:").map(|path| help_uri(base, path)),
        default_configuration: Configuration { level: level(m.severity) },
        properties: RuleProperties {
            tags,
            security_severity: security_severity(m.severity).to_string(),
            precision: "very-high",
            frameworks: m.frameworks.clone(),
        },
    }
}

/// The rule id of drift items in `state` rated `severity`.
fn drift_rule_id(state: DriftState, severity: Severity) -> String {
    format!("DRIFT-{}/{}", state.as_str(), severity.as_str())
}

fn drift_rule(state: DriftState, severity: Severity, base: &str) -> Rule {
    let (name, short, full) = match state {
        DriftState::Missing => (
            "drift-missing",
            "An element the FlowForge baseline declares is missing",
            "The expected architecture declares this element, but it was not found in the account.",
        ),
        DriftState::Changed => (
            "drift-changed",
            "An element differs from the FlowForge baseline",
            "The element exists, but an attribute differs from the value the baseline expects.",
        ),
        _ => (
            "drift-unmanaged",
            "A resource is not part of the FlowForge baseline",
            "The resource looks like FlowForge's but no element of the baseline declares it.",
        ),
    };
    let help = "Bring the account back to the baseline, or change the baseline if the difference is intended.";
    Rule {
        id: drift_rule_id(state, severity),
        name: name.to_string(),
        short_description: Text::plain(short),
        full_description: Text::plain(full),
        help: Text::plain(help),
        help_uri: Some(format!("{}#drift", help_uri(base, "docs/report.md"))),
        default_configuration: Configuration { level: level(severity) },
        properties: RuleProperties {
            tags: vec!["drift".to_string(), "flowforge".to_string(), "security".to_string()],
            security_severity: security_severity(severity).to_string(),
            precision: "high",
            frameworks: BTreeMap::new(),
        },
    }
}

fn resource_location(physical: PhysicalLocation, arn: &str, name: &str) -> Location {
    let fqn = if arn.is_empty() { name } else { arn };
    Location {
        physical_location: physical,
        logical_locations: vec![LogicalLocation {
            name: if name.is_empty() { fqn.to_string() } else { name.to_string() },
            fully_qualified_name: fqn.to_string(),
            kind: "resource",
        }],
    }
}

fn check_result(r: &CheckResult, locator: &Locator<'_>, rule_index: Option<usize>) -> Option<SarifResult> {
    let (level, prefix) = match r.status {
        Status::Fail => (level(r.severity), ""),
        // Accepted by a waiver: shown, suppressed, and never an error.
        Status::Waived => (Level::Note, "Waived: "),
        Status::Unknown => (Level::Note, "Not audited (UNKNOWN): "),
        _ => return None,
    };
    let who = if r.resource_name.is_empty() { r.resource_arn.as_str() } else { r.resource_name.as_str() };
    let (physical, block) = locator.result(r);
    let suppressions = match (&r.waiver, r.status) {
        (Some(w), Status::Waived) => vec![Suppression {
            kind: "external",
            status: "accepted",
            justification: format!("{} (owner {}, expires {})", w.reason, w.owner, w.expires),
        }],
        _ => Vec::new(),
    };
    let mut properties = BTreeMap::new();
    properties.insert("status".to_string(), json!(r.status.as_str()));
    properties.insert("severity".to_string(), json!(r.severity.as_str()));
    properties.insert("resourceArn".to_string(), json!(r.resource_arn));
    properties.insert("region".to_string(), json!(r.region));
    if !r.evidence.is_empty() {
        properties.insert("evidence".to_string(), json!(r.evidence));
    }
    if let Some(b) = block {
        properties.insert("terraformAddress".to_string(), json!(b.address));
    }
    Some(SarifResult {
        rule_id: r.check_id.clone(),
        rule_index,
        level,
        message: Text::plain(format!("{prefix}{who}: {}", r.message)),
        locations: vec![resource_location(physical, &r.resource_arn, &r.resource_name)],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY.to_string(), r.finding_id.clone())]),
        suppressions,
        properties,
    })
}

fn drift_result(item: &DriftItem, locator: &Locator<'_>, rule_index: Option<usize>) -> SarifResult {
    let arn = item.resource_arn.as_deref().unwrap_or("");
    let mut properties = BTreeMap::new();
    properties.insert("kind".to_string(), json!(item.kind));
    properties.insert("element".to_string(), json!(item.element));
    properties.insert("severity".to_string(), json!(item.severity.as_str()));
    for (k, v) in
        [("attribute", json!(item.attribute)), ("expected", json!(item.expected)), ("actual", json!(item.actual))]
    {
        if !v.is_null() {
            properties.insert(k.to_string(), v);
        }
    }
    SarifResult {
        rule_id: drift_rule_id(item.state, item.severity),
        rule_index,
        level: level(item.severity),
        message: Text::plain(format!("{}: {}", item.element, item.message)),
        locations: vec![resource_location(locator.drift(item), arn, &item.element)],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY.to_string(), item.drift_id.clone())]),
        suppressions: Vec::new(),
        properties,
    }
}

fn build(report: &AuditReport) -> Log {
    let locator = Locator::new(report);
    let base = match &report.provenance.help_uri_base {
        Some(base) => base.clone(),
        None => default_help_uri_base(&report.provenance.tool_version),
    };
    let mut rules: Vec<Rule> = report.checks.iter().map(|c| rule_for(c, &base)).collect();

    // Drift rules: one per (state, severity) present, so each item is rated by its own severity.
    let drift_rules: std::collections::BTreeSet<(DriftState, Severity)> = report
        .drift
        .iter()
        .flat_map(|d| &d.items)
        .filter(|i| i.state != DriftState::InSync)
        .map(|i| (i.state, i.severity))
        .collect();
    rules.extend(drift_rules.iter().map(|(state, sev)| drift_rule(*state, *sev, &base)));
    let index: BTreeMap<String, usize> = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();

    let mut results: Vec<SarifResult> =
        report.results.iter().filter_map(|r| check_result(r, &locator, index.get(&r.check_id).copied())).collect();
    for item in report.drift.iter().flat_map(|d| &d.items).filter(|i| i.state != DriftState::InSync) {
        let rule_id = drift_rule_id(item.state, item.severity);
        results.push(drift_result(item, &locator, index.get(&rule_id).copied()));
    }

    let mut notifications: Vec<Notification> = report
        .checks
        .iter()
        .filter_map(|c| {
            c.error.as_ref().map(|e| Notification {
                level: Level::Error,
                message: Text::plain(format!("check {} could not be evaluated: {e}", c.meta.id)),
                descriptor: Some(DescriptorReference { id: c.meta.id.clone() }),
            })
        })
        .collect();
    notifications.extend(report.collection_errors.iter().map(|e| Notification {
        level: Level::Warning,
        message: Text::plain(format!(
            "could not collect {}:{} in {}{}: {} {}",
            e.service,
            e.operation,
            e.region,
            e.resource.as_deref().map(|r| format!(" for {r}")).unwrap_or_default(),
            e.error_code,
            e.message
        )),
        descriptor: None,
    }));

    let mut properties = BTreeMap::new();
    properties.insert("environment".to_string(), json!(report.environment));
    properties.insert("accountId".to_string(), json!(report.account_id));
    properties.insert("collectedAt".to_string(), json!(report.collected_at));
    properties.insert("gatePassed".to_string(), json!(report.gate.passed));
    properties.insert("provenance".to_string(), json!(report.provenance));

    Log {
        schema: SCHEMA_URI,
        version: VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "flowforge-audit",
                    version: report.provenance.tool_version.clone(),
                    semantic_version: report.provenance.tool_version.clone(),
                    rules,
                },
            },
            automation_details: AutomationDetails { id: format!("flowforge-audit/{}/", report.environment) },
            invocations: if notifications.is_empty() {
                Vec::new()
            } else {
                vec![Invocation { execution_successful: true, tool_execution_notifications: notifications }]
            },
            results,
            properties,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// Issue 15: `--help-uri-base` (recorded in the provenance) replaces the default base in
    /// every rule's helpUri, drift rules included; a base that is not an absolute http(s) URL
    /// without query or fragment is refused, and a trailing slash is dropped.
    #[test]
    fn help_uri_base_from_the_run() {
        let mut report = sample_report();
        report.provenance.help_uri_base = Some("https://git.example.com/sec/flowforge-audit/raw/v0.1.0".into());
        let v: serde_json::Value = serde_json::from_slice(&SarifRenderer.render(&report).unwrap()).unwrap();
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        let uri = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap()["helpUri"].as_str().unwrap().to_owned();
        assert_eq!(
            uri("FF-S3-001"),
            "https://git.example.com/sec/flowforge-audit/raw/v0.1.0/policies/aws/s3/tls_only.rego"
        );
        let drift = rules.iter().find(|r| r["id"].as_str().unwrap().starts_with("DRIFT-")).unwrap();
        assert_eq!(drift["helpUri"], "https://git.example.com/sec/flowforge-audit/raw/v0.1.0/docs/report.md#drift");
        for rule in rules {
            let u = rule["helpUri"].as_str().unwrap();
            assert!(u.starts_with("https://git.example.com/sec/"), "{u}");
        }
        assert_eq!(parse_help_uri_base("https://h.example/docs/").unwrap(), "https://h.example/docs");
        assert_eq!(parse_help_uri_base("http://h.example").unwrap(), "http://h.example");
        for bad in [
            "",
            "h.example/x",
            "file:///tmp/x",
            "https://",
            "https:///x",
            "https://h.example/a b",
            "https://h/x?y=1",
            "https://h/x#f",
            "https://h/\u{1b}",
        ] {
            assert!(parse_help_uri_base(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// One rule per check plus drift rules; one result per FAIL, UNKNOWN, WAIVED and drift finding.
    #[test]
    fn sarif_has_rules_results_levels_and_fingerprints() {
        let report = sample_report();
        let v: serde_json::Value = serde_json::from_slice(&SarifRenderer.render(&report).unwrap()).unwrap();
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let drift_rules: std::collections::BTreeSet<_> = report
            .drift
            .iter()
            .flat_map(|d| &d.items)
            .filter(|i| i.state != DriftState::InSync)
            .map(|i| (i.state, i.severity))
            .collect();
        assert_eq!(rules.len(), report.checks.len() + drift_rules.len());
        assert!(rules.iter().all(|r| r["helpUri"].as_str().is_some_and(|u| u.starts_with("https://"))), "helpUri");
        assert_eq!(
            rules.iter().find(|r| r["id"] == "FF-S3-001").unwrap()["helpUri"],
            format!("{}/blob/v0.1.0/policies/aws/s3/tls_only.rego", env!("CARGO_PKG_REPOSITORY"))
        );
        let s3 = rules.iter().find(|r| r["id"] == "FF-S3-001").unwrap();
        assert_eq!(s3["properties"]["security-severity"], "9.5");
        assert_eq!(s3["defaultConfiguration"]["level"], "error");
        let results = run["results"].as_array().unwrap();
        let count = |s: Status| report.results.iter().filter(|r| r.status == s).count();
        let drift = report.drift.as_ref().unwrap().items.iter().filter(|i| i.state != DriftState::InSync).count();
        assert_eq!(results.len(), count(Status::Fail) + count(Status::Unknown) + count(Status::Waived) + drift);
        let fail = results
            .iter()
            .find(|r| {
                r["ruleId"] == "FF-S3-001"
                    && r["suppressions"].is_null()
                    && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                        == "arn:aws:s3:::flowforge-prod-landing"
            })
            .unwrap();
        assert_eq!(fail["level"], "error");
        // Issue 25: a managed resource's result points at its Terraform block.
        assert_eq!(fail["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "infra/storage.tf");
        assert_eq!(fail["locations"][0]["physicalLocation"]["region"]["startLine"], 12);
        assert_eq!(fail["properties"]["terraformAddress"], "aws_s3_bucket.landing");
        assert_eq!(
            fail["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "arn:aws:s3:::flowforge-prod-landing"
        );
        let id = crate::model::finding_id("FF-S3-001", "arn:aws:s3:::flowforge-prod-landing");
        assert_eq!(fail["partialFingerprints"][FINGERPRINT_KEY], id.as_str());
        let rule_index = fail["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[rule_index]["id"], "FF-S3-001");
        assert!(results.iter().any(|r| r["ruleId"] == "FF-IAM-001" && r["level"] == "note"));
        // Issue 15: each drift result sits under the rule of its own severity.
        for item in report.drift.iter().flat_map(|d| &d.items).filter(|i| i.state != DriftState::InSync) {
            let r =
                results.iter().find(|r| r["partialFingerprints"][FINGERPRINT_KEY] == item.drift_id.as_str()).unwrap();
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], r["ruleId"]);
            assert_eq!(rule["properties"]["security-severity"], security_severity(item.severity), "{}", item.drift_id);
            assert_eq!(r["level"], serde_json::to_value(level(item.severity)).unwrap());
        }
        assert!(results.iter().any(|r| r["ruleId"].as_str().unwrap().starts_with("DRIFT-MISSING/")));
        // Issue 15: a waived result is a suppressed note, never an error.
        let waived: Vec<_> = results.iter().filter(|r| r["suppressions"].is_array()).collect();
        assert!(!waived.is_empty());
        for w in waived {
            assert_eq!(w["suppressions"][0]["status"], "accepted");
            assert_eq!(w["level"], "note");
        }
        let notes = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 1 + report.collection_errors.len());
    }

    /// Paths as given become relative references or file URIs; ARNs are `arn:` URIs with what
    /// a URI cannot hold encoded.
    #[test]
    fn uris_of_paths_and_arns() {
        assert_eq!(path_uri("./audit/baseline.yaml"), "audit/baseline.yaml");
        assert_eq!(path_uri("/home/me/my infra/main.tf"), "file:///home/me/my%20infra/main.tf");
        assert_eq!(path_uri("infra\\main.tf"), "infra/main.tf");
        assert_eq!(arn_uri("arn:aws:s3:::flowforge-prod-landing"), "arn:aws:s3:::flowforge-prod-landing");
        assert_eq!(
            arn_uri("arn:aws:cloudwatch:eu-west-1:1:alarm:db storage #1"),
            "arn:aws:cloudwatch:eu-west-1:1:alarm:db%20storage%20%231"
        );
    }

    /// Issue 25: no location is a file of the tool; each result points at the user's
    /// Terraform block, the baseline as given, or its ARN, and the fingerprint is the finding
    /// id whatever the location (a moved block keeps the alert).
    #[test]
    fn locations_are_the_users_files_or_the_arn() {
        let mut report = sample_report();
        let sarif = |report: &AuditReport| -> serde_json::Value {
            serde_json::from_slice(&SarifRenderer.render(report).unwrap()).unwrap()
        };
        let v = sarif(&report);
        let results = v["runs"][0]["results"].as_array().unwrap();
        let uri = |r: &serde_json::Value| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_owned()
        };
        for r in results {
            let u = uri(r);
            assert!(!u.starts_with("policies/") && !u.starts_with("baselines/"), "a tool file: {u}");
            let arn = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str().unwrap();
            let id = r["ruleId"].as_str().unwrap();
            if id.starts_with("DRIFT-") {
                assert_eq!(u, "audit/baseline.yaml", "{r}");
            } else if arn != "arn:aws:s3:::flowforge-prod-landing" {
                assert_eq!(u, arn_uri(arn), "{r}");
            }
        }
        // The built-in baseline: drift items with a resource point at its ARN, the others at
        // the built-in label; a Terraform drift item at its address's block.
        report.sources.baseline = None;
        let mut iac = report.drift.as_ref().unwrap().items[0].clone();
        (iac.kind, iac.element, iac.drift_id) =
            ("iac".into(), "aws_s3_bucket.landing".into(), "ffff000000000001".into());
        report.drift.as_mut().unwrap().items.push(iac);
        let before: Vec<String> = sarif(&report)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap().to_owned())
            .collect();
        let v = sarif(&report);
        let results = v["runs"][0]["results"].as_array().unwrap();
        let missing =
            results.iter().find(|r| r["message"]["text"].as_str().unwrap().starts_with("vpc_endpoint:")).unwrap();
        assert_eq!(uri(missing), "builtin:baselines/flowforge.yaml");
        let changed =
            results.iter().find(|r| r["message"]["text"].as_str().unwrap().starts_with("bucket:gold")).unwrap();
        assert_eq!(uri(changed), "arn:aws:s3:::flowforge-prod-gold");
        let tf = results.iter().find(|r| r["partialFingerprints"][FINGERPRINT_KEY] == "ffff000000000001").unwrap();
        assert_eq!(
            (uri(tf), &tf["locations"][0]["physicalLocation"]["region"]["startLine"]),
            ("infra/storage.tf".into(), &json!(12))
        );
        // The block moves: same fingerprints, new line.
        report.sources.terraform[0].line = 40;
        let v = sarif(&report);
        let after: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(before, after);
    }
}
