//! One struct per resource type. Field names are snake_case; values keep AWS spelling
//! (`Enabled`, `aws:kms`, `HTTPS`). Every struct flattens [`ResourceMeta`] first.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::meta::ResourceMeta;
use super::policy_doc::PolicyDocument;

macro_rules! resource {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
        pub struct $name {
            #[serde(flatten)]
            pub meta: ResourceMeta,
            $($body)*
        }
    };
}

/// A sub-record (no identity of its own).
macro_rules! record {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
        pub struct $name { $($body)* }
    };
}

// ---------------------------------------------------------------- EC2 / VPC

resource!(
    pub struct Vpc {
        pub cidr_block: String,
        #[serde(default)]
        pub ipv6_cidr_blocks: Vec<String>,
        #[serde(default)]
        pub is_default: bool,
        #[serde(default)]
        pub state: String,
    }
);

resource!(
    pub struct Subnet {
        pub vpc_id: String,
        pub availability_zone: String,
        pub cidr_block: String,
        #[serde(default)]
        pub map_public_ip_on_launch: bool,
    }
);

resource!(
    pub struct RouteTable {
        pub vpc_id: String,
        /// True for the VPC's main route table (used by subnets without an explicit association).
        #[serde(default)]
        pub main: bool,
        /// Subnets explicitly associated with this table.
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub routes: Vec<Route>,
    }
);

record!(
    pub struct Route {
        #[serde(default)]
        pub destination_cidr_block: Option<String>,
        #[serde(default)]
        pub destination_ipv6_cidr_block: Option<String>,
        #[serde(default)]
        pub destination_prefix_list_id: Option<String>,
        /// `igw-...`, `local`, `vpce-...` (gateway endpoints) or null.
        #[serde(default)]
        pub gateway_id: Option<String>,
        #[serde(default)]
        pub nat_gateway_id: Option<String>,
        #[serde(default)]
        pub transit_gateway_id: Option<String>,
        #[serde(default)]
        pub vpc_peering_connection_id: Option<String>,
        #[serde(default)]
        pub state: Option<String>,
    }
);

resource!(
    pub struct InternetGateway {
        #[serde(default)]
        pub attached_vpc_ids: Vec<String>,
    }
);

resource!(
    pub struct NatGateway {
        pub vpc_id: String,
        pub subnet_id: String,
        /// AZ of the NAT gateway's subnet (resolved by the collector).
        #[serde(default)]
        pub availability_zone: Option<String>,
        pub state: String,
        /// `public` or `private`.
        #[serde(default)]
        pub connectivity_type: String,
    }
);

resource!(
    pub struct SecurityGroup {
        pub group_name: String,
        pub vpc_id: String,
        #[serde(default)]
        pub description: String,
        #[serde(default)]
        pub ingress: Vec<SgRule>,
        #[serde(default)]
        pub egress: Vec<SgRule>,
    }
);

record!(
    /// One IpPermission: a protocol and port range and every source it admits.
    pub struct SgRule {
        /// `tcp`, `udp`, `icmp`, `icmpv6` or `-1` (all).
        pub protocol: String,
        /// Null when the protocol is `-1` (all ports).
        #[serde(default)]
        pub from_port: Option<i32>,
        #[serde(default)]
        pub to_port: Option<i32>,
        #[serde(default)]
        pub ipv4_ranges: Vec<String>,
        #[serde(default)]
        pub ipv6_ranges: Vec<String>,
        /// Security groups referenced as source (ingress) or destination (egress).
        #[serde(default)]
        pub referenced_group_ids: Vec<String>,
        #[serde(default)]
        pub prefix_list_ids: Vec<String>,
        #[serde(default)]
        pub description: Option<String>,
    }
);

resource!(
    /// A network ACL: stateless subnet-level filtering, evaluated by rule number (lowest
    /// first); the first rule that matches a packet decides, and the final `*` rule (rule number
    /// 32767 in DescribeNetworkAcls) denies what no rule matched.
    pub struct NetworkAcl {
        pub vpc_id: String,
        /// The VPC's default ACL (used by subnets without an explicit association).
        #[serde(default)]
        pub is_default: bool,
        /// Subnets associated with this ACL.
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub entries: Vec<NaclEntry>,
    }
);

record!(
    /// One NACL rule.
    pub struct NaclEntry {
        pub rule_number: i32,
        /// True for an outbound rule.
        #[serde(default)]
        pub egress: bool,
        /// IANA protocol number as a string (`6` TCP, `17` UDP, `1` ICMP, `58` ICMPv6) or `-1` (all).
        pub protocol: String,
        /// `allow` or `deny`.
        pub rule_action: String,
        #[serde(default)]
        pub cidr_block: Option<String>,
        #[serde(default)]
        pub ipv6_cidr_block: Option<String>,
        /// Null for protocols without ports (and `-1`: every port).
        #[serde(default)]
        pub from_port: Option<i32>,
        #[serde(default)]
        pub to_port: Option<i32>,
    }
);

resource!(
    pub struct VpcEndpoint {
        pub vpc_id: String,
        /// e.g. `com.amazonaws.us-east-1.s3`.
        pub service_name: String,
        /// `Gateway`, `Interface` or `GatewayLoadBalancer`.
        pub endpoint_type: String,
        #[serde(default)]
        pub private_dns_enabled: bool,
        #[serde(default)]
        pub state: String,
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub route_table_ids: Vec<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default)]
        pub policy: Option<PolicyDocument>,
    }
);

resource!(
    pub struct FlowLog {
        /// The VPC, subnet or ENI the flow log watches.
        pub resource_id: String,
        /// `ACCEPT`, `REJECT` or `ALL`.
        pub traffic_type: String,
        #[serde(default)]
        pub log_destination_type: String,
        #[serde(default)]
        pub log_destination: Option<String>,
        /// `ACTIVE` when delivering.
        #[serde(default)]
        pub status: String,
    }
);

resource!(
    pub struct Instance {
        #[serde(default)]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub subnet_id: Option<String>,
        #[serde(default)]
        pub state: String,
        #[serde(default)]
        pub instance_type: String,
        #[serde(default)]
        pub iam_instance_profile_arn: Option<String>,
        #[serde(default)]
        pub public_ip_address: Option<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default)]
        pub metadata_options: InstanceMetadataOptions,
    }
);

record!(
    pub struct InstanceMetadataOptions {
        /// `required` (IMDSv2 only) or `optional`.
        #[serde(default)]
        pub http_tokens: String,
        /// `enabled` or `disabled`.
        #[serde(default)]
        pub http_endpoint: String,
        #[serde(default)]
        pub http_put_response_hop_limit: Option<i32>,
    }
);

resource!(
    /// The per-region EBS encryption-by-default setting
    /// (synthetic ARN `arn:<partition>:ec2:<region>:<account>:ebs-encryption-by-default`).
    pub struct EbsDefaultEncryption {
        pub enabled: bool,
        #[serde(default)]
        pub kms_key_id: Option<String>,
    }
);

// ---------------------------------------------------------------- S3

resource!(
    pub struct Bucket {
        #[serde(default)]
        pub creation_date: Option<String>,
        /// Default encryption; null when the bucket has no rule.
        #[serde(default)]
        pub encryption: Option<BucketEncryption>,
        /// The bucket policy, parsed; null when the bucket has none.
        #[serde(default)]
        pub policy: Option<PolicyDocument>,
        #[serde(default)]
        pub versioning: BucketVersioning,
        /// Bucket-level public access block; null when not configured.
        #[serde(default)]
        pub public_access_block: Option<PublicAccessBlock>,
        /// Server access logging; null when disabled.
        #[serde(default)]
        pub logging: Option<BucketLogging>,
        /// Lifecycle rules; null when the bucket has no lifecycle configuration.
        #[serde(default)]
        pub lifecycle_rules: Option<Vec<LifecycleRule>>,
    }
);

record!(
    /// One lifecycle rule, reduced to what the backup checks read.
    pub struct LifecycleRule {
        #[serde(default)]
        pub id: Option<String>,
        /// `Enabled` or `Disabled`.
        pub status: String,
        /// The rule's prefix filter (`""`: the whole bucket); null when it filters on
        /// something else (tags, sizes).
        #[serde(default)]
        pub prefix: Option<String>,
        /// Days after which noncurrent versions expire.
        #[serde(default)]
        pub noncurrent_version_expiration_days: Option<i32>,
        /// The shortest noncurrent-version transition, in days.
        #[serde(default)]
        pub noncurrent_version_transition_days: Option<i32>,
    }
);

record!(
    pub struct BucketEncryption {
        #[serde(default)]
        pub rules: Vec<BucketEncryptionRule>,
    }
);

record!(
    pub struct BucketEncryptionRule {
        /// `AES256`, `aws:kms` or `aws:kms:dsse`.
        pub sse_algorithm: String,
        #[serde(default)]
        pub kms_master_key_id: Option<String>,
        #[serde(default)]
        pub bucket_key_enabled: bool,
    }
);

record!(
    pub struct BucketVersioning {
        /// `Enabled`, `Suspended` or null (never enabled).
        #[serde(default)]
        pub status: Option<String>,
        #[serde(default)]
        pub mfa_delete: Option<String>,
    }
);

record!(
    pub struct PublicAccessBlock {
        pub block_public_acls: bool,
        pub ignore_public_acls: bool,
        pub block_public_policy: bool,
        pub restrict_public_buckets: bool,
    }
);

record!(
    pub struct BucketLogging {
        pub target_bucket: String,
        #[serde(default)]
        pub target_prefix: String,
    }
);

resource!(
    /// The account-level S3 public access block
    /// (synthetic ARN `arn:<partition>:s3:::account/<account>/public-access-block`).
    pub struct AccountPublicAccessBlock {
        /// Null when the account has no account-level block configured.
        #[serde(default)]
        pub public_access_block: Option<PublicAccessBlock>,
    }
);

// ---------------------------------------------------------------- RDS

resource!(
    pub struct DbInstance {
        pub engine: String,
        #[serde(default)]
        pub engine_version: String,
        #[serde(default)]
        pub instance_class: String,
        /// Multi-AZ deployment; null when DescribeDBInstances did not report it.
        #[serde(default)]
        pub multi_az: Option<bool>,
        /// null when not reported (unknown, never read as `false`).
        #[serde(default)]
        pub storage_encrypted: Option<bool>,
        #[serde(default)]
        pub kms_key_id: Option<String>,
        /// null when not reported: the checks say UNKNOWN, not PASS.
        #[serde(default)]
        pub publicly_accessible: Option<bool>,
        #[serde(default)]
        pub availability_zone: Option<String>,
        #[serde(default)]
        pub secondary_availability_zone: Option<String>,
        #[serde(default)]
        pub db_subnet_group: Option<DbSubnetGroup>,
        #[serde(default)]
        pub vpc_security_group_ids: Vec<String>,
        /// Names of the DB parameter groups applied.
        #[serde(default)]
        pub parameter_groups: Vec<String>,
        #[serde(default)]
        pub db_cluster_identifier: Option<String>,
        #[serde(default)]
        pub port: Option<i32>,
        /// Days automated backups are kept (0: disabled); null when DescribeDBInstances did
        /// not report it (UNKNOWN, never read as 0 or as compliant).
        #[serde(default)]
        pub backup_retention_period: Option<i32>,
        /// null when not reported.
        #[serde(default)]
        pub deletion_protection: Option<bool>,
        #[serde(default)]
        pub iam_database_authentication_enabled: bool,
        #[serde(default)]
        pub status: String,
        /// Tags are copied to the instance's snapshots; null when not reported.
        #[serde(default)]
        pub copy_tags_to_snapshot: Option<bool>,
    }
);

resource!(
    /// A DB snapshot (automated or manual) of an instance (`id` and `name` are the snapshot
    /// identifier).
    pub struct DbSnapshot {
        /// The instance the snapshot was taken of.
        #[serde(default)]
        pub db_instance_identifier: String,
        /// `automated`, `manual`, `shared`, `public` or `awsbackup`.
        #[serde(default)]
        pub snapshot_type: String,
        #[serde(default)]
        pub status: String,
        /// null when DescribeDBSnapshots did not report it.
        #[serde(default)]
        pub encrypted: Option<bool>,
        #[serde(default)]
        pub kms_key_id: Option<String>,
        #[serde(default)]
        pub snapshot_create_time: Option<String>,
        /// The accounts that may restore a manual snapshot (the `restore` attribute of
        /// DescribeDBSnapshotAttributes; `all` means public). null for automated snapshots
        /// (they cannot be shared) and when the attribute was not read.
        #[serde(default)]
        pub restore_accounts: Option<Vec<String>>,
    }
);

record!(
    pub struct DbSubnetGroup {
        pub name: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub subnet_ids: Vec<String>,
    }
);

resource!(
    pub struct DbCluster {
        pub engine: String,
        #[serde(default)]
        pub engine_version: String,
        /// null when DescribeDBClusters did not report it.
        #[serde(default)]
        pub multi_az: Option<bool>,
        /// null when not reported.
        #[serde(default)]
        pub storage_encrypted: Option<bool>,
        #[serde(default)]
        pub kms_key_id: Option<String>,
        #[serde(default)]
        pub availability_zones: Vec<String>,
        #[serde(default)]
        pub parameter_group: Option<String>,
        #[serde(default)]
        pub members: Vec<String>,
        #[serde(default)]
        pub vpc_security_group_ids: Vec<String>,
        #[serde(default)]
        pub port: Option<i32>,
        #[serde(default)]
        pub deletion_protection: bool,
    }
);

resource!(
    pub struct DbParameterGroup {
        /// `instance` (DB parameter group) or `cluster` (DB cluster parameter group).
        pub kind: String,
        #[serde(default)]
        pub family: String,
        /// The parameters that matter to the audit (`rds.force_ssl`, `ssl_min_protocol_version`,
        /// `log_connections`, ...), name to value, as DescribeDBParameters reports them.
        #[serde(default)]
        pub parameters: BTreeMap<String, String>,
    }
);

// ---------------------------------------------------------------- IAM

record!(
    pub struct InlinePolicy {
        pub name: String,
        pub document: PolicyDocument,
    }
);

record!(
    pub struct AttachedPolicy {
        pub policy_name: String,
        pub policy_arn: String,
    }
);

resource!(
    pub struct Role {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub create_date: Option<String>,
        /// The trust policy (URL-decoded and parsed).
        pub assume_role_policy: PolicyDocument,
        #[serde(default)]
        pub inline_policies: Vec<InlinePolicy>,
        #[serde(default)]
        pub attached_policies: Vec<AttachedPolicy>,
        #[serde(default)]
        pub permissions_boundary_arn: Option<String>,
        /// The ARNs of the instance profiles holding the role (GetAccountAuthorizationDetails'
        /// `InstanceProfileList`): which EC2 instances run as the role. Null when not collected
        /// (snapshots written before it was): the privilege-escalation graph then cannot tell
        /// which role an instance runs as and says so (UNKNOWN), never guesses.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_profiles: Option<Vec<String>>,
    }
);

resource!(
    pub struct ManagedPolicy {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub default_version_id: String,
        #[serde(default)]
        pub attachment_count: i32,
        /// True for AWS managed policies (`arn:aws:iam::aws:policy/...`).
        #[serde(default)]
        pub aws_managed: bool,
        /// The default version's document.
        #[serde(default)]
        pub document: Option<PolicyDocument>,
    }
);

resource!(
    pub struct User {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub inline_policies: Vec<InlinePolicy>,
        #[serde(default)]
        pub attached_policies: Vec<AttachedPolicy>,
        #[serde(default)]
        pub groups: Vec<String>,
        /// The user's permissions boundary (a managed policy ARN), when one is set.
        #[serde(default)]
        pub permissions_boundary_arn: Option<String>,
    }
);

resource!(
    pub struct Group {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub inline_policies: Vec<InlinePolicy>,
        #[serde(default)]
        pub attached_policies: Vec<AttachedPolicy>,
    }
);

resource!(
    /// The account password policy (synthetic ARN `arn:<partition>:iam::<account>:account-password-policy`).
    pub struct AccountPasswordPolicy {
        /// Null when the account has no password policy.
        #[serde(default)]
        pub policy: Option<PasswordPolicy>,
    }
);

record!(
    pub struct PasswordPolicy {
        #[serde(default)]
        pub minimum_password_length: Option<i32>,
        #[serde(default)]
        pub require_symbols: bool,
        #[serde(default)]
        pub require_numbers: bool,
        #[serde(default)]
        pub require_uppercase_characters: bool,
        #[serde(default)]
        pub require_lowercase_characters: bool,
        #[serde(default)]
        pub max_password_age: Option<i32>,
        #[serde(default)]
        pub password_reuse_prevention: Option<i32>,
    }
);

// ---------------------------------------------------------------- Secrets Manager

resource!(
    /// A secret's metadata. The value is never read (`GetSecretValue` is not called).
    pub struct Secret {
        #[serde(default)]
        pub description: Option<String>,
        /// Null when the secret uses the AWS managed key `aws/secretsmanager`.
        #[serde(default)]
        pub kms_key_id: Option<String>,
        #[serde(default)]
        pub rotation_enabled: bool,
        #[serde(default)]
        pub rotation_lambda_arn: Option<String>,
        #[serde(default)]
        pub rotation_rules: Option<RotationRules>,
        #[serde(default)]
        pub last_rotated_date: Option<String>,
        #[serde(default)]
        pub last_changed_date: Option<String>,
        /// The resource policy, parsed; null when none.
        #[serde(default)]
        pub policy: Option<PolicyDocument>,
    }
);

record!(
    pub struct RotationRules {
        #[serde(default)]
        pub automatically_after_days: Option<i64>,
        #[serde(default)]
        pub schedule_expression: Option<String>,
    }
);

// ---------------------------------------------------------------- AWS Config

resource!(
    /// A configuration recorder and its status
    /// (synthetic ARN `arn:<partition>:config:<region>:<account>:config-recorder/<name>`).
    pub struct ConfigRecorder {
        #[serde(default)]
        pub role_arn: Option<String>,
        #[serde(default)]
        pub all_supported: bool,
        #[serde(default)]
        pub include_global_resource_types: bool,
        #[serde(default)]
        pub resource_types: Vec<String>,
        /// From DescribeConfigurationRecorderStatus.
        #[serde(default)]
        pub recording: bool,
        #[serde(default)]
        pub last_status: Option<String>,
    }
);

resource!(
    /// (synthetic ARN `arn:<partition>:config:<region>:<account>:delivery-channel/<name>`)
    pub struct DeliveryChannel {
        #[serde(default)]
        pub s3_bucket_name: Option<String>,
        #[serde(default)]
        pub sns_topic_arn: Option<String>,
        #[serde(default)]
        pub delivery_frequency: Option<String>,
    }
);

// ---------------------------------------------------------------- ELBv2

resource!(
    pub struct LoadBalancer {
        #[serde(default)]
        pub dns_name: String,
        /// `internet-facing` or `internal`.
        #[serde(default)]
        pub scheme: String,
        /// `application`, `network` or `gateway`.
        #[serde(default)]
        pub lb_type: String,
        #[serde(default)]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default)]
        pub availability_zones: Vec<String>,
        #[serde(default)]
        pub state: String,
        /// Selected attributes (`routing.http.drop_invalid_header_fields.enabled`, ...).
        #[serde(default)]
        pub attributes: BTreeMap<String, String>,
    }
);

resource!(
    pub struct Listener {
        pub load_balancer_arn: String,
        pub port: i32,
        /// `HTTP`, `HTTPS`, `TCP`, `TLS`, ...
        pub protocol: String,
        #[serde(default)]
        pub ssl_policy: Option<String>,
        #[serde(default)]
        pub certificate_arns: Vec<String>,
        #[serde(default)]
        pub default_actions: Vec<ListenerAction>,
    }
);

record!(
    pub struct ListenerAction {
        /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ...
        pub action_type: String,
        #[serde(default)]
        pub target_group_arn: Option<String>,
        #[serde(default)]
        pub redirect: Option<RedirectConfig>,
    }
);

record!(
    pub struct RedirectConfig {
        #[serde(default)]
        pub protocol: Option<String>,
        #[serde(default)]
        pub port: Option<String>,
        #[serde(default)]
        pub status_code: String,
    }
);

// ---------------------------------------------------------------- EKS

resource!(
    pub struct EksCluster {
        #[serde(default)]
        pub version: String,
        #[serde(default)]
        pub status: String,
        #[serde(default)]
        pub role_arn: Option<String>,
        #[serde(default)]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        /// null when DescribeCluster returned no VPC configuration: UNKNOWN, not PASS.
        #[serde(default)]
        pub endpoint_public_access: Option<bool>,
        #[serde(default)]
        pub endpoint_private_access: bool,
        #[serde(default)]
        pub public_access_cidrs: Vec<String>,
        #[serde(default)]
        pub encryption_config: Vec<EksEncryptionConfig>,
        /// Control-plane log types that are enabled (`api`, `audit`, `authenticator`, ...).
        #[serde(default)]
        pub enabled_log_types: Vec<String>,
        /// The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`),
        /// what IRSA roles trust through an IAM OIDC provider; null when not reported.
        #[serde(default)]
        pub oidc_issuer: Option<String>,
    }
);

record!(
    pub struct EksEncryptionConfig {
        #[serde(default)]
        pub resources: Vec<String>,
        #[serde(default)]
        pub provider_key_arn: Option<String>,
    }
);
