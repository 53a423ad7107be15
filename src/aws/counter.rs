//! Counts API calls by `service:Operation` for `--stats` and the benchmark, through an SDK
//! interceptor attached to every client the session builds (retried attempts count: they
//! are requests AWS sees and throttles).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::iam_prefix;

/// Shared call counts; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CallCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl CallCounter {
    /// An interceptor counting the calls of a client under the IAM prefix `service`.
    pub(crate) fn interceptor(&self, service: &'static str) -> CountingInterceptor {
        CountingInterceptor { service, counts: self.counts.clone() }
    }

    /// The counts so far.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        match self.counts.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn add(&self, key: String) {
        let mut g = match self.counts.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *g.entry(key).or_insert(0) += 1;
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CountingInterceptor {
    /// The label of the client (`s3control` for the account-level S3 client).
    service: &'static str,
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
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
        let api = cfg.load::<Metadata>().map(|m| m.name().to_owned()).unwrap_or_else(|| "Unknown".to_owned());
        // Record under the IAM prefix and the name collection errors use.
        let key = match super::operation(self.service, &api) {
            Some(op) => format!("{}:{}", iam_prefix(self.service), op.name),
            None => format!("{}:{}", iam_prefix(self.service), api),
        };
        tracing::debug!(call = %key, "aws call");
        CallCounter { counts: self.counts.clone() }.add(key);
        Ok(())
    }
}
