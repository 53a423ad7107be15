//! A failed AWS call, reduced to what `collection_errors` records: the service, the
//! operation, the AWS error code and its message. Timeouts and transport failures get the
//! codes `Timeout` and `Transport` so that a report can tell them from a denial.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// One failed call (after the SDK's retries).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{service}:{operation} failed: {code}: {message}")]
pub struct CallError {
    /// IAM service prefix.
    pub service: &'static str,
    /// Operation name as recorded in `collection_errors` (see [`super::Operation::name`]).
    pub operation: &'static str,
    /// AWS error code (`AccessDenied`, `ThrottlingException`, ...), `Timeout` or `Transport`.
    pub code: String,
    pub message: String,
}

impl CallError {
    pub(crate) fn from_sdk<E, R>(service: &'static str, operation: &'static str, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        let (code, message) = match &err {
            SdkError::TimeoutError(_) => ("Timeout".to_owned(), "the call exceeded its timeout".to_owned()),
            SdkError::DispatchFailure(d) if d.is_timeout() => ("Timeout".to_owned(), DisplayErrorContext(&err).to_string()),
            SdkError::DispatchFailure(_) => ("Transport".to_owned(), DisplayErrorContext(&err).to_string()),
            SdkError::ServiceError(_) => (
                err.code().unwrap_or("Unknown").to_owned(),
                err.message().map(str::to_owned).unwrap_or_else(|| DisplayErrorContext(&err).to_string()),
            ),
            SdkError::ResponseError(_) => ("ResponseError".to_owned(), DisplayErrorContext(&err).to_string()),
            SdkError::ConstructionFailure(_) => ("ConstructionFailure".to_owned(), DisplayErrorContext(&err).to_string()),
            _ => ("Unknown".to_owned(), DisplayErrorContext(&err).to_string()),
        };
        tracing::debug!(service, operation, %code, %message, "call failed");
        CallError { service, operation, code, message }
    }

    /// True when the AWS code says "this configuration is not set" for this operation.
    pub(crate) fn is_code(&self, codes: &[&str]) -> bool {
        codes.iter().any(|c| *c == self.code)
    }
}
