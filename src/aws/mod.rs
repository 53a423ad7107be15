//! The AWS services the audit inventories: the service registry, and the only seam to the
//! SDK (the one module that imports `aws_sdk_*`).
//!
//! # A service is one module
//!
//! Each service is a folder `src/aws/<svc>/` and one word in [`registry!`]. The folder's
//! `mod.rs` declares, with [`service!`], everything the rest of the crate needs to know about
//! the service, and none of it needs the SDK (it compiles without the `aws` feature, for the
//! offline `evaluate`):
//! - its snapshot part: the Rust type (for a new service, defined in this `mod.rs`) and the
//!   member it fills in the snapshot (`"rds"`);
//! - its collections (`rds.db_instances`, ...): the operations whose failure makes the whole
//!   collection UNKNOWN (`list`) or one resource UNKNOWN (`detail`), which is what the engine
//!   and the policies' METADATA validation read;
//! - every SDK operation its code calls, with the IAM action that authorises it (what
//!   `iam/scanner-policy.json` must grant, and nothing more);
//! - its scope: collected once per scan (`Global`) or once per region (`Regional`).
//!
//! Behind the `aws` feature, the folder also holds the SDK half: `api.rs` wraps the SDK
//! client and turns its answers into model types (one method per listing), and `collect.rs`
//! is how the service is collected: it builds the client from the [`Session`], calls the
//! listings, fans out per resource and records each failed call as a collection error.
//!
//! From the one list in [`registry!`] come the module declarations, [`SERVICES`],
//! [`OPERATIONS`], [`COLLECTIONS`], the [`Snapshot`](crate::model::Snapshot) members (and its
//! `resource_metas` and `sort`), the engine's per-member snapshot parsers and the collector's
//! tasks and merge. Nothing else names a service.
//!
//! ## Adding a service
//!
//! 1. Copy the smallest service folder (`sts/`) to `src/aws/<svc>/`: define the part type
//!    (one `Vec` of resources per collection, each resource flattening a `ResourceMeta`), fill
//!    in `service!`, write `api.rs` (add the `aws-sdk-<svc>` crate to the `aws` feature in
//!    `Cargo.toml`) and `collect.rs`.
//! 2. Add `<svc>` to [`registry!`] (the member order of the snapshot).
//! 3. Run the tests: `tests::each_service_calls_exactly_its_declared_operations` fails until
//!    `service!` declares exactly the SDK calls of the folder, and
//!    `scanner_policy_is_exactly_the_declared_actions` until `iam/scanner-policy.json` grants
//!    their IAM actions; `snapshot_schema_matches_model_and_validates_examples` (tests/cli_examples.rs) tells how to
//!    regenerate `schemas/snapshot.schema.json`. Document the collections in
//!    `docs/snapshot.md`, then write checks for them (`docs/policies.md`).
//!
//! Read-only by construction: the unit tests compare every service's source with its
//! declared operations and the declared actions with the shipped policy; the emulator test
//! compares them with the operations actually observed on the wire.

pub mod bundle_store;
#[cfg(feature = "aws")]
mod counter;
#[cfg(feature = "aws")]
pub(crate) mod error;
#[cfg(feature = "aws")]
pub mod org;
#[cfg(feature = "aws")]
mod session;

#[cfg(feature = "aws")]
pub use config::ConfigApi;
#[cfg(feature = "aws")]
pub use counter::CallCounter;
#[cfg(feature = "aws")]
pub use ec2::Ec2Api;
#[cfg(feature = "aws")]
pub use eks::EksApi;
#[cfg(feature = "aws")]
pub use elbv2::{Elbv2Api, TAGS_BATCH as ELB_TAGS_BATCH};
#[cfg(feature = "aws")]
pub use error::CallError;
#[cfg(feature = "aws")]
pub(crate) use error::Errors;
#[cfg(feature = "aws")]
pub use iam::{AuthorizationDetails, IamApi};
#[cfg(feature = "aws")]
pub use rds::{RdsApi, AUDITED_PARAMETERS};
#[cfg(feature = "aws")]
pub use s3::{BucketRef, S3Api};
#[cfg(feature = "aws")]
pub use secretsmanager::SecretsManagerApi;
#[cfg(feature = "aws")]
pub use session::{connect, ConnectError, ConnectOptions, Session, StaticCredentials};
#[cfg(feature = "aws")]
pub(crate) use session::{policy, s, time, Ctx};

use crate::model::{CollectionInfo, ResourceMeta};

/// The services, in the order of their members in the snapshot. Adding a service is one
/// more word here (and its folder); see the module documentation.
///
/// Call it with the name of a macro that takes the list (`registry!(my_macro)`): that is how
/// the snapshot, the engine and the collector generate their per-service code.
macro_rules! registry {
    ($then:ident) => {
        $then! { ec2 s3 rds iam secretsmanager config elbv2 eks sts ecs ecr apprunner wafv2 acm cloudwatch sns logs ssm cloudtrail kms }
    };
}
pub(crate) use registry;

/// The IAM policy the scanner needs: exactly the actions of [`OPERATIONS`] (a test keeps
/// them equal). Printed by `flowforge-audit iam-policy`, which needs no SDK.
pub const SCANNER_POLICY: &str = include_str!("../../iam/scanner-policy.json");

/// Region name used in `collection_errors` and resource metadata for global services.
pub const GLOBAL_REGION: &str = "global";

/// How often a service is collected in one scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Once per scan, under the region [`GLOBAL_REGION`] (IAM; S3, whose buckets are listed
    /// once and read in their own regions; STS).
    Global,
    /// Once per scanned region.
    Regional,
}

impl Scope {
    /// The regions one scan of `regions` collects a service of this scope in.
    pub fn regions(self, regions: &[String]) -> Vec<String> {
        match self {
            Scope::Global => vec![GLOBAL_REGION.to_owned()],
            Scope::Regional => regions.to_vec(),
        }
    }
}

/// One SDK operation the scanner calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The label of the client that calls it: the IAM service prefix (`ec2`, `s3`,
    /// `elasticloadbalancing`, ...), or `s3control` for the account-level S3 client.
    pub service: &'static str,
    /// The SDK fluent method (`describe_vpcs`), as it appears in the service's source.
    pub method: &'static str,
    /// The operation name in the SDK's metadata (`DescribeVpcs`).
    pub api_name: &'static str,
    /// The name recorded in call counts and `collection_errors` (the API name, except
    /// s3control's `GetPublicAccessBlock`, recorded as `GetAccountPublicAccessBlock` to tell it
    /// from the bucket-level call).
    pub name: &'static str,
    /// The IAM action that authorises it.
    pub iam_action: &'static str,
}

/// What one service declares (with [`service!`], as the constant `SERVICE` of its module).
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// The snapshot member the service fills (`ec2`), also its module's name.
    pub part: &'static str,
    /// The IAM service prefix its `collection_errors` and progress lines name.
    pub prefix: &'static str,
    pub scope: Scope,
    /// Every SDK operation its code calls.
    pub operations: &'static [Operation],
    /// Its collections, in the order of the part's fields.
    pub collections: &'static [CollectionInfo],
}

/// What the registry needs of a service's snapshot part; implemented by [`service!`].
pub trait ServicePart {
    /// Appends every resource of every collection as `(collection name, meta)`.
    fn metas<'a>(&'a self, out: &mut Vec<(&'static str, &'a ResourceMeta)>);
    /// Sorts every collection by ARN.
    fn sort(&mut self);
    /// Appends every collection of `other` (the part of another region).
    fn append(&mut self, other: Self);
}

/// Declares a service in its `mod.rs`: the constant `SERVICE`, the type alias `Part` and the
/// part's [`ServicePart`] implementation. Every field of the part must be listed under
/// `collections` (the generated code destructures the part, so a forgotten field does not
/// compile), in the order of the struct.
///
/// ```text
/// service! {
///     part: crate::model::Rds = "rds",          // the type, and its snapshot member
///     prefix: "rds",                            // IAM prefix of its collection errors
///     scope: Regional,                          // or Global
///     operations: [
///         // client label, SDK method, API name, recorded name, IAM action
///         "rds" describe_db_instances "DescribeDBInstances" "DescribeDBInstances" "rds:DescribeDBInstances";
///     ],
///     collections: [
///         db_instances: list ["DescribeDBInstances"] detail [];
///     ],
/// }
/// ```
macro_rules! service {
    (
        part: $part:ty = $key:literal,
        prefix: $prefix:literal,
        scope: $scope:ident,
        operations: [ $( $client:literal $method:ident $api:literal $name:literal $action:literal ; )* ],
        collections: [ $( $field:ident : list [ $( $list:literal ),* ] detail [ $( $detail:literal ),* ] ; )* ] $(,)?
    ) => {
        /// This service's part of the snapshot.
        pub type Part = $part;

        /// This service's declaration (see the registry, [`crate::aws`]).
        pub const SERVICE: $crate::aws::Service = $crate::aws::Service {
            part: $key,
            prefix: $prefix,
            scope: $crate::aws::Scope::$scope,
            operations: &[ $( $crate::aws::Operation {
                service: $client,
                method: stringify!($method),
                api_name: $api,
                name: $name,
                iam_action: $action,
            }, )* ],
            collections: &[ $( $crate::model::CollectionInfo {
                name: concat!($key, ".", stringify!($field)),
                service: $prefix,
                list_operations: &[ $( $list ),* ],
                detail_operations: &[ $( $detail ),* ],
            }, )* ],
        };

        impl $crate::aws::ServicePart for $part {
            fn metas<'a>(&'a self, out: &mut Vec<(&'static str, &'a $crate::model::ResourceMeta)>) {
                let Self { $( $field ),* } = self;
                $( out.extend($field.iter().map(|r| (concat!($key, ".", stringify!($field)), &r.meta))); )*
            }

            fn sort(&mut self) {
                let Self { $( $field ),* } = self;
                $( $field.sort_by(|a, b| a.meta.arn.cmp(&b.meta.arn)); )*
            }

            fn append(&mut self, other: Self) {
                let Self { $( $field ),* } = other;
                $( self.$field.extend($field); )*
            }
        }
    };
}
pub(crate) use service;

macro_rules! modules {
    ($($svc:ident)*) => {
        $( pub mod $svc; )*

        /// Every service, in registry order.
        pub const SERVICES: &[Service] = &[ $( $svc::SERVICE, )* ];

        /// Each registry name with the snapshot member its service declares (they must agree).
        #[cfg(test)]
        const REGISTRY_NAMES: &[(&str, &str)] = &[ $( (stringify!($svc), $svc::SERVICE.part), )* ];
    };
}
registry!(modules);

/// The operations the session itself calls when it connects, before any service: STS tells
/// the account id and partition every ARN needs; EC2 DescribeRegions lists the account's
/// enabled regions for `--region all`.
pub const CONNECT_OPERATIONS: &[Operation] = &[
    Operation {
        service: "sts",
        method: "get_caller_identity",
        api_name: "GetCallerIdentity",
        name: "GetCallerIdentity",
        iam_action: "sts:GetCallerIdentity",
    },
    Operation {
        service: "ec2",
        method: "describe_regions",
        api_name: "DescribeRegions",
        name: "DescribeRegions",
        iam_action: "ec2:DescribeRegions",
    },
];

/// What `--region all` asks for: every region enabled in the account (EC2 DescribeRegions).
pub const ALL_REGIONS: &str = "all";

/// The operations an organisation scan (`scan --org`) calls with the management account's
/// credentials (`src/aws/org.rs`): discovery, account tags and service control policies. They
/// are not part of [`OPERATIONS`] (the member accounts' scanner role never needs them):
/// `iam/org-policy.json` grants exactly these and `sts:AssumeRole` (tests keep them equal).
pub const ORG_OPERATIONS: &[Operation] = &[
    org_op("list_accounts", "ListAccounts", "organizations:ListAccounts"),
    org_op("list_accounts_for_parent", "ListAccountsForParent", "organizations:ListAccountsForParent"),
    org_op(
        "list_organizational_units_for_parent",
        "ListOrganizationalUnitsForParent",
        "organizations:ListOrganizationalUnitsForParent",
    ),
    org_op("list_tags_for_resource", "ListTagsForResource", "organizations:ListTagsForResource"),
    org_op("list_parents", "ListParents", "organizations:ListParents"),
    org_op("list_policies_for_target", "ListPoliciesForTarget", "organizations:ListPoliciesForTarget"),
    org_op("describe_policy", "DescribePolicy", "organizations:DescribePolicy"),
    org_op("describe_organization", "DescribeOrganization", "organizations:DescribeOrganization"),
];

const fn org_op(method: &'static str, name: &'static str, iam_action: &'static str) -> Operation {
    Operation { service: "organizations", method, api_name: name, name, iam_action }
}

/// The IAM policy the management-account principal of `scan --org` needs: [`ORG_OPERATIONS`]
/// and `sts:AssumeRole` into the member accounts' audit role.
pub const ORG_POLICY: &str = include_str!("../../iam/org-policy.json");

const fn count_operations() -> usize {
    let (mut n, mut i) = (CONNECT_OPERATIONS.len(), 0);
    while i < SERVICES.len() {
        n += SERVICES[i].operations.len();
        i += 1;
    }
    n
}

const fn all_operations<const N: usize>() -> [Operation; N] {
    let empty = Operation { service: "", method: "", api_name: "", name: "", iam_action: "" };
    let mut out = [empty; N];
    let (mut k, mut i) = (0, 0);
    while k < CONNECT_OPERATIONS.len() {
        out[k] = CONNECT_OPERATIONS[k];
        k += 1;
    }
    while i < SERVICES.len() {
        let mut j = 0;
        while j < SERVICES[i].operations.len() {
            out[k] = SERVICES[i].operations[j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

const fn count_collections() -> usize {
    let (mut n, mut i) = (0, 0);
    while i < SERVICES.len() {
        n += SERVICES[i].collections.len();
        i += 1;
    }
    n
}

const fn all_collections<const N: usize>() -> [CollectionInfo; N] {
    let empty = CollectionInfo { name: "", service: "", list_operations: &[], detail_operations: &[] };
    let mut out = [empty; N];
    let (mut k, mut i) = (0, 0);
    while i < SERVICES.len() {
        let mut j = 0;
        while j < SERVICES[i].collections.len() {
            out[k] = SERVICES[i].collections[j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Every SDK operation the scanner calls: the session's, then service by service (and
/// nothing else: see the tests).
pub const OPERATIONS: &[Operation] = &all_operations::<{ count_operations() }>();

/// Every collection of the snapshot, service by service: the contract between checks (their
/// METADATA names one) and the snapshot. Re-exported as `model::COLLECTIONS`.
pub const COLLECTIONS: &[CollectionInfo] = &all_collections::<{ count_collections() }>();

/// Looks up an operation by the label its client counts under and its SDK API name.
#[cfg(feature = "aws")]
pub(crate) fn operation(service: &str, api_name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.service == service && o.api_name == api_name)
}

/// The IAM prefix of a client label (`s3control` calls are authorised as `s3:`).
#[cfg(any(feature = "aws", test))]
pub(crate) fn iam_prefix(label: &str) -> &str {
    match label {
        "s3control" => "s3",
        other => other,
    }
}

#[cfg(test)]
pub(crate) mod tests;
