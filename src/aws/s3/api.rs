//! S3: the bucket list, each bucket's configuration (one call per aspect; a configuration
//! that is not set becomes `None`, never an error) and the account-level public access block
//! (s3control).

use std::collections::BTreeMap;

use aws_sdk_s3::Client;
use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};

use super::{
    AccountPublicAccessBlock, BucketEncryption, BucketEncryptionRule, BucketLogging, BucketVersioning, LifecycleRule,
    PublicAccessBlock,
};
use super::{CallError, Ctx};
use crate::model::PolicyDocument;

const SVC: &str = "s3";

/// An s3control endpoint resolver that always answers the emulator's URL (see
/// [`super::Session::s3`]).
#[derive(Debug, Clone)]
pub(crate) struct FixedEndpoint(pub String);

impl ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(&'a self, _params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

/// A bucket as listed: its name, creation date and region (when ListBuckets says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketRef {
    pub name: String,
    pub creation_date: Option<String>,
    pub region: Option<String>,
}

impl BucketRef {
    pub fn arn(&self, partition: &str) -> String {
        format!("arn:{partition}:s3:::{}", self.name)
    }
}

/// S3 signing for one region.
#[derive(Debug, Clone)]
pub struct S3Api {
    client: Client,
    control: aws_sdk_s3control::Client,
    ctx: Ctx,
}

impl S3Api {
    pub(crate) fn new(client: Client, control: aws_sdk_s3control::Client, ctx: Ctx) -> Self {
        S3Api { client, control, ctx }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    pub async fn list_buckets(&self) -> Result<Vec<BucketRef>, CallError> {
        let items: Vec<_> = self
            .client
            .list_buckets()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListBuckets", e))?;
        Ok(items
            .iter()
            .filter_map(|b| {
                Some(BucketRef {
                    name: b.name()?.to_owned(),
                    creation_date: super::time(b.creation_date()),
                    region: b.bucket_region().map(str::to_owned).filter(|r| !r.is_empty()),
                })
            })
            .collect())
    }

    /// The bucket's region from GetBucketLocation (`""` means us-east-1, `EU` eu-west-1).
    pub async fn bucket_region(&self, bucket: &str) -> Result<String, CallError> {
        let out = self
            .client
            .get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetBucketLocation", e))?;
        Ok(match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_owned(),
            Some("EU") => "eu-west-1".to_owned(),
            Some(other) => other.to_owned(),
        })
    }

    pub async fn encryption(&self, bucket: &str) -> Result<Option<BucketEncryption>, CallError> {
        let out = match self.client.get_bucket_encryption().bucket(bucket).send().await {
            Ok(out) => out,
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetBucketEncryption", e);
                return if e.is_code(&["ServerSideEncryptionConfigurationNotFoundError"]) { Ok(None) } else { Err(e) };
            }
        };
        let Some(conf) = out.server_side_encryption_configuration() else {
            return Ok(None);
        };
        let rules: Vec<BucketEncryptionRule> = conf
            .rules()
            .iter()
            .filter_map(|r| {
                let d = r.apply_server_side_encryption_by_default()?;
                Some(BucketEncryptionRule {
                    sse_algorithm: d.sse_algorithm().as_str().to_owned(),
                    kms_master_key_id: d.kms_master_key_id().map(str::to_owned),
                    bucket_key_enabled: r.bucket_key_enabled().unwrap_or(false),
                })
            })
            .collect();
        Ok(if rules.is_empty() { None } else { Some(BucketEncryption { rules }) })
    }

    pub async fn policy(&self, bucket: &str) -> Result<Option<PolicyDocument>, CallError> {
        match self.client.get_bucket_policy().bucket(bucket).send().await {
            Ok(out) => match out.policy() {
                Some(text) if !text.trim().is_empty() => Ok(Some(super::policy(SVC, "GetBucketPolicy", text)?)),
                _ => Ok(None),
            },
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetBucketPolicy", e);
                if e.is_code(&["NoSuchBucketPolicy"]) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    pub async fn versioning(&self, bucket: &str) -> Result<BucketVersioning, CallError> {
        match self.client.get_bucket_versioning().bucket(bucket).send().await {
            Ok(out) => Ok(BucketVersioning {
                status: out.status().map(|s| s.as_str().to_owned()),
                mfa_delete: out.mfa_delete().map(|s| s.as_str().to_owned()),
            }),
            Err(e) => {
                // A 200 answer the SDK cannot parse (moto names the root element
                // `GetBucketVersioningResponse`): read its two fields leniently.
                match super::error::raw_body(&e) {
                    Some((200, body)) if body.contains("Versioning") => Ok(BucketVersioning {
                        status: super::error::xml_field(&body, "Status"),
                        mfa_delete: super::error::xml_field(&body, "MfaDelete"),
                    }),
                    _ => Err(CallError::from_sdk(SVC, "GetBucketVersioning", e)),
                }
            }
        }
    }

    pub async fn public_access_block(&self, bucket: &str) -> Result<Option<PublicAccessBlock>, CallError> {
        match self.client.get_public_access_block().bucket(bucket).send().await {
            Ok(out) => Ok(out.public_access_block_configuration().map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })),
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetBucketPublicAccessBlock", e);
                if e.is_code(&["NoSuchPublicAccessBlockConfiguration"]) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    pub async fn logging(&self, bucket: &str) -> Result<Option<BucketLogging>, CallError> {
        let out = self
            .client
            .get_bucket_logging()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetBucketLogging", e))?;
        Ok(out.logging_enabled().map(|l| BucketLogging {
            target_bucket: l.target_bucket().to_owned(),
            target_prefix: l.target_prefix().to_owned(),
        }))
    }

    /// The lifecycle rules; `None` when the bucket has no lifecycle configuration.
    pub async fn lifecycle(&self, bucket: &str) -> Result<Option<Vec<LifecycleRule>>, CallError> {
        let out = match self.client.get_bucket_lifecycle_configuration().bucket(bucket).send().await {
            Ok(out) => out,
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetBucketLifecycleConfiguration", e);
                return if e.is_code(&["NoSuchLifecycleConfiguration"]) { Ok(None) } else { Err(e) };
            }
        };
        Ok(Some(
            out.rules()
                .iter()
                .map(|r| {
                    #[allow(deprecated)] // the rule-level prefix is deprecated but still answered
                    let legacy = r.prefix().map(str::to_owned);
                    let prefix = match r.filter() {
                        Some(f) if f.prefix().is_some() => f.prefix().map(str::to_owned),
                        Some(f)
                            if f.tag().is_some()
                                || f.and().is_some()
                                || f.object_size_greater_than().is_some()
                                || f.object_size_less_than().is_some() =>
                        {
                            None
                        }
                        _ => Some(legacy.unwrap_or_default()),
                    };
                    LifecycleRule {
                        id: r.id().map(str::to_owned),
                        status: r.status().as_str().to_owned(),
                        prefix,
                        noncurrent_version_expiration_days: r
                            .noncurrent_version_expiration()
                            .and_then(|x| x.noncurrent_days()),
                        noncurrent_version_transition_days: r
                            .noncurrent_version_transitions()
                            .iter()
                            .filter_map(|x| x.noncurrent_days())
                            .min(),
                    }
                })
                .collect(),
        ))
    }

    pub async fn tags(&self, bucket: &str) -> Result<BTreeMap<String, String>, CallError> {
        match self.client.get_bucket_tagging().bucket(bucket).send().await {
            Ok(out) => Ok(out.tag_set().iter().map(|t| (t.key().to_owned(), t.value().to_owned())).collect()),
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetBucketTagging", e);
                if e.is_code(&["NoSuchTagSet", "NoSuchTagSetError"]) {
                    Ok(BTreeMap::new())
                } else {
                    Err(e)
                }
            }
        }
    }

    /// The account-level block (s3control GetPublicAccessBlock); `None` inside when not set.
    pub async fn account_public_access_block(&self) -> Result<AccountPublicAccessBlock, CallError> {
        let block = match self.control.get_public_access_block().account_id(&self.ctx.account_id).send().await {
            Ok(out) => out.public_access_block_configuration().map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            }),
            Err(e) => {
                let e = CallError::from_sdk(SVC, "GetAccountPublicAccessBlock", e);
                if e.is_code(&["NoSuchPublicAccessBlockConfiguration"]) {
                    None
                } else {
                    return Err(e);
                }
            }
        };
        let id = format!("account/{}/public-access-block", self.ctx.account_id);
        let mut ctx = self.ctx.clone();
        ctx.region = super::GLOBAL_REGION.to_owned();
        Ok(AccountPublicAccessBlock {
            meta: ctx.meta(
                format!("arn:{}:s3:::{id}", ctx.partition),
                &id,
                "account-public-access-block",
                BTreeMap::new(),
            ),
            public_access_block: block,
        })
    }
}
