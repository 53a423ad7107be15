//! Evidence bundles in S3, for `attest --bundles s3://BUCKET/PREFIX`: read-only, with their
//! version history.
//!
//! Two calls and nothing else: `ListObjectVersions` (every version and delete marker under the
//! prefix: what `ListObjectsV2` lists and the history it hides) and `GetObject` of one listed
//! version. Reading by version id means nothing can swap an object between the listing and the
//! read, and it lets the report show what a versioned bucket with S3 Object Lock keeps: a bundle
//! deleted (a delete marker on top) or overwritten (a newer version) during the period. Each such
//! bundle is read twice, as the store shows it now and as its first versions were written
//! (`LOCATION@original`); each view is verified on its own, so a tampered new version is an
//! exception while the original, still intact, remains evidence, and the store event is listed.
//!
//! The IAM policy of the identity that attests is `iam/attest-policy.json` (printed by
//! `iam-policy --attest`): `s3:ListBucketVersions`, `s3:GetObject` (an unversioned bucket's
//! objects), `s3:GetObjectVersion`, and `sts:GetCallerIdentity` of the session. A test keeps it
//! equal to [`OPERATIONS`], and [`OPERATIONS`] equal to the calls this file makes.

use super::Operation;

/// The operations `attest` calls on S3 (the session's `GetCallerIdentity` is
/// [`super::CONNECT_OPERATIONS`]). `GetObject` is authorised by `s3:GetObjectVersion` when it
/// names a version and by `s3:GetObject` for the one object of an unversioned key.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        service: "s3",
        method: "list_object_versions",
        api_name: "ListObjectVersions",
        name: "ListObjectVersions",
        iam_action: "s3:ListBucketVersions",
    },
    Operation {
        service: "s3",
        method: "get_object",
        api_name: "GetObject",
        name: "GetObject",
        iam_action: "s3:GetObject",
    },
    Operation {
        service: "s3",
        method: "get_object",
        api_name: "GetObject",
        name: "GetObject",
        iam_action: "s3:GetObjectVersion",
    },
];

/// The IAM policy `attest --bundles s3://...` needs (`iam-policy --attest`).
pub const ATTEST_POLICY: &str = include_str!("../../iam/attest-policy.json");

/// `s3://bucket/prefix` → (bucket, prefix ending in `/`, or empty).
pub fn parse_url(url: &str) -> Result<(String, String), String> {
    let rest = url.strip_prefix("s3://").ok_or_else(|| format!("{url:?} is not an s3://BUCKET/PREFIX URL"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() || bucket.contains(|c: char| c.is_whitespace()) {
        return Err(format!("{url:?}: no bucket name (s3://BUCKET/PREFIX)"));
    }
    let prefix = prefix.trim_matches('/');
    let prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
    Ok((bucket.to_owned(), prefix))
}

/// One entry of the version listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The key, relative to the prefix.
    pub rel: String,
    pub key: String,
    /// `None` for the one object of an unversioned key (version id `null`).
    pub version_id: Option<String>,
    pub is_latest: bool,
    pub delete_marker: bool,
    /// Seconds since the epoch.
    pub last_modified: Option<i64>,
    pub size: u64,
}

/// Groups a version listing into bundle candidates (current view, and original view when the
/// history differs) and store events. SDK-free, so that it is tested without a bucket.
pub fn group(entries: Vec<Listed>) -> crate::attest::source::Listing {
    use crate::attest::report::StoreEvent;
    use crate::attest::source::{Candidate, Listing, Locator, StoredObject};
    use std::collections::BTreeMap;

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
        out.refused.push(format!("{outside} object versions outside any bundle (no manifest.json above them): not read"));
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
                    at: at.and_then(crate::attest::period::format_time),
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
pub use sdk::S3Source;

#[cfg(feature = "aws")]
mod sdk {
    use futures::stream::{self, StreamExt, TryStreamExt};

    use super::{group, parse_url, Listed};
    use crate::attest::source::{BundleSource, Candidate, Listing, Locator, SourceError, StoredObject};
    use crate::aws::{CallError, ConnectOptions, Session};
    use crate::evidence::{check_relative_path, Tree};

    /// Objects read at once within one bundle.
    const CONCURRENCY: usize = 16;

    /// A bucket prefix of evidence bundles, read through one session.
    pub struct S3Source {
        client: aws_sdk_s3::Client,
        bucket: String,
        prefix: String,
        runtime: tokio::runtime::Runtime,
        _session: Session,
    }

    impl std::fmt::Debug for S3Source {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "S3Source(s3://{}/{})", self.bucket, self.prefix)
        }
    }

    fn store(e: CallError) -> SourceError {
        SourceError::Store(e.to_string())
    }

    impl S3Source {
        /// Connects (the standard credential chain, `opts`' profile, region and endpoint).
        pub fn open(url: &str, opts: &ConnectOptions) -> Result<S3Source, SourceError> {
            let (bucket, prefix) = parse_url(url).map_err(SourceError::Store)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| SourceError::Store(format!("cannot start the async runtime: {e}")))?;
            let session = runtime
                .block_on(crate::aws::connect(opts))
                .map_err(|e| SourceError::Store(format!("{url}: {e}")))?;
            let base = session.sdk_config(None);
            let mut b = aws_sdk_s3::config::Builder::from(&base)
                .interceptor(session.counter("s3"))
                .retry_partition(session.retry_partition());
            if session.endpoint_url().is_some() {
                // Emulators serve S3 on one host: virtual-hosted addressing cannot work there.
                b = b.force_path_style(true);
            }
            let client = aws_sdk_s3::Client::from_conf(b.build());
            Ok(S3Source { client, bucket, prefix, runtime, _session: session })
        }

        async fn list_all(&self) -> Result<Vec<Listed>, SourceError> {
            let mut out = Vec::new();
            let (mut key_marker, mut version_marker): (Option<String>, Option<String>) = (None, None);
            loop {
                let page = self
                    .client
                    .list_object_versions()
                    .bucket(&self.bucket)
                    .prefix(&self.prefix)
                    .set_key_marker(key_marker.clone())
                    .set_version_id_marker(version_marker.clone())
                    .send()
                    .await
                    .map_err(|e| store(CallError::from_sdk("s3", "ListObjectVersions", e)))?;
                let entry = |key: Option<&str>, version: Option<&str>, latest, marker, at: Option<&aws_smithy_types::DateTime>, size| {
                    let key = key?.to_owned();
                    let rel = key.strip_prefix(&self.prefix)?.to_owned();
                    Some(Listed {
                        rel,
                        key,
                        version_id: version.filter(|v| *v != "null").map(str::to_owned),
                        is_latest: latest,
                        delete_marker: marker,
                        last_modified: at.map(|t| t.secs()),
                        size,
                    })
                };
                for v in page.versions() {
                    let size = u64::try_from(v.size().unwrap_or(0)).unwrap_or(0);
                    out.extend(entry(v.key(), v.version_id(), v.is_latest().unwrap_or(false), false, v.last_modified(), size));
                }
                for m in page.delete_markers() {
                    out.extend(entry(m.key(), m.version_id(), m.is_latest().unwrap_or(false), true, m.last_modified(), 0));
                }
                if page.is_truncated() != Some(true) {
                    break;
                }
                key_marker = page.next_key_marker().map(str::to_owned);
                version_marker = page.next_version_id_marker().map(str::to_owned);
                if key_marker.is_none() && version_marker.is_none() {
                    break;
                }
            }
            Ok(out)
        }

        async fn get(&self, object: &StoredObject) -> Result<Vec<u8>, SourceError> {
            let limit = crate::fsio::max_input_bytes().map_err(|e| SourceError::Store(e.to_string()))?;
            if object.size > limit {
                return Err(SourceError::Store(format!(
                    "s3://{}/{}: {} bytes, more than the {limit}-byte input limit",
                    self.bucket, object.key, object.size
                )));
            }
            let answer = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(&object.key)
                .set_version_id(object.version_id.clone())
                .send()
                .await
                .map_err(|e| store(CallError::from_sdk("s3", "GetObject", e)))?;
            let bytes = answer
                .body
                .collect()
                .await
                .map_err(|e| SourceError::Store(format!("s3://{}/{}: {e}", self.bucket, object.key)))?;
            let bytes = bytes.into_bytes().to_vec();
            if bytes.len() as u64 > limit {
                return Err(SourceError::Store(format!("s3://{}/{}: larger than the input limit", self.bucket, object.key)));
            }
            Ok(bytes)
        }
    }

    impl BundleSource for S3Source {
        fn list(&self) -> Result<Listing, SourceError> {
            Ok(group(self.runtime.block_on(self.list_all())?))
        }

        fn read_file(&self, candidate: &Candidate, rel: &str) -> Result<Option<Vec<u8>>, SourceError> {
            let Locator::Objects(objects) = &candidate.locator else { return Ok(None) };
            let Some(object) = objects.iter().find(|o| o.rel == rel) else { return Ok(None) };
            self.runtime.block_on(self.get(object)).map(Some)
        }

        fn read_tree(&self, candidate: &Candidate) -> Result<Tree, SourceError> {
            let Locator::Objects(objects) = &candidate.locator else { return Ok(Tree::default()) };
            let mut tree = Tree::default();
            let mut wanted = Vec::new();
            for o in objects {
                match check_relative_path(&o.rel) {
                    Ok(()) => wanted.push(o),
                    Err(why) => tree.refused.push(format!("{}: {why} (refused)", o.rel)),
                }
            }
            let read: Vec<(String, Vec<u8>)> = self.runtime.block_on(
                stream::iter(wanted.into_iter().map(|o| async move { self.get(o).await.map(|b| (o.rel.clone(), b)) }))
                    .buffer_unordered(CONCURRENCY)
                    .try_collect(),
            )?;
            tree.files.extend(read);
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
        let listing = group(vec![
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
        let crate::attest::source::Locator::Objects(original) = &listing.candidates[2].locator else { panic!() };
        let versions: BTreeSet<Option<&str>> = original.iter().map(|o| o.version_id.as_deref()).collect();
        assert_eq!(versions, BTreeSet::from([Some("2")]));
        assert_eq!(listing.candidates[3].file_time, Some(30));
        assert_eq!(listing.refused.len(), 1, "{:?}", listing.refused);
    }

    /// URLs name a bucket and a prefix, normalised to end with `/`.
    #[test]
    fn urls() {
        assert_eq!(parse_url("s3://b/p/q/").unwrap(), ("b".to_owned(), "p/q/".to_owned()));
        assert_eq!(parse_url("s3://b").unwrap(), ("b".to_owned(), String::new()));
        assert!(parse_url("s3:///p").is_err());
        assert!(parse_url("/tmp/x").is_err());
    }

    /// `iam/attest-policy.json` grants exactly the actions of the operations attest calls
    /// (and the session's identity call), read-only; and this file calls exactly those
    /// operations.
    #[test]
    fn attest_policy_is_exactly_the_calls_made() {
        let doc: serde_json::Value = serde_json::from_str(ATTEST_POLICY).unwrap();
        let mut granted = BTreeSet::new();
        for st in doc["Statement"].as_array().unwrap() {
            assert_eq!(st["Effect"], "Allow");
            for a in st["Action"].as_array().unwrap() {
                granted.insert(a.as_str().unwrap().to_owned());
            }
        }
        let mut expected: BTreeSet<String> = OPERATIONS.iter().map(|o| o.iam_action.to_owned()).collect();
        expected.insert("sts:GetCallerIdentity".to_owned());
        assert_eq!(granted, expected);
        for a in &granted {
            let verb = a.split(':').nth(1).unwrap_or_default();
            assert!(["Get", "List"].iter().any(|p| verb.starts_with(p)), "{a} is not read-only");
        }
        let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/aws/bundle_store.rs")).unwrap();
        let called = crate::aws::tests::sdk_calls(&src);
        let declared: BTreeSet<String> = OPERATIONS.iter().map(|o| o.method.to_owned()).collect();
        assert_eq!(called, declared);
    }
}
