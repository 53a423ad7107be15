//! The clap definitions of every subcommand and option.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::model::Severity;

/// Audits an AWS account running FlowForge: compliance (Rego policies) and drift against the
/// expected architecture.
///
/// Exit codes: 0 gate passed, 1 gate failed, 2 usage, input or tool error.
#[derive(Debug, Parser)]
#[command(name = "flowforge-audit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More logs on stderr (-v info, -vv debug); FLOWFORGE_AUDIT_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// A configuration file holding any option by its long name [default: flowforge-audit.yaml
    /// in the working directory, when present]. Flags beat environment variables
    /// (FLOWFORGE_AUDIT_<OPTION>), which beat this file, which beats the defaults.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a saved snapshot: policies, drift, reports and the gate (no AWS access).
    Evaluate(EvaluateArgs),
    /// Inventory a live AWS account into a snapshot file (read-only API calls).
    #[cfg(feature = "aws")]
    Collect(CollectArgs),
    /// Collect and evaluate in one run: inventory, policies, drift, reports and the gate.
    #[cfg(feature = "aws")]
    Scan(Box<ScanArgs>),
    /// Print the minimal IAM policy the scanner needs (List/Describe/Get only).
    IamPolicy {
        /// Print instead the policy of the management-account principal of `scan --org`
        /// (Organizations List/Describe, sts:AssumeRole into the member accounts' audit role).
        #[arg(long)]
        org: bool,
        /// Print instead the policy of the identity that uploads with `--security-hub`
        /// (securityhub:BatchImportFindings and GetFindings: a write, never in the scanner's policy).
        #[arg(long, conflicts_with = "org")]
        security_hub: bool,
        /// Print instead the policy of the identity that runs `attest --bundles s3://...`
        /// (s3:ListBucketVersions, s3:GetObject, s3:GetObjectVersion on the evidence bucket).
        #[arg(long, conflicts_with_all = ["org", "security_hub"])]
        attest: bool,
    },
    /// Compare two snapshots (resources added/removed/changed) or two JSON reports (findings
    /// new/resolved/regressed/still failing).
    Diff(DiffArgs),
    /// Decide whether an environment may be promoted: thresholds, complete audit, no expired
    /// waivers, and parity with the source environment.
    Gate(GateArgs),
    /// Check an evidence bundle's hashes and re-evaluate it: the reports must be reproduced byte for byte.
    VerifyEvidence(VerifyArgs),
    /// Evidence over a period: verify every bundle of an environment collected between two
    /// days and report, per check and framework control, whether it operated throughout, its
    /// exception intervals and fix times, and the slots no valid scan evidences.
    Attest(Box<super::attest::AttestArgs>),
    /// Signing keys: create the key pair that signs evidence bundles and release files, sign files.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Work with the policy catalog: list the checks, run the Rego unit tests.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Work with the expected-architecture baseline.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Print a shell completion script: `source <(flowforge-audit completions bash)`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff), or write one per command: `flowforge-audit man --out DIR`
    /// (flowforge-audit.1, flowforge-audit-evaluate.1, ...), `flowforge-audit man gate`.
    Man {
        /// Write every page (one per command) into DIR instead of printing one.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The command whose page to print (`gate`, `policy list`) [default: the program's].
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Join the output directories of `scan --org --shard I/N` runs into one organisation
    /// summary, byte for byte what a single run writes (no AWS access).
    Merge(MergeArgs),
    /// Explain how a principal can become administrator: the privilege-escalation graph's
    /// chain, step by step, from a saved snapshot (no AWS access).
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The user, role or group ARN to explain.
    pub arn: String,
    /// The snapshot file written by `collect` or `scan --save-snapshot`.
    #[arg(long, value_name = "FILE")]
    pub snapshot: PathBuf,
    /// Also compare a role the baseline names with its least-privilege baseline in this
    /// environment (what it reaches through other principals included).
    #[arg(long)]
    pub env: Option<String>,
    /// The expected-architecture baseline for --env [default: the built-in baselines/flowforge.yaml].
    #[arg(long, value_name = "FILE", requires = "env")]
    pub baseline: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The `--out` directories of the shards (all N of one run).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where the organisation summary is written.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Print nothing on stdout but the summary paths.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options shared by every command that evaluates a snapshot.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// The FlowForge environment to audit against (dev, qa, uat, prod, or one the baseline defines).
    #[arg(long, required = true)]
    pub env: Option<String>,
    /// The expected-architecture baseline [default: the built-in baselines/flowforge.yaml].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// A directory of extra checks; a check with a built-in id overrides the built-in one.
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// Report formats, comma separated: json, csv, md, sarif, junit, html, ocsf, asff, or all.
    #[arg(long, value_delimiter = ',', default_value = "json,csv,md", value_parser = parse_format_name)]
    pub format: Vec<String>,
    /// Directory the reports are written to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Fail the gate on a FAIL at or above this severity [default: the environment's, see the baseline].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Fail the gate on any UNKNOWN result [default: the environment's; prod requires it].
    #[arg(long, value_name = "BOOL")]
    pub require_complete_audit: Option<bool>,
    /// A Terraform state file (format 4) to compare the account with: managed, changed,
    /// missing and unmanaged resources and an IaC coverage figure.
    #[arg(long, visible_alias = "tfstate", value_name = "FILE.tfstate")]
    pub expected_from: Option<PathBuf>,
    /// The Terraform root module's directory (its `.tf` files and the local modules they
    /// call): SARIF points a finding on a resource the state manages at its `resource` block,
    /// file and line. Give it relative to the repository root, as code scanning wants
    /// [default: the Terraform state's directory, when it holds .tf files].
    #[arg(long, value_name = "DIR", requires = "expected_from")]
    pub iac_dir: Option<PathBuf>,
    /// Drift states that fail the gate, comma separated (missing, changed, unmanaged), or
    /// `none` [default: the environment's, see the baseline].
    #[arg(long, value_delimiter = ',', value_name = "STATES")]
    pub fail_on_drift: Option<Vec<String>>,
    /// A waiver file (YAML): accepted FAILs with owner, reason and expiry (see docs/guide.md "Waivers").
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Warn about waivers that expire within this many days of the snapshot date.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub waiver_warn_days: i64,
    /// Print nothing on stdout but the report paths, and nothing on stderr but errors (no
    /// warnings, no progress).
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only these checks, comma separated (`policy list` shows the ids). A partial run is
    /// recorded in the reports and the evidence, and fails a gate that requires a complete
    /// audit unless the baseline lists the exclusion (gate.excluded_checks).
    #[arg(long, value_delimiter = ',', value_name = "CHECK_ID")]
    pub checks: Vec<String>,
    /// Do not run these checks, comma separated.
    #[arg(long, value_delimiter = ',', value_name = "CHECK_ID")]
    pub excluded_checks: Vec<String>,
    /// Run only the checks of these services, comma separated: the folders of
    /// policies/aws/ (s3, iam, rds, ...).
    #[arg(long, value_delimiter = ',', value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Run only the checks of these severities, comma separated (critical, high, medium,
    /// low, info).
    #[arg(long, value_delimiter = ',', value_name = "SEVERITY")]
    pub severity: Vec<Severity>,
    /// Time limit per check in seconds; a check over it (or over a builtin size bound) is
    /// ERROR for that check alone and the run goes on.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_check_timeout)]
    pub check_timeout: std::time::Duration,
    /// Also write one CSV per framework into --out (flowforge-audit.compliance-FRAMEWORK.csv):
    /// every control of the framework's full list with its status (PASS, FAIL, NOT_ASSESSED,
    /// MANUAL) and checks. cis-aws-foundations, aws-fsbp, nist-800-53-r5, or all
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK", env = "FLOWFORGE_AUDIT_COMPLIANCE")]
    pub compliance: Vec<String>,
    /// Append this run's summary to DIR/history.jsonl (JSON Lines; keep DIR between runs) and
    /// show the trend, one point per snapshot in collection order, in the HTML report and the
    /// change since the previous snapshot in the Markdown report
    #[arg(long, value_name = "DIR", env = "FLOWFORGE_AUDIT_HISTORY")]
    pub history: Option<PathBuf>,
    /// Where the SARIF rules' helpUri links point: an http(s) URL under which the repository's
    /// files are served (`<URL>/policies/aws/s3/tls_only.rego`), such as your fork or mirror
    /// at a tag [default: the package's repository at the tool's version tag]
    #[arg(long, value_name = "URL", value_parser = crate::report::sarif::parse_help_uri_base)]
    pub help_uri_base: Option<String>,
}

/// `--format`: each name a report format or `all` (checked here, so that a bad name in the
/// configuration file is refused with its position, like any other value).
pub fn parse_format_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Ok(String::new());
    }
    crate::report::Format::parse_list(s).map(|_| s.to_owned()).map_err(|e| e.to_string())
}

/// `--fail-on-drift`: drift states, or `none` alone. `none` beside a state is refused: read
/// either way it would silently drop what the other half asks for (issue 22 item 9).
pub fn parse_fail_on_drift(list: &[String]) -> Result<Vec<crate::model::DriftState>, String> {
    let words: Vec<&str> = list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if words.iter().any(|s| s.eq_ignore_ascii_case("none")) {
        if words.len() > 1 {
            return Err(format!(
                "--fail-on-drift: `none` turns drift gating off and cannot be combined with drift states (found {}); give `none` alone, or only states",
                words.join(",")
            ));
        }
        return Ok(Vec::new());
    }
    if words.is_empty() {
        return Err("--fail-on-drift: no drift state given (missing, changed, unmanaged, or none)".to_owned());
    }
    words.iter().map(|s| s.parse::<crate::model::DriftState>().map_err(|e| format!("--fail-on-drift: {e}"))).collect()
}

/// `--check-timeout`: positive seconds, fractions allowed.
pub fn parse_check_timeout(s: &str) -> Result<std::time::Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 => Ok(std::time::Duration::from_secs_f64(secs)),
        _ => Err(format!("expected a number of seconds between 0 and 86400, found {s:?}")),
    }
}

impl AuditArgs {
    /// The library's options for these arguments (no promotion source).
    pub fn options(&self) -> anyhow::Result<crate::audit::AuditOptions> {
        let formats =
            crate::report::Format::parse_list(&self.format.join(",")).map_err(|e| anyhow::anyhow!("--format: {e}"))?;
        let fail_on_drift =
            self.fail_on_drift.as_deref().map(parse_fail_on_drift).transpose().map_err(|e| anyhow::anyhow!("{e}"))?;
        let compliance = crate::audit::compliance_frameworks(&self.compliance).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(crate::audit::AuditOptions {
            // Required by clap, except for `scan --org` (each account's own environment).
            env: self.env.clone().unwrap_or_default(),
            baseline: self.baseline.clone(),
            policies: self.policies.clone(),
            waivers: self.waivers.clone(),
            expected_from: self.expected_from.clone(),
            iac_dir: self.iac_dir.clone(),
            fail_on: self.fail_on,
            require_complete_audit: self.require_complete_audit,
            fail_on_drift,
            waiver_warn_days: self.waiver_warn_days,
            limits: crate::policy::Limits::with_timeout(self.check_timeout),
            promotion: None,
            formats,
            out: self.out.clone(),
            compliance,
            history: self.history.clone(),
            help_uri_base: self.help_uri_base.clone(),
            iam: crate::iam_eval::Context::default(),
            selection: crate::policy::Selection {
                checks: self.checks.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
                excluded_checks: self
                    .excluded_checks
                    .iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
                services: self.services.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
                severity: self.severity.clone(),
            },
        })
    }
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The snapshot file written by `collect` or `scan --save-snapshot`.
    #[arg(long, value_name = "FILE")]
    pub snapshot: PathBuf,
    #[command(flatten)]
    pub audit: AuditArgs,
    /// Also write an evidence bundle here: snapshot, reports, baseline, waivers and the exact
    /// policy catalog, with a SHA-256 manifest.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
    /// Sign the evidence manifest with this secret key: writes `manifest.json.sig` (minisign
    /// format; create the key with `evidence keygen`).
    #[arg(long, value_name = "FILE", requires = "evidence")]
    pub sign_key: Option<PathBuf>,
    /// Also send the findings to AWS Security Hub: BatchImportFindings (ASFF, 100 a call) into
    /// the report's first region, as a custom integration of the audited account (standard credential chain,
    /// AWS_PROFILE, AWS_ENDPOINT_URL), and close
    /// (PASSED, ARCHIVED) the findings of earlier runs this run no longer fails. Needs the
    /// audited account's credentials with `iam-policy --security-hub`; a failed upload exits 2
    /// after the reports are written (docs/guide.md, "Security Hub").
    #[cfg(feature = "aws")]
    #[arg(long)]
    pub security_hub: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older snapshot or JSON report.
    pub old: PathBuf,
    /// The newer one (same kind).
    pub new: PathBuf,
    /// Output format: md, html (one self-contained page) or json.
    #[arg(long, default_value = "md", value_parser = ["md", "html", "json"])]
    pub format: String,
    /// Write the diff to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 1 when something new or regressed appears (snapshots: any change), for scheduled
    /// scans that alert on change.
    #[arg(long)]
    pub exit_on_change: bool,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The target environment's snapshot.
    #[arg(long, value_name = "FILE")]
    pub snapshot: PathBuf,
    /// The source environment's snapshot (e.g. qa when promoting to uat): checks parity.
    #[arg(long, value_name = "FILE")]
    pub from_snapshot: Option<PathBuf>,
    /// The source environment [default: the one before --env in the baseline's
    /// `promotion_order`, by default the order environments are declared in: dev → qa → uat → prod].
    #[arg(long, requires = "from_snapshot")]
    pub from_env: Option<String>,
    /// Judge a snapshot whose resources' environment tags name another environment anyway
    /// (by default a promotion refuses such a contradiction, exit 2).
    #[arg(long)]
    pub allow_env_mismatch: bool,
    #[command(flatten)]
    pub audit: AuditArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The evidence directory written by `evaluate --evidence DIR`.
    pub dir: PathBuf,
    /// Require a valid signature of the manifest by this public key (minisign format, from
    /// `evidence keygen` or `minisign -G`).
    #[arg(long, value_name = "FILE")]
    pub verify_key: Option<PathBuf>,
    /// For a period bundle (`attest --out`): also attest again from these bundles (a directory
    /// or s3://BUCKET/PREFIX) with the recorded options; the reports must come out the same.
    #[arg(long, value_name = "SOURCE")]
    pub bundles: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Create an Ed25519 key pair for signing evidence bundles: PREFIX.key (secret, created
    /// with mode 0600, never printed) and PREFIX.pub (minisign formats). Refuses to replace a file.
    Keygen {
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Sign files with a key of `evidence keygen` (or `minisign -G -W`): writes FILE.minisig
    /// beside each, which `minisign -Vm FILE -p KEY.pub` verifies (the release workflow signs
    /// its binaries this way). Refuses to replace a signature.
    Sign {
        /// The secret key.
        #[arg(long, value_name = "FILE")]
        sign_key: PathBuf,
        /// The files to sign.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// How to reach the AWS account (or an emulator).
#[cfg(feature = "aws")]
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// A named profile of the shared AWS config files [default: the standard credential chain,
    /// which reads AWS_PROFILE].
    #[arg(long)]
    pub profile: Option<String>,
    /// A region to inventory; repeat or comma-separate for several [default: the configured region].
    #[arg(long, value_delimiter = ',')]
    pub region: Vec<String>,
    /// Audit another account through this role (sts:AssumeRole).
    #[arg(long, value_name = "ROLE_ARN")]
    pub assume_role: Option<String>,
    /// The external id the role's trust policy requires (`--assume-role`, or each account's
    /// `--role-name` with `--org`).
    #[arg(long, requires = "assume_role")]
    pub external_id: Option<String>,
    /// Send every call to this endpoint (an emulator such as moto) instead of AWS [default:
    /// AWS_ENDPOINT_URL, when set].
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Timeout for one API operation, retries included, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub call_timeout: u64,
    /// Attempts per call under adaptive retry (throttling backs off).
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// Per-resource calls (S3 buckets, ...) in flight at once.
    #[arg(long, default_value_t = crate::collect::DEFAULT_S3_CONCURRENCY)]
    pub s3_concurrency: usize,
    /// Write the number of API calls by operation to this JSON file.
    #[arg(long, value_name = "FILE")]
    pub api_stats: Option<PathBuf>,
    /// No per-service progress on stderr, even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
}

#[cfg(feature = "aws")]
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Where to write the snapshot (JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[cfg(feature = "aws")]
#[derive(Debug, Args)]
#[command(
    mut_arg("env", |a| a.required(false).required_unless_present("org")),
    mut_arg("external_id", |a| a.requires(clap::builder::Resettable::<clap::Id>::Reset).requires("role_source")),
    group(clap::ArgGroup::new("role_source").args(["assume_role", "org"]).multiple(true)),
)]
pub struct ScanArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub audit: AuditArgs,
    /// Also save the collected snapshot, for `evaluate` or an auditor to re-run later.
    #[arg(long, value_name = "FILE", conflicts_with = "org")]
    pub save_snapshot: Option<PathBuf>,
    /// Also write an evidence bundle here (as `evaluate --evidence`): the collected snapshot,
    /// reports, baseline, waivers and the exact policy catalog, with a SHA-256 manifest.
    #[arg(long, value_name = "DIR", conflicts_with = "org")]
    pub evidence: Option<PathBuf>,
    /// Sign the evidence manifest with this secret key (`manifest.json.sig`, minisign format).
    #[arg(long, value_name = "FILE", requires = "evidence")]
    pub sign_key: Option<PathBuf>,
    /// Also send the findings to AWS Security Hub: BatchImportFindings (ASFF, 100 a call) into
    /// the report's first region, as a custom integration of the audited account (the scan's credentials,
    /// --profile, --assume-role, --endpoint-url), and close
    /// (PASSED, ARCHIVED) the findings of earlier runs this run no longer fails. Needs the
    /// audited account's credentials with `iam-policy --security-hub`; a failed upload exits 2
    /// after the reports are written (docs/guide.md, "Security Hub").
    #[arg(long, conflicts_with = "org")]
    pub security_hub: bool,
    #[command(flatten)]
    pub org: OrgArgs,
}

/// `scan --org`: every account of an AWS Organization (docs/guide.md, "Organisation scans").
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
pub struct OrgArgs {
    /// Scan the organisation's active accounts (management-account credentials), each through
    /// --role-name, into --out DIR/<account-id>/, with an organisation summary in DIR.
    #[arg(long, conflicts_with_all = ["env", "assume_role"])]
    pub org: bool,
    /// Only the accounts under these OUs (or root ids), recursively; repeat or comma-separate.
    #[arg(long, value_delimiter = ',', value_name = "OU_ID", requires = "org")]
    pub ou: Vec<String>,
    /// Only these accounts: comma-separated ids, or a file of `ACCOUNT_ID [ENVIRONMENT]` lines.
    #[arg(long, value_name = "FILE|LIST", requires = "org")]
    pub accounts: Option<String>,
    /// Account → environment, a file of `ACCOUNT_ID ENVIRONMENT` lines [default: each account's
    /// Organizations tag named by the baseline's recognise.environment_tag].
    #[arg(long, value_name = "FILE", requires = "org")]
    pub account_map: Option<PathBuf>,
    /// The role assumed in every member account.
    #[arg(long, default_value = "FlowForgeAudit", requires = "org")]
    pub role_name: String,
    /// Accounts audited at once (each with its own per-service concurrency and retry budget).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256), requires = "org")]
    pub max_accounts: u32,
    /// This runner's share of the accounts, I/N with 0 <= I < N (stable by account id);
    /// join the N outputs with `flowforge-audit merge`.
    #[arg(long, value_name = "I/N", requires = "org")]
    pub shard: Option<crate::org::accounts::Shard>,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the checks of the catalog (built-in plus --policies).
    List {
        /// text (a table), json (every check's METADATA, with its service) or md (the check
        /// catalog of docs/checks.md)
        #[arg(long, default_value = "text", value_parser = ["text", "json", "md"])]
        format: String,
        /// A directory of extra checks to list with the built-in ones (a check with a built-in
        /// check's id replaces it), as `evaluate --policies DIR` would load them
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
    },
    /// Run the Rego unit tests (`test_` rules of `*_test.rego`); exit 1 when one fails.
    Test {
        /// A policy directory to test [default: the built-in catalog].
        dir: Option<PathBuf>,
        /// Only run tests whose name contains this text.
        #[arg(long)]
        run: Option<String>,
        /// Report per-file coverage of the policies by the tests.
        #[arg(long)]
        coverage: bool,
        /// List every test, not only failures.
        #[arg(long = "verbose-tests")]
        verbose_tests: bool,
        /// Time limit per test in seconds; a test over it fails with the reason.
        #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_check_timeout)]
        check_timeout: std::time::Duration,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Validate a baseline file and list every problem with its line.
    Validate {
        /// The baseline file [default: the built-in one].
        file: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DriftState;

    fn words(s: &str) -> Vec<String> {
        s.split(',').map(str::to_owned).collect()
    }

    /// Issue 22 item 9: `--fail-on-drift missing,none` turned drift gating off without a word
    /// ("none" won); `none` beside a state is now refused, and each spelling alone still works.
    #[test]
    fn fail_on_drift_none_does_not_silently_turn_drift_gating_off() {
        for mixed in ["missing,none", "none,changed", "NONE,unmanaged,missing"] {
            let err = parse_fail_on_drift(&words(mixed)).unwrap_err();
            assert!(err.contains("cannot be combined"), "{mixed}: {err}");
        }
        assert_eq!(parse_fail_on_drift(&words("none")), Ok(vec![]));
        assert_eq!(parse_fail_on_drift(&words("missing,changed")), Ok(vec![DriftState::Missing, DriftState::Changed]));
        assert!(parse_fail_on_drift(&words("")).is_err(), "an empty list is not `none`");
        assert!(parse_fail_on_drift(&words("missing,bogus")).unwrap_err().contains("bogus"));
    }
}
