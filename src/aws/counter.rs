//! Counts API calls by `service:Operation` for `--stats` and the benchmark, through an SDK
//! interceptor attached to every client the session builds (retried attempts count: they
//! are requests AWS sees and throttles). The same interceptor tells the session's
//! [`RetryMemo`] how each attempt was answered and stops the retries of an operation that
//! keeps failing (see `retry_memo.rs`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;

use super::iam_prefix;
use super::retry_memo::RetryMemo;

/// Shared call counts; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CallCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
    memo: RetryMemo,
}

impl CallCounter {
    /// An interceptor counting the calls of a client under the IAM prefix `service`.
    pub(crate) fn interceptor(&self, service: &'static str) -> CountingInterceptor {
        CountingInterceptor { service, counts: self.counts.clone(), memo: self.memo.clone() }
    }

    /// The counts so far.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        match self.counts.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CountingInterceptor {
    /// The label of the client (`s3control` for the account-level S3 client).
    service: &'static str,
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
    memo: RetryMemo,
}

impl CountingInterceptor {
    /// `prefix:Operation` of the call `cfg` is for, under the IAM prefix and the name
    /// collection errors use.
    fn key(&self, cfg: &ConfigBag) -> String {
        let api = cfg.load::<Metadata>().map(|m| m.name().to_owned()).unwrap_or_else(|| "Unknown".to_owned());
        match super::operation(self.service, &api) {
            Some(op) => format!("{}:{}", iam_prefix(self.service), op.name),
            None => format!("{}:{}", iam_prefix(self.service), api),
        }
    }
}

/// This call makes no further attempt: the retry strategy reads the attempts allowed from the
/// call's configuration before each retry.
fn no_more_attempts(cfg: &mut ConfigBag) {
    if let Some(retry) = cfg.load::<RetryConfig>() {
        let retry = retry.clone().with_max_attempts(1);
        cfg.interceptor_state().store_put(retry);
    }
}

impl Intercept for CountingInterceptor {
    fn name(&self) -> &'static str {
        "FlowforgeCallCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let key = self.key(cfg);
        tracing::debug!(call = %key, "aws call");
        let mut g = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *g.entry(key).or_insert(0) += 1;
        Ok(())
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.memo.broken(&self.key(cfg)) {
            no_more_attempts(cfg);
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let status = context.response().map(|r| r.status().as_u16());
        if self.memo.record(&self.key(cfg), status) {
            no_more_attempts(cfg);
        }
        Ok(())
    }
}
