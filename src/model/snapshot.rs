//! The snapshot document: header, the per-service collections and the collection errors.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::meta::ResourceMeta;
use crate::diag::{Code, Problem};

/// The snapshot schema version this build reads and writes.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

// The snapshot's service members come from the service registry (`crate::aws::registry!`),
// in its order: a new service adds its member here without an edit to this file.
macro_rules! snapshot {
    ($($svc:ident)*) => {
        /// One inventory of one AWS account, as collected (or as written by hand for a test).
        #[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
        pub struct Snapshot {
            /// Version of this document's shape; a reader refuses versions it does not know.
            pub schema_version: u32,
            /// Version of the flowforge-audit that wrote the snapshot.
            pub tool_version: String,
            /// The 12-digit AWS account id.
            pub account_id: String,
            /// The AWS partition (`aws`, `aws-cn`, `aws-us-gov`).
            pub partition: String,
            /// Regions that were inventoried.
            pub regions: Vec<String>,
            /// When collection finished (RFC 3339, UTC). Reports take their timestamp from here.
            pub collected_at: String,
            /// The collections the scan read (`lambda.functions`, ...: every collection of the
            /// registry it was built with). Absent in snapshots written before it existed, and in
            /// hand-written ones: a reader that must tell "none exist" from "not looked at" (the
            /// privilege-escalation graph's compute) takes a collection not listed as not collected.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub collected: Vec<String>,
            $(
                #[serde(default)]
                pub $svc: crate::aws::$svc::Part,
            )*
            /// Every call that failed during collection. A check that depends on a failed call is
            /// UNKNOWN, never PASS.
            #[serde(default)]
            pub collection_errors: Vec<CollectionError>,
        }

        impl Snapshot {
            /// Appends every resource of every service member, in registry order.
            fn service_metas<'a>(&'a self, out: &mut Vec<(&'static str, &'a ResourceMeta)>) {
                $( $crate::aws::ServicePart::metas(&self.$svc, out); )*
            }

            /// Sorts every collection of every service member by ARN.
            fn sort_services(&mut self) {
                $( $crate::aws::ServicePart::sort(&mut self.$svc); )*
            }

            /// Calls `v` with every collection of the registry, in snapshot order.
            pub fn visit<'a, V: $crate::aws::Visit<'a>>(&'a self, v: &mut V) {
                $( $crate::aws::ServicePart::visit(&self.$svc, v); )*
            }

            /// Calls `v` with every collection of the registry in `self` and in `other`, side
            /// by side, in snapshot order.
            pub fn visit_pairs<'a, V: $crate::aws::VisitPair<'a>>(&'a self, other: &'a Snapshot, v: &mut V) {
                $( $crate::aws::ServicePart::visit_pair(&self.$svc, &other.$svc, v); )*
            }

            /// Calls `v` with every collection of the registry, mutably, in snapshot order.
            pub fn visit_mut<V: $crate::aws::VisitMut>(&mut self, v: &mut V) {
                $( $crate::aws::ServicePart::visit_mut(&mut self.$svc, v); )*
            }
        }
    };
}
crate::aws::registry!(snapshot);

/// A failed API call recorded during collection.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct CollectionError {
    /// Service prefix as in IAM (`ec2`, `s3`, `iam`, ...).
    pub service: String,
    /// The API operation in IAM spelling (`ListBuckets`, `GetBucketPolicy`, ...).
    pub operation: String,
    /// Region of the call; `global` for IAM and other global services.
    pub region: String,
    /// ARN of the resource the call was about, if it was about one.
    #[serde(default)]
    pub resource: Option<String>,
    /// The AWS error code (`AccessDenied`, `Throttling`, ...) or `Timeout` / `Transport`.
    pub error_code: String,
    pub message: String,
}

/// A collection of the snapshot, named as in policy METADATA (`s3.buckets`).
///
/// The list of names is the contract between checks and the snapshot: a check declares the
/// collection it judges, and the engine uses this table to find the resources and the API
/// operations whose failure makes the check UNKNOWN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectionInfo {
    /// `service.collection`, the JSON path below the snapshot root.
    pub name: &'static str,
    /// The IAM service prefix used in `collection_errors`.
    pub service: &'static str,
    /// Operations whose failure for the whole collection (no resource) makes it unknown; a
    /// failure naming a resource (a listing per parent: the listeners of one load balancer)
    /// makes the part under that parent unknown.
    pub list_operations: &'static [&'static str],
    /// Operations made per resource; a failure naming a resource makes only that resource
    /// unknown (and, when the collector left it out, its absence too).
    pub detail_operations: &'static [&'static str],
    /// AWS CloudFormation's type of its resources (`AWS::S3::Bucket`, OCSF `resources[].type`);
    /// `None` when CloudFormation has none (OCSF then names the collection).
    pub cloudformation_type: Option<&'static str>,
    /// Security Hub's ASFF type of its resources (`AwsS3Bucket`, `Resources[].Type`), `Other`
    /// when ASFF has none.
    pub asff_type: &'static str,
    /// The Terraform (AWS provider) resource types that manage its resources (`aws_lb` and its
    /// alias `aws_alb`); empty when Terraform manages none, and then no resource of it is
    /// "unmanaged" (`--expected-from`).
    pub terraform_types: &'static [&'static str],
    /// Terraform types that configure one of its resources (`aws_s3_bucket_versioning`) and
    /// are folded into it.
    pub terraform_parts: &'static [&'static str],
    /// How `diff` tells a resource of one snapshot from another and compares them.
    pub diff_key: DiffKey,
}

/// How `diff` keys the resources of a collection (declared per collection in the registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKey {
    /// By ARN (unique within the collection, stable across scans); a resource whose ARN is in
    /// both snapshots is compared attribute by attribute, tags included.
    Arn,
}

impl DiffKey {
    /// The key of one resource.
    pub fn of(self, meta: &ResourceMeta) -> &str {
        match self {
            DiffKey::Arn => &meta.arn,
        }
    }
}

/// Every collection of the snapshot: each service declares its own (see [`crate::aws`]).
pub use crate::aws::COLLECTIONS;

/// Looks up a collection by its `service.collection` name.
pub fn collection_info(name: &str) -> Option<&'static CollectionInfo> {
    COLLECTIONS.iter().find(|c| c.name == name)
}

/// AWS CloudFormation's type name for a collection's resources (`AWS::S3::Bucket`, OCSF's
/// `resources[].type`); the collection's own name when CloudFormation has none.
pub fn cloudformation_type(collection: &str) -> String {
    collection_info(collection).and_then(|c| c.cloudformation_type).unwrap_or(collection).to_owned()
}

/// Security Hub's ASFF type name for a collection's resources (`AwsS3Bucket`), `Other` when
/// ASFF has none.
pub fn asff_type(collection: &str) -> &'static str {
    collection_info(collection).map_or("Other", |c| c.asff_type)
}

impl Snapshot {
    /// Every resource of every collection as `(collection name, meta)`, in snapshot order.
    pub fn resource_metas(&self) -> Vec<(&'static str, &ResourceMeta)> {
        let mut out: Vec<(&'static str, &ResourceMeta)> = Vec::new();
        self.service_metas(&mut out);
        out
    }

    /// Sorts every collection by ARN and the errors, so that equal inventories serialise
    /// to equal bytes whatever order the API returned them in.
    pub fn sort(&mut self) {
        self.sort_services();
        self.regions.sort();
        self.regions.dedup();
        self.collection_errors.sort();
        self.collection_errors.dedup();
    }
}

/// Why a snapshot file could not be read: every problem found (`S...` codes), with its position.
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::diag::render("the snapshot", problems))]
pub struct SnapshotError {
    pub problems: Vec<Problem>,
}

impl SnapshotError {
    /// One problem about the whole file.
    pub fn in_file(code: Code, file: &str, message: impl Into<String>) -> SnapshotError {
        SnapshotError { problems: vec![Problem::in_file(code, file, message)] }
    }
}

/// How [`Snapshot::from_json`] names the document it was given.
pub const UNNAMED_SNAPSHOT: &str = "<snapshot>";

impl Snapshot {
    /// [`Snapshot::from_json_named`] for text that has no file name.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        Self::from_json_named(text, UNNAMED_SNAPSHOT)
    }

    /// Parses a snapshot document; `file` names it in every problem. The schema version is
    /// checked before the shape, so that a snapshot from another version gets a message about
    /// the version, not about a field. `collected_at` must be an RFC 3339 timestamp: reports
    /// are stamped with it and waiver expiry is judged against it. A UTF-8 byte order mark is
    /// accepted.
    pub fn from_json_named(text: &str, file: &str) -> Result<Snapshot, SnapshotError> {
        /// The members checked before the whole document, as raw text (for their position).
        #[derive(Deserialize)]
        struct Header<'a> {
            #[serde(borrow)]
            schema_version: Option<&'a RawValue>,
            #[serde(borrow)]
            collected_at: Option<&'a RawValue>,
        }
        let text = crate::diag::strip_bom(text);
        let fail = |problems: Vec<Problem>| SnapshotError { problems };
        let from_serde = |e: serde_json::Error| {
            let message = json_message(&e);
            if e.is_data() {
                Problem::new(
                    Code::SnapshotShape,
                    file,
                    e.line(),
                    e.column(),
                    format!("not a flowforge-audit snapshot: {message}"),
                )
            } else {
                Problem::new(Code::SnapshotJson, file, e.line(), e.column(), format!("not valid JSON: {message}"))
            }
        };
        let at = |code: Code, raw: &RawValue, message: String| match crate::diag::offset_in(text, raw.get()) {
            Some(offset) => Problem::at_offset(code, file, text, offset, message),
            None => Problem::in_file(code, file, message),
        };
        let header: Header = serde_json::from_str(text).map_err(|e| {
            if e.is_data() && !text.trim_start().starts_with('{') {
                fail(vec![Problem::in_file(
                    Code::SnapshotShape,
                    file,
                    "not a flowforge-audit snapshot: the document must be a JSON object",
                )])
            } else {
                fail(vec![from_serde(e)])
            }
        })?;
        let Some(version) = header.schema_version else {
            return Err(SnapshotError::in_file(
                Code::SnapshotShape,
                file,
                "not a flowforge-audit snapshot: missing schema_version",
            ));
        };
        match serde_json::from_str::<serde_json::Value>(version.get()).ok().as_ref().map(|v| (v.as_u64(), v)) {
            Some((Some(n), _)) if n == u64::from(SNAPSHOT_SCHEMA_VERSION) => {}
            Some((Some(n), _)) => {
                return Err(fail(vec![at(
                    Code::SnapshotVersion,
                    version,
                    format!("unsupported snapshot schema_version {n} (this build reads version {SNAPSHOT_SCHEMA_VERSION}); re-collect it with a matching flowforge-audit"),
                )]))
            }
            _ => {
                return Err(fail(vec![at(
                    Code::SnapshotShape,
                    version,
                    format!("not a flowforge-audit snapshot: schema_version must be a number, found {}", version.get()),
                )]))
            }
        }
        let mut problems = Vec::new();
        // Judged on its own, so that a shape error elsewhere does not hide it.
        if let Some(raw) = header.collected_at {
            if let Ok(stamp) = serde_json::from_str::<String>(raw.get()) {
                if let Err(e) = chrono::DateTime::parse_from_rfc3339(&stamp) {
                    problems.push(at(
                        Code::SnapshotCollectedAt,
                        raw,
                        format!("collected_at {stamp:?} is not an RFC 3339 timestamp ({e}); expected e.g. 2026-01-31T09:30:00Z"),
                    ));
                }
            }
        }
        match serde_json::from_str::<Snapshot>(text) {
            Ok(snapshot) if problems.is_empty() => Ok(snapshot),
            Ok(_) => Err(fail(problems)),
            Err(e) => {
                problems.push(from_serde(e));
                crate::diag::sort(&mut problems);
                Err(fail(problems))
            }
        }
    }
}

/// serde_json's message without its " at line L column C" tail (the problem carries those).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Where the snapshot's JSON Schema is committed (generated from these types).
pub const SNAPSHOT_SCHEMA_PATH: &str = "schemas/snapshot.schema.json";

/// The JSON Schema of the snapshot document, generated from the model types.
pub fn snapshot_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Snapshot);
    schema.insert(
        "description".to_owned(),
        "A flowforge-audit inventory snapshot: one AWS account, normalised. See docs/snapshot.md.".into(),
    );
    schema.to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A snapshot from a future version is refused with a version message, not a field error.
    #[test]
    fn future_schema_version_is_refused_first() {
        let err = Snapshot::from_json(r#"{"schema_version": 99, "ec2": 5}"#).unwrap_err();
        let codes: Vec<Code> = err.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, vec![Code::SnapshotVersion], "{err}");
        assert!(err.to_string().contains("<snapshot>:1:20: error[S002]"), "{err}");
    }

    /// Malformed JSON names the file, line and column.
    #[test]
    fn malformed_json_names_position() {
        let err = Snapshot::from_json_named("{\n  \"schema_version\": 1,\n  oops\n}", "s.json").unwrap_err();
        assert!(err.to_string().contains("s.json:3:3: error[S001]"), "{err}");
    }

    fn header(collected_at: &str) -> String {
        format!(
            "{{\"schema_version\": 1, \"tool_version\": \"\", \"account_id\": \"123456789012\", \"partition\": \"aws\",\n \"regions\": [], \"collected_at\": {collected_at}}}"
        )
    }

    /// Issue 10: "yesterday", an impossible date and "" stamped the reports and judged waiver
    /// expiry. Each is refused at the value's position in the named file.
    #[test]
    fn invalid_collected_at_is_refused() {
        for bad in ["\"yesterday\"", "\"2026-13-45T99:00:00Z\"", "\"\"", "\"2026-01-01\""] {
            let err = Snapshot::from_json_named(&header(bad), "s.json").unwrap_err();
            let got: Vec<(Code, usize, usize)> = err.problems.iter().map(|p| (p.code, p.line, p.col)).collect();
            assert_eq!(got, vec![(Code::SnapshotCollectedAt, 2, 33)], "{bad}: {err}");
        }
        assert!(Snapshot::from_json(&header("\"2026-01-01T00:00:00Z\"")).is_ok());
        assert!(Snapshot::from_json(&header("\"2026-01-01T00:00:00.5+02:00\"")).is_ok());
    }

    /// A bad timestamp and a shape error elsewhere are both reported in one pass.
    #[test]
    fn collected_at_and_shape_errors_come_together() {
        let text = header("\"yesterday\"").replace("\"regions\": []", "\"regions\": 5");
        let err = Snapshot::from_json_named(&text, "s.json").unwrap_err();
        let codes: Vec<Code> = err.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, vec![Code::SnapshotShape, Code::SnapshotCollectedAt], "{err}");
    }

    /// A UTF-8 byte order mark (as Windows editors write) was refused as invalid JSON.
    #[test]
    fn snapshot_with_byte_order_mark_is_accepted() {
        let text = header("\"2026-01-01T00:00:00Z\"");
        assert_eq!(Snapshot::from_json(&format!("\u{feff}{text}")).unwrap(), Snapshot::from_json(&text).unwrap());
    }
}
