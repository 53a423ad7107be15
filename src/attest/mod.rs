//! `attest`: evidence over a period. Reads every evidence bundle of one environment collected in
//! a period, verifies each, and says per check and per framework control whether it operated
//! throughout, when it did not (exception intervals, fix times) and when nothing shows it
//! (gaps against the cadence). The answer a SOC 2 Type II or ISO 27001 auditor asks for, from
//! evidence they can verify.
//!
//! The flow, one concern per file:
//! - [`source`]: where bundles are (a directory); [`versions`]: a versioned S3 prefix read as
//!   bundles with its history (the calls themselves in `aws::bundle_store`, feature `aws`);
//! - [`bundle`]: one bundle screened by its claims, verified (the code of `verify-evidence`),
//!   reduced to a digest of its results;
//! - [`period`]: the slots, the gaps, the exception intervals, the time to fix;
//! - [`report`]: the period report every output renders;
//! - [`markdown`], [`html`], [`csv`]: the outputs; [`output`]: the period bundle they are
//!   written into (itself evidence: `verify-evidence` checks it).
//!
//! Bundles are read a batch at a time on every core and only their digests are kept, so memory
//! is bounded by the number of results in the period, not by the size of the bundles. Nothing
//! here imports the SDK or reads the clock: the same bundles give byte-identical reports.

pub mod bundle;
pub mod csv;
pub mod html;
pub mod markdown;
pub mod output;
pub mod period;
pub mod report;
pub mod source;
pub mod versions;

use chrono::NaiveDate;

use crate::compliance::FrameworkDef;
use crate::evidence::signing::PublicKey;
use bundle::{DefinitionCache, Outcome, Scope, Skip};
use period::{Collector, Found, PeriodInput};
pub use report::PeriodReport;
use source::BundleSource;

/// What to attest.
#[derive(Debug, Clone)]
pub struct AttestOptions {
    pub environment: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `--every` as given (`1d`); `None`: inferred from the bundles.
    pub every: Option<String>,
    /// `--account`: only these (each expected); empty: every account found.
    pub accounts: Vec<String>,
    /// The frameworks of the control view.
    pub frameworks: Vec<FrameworkDef>,
    /// `--verify-key`: signatures are checked against these.
    pub keys: Vec<PublicKey>,
    /// `--require-signature`: an unsigned bundle is an exception.
    pub require_signature: bool,
}

/// Why an attestation could not be made at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    #[error("{0}")]
    Source(#[from] source::SourceError),
    #[error("{0}")]
    Options(String),
}

/// The most slots a period may have per account (a year at ten minutes is 52,560).
pub const MAX_SLOTS: i64 = 100_000;

/// Bundles read at once: enough to keep every core (and an object store's connections) busy,
/// few enough that memory stays a few bundles' worth.
const BATCH: usize = 16;

impl AttestOptions {
    /// The options a period bundle records (what the command line resolves to first, and what
    /// `verify-evidence --bundles` re-attests with), with the keys signatures are checked with.
    pub fn from_period(
        environment: &str,
        period: &crate::evidence::PeriodOptions,
        keys: Vec<PublicKey>,
    ) -> Result<AttestOptions, AttestError> {
        let day = |flag: &str, s: &str| period::parse_day(s).map_err(|e| AttestError::Options(format!("{flag}: {e}")));
        let ids = crate::audit::compliance_frameworks(&period.frameworks).map_err(AttestError::Options)?;
        let frameworks = crate::compliance::builtin()
            .map_err(|e| AttestError::Options(e.to_string()))?
            .into_iter()
            .filter(|f| ids.contains(&f.id))
            .collect();
        let opts = AttestOptions {
            environment: environment.to_owned(),
            from: day("--from", &period.from)?,
            to: day("--to", &period.to)?,
            every: period.every.clone(),
            accounts: period.accounts.clone(),
            frameworks,
            keys,
            require_signature: period.require_signature,
        };
        opts.validate()?;
        Ok(opts)
    }

    /// Checks the period and the cadence.
    pub fn validate(&self) -> Result<Option<i64>, AttestError> {
        if self.to < self.from {
            return Err(AttestError::Options(format!("--to {} is before --from {}", self.to, self.from)));
        }
        if self.require_signature && self.keys.is_empty() {
            return Err(AttestError::Options(
                "--require-signature needs --verify-key (the public key the bundles must be signed with)".to_owned(),
            ));
        }
        let every = self
            .every
            .as_deref()
            .map(period::parse_every)
            .transpose()
            .map_err(|e| AttestError::Options(format!("--every: {e}")))?;
        // The slot states are a table of accounts × checks × slots: bound it.
        let seconds = period::day_start(self.to) + 86_400 - period::day_start(self.from);
        if let Some(e) = every.filter(|e| seconds / e > MAX_SLOTS) {
            return Err(AttestError::Options(format!(
                "--every {}: {} slots in the period, more than {MAX_SLOTS}; use a longer cadence or a shorter period",
                period::every_text(e),
                seconds / e
            )));
        }
        Ok(every)
    }
}

/// Attests `opts` from the bundles of `source`.
pub fn run(source: &dyn BundleSource, opts: &AttestOptions) -> Result<PeriodReport, AttestError> {
    let every = opts.validate()?;
    let listing = source.list()?;
    let scope = Scope {
        environment: opts.environment.clone(),
        accounts: opts.accounts.clone(),
        start: period::day_start(opts.from),
        end: period::day_start(opts.to) + 86_400,
        keys: opts.keys.clone(),
        require_signature: opts.require_signature,
    };
    let cache = DefinitionCache::default();
    let mut collector = Collector::default();
    let mut found = Found { bundles_found: listing.candidates.len(), events: listing.events, ..Found::default() };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    for batch in listing.candidates.chunks(BATCH.max(threads * 2)) {
        let outcomes =
            crate::parallel::map_on_cores(batch, threads, || (), |_, c| bundle::read(source, c, &scope, &cache));
        for (candidate, outcome) in batch.iter().zip(outcomes) {
            let outcome = outcome.unwrap_or_else(|| {
                let mut record = report::BundleRecord::found(&candidate.location, None);
                record.code = Some(crate::diag::Code::AttestUnreadable.as_str().to_owned());
                record.reasons = vec!["internal error while reading it (a bug: please report it)".to_owned()];
                Outcome::Read(Box::new(record), None)
            });
            match outcome {
                Outcome::Skipped(Skip::OtherEnvironment(env)) => {
                    *found.skipped.other_environment.entry(env).or_default() += 1;
                }
                Outcome::Skipped(Skip::OtherAccount) => found.skipped.other_account += 1,
                Outcome::Skipped(Skip::OutsidePeriod) => found.skipped.outside_period += 1,
                Outcome::Skipped(Skip::PeriodBundle) => found.skipped.period_bundles += 1,
                Outcome::Read(record, digest) => {
                    let index = found.records.len();
                    found.records.push(*record);
                    if let Some(d) = digest {
                        collector.add(index, d);
                    }
                }
            }
        }
    }
    found.refused = listing.refused;
    let input = PeriodInput {
        environment: opts.environment.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        from: opts.from,
        to: opts.to,
        every,
        accounts: opts.accounts.clone(),
        frameworks: opts.frameworks.clone(),
        require_signature: opts.require_signature,
        verify_keys: {
            let mut ids: Vec<String> = opts.keys.iter().map(PublicKey::key_id_hex).collect();
            ids.sort();
            ids.dedup();
            ids
        },
    };
    Ok(period::build(&input, collector, found))
}
