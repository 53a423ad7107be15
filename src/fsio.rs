//! Reading an input file (snapshot, baseline, waivers, Terraform state, policy files, `diff`
//! inputs) the one safe way: regular files only, and never more than a known number of bytes.
//!
//! Every input comes from a path a user or a CI step gave, so it may be `/dev/zero` (grows
//! without end), a FIFO (blocks forever on open) or a file larger than the machine can parse.
//! [`read`] refuses anything that is not a regular file *before* opening it, checks again on
//! the opened handle, and reads at most [`max_input_bytes`] bytes, so the worst case is a clear
//! error naming the file instead of a hang or an out-of-memory kill. The limit is
//! [`DEFAULT_MAX_INPUT_BYTES`] unless `FLOWFORGE_AUDIT_MAX_INPUT_BYTES` says otherwise.
//!
//! Inside directories the tool walks or keeps (evidence bundles, `--history`), a symbolic link
//! is refused rather than followed ([`read_no_follow`], [`append_no_follow`]).
//!
//! This is the only module that opens a file for reading or appending: a unit test
//! (`every_input_is_read_through_fsio`) fails on a raw `std::fs::read*`, `File::open` or
//! `OpenOptions` elsewhere in `src/` outside tests.
//!
//! Errors are `std::io::Error`s so that every caller keeps its own typed error (which names
//! the file); the messages say what was wrong and what to do. Those typed errors show the I/O
//! error through [`Cause`], in their own message and not again as a `source()` (an error chain
//! printed with `{:#}` would otherwise say the cause twice), with what to do about it.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest input read by default: 1 GiB, twice the largest snapshot benchmarked (500 MB,
/// see the benchmark table of docs/development.md). Larger inputs need `FLOWFORGE_AUDIT_MAX_INPUT_BYTES`.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

/// The environment variable that overrides [`DEFAULT_MAX_INPUT_BYTES`]: a number of bytes,
/// optionally with a binary suffix (`K`, `M`, `G`: `2G` is 2 GiB).
pub const MAX_INPUT_ENV: &str = "FLOWFORGE_AUDIT_MAX_INPUT_BYTES";

/// The input size limit in force: [`MAX_INPUT_ENV`] if set, else [`DEFAULT_MAX_INPUT_BYTES`].
pub fn max_input_bytes() -> io::Result<u64> {
    match std::env::var(MAX_INPUT_ENV) {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_MAX_INPUT_BYTES),
        Ok(v) => parse_size(&v).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{MAX_INPUT_ENV}={v:?} is not a size (a number of bytes, optionally with K, M or G)"),
            )
        }),
        Err(e) => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{MAX_INPUT_ENV}: {e}"))),
    }
}

/// `1048576`, `512K`, `800M`, `2G` (binary multiples; case-insensitive; `0` is refused).
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, shift) = match t.char_indices().last()? {
        (i, 'k' | 'K') => (&t[..i], 10),
        (i, 'm' | 'M') => (&t[..i], 20),
        (i, 'g' | 'G') => (&t[..i], 30),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    n.checked_mul(1u64 << shift).filter(|n| *n > 0)
}

/// What a non-regular file is, for the error message.
fn kind_name(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

fn not_regular(ft: &std::fs::FileType) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file (inputs are read from regular files only)", kind_name(ft)),
    )
}

/// `size` is the file's length, or with `at_least` what was read before the limit stopped it.
fn too_large(size: u64, limit: u64, at_least: bool) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "{}{size} bytes, more than the {limit}-byte input limit (set {MAX_INPUT_ENV} to raise it)",
            if at_least { "at least " } else { "" }
        ),
    )
}

/// An I/O error as the tool shows it inside its own messages: what the operating system said,
/// then what to do about it when the kind of error tells (`No such file or directory (os error
/// 2); check the path`). Messages of this module already say what to do and are shown as they
/// are. Error types that quote their cause through this do not also return it as their
/// `source()`, so a cause is said once.
pub struct Cause<'a>(pub &'a io::Error);

impl std::fmt::Display for Cause<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        match advice(self.0.kind()) {
            Some(advice) => write!(f, "; {advice}"),
            None => Ok(()),
        }
    }
}

/// What to do about an I/O error of `kind`, when its kind says.
pub fn advice(kind: io::ErrorKind) -> Option<&'static str> {
    use io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "check the path (a relative path starts from the current directory)",
        K::PermissionDenied => "check the file's and its directories' permissions for this user",
        K::NotADirectory => "a part of the path is a file, not a directory: check the path",
        K::IsADirectory => "give the path of a file, not of a directory",
        K::AlreadyExists => "remove it or choose another path",
        K::ReadOnlyFilesystem => "choose a path on a writable file system",
        K::StorageFull | K::QuotaExceeded => "free some space, or choose another disk",
        _ => return None,
    })
}

/// Reads a whole input file: regular files only, at most [`max_input_bytes`] bytes.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    read_bounded(path, max_input_bytes()?)
}

/// [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("not UTF-8 text: {}", e.utf8_error())))
}

/// [`read`] with an explicit limit.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    // Checked on the path first because opening a FIFO for reading blocks until a writer
    // comes; checked again on the handle in case the path was swapped in between.
    let ft = std::fs::metadata(path)?.file_type();
    if !ft.is_file() {
        return Err(not_regular(&ft));
    }
    read_opened(File::open(path)?, limit)
}

/// [`read`] of a file inside a directory the tool walks or owns (an evidence bundle, the
/// `--history` file): a symbolic link at `path` is refused, never followed, and a FIFO put in
/// its place does not block the open. At most [`max_input_bytes`] bytes.
pub fn read_no_follow(path: &Path) -> io::Result<Vec<u8>> {
    read_no_follow_bounded(path, max_input_bytes()?)
}

/// [`read_no_follow`] with an explicit limit.
pub fn read_no_follow_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    no_follow(&mut opts);
    read_opened(opts.open(path).map_err(|e| link_refused(path, e))?, limit)
}

/// Appends `bytes` to the regular file `path`, creating it if missing, in one write: never
/// through a symbolic link (a `history.jsonl` planted as a link to a file elsewhere is refused,
/// not written through) and never into a FIFO or device.
pub fn append_no_follow(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    no_follow(&mut opts);
    let mut file = opts.open(path).map_err(|e| link_refused(path, e))?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    file.write_all(bytes)?;
    file.sync_all()
}

/// The SHA-256 (lower-case hex) of a file inside a directory the tool owns, read in pieces:
/// never through a symbolic link, regular files only, at most [`max_input_bytes`] bytes.
pub fn sha256_no_follow(path: &Path) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let limit = max_input_bytes()?;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    no_follow(&mut opts);
    let file = opts.open(path).map_err(|e| link_refused(path, e))?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit, false));
    }
    let mut hasher = Sha256::new();
    let mut reader = file.take(limit.saturating_add(1));
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buf[..n]);
    }
    if total > limit {
        return Err(too_large(total, limit, true));
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// `O_NOFOLLOW | O_NONBLOCK` where the platform has them.
fn no_follow(opts: &mut std::fs::OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(opts, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    #[cfg(not(unix))]
    let _ = opts;
}

/// `O_NOFOLLOW` on a link fails with ELOOP: say what it means.
fn link_refused(path: &Path, e: io::Error) -> io::Error {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a symbolic link (refused, not followed: the tool never reads or writes through a link here)",
        )
    } else {
        e
    }
}

/// Reads an opened file: regular only, at most `limit` bytes.
fn read_opened(file: File, limit: u64) -> io::Result<Vec<u8>> {
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit, false));
    }
    // Sized from the metadata so that a 500 MB snapshot is one allocation, not a doubling
    // series that peaks at twice its size; the `take` bounds a file that grows meanwhile (or
    // reports length 0, as /proc files do).
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit, true));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A regular file is read whole; one byte over the limit is refused with the limit named.
    #[test]
    fn reads_regular_files_within_the_limit_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap(), b"0123456789");
        let err = read_bounded(&p, 9).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("10 bytes, more than the 9-byte input limit"), "{err}");
        assert!(err.to_string().contains(MAX_INPUT_ENV), "{err}");
    }

    /// `/dev/zero` (endless) and directories are refused before a byte is read.
    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused() {
        let err = read_bounded(Path::new("/dev/zero"), 1 << 30).unwrap_err();
        assert!(err.to_string().contains("it is a character device, not a regular file"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_bounded(dir.path(), 1 << 30).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
    }

    /// A FIFO with no writer is refused at once instead of blocking on open.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("snap.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let err = read_bounded(&fifo, 1 << 30).unwrap_err();
        assert!(err.to_string().contains("a FIFO"), "{err}");
    }

    /// A regular file that reports length 0 but has content (as `/proc` files do) is still
    /// bounded by the limit while reading.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_longer_than_its_metadata_is_bounded_while_reading() {
        let err = read_bounded(Path::new("/proc/self/status"), 8).unwrap_err();
        assert!(err.to_string().contains("at least 9 bytes"), "{err}");
    }

    /// Issue 25: an I/O error is shown with what to do when its kind tells, and as it is when
    /// this module's own message already says (a size limit names the variable to set).
    #[test]
    fn causes_say_what_to_do() {
        let missing = io::Error::from(io::ErrorKind::NotFound);
        assert!(Cause(&missing)
            .to_string()
            .ends_with("; check the path (a relative path starts from the current directory)"));
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(Cause(&denied).to_string().contains("; check the file's"), "{}", Cause(&denied));
        let large = too_large(10, 9, false);
        assert_eq!(Cause(&large).to_string(), large.to_string());
    }

    /// The override accepts bytes and binary suffixes and refuses nonsense and zero.
    #[test]
    fn size_override_parses_suffixes() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size(" 2G "), Some(2 << 30));
        assert_eq!(parse_size("800M"), Some(800 << 20));
        for bad in ["", "G", "-1", "1.5G", "0", "99999999999999999999G", "1T"] {
            assert_eq!(parse_size(bad), None, "{bad:?}");
        }
    }

    /// Issue 22: no file read without a bound. Every read or append of a file in `src/` goes
    /// through this module: a raw `std::fs::read*`, `File::open`, `read_to_end`, or an
    /// `OpenOptions` opened for reading or appending anywhere else (outside tests) fails here.
    #[test]
    fn every_input_is_read_through_fsio() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        // Files compiled for tests only: declared `#[cfg(test)] mod name;` by their parent.
        let mut test_only = std::collections::BTreeSet::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for (i, line) in lines.iter().enumerate() {
                if !(line.starts_with("#[cfg(test)]") || line.starts_with("#[cfg(all(test")) {
                    continue;
                }
                let dir = f.parent().unwrap();
                let base = if f.file_name().is_some_and(|n| n == "mod.rs" || n == "lib.rs") {
                    dir.to_path_buf()
                } else {
                    dir.join(f.file_stem().unwrap())
                };
                for next in lines.iter().skip(i + 1).take(2) {
                    if let Some(path) = next.strip_prefix("#[path = \"").and_then(|p| p.strip_suffix("\"]")) {
                        test_only.insert(dir.join(path));
                    }
                    let decl = next.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
                    if let Some(name) = decl.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')) {
                        test_only.insert(base.join(format!("{name}.rs")));
                        test_only.insert(base.join(name).join("mod.rs"));
                    }
                }
            }
        }
        let forbidden =
            ["fs::read(", "fs::read_to_string(", "File::open(", "read_to_end(", ".read(true)", ".append(true)"];
        let mut found = Vec::new();
        for f in &files {
            if f.ends_with("fsio.rs") || test_only.contains(f) {
                continue;
            }
            let text = std::fs::read_to_string(f).unwrap();
            // The unit tests at the end of a file are not the tool's reads.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
            for (i, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for pat in forbidden {
                    if line.contains(pat) {
                        found.push(format!("{}:{}: {}", f.strip_prefix(&root).unwrap().display(), i + 1, line.trim()));
                    }
                }
            }
        }
        assert!(test_only.iter().any(|p| p.ends_with("report/fixture.rs")), "test-only modules are recognised");
        assert!(found.is_empty(), "read through crate::fsio instead:\n{}", found.join("\n"));
    }
}
