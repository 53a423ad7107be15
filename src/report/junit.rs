//! JUnit XML, for CI systems that show test results (GitLab, Jenkins, Azure DevOps, CodeBuild).
//!
//! A test suite per check and a test case per resource: FAIL is a `<failure>`, UNKNOWN and
//! ERROR are `<error>` (the audit itself did not complete), WAIVED and NOT_APPLICABLE are
//! `<skipped>` with the reason; PASS is a plain test case. A check that could not run and has no
//! results still gets one errored test case, so a broken check is never invisible. Drift is a
//! suite named `drift` with a test case per element.
//!
//! CI systems show a suite's name and a failure's message and text, and hide `<properties>`:
//! so a suite is named `<check id> <title>`, and a failure's message ends with the remediation
//! while its text holds the evidence and the remediation.
//!
//! The XML is written by hand (it is a dozen element types) with one escaping function that
//! covers text and attributes and replaces characters XML 1.0 cannot carry; the tests parse the
//! output back with a real XML parser.

use std::fmt::Write as _;

use crate::model::{AuditReport, CheckResult, DriftState, Status};

use super::common::{compact_json, waiver_owner};
use super::{Format, Renderer, ReportError};

/// Renders JUnit XML.
#[derive(Debug, Clone, Copy, Default)]
pub struct JunitRenderer;

impl Renderer for JunitRenderer {
    fn format(&self) -> Format {
        Format::Junit
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.junit.xml"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        Ok(out.write_all(render_junit(report).as_bytes())?)
    }
}

/// Escapes text or an attribute value for XML 1.0; characters XML cannot carry become U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// One test case's outcome element.
enum Outcome {
    Pass,
    Failure { message: String, kind: String, body: String },
    Error { message: String, kind: String, body: String },
    Skipped { message: String },
}

struct Case {
    name: String,
    classname: String,
    outcome: Outcome,
}

fn outcome_of(r: &CheckResult, remediation: Option<&str>) -> Outcome {
    let body = if r.evidence.is_empty() { String::new() } else { compact_json(&r.evidence) };
    match r.status {
        Status::Pass => Outcome::Pass,
        Status::Fail => {
            let (message, body) = match remediation.filter(|s| !s.is_empty()) {
                Some(fix) => (
                    format!("{} | Remediation: {fix}", r.message),
                    format!("Evidence: {}\nRemediation: {fix}", if body.is_empty() { "(none)" } else { &body }),
                ),
                None => (r.message.clone(), if body.is_empty() { body } else { format!("Evidence: {body}") }),
            };
            Outcome::Failure { message, kind: r.severity.as_str().to_string(), body }
        }
        Status::Unknown | Status::Error => {
            Outcome::Error { message: r.message.clone(), kind: r.status.as_str().to_string(), body }
        }
        Status::Waived => Outcome::Skipped {
            message: match &r.waiver {
                Some(w) => format!("WAIVED: {} (owner {}, expires {})", w.reason, waiver_owner(w), w.expires),
                None => format!("WAIVED: {}", r.message),
            },
        },
        Status::NotApplicable => Outcome::Skipped { message: format!("NOT_APPLICABLE: {}", r.message) },
    }
}

fn write_suite(out: &mut String, name: &str, properties: &[(&str, String)], cases: &[Case]) {
    let count = |f: fn(&Outcome) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
    let failures = count(|o| matches!(o, Outcome::Failure { .. }));
    let errors = count(|o| matches!(o, Outcome::Error { .. }));
    let skipped = count(|o| matches!(o, Outcome::Skipped { .. }));
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\">",
        xml_escape(name),
        cases.len()
    );
    if !properties.is_empty() {
        out.push_str("    <properties>\n");
        for (k, v) in properties {
            let _ = writeln!(out, "      <property name=\"{}\" value=\"{}\"/>", xml_escape(k), xml_escape(v));
        }
        out.push_str("    </properties>\n");
    }
    for case in cases {
        let open = format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
            xml_escape(&case.name),
            xml_escape(&case.classname)
        );
        match &case.outcome {
            Outcome::Pass => {
                let _ = writeln!(out, "{open}/>");
            }
            Outcome::Failure { message, kind, body } | Outcome::Error { message, kind, body } => {
                let tag = if matches!(case.outcome, Outcome::Failure { .. }) { "failure" } else { "error" };
                let _ = writeln!(
                    out,
                    "{open}>\n      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n    </testcase>",
                    xml_escape(message),
                    xml_escape(kind),
                    xml_escape(body)
                );
            }
            Outcome::Skipped { message } => {
                let _ = writeln!(out, "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>", xml_escape(message));
            }
        }
    }
    out.push_str("  </testsuite>\n");
}

fn render_junit(report: &AuditReport) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    let mut tally = |cases: &[Case]| {
        for c in cases {
            tests += 1;
            match c.outcome {
                Outcome::Pass => {}
                Outcome::Failure { .. } => failures += 1,
                Outcome::Error { .. } => errors += 1,
                Outcome::Skipped { .. } => skipped += 1,
            }
        }
    };
    for check in &report.checks {
        let m = &check.meta;
        let mut cases: Vec<Case> = report
            .results
            .iter()
            .filter(|r| r.check_id == m.id)
            .map(|r| Case {
                name: if r.resource_name.is_empty() || r.resource_name == r.resource_arn {
                    r.resource_arn.clone()
                } else {
                    format!("{} ({})", r.resource_arn, r.resource_name)
                },
                classname: m.id.clone(),
                outcome: outcome_of(r, Some(&m.remediation)),
            })
            .collect();
        if cases.is_empty() {
            if let Some(err) = &check.error {
                cases.push(Case {
                    name: format!("{} (check)", m.id),
                    classname: m.id.clone(),
                    outcome: Outcome::Error { message: err.clone(), kind: "ERROR".to_string(), body: String::new() },
                });
            }
        }
        tally(&cases);
        let props = [
            ("title", m.title.clone()),
            ("severity", m.severity.as_str().to_string()),
            ("source", m.source.clone()),
            ("remediation", m.remediation.clone()),
        ];
        write_suite(&mut suites, &format!("{} {}", m.id, m.title), &props, &cases);
    }
    // Results whose check is not in the catalog list (should not happen) still appear.
    let orphans: Vec<Case> = report
        .results
        .iter()
        .filter(|r| !report.checks.iter().any(|c| c.meta.id == r.check_id))
        .map(|r| Case { name: r.resource_arn.clone(), classname: r.check_id.clone(), outcome: outcome_of(r, None) })
        .collect();
    if !orphans.is_empty() {
        tally(&orphans);
        write_suite(&mut suites, "unknown-checks", &[], &orphans);
    }
    if let Some(drift) = &report.drift {
        let cases: Vec<Case> = drift
            .items
            .iter()
            .map(|i| {
                let name = match &i.attribute {
                    Some(a) => format!("{} {a}", i.element),
                    None => i.element.clone(),
                };
                let outcome = if i.state == DriftState::InSync {
                    Outcome::Pass
                } else {
                    let body = compact_json(&serde_json::json!({
                        "resource_arn": i.resource_arn, "expected": i.expected, "actual": i.actual
                    }));
                    Outcome::Failure {
                        message: format!("{}: {}", i.state.as_str(), i.message),
                        kind: i.severity.as_str().to_string(),
                        body,
                    }
                };
                Case { name, classname: format!("drift.{}", i.kind), outcome }
            })
            .collect();
        tally(&cases);
        let props = [
            ("architecture_coverage_percent", format!("{:.2}", drift.architecture_coverage_percent)),
            ("declared_elements", drift.declared_elements.to_string()),
            ("in_sync_elements", drift.in_sync_elements.to_string()),
        ];
        write_suite(&mut suites, "drift", &props, &cases);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{}\">",
        xml_escape(&format!("flowforge-audit {} {}", report.environment, report.account_id)),
        xml_escape(&report.collected_at)
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text, quotes, newlines and control characters cannot break the XML.
    #[test]
    fn xml_escape_covers_markup_and_invalid_characters() {
        assert_eq!(xml_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
        assert_eq!(xml_escape("a\nb\u{1}"), "a&#10;b\u{fffd}");
    }

    /// Issue 15: a suite names the check by id and title, and a failure carries the evidence
    /// and the remediation where CI systems show them (message and text, not `<properties>`).
    #[test]
    fn suites_carry_titles_and_failures_carry_evidence_and_remediation() {
        let report = crate::report::fixture::sample_report();
        let xml = render_junit(&report);
        let check = report.checks.iter().find(|c| c.meta.id == "FF-S3-001").unwrap();
        let suite = format!("<testsuite name=\"{}\"", xml_escape(&format!("FF-S3-001 {}", check.meta.title)));
        assert!(xml.contains(&suite), "{xml}");
        let fail = report.results.iter().find(|r| r.check_id == "FF-S3-001" && r.status == Status::Fail).unwrap();
        let Outcome::Failure { message, body, .. } = outcome_of(fail, Some(&check.meta.remediation)) else {
            panic!("a FAIL is a failure")
        };
        assert!(message.ends_with(&format!("Remediation: {}", check.meta.remediation)), "{message}");
        assert!(body.contains(&compact_json(&fail.evidence)) && body.contains(&check.meta.remediation), "{body}");
        assert!(xml.contains(&xml_escape(&message)));
    }
}
