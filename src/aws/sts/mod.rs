//! STS, once per scan: the identity the scan ran as (ARN, account, user id), so a report can
//! say who looked, and a check can require the audit to run under the expected role.
//!
//! The first service added under the registry: this folder and one word in
//! [`crate::aws::registry!`] are the whole change. It is the one to copy.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{s, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::StsApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// The identity that made the scan's calls: `arn` is the caller's ARN (an IAM user, or an
/// assumed role's session `arn:aws:sts::<account>:assumed-role/<role>/<session>`), `id` and
/// `user_id` its unique id, `name` the last segment of the ARN, `region` is `global`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CallerIdentity {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The unique id STS reports (`AIDA...` for a user, `AROA...:<session>` for a role).
    pub user_id: String,
}

super::service! {
    /// The `sts` member of the snapshot.
    part: Sts = "sts",
    prefix: "sts",
    scope: Global,
    operations: [
        "sts" get_caller_identity "GetCallerIdentity" "GetCallerIdentity" "sts:GetCallerIdentity" => once;
    ],
    collections: [
        /// One entry: the caller of the scan; empty when GetCallerIdentity failed (the failure is
        /// in `collection_errors`) or in a snapshot written before this collection existed.
        caller_identity: CallerIdentity
            list ["GetCallerIdentity"] detail []
            cfn none asff "Other"
            terraform []
            diff arn;
    ],
}
