//! `--security-hub`: sends a run's ASFF findings to AWS Security Hub, and closes the findings
//! of earlier runs that this run no longer fails. The tool's one write path, opt-in only, and
//! kept out of `src/aws` (read-only by construction, and tested to be): its calls and IAM
//! actions are [`OPERATIONS`], granted by its own policy `iam/securityhub-upload-policy.json`
//! ([`UPLOAD_POLICY`]), never by the scanner's.
//!
//! How it follows Security Hub's rules (AWS Security Hub API Reference, `BatchImportFindings`,
//! `BatchUpdateFindings` and `Workflow`; User Guide, "BatchImportFindings for finding providers" and "Setting the
//! workflow status of findings"):
//! - The findings are those of `report::asff` (one source of truth: ProductArn of the
//!   account's custom integration, `arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`,
//!   in the first scanned region; stable `Id`s, so a new import updates a finding). They are
//!   imported in that region with credentials of the audited account: BatchImportFindings
//!   accepts a default-product finding only from the account named in its `AwsAccountId`
//!   (checked here first with STS, so the error says so).
//! - At most 100 findings a call (the API's limit). Throttling and 5xx answers are retried
//!   with backoff by the SDK's adaptive retry (the session's: `aws::connect`); what still
//!   fails is reported, and so is every finding of the answer's `FailedFindings`, with its id
//!   and error.
//! - After creation, BatchImportFindings cannot change a finding's `Workflow` (nor `Note`,
//!   `UserDefinedFields`, `VerificationState`): Security Hub ignores them, they are changed with
//!   BatchUpdateFindings. A provider closes a finding with `Compliance.Status` and
//!   `RecordState`, with a later `UpdatedAt`: a formerly failing finding is re-imported PASSED
//!   and ARCHIVED. A finding created PASSED takes the `Workflow.Status` RESOLVED it is sent
//!   with. An existing one that this run sends closed is then set RESOLVED with
//!   BatchUpdateFindings (API Reference, `BatchUpdateFindings`: `FindingIdentifiers` Id +
//!   ProductArn, at most 100 a call; `Workflow`, and a `Note` saying why), if the import
//!   accepted it and its status is NEW or NOTIFIED: a SUPPRESSED one is a person's decision and
//!   never touched ([`plan`]). Security Hub applies it within minutes, without changing
//!   `UpdatedAt`; an entry of `UnprocessedFindings` is reported (and retried by the next run,
//!   the finding being still closed and not RESOLVED). Security Hub resets RESOLVED to NEW when
//!   a later run finds the finding FAILED or ACTIVE again.
//! - Earlier findings are read with GetFindings, filtered to this ProductArn, account,
//!   environment (`Id` prefix) and check ids (`GeneratorId` prefix `FF-`), and filtered
//!   again here (an emulator may ignore filters). The ARCHIVED ones are read too: they keep
//!   an older snapshot from overwriting a newer run's findings. Which ACTIVE ones are closed
//!   is [`plan`]'s rule: only what this run could have seen.
//!
//! Failures are `diag::Problem`s with the codes `H001` (a finding rejected, or its workflow
//! update not processed) and `H002` (a call
//! that failed, or credentials of another account); the command exits 2 after writing its
//! reports (`docs/diagnostics.md`).

pub mod plan;
#[cfg(feature = "aws")]
mod upload;

#[cfg(feature = "aws")]
pub use upload::{to_sdk, upload, upload_blocking, Outcome, CONVERTED};

/// The SDK calls this module makes (client method, API name, IAM action): what
/// `iam/securityhub-upload-policy.json` grants, and nothing more (a test keeps them equal).
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("batch_import_findings", "BatchImportFindings", "securityhub:BatchImportFindings"),
    ("batch_update_findings", "BatchUpdateFindings", "securityhub:BatchUpdateFindings"),
    ("get_findings", "GetFindings", "securityhub:GetFindings"),
];

/// The IAM policy of the identity that uploads (`flowforge-audit iam-policy --security-hub`).
pub const UPLOAD_POLICY: &str = include_str!("../../iam/securityhub-upload-policy.json");

/// BatchImportFindings and BatchUpdateFindings take at most this many findings a call.
pub const BATCH: usize = 100;
