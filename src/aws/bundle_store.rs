//! The evidence store in S3, for `attest --bundles s3://BUCKET/PREFIX`: the two read-only calls
//! and nothing else. What the listing means (bundles, their current and original versions,
//! deletions and overwrites) is `attest::versions`, SDK-free.
//!
//! `ListObjectVersions` lists every version and delete marker under the prefix (what
//! `ListObjectsV2` lists plus the history it hides), and `GetObject` reads one listed version,
//! so nothing can swap an object between the listing and the read.
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
        outside_collections: true,
    },
    Operation {
        service: "s3",
        method: "get_object",
        api_name: "GetObject",
        name: "GetObject",
        iam_action: "s3:GetObject",
        outside_collections: true,
    },
    Operation {
        service: "s3",
        method: "get_object",
        api_name: "GetObject",
        name: "GetObject",
        iam_action: "s3:GetObjectVersion",
        outside_collections: true,
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

#[cfg(feature = "aws")]
pub use sdk::BundleStore;

#[cfg(feature = "aws")]
mod sdk {
    use super::{parse_url, Listed};
    use crate::aws::{CallError, ConnectOptions, Session};

    /// A bucket prefix of evidence bundles, read through one session (its own runtime, so
    /// that the synchronous callers of `attest` can block on it from any thread).
    pub struct BundleStore {
        client: aws_sdk_s3::Client,
        pub bucket: String,
        pub prefix: String,
        runtime: tokio::runtime::Runtime,
        _session: Session,
    }

    impl std::fmt::Debug for BundleStore {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "BundleStore(s3://{}/{})", self.bucket, self.prefix)
        }
    }

    impl BundleStore {
        /// Connects (the standard credential chain, `opts`' profile, region and endpoint).
        pub fn open(url: &str, opts: &ConnectOptions) -> Result<BundleStore, String> {
            let (bucket, prefix) = parse_url(url)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the async runtime: {e}"))?;
            let session = runtime.block_on(crate::aws::connect(opts)).map_err(|e| format!("{url}: {e}"))?;
            let base = session.sdk_config(None);
            let mut b = aws_sdk_s3::config::Builder::from(&base)
                .interceptor(session.counter("s3"))
                .retry_partition(session.retry_partition());
            if session.endpoint_url().is_some() {
                // Emulators serve S3 on one host: virtual-hosted addressing cannot work there.
                b = b.force_path_style(true);
            }
            let client = aws_sdk_s3::Client::from_conf(b.build());
            Ok(BundleStore { client, bucket, prefix, runtime, _session: session })
        }

        /// Every version and delete marker under the prefix, every page.
        pub fn list(&self) -> Result<Vec<Listed>, CallError> {
            self.runtime.block_on(self.list_all())
        }

        async fn list_all(&self) -> Result<Vec<Listed>, CallError> {
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
                    .map_err(|e| CallError::from_sdk("s3", "ListObjectVersions", e))?;
                let entry = |key: Option<&str>,
                             version: Option<&str>,
                             latest: bool,
                             marker: bool,
                             at: Option<&aws_smithy_types::DateTime>,
                             size: u64| {
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
                    let latest = v.is_latest().unwrap_or(false);
                    out.extend(entry(v.key(), v.version_id(), latest, false, v.last_modified(), size));
                }
                for m in page.delete_markers() {
                    let latest = m.is_latest().unwrap_or(false);
                    out.extend(entry(m.key(), m.version_id(), latest, true, m.last_modified(), 0));
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

        /// The objects `wanted` (key, version), read concurrently; each at most `limit` bytes.
        pub fn get_all(&self, wanted: &[(String, Option<String>, u64)], limit: u64) -> Result<Vec<Vec<u8>>, String> {
            use futures::stream::{self, StreamExt, TryStreamExt};
            self.runtime.block_on(
                stream::iter(wanted.iter().map(|(key, version, size)| self.get(key, version.as_deref(), *size, limit)))
                    .buffered(CONCURRENCY)
                    .try_collect(),
            )
        }

        async fn get(&self, key: &str, version: Option<&str>, size: u64, limit: u64) -> Result<Vec<u8>, String> {
            let too_large = || format!("s3://{}/{key}: larger than the {limit}-byte input limit", self.bucket);
            if size > limit {
                return Err(too_large());
            }
            let answer = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .set_version_id(version.map(str::to_owned))
                .send()
                .await
                .map_err(|e| CallError::from_sdk("s3", "GetObject", e).to_string())?;
            let bytes = answer.body.collect().await.map_err(|e| format!("s3://{}/{key}: {e}", self.bucket))?;
            let bytes = bytes.into_bytes().to_vec();
            if bytes.len() as u64 > limit {
                return Err(too_large());
            }
            Ok(bytes)
        }
    }

    /// Objects read at once.
    const CONCURRENCY: usize = 16;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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
        // The session's identity call (connecting); not DescribeRegions, which only `--region all` makes.
        expected.extend(
            crate::aws::CONNECT_OPERATIONS.iter().filter(|o| o.service == "sts").map(|o| o.iam_action.to_owned()),
        );
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
