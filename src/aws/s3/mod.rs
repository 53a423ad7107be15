//! S3: the buckets (listed once, each read in its own region: one call per configuration
//! aspect) and the account-level public access block (s3control).

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

super::service! {
    part: crate::model::S3 = "s3",
    prefix: "s3",
    scope: Global,
    operations: [
        "s3" list_buckets "ListBuckets" "ListBuckets" "s3:ListAllMyBuckets";
        "s3" get_bucket_location "GetBucketLocation" "GetBucketLocation" "s3:GetBucketLocation";
        "s3" get_bucket_encryption "GetBucketEncryption" "GetBucketEncryption" "s3:GetEncryptionConfiguration";
        "s3" get_bucket_policy "GetBucketPolicy" "GetBucketPolicy" "s3:GetBucketPolicy";
        "s3" get_bucket_versioning "GetBucketVersioning" "GetBucketVersioning" "s3:GetBucketVersioning";
        "s3" get_public_access_block "GetPublicAccessBlock" "GetBucketPublicAccessBlock" "s3:GetBucketPublicAccessBlock";
        "s3" get_bucket_logging "GetBucketLogging" "GetBucketLogging" "s3:GetBucketLogging";
        "s3" get_bucket_tagging "GetBucketTagging" "GetBucketTagging" "s3:GetBucketTagging";
        "s3" get_bucket_lifecycle_configuration "GetBucketLifecycleConfiguration" "GetBucketLifecycleConfiguration" "s3:GetLifecycleConfiguration";
        "s3control" get_public_access_block "GetPublicAccessBlock" "GetAccountPublicAccessBlock" "s3:GetAccountPublicAccessBlock";
    ],
    collections: [
        buckets: list ["ListBuckets"] detail [
            "GetBucketEncryption",
            "GetBucketPolicy",
            "GetBucketVersioning",
            "GetBucketPublicAccessBlock",
            "GetBucketLogging",
            "GetBucketTagging",
            "GetBucketLocation",
            "GetBucketLifecycleConfiguration"
        ];
        account_public_access_block: list ["GetAccountPublicAccessBlock"] detail [];
    ],
}
