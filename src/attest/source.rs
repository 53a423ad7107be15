//! Where evidence bundles are read from: a local directory (here, offline) or an S3 prefix
//! with its version history (`versions`, feature `aws`), behind one trait so that the period
//! logic never knows which.
//!
//! A bundle is a directory (or key prefix) holding `manifest.json`; the shallowest such
//! directory is the bundle, and everything below it belongs to it (a bundle is
//! self-contained, so a stray file inside it is a verification problem, not another bundle).
//! Locations are relative to the source's root, so the same bundles copied elsewhere give the
//! same report. A source reads, never writes, and never follows a symbolic link: a link where
//! a bundle or a file should be is refused and listed.

use std::path::{Path, PathBuf};

use crate::evidence::{Tree, MANIFEST};

/// Why the source could not be listed or a bundle read at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// The store said no (a denied or failed call), with its message.
    #[error("{0}")]
    Store(String),
}

/// One object of a bundle in an object store: its path inside the bundle and which version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Path inside the bundle (`reports/flowforge-audit.json`).
    pub rel: String,
    /// The object's key.
    pub key: String,
    /// The version to read (`None`: the object of an unversioned bucket).
    pub version_id: Option<String>,
    pub size: u64,
}

/// How the source finds a candidate's files again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    Dir(PathBuf),
    Objects(Vec<StoredObject>),
}

/// One bundle as found in the source (not yet read or verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Relative to the source's root, `/`-terminated (`.` for the root itself); an S3 view
    /// of original versions ends in `@original`.
    pub location: String,
    /// When the store wrote `manifest.json`, in seconds since the epoch: a file's
    /// modification time or an S3 object's LastModified. Unsigned: only explains clock skew.
    pub file_time: Option<i64>,
    pub locator: Locator,
}

/// What listing the source found.
#[derive(Debug, Default)]
pub struct Listing {
    pub candidates: Vec<Candidate>,
    /// Deletions and overwrites in the store's version history.
    pub events: Vec<super::report::StoreEvent>,
    /// Entries refused while listing (links, names that are not UTF-8), with why.
    pub refused: Vec<String>,
}

/// A place bundles are read from.
pub trait BundleSource: Sync {
    /// Every bundle under the root.
    fn list(&self) -> Result<Listing, SourceError>;
    /// One file of a candidate; `None` when the candidate has no such regular file.
    fn read_file(&self, candidate: &Candidate, rel: &str) -> Result<Option<Vec<u8>>, SourceError>;
    /// Every file of a candidate, read once (refused entries listed in the tree). `already`
    /// holds files [`BundleSource::read_file`] returned for this candidate: a source where a
    /// read is a request (S3) takes them as they are instead of asking again.
    fn read_tree(&self, candidate: &Candidate, already: &[(&str, &[u8])]) -> Result<Tree, SourceError>;
}

/// Bundles under a local directory.
#[derive(Debug)]
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    pub fn new(root: &Path) -> Result<DirSource, SourceError> {
        let meta = std::fs::metadata(root).map_err(|source| io(root, source))?;
        if !meta.is_dir() {
            return Err(io(root, std::io::Error::other("not a directory")));
        }
        Ok(DirSource { root: root.to_path_buf() })
    }
}

fn io(path: &Path, source: std::io::Error) -> SourceError {
    SourceError::Io { path: path.display().to_string(), source }
}

fn seconds(t: std::time::SystemTime) -> Option<i64> {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).ok(),
        Err(e) => i64::try_from(e.duration().as_secs()).ok().map(|s| -s),
    }
}

impl DirSource {
    fn walk(&self, dir: &Path, rel: &str, out: &mut Listing) -> Result<(), SourceError> {
        let manifest = dir.join(MANIFEST);
        if std::fs::symlink_metadata(&manifest).is_ok() {
            let file_time = std::fs::symlink_metadata(&manifest).ok().and_then(|m| m.modified().ok()).and_then(seconds);
            let location = if rel.is_empty() { ".".to_owned() } else { rel.to_owned() };
            out.candidates.push(Candidate { location, file_time, locator: Locator::Dir(dir.to_path_buf()) });
            return Ok(());
        }
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|source| io(dir, source))? {
            entries.push(entry.map_err(|source| io(dir, source))?);
        }
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                out.refused.push(format!("{rel}{}: a name that is not UTF-8", entry.file_name().to_string_lossy()));
                continue;
            };
            let kind = entry.file_type().map_err(|source| io(&entry.path(), source))?;
            if kind.is_symlink() {
                out.refused.push(format!("{rel}{name}: a symbolic link (refused, not followed)"));
            } else if kind.is_dir() {
                self.walk(&entry.path(), &format!("{rel}{name}/"), out)?;
            }
        }
        Ok(())
    }
}

impl BundleSource for DirSource {
    fn list(&self) -> Result<Listing, SourceError> {
        let mut out = Listing::default();
        self.walk(&self.root, "", &mut out)?;
        Ok(out)
    }

    fn read_file(&self, candidate: &Candidate, rel: &str) -> Result<Option<Vec<u8>>, SourceError> {
        let Locator::Dir(dir) = &candidate.locator else { return Ok(None) };
        // Every component must be a directory or, last, a regular file: never a link.
        let mut at = dir.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            at.push(part);
            let Ok(meta) = std::fs::symlink_metadata(&at) else { return Ok(None) };
            let last = i + 1 == parts.len();
            if (last && !meta.is_file()) || (!last && !meta.is_dir()) {
                return Ok(None);
            }
        }
        crate::fsio::read_no_follow(&at).map(Some).map_err(|e| SourceError::Store(e.to_string()))
    }

    fn read_tree(&self, candidate: &Candidate, _already: &[(&str, &[u8])]) -> Result<Tree, SourceError> {
        // A local read is cheap: read everything again, so that the tree is one walk.
        let Locator::Dir(dir) = &candidate.locator else { return Ok(Tree::default()) };
        crate::evidence::read_tree(dir).map_err(|e| SourceError::Store(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shallowest directory with a manifest is a bundle; links are refused, not followed;
    /// a file is read only through directories and never through a link.
    #[test]
    fn directory_listing_finds_bundles_and_refuses_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for b in ["prod/2026-11-01", "prod/2026-11-02", "prod/2026-11-02/nested"] {
            std::fs::create_dir_all(root.join(b).join("reports")).unwrap();
            std::fs::write(root.join(b).join(MANIFEST), b"{}").unwrap();
            std::fs::write(root.join(b).join("reports/flowforge-audit.json"), b"{\"r\":1}").unwrap();
        }
        std::fs::create_dir_all(root.join("empty/deeper")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("prod/2026-11-01"), root.join("prod/link")).unwrap();
        let src = DirSource::new(root).unwrap();
        let listing = src.list().unwrap();
        let locations: Vec<&str> = listing.candidates.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(locations, ["prod/2026-11-01/", "prod/2026-11-02/"]);
        assert!(listing.candidates.iter().all(|c| c.file_time.is_some()));
        #[cfg(unix)]
        assert_eq!(listing.refused, ["prod/link: a symbolic link (refused, not followed)"]);
        let c = &listing.candidates[0];
        assert_eq!(src.read_file(c, "reports/flowforge-audit.json").unwrap().unwrap(), b"{\"r\":1}");
        assert_eq!(src.read_file(c, "reports/none.json").unwrap(), None);
        assert_eq!(src.read_file(c, "reports").unwrap(), None, "a directory is not a file");
        #[cfg(unix)]
        {
            std::fs::remove_dir_all(root.join("prod/2026-11-01/reports")).unwrap();
            std::os::unix::fs::symlink(root.join("prod/2026-11-02/reports"), root.join("prod/2026-11-01/reports"))
                .unwrap();
            assert_eq!(src.read_file(c, "reports/flowforge-audit.json").unwrap(), None, "not through a link");
        }
        let tree = src.read_tree(&listing.candidates[1], &[]).unwrap();
        // Part of its parent's tree (listed, and not read: no bundle of the tool holds it).
        assert!(tree.unread.iter().any(|f| f == "nested/manifest.json"), "a nested bundle belongs to its parent");
        assert!(DirSource::new(&root.join("prod/2026-11-01/manifest.json")).is_err());
    }
}
