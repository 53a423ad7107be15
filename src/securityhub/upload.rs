//! The SDK half of the upload (feature `aws`): connecting, GetFindings, BatchImportFindings,
//! BatchUpdateFindings (Workflow RESOLVED), and the conversion of `report::asff`'s findings to the SDK's type.

use std::collections::BTreeMap;

use serde_json::Value;

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, AwsSecurityFindingFilters, AwsSecurityFindingIdentifier, Compliance, ComplianceStatus, Note,
    NoteUpdate, Partition, Recommendation, RecordState, Remediation, Resource, Severity, SeverityLabel, StringFilter,
    StringFilterComparison, Workflow, WorkflowStatus, WorkflowUpdate,
};
use aws_sdk_securityhub::Client;

use super::{plan, BATCH};
use crate::aws::{CallError, ConnectOptions};
use crate::diag::{Code, Problem};
use crate::model::AuditReport;
use crate::report::asff;

/// GetFindings returns at most this many findings a page.
const PAGE: i32 = 100;

/// Every check id starts with this (`FF-S3-001`; METADATA's id rule).
const GENERATOR_PREFIX: &str = "FF-";

/// What an upload did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The region the findings went to.
    pub region: String,
    /// This run's findings accepted.
    pub imported: usize,
    /// Earlier findings closed (PASSED, ARCHIVED).
    pub resolved: usize,
    /// Earlier findings closed by this run whose `Workflow.Status` was set RESOLVED
    /// (BatchUpdateFindings' `ProcessedFindings`).
    pub workflow_resolved: usize,
    /// Earlier findings closed by this run left SUPPRESSED (a person's decision).
    pub suppressed: usize,
    /// Earlier findings left open, and why.
    pub kept_open: BTreeMap<String, plan::KeptOpen>,
    /// Findings not sent: Security Hub holds a later version.
    pub stale: Vec<String>,
    /// BatchImportFindings calls that answered (retries not counted).
    pub batches: usize,
    /// API calls by `service:Operation`, attempts and retries included.
    pub calls: BTreeMap<String, u64>,
    /// What failed; empty on success.
    pub problems: Vec<Problem>,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// Uploads `report`'s findings (see the module documentation), on its own runtime.
pub fn upload_blocking(report: &AuditReport, connect: &ConnectOptions) -> Outcome {
    let region = asff::home_region(report).to_owned();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt.block_on(upload(report, connect)),
        Err(e) => Outcome {
            region: region.clone(),
            problems: vec![call_problem(&region, format!("cannot start the runtime: {e}"))],
            ..Outcome::default()
        },
    }
}

fn call_problem(region: &str, message: String) -> Problem {
    Problem::in_file(Code::SecurityHubCall, &format!("securityhub:{region}"), without_debug_dump(&message))
}

/// H001 for one finding Security Hub did not take: `what` says which step, then its error
/// code and message (one line).
fn finding_problem(region: &str, id: &str, what: &str, code: Option<&str>, message: Option<&str>) -> Problem {
    Problem::in_file(
        Code::SecurityHubFinding,
        &format!("securityhub:{region}"),
        format!(
            "finding {id}: {what}{}: {}",
            code.unwrap_or("(no code)"),
            message.unwrap_or("(no message)").replace('\n', " ")
        ),
    )
}

/// One line without the SDK's Debug structure that a transport error's text ends with
/// (`... Connection refused (os error 111) (DispatchFailure(DispatchFailure { ... }))`): the
/// line keeps what a person acts on, `-v` logs the whole text.
fn without_debug_dump(message: &str) -> String {
    let cut = message.match_indices(" (").map(|(i, _)| i).find(|&i| {
        let rest = &message[i + 2..];
        let name: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
        name.starts_with(|c: char| c.is_ascii_uppercase()) && rest[name.len()..].trim_start().starts_with(['(', '{'])
    });
    match cut {
        Some(i) => {
            tracing::info!(detail = %message, "Security Hub upload error");
            message[..i].to_owned()
        }
        None => message.to_owned(),
    }
}

fn call_error(e: &CallError) -> String {
    format!("{}: {}: {}", e.operation, e.code, e.message.replace('\n', " "))
}

/// Uploads `report`'s findings (see the module documentation).
pub async fn upload(report: &AuditReport, connect: &ConnectOptions) -> Outcome {
    let region = asff::home_region(report).to_owned();
    let mut out = Outcome { region: region.clone(), ..Outcome::default() };
    let (current, run_time) = match (asff::findings(report), asff::finding_time(report)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => {
            out.problems.push(call_problem(&region, format!("no ASFF findings: {e}")));
            return out;
        }
    };
    let opts = ConnectOptions { regions: vec![region.clone()], ..connect.clone() };
    let session = match crate::aws::connect(&opts).await {
        Ok(s) => s,
        Err(e) => {
            out.problems.push(call_problem(&region, e.to_string()));
            return out;
        }
    };
    if session.account_id != report.account_id {
        out.problems.push(call_problem(
            &region,
            format!(
                "the credentials are of account {}, the findings of account {}: Security Hub imports a custom integration's findings only from their own account (use that account's credentials or --assume-role)",
                session.account_id, report.account_id
            ),
        ));
        return out;
    }
    let conf = aws_sdk_securityhub::config::Builder::from(&session.sdk_config(Some(&region)))
        .interceptor(session.counter("securityhub"))
        .retry_partition(session.retry_partition())
        .build();
    let client = Client::from_conf(conf);

    let product = asff::product_arn(report);
    let prefix = asff::id_prefix(report);
    let earlier = match earlier_findings(&client, &product, &report.account_id, &prefix).await {
        Ok(e) => e,
        Err(e) => {
            // Without the earlier findings nothing can be closed, and an older snapshot could
            // overwrite a newer one: send nothing.
            out.problems.push(call_problem(&region, format!("{}; nothing was sent", call_error(&e))));
            out.calls = session.calls();
            return out;
        }
    };
    let plan = plan::plan(report, current, earlier, &run_time);
    out.kept_open = plan.kept_open;
    out.stale = plan.stale;
    out.suppressed = plan.suppressed.len();

    let mut batch: Vec<(AwsSecurityFinding, bool)> = Vec::new();
    for f in &plan.current {
        match to_sdk(f) {
            Ok(finding) => batch.push((finding, false)),
            Err(e) => out.problems.push(Problem::in_file(
                Code::SecurityHubFinding,
                &format!("securityhub:{region}"),
                format!("finding {}: not sent: {e}", f["Id"].as_str().unwrap_or("(no Id)")),
            )),
        }
    }
    for e in plan.resolve {
        batch.push((resolved(e.finding, &run_time), true));
    }
    let mut accepted: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for chunk in batch.chunks(BATCH) {
        let findings: Vec<AwsSecurityFinding> = chunk.iter().map(|(f, _)| f.clone()).collect();
        let answer = client.batch_import_findings().set_findings(Some(findings)).send().await;
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                let e = CallError::from_sdk("securityhub", "BatchImportFindings", e);
                let sent = out.batches * BATCH;
                out.problems.push(call_problem(
                    &region,
                    format!(
                        "{} (after retries); {} of {} findings were not sent",
                        call_error(&e),
                        batch.len() - sent,
                        batch.len()
                    ),
                ));
                break;
            }
        };
        out.batches += 1;
        let mut failed: Vec<&str> = Vec::new();
        for f in answer.failed_findings() {
            let id = f.id().unwrap_or("(no Id)");
            failed.push(id);
            out.problems.push(finding_problem(&region, id, "", f.error_code(), f.error_message()));
        }
        for (f, resolving) in chunk {
            if failed.contains(&f.id().unwrap_or_default()) {
                continue;
            }
            accepted.insert(f.id().unwrap_or_default().to_owned());
            if *resolving {
                out.resolved += 1;
            } else {
                out.imported += 1;
            }
        }
    }
    // Only what Security Hub accepted closed is updated (a finding rejected or not sent is
    // still open there).
    let update: Vec<&String> = plan.workflow_resolve.iter().filter(|id| accepted.contains(*id)).collect();
    resolve_workflow(&client, &product, &update, &run_time, &mut out).await;
    out.calls = session.calls();
    out
}

/// The `Note` sent with Workflow RESOLVED.
pub fn resolution_note(run_time: &str) -> String {
    format!("Resolved by flowforge-audit: the check now passes (run {run_time})")
}

/// Sets `Workflow.Status` RESOLVED on the findings `ids` with BatchUpdateFindings, at most
/// [`BATCH`] a call; `UnprocessedFindings` are H001, a failed call H002 (nothing more sent).
async fn resolve_workflow(client: &Client, product: &str, ids: &[&String], run_time: &str, out: &mut Outcome) {
    let region = out.region.clone();
    let note = NoteUpdate::builder().text(resolution_note(run_time)).updated_by("flowforge-audit").build();
    let mut done = 0;
    for chunk in ids.chunks(BATCH) {
        let identifiers: Vec<AwsSecurityFindingIdentifier> = chunk
            .iter()
            .map(|id| AwsSecurityFindingIdentifier::builder().id(id.as_str()).product_arn(product).build())
            .collect();
        let answer = client
            .batch_update_findings()
            .set_finding_identifiers(Some(identifiers))
            .workflow(WorkflowUpdate::builder().status(WorkflowStatus::Resolved).build())
            .note(note.clone())
            .send()
            .await;
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                let e = CallError::from_sdk("securityhub", "BatchUpdateFindings", e);
                out.problems.push(call_problem(
                    &region,
                    format!(
                        "{} (after retries); {} of {} closed findings were not set RESOLVED",
                        call_error(&e),
                        ids.len() - done,
                        ids.len()
                    ),
                ));
                return;
            }
        };
        done += chunk.len();
        out.workflow_resolved += answer.processed_findings().len();
        for f in answer.unprocessed_findings() {
            let id = f.finding_identifier().and_then(|i| i.id()).unwrap_or("(no Id)");
            out.problems.push(finding_problem(
                &region,
                id,
                "workflow not set RESOLVED: ",
                f.error_code(),
                f.error_message(),
            ));
        }
    }
}

/// The findings of this tool, account and environment, open or closed (see [`plan`]), sorted
/// by `Id`.
async fn earlier_findings(
    client: &Client,
    product: &str,
    account: &str,
    prefix: &str,
) -> Result<Vec<plan::Earlier<AwsSecurityFinding>>, CallError> {
    let filter = |value: &str, comparison: StringFilterComparison| {
        StringFilter::builder().value(value).comparison(comparison).build()
    };
    let filters = AwsSecurityFindingFilters::builder()
        .product_arn(filter(product, StringFilterComparison::Equals))
        .aws_account_id(filter(account, StringFilterComparison::Equals))
        .id(filter(prefix, StringFilterComparison::Prefix))
        .generator_id(filter(GENERATOR_PREFIX, StringFilterComparison::Prefix))
        .build();
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_findings()
            .filters(filters.clone())
            .max_results(PAGE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| CallError::from_sdk("securityhub", "GetFindings", e))?;
        for f in page.findings() {
            if let Some(e) = ours(f, product, account, prefix) {
                out.push(e);
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

/// The finding as an earlier finding of this tool, account and environment; `None` for
/// anything else.
fn ours(
    f: &AwsSecurityFinding,
    product: &str,
    account: &str,
    prefix: &str,
) -> Option<plan::Earlier<AwsSecurityFinding>> {
    let id = f.id()?;
    let generator = f.generator_id()?;
    let mine = f.product_arn() == Some(product)
        && f.aws_account_id() == Some(account)
        && id.starts_with(prefix)
        && generator.starts_with(GENERATOR_PREFIX);
    mine.then(|| plan::Earlier {
        active: f.record_state().is_none_or(|s| *s == RecordState::Active),
        id: id.to_owned(),
        generator_id: generator.to_owned(),
        created_at: f.created_at().unwrap_or_default().to_owned(),
        updated_at: f.updated_at().unwrap_or_default().to_owned(),
        resource_region: f.resources().first().and_then(|r| r.region()).map(str::to_owned),
        workflow: f.workflow().and_then(|w| w.status()).map(|s| s.as_str().to_owned()),
        finding: f.clone(),
    })
}

/// An earlier finding, closed: PASSED, ARCHIVED, updated at this run's time. The rest is sent
/// back as Security Hub gave it (what it computes itself, `ProcessedAt`, is left out), its
/// `Workflow` too: Security Hub ignores a provider's `Workflow` on an existing finding
/// (BatchUpdateFindings sets it, [`resolve_workflow`]).
fn resolved(mut f: AwsSecurityFinding, run_time: &str) -> AwsSecurityFinding {
    let requirements = f.compliance.as_ref().and_then(|c| c.related_requirements.clone());
    let control = f.compliance.as_ref().and_then(|c| c.security_control_id.clone());
    f.compliance = Some(
        Compliance::builder()
            .status(ComplianceStatus::Passed)
            .set_related_requirements(requirements)
            .set_security_control_id(control)
            .build(),
    );
    f.record_state = Some(RecordState::Archived);
    f.updated_at = Some(run_time.to_owned());
    f.processed_at = None;
    f.product_fields
        .get_or_insert_with(Default::default)
        .insert("flowforge-audit/Status".to_owned(), "ABSENT".to_owned());
    f
}

/// The ASFF keys [`to_sdk`] converts: every key `report::asff` writes must be here (a test
/// compares), so a field added to the writer cannot be silently dropped from the upload.
pub const CONVERTED: &[&str] = &[
    "SchemaVersion",
    "Id",
    "ProductArn",
    "ProductName",
    "CompanyName",
    "GeneratorId",
    "AwsAccountId",
    "Region",
    "Types",
    "CreatedAt",
    "UpdatedAt",
    "Severity.Label",
    "Severity.Original",
    "Title",
    "Description",
    "Remediation.Recommendation.Text",
    "Resources.Type",
    "Resources.Id",
    "Resources.Partition",
    "Resources.Region",
    "Compliance.Status",
    "Compliance.RelatedRequirements",
    "Compliance.SecurityControlId",
    "Workflow.Status",
    "RecordState",
    "ProductFields",
    "Note.Text",
    "Note.UpdatedBy",
    "Note.UpdatedAt",
];

/// One ASFF finding of `report::asff` as the SDK's type. A required field that is missing or
/// not a string is an error (the finding is reported, not sent half-empty).
pub fn to_sdk(v: &Value) -> Result<AwsSecurityFinding, String> {
    let req = |v: &Value, path: &str| -> Result<String, String> {
        v.as_str().map(str::to_owned).ok_or_else(|| format!("{path} is missing or not a string"))
    };
    let opt = |v: &Value| v.as_str().map(str::to_owned);
    let strings = |v: &Value| -> Option<Vec<String>> {
        v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
    };
    let resources = v["Resources"]
        .as_array()
        .ok_or("Resources is missing or not a list")?
        .iter()
        .map(|r| {
            Ok(Resource::builder()
                .r#type(req(&r["Type"], "Resources[].Type")?)
                .id(req(&r["Id"], "Resources[].Id")?)
                .set_partition(opt(&r["Partition"]).map(|p| Partition::from(p.as_str())))
                .set_region(opt(&r["Region"]))
                .build())
        })
        .collect::<Result<Vec<_>, String>>()?;
    let product_fields = v["ProductFields"].as_object().map(|m| {
        m.iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
            .collect::<std::collections::HashMap<_, _>>()
    });
    let severity = &v["Severity"];
    let compliance = &v["Compliance"];
    Ok(AwsSecurityFinding::builder()
        .schema_version(req(&v["SchemaVersion"], "SchemaVersion")?)
        .id(req(&v["Id"], "Id")?)
        .product_arn(req(&v["ProductArn"], "ProductArn")?)
        .set_product_name(opt(&v["ProductName"]))
        .set_company_name(opt(&v["CompanyName"]))
        .generator_id(req(&v["GeneratorId"], "GeneratorId")?)
        .aws_account_id(req(&v["AwsAccountId"], "AwsAccountId")?)
        .set_region(opt(&v["Region"]))
        .set_types(strings(&v["Types"]))
        .created_at(req(&v["CreatedAt"], "CreatedAt")?)
        .updated_at(req(&v["UpdatedAt"], "UpdatedAt")?)
        .severity(
            Severity::builder()
                .set_label(opt(&severity["Label"]).map(|l| SeverityLabel::from(l.as_str())))
                .set_original(opt(&severity["Original"]))
                .build(),
        )
        .title(req(&v["Title"], "Title")?)
        .description(req(&v["Description"], "Description")?)
        .set_remediation(
            opt(&v["Remediation"]["Recommendation"]["Text"])
                .map(|t| Remediation::builder().recommendation(Recommendation::builder().text(t).build()).build()),
        )
        .set_resources(Some(resources))
        .set_compliance(compliance.is_object().then(|| {
            Compliance::builder()
                .set_status(opt(&compliance["Status"]).map(|s| ComplianceStatus::from(s.as_str())))
                .set_related_requirements(strings(&compliance["RelatedRequirements"]))
                .set_security_control_id(opt(&compliance["SecurityControlId"]))
                .build()
        }))
        .set_workflow(
            opt(&v["Workflow"]["Status"]).map(|s| Workflow::builder().status(WorkflowStatus::from(s.as_str())).build()),
        )
        .set_record_state(opt(&v["RecordState"]).map(|s| RecordState::from(s.as_str())))
        .set_product_fields(product_fields)
        .set_note(v["Note"].is_object().then(|| {
            Note::builder()
                .set_text(opt(&v["Note"]["Text"]))
                .set_updated_by(opt(&v["Note"]["UpdatedBy"]))
                .set_updated_at(opt(&v["Note"]["UpdatedAt"]))
                .build()
        }))
        .build())
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
