//! A versioned object store (S3 with versioning and Object Lock) read as evidence bundles, with
//! its history: which bundles were deleted or overwritten after they were written.
//!
//! A bundle whose objects have more than one version is read twice: as the store shows it now
//! (`LOCATION`: each object's latest version, a delete marker leaving the object out) and as it
//! was first written (`LOCATION@original`: each object's oldest version). Each view is verified
//! on its own, so a report overwritten with a forged one is an exception while the original,
//! still intact (and locked), remains evidence; a bundle whose manifest was deleted is read from
//! its original version. Every deletion and overwrite is a [`StoreEvent`]. What the store itself
//! answers comes from `aws::bundle_store` (feature `aws`), the only code here that touches S3.

use std::collections::BTreeMap;

use super::report::StoreEvent;
use super::source::{Candidate, Listing, Locator, StoredObject};
pub use crate::aws::bundle_store::Listed;

/// Groups a version listing into bundle candidates (the current view, and the original view
/// when the history differs) and store events.
pub fn views(entries: Vec<Listed>) -> Listing {
    let mut out = Listing::default();
    // Bundle roots: the shallowest directories holding a manifest.json (in any version).
    let mut roots: Vec<String> = entries
        .iter()
        .filter_map(|e| {
            if e.rel == crate::evidence::MANIFEST {
                Some(String::new())
            } else {
                e.rel.strip_suffix(&format!("/{}", crate::evidence::MANIFEST)).map(|r| format!("{r}/"))
            }
        })
        .collect();
    roots.sort();
    roots.dedup();
    let roots: Vec<String> =
        roots.iter().filter(|r| !roots.iter().any(|o| o != *r && r.starts_with(o.as_str()))).cloned().collect();
    // root → key → versions (newest first).
    let mut bundles: BTreeMap<String, BTreeMap<String, Vec<Listed>>> = BTreeMap::new();
    let mut outside = 0usize;
    for e in entries {
        match roots.iter().find(|r| e.rel.starts_with(r.as_str())) {
            Some(root) => bundles.entry(root.clone()).or_default().entry(e.rel.clone()).or_default().push(e),
            None => outside += 1,
        }
    }
    if outside > 0 {
        out.refused
            .push(format!("{outside} object versions outside any bundle (no manifest.json above them): not read"));
    }
    for (root, keys) in bundles {
        let location = if root.is_empty() { ".".to_owned() } else { root.clone() };
        let mut current = Vec::new();
        let mut original = Vec::new();
        let mut current_manifest_time = None;
        let mut original_manifest_time = None;
        let mut history = false;
        for (rel, mut versions) in keys {
            // Newest first: by time, the listing's `is_latest` first among equals.
            versions.sort_by(|a, b| b.last_modified.cmp(&a.last_modified).then(b.is_latest.cmp(&a.is_latest)));
            let inside = rel[root.len()..].to_owned();
            let object = |v: &Listed| StoredObject {
                rel: inside.clone(),
                key: v.key.clone(),
                version_id: v.version_id.clone(),
                size: v.size,
            };
            let latest = versions.iter().find(|v| v.is_latest).or(versions.first());
            let oldest = versions.iter().rev().find(|v| !v.delete_marker);
            if let Some(v) = latest.filter(|v| !v.delete_marker) {
                current.push(object(v));
                if inside == crate::evidence::MANIFEST {
                    current_manifest_time = v.last_modified;
                }
            }
            if let Some(v) = oldest {
                original.push(object(v));
                if inside == crate::evidence::MANIFEST {
                    original_manifest_time = v.last_modified;
                }
            }
            let event = if latest.is_some_and(|v| v.delete_marker) {
                Some(("deleted", latest.and_then(|v| v.last_modified)))
            } else if versions.iter().filter(|v| !v.delete_marker).count() > 1 {
                Some(("overwritten", latest.and_then(|v| v.last_modified)))
            } else if versions.len() > 1 {
                Some(("restored", latest.and_then(|v| v.last_modified)))
            } else {
                None
            };
            if let Some((event, at)) = event {
                history = true;
                out.events.push(StoreEvent {
                    location: location.clone(),
                    event: event.to_owned(),
                    object: rel.clone(),
                    at: at.and_then(super::period::format_time),
                    versions: versions.len(),
                });
            }
        }
        if current.iter().any(|o| o.rel == crate::evidence::MANIFEST) {
            out.candidates.push(Candidate {
                location: location.clone(),
                file_time: current_manifest_time,
                locator: Locator::Objects(current.clone()),
            });
        }
        if history && original != current && original.iter().any(|o| o.rel == crate::evidence::MANIFEST) {
            out.candidates.push(Candidate {
                location: format!("{location}@original"),
                file_time: original_manifest_time,
                locator: Locator::Objects(original),
            });
        }
    }
    out
}

#[cfg(feature = "aws")]
pub use s3::S3Source;

#[cfg(feature = "aws")]
mod s3 {
    use super::super::source::{BundleSource, Candidate, Listing, Locator, SourceError};
    use crate::aws::bundle_store::BundleStore;
    use crate::aws::ConnectOptions;
    use crate::evidence::{check_relative_path, Tree};

    /// The bundles under an S3 prefix, with their version history.
    #[derive(Debug)]
    pub struct S3Source {
        store: BundleStore,
    }

    impl S3Source {
        pub fn open(url: &str, opts: &ConnectOptions) -> Result<S3Source, SourceError> {
            Ok(S3Source { store: BundleStore::open(url, opts).map_err(SourceError::Store)? })
        }
    }

    fn limit() -> Result<u64, SourceError> {
        crate::fsio::max_input_bytes().map_err(|e| SourceError::Store(e.to_string()))
    }

    impl BundleSource for S3Source {
        fn list(&self) -> Result<Listing, SourceError> {
            Ok(super::views(self.store.list().map_err(|e| SourceError::Store(e.to_string()))?))
        }

        fn read_file(&self, candidate: &Candidate, rel: &str) -> Result<Option<Vec<u8>>, SourceError> {
            let Locator::Objects(objects) = &candidate.locator else { return Ok(None) };
            let Some(o) = objects.iter().find(|o| o.rel == rel) else { return Ok(None) };
            let mut got = self
                .store
                .get_all(&[(o.key.clone(), o.version_id.clone(), o.size)], limit()?)
                .map_err(SourceError::Store)?;
            Ok(got.pop())
        }

        fn read_tree(&self, candidate: &Candidate, already: &[(&str, &[u8])]) -> Result<Tree, SourceError> {
            let Locator::Objects(objects) = &candidate.locator else { return Ok(Tree::default()) };
            let mut tree = Tree::default();
            let mut wanted = Vec::new();
            let mut rels = Vec::new();
            for o in objects {
                if let Err(why) = check_relative_path(&o.rel) {
                    tree.refused.push(format!("{}: {why} (refused)", o.rel));
                } else if let Some((_, bytes)) = already.iter().find(|(rel, _)| *rel == o.rel) {
                    tree.files.insert(o.rel.clone(), bytes.to_vec());
                } else {
                    wanted.push((o.key.clone(), o.version_id.clone(), o.size));
                    rels.push(o.rel.clone());
                }
            }
            let bytes = self.store.get_all(&wanted, limit()?).map_err(SourceError::Store)?;
            tree.files.extend(rels.into_iter().zip(bytes));
            tree.refused.sort();
            Ok(tree)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn entry(rel: &str, version: &str, latest: bool, marker: bool, at: i64) -> Listed {
        Listed {
            rel: rel.to_owned(),
            key: format!("evidence/{rel}"),
            version_id: Some(version.to_owned()),
            is_latest: latest,
            delete_marker: marker,
            last_modified: Some(at),
            size: 1,
        }
    }

    /// A bundle with history is read as it is now and as first written; a deleted one only as
    /// first written; each change is a store event; objects outside bundles are counted.
    #[test]
    fn version_history_gives_views_and_events() {
        let listing = views(vec![
            entry("a/manifest.json", "1", true, false, 10),
            entry("a/reports/r.json", "1", true, false, 10),
            entry("b/manifest.json", "2", false, false, 20),
            entry("b/reports/r.json", "2", false, false, 20),
            entry("b/reports/r.json", "3", true, false, 50),
            entry("c/manifest.json", "4", false, false, 30),
            entry("c/manifest.json", "5", true, true, 60),
            entry("c/reports/r.json", "4", true, false, 30),
            entry("stray.txt", "6", true, false, 5),
        ]);
        let locations: Vec<&str> = listing.candidates.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(locations, ["a/", "b/", "b/@original", "c/@original"]);
        let events: Vec<(&str, &str, usize)> =
            listing.events.iter().map(|e| (e.object.as_str(), e.event.as_str(), e.versions)).collect();
        assert_eq!(events, [("b/reports/r.json", "overwritten", 2), ("c/manifest.json", "deleted", 2)]);
        let Locator::Objects(original) = &listing.candidates[2].locator else { panic!("not objects") };
        let versions: BTreeSet<Option<&str>> = original.iter().map(|o| o.version_id.as_deref()).collect();
        assert_eq!(versions, BTreeSet::from([Some("2")]));
        assert_eq!(listing.candidates[3].file_time, Some(30));
        assert_eq!(listing.refused.len(), 1, "{:?}", listing.refused);
    }

    /// An unversioned bucket (no history) gives one view per bundle and no event; a bundle
    /// nested in another belongs to it.
    #[test]
    fn no_history_no_events() {
        let listing = views(vec![
            entry("x/manifest.json", "1", true, false, 10),
            entry("x/inner/manifest.json", "1", true, false, 10),
            entry("manifest.json", "1", true, false, 10),
        ]);
        let locations: Vec<&str> = listing.candidates.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(locations, ["."], "the root bundle holds everything below it");
        assert!(listing.events.is_empty());
    }
}
