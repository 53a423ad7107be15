//! The AWS services the audit inventories: the service registry, and the only seam to the
//! SDK (the one module that imports `aws_sdk_*`).
//!
//! # A service is one module
//!
//! Each service is a folder `src/aws/<svc>/` and one word in [`registry!`]. The folder's
//! `mod.rs` declares, with [`service!`], everything the rest of the crate needs to know about
//! the service, and none of it needs the SDK (it compiles without the `aws` feature, for the
//! offline `evaluate`):
//! - its snapshot part: the struct `service!` defines (one `Vec` per collection) with the
//!   resource types of its collections (each flattening a `ResourceMeta` first), and the member
//!   it fills in the snapshot (`"rds"`);
//! - its collections (`rds.db_instances`, ...), each with: the operations whose failure makes
//!   the whole collection UNKNOWN (`list`) or one resource UNKNOWN (`detail`), which is what
//!   the engine and the policies' METADATA validation read; AWS's type names for its resources
//!   (CloudFormation for OCSF, ASFF for Security Hub); the Terraform resource types that manage
//!   them, and the configuration types folded into them (`--expected-from`); and how `diff`
//!   keys them;
//! - every SDK operation its code calls, with the IAM action that authorises it (what
//!   `iam/scanner-policy.json` must grant, and nothing more) and the fewest calls the API
//!   needs for a given snapshot (page sizes, per-resource calls: `--api-stats` and the
//!   benchmark compare the calls made with it);
//! - its scope: collected once per scan (`Global`) or once per region (`Regional`).
//!
//! Every one of these is a required field of [`service!`]: a collection declared without its
//! types, its Terraform mapping or its diff identity does not compile.
//!
//! Behind the `aws` feature, the folder also holds the SDK half: `api.rs` wraps the SDK
//! client and turns its answers into model types (one method per listing), and `collect.rs`
//! is how the service is collected: it builds the client from the [`Session`], calls the
//! listings, fans out per resource and records each failed call as a collection error.
//!
//! From the one list in [`registry!`] and the declarations come [`SERVICES`], [`OPERATIONS`],
//! [`COLLECTIONS`], the [`Snapshot`](crate::model::Snapshot) members (and its `resource_metas`,
//! `sort` and `visit*` methods, through which `diff` compares every collection), the engine's
//! per-member snapshot parsers, the collector's tasks and merge, the fewest-calls figures
//! (`collect::minimum_calls`), the report formats' AWS type names
//! (`model::cloudformation_type`, `model::asff_type`) and the Terraform type mapping
//! (`drift::tfstate`). Nothing else names a service.
//!
//! ## Adding a collection to a service
//!
//! 1. In the service's `mod.rs`: the resource type (`super::resource!` adds the derives and
//!    the `ResourceMeta`), and one entry under `collections` in `service!` (field, element
//!    type, `list`/`detail` operations, `cfn`/`asff` types, `terraform [...]`, `diff arn`);
//!    each new SDK operation under `operations`, with its IAM action and fewest-calls rule.
//! 2. `api.rs` (the listing) and `collect.rs` (call it, record its failures).
//! 3. The IAM actions of the new operations in `iam/scanner-policy.json`.
//! 4. If its `terraform [...]` is not empty: a matcher in the section file of
//!    `src/drift/tfstate/` (`every_mapped_collection_has_one_matcher` names the collection
//!    until it has one).
//! 5. Regenerate `schemas/snapshot.schema.json` (see 3. below) and document the collection in
//!    `docs/snapshot.md`.
//!
//! `diff`, the report type names, the call statistics, the engine and the collector need no
//! edit.
//!
//! ## Adding a service
//!
//! 1. Copy the smallest service folder (`sts/`) to `src/aws/<svc>/`: fill in `service!` (its
//!    part type, collections and operations, as above), write `api.rs` and `collect.rs`.
//! 2. Add `<svc>` to [`registry!`] (the member order of the snapshot) and `pub mod <svc>;`
//!    below it.
//! 3. Run the tests: `tests::each_service_calls_exactly_its_declared_operations` fails until
//!    `service!` declares exactly the SDK calls of the folder,
//!    `scanner_policy_is_exactly_the_declared_actions` until `iam/scanner-policy.json` grants
//!    their IAM actions, `every_sdk_crate_is_in_the_three_places_of_cargo_toml` until
//!    `Cargo.toml` names the `aws-sdk-<svc>` crate in the `aws` feature, the dependencies and
//!    the release profile, and `snapshot_schema_matches_model_and_validates_examples`
//!    (tests/cli_examples.rs) tells how to regenerate `schemas/snapshot.schema.json`. Document
//!    the collections in `docs/snapshot.md`, then write checks for them (`docs/policies.md`).
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
mod retry_memo;
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
pub use retry_memo::REMEMBER_AFTER;
#[cfg(feature = "aws")]
pub use s3::{BucketRef, S3Api};
#[cfg(feature = "aws")]
pub use secretsmanager::SecretsManagerApi;
#[cfg(feature = "aws")]
pub use session::{connect, ConnectError, ConnectOptions, Session, StaticCredentials};
#[cfg(feature = "aws")]
pub(crate) use session::{policy, s, time, Ctx};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::model::{CollectionInfo, ResourceMeta};

/// The services, in the order of their members in the snapshot. Adding a service is one
/// more word here (and its folder); see the module documentation.
///
/// Call it with the name of a macro that takes the list (`registry!(my_macro)`): that is how
/// the snapshot, the engine and the collector generate their per-service code.
macro_rules! registry {
    ($then:ident) => {
        $then! { ec2 s3 rds iam secretsmanager config elbv2 eks sts ecs ecr apprunner wafv2 acm cloudwatch sns logs ssm cloudtrail kms lambda cloudformation codebuild }
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
    /// No collection lists it (`outside_collections` in [`service!`]): its failure is recorded
    /// under the resource it read and judged by the one check that reads that field, instead
    /// of making every check of a collection UNKNOWN. Session operations are outside too.
    pub outside_collections: bool,
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

/// A resource of some collection: the element type of a collection declared in [`service!`]
/// (which implements this trait). Generic code over every collection (`diff`, the tests that
/// cover every collection) is written against it.
pub trait Resource:
    Clone + Default + PartialEq + Serialize + DeserializeOwned + JsonSchema + Send + Sync + 'static
{
    fn meta(&self) -> &ResourceMeta;
    fn meta_mut(&mut self) -> &mut ResourceMeta;
}

/// Sees every collection of a snapshot, with its registry entry ([`Snapshot::visit`]).
///
/// [`Snapshot::visit`]: crate::model::Snapshot::visit
pub trait Visit<'a> {
    fn collection<T: Resource>(&mut self, info: &'static CollectionInfo, items: &'a [T]);
}

/// Sees every collection of two snapshots side by side ([`Snapshot::visit_pairs`]): what
/// `diff` is built on, so that it compares every collection there is.
///
/// [`Snapshot::visit_pairs`]: crate::model::Snapshot::visit_pairs
pub trait VisitPair<'a> {
    fn pair<T: Resource>(&mut self, info: &'static CollectionInfo, old: &'a [T], new: &'a [T]);
}

/// Sees every collection of a snapshot, to change it ([`Snapshot::visit_mut`]).
///
/// [`Snapshot::visit_mut`]: crate::model::Snapshot::visit_mut
pub trait VisitMut {
    fn collection<T: Resource>(&mut self, info: &'static CollectionInfo, items: &mut Vec<T>);
}

/// What the registry needs of a service's snapshot part; implemented by [`service!`].
pub trait ServicePart {
    /// The service's declaration.
    const SERVICE: &'static Service;

    /// Calls `v` with every collection, in the order of the part's fields.
    fn visit<'a, V: Visit<'a>>(&'a self, v: &mut V);
    /// Calls `v` with every collection of `self` and of `other`, side by side.
    fn visit_pair<'a, V: VisitPair<'a>>(&'a self, other: &'a Self, v: &mut V);
    /// Calls `v` with every collection, mutably.
    fn visit_mut<V: VisitMut>(&mut self, v: &mut V);
    /// Appends every collection of `other` (the part of another region).
    fn append(&mut self, other: Self);
    /// The fewest calls of each of the service's operations that yield this part, for one
    /// region (`None`: a global service, once per scan), as `(client label, recorded name,
    /// calls)`: the page sizes and per-resource calls its `service!` declares.
    fn minimum_calls(&self, region: Option<&str>, add: &mut dyn FnMut(&'static str, &'static str, u64));

    /// Appends every resource of every collection as `(collection name, meta)`.
    fn metas<'a>(&'a self, out: &mut Vec<(&'static str, &'a ResourceMeta)>) {
        struct Metas<'a, 'o>(&'o mut Vec<(&'static str, &'a ResourceMeta)>);
        impl<'a> Visit<'a> for Metas<'a, '_> {
            fn collection<T: Resource>(&mut self, info: &'static CollectionInfo, items: &'a [T]) {
                self.0.extend(items.iter().map(|r| (info.name, r.meta())));
            }
        }
        self.visit(&mut Metas(out));
    }

    /// Sorts every collection by ARN.
    fn sort(&mut self) {
        struct ByArn;
        impl VisitMut for ByArn {
            fn collection<T: Resource>(&mut self, _: &'static CollectionInfo, items: &mut Vec<T>) {
                items.sort_by(|a, b| a.meta().arn.cmp(&b.meta().arn));
            }
        }
        self.visit_mut(&mut ByArn);
    }
}

/// The resources of `items` in `region` (all of them for `None`, a global service).
pub fn in_region<T: Resource>(items: &[T], region: Option<&str>) -> u64 {
    let n = match region {
        None => items.len(),
        Some(r) => items.iter().filter(|x| x.meta().region == r).count(),
    };
    n as u64
}

/// Calls a listing of `n` items costs at `page` items per call: at least one, since a listing
/// is made even when it returns nothing.
pub const fn pages(n: u64, page: u64) -> u64 {
    let p = n.div_ceil(page);
    if p == 0 {
        1
    } else {
        p
    }
}

/// Declares a service in its `mod.rs`: its part type (the struct of the snapshot member, one
/// `Vec` per collection), the constant `SERVICE`, the type alias `Part`, and the part's
/// [`ServicePart`] and its collections' [`Resource`] implementations. Every field is required:
/// a collection declared without its types, Terraform mapping or diff identity, or an
/// operation without its fewest-calls rule, does not compile.
///
/// ```text
/// service! {
///     /// The `rds` member of the snapshot.            (documents the part type)
///     part: Rds = "rds",                              // the type it defines, and its snapshot member
///     prefix: "rds",                                  // IAM prefix of its collection errors
///     scope: Regional,                                // or Global
///     operations: [
///         // client label, SDK method, API name, recorded name, IAM action => fewest calls
///         "rds" describe_db_instances "DescribeDBInstances" "DescribeDBInstances" "rds:DescribeDBInstances"
///             => pages(100, db_instances);
///     ],
///     collections: [
///         /// DB instances.                           (documents the field)
///         db_instances: DbInstance                    // field: element type (implements ResourceMeta first)
///             list ["DescribeDBInstances"] detail []  // failures that make it (or one resource) UNKNOWN
///             cfn "AWS::RDS::DBInstance" asff "AwsRdsDbInstance"
///             terraform ["aws_db_instance"]           // optionally `folds [...]`: configuration types
///             diff arn;                               // how `diff` keys its resources
///     ],
/// }
/// ```
///
/// Fewest calls (per region for a regional service, per scan for a global one), for
/// `collect --api-stats` and the benchmark: `once`; `pages(N, field, ...)` (one call per N
/// resources of the fields, at least one); `batches(N, field)` (one per N, none when there are
/// none); `each(field)`; `if_any(field)` (one when the field has any); `by(function)` (a
/// function of the module: `fn(&Part, Option<&str>) -> u64`); `uncounted` (a call the real API
/// avoids). An operation no collection lists ends with `outside_collections`.
///
/// `cfn none` for a collection CloudFormation has no type for; `asff "Other"` likewise for
/// Security Hub. `terraform []` for one no Terraform resource manages (it is then never
/// "unmanaged").
macro_rules! service {
    (
        $(#[$part_doc:meta])*
        part: $part:ident = $key:literal,
        prefix: $prefix:literal,
        scope: $scope:ident,
        operations: [ $(
            $client:literal $method:ident $api:literal $name:literal $action:literal
                => $cost:ident $( ( $( $cost_arg:tt )* ) )? $( $outside:ident )? ;
        )* ],
        collections: [ $(
            $(#[$field_doc:meta])*
            $field:ident : $elem:ident
                list [ $( $list:literal ),* ] detail [ $( $detail:literal ),* ]
                cfn $cfn:tt asff $asff:literal
                terraform [ $( $tf:literal ),* ] $( folds [ $( $fold:literal ),* ] )?
                diff $diff:ident ;
        )* ] $(,)?
    ) => {
        $(#[$part_doc])*
        #[derive(Debug, Clone, Default, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema, PartialEq)]
        pub struct $part {
            $(
                $(#[$field_doc])*
                #[serde(default)]
                pub $field: Vec<$elem>,
            )*
        }

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
                outside_collections: $crate::aws::outside!($( $outside )?),
            }, )* ],
            collections: &[ $( $crate::model::CollectionInfo {
                name: concat!($key, ".", stringify!($field)),
                service: $prefix,
                list_operations: &[ $( $list ),* ],
                detail_operations: &[ $( $detail ),* ],
                cloudformation_type: $crate::aws::cfn!($cfn),
                asff_type: $asff,
                terraform_types: &[ $( $tf ),* ],
                terraform_parts: &[ $( $( $fold ),* )? ],
                diff_key: $crate::aws::diff_key!($diff),
            }, )* ],
        };

        /// The index of each field in `SERVICE.collections` (declaration order).
        #[allow(non_camel_case_types, dead_code)]
        enum Field { $( $field ),* }

        $(
            impl $crate::aws::Resource for $elem {
                fn meta(&self) -> &$crate::model::ResourceMeta {
                    &self.meta
                }
                fn meta_mut(&mut self) -> &mut $crate::model::ResourceMeta {
                    &mut self.meta
                }
            }
        )*

        impl $crate::aws::ServicePart for $part {
            const SERVICE: &'static $crate::aws::Service = &SERVICE;

            fn visit<'a, V: $crate::aws::Visit<'a>>(&'a self, v: &mut V) {
                $( v.collection(&SERVICE.collections[Field::$field as usize], &self.$field); )*
            }

            fn visit_pair<'a, V: $crate::aws::VisitPair<'a>>(&'a self, other: &'a Self, v: &mut V) {
                $( v.pair(&SERVICE.collections[Field::$field as usize], &self.$field, &other.$field); )*
            }

            fn visit_mut<V: $crate::aws::VisitMut>(&mut self, v: &mut V) {
                $( v.collection(&SERVICE.collections[Field::$field as usize], &mut self.$field); )*
            }

            fn append(&mut self, other: Self) {
                let Self { $( $field ),* } = other;
                $( self.$field.extend($field); )*
            }

            #[allow(unused_variables)]
            fn minimum_calls(&self, region: Option<&str>, add: &mut dyn FnMut(&'static str, &'static str, u64)) {
                let part = self;
                let Self { $( $field ),* } = self;
                $( add($client, $name, $crate::aws::minimum!(part, region; $cost $( ( $( $cost_arg )* ) )?)); )*
            }
        }
    };
}
pub(crate) use service;

/// The fewest calls of one operation (see [`service!`]).
macro_rules! minimum {
    ($part:ident, $r:ident; once) => {
        1u64
    };
    ($part:ident, $r:ident; uncounted) => {
        0u64
    };
    ($part:ident, $r:ident; pages($n:expr, $( $f:ident ),+)) => {
        $crate::aws::pages(0 $( + $crate::aws::in_region($f, $r) )+, ($n) as u64)
    };
    ($part:ident, $r:ident; batches($n:expr, $f:ident)) => {
        $crate::aws::in_region($f, $r).div_ceil(($n) as u64)
    };
    ($part:ident, $r:ident; each($f:ident)) => {
        $crate::aws::in_region($f, $r)
    };
    ($part:ident, $r:ident; if_any($f:ident)) => {
        u64::from($crate::aws::in_region($f, $r) > 0)
    };
    ($part:ident, $r:ident; by($fun:path)) => {
        $fun($part, $r)
    };
}
pub(crate) use minimum;

/// `cfn none` or `cfn "AWS::..."` (see [`service!`]).
macro_rules! cfn {
    (none) => {
        None
    };
    ($t:literal) => {
        Some($t)
    };
}
pub(crate) use cfn;

/// `diff arn` (see [`service!`] and [`crate::model::DiffKey`]).
macro_rules! diff_key {
    (arn) => {
        $crate::model::DiffKey::Arn
    };
}
pub(crate) use diff_key;

/// The optional `outside_collections` marker of an operation (see [`service!`]).
macro_rules! outside {
    () => {
        false
    };
    (outside_collections) => {
        true
    };
}
pub(crate) use outside;

/// A resource struct of a service folder: the derives every resource has, and its
/// [`ResourceMeta`] flattened first.
macro_rules! resource {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema, PartialEq)]
        pub struct $name {
            #[serde(flatten)]
            pub meta: $crate::model::ResourceMeta,
            $($body)*
        }
    };
}
pub(crate) use resource;

/// A sub-record of a resource (no identity of its own).
macro_rules! record {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema, PartialEq)]
        pub struct $name { $($body)* }
    };
}
pub(crate) use record;

// The service folders, as ordinary module lines (so that `cargo fmt` reaches every file):
// a registry word without its module does not compile, and a folder without its registry word
// fails `every_service_folder_is_in_the_registry`.
pub mod acm;
pub mod apprunner;
pub mod cloudformation;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod codebuild;
pub mod config;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod eks;
pub mod elbv2;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod rds;
pub mod s3;
pub mod secretsmanager;
pub mod sns;
pub mod ssm;
pub mod sts;
pub mod wafv2;

macro_rules! modules {
    ($($svc:ident)*) => {
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
        outside_collections: true,
    },
    Operation {
        service: "ec2",
        method: "describe_regions",
        api_name: "DescribeRegions",
        name: "DescribeRegions",
        iam_action: "ec2:DescribeRegions",
        outside_collections: true,
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
    Operation { service: "organizations", method, api_name: name, name, iam_action, outside_collections: true }
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
    let empty =
        Operation { service: "", method: "", api_name: "", name: "", iam_action: "", outside_collections: false };
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
    let empty = CollectionInfo {
        name: "",
        service: "",
        list_operations: &[],
        detail_operations: &[],
        cloudformation_type: None,
        asff_type: "",
        terraform_types: &[],
        terraform_parts: &[],
        diff_key: crate::model::DiffKey::Arn,
    };
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
