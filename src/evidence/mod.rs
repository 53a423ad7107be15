//! Evidence bundles as data: the manifest, the bundle's layout, and reading a bundle without
//! ever leaving it.
//!
//! A bundle is self-contained and its layout alone says what each file is, so that
//! verification derives everything it re-runs from the files and trusts no claim of the
//! manifest it could check instead:
//!
//! ```text
//! manifest.json               bundle_version, tool_version, run options, SHA-256 of every other file
//! manifest.json.sig           optional minisign signature of manifest.json (see `signing`)
//! inputs/snapshot.json        inputs/baseline.yaml
//! inputs/waivers/<file name>  (optional; reports name a waiver `<file name>:<line>`)
//! inputs/tfstate/<file name>  (optional `--expected-from`; reports name it by its file name)
//! inputs/iac/<path>.tf        (optional: the `.tf` files behind SARIF locations, by their path
//!                             under `--iac-dir`, whose spelling is the `iac_dir` option)
//! policies/builtin/<rel>.rego, policies/overlay/<rel>.rego   the exact catalog used
//! reports/flowforge-audit.<ext>                              one file per format written
//! reports/flowforge-audit.compliance-<framework>.csv         one per `--compliance` framework
//! ```
//!
//! A period bundle (`attest --out DIR`) has the same manifest with `period` set, and its own
//! layout (`crate::attest::output`); [`integrity`] checks both kinds the same way.
//!
//! Every path is a relative path of normal components; symbolic links and special files are
//! refused, not followed. The manifest carries no labels: reports name files by content-derived
//! labels (`builtin:…`, `overlay:…`, a waiver file's name), so nothing in it can be edited to
//! change what a re-run means. It must be in the canonical form this module writes, so that
//! every byte of it is either checked or reproduced.

pub mod integrity;
pub mod signing;

use crate::diag::{Code, Problem};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::model::Severity;
use crate::policy::Origin;
use crate::report::Format;

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.sig";
/// 2: no labels in the manifest, layout-derived roles, formats derived from `reports/`.
pub const BUNDLE_VERSION: u32 = 2;

pub const SNAPSHOT: &str = "inputs/snapshot.json";
pub const BASELINE: &str = "inputs/baseline.yaml";
pub const WAIVERS_DIR: &str = "inputs/waivers/";
pub const EXPECTED_DIR: &str = "inputs/tfstate/";
pub const IAC_DIR: &str = "inputs/iac/";
const BUILTIN_DIR: &str = "policies/builtin/";
const OVERLAY_DIR: &str = "policies/overlay/";
const REPORTS_DIR: &str = "reports/";

/// Why a bundle cannot be read at all (exit 2); a bundle that can be read but does not hold
/// up is a list of problems instead.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("cannot read {path}: {}", crate::fsio::Cause(error))]
    Io { path: String, error: std::io::Error },
    /// The bundle directory itself.
    #[error("cannot read the evidence bundle {path}: {}", crate::fsio::Cause(error))]
    Bundle { path: String, error: std::io::Error },
    /// The manifest cannot be used at all (its problem names the file and the position).
    #[error("{0}")]
    Manifest(Problem),
    #[error("cannot {what} {path}: {}", crate::fsio::Cause(error))]
    Write { what: &'static str, path: String, error: std::io::Error },
    /// Writing a bundle was refused (a directory that is not empty, a path through a link).
    #[error("{0}")]
    Refused(String),
}

/// The options that shape the reports, as resolved in the original run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunOptions {
    pub environment: String,
    pub fail_on: Option<Severity>,
    pub require_complete_audit: Option<bool>,
    pub fail_on_drift: Option<Vec<String>>,
    pub waiver_warn_days: i64,
    /// `--help-uri-base`, when given (the SARIF report depends on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_uri_base: Option<String>,
    /// The check selection (`--checks`, `--excluded-checks`, `--services`, `--severity`),
    /// when the run was partial: verification re-runs the same checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_checks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// The `--baseline` path as given (SARIF drift results point at it); absent for the
    /// built-in baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// The directory the `.tf` files of `inputs/iac/` were read from, as given (their SARIF
    /// locations start with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iac_dir: Option<String>,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub bundle_version: u32,
    /// Must equal the verifying tool's version: reports are only reproducible by the version
    /// that wrote them (the JSON report carries it too).
    pub tool_version: String,
    pub options: RunOptions,
    /// Every file of the bundle but the manifest and its signature: path → SHA-256.
    pub files: BTreeMap<String, String>,
    /// Present only in a period bundle (`attest --out DIR`): what was attested. Absent from
    /// every audit bundle, whose canonical form is unchanged by this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodOptions>,
}

/// The options of an `attest` run, recorded in the manifest of the period bundle it writes.
/// `options.environment` of such a manifest is the attested environment; its other run
/// options do not apply (no single snapshot was evaluated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodOptions {
    /// First day of the period (UTC, `YYYY-MM-DD`), inclusive.
    pub from: String,
    /// Last day of the period (UTC, `YYYY-MM-DD`), inclusive.
    pub to: String,
    /// The expected cadence as given (`1d`, `12h`); absent: inferred from the bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// `--account`: only these accounts (and each is expected); empty: every account found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// The frameworks of the control view.
    pub frameworks: Vec<String>,
    /// Whether an unsigned bundle was an exception.
    pub require_signature: bool,
    /// The key ids of `--verify-key` (sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify_keys: Vec<String>,
    /// Where the bundles were read (`--bundles`), as given.
    pub source: String,
}

impl Manifest {
    /// The manifest's bytes in canonical form (the only form [`Manifest::parse`] accepts).
    pub fn to_canonical(&self) -> Vec<u8> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text.into_bytes()
    }

    /// Parses a manifest; `Ok` with problems when it reads but is not canonical or names a
    /// path a bundle cannot hold.
    pub fn parse(bytes: &[u8]) -> Result<(Manifest, Vec<Problem>), EvidenceError> {
        let fatal = |code, line, col, message: String| {
            EvidenceError::Manifest(Problem::new(code, MANIFEST, line, col, message))
        };
        let invalid = |e: serde_json::Error| {
            fatal(Code::ManifestInvalid, e.line(), e.column(), format!("not an evidence manifest: {e}"))
        };
        let version: serde_json::Value = serde_json::from_slice(bytes).map_err(invalid)?;
        match version.get("bundle_version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(BUNDLE_VERSION) => {}
            Some(v) => {
                return Err(fatal(
                    Code::ManifestVersion,
                    0,
                    0,
                    format!(
                        "bundle_version {v} is not supported (this tool reads version {BUNDLE_VERSION}); verify it with the flowforge-audit that wrote it"
                    ),
                ))
            }
            None => {
                return Err(fatal(Code::ManifestInvalid, 0, 0, "no bundle_version: not an evidence manifest".into()))
            }
        }
        // Re-read from the bytes (not the value) so that a shape error has its position.
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(invalid)?;
        let mut problems = Vec::new();
        if manifest.to_canonical() != bytes {
            problems.push(Problem::in_file(
                Code::ManifestNotCanonical,
                MANIFEST,
                "not in the canonical form flowforge-audit writes (edited?)",
            ));
        }
        for path in manifest.files.keys() {
            if let Err(why) = check_relative_path(path) {
                problems.push(Problem::in_file(Code::ManifestPath, MANIFEST, format!("file {path:?}: {why}")));
            }
        }
        Ok((manifest, problems))
    }
}

/// A path inside a bundle: relative, `/`-separated, normal components only (no `..`, `.`,
/// empty component, root, drive or backslash).
pub fn check_relative_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("backslash or NUL in a path");
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err("not a relative path of normal components (no `..`, `.`, `//`, leading `/`)");
        }
    }
    if !Path::new(path).components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("not a relative path of normal components");
    }
    Ok(())
}

/// What a file of the bundle is, from its path alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Snapshot,
    Baseline,
    /// The waiver file, by its original file name.
    Waivers(String),
    /// The Terraform state, by its original file name.
    Expected(String),
    /// A `.tf` file, by its path under the Terraform directory.
    Iac(String),
    Policy {
        origin: Origin,
        rel_path: String,
    },
    Report(Format),
    /// The compliance CSV of a framework (`--compliance`), by the framework's id.
    Compliance(String),
}

/// The role of `path`; `None` for a file the tool never writes into a bundle.
pub fn role(path: &str) -> Option<Role> {
    match path {
        SNAPSHOT => return Some(Role::Snapshot),
        BASELINE => return Some(Role::Baseline),
        _ => {}
    }
    if let Some(name) = path.strip_prefix(WAIVERS_DIR) {
        return (!name.contains('/')).then(|| Role::Waivers(name.to_owned()));
    }
    if let Some(name) = path.strip_prefix(EXPECTED_DIR) {
        return (!name.contains('/')).then(|| Role::Expected(name.to_owned()));
    }
    if let Some(rel) = path.strip_prefix(IAC_DIR) {
        return rel.ends_with(".tf").then(|| Role::Iac(rel.to_owned()));
    }
    for (dir, origin) in [(BUILTIN_DIR, Origin::Builtin), (OVERLAY_DIR, Origin::Overlay)] {
        if let Some(rel) = path.strip_prefix(dir) {
            return rel.ends_with(".rego").then(|| Role::Policy { origin, rel_path: rel.to_owned() });
        }
    }
    let name = path.strip_prefix(REPORTS_DIR)?;
    if let Some(framework) = crate::report::csv::compliance_framework_of(name) {
        return Some(Role::Compliance(framework.to_owned()));
    }
    Format::ALL.into_iter().find(|f| f.renderer().file_name() == name).map(Role::Report)
}

/// The reports of a period bundle (`attest`): `reports/flowforge-attest.*`.
pub const PERIOD_REPORT_PREFIX: &str = "reports/flowforge-attest";
/// The public keys a period bundle's bundles were verified with.
pub const PERIOD_KEYS_DIR: &str = "inputs/keys/";

/// Whether `rel` is a file of a period bundle's layout (its reports and the keys it checked
/// signatures with); the audit bundle's layout is [`role`].
pub fn period_file(rel: &str) -> bool {
    let direct = |dir: &str| rel.strip_prefix(dir).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    (direct(PERIOD_KEYS_DIR) && rel.ends_with(".pub"))
        || rel.strip_prefix(PERIOD_REPORT_PREFIX).is_some_and(|rest| !rest.contains('/'))
}

/// Where a policy file goes in a bundle.
pub fn policy_path(origin: Origin, rel_path: &str) -> String {
    match origin {
        Origin::Builtin => format!("{BUILTIN_DIR}{rel_path}"),
        Origin::Overlay => format!("{OVERLAY_DIR}{rel_path}"),
    }
}

/// Where the compliance CSV of `framework` goes in a bundle.
pub fn compliance_path(framework: &str) -> String {
    format!("{REPORTS_DIR}{}", crate::report::csv::compliance_file_name(framework))
}

/// Where a report of `format` goes in a bundle.
pub fn report_path(format: Format) -> String {
    format!("{REPORTS_DIR}{}", format.renderer().file_name())
}

/// Every regular file of a bundle, read once, and every entry refused.
#[derive(Debug, Default)]
pub struct Tree {
    /// Relative `/`-separated path → bytes, for the files a bundle holds (those with a
    /// [`role`], the manifest and its signature).
    pub files: BTreeMap<String, Vec<u8>>,
    /// Regular files the tool never writes into a bundle: listed, never read (their content
    /// cannot matter, and a planted multi-gigabyte file must not be loaded to say so).
    pub unread: Vec<String>,
    /// Symbolic links, special files and unusable names, each with why it was refused.
    pub refused: Vec<String>,
}

/// How deep a bundle's directories go at most: the deepest file the tool writes is
/// `policies/overlay/aws/<service>/<check>.rego` (five components).
pub const MAX_DEPTH: usize = 8;
/// Entries (files and directories) a bundle holds at most: the catalog is a few hundred files.
pub const MAX_ENTRIES: usize = 20_000;

/// Reads a bundle without following a symbolic link: a link (to a file or to a directory), a
/// FIFO, a socket or a device is refused and listed, never opened. The manifest is read first;
/// then the files of the bundle's layout that it lists are read here once, each through the
/// shared bounded reader ([`crate::fsio::read_no_follow`]: at most the input limit), and
/// verification works on these bytes only, so nothing can swap a file between its hash check
/// and its use. Any other file is listed unread (issue 22 item 4: a planted sparse gigabyte was
/// loaded whole); the walk stops at [`MAX_DEPTH`] levels and [`MAX_ENTRIES`] entries.
pub fn read_tree(dir: &Path) -> Result<Tree, EvidenceError> {
    let mut tree = Tree::default();
    let bundle = |error| EvidenceError::Bundle { path: dir.display().to_string(), error };
    let meta = std::fs::metadata(dir).map_err(bundle)?;
    if !meta.is_dir() {
        return Err(bundle(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "it is not a directory (give the directory `evaluate --evidence DIR` wrote)",
        )));
    }
    // The manifest first: only the files it lists are read (a file it does not list is
    // reported as added, whatever it holds).
    // A manifest that is a link or a special file is refused by the walk like any entry.
    let manifest_path = dir.join(MANIFEST);
    let mut listed = BTreeSet::new();
    let mut period = false;
    if std::fs::symlink_metadata(&manifest_path).is_ok_and(|m| m.file_type().is_file()) {
        let bytes = crate::fsio::read_no_follow(&manifest_path).map_err(|source| io(&manifest_path, source))?;
        if let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) {
            period = m.period.is_some();
            listed = m.files.into_keys().collect();
        }
        tree.files.insert(MANIFEST.to_owned(), bytes);
    }
    let mut walk = Walk { listed, period, entries: 0, tree };
    walk.dir(dir, "", 0)?;
    let mut tree = walk.tree;
    tree.refused.sort();
    tree.unread.sort();
    Ok(tree)
}

fn write_err(path: &Path, source: std::io::Error) -> EvidenceError {
    EvidenceError::Write { what: "write", path: path.display().to_string(), error: source }
}

fn io(path: &Path, source: std::io::Error) -> EvidenceError {
    EvidenceError::Io { path: path.display().to_string(), error: source }
}

/// The state of one walk over a bundle.
struct Walk {
    /// The paths the manifest lists.
    listed: BTreeSet<String>,
    /// The manifest is a period bundle's (`attest`): its layout is [`period_file`].
    period: bool,
    entries: usize,
    tree: Tree,
}

impl Walk {
    /// Whether verification reads the file at `rel`: the signature, and the files of the
    /// bundle's layout that the manifest lists (the manifest itself is read first).
    fn reads(&self, rel: &str) -> bool {
        rel == SIGNATURE || (self.listed.contains(rel) && (role(rel).is_some() || (self.period && period_file(rel))))
    }

    fn dir(&mut self, dir: &Path, prefix: &str, depth: usize) -> Result<(), EvidenceError> {
        if depth >= MAX_DEPTH {
            self.tree
                .refused
                .push(format!("{prefix}: directories nested more than {MAX_DEPTH} deep (refused, not read)"));
            return Ok(());
        }
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|source| io(dir, source))? {
            self.entries += 1;
            if self.entries > MAX_ENTRIES {
                return Err(io(
                    dir,
                    std::io::Error::other(format!("more than {MAX_ENTRIES} entries: not an evidence bundle")),
                ));
            }
            entries.push(entry.map_err(|source| io(dir, source))?);
        }
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                self.tree
                    .refused
                    .push(format!("{prefix}{}: a file name that is not UTF-8", entry.file_name().to_string_lossy()));
                continue;
            };
            let rel = format!("{prefix}{name}");
            // `DirEntry::file_type` does not follow symbolic links.
            let kind = entry.file_type().map_err(|source| io(&path, source))?;
            if kind.is_symlink() {
                self.tree
                    .refused
                    .push(format!("{rel}: a symbolic link (refused, not followed: a bundle is self-contained)"));
            } else if kind.is_dir() {
                self.dir(&path, &format!("{rel}/"), depth + 1)?;
            } else if kind.is_file() && rel == MANIFEST {
                // Read before the walk.
            } else if kind.is_file() && self.reads(&rel) {
                let bytes = crate::fsio::read_no_follow(&path).map_err(|source| io(&path, source))?;
                self.tree.files.insert(rel, bytes);
            } else if kind.is_file() {
                self.tree.unread.push(rel);
            } else {
                self.tree.refused.push(format!("{rel}: not a regular file (refused)"));
            }
        }
        Ok(())
    }
}

/// Makes `dir` the home of a new bundle: created if missing, refused when it exists and is not
/// an empty directory (two runs' evidence never mix).
pub fn start_bundle(dir: &Path) -> Result<(), EvidenceError> {
    if dir.exists() && !dir.is_dir() {
        return Err(EvidenceError::Refused(format!("evidence directory {} is not a directory", dir.display())));
    }
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(EvidenceError::Refused(format!(
            "evidence directory {} is not empty: refusing to mix two runs' evidence",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|error| EvidenceError::Write {
        what: "create the evidence directory",
        path: dir.display().to_string(),
        error,
    })
}

/// Writes `bytes` at `rel` inside the bundle `dir` (a new file, never through a link) and
/// records its hash in `files`.
pub fn put(dir: &Path, rel: &str, bytes: &[u8], files: &mut BTreeMap<String, String>) -> Result<(), EvidenceError> {
    if let Err(why) = check_relative_path(rel) {
        return Err(EvidenceError::Refused(format!("cannot put {rel:?} into an evidence bundle: {why}")));
    }
    // Each directory inside the bundle is ours: created here, or checked to be a directory and
    // not a link someone put in its place.
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(EvidenceError::Refused(format!(
                    "{} is not a directory (a link?): refusing to write through it",
                    at.display()
                )))
            }
            Err(_) => std::fs::create_dir(&at).map_err(|source| write_err(&at, source))?,
        }
    }
    let path = dir.join(rel);
    create_new(&path, bytes, 0o644).map_err(|source| write_err(&path, source))?;
    files.insert(rel.to_owned(), crate::model::sha256_hex(bytes));
    Ok(())
}

/// Writes the manifest of the bundle `dir` and, with `key`, its signature; returns the
/// manifest's path.
pub fn finish(
    dir: &Path,
    manifest: &Manifest,
    key: Option<&signing::SecretKey>,
) -> Result<std::path::PathBuf, EvidenceError> {
    let text = manifest.to_canonical();
    let path = dir.join(MANIFEST);
    create_new(&path, &text, 0o644).map_err(|source| write_err(&path, source))?;
    if let Some(key) = key {
        let sig = dir.join(SIGNATURE);
        create_new(&sig, key.sign(&text).as_bytes(), 0o644).map_err(|source| write_err(&sig, source))?;
    }
    Ok(path)
}

/// Creates `path` with `mode` from the start (a secret key is never readable by others, not
/// even for a moment); never replaces an existing file and never writes through a symbolic
/// link, dangling or not (`O_CREAT | O_EXCL`).
pub fn create_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = opts.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only relative paths of normal components are bundle paths.
    #[test]
    fn bundle_paths_are_relative_and_normal() {
        for ok in ["inputs/snapshot.json", "policies/overlay/aws/s3/x.rego", "a"] {
            assert_eq!(check_relative_path(ok), Ok(()), "{ok}");
        }
        for bad in ["", "/etc/passwd", "../x", "inputs/../../x", "./a", "a//b", "a/", "a\\b", "C:\\x", "a/./b"] {
            assert!(check_relative_path(bad).is_err(), "{bad}");
        }
    }

    /// Roles come from the layout; anything else is not a bundle file.
    #[test]
    fn roles_from_paths() {
        assert_eq!(role("inputs/snapshot.json"), Some(Role::Snapshot));
        assert_eq!(role("inputs/waivers/prod.yaml"), Some(Role::Waivers("prod.yaml".into())));
        assert_eq!(role("reports/flowforge-audit.md"), Some(Role::Report(Format::Markdown)));
        assert_eq!(role("reports/flowforge-audit.compliance-aws-fsbp.csv"), Some(Role::Compliance("aws-fsbp".into())));
        assert_eq!(role(&compliance_path("cis-aws-foundations")), Some(Role::Compliance("cis-aws-foundations".into())));
        assert_eq!(
            role("policies/overlay/aws/s3/x.rego"),
            Some(Role::Policy { origin: Origin::Overlay, rel_path: "aws/s3/x.rego".into() })
        );
        assert_eq!(role("inputs/iac/modules/net/main.tf"), Some(Role::Iac("modules/net/main.tf".into())));
        for none in [
            "reports/notes.txt",
            "inputs/iac/notes.md",
            "inputs/extra.txt",
            "inputs/waivers/a/b.yaml",
            "policies/builtin/x.txt",
        ] {
            assert_eq!(role(none), None, "{none}");
        }
    }

    pub(super) fn sample() -> Manifest {
        Manifest {
            bundle_version: BUNDLE_VERSION,
            tool_version: "0.1.0".into(),
            options: RunOptions {
                environment: "prod".into(),
                fail_on: Some(Severity::High),
                require_complete_audit: Some(true),
                fail_on_drift: Some(vec!["missing".into()]),
                waiver_warn_days: 14,
                help_uri_base: None,
                checks: Vec::new(),
                excluded_checks: Vec::new(),
                services: Vec::new(),
                severity: Vec::new(),
                baseline: None,
                iac_dir: None,
            },
            files: BTreeMap::from([("inputs/snapshot.json".to_owned(), "ab".repeat(32))]),
            period: None,
        }
    }

    /// A small deterministic generator (xorshift), so that a failure is reproducible.
    pub(super) fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// Byte-level damage of every kind (flip, cut, insert, delete) never panics the manifest
    /// parser, and each error names the manifest.
    #[test]
    fn damaged_manifests_never_panic() {
        let good = sample().to_canonical();
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut bytes = good.clone();
            for _ in 0..=xorshift(&mut seed) % 3 {
                let at = (xorshift(&mut seed) as usize) % bytes.len().max(1);
                match xorshift(&mut seed) % 4 {
                    0 if !bytes.is_empty() => bytes[at] = xorshift(&mut seed) as u8,
                    1 => bytes.truncate(at),
                    2 => bytes.insert(at.min(bytes.len()), b"{}[]\",:0\\-\xff"[(xorshift(&mut seed) % 11) as usize]),
                    _ if !bytes.is_empty() => {
                        bytes.remove(at);
                    }
                    _ => {}
                }
            }
            match Manifest::parse(&bytes) {
                // Accepted without a problem only in canonical form: no byte goes unchecked.
                Ok((m, problems)) if problems.is_empty() => assert_eq!(m.to_canonical(), bytes),
                Ok(_) => {}
                Err(e) => {
                    let e = e.to_string();
                    assert!(e.starts_with("manifest.json:") && e.contains(": error[E00"), "{e}")
                }
            }
        }
    }

    /// A manifest must be canonical and name only bundle paths; an unknown field or another
    /// bundle version is an error.
    #[test]
    fn manifest_is_strict() {
        let m = Manifest {
            bundle_version: BUNDLE_VERSION,
            tool_version: "0.1.0".into(),
            options: RunOptions {
                environment: "prod".into(),
                fail_on: None,
                require_complete_audit: None,
                fail_on_drift: None,
                waiver_warn_days: 14,
                help_uri_base: None,
                checks: Vec::new(),
                excluded_checks: Vec::new(),
                services: Vec::new(),
                severity: Vec::new(),
                baseline: None,
                iac_dir: None,
            },
            files: BTreeMap::from([("../x".to_owned(), "00".to_owned())]),
            period: None,
        };
        let bytes = m.to_canonical();
        let (back, problems) = Manifest::parse(&bytes).unwrap();
        assert_eq!(back, m);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, Code::ManifestPath, "{problems:?}");
        assert!(problems[0].message.contains("\"../x\""), "{problems:?}");
        let spaced = String::from_utf8(bytes.clone()).unwrap().replace("\n", "\n ");
        let (_, problems) = Manifest::parse(spaced.as_bytes()).unwrap();
        assert!(problems.iter().any(|p| p.code == Code::ManifestNotCanonical), "{problems:?}");
        let extra = String::from_utf8(bytes.clone()).unwrap().replacen('{', "{\"labels\": 1,", 1);
        let err = Manifest::parse(extra.as_bytes()).unwrap_err().to_string();
        assert!(err.starts_with("manifest.json:1:") && err.contains("error[E001]"), "{err}");
        let v1 = String::from_utf8(bytes).unwrap().replace("\"bundle_version\": 2", "\"bundle_version\": 1");
        let err = Manifest::parse(v1.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("error[E002]") && err.contains("bundle_version 1"), "{err}");
    }

    /// Reading a bundle refuses symbolic links to files and directories instead of following them.
    #[cfg(unix)]
    #[test]
    fn symlinks_are_refused_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), b"s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("inputs")).unwrap();
        std::fs::write(dir.path().join("inputs/a"), b"a").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("inputs/link")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("dirlink")).unwrap();
        let tree = read_tree(dir.path()).unwrap();
        // `inputs/a` is no file of a bundle: listed, not read.
        assert!(tree.files.is_empty(), "{:?}", tree.files.keys());
        assert_eq!(tree.unread, ["inputs/a"]);
        assert_eq!(tree.refused.len(), 2, "{:?}", tree.refused);
        assert!(tree.refused.iter().all(|r| r.contains("symbolic link")), "{:?}", tree.refused);
    }
}
