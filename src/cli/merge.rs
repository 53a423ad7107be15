//! `flowforge-audit merge`: the organisation summary of a sharded `scan --org`, from the
//! shards' output directories (no AWS access, so it is in the offline build too). It reads
//! the same record files a single-runner scan reads at its end (`org::merge`: every verdict
//! re-derived from the accounts' reports, inconsistent shards refused), and writes the same
//! bytes.

use super::args::MergeArgs;
use crate::org::summary::OrgSummary;

pub fn merge(args: MergeArgs) -> anyhow::Result<u8> {
    let records = crate::org::merge::read_run(&args.dirs)
        .map_err(|problems| anyhow::anyhow!(crate::diag::render("the set of shard output directories", &problems)))?;
    std::fs::create_dir_all(&args.out).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", args.out.display()))?;
    let summary = OrgSummary::from_records(records);
    let paths = summary.write(&args.out)?;
    Ok(super::org::finish(&summary, &paths, args.quiet))
}
