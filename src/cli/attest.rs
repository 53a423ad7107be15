//! `attest`: an operating-effectiveness report over a period, from the evidence bundles of
//! scheduled scans (the logic is [`crate::attest`]); and the check of a period bundle that
//! `verify-evidence` hands over.
//!
//! Exit 0 when every check operated throughout the period (or did not apply), no slot lacks a
//! valid scan and no bundle was rejected; 1 when the report shows exceptions, gaps or rejected
//! bundles (it is written either way); 2 when nothing could be attested (bad options, a source
//! that cannot be listed).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;

use super::{EXIT_GATE_FAILED, EXIT_OK};
use crate::attest::report::{Use, Verdict};
use crate::attest::source::{BundleSource, DirSource};
use crate::attest::{self, AttestOptions};
use crate::evidence::integrity::SignatureCheck;
use crate::evidence::signing::{PublicKey, SecretKey};
use crate::evidence::{Manifest, PeriodOptions, Tree};
use crate::report::text::terminal;

#[derive(Debug, Args)]
pub struct AttestArgs {
    /// Where the evidence bundles are: a directory (searched recursively for `manifest.json`)
    /// or `s3://BUCKET/PREFIX` (feature `aws`; ListObjectVersions and GetObject only, see
    /// `iam-policy --attest`).
    #[arg(long, value_name = "SOURCE")]
    pub bundles: String,
    /// The environment attested; bundles of other environments are counted, never mixed in.
    #[arg(long)]
    pub env: String,
    /// First day of the period (UTC, YYYY-MM-DD), inclusive.
    #[arg(long, value_name = "DAY")]
    pub from: String,
    /// Last day of the period (UTC, YYYY-MM-DD), inclusive; not after today.
    #[arg(long, value_name = "DAY")]
    pub to: String,
    /// The cadence each account must be scanned at (30m, 12h, 1d, 1w): a slot without a valid
    /// scan is not evidenced [default: inferred from the bundles' median interval]
    #[arg(long, value_name = "CADENCE")]
    pub every: Option<String>,
    /// Only these accounts (repeat or comma-separate); each is expected in every slot
    /// [default: every account the bundles name]
    #[arg(long, value_delimiter = ',', value_name = "ACCOUNT_ID")]
    pub account: Vec<String>,
    /// Check each bundle's signature against these public keys (repeat for a key rotated
    /// during the period); a signature by any other key is an exception.
    #[arg(long, value_name = "FILE")]
    pub verify_key: Vec<PathBuf>,
    /// An unsigned bundle is an exception (needs --verify-key).
    #[arg(long)]
    pub require_signature: bool,
    /// The frameworks of the per-control view, comma separated: cis-aws-foundations,
    /// aws-fsbp, nist-800-53-r5, or all
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK", default_value = "all")]
    pub compliance: Vec<String>,
    /// Where the period bundle is written (a new or empty directory): the reports and a
    /// manifest, itself evidence that `verify-evidence` checks.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Sign the period bundle's manifest with this secret key (minisign format).
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
    /// Print nothing on stdout but the report paths.
    #[arg(long, short)]
    pub quiet: bool,
    /// For an s3:// source: a named profile of the shared AWS config files.
    #[cfg(feature = "aws")]
    #[arg(long)]
    pub profile: Option<String>,
    /// For an s3:// source: the bucket's region [default: the configured region].
    #[cfg(feature = "aws")]
    #[arg(long)]
    pub region: Option<String>,
    /// For an s3:// source: send every call to this endpoint (an emulator) [default:
    /// AWS_ENDPOINT_URL, when set].
    #[cfg(feature = "aws")]
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// How to reach an s3:// source.
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
struct S3Connect {
    profile: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
}

/// The source `spec` names: a directory, or (feature `aws`) an S3 prefix.
fn open_source(spec: &str, connect: &S3Connect) -> anyhow::Result<Box<dyn BundleSource>> {
    if spec.starts_with("s3://") {
        #[cfg(feature = "aws")]
        {
            let opts = crate::aws::ConnectOptions {
                profile: connect.profile.clone(),
                regions: connect.region.iter().cloned().collect(),
                endpoint_url: connect.endpoint_url.clone(),
                ..crate::aws::ConnectOptions::default()
            };
            return Ok(Box::new(crate::attest::versions::S3Source::open(spec, &opts)?));
        }
        #[cfg(not(feature = "aws"))]
        {
            let _ = connect;
            bail!("--bundles {spec}: reading S3 needs the AWS build (this one was built without the `aws` feature); copy the bundles to a directory (`aws s3 sync`) and attest that");
        }
    }
    Ok(Box::new(DirSource::new(Path::new(spec)).with_context(|| format!("--bundles {spec}"))?))
}

fn read_keys(paths: &[PathBuf]) -> anyhow::Result<Vec<PublicKey>> {
    paths.iter().map(|p| PublicKey::read(p).map_err(anyhow::Error::from)).collect()
}

pub fn attest(args: AttestArgs) -> anyhow::Result<u8> {
    let keys = read_keys(&args.verify_key)?;
    let sign_key = args.sign_key.as_deref().map(SecretKey::read).transpose()?;
    let frameworks = crate::audit::compliance_frameworks(&args.compliance).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut key_ids: Vec<String> = keys.iter().map(PublicKey::key_id_hex).collect();
    key_ids.sort();
    key_ids.dedup();
    let period = PeriodOptions {
        from: args.from.trim().to_owned(),
        to: args.to.trim().to_owned(),
        every: args.every.as_ref().map(|e| e.trim().to_owned()),
        accounts: {
            let mut a: Vec<String> =
                args.account.iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
            a.sort();
            a.dedup();
            a
        },
        frameworks,
        require_signature: args.require_signature,
        verify_keys: key_ids,
        source: args.bundles.clone(),
    };
    let opts = AttestOptions::from_period(&args.env, &period, keys.clone())?;
    // The clock only guards the period: days not yet come would all be gaps.
    let today = chrono::Utc::now().date_naive();
    if opts.to > today {
        bail!(
            "--to {}: the period must end today ({today}) at the latest: the days to come would all be gaps",
            opts.to
        );
    }
    #[cfg(feature = "aws")]
    let connect = S3Connect { profile: args.profile, region: args.region, endpoint_url: args.endpoint_url };
    #[cfg(not(feature = "aws"))]
    let connect = S3Connect::default();
    let source = open_source(&args.bundles, &connect)?;
    let report = attest::run(source.as_ref(), &opts)?;
    let paths = attest::output::write_bundle(&args.out, &report, period, &keys, sign_key.as_ref())?;

    let s = &report.summary;
    let count = |v: Verdict| s.checks.get(v.as_str()).copied().unwrap_or(0);
    let passed = report.operated_throughout();
    if !args.quiet {
        outln!(
            "attest {} {} to {} (every {}): {} of {} checks operating, {} with exceptions, {} not evidenced, {} not applicable",
            terminal(&report.environment),
            report.period.from,
            report.period.to,
            report.period.every,
            count(Verdict::Operating),
            s.checks.values().sum::<usize>(),
            count(Verdict::Exceptions),
            count(Verdict::NotEvidenced),
            count(Verdict::NotApplicable),
        );
        outln!(
            "  {} scans from {} bundles relied on; {} exception intervals ({} open); {} slots not evidenced in {} gaps",
            s.scans,
            s.bundles_relied_on,
            s.exceptions,
            s.open_exceptions,
            s.slots_not_evidenced,
            s.gaps
        );
        for b in report.bundles.iter().filter(|b| b.use_ == Use::Rejected) {
            outln!(
                "  rejected: {} [{}] {}",
                terminal(&b.location),
                b.code.as_deref().unwrap_or(""),
                terminal(&b.reasons.first().cloned().unwrap_or_default())
            );
        }
        for e in &report.store_events {
            outln!("  store: {} {} ({} versions)", terminal(&e.object), e.event, e.versions);
        }
    }
    for p in &paths {
        outln!("{}", p.display());
    }
    Ok(if passed { EXIT_OK } else { EXIT_GATE_FAILED })
}

/// `verify-evidence DIR` on a period bundle: its manifest and signature were checked by the
/// caller (`problems` so far); here the files, the reports re-rendered from the period JSON and,
/// with `--bundles`, the attestation done again from the bundles.
pub fn verify_period(
    dir: &Path,
    tree: Tree,
    manifest: &Manifest,
    signature: &SignatureCheck,
    mut problems: Vec<String>,
    bundles: Option<&str>,
) -> anyhow::Result<u8> {
    const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
    if !problems.is_empty() {
        problems.extend(attest::output::verify(&tree, manifest, None)?.problems);
        return Ok(super::evidence::tampered(dir, &problems));
    }
    if manifest.tool_version != TOOL_VERSION {
        bail!(
            "{}: written by flowforge-audit {}; its reports are reproducible only by that version (this is {TOOL_VERSION})",
            dir.join(crate::evidence::MANIFEST).display(),
            manifest.tool_version
        );
    }
    // The connection of an s3:// source comes from the environment (AWS_PROFILE, AWS_REGION,
    // AWS_ENDPOINT_URL): verify-evidence has no connection options of its own.
    let source = bundles.map(|spec| open_source(spec, &S3Connect::default())).transpose()?;
    let check = attest::output::verify(&tree, manifest, source.as_deref())?;
    if !check.problems.is_empty() {
        return Ok(super::evidence::tampered(dir, &check.problems));
    }
    if !check.mismatches.is_empty() {
        outln!("evidence {}: NOT REPRODUCED: {}", dir.display(), check.mismatches.join(", "));
        return Ok(EXIT_GATE_FAILED);
    }
    let signed = match signature {
        SignatureCheck::Verified { key_id } => format!(", manifest signed by key {key_id}"),
        _ => String::new(),
    };
    let again = match (check.re_attested, bundles) {
        (true, Some(spec)) => format!(", attested again from {} with the same result", terminal(spec)),
        _ => " (pass --bundles SOURCE to attest again from the bundles)".to_owned(),
    };
    outln!(
        "evidence {}: VERIFIED period bundle ({} files hashed, {} reports reproduced byte for byte from the period JSON{again}{signed})",
        dir.display(),
        manifest.files.len(),
        check.reproduced,
    );
    Ok(EXIT_OK)
}
