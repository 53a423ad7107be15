//! The snapshot document: header, the per-service collections and the collection errors.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::resources::*;

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

/// EC2 and VPC collections.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Ec2 {
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    #[serde(default)]
    pub route_tables: Vec<RouteTable>,
    #[serde(default)]
    pub internet_gateways: Vec<InternetGateway>,
    #[serde(default)]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default)]
    pub vpc_endpoints: Vec<VpcEndpoint>,
    #[serde(default)]
    pub flow_logs: Vec<FlowLog>,
    #[serde(default)]
    pub instances: Vec<Instance>,
    /// One entry per region: the account's EBS encryption-by-default setting.
    #[serde(default)]
    pub ebs_encryption_by_default: Vec<EbsDefaultEncryption>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct S3 {
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    /// The account-level public access block (s3control); one entry, absent when not
    /// collected. `public_access_block: null` inside means "not configured".
    #[serde(default)]
    pub account_public_access_block: Vec<AccountPublicAccessBlock>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Rds {
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    #[serde(default)]
    pub db_clusters: Vec<DbCluster>,
    #[serde(default)]
    pub parameter_groups: Vec<DbParameterGroup>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Iam {
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub policies: Vec<ManagedPolicy>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub groups: Vec<Group>,
    /// One entry (the account's password policy resource); `policy: null` inside means no
    /// password policy is set.
    #[serde(default)]
    pub password_policy: Vec<AccountPasswordPolicy>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct SecretsManager {
    #[serde(default)]
    pub secrets: Vec<Secret>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ConfigService {
    #[serde(default)]
    pub recorders: Vec<ConfigRecorder>,
    #[serde(default)]
    pub delivery_channels: Vec<DeliveryChannel>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Elbv2 {
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default)]
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Eks {
    #[serde(default)]
    pub clusters: Vec<EksCluster>,
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
    /// Operations whose failure for the whole collection (no resource) makes it unknown.
    pub list_operations: &'static [&'static str],
    /// Operations made per resource; a failure naming a resource makes only that resource
    /// unknown.
    pub detail_operations: &'static [&'static str],
}

/// Every collection of the snapshot: each service declares its own (see [`crate::aws`]).
pub use crate::aws::COLLECTIONS;

/// Looks up a collection by its `service.collection` name.
pub fn collection_info(name: &str) -> Option<&'static CollectionInfo> {
    COLLECTIONS.iter().find(|c| c.name == name)
}

/// The shared identity of every resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct ResourceMeta {
    /// The resource ARN (for account settings without an ARN of their own, a documented
    /// synthetic ARN, see `docs/snapshot.md`).
    pub arn: String,
    /// The service's own identifier (`vpc-0abc`, bucket name, role name, ...).
    pub id: String,
    /// The human name: the `Name` tag for EC2 resources, else the service's name.
    pub name: String,
    /// Region of the resource; `global` for IAM.
    pub region: String,
    pub account_id: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
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

/// Why a snapshot file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("unsupported snapshot schema_version {found} (this build reads version {SNAPSHOT_SCHEMA_VERSION}); re-collect it with a matching flowforge-audit")]
    Version { found: u64 },
    #[error("not a flowforge-audit snapshot: {0}")]
    Shape(String),
}

impl Snapshot {
    /// Parses a snapshot document, checking its schema version before its shape so that a
    /// snapshot from another version gets a message about the version, not about a field.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        #[derive(Deserialize)]
        struct Header {
            schema_version: Option<serde_json::Value>,
        }
        let json_err =
            |e: serde_json::Error| SnapshotError::Json { line: e.line(), column: e.column(), message: e.to_string() };
        let header: Header = serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                SnapshotError::Shape("the document must be a JSON object".into())
            } else {
                json_err(e)
            }
        })?;
        match header.schema_version {
            None => return Err(SnapshotError::Shape("missing schema_version".into())),
            Some(v) => match v.as_u64() {
                Some(n) if n == u64::from(SNAPSHOT_SCHEMA_VERSION) => {}
                Some(n) => return Err(SnapshotError::Version { found: n }),
                None => return Err(SnapshotError::Shape(format!("schema_version must be a number, found {v}"))),
            },
        }
        serde_json::from_str(text).map_err(
            |e| {
                if e.is_data() {
                    SnapshotError::Shape(format!("{e}"))
                } else {
                    json_err(e)
                }
            },
        )
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
        assert!(matches!(err, SnapshotError::Version { found: 99 }), "{err}");
    }

    /// Malformed JSON names the line and column.
    #[test]
    fn malformed_json_names_position() {
        let err = Snapshot::from_json("{\n  \"schema_version\": 1,\n  oops\n}").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }
}
