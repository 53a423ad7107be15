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
//! file per check) and reports every problem at once with its file, line and code: each rule
//! is judged on its own (a check whose METADATA is broken is still asked for its test file),
//! so fixing the listed problems never reveals new ones. The builtin
//! catalog is validated by `tests/policy_catalog.rs`, so [`Catalog::builtin`] failing means a
//! broken build, but it still returns an error rather than panicking.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use sha2::{Digest, Sha256};

use super::deps::{Libraries, Reads};
use super::diag::CatalogError;
use super::metadata::{package_decl, parse_check_metadata};
use crate::diag::{self, Code, Problem};
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
    /// Label used in reports, metadata and the engine ([`Catalog::label`]):
    /// `builtin:policies/aws/s3/tls_only.rego` or `overlay:aws/s3/custom.rego`. It depends on
    /// the file's place in its catalog only, never on how `--policies DIR` was spelled, so
    /// reports and evidence bundles are the same wherever the directory is. Problems found while
    /// loading name the file on disk instead.
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
            .filter_map(|f| parse_check_metadata(&f.path, &f.text).ok().map(|m| m.id))
            .collect();
        let replaced: Vec<String> = files
            .values()
            .filter(|f| is_check_path(&f.rel_path))
            .filter(|f| parse_check_metadata(&f.path, &f.text).is_ok_and(|m| overlay_ids.contains(&m.id)))
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
                diag::sort(&mut problems);
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

    /// Rebuilds a catalog from files exported with [`Catalog::files`] (an evidence bundle):
    /// `(origin, rel_path, text, path)`, where `path` names the file in problems. Labels derive
    /// from origin and relative path, so the catalog hash, every check's `source` and so every
    /// report are reproduced exactly.
    pub fn from_exported(files: Vec<(Origin, String, String, String)>) -> Result<Catalog, CatalogError> {
        Catalog::from_files(
            files
                .into_iter()
                .map(|(origin, rel_path, text, path)| RawFile {
                    source: Catalog::label(origin, &rel_path),
                    rel_path,
                    origin,
                    text,
                    path,
                })
                .collect(),
        )
    }

    /// The label of a catalog file: `builtin:policies/<rel>` or `overlay:<rel>`.
    pub fn label(origin: Origin, rel_path: &str) -> String {
        match origin {
            Origin::Builtin => format!("builtin:policies/{rel_path}"),
            Origin::Overlay => format!("overlay:{rel_path}"),
        }
    }

    fn from_files(files: Vec<RawFile>) -> Result<Catalog, CatalogError> {
        let mut problems = Vec::new();
        let mut checks: Vec<Check> = Vec::new();
        // The file on disk of each check, for problems found after parsing.
        let mut check_paths: BTreeMap<String, String> = BTreeMap::new();
        let mut libs = Vec::new();
        let mut tests: BTreeMap<String, RegoFile> = BTreeMap::new();
        // Which checks and tests exist is decided by path alone, so that a file whose package
        // or METADATA is broken is still asked for its test (and its test is not an orphan).
        let paths: BTreeSet<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
        for raw in files.iter().filter(|f| f.rel_path.starts_with("aws/") && f.rel_path.split('/').count() == 3) {
            let rel = raw.rel_path.as_str();
            if let Some(check_rel) = rel.strip_suffix("_test.rego") {
                let check = format!("{check_rel}.rego");
                if !paths.contains(check.as_str()) {
                    problems.push(Problem::new(
                        Code::PolicyOrphanTest,
                        &raw.path,
                        0,
                        0,
                        format!("test file without a check beside it (expected {check})"),
                    ));
                }
            } else if !paths.contains(test_path_of(rel).as_str()) {
                problems.push(Problem::new(
                    Code::PolicyMissingTest,
                    &raw.path,
                    0,
                    0,
                    format!("check has no test file {} beside it", test_path_of(rel)),
                ));
            }
        }
        for raw in files {
            // Refused before anything parses it: see `MAX_NESTING`.
            if let Some((line, col)) = too_deep(&raw.text) {
                problems.push(Problem::new(
                    Code::PolicyTooDeep,
                    &raw.path,
                    line,
                    col,
                    format!("brackets nested more than {MAX_NESTING} deep; split the expression"),
                ));
                continue;
            }
            let decl = match package_decl(&raw.path, &raw.text) {
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
                            Code::PolicyPackagePath,
                            &raw.path,
                            decl.line,
                            decl.col,
                            format!("package `{}` does not match the path; expected `package {expected}`", decl.name),
                        ));
                    }
                    if !is_rego_ident(service) || !is_rego_ident(name) {
                        problems.push(Problem::new(
                            Code::PolicyLocation,
                            &raw.path,
                            0,
                            0,
                            "service and check file names must be lower_snake_case",
                        ));
                    }
                    if name.ends_with("_test") {
                        tests.insert(raw.rel_path, file);
                    } else {
                        match parse_check_metadata(&raw.path, &file.text) {
                            Ok(mut meta) => {
                                meta.source = raw.source.clone();
                                check_paths.insert(raw.source, raw.path);
                                checks.push(Check { meta, file, test: None, reads: Reads::default() })
                            }
                            Err(mut p) => problems.append(&mut p),
                        }
                    }
                }
                ["lib", ..] => {
                    if decl.name != "flowforge.lib" && !decl.name.starts_with("flowforge.lib.") {
                        problems.push(Problem::new(
                            Code::PolicyPackagePath,
                            &raw.path,
                            decl.line,
                            decl.col,
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
                    Code::PolicyLocation,
                    &raw.path,
                    0,
                    0,
                    "unexpected location: checks go in aws/<service>/<check>.rego, helpers in lib/",
                )),
            }
        }
        // Attach tests, check ids (a missing test was reported above).
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for check in &mut checks {
            let path = check_paths.get(&check.meta.source).cloned().unwrap_or_else(|| check.meta.source.clone());
            if let Some(first) = seen.insert(check.meta.id.clone(), path.clone()) {
                let (line, col) = id_position(&check.file.text);
                problems.push(Problem::new(
                    Code::PolicyDuplicateId,
                    &path,
                    line,
                    col,
                    format!("duplicate check id {} (also used by {first})", check.meta.id),
                ));
            }
            check.test = tests.remove(&test_path_of(&check.file.rel_path));
        }
        // Tests of checks that did not load are not "other tests": drop them with their check.
        tests.retain(|rel, _| !rel.starts_with("aws/"));
        if !problems.is_empty() {
            diag::sort(&mut problems);
            return Err(CatalogError::Invalid(problems));
        }
        checks.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        libs.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        let parsed = Libraries::parse(libs.iter().map(|l| (l.source.as_str(), l.text.as_str())));
        for check in &mut checks {
            check.reads = parsed.analyse((&check.file.source, &check.file.text));
            check.meta.overlay_libraries =
                check.reads.libs.iter().filter(|l| l.starts_with("overlay:")).cloned().collect();
        }
        Ok(Catalog { checks, libs, other_tests: tests.into_values().collect() })
    }

    /// This catalog with only the checks `keep` selects (and their tests); the libraries and
    /// the other test files are kept, so the checks left run exactly as in the whole catalog.
    pub fn with_checks(&self, keep: impl Fn(&Check) -> bool) -> Catalog {
        Catalog {
            checks: self.checks.iter().filter(|c| keep(c)).cloned().collect(),
            libs: self.libs.clone(),
            other_tests: self.other_tests.clone(),
        }
    }

    /// Whether any file comes from a `--policies` overlay.
    pub fn has_overlay(&self) -> bool {
        self.files().iter().any(|f| f.origin == Origin::Overlay)
    }

    /// What the overlay changed, compared with the built-in catalog of this binary (which an
    /// evidence bundle's catalog is verified against too: same tool version); `None` without
    /// an overlay.
    pub fn overlay_summary(&self) -> Option<crate::model::OverlaySummary> {
        if !self.has_overlay() {
            return None;
        }
        let mut builtin = Vec::new();
        collect_builtin(&BUILTIN, &mut builtin);
        let builtin_ids: BTreeSet<String> = builtin
            .iter()
            .filter(|f| is_check_path(&f.rel_path))
            .filter_map(|f| parse_check_metadata(&f.path, &f.text).ok().map(|m| m.id))
            .collect();
        let builtin_paths: BTreeSet<&str> = builtin.iter().map(|f| f.rel_path.as_str()).collect();
        let mut s = crate::model::OverlaySummary::default();
        for c in &self.checks {
            match c.file.origin {
                Origin::Overlay if builtin_ids.contains(&c.meta.id) => s.checks_replaced.push(c.meta.id.clone()),
                Origin::Overlay => s.checks_added.push(c.meta.id.clone()),
                Origin::Builtin if !c.meta.overlay_libraries.is_empty() => {
                    s.checks_through_libraries.push(c.meta.id.clone())
                }
                Origin::Builtin => {}
            }
        }
        for l in self.libs.iter().filter(|l| l.origin == Origin::Overlay) {
            if builtin_paths.contains(l.rel_path.as_str()) {
                s.libraries_replaced.push(l.rel_path.clone());
            } else {
                s.libraries_added.push(l.rel_path.clone());
            }
        }
        Some(s)
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

    /// SHA-256 over the (label, text) pairs sorted by label, as lower-case hex. Labels are
    /// built from each file's origin and path within its catalog, so the hash depends on the
    /// catalog's content only: not on where an overlay directory is or how it was spelled.
    /// Any change to any file (or to which files are used) changes it.
    pub fn sha256(&self) -> String {
        let mut files: Vec<(String, &str)> =
            self.files().into_iter().map(|f| (Catalog::label(f.origin, &f.rel_path), f.text.as_str())).collect();
        files.sort();
        let mut h = Sha256::new();
        for (label, text) in files {
            h.update(label.as_bytes());
            h.update([0u8]);
            h.update(text.as_bytes());
            h.update([0u8]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The deepest bracket nesting a policy file may have. regorus 0.14 parses nested brackets
/// in time exponential in the depth (16 levels take 1.4 s, 20 take 34 s) before any check
/// time limit can apply, so a hostile overlay could stall every command that loads the
/// catalog; the built-in catalog nests at most 9 deep.
pub const MAX_NESTING: usize = 12;

/// Where a file's brackets first nest deeper than [`MAX_NESTING`] (1-based line and column),
/// outside comments and strings.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut col) = (0usize, 1usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        match c {
            '\n' => {
                line += 1;
                col = 0;
            }
            '#' => {
                // A comment runs to the end of the line.
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '"' | '`' => {
                // A string: `"..."` with escapes, or a raw string in backquotes.
                while let Some(n) = chars.next() {
                    col += 1;
                    if n == '\n' {
                        line += 1;
                        col = 0;
                    }
                    if c == '"' && n == '\\' {
                        chars.next();
                        col += 1;
                    } else if n == c {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((line, col));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A file as read, before validation.
#[derive(Debug, Clone)]
struct RawFile {
    rel_path: String,
    /// The label ([`Catalog::label`]).
    source: String,
    origin: Origin,
    text: String,
    /// Names the file in problems: the label for builtin files, the path on disk otherwise.
    path: String,
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
            let source = Catalog::label(Origin::Builtin, &rel);
            out.push(RawFile {
                path: source.clone(),
                source,
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

/// Directories an overlay nests at most (the layout needs three: `aws/<service>/<check>.rego`),
/// and entries it holds at most: a directory link that loops, or a tree far larger than any
/// catalog, is refused instead of walked without end.
const MAX_OVERLAY_DEPTH: usize = 8;
const MAX_OVERLAY_ENTRIES: usize = 20_000;

fn read_dir_files(root: &Path) -> Result<Vec<RawFile>, CatalogError> {
    let mut out = Vec::new();
    let mut stack: Vec<(PathBuf, usize)> = vec![(root.to_path_buf(), 0)];
    let io = |path: &Path, source: std::io::Error| CatalogError::Io { path: path.display().to_string(), error: source };
    let (mut entries_seen, mut bytes) = (0usize, 0u64);
    let limit = crate::fsio::max_input_bytes().map_err(|e| io(root, e))?;
    while let Some((dir, depth)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| io(&dir, e))?;
        for entry in entries {
            let path = entry.map_err(|e| io(&dir, e))?.path();
            entries_seen += 1;
            if entries_seen > MAX_OVERLAY_ENTRIES {
                let why = format!("more than {MAX_OVERLAY_ENTRIES} entries: not a policy directory");
                return Err(io(root, std::io::Error::other(why)));
            }
            if path.is_dir() {
                if depth + 1 >= MAX_OVERLAY_DEPTH {
                    let why = format!("directories nested more than {MAX_OVERLAY_DEPTH} deep (a link that loops?)");
                    return Err(io(&path, std::io::Error::other(why)));
                }
                stack.push((path, depth + 1));
            } else if path.extension().is_some_and(|e| e == "rego") {
                let text = crate::fsio::read_to_string(&path).map_err(|e| io(&path, e))?;
                bytes += text.len() as u64;
                if bytes > limit {
                    let why = format!("its .rego files hold more than the {limit}-byte input limit together");
                    return Err(io(root, std::io::Error::other(why)));
                }
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(RawFile {
                    source: Catalog::label(Origin::Overlay, &rel),
                    rel_path: rel,
                    origin: Origin::Overlay,
                    text,
                    path: path.display().to_string(),
                });
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

/// Line and column of the `id:` key in the METADATA block (for duplicate-id problems).
fn id_position(text: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| {
            let key = l.trim_start_matches(['#', ' ']);
            key.starts_with("id:").then(|| (i + 1, l.chars().count() - key.chars().count() + 1))
        })
        .unwrap_or((1, 1))
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

    /// Issue 22 ("no recursion without a limit"): an overlay directory holding a link to
    /// itself is refused with its reason instead of being walked without end.
    #[cfg(unix)]
    #[test]
    fn an_overlay_directory_that_loops_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("aws/s3")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("aws/s3/again")).unwrap();
        let err = Catalog::with_overlay(dir.path()).unwrap_err().to_string();
        assert!(err.contains("nested more than 8 deep"), "{err}");
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
        assert!(problems.iter().any(|p| p.code == Code::PolicyPackagePath && p.line == 12), "{text}");
        assert!(problems.iter().any(|p| p.code == Code::PolicyMissingTest), "{text}");
        assert!(problems.iter().any(|p| p.code == Code::PolicyDuplicateId && p.line == 5), "{text}");
        assert!(text.contains("b.rego:12:1: error[P002]"), "{text}");
    }

    /// Issue 9: a check with a bad severity, a wrong package and no test file used to report
    /// two problems, the missing test only after they were fixed. All three come in one pass.
    #[test]
    fn bad_severity_wrong_package_and_missing_test_are_reported_together() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let text = check_text("FF-S3-902", "flowforge.aws.s3.wrong", "deny contains x if { false; x := 1 }")
            .replace("severity: high", "severity: urgent");
        write(d, "aws/s3/bad.rego", &text);
        let err = Catalog::with_overlay(d).unwrap_err();
        let CatalogError::Invalid(problems) = &err else { panic!("{err}") };
        let mut codes: Vec<Code> = problems.iter().map(|p| p.code).collect();
        codes.sort();
        assert_eq!(codes, vec![Code::PolicyPackagePath, Code::PolicyMissingTest, Code::MetadataInvalidValue], "{err}");
        assert!(problems.iter().all(|p| p.file.ends_with("bad.rego")), "{err}");
        assert!(err.to_string().starts_with("the policy catalog is invalid (3 errors):"), "{err}");
    }

    /// A test file whose check is broken is not also called an orphan (a second, wrong problem).
    #[test]
    fn test_of_a_broken_check_is_not_an_orphan() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let text = check_text("FF-S3-903", "flowforge.aws.s3.c", "deny contains x if { false; x := 1 }")
            .replace("area: tls", "area: nowhere");
        write(d, "aws/s3/c.rego", &text);
        write(d, "aws/s3/c_test.rego", "package flowforge.aws.s3.c_test\n");
        write(d, "aws/s3/lonely_test.rego", "package flowforge.aws.s3.lonely_test\n");
        let CatalogError::Invalid(problems) = Catalog::with_overlay(d).unwrap_err() else { panic!("not Invalid") };
        let got: Vec<(Code, bool)> = problems.iter().map(|p| (p.code, p.file.ends_with("lonely_test.rego"))).collect();
        assert_eq!(got, vec![(Code::MetadataInvalidValue, false), (Code::PolicyOrphanTest, true)], "{problems:?}");
    }

    /// The catalog hash and every label depend on the overlay's content, not on how or where
    /// its directory was spelled (issue 10: `--policies policies` vs `--policies $PWD/policies`);
    /// problems still name the file on disk.
    #[test]
    fn overlay_hash_and_labels_ignore_the_directory_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("custom");
        write(
            &d,
            "aws/s3/extra.rego",
            &check_text("FF-S3-900", "flowforge.aws.s3.extra", "deny contains x if { false; x := 1 }"),
        );
        write(&d, "aws/s3/extra_test.rego", "package flowforge.aws.s3.extra_test\n\ntest_pass_x if true\n");
        let a = Catalog::with_overlay(&d).unwrap();
        let b = Catalog::with_overlay(&dir.path().join("custom/../custom/.")).unwrap();
        assert_eq!(a.sha256(), b.sha256());
        assert_eq!(a, b);
        assert_eq!(a.check("FF-S3-900").unwrap().meta.source, "overlay:aws/s3/extra.rego");
        // The same content elsewhere is the same catalog.
        let elsewhere = tempfile::tempdir().unwrap();
        write(elsewhere.path(), "aws/s3/extra.rego", &std::fs::read_to_string(d.join("aws/s3/extra.rego")).unwrap());
        write(
            elsewhere.path(),
            "aws/s3/extra_test.rego",
            &std::fs::read_to_string(d.join("aws/s3/extra_test.rego")).unwrap(),
        );
        assert_eq!(Catalog::with_overlay(elsewhere.path()).unwrap().sha256(), a.sha256());
        // One byte of content changes it.
        write(&d, "aws/s3/extra_test.rego", "package flowforge.aws.s3.extra_test\n\ntest_pass_x if true \n");
        assert_ne!(Catalog::with_overlay(&d).unwrap().sha256(), a.sha256());
        // Problems name the file on disk.
        write(&d, "aws/s3/orphan_test.rego", "package flowforge.aws.s3.orphan_test\n");
        let err = Catalog::with_overlay(&d).unwrap_err().to_string();
        assert!(err.contains(&d.join("aws/s3/orphan_test.rego").display().to_string()), "{err}");
    }

    /// A policy nested deeper than the parser can take in bounded time is refused at once
    /// (issue 10: a custom policy must not stall the run), with its position; brackets in
    /// strings and comments do not count, and the built-in catalog stays well inside the bound.
    #[test]
    fn deeply_nested_policy_is_refused_before_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let deep = format!("x := {}1{}", "[".repeat(40), "]".repeat(40));
        let text = check_text("FF-S3-904", "flowforge.aws.s3.deep", &format!("deny contains x if {{ false; {deep} }}"));
        write(d, "aws/s3/deep.rego", &text);
        write(d, "aws/s3/deep_test.rego", "package flowforge.aws.s3.deep_test\n");
        let started = std::time::Instant::now();
        let CatalogError::Invalid(problems) = Catalog::with_overlay(d).unwrap_err() else { panic!("not Invalid") };
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
        assert!(problems.iter().any(|p| p.code == Code::PolicyTooDeep && p.line > 1), "{problems:?}");
        let harmless = format!("# {}\nx := \"{}\"\ny := `{}`\n", "[".repeat(40), "(".repeat(40), "{".repeat(40));
        assert_eq!(too_deep(&harmless), None);
        assert_eq!(too_deep(&format!("{}{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING))), None);
        assert_eq!(too_deep(&"{".repeat(MAX_NESTING + 1)), Some((1, MAX_NESTING + 1)));
        for f in Catalog::builtin().unwrap().files() {
            assert_eq!(too_deep(&f.text), None, "{}", f.source);
        }
    }

    /// A missing overlay directory is an I/O error naming the path, not an empty overlay.
    #[test]
    fn missing_overlay_dir_is_an_error() {
        let err = Catalog::with_overlay(Path::new("/nonexistent/flowforge-policies")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/flowforge-policies"), "{err}");
    }
}
