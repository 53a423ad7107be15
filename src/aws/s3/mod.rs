//! S3: the buckets (listed once, each read in its own region: one call per configuration
//! aspect) and the account-level public access block (s3control).

use crate::model::PolicyDocument;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{error, policy, time, CallError, Ctx, GLOBAL_REGION};
#[cfg(feature = "aws")]
pub use api::{BucketRef, S3Api};
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::resource!(
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

super::record!(
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

super::record!(
    pub struct BucketEncryption {
        #[serde(default)]
        pub rules: Vec<BucketEncryptionRule>,
    }
);

super::record!(
    pub struct BucketEncryptionRule {
        /// `AES256`, `aws:kms` or `aws:kms:dsse`.
        pub sse_algorithm: String,
        #[serde(default)]
        pub kms_master_key_id: Option<String>,
        #[serde(default)]
        pub bucket_key_enabled: bool,
    }
);

super::record!(
    pub struct BucketVersioning {
        /// `Enabled`, `Suspended` or null (never enabled).
        #[serde(default)]
        pub status: Option<String>,
        #[serde(default)]
        pub mfa_delete: Option<String>,
    }
);

super::record!(
    pub struct PublicAccessBlock {
        pub block_public_acls: bool,
        pub ignore_public_acls: bool,
        pub block_public_policy: bool,
        pub restrict_public_buckets: bool,
    }
);

super::record!(
    pub struct BucketLogging {
        pub target_bucket: String,
        #[serde(default)]
        pub target_prefix: String,
    }
);

super::resource!(
    /// The account-level S3 public access block
    /// (synthetic ARN `arn:<partition>:s3:::account/<account>/public-access-block`).
    pub struct AccountPublicAccessBlock {
        /// Null when the account has no account-level block configured.
        #[serde(default)]
        pub public_access_block: Option<PublicAccessBlock>,
    }
);

super::service! {
    part: S3 = "s3",
    prefix: "s3",
    scope: Global,
    operations: [
        "s3" list_buckets "ListBuckets" "ListBuckets" "s3:ListAllMyBuckets" => pages(10_000, buckets);
        // Real ListBuckets answers carry each bucket's region; only an emulator's do not.
        "s3" get_bucket_location "GetBucketLocation" "GetBucketLocation" "s3:GetBucketLocation" => uncounted;
        "s3" get_bucket_encryption "GetBucketEncryption" "GetBucketEncryption" "s3:GetEncryptionConfiguration" => each(buckets);
        "s3" get_bucket_policy "GetBucketPolicy" "GetBucketPolicy" "s3:GetBucketPolicy" => each(buckets);
        "s3" get_bucket_versioning "GetBucketVersioning" "GetBucketVersioning" "s3:GetBucketVersioning" => each(buckets);
        "s3" get_public_access_block "GetPublicAccessBlock" "GetBucketPublicAccessBlock" "s3:GetBucketPublicAccessBlock" => each(buckets);
        "s3" get_bucket_logging "GetBucketLogging" "GetBucketLogging" "s3:GetBucketLogging" => each(buckets);
        "s3" get_bucket_tagging "GetBucketTagging" "GetBucketTagging" "s3:GetBucketTagging" => each(buckets);
        "s3" get_bucket_lifecycle_configuration "GetBucketLifecycleConfiguration" "GetBucketLifecycleConfiguration" "s3:GetLifecycleConfiguration" => each(buckets);
        "s3control" get_public_access_block "GetPublicAccessBlock" "GetAccountPublicAccessBlock" "s3:GetAccountPublicAccessBlock" => once;
    ],
    collections: [
        buckets: Bucket
            list ["ListBuckets"] detail [
                "GetBucketEncryption",
                "GetBucketPolicy",
                "GetBucketVersioning",
                "GetBucketPublicAccessBlock",
                "GetBucketLogging",
                "GetBucketTagging",
                "GetBucketLocation",
                "GetBucketLifecycleConfiguration"
            ]
            cfn "AWS::S3::Bucket" asff "AwsS3Bucket"
            terraform ["aws_s3_bucket"]
                folds [
                    "aws_s3_bucket_server_side_encryption_configuration",
                    "aws_s3_bucket_versioning",
                    "aws_s3_bucket_public_access_block",
                    "aws_s3_bucket_policy"
                ]
            diff arn;
        /// The account-level public access block (s3control); one entry, absent when not
        /// collected. `public_access_block: null` inside means "not configured".
        account_public_access_block: AccountPublicAccessBlock
            list ["GetAccountPublicAccessBlock"] detail []
            cfn "AWS::::Account" asff "AwsAccount"
            terraform []
            diff arn;
    ],
}
