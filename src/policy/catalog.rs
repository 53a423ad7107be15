//! The policy catalog: the builtin checks compiled into the binary, optionally overlaid by a
//! `--policies DIR` that adds checks or replaces builtin ones with the same id.
//!
//! Layout (the same for the builtin `policies/` tree and for an overlay directory):
//! - `aws/<service>/<check>.rego`: one check, package `flowforge.aws.<service>.<check>`, with a
//!   `# METADATA` block (see [`super::metadata`]);
//! - `aws/<service>/<check>_test.rego`: its Rego unit tests, package `…<check>_test`;
//! - `lib/*.rego`: shared helpers, packages under `flowforge.lib`.
//!
//! Loading validates everything (id format and uniqueness, metadata, package vs path, a test
//! file per check) and reports every problem at once with its file and line. The builtin
//! catalog is validated by `tests/policy_catalog.rs`, so [`Catalog::builtin`] failing means a
//! broken build, but it still returns an error rather than panicking.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use sha2::{Digest, Sha256};

use super::deps::{Libraries, Reads};
use super::diag::{CatalogError, Problem};
use super::metadata::{package_decl, parse_check_metadata};
use crate::model::CheckMeta;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/policies");

/// Where a file of the catalog came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Builtin,
    Overlay,
}

/// One Rego file of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegoFile {
    /// Path relative to the catalog root with `/` separators, e.g. `aws/s3/tls_only.rego`.
    pub rel_path: String,
    /// Label used in messages, metadata and the engine: `builtin:policies/aws/s3/tls_only.rego`
    /// for builtin files, the path on disk for overlay files.
    pub source: String,
    pub origin: Origin,
    /// The Rego package declared by the file (without `data.`).
    pub package: String,
    pub text: String,
}

/// One check: its metadata, its Rego and its test file.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub meta: CheckMeta,
    pub file: RegoFile,
    /// `<check>_test.rego` beside the check (validated to exist when loading).
    pub test: Option<RegoFile>,
    /// What its Rego reads (through the libraries too), computed once per catalog load.
    pub reads: Reads,
}

/// A validated set of checks, helper libraries and test files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    /// Sorted by id; ids are unique.
    checks: Vec<Check>,
    /// `lib/**` files (helpers and non-check test fixtures), sorted by path.
    libs: Vec<RegoFile>,
    /// Test files that are not the test of a check (e.g. `lib/*_test.rego`), sorted by path.
    other_tests: Vec<RegoFile>,
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        let mut files = Vec::new();
        collect_builtin(&BUILTIN, &mut files);
        Catalog::from_files(files)
    }

    /// The builtin catalog with `dir` laid over it: a file at the same relative path replaces the
    /// builtin file, and a check whose id equals a builtin check's id replaces that check (its
    /// builtin test file is dropped; the overlay must bring its own).
    pub fn with_overlay(dir: &Path) -> Result<Catalog, CatalogError> {
        let mut files: BTreeMap<String, RawFile> = BTreeMap::new();
        let mut builtin = Vec::new();
        collect_builtin(&BUILTIN, &mut builtin);
        for f in builtin {
            files.insert(f.rel_path.clone(), f);
        }
        let overlay = read_dir_files(dir)?;
        // Ids defined by overlay checks: a builtin check with the same id is replaced.
        let mut problems = Vec::new();
        let overlay_ids: BTreeSet<String> = overlay
            .iter()
            .filter(|f| is_check_path(&f.rel_path))
            .filter_map(|f| parse_check_metadata(&f.source, &f.text).ok().map(|m| m.id))
            .collect();
        let replaced: Vec<String> = files
            .values()
            .filter(|f| is_check_path(&f.rel_path))
            .filter(|f| parse_check_metadata(&f.source, &f.text).is_ok_and(|m| overlay_ids.contains(&m.id)))
            .map(|f| f.rel_path.clone())
            .collect();
        for rel in replaced {
            files.remove(&rel);
            files.remove(&test_path_of(&rel));
        }
        for f in overlay {
            files.insert(f.rel_path.clone(), f);
        }
        match Catalog::from_files(files.into_values().collect()) {
            Ok(c) => Ok(c),
            Err(CatalogError::Invalid(mut more)) => {
                problems.append(&mut more);
                problems.sort();
                Err(CatalogError::Invalid(problems))
            }
            Err(e) => Err(e),
        }
    }

    /// [`Catalog::builtin`] or, with a directory, [`Catalog::with_overlay`].
    pub fn load(overlay: Option<&Path>) -> Result<Catalog, CatalogError> {
        match overlay {
            Some(dir) => Catalog::with_overlay(dir),
            None => Catalog::builtin(),
        }
    }

    /// Rebuilds a catalog from files exported with [`Catalog::files`] (an evidence bundle),
    /// keeping their original labels and origins, so that the catalog hash, every check's
    /// `source` and so every report are reproduced exactly.
    pub fn from_exported(files: Vec<(String, String, Origin, String)>) -> Result<Catalog, CatalogError> {
        Catalog::from_files(
            files
                .into_iter()
                .map(|(rel_path, source, origin, text)| RawFile { rel_path, source, origin, text })
                .collect(),
        )
    }

    fn from_files(files: Vec<RawFile>) -> Result<Catalog, CatalogError> {
        let mut problems = Vec::new();
        let mut checks: Vec<Check> = Vec::new();
        let mut libs = Vec::new();
        let mut tests: BTreeMap<String, RegoFile> = BTreeMap::new();
        for raw in files {
            let decl = match package_decl(&raw.source, &raw.text) {
                Ok(d) => d,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            let file = RegoFile {
                rel_path: raw.rel_path.clone(),
                source: raw.source.clone(),
                origin: raw.origin,
                package: decl.name.clone(),
                text: raw.text,
            };
            let parts: Vec<&str> = raw.rel_path.trim_end_matches(".rego").split('/').collect();
            match parts.as_slice() {
                ["aws", service, name] => {
                    let expected = format!("flowforge.aws.{service}.{name}");
                    if decl.name != expected {
                        problems.push(Problem::new(
                            &raw.source,
                            decl.line,
                            format!("package `{}` does not match the path; expected `package {expected}`", decl.name),
                        ));
                    }
                    if !is_rego_ident(service) || !is_rego_ident(name) {
                        problems.push(Problem::new(
                            &raw.source,
                            1,
                            "service and check file names must be lower_snake_case",
                        ));
                    }
                    if name.ends_with("_test") {
                        tests.insert(raw.rel_path, file);
                    } else {
                        match parse_check_metadata(&raw.source, &file.text) {
                            Ok(meta) => checks.push(Check { meta, file, test: None, reads: Reads::default() }),
                            Err(mut p) => problems.append(&mut p),
                        }
                    }
                }
                ["lib", ..] => {
                    if decl.name != "flowforge.lib" && !decl.name.starts_with("flowforge.lib.") {
                        problems.push(Problem::new(
                            &raw.source,
                            decl.line,
                            format!("library package `{}` must be `flowforge.lib` or below it", decl.name),
                        ));
                    }
                    if raw.rel_path.ends_with("_test.rego") {
                        tests.insert(raw.rel_path, file);
                    } else {
                        libs.push(file);
                    }
                }
                _ => problems.push(Problem::new(
                    &raw.source,
                    1,
                    "unexpected location: checks go in aws/<service>/<check>.rego, helpers in lib/",
                )),
            }
        }
        // Attach tests, check ids.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for check in &mut checks {
            if let Some(first) = seen.insert(check.meta.id.clone(), check.meta.source.clone()) {
                problems.push(Problem::new(
                    &check.meta.source,
                    id_line(&check.file.text),
                    format!("duplicate check id {} (also used by {first})", check.meta.id),
                ));
            }
            let test_rel = test_path_of(&check.file.rel_path);
            match tests.remove(&test_rel) {
                Some(t) => check.test = Some(t),
                None => problems.push(Problem::new(
                    &check.meta.source,
                    1,
                    format!("check {} has no test file {test_rel} beside it", check.meta.id),
                )),
            }
        }
        for orphan in tests.values().filter(|t| t.rel_path.starts_with("aws/")) {
            problems.push(Problem::new(&orphan.source, 1, "test file without a check beside it"));
        }
        if !problems.is_empty() {
            problems.sort();
            problems.dedup();
            return Err(CatalogError::Invalid(problems));
        }
        checks.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        libs.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        let parsed = Libraries::parse(libs.iter().map(|l| (l.source.as_str(), l.text.as_str())));
        for check in &mut checks {
            check.reads = parsed.analyse((&check.file.source, &check.file.text));
        }
        Ok(Catalog { checks, libs, other_tests: tests.into_values().collect() })
    }

    /// Every check, sorted by id.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The check with this id.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.meta.id == id)
    }

    /// Metadata of every check, sorted by id.
    pub fn metas(&self) -> Vec<CheckMeta> {
        self.checks.iter().map(|c| c.meta.clone()).collect()
    }

    /// The helper libraries (`lib/*.rego`, not tests).
    pub fn libs(&self) -> &[RegoFile] {
        &self.libs
    }

    /// Every test file: the checks' tests, then the others (library tests), sorted by path.
    pub fn test_files(&self) -> Vec<&RegoFile> {
        let mut out: Vec<&RegoFile> =
            self.checks.iter().filter_map(|c| c.test.as_ref()).chain(self.other_tests.iter()).collect();
        out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        out
    }

    /// Every file of the catalog, sorted by source label.
    pub fn files(&self) -> Vec<&RegoFile> {
        let mut out: Vec<&RegoFile> =
            self.libs.iter().chain(self.checks.iter().map(|c| &c.file)).chain(self.test_files()).collect();
        out.sort_by(|a, b| a.source.cmp(&b.source));
        out
    }

    /// SHA-256 over the sorted (source label, text) pairs, as lower-case hex. Stable across
    /// runs and platforms; any change to any file (or to which files are used) changes it.
    pub fn sha256(&self) -> String {
        let mut h = Sha256::new();
        for f in self.files() {
            h.update(f.source.as_bytes());
            h.update([0u8]);
            h.update(f.text.as_bytes());
            h.update([0u8]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A file as read, before validation.
#[derive(Debug, Clone)]
struct RawFile {
    rel_path: String,
    source: String,
    origin: Origin,
    text: String,
}

fn collect_builtin(dir: &Dir<'static>, out: &mut Vec<RawFile>) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        if !rel.ends_with(".rego") {
            continue;
        }
        // The builtin files are ours and UTF-8; a non-UTF-8 file is skipped rather than
        // panicking, and the missing-test/missing-check validation then names it.
        if let Some(text) = f.contents_utf8() {
            out.push(RawFile {
                source: format!("builtin:policies/{rel}"),
                rel_path: rel,
                origin: Origin::Builtin,
                text: text.to_owned(),
            });
        }
    }
    for d in dir.dirs() {
        collect_builtin(d, out);
    }
}

fn read_dir_files(root: &Path) -> Result<Vec<RawFile>, CatalogError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    let io = |path: &Path, source: std::io::Error| CatalogError::Io { path: path.display().to_string(), source };
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| io(&dir, e))?;
        for entry in entries {
            let path = entry.map_err(|e| io(&dir, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rego") {
                let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(RawFile { rel_path: rel, source: path.display().to_string(), origin: Origin::Overlay, text });
            }
        }
    }
    out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(out)
}

fn is_check_path(rel: &str) -> bool {
    rel.starts_with("aws/") && !rel.ends_with("_test.rego")
}

fn test_path_of(check_rel: &str) -> String {
    format!("{}_test.rego", check_rel.trim_end_matches(".rego"))
}

fn is_rego_ident(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Line of the `id:` key in the METADATA block (for duplicate-id problems).
fn id_line(text: &str) -> usize {
    text.lines().position(|l| l.trim_start_matches(['#', ' ']).starts_with("id:")).map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn check_text(id: &str, package: &str, body: &str) -> String {
        format!(
            "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: {id}\n#   severity: high\n#   collection: s3.buckets\n\
             #   remediation: R\n#   frameworks: {{}}\n#   guide_section: G\n#   area: tls\npackage {package}\n\nimport rego.v1\n\n{body}\n"
        )
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The builtin catalog loads, and its hash is stable across loads.
    #[test]
    fn builtin_loads_with_stable_hash() {
        let a = Catalog::builtin().unwrap();
        let b = Catalog::builtin().unwrap();
        assert!(!a.checks().is_empty());
        assert_eq!(a.sha256(), b.sha256());
        assert_eq!(a.sha256().len(), 64);
        assert!(a.check("FF-S3-001").unwrap().meta.source.starts_with("builtin:policies/aws/s3/"));
    }

    /// An overlay check with a builtin id replaces the builtin one; a new id is added.
    #[test]
    fn overlay_overrides_and_adds() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "aws/s3/custom_tls.rego",
            &check_text("FF-S3-001", "flowforge.aws.s3.custom_tls", "deny contains x if { false; x := 1 }"),
        );
        write(d, "aws/s3/custom_tls_test.rego", "package flowforge.aws.s3.custom_tls_test\n\ntest_pass_x if true\n");
        write(
            d,
            "aws/s3/extra.rego",
            &check_text("FF-S3-900", "flowforge.aws.s3.extra", "deny contains x if { false; x := 1 }"),
        );
        write(d, "aws/s3/extra_test.rego", "package flowforge.aws.s3.extra_test\n\ntest_pass_x if true\n");
        let builtin = Catalog::builtin().unwrap();
        let cat = Catalog::with_overlay(d).unwrap();
        assert_eq!(cat.checks().len(), builtin.checks().len() + 1);
        let s3_001 = cat.check("FF-S3-001").unwrap();
        assert_eq!(s3_001.file.origin, Origin::Overlay);
        assert_eq!(s3_001.meta.package, "flowforge.aws.s3.custom_tls");
        assert!(cat.test_files().iter().all(|t| t.rel_path != "aws/s3/tls_only_test.rego"));
        assert!(cat.check("FF-S3-900").is_some());
        assert_ne!(cat.sha256(), builtin.sha256());
    }

    /// Every validation problem is listed at once, with file and line.
    #[test]
    fn overlay_problems_are_all_listed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Duplicate of another overlay id, wrong package, no test file.
        write(
            d,
            "aws/s3/a.rego",
            &check_text("FF-S3-901", "flowforge.aws.s3.a", "deny contains x if { false; x := 1 }"),
        );
        write(d, "aws/s3/a_test.rego", "package flowforge.aws.s3.a_test\n");
        write(
            d,
            "aws/s3/b.rego",
            &check_text("FF-S3-901", "flowforge.aws.s3.wrong", "deny contains x if { false; x := 1 }"),
        );
        let err = Catalog::with_overlay(d).unwrap_err();
        let CatalogError::Invalid(problems) = &err else { panic!("{err}") };
        let text = err.to_string();
        assert!(problems.iter().any(|p| p.message.contains("does not match the path") && p.line == 12), "{text}");
        assert!(problems.iter().any(|p| p.message.contains("no test file")), "{text}");
        assert!(problems.iter().any(|p| p.message.contains("duplicate check id FF-S3-901") && p.line == 5), "{text}");
        assert!(text.contains("b.rego:12:"), "{text}");
    }

    /// A missing overlay directory is an I/O error naming the path, not an empty overlay.
    #[test]
    fn missing_overlay_dir_is_an_error() {
        let err = Catalog::with_overlay(Path::new("/nonexistent/flowforge-policies")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/flowforge-policies"), "{err}");
    }
}
