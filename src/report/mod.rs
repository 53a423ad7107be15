//! Report formats, one file each, behind one trait.
//!
//! Every format renders the same fully evaluated [`AuditReport`] (results already sorted by the
//! engine) and nothing else: no clock, no environment, no hash-map iteration order. The same
//! report therefore always gives byte-identical files, which is what lets an auditor re-run a
//! saved snapshot and compare reports with `sha256sum`.
//!
//! Strings from the account (resource names, tags, messages, evidence) are hostile input for
//! every format: each renderer escapes them for its own syntax (CSV formula cells, Markdown
//! table syntax, XML, HTML) and the tests feed them hostile fixtures.
//!
//! Files are written atomically (a temporary file in the output directory, then a rename), so a
//! CI step never uploads a half-written SARIF file. The temporary file has a random name and is
//! created exclusively (`tempfile`), so nothing planted in `--out` (a symlink at a guessable
//! name) can redirect the write; the rename replaces a symlink at the final path instead of
//! following it.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::model::AuditReport;

pub mod asff;
pub mod catalog;
mod common;
pub mod csv;
pub mod diff;
#[cfg(test)]
pub(crate) mod fixture;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod ocsf;
pub mod org;
pub mod page;
pub mod sarif;
pub mod text;

/// Why a report could not be rendered or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("unknown report format {name:?} (expected one of: {expected})")]
    UnknownFormat { name: String, expected: String },
    #[error("no report format given (expected a comma-separated list of: {expected})")]
    NoFormat { expected: String },
    #[error("could not serialise the {format} report: {source}")]
    Json { format: &'static str, source: serde_json::Error },
    #[error("could not write the CSV report: {0}")]
    Csv(::csv::Error),
    #[error("the report's collected_at {value:?} is not an RFC 3339 timestamp: {source}")]
    Timestamp { value: String, source: chrono::ParseError },
    #[error("cannot write {}: {}", path.display(), crate::fsio::Cause(error))]
    Io { path: PathBuf, error: std::io::Error },
    /// A write into the renderer's output failed (the caller adds the path).
    #[error("could not write the report: {0}")]
    Write(#[from] std::io::Error),
}

impl From<::csv::Error> for ReportError {
    /// A failed write through the CSV writer is a write error (the caller names the file).
    fn from(e: ::csv::Error) -> Self {
        if !e.is_io_error() {
            return ReportError::Csv(e);
        }
        match e.into_kind() {
            ::csv::ErrorKind::Io(io) => ReportError::Write(io),
            _ => ReportError::Write(std::io::Error::other("CSV write failed")),
        }
    }
}

/// A report format the tool can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Json,
    Csv,
    Markdown,
    Sarif,
    Junit,
    Html,
    Ocsf,
    Asff,
}

impl Format {
    /// Every format, in the order `--format all` would write them.
    pub const ALL: [Format; 8] = [
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Sarif,
        Format::Junit,
        Format::Html,
        Format::Ocsf,
        Format::Asff,
    ];

    /// The name used on the command line (`--format json,csv,md`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "md",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Html => "html",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
        }
    }

    /// The renderer for this format.
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            Format::Json => Box::new(json::JsonRenderer),
            Format::Csv => Box::new(csv::CsvRenderer),
            Format::Markdown => Box::new(markdown::MarkdownRenderer),
            Format::Sarif => Box::new(sarif::SarifRenderer),
            Format::Junit => Box::new(junit::JunitRenderer),
            Format::Html => Box::new(html::HtmlRenderer),
            Format::Ocsf => Box::new(ocsf::OcsfRenderer),
            Format::Asff => Box::new(asff::AsffRenderer),
        }
    }

    /// Parses a comma-separated list (`json,csv,md`); `all` stands for every format.
    /// Duplicates are dropped; the result is in [`Format::ALL`] order.
    pub fn parse_list(list: &str) -> Result<Vec<Format>, ReportError> {
        let mut formats = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name.eq_ignore_ascii_case("all") {
                formats.extend(Format::ALL);
            } else {
                formats.push(name.parse()?);
            }
        }
        if formats.is_empty() {
            return Err(ReportError::NoFormat { expected: Format::expected_names() });
        }
        formats.sort();
        formats.dedup();
        Ok(formats)
    }

    fn expected_names() -> String {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("{} (or all)", names.join(", "))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ReportError;
    fn from_str(s: &str) -> Result<Self, ReportError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "md" | "markdown" => Ok(Format::Markdown),
            "sarif" => Ok(Format::Sarif),
            "junit" | "xml" => Ok(Format::Junit),
            "html" => Ok(Format::Html),
            "ocsf" => Ok(Format::Ocsf),
            "asff" => Ok(Format::Asff),
            _ => Err(ReportError::UnknownFormat { name: s.to_string(), expected: Format::expected_names() }),
        }
    }
}

/// One output format.
pub trait Renderer {
    /// Which format this is.
    fn format(&self) -> Format;
    /// The default file name, e.g. `flowforge-audit.sarif`.
    fn file_name(&self) -> &'static str;
    /// Writes the whole report into `out` (streamed: a large report is never held in memory
    /// as a whole). Deterministic: the same report gives the same bytes.
    fn write(&self, report: &AuditReport, out: &mut dyn Write) -> Result<(), ReportError>;

    /// Renders the whole report into memory.
    fn render(&self, report: &AuditReport) -> Result<Vec<u8>, ReportError> {
        let mut bytes = Vec::new();
        self.write(report, &mut bytes)?;
        Ok(bytes)
    }
}

/// Renders `report` in every format of `formats` into `out_dir` (created if missing), each
/// under its default file name, atomically. Returns the written paths in `formats` order.
///
/// Formats are independent, so they are written on up to one thread per core; the first error
/// (in `formats` order) is returned, and every format that did render is still written.
///
/// A run's reports are a set: a report of another format left in `out_dir` by an earlier run
/// would contradict this one (an old Markdown "gate passed" beside a new JSON "failed"), so
/// the files of the formats not written this time are removed first. Only the tool's own
/// report names are touched (a link of that name is removed, never followed).
pub fn render_all(report: &AuditReport, formats: &[Format], out_dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(out_dir)
        .map_err(|source| ReportError::Io { path: out_dir.to_path_buf(), error: source })?;
    for stale in Format::ALL.iter().filter(|f| !formats.contains(f)) {
        let path = out_dir.join(stale.renderer().file_name());
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(ReportError::Io { path, error: source }),
        }
    }
    let written = crate::parallel::map_on_cores(
        formats,
        usize::MAX,
        || (),
        |_, format| {
            let renderer = format.renderer();
            let path = out_dir.join(renderer.file_name());
            write_atomically_with(&path, |out| renderer.write(report, out)).map(|()| path)
        },
    );
    written
        .into_iter()
        .map(|w| {
            w.unwrap_or_else(|| {
                Err(ReportError::Write(std::io::Error::other("a report writer thread stopped unexpectedly")))
            })
        })
        .collect()
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it over `path`, so a
/// reader sees either the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_atomically_with(path, |out| out.write_all(bytes).map_err(ReportError::Write))
}

/// [`write_atomically`] for content produced by `fill` (buffered, streamed to the file).
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let io_err = |source| ReportError::Io { path: path.to_path_buf(), error: source };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // tempfile creates 0600 files; a report is meant to be read by others (as with File::create).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    // Dropped on every error path, which deletes the temporary file.
    let tmp = builder.tempfile_in(dir).map_err(io_err)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp);
    fill(&mut out).map_err(|e| match e {
        ReportError::Write(source) => io_err(source),
        other => other,
    })?;
    let tmp = out.into_inner().map_err(|e| io_err(e.into_error()))?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 22 item 10: raw control characters and bidi overrides (ESC, BEL, NUL, U+202E, a
    /// C1 CSI) from account strings reached the CSV and HTML reports (the terminal and Markdown
    /// already escaped them). Every text format now shows them as visible escapes; the CSV
    /// still reads back, cell by cell, and the HTML's data block is still valid JSON.
    #[test]
    fn raw_controls_and_bidi_overrides_reach_no_report() {
        let mut report = fixture::sample_report();
        let hostile = "x\u{1b}]0;pwned\u{7}\u{0}\u{202e}LIAF\u{9b}31m";
        let r = report.results.iter_mut().find(|r| r.status == crate::model::Status::Fail).unwrap();
        r.resource_name = hostile.into();
        r.message = format!("message {hostile}");
        report.collection_errors[0].message = hostile.into();
        let raw = ['\u{1b}', '\u{7}', '\u{0}', '\u{202e}', '\u{9b}'];
        for format in [Format::Csv, Format::Html, Format::Markdown] {
            let text = String::from_utf8(format.renderer().render(&report).unwrap()).unwrap();
            assert!(!text.contains(raw), "{format}: a raw control character or bidi override");
            assert!(text.contains("\\u{202e}LIAF") && text.contains("\\u{1b}"), "{format}: shown escaped");
        }
        let csv = Format::Csv.renderer().render(&report).unwrap();
        let rows: Vec<::csv::StringRecord> =
            ::csv::Reader::from_reader(csv.as_slice()).records().collect::<Result<_, _>>().unwrap();
        assert!(rows.iter().any(|r| r.iter().any(|c| c == "x\\u{1b}]0;pwned\\u{7}\\u{0}\\u{202e}LIAF\\u{9b}31m")));
        let html = String::from_utf8(Format::Html.renderer().render(&report).unwrap()).unwrap();
        let data = &html[html.find("<script id=\"ff-data\" type=\"application/json\">").unwrap()..];
        let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
        let v: serde_json::Value = serde_json::from_str(data).expect("the data block is JSON");
        assert!(v.to_string().contains("LIAF"));
    }

    /// Formats are written in parallel: every file equals its in-memory rendering, the paths
    /// come back in `formats` order, and a format that cannot be written is an error naming
    /// its file while the others are still written (and no temporary file is left behind).
    #[test]
    fn render_all_writes_every_format_and_names_the_one_that_fails() {
        let report = fixture::sample_report();
        let dir = tempfile::tempdir().unwrap();
        let paths = render_all(&report, &Format::ALL, dir.path()).unwrap();
        assert_eq!(paths.len(), Format::ALL.len());
        for (format, path) in Format::ALL.iter().zip(&paths) {
            assert_eq!(path.file_name().unwrap().to_str(), Some(format.renderer().file_name()));
            assert_eq!(std::fs::read(path).unwrap(), format.renderer().render(&report).unwrap(), "{format}");
        }

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("flowforge-audit.csv")).unwrap();
        let err =
            render_all(&report, &[Format::Json, Format::Csv, Format::Markdown], dir.path()).unwrap_err().to_string();
        assert!(err.contains("flowforge-audit.csv"), "{err}");
        assert!(dir.path().join("flowforge-audit.json").is_file());
        assert!(dir.path().join("flowforge-audit.md").is_file());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
    }

    /// The CLI passes `--format` straight to `parse_list`: names, aliases, `all` and errors.
    /// Issue 10: reports of an earlier run left in `--out` could contradict the new ones. A
    /// run writes its formats as a set: the other formats' files are removed, nothing else is.
    #[test]
    fn stale_reports_of_other_formats_are_removed() {
        let report = fixture::sample_report();
        let dir = tempfile::tempdir().unwrap();
        render_all(&report, &Format::ALL, dir.path()).unwrap();
        std::fs::write(dir.path().join("notes.md"), "mine").unwrap();
        let paths = render_all(&report, &[Format::Json], dir.path()).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, vec!["flowforge-audit.json".to_owned(), "notes.md".to_owned()]);
        assert_eq!(paths, vec![dir.path().join("flowforge-audit.json")]);
    }

    #[test]
    fn format_list_parses_names_and_rejects_unknown_ones() {
        assert_eq!(Format::parse_list("json, csv,md").unwrap(), vec![Format::Json, Format::Csv, Format::Markdown]);
        assert_eq!(Format::parse_list("sarif,json,sarif").unwrap(), vec![Format::Json, Format::Sarif]);
        assert_eq!(Format::parse_list("all").unwrap(), Format::ALL.to_vec());
        let err = Format::parse_list("json,pdf").unwrap_err().to_string();
        assert!(err.contains("\"pdf\"") && err.contains("json, csv, md, sarif, junit, html, ocsf"), "{err}");
        assert!(Format::parse_list(" , ").is_err());
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
            assert_eq!(f.renderer().format(), f);
        }
    }

    /// Default file names are documented in docs/report.md and used by CI workflows.
    #[test]
    fn default_file_names_are_stable() {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.renderer().file_name()).collect();
        assert_eq!(
            names,
            [
                "flowforge-audit.json",
                "flowforge-audit.csv",
                "flowforge-audit.md",
                "flowforge-audit.sarif",
                "flowforge-audit.junit.xml",
                "flowforge-audit.html",
                "flowforge-audit.ocsf.json",
                "flowforge-audit.asff.json",
            ]
        );
    }

    /// Every format must give byte-identical output for the same report (reproducible audits).
    #[test]
    fn every_format_is_deterministic() {
        let report = fixture::sample_report();
        for f in Format::ALL {
            let a = f.renderer().render(&report).unwrap();
            let b = f.renderer().render(&report.clone()).unwrap();
            assert_eq!(a, b, "{f} output differs between two renders");
            assert!(!a.is_empty());
        }
    }

    /// An atomic write leaves only the final file, with the new content.
    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(entries.len(), 1);
    }

    /// A symlink planted at the final path or at the old guessable temporary name never
    /// redirects the write: the target outside `--out` is untouched and the report is a
    /// regular file.
    #[cfg(unix)]
    #[test]
    fn atomic_write_never_follows_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim_dir = tempfile::tempdir().unwrap();
        let victim = victim_dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let path = dir.path().join("flowforge-audit.json");
        std::os::unix::fs::symlink(
            &victim,
            dir.path().join(format!(".flowforge-audit.json.tmp-{}", std::process::id())),
        )
        .unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_atomically(&path, b"report").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_file());
        assert_eq!(std::fs::read(&path).unwrap(), b"report");
    }
}
