//! The snapshot document: header, the per-service collections and the collection errors.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::meta::ResourceMeta;
use super::resources::*;

/// The snapshot schema version this build reads and writes.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

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
    #[serde(default)]
    pub ec2: Ec2,
    #[serde(default)]
    pub s3: S3,
    #[serde(default)]
    pub rds: Rds,
    #[serde(default)]
    pub iam: Iam,
    #[serde(default)]
    pub secretsmanager: SecretsManager,
    #[serde(default)]
    pub config: ConfigService,
    #[serde(default)]
    pub elbv2: Elbv2,
    #[serde(default)]
    pub eks: Eks,
    /// Every call that failed during collection. A check that depends on a failed call is
    /// UNKNOWN, never PASS.
    #[serde(default)]
    pub collection_errors: Vec<CollectionError>,
}

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

/// Every collection of the snapshot model.
pub const COLLECTIONS: &[CollectionInfo] = &[
    CollectionInfo { name: "ec2.vpcs", service: "ec2", list_operations: &["DescribeVpcs"], detail_operations: &[] },
    CollectionInfo {
        name: "ec2.subnets",
        service: "ec2",
        list_operations: &["DescribeSubnets"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.route_tables",
        service: "ec2",
        list_operations: &["DescribeRouteTables"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.internet_gateways",
        service: "ec2",
        list_operations: &["DescribeInternetGateways"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.nat_gateways",
        service: "ec2",
        list_operations: &["DescribeNatGateways"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.security_groups",
        service: "ec2",
        list_operations: &["DescribeSecurityGroups"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.vpc_endpoints",
        service: "ec2",
        list_operations: &["DescribeVpcEndpoints"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.flow_logs",
        service: "ec2",
        list_operations: &["DescribeFlowLogs"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.instances",
        service: "ec2",
        list_operations: &["DescribeInstances"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "ec2.ebs_encryption_by_default",
        service: "ec2",
        list_operations: &["GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "s3.buckets",
        service: "s3",
        list_operations: &["ListBuckets"],
        detail_operations: &[
            "GetBucketEncryption",
            "GetBucketPolicy",
            "GetBucketVersioning",
            "GetBucketPublicAccessBlock",
            "GetBucketLogging",
            "GetBucketTagging",
            "GetBucketLocation",
        ],
    },
    CollectionInfo {
        name: "s3.account_public_access_block",
        service: "s3",
        list_operations: &["GetAccountPublicAccessBlock"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "rds.db_instances",
        service: "rds",
        list_operations: &["DescribeDBInstances"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "rds.db_clusters",
        service: "rds",
        list_operations: &["DescribeDBClusters"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "rds.parameter_groups",
        service: "rds",
        list_operations: &["DescribeDBParameterGroups", "DescribeDBClusterParameterGroups"],
        detail_operations: &["DescribeDBParameters", "DescribeDBClusterParameters"],
    },
    CollectionInfo {
        name: "iam.roles",
        service: "iam",
        list_operations: &["GetAccountAuthorizationDetails"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "iam.policies",
        service: "iam",
        list_operations: &["GetAccountAuthorizationDetails"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "iam.users",
        service: "iam",
        list_operations: &["GetAccountAuthorizationDetails"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "iam.groups",
        service: "iam",
        list_operations: &["GetAccountAuthorizationDetails"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "iam.password_policy",
        service: "iam",
        list_operations: &["GetAccountPasswordPolicy"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "secretsmanager.secrets",
        service: "secretsmanager",
        list_operations: &["ListSecrets"],
        detail_operations: &["DescribeSecret", "GetResourcePolicy"],
    },
    CollectionInfo {
        name: "config.recorders",
        service: "config",
        list_operations: &["DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "config.delivery_channels",
        service: "config",
        list_operations: &["DescribeDeliveryChannels"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "elbv2.load_balancers",
        service: "elasticloadbalancing",
        list_operations: &["DescribeLoadBalancers"],
        detail_operations: &["DescribeLoadBalancerAttributes", "DescribeTags"],
    },
    CollectionInfo {
        name: "elbv2.listeners",
        service: "elasticloadbalancing",
        list_operations: &["DescribeLoadBalancers", "DescribeListeners"],
        detail_operations: &[],
    },
    CollectionInfo {
        name: "eks.clusters",
        service: "eks",
        list_operations: &["ListClusters"],
        detail_operations: &["DescribeCluster"],
    },
];

/// Looks up a collection by its `service.collection` name.
pub fn collection_info(name: &str) -> Option<&'static CollectionInfo> {
    COLLECTIONS.iter().find(|c| c.name == name)
}

impl Snapshot {
    /// Every resource of every collection as `(collection name, meta)`, in snapshot order.
    pub fn resource_metas(&self) -> Vec<(&'static str, &ResourceMeta)> {
        let mut out: Vec<(&'static str, &ResourceMeta)> = Vec::new();
        macro_rules! push {
            ($name:literal, $coll:expr) => {
                out.extend($coll.iter().map(|r| ($name, &r.meta)))
            };
        }
        push!("ec2.vpcs", self.ec2.vpcs);
        push!("ec2.subnets", self.ec2.subnets);
        push!("ec2.route_tables", self.ec2.route_tables);
        push!("ec2.internet_gateways", self.ec2.internet_gateways);
        push!("ec2.nat_gateways", self.ec2.nat_gateways);
        push!("ec2.security_groups", self.ec2.security_groups);
        push!("ec2.vpc_endpoints", self.ec2.vpc_endpoints);
        push!("ec2.flow_logs", self.ec2.flow_logs);
        push!("ec2.instances", self.ec2.instances);
        push!("ec2.ebs_encryption_by_default", self.ec2.ebs_encryption_by_default);
        push!("s3.buckets", self.s3.buckets);
        push!("s3.account_public_access_block", self.s3.account_public_access_block);
        push!("rds.db_instances", self.rds.db_instances);
        push!("rds.db_clusters", self.rds.db_clusters);
        push!("rds.parameter_groups", self.rds.parameter_groups);
        push!("iam.roles", self.iam.roles);
        push!("iam.policies", self.iam.policies);
        push!("iam.users", self.iam.users);
        push!("iam.groups", self.iam.groups);
        push!("iam.password_policy", self.iam.password_policy);
        push!("secretsmanager.secrets", self.secretsmanager.secrets);
        push!("config.recorders", self.config.recorders);
        push!("config.delivery_channels", self.config.delivery_channels);
        push!("elbv2.load_balancers", self.elbv2.load_balancers);
        push!("elbv2.listeners", self.elbv2.listeners);
        push!("eks.clusters", self.eks.clusters);
        out
    }

    /// Sorts every collection by ARN and the errors, so that equal inventories serialise
    /// to equal bytes whatever order the API returned them in.
    pub fn sort(&mut self) {
        macro_rules! s {
            ($($coll:expr),*) => { $( $coll.sort_by(|a, b| a.meta.arn.cmp(&b.meta.arn)); )* };
        }
        s!(
            self.ec2.vpcs,
            self.ec2.subnets,
            self.ec2.route_tables,
            self.ec2.internet_gateways,
            self.ec2.nat_gateways,
            self.ec2.security_groups,
            self.ec2.vpc_endpoints,
            self.ec2.flow_logs,
            self.ec2.instances,
            self.ec2.ebs_encryption_by_default,
            self.s3.buckets,
            self.s3.account_public_access_block,
            self.rds.db_instances,
            self.rds.db_clusters,
            self.rds.parameter_groups,
            self.iam.roles,
            self.iam.policies,
            self.iam.users,
            self.iam.groups,
            self.iam.password_policy,
            self.secretsmanager.secrets,
            self.config.recorders,
            self.config.delivery_channels,
            self.elbv2.load_balancers,
            self.elbv2.listeners,
            self.eks.clusters
        );
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
