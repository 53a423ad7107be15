//! Validation of the storage sections ([`crate::baseline::storage`]): `architecture.data_lake`
//! and `architecture.database`.

use super::Cx;
use crate::baseline::*;
use crate::diag::yaml::RawNode;

/// `architecture.data_lake`: distinct layers, and a bucket name pattern with `{layer}`.
pub(super) fn data_lake(cx: &Cx, node: &RawNode, path: &str) -> Option<DataLakeSpec> {
    let t = cx.table(node, path)?;
    let layers = t.req("layers", |n, p| {
        let layers = cx.list(n, p, true, |i, ip| cx.string(i, ip))?;
        cx.unique(n, &layers, p, "layer").then_some(layers)
    });
    let bucket_name = t.req("bucket_name", |n, p| {
        let s = cx.pattern(n, p, true)?;
        if !s.contains("{layer}") {
            cx.invalid(n, format!("{p}: must contain {{layer}} (one bucket per layer)"));
            return None;
        }
        Some(s)
    });
    Some(DataLakeSpec { layers: layers?, bucket_name: bucket_name?, buckets: None })
}

/// `architecture.database`: every key required.
pub(super) fn database(cx: &Cx, node: &RawNode, path: &str) -> Option<DatabaseSpec> {
    let t = cx.table(node, path)?;
    let identifier = t.req("identifier", |n, p| cx.pattern(n, p, false));
    let engine = t.req("engine", |n, p| cx.string(n, p));
    let port = t.req("port", |n, p| cx.port(n, p));
    let storage_encrypted = t.req("storage_encrypted", |n, p| cx.boolean(n, p));
    let force_ssl = t.req("force_ssl", |n, p| cx.boolean(n, p));
    Some(DatabaseSpec {
        identifier: identifier?,
        engine: engine?,
        port: port?,
        storage_encrypted: storage_encrypted?,
        force_ssl: force_ssl?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::problems;
    use crate::baseline::BUILTIN_BASELINE;

    /// Duplicate layers would give two expectations for one bucket.
    #[test]
    fn duplicate_layer_is_reported() {
        let text = BUILTIN_BASELINE.replace("[landing, bronze, silver, gold]", "[landing, bronze, silver, bronze]");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("duplicate layer `bronze`"), "{p:?}");
    }

    /// A bucket name without `{layer}` would name one bucket for every layer.
    #[test]
    fn bucket_name_needs_the_layer() {
        let text =
            BUILTIN_BASELINE.replace("bucket_name: \"flowforge-{env}-{layer}\"", "bucket_name: \"flowforge-{env}\"");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("architecture.data_lake.bucket_name: must contain {layer}"), "{p:?}");
    }
}
