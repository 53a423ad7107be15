//! A failed AWS call, reduced to what `collection_errors` records: the service, the
//! operation, the AWS error code and its message. Timeouts and transport failures get the
//! codes `Timeout` and `Transport` so that a report can tell them from a denial.
//!
//! When the SDK cannot read an error body (an unmodelled shape: moto's RDS denials wrap the
//! error in `<Errors>`), the code is read leniently from the raw body, then from the HTTP
//! status, so a denial is still recorded as `AccessDenied`, not `Unknown`.
//!
//! [`Errors`] collects the failed calls of one service task as `collection_errors`: failures
//! are data, the scan goes on.

use std::sync::Mutex;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::model::CollectionError;

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

/// The raw status and body of a service answer, when the SDK kept it in memory.
pub(crate) fn raw_body<E>(err: &SdkError<E, HttpResponse>) -> Option<(u16, String)> {
    let raw = err.raw_response()?;
    let body = raw.body().bytes().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    Some((raw.status().as_u16(), body))
}

/// The text between `<tag>` and `</tag>`, first occurrence.
pub(crate) fn xml_field(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].trim().to_owned())
}

/// An error code from an unmodelled body (XML `<Code>` or JSON `__type`), else from the status.
fn code_from_raw(status: u16, body: &str) -> (String, Option<String>) {
    if let Some(code) = xml_field(body, "Code") {
        return (code, xml_field(body, "Message"));
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        if let Some(t) = v.get("__type").and_then(|t| t.as_str()) {
            let code = t.rsplit('#').next().unwrap_or(t).to_owned();
            let msg = v.get("message").or_else(|| v.get("Message")).and_then(|m| m.as_str()).map(str::to_owned);
            return (code, msg);
        }
    }
    let code = match status {
        401 | 403 => "AccessDenied",
        404 => "NotFound",
        429 => "Throttling",
        500..=599 => "InternalError",
        _ => "Unknown",
    };
    (code.to_owned(), None)
}

impl CallError {
    /// A call that succeeded but answered without the resource it describes (`<operation>
    /// returned no <what>`): recorded like any failed call, so the resource is UNKNOWN.
    pub(crate) fn empty_response(service: &'static str, operation: &'static str, what: &str) -> Self {
        CallError {
            service,
            operation,
            code: "EmptyResponse".into(),
            message: format!("{operation} returned no {what}"),
        }
    }

    pub(crate) fn from_sdk<E>(service: &'static str, operation: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let (code, message) = match &err {
            SdkError::TimeoutError(_) => ("Timeout".to_owned(), "the call exceeded its timeout".to_owned()),
            SdkError::DispatchFailure(d) if d.is_timeout() => {
                ("Timeout".to_owned(), DisplayErrorContext(&err).to_string())
            }
            SdkError::DispatchFailure(_) => ("Transport".to_owned(), DisplayErrorContext(&err).to_string()),
            SdkError::ServiceError(_) => match err.code() {
                Some(code) => (
                    code.to_owned(),
                    err.message().map(str::to_owned).unwrap_or_else(|| DisplayErrorContext(&err).to_string()),
                ),
                None => {
                    let (status, body) = raw_body(&err).unwrap_or((0, String::new()));
                    let (code, message) = code_from_raw(status, &body);
                    (code, message.unwrap_or_else(|| format!("HTTP {status}: {}", DisplayErrorContext(&err))))
                }
            },
            SdkError::ResponseError(_) => ("ResponseError".to_owned(), DisplayErrorContext(&err).to_string()),
            SdkError::ConstructionFailure(_) => {
                ("ConstructionFailure".to_owned(), DisplayErrorContext(&err).to_string())
            }
            _ => ("Unknown".to_owned(), DisplayErrorContext(&err).to_string()),
        };
        tracing::debug!(service, operation, %code, %message, "call failed");
        CallError { service, operation, code, message }
    }

    /// True when the AWS code is one of `codes` (e.g. "this configuration is not set").
    pub(crate) fn is_code(&self, codes: &[&str]) -> bool {
        codes.iter().any(|c| *c == self.code)
    }
}

/// Failed calls of one service task, recorded as they happen (shared by the task's
/// concurrent sub-calls), then taken into the snapshot's `collection_errors`.
#[derive(Debug, Default)]
pub(crate) struct Errors(Mutex<Vec<CollectionError>>);

impl Errors {
    pub(crate) fn record(&self, region: &str, resource: Option<&str>, e: CallError) {
        tracing::debug!(service = e.service, operation = e.operation, region, resource, code = %e.code, "recorded collection error");
        let err = CollectionError {
            service: e.service.to_owned(),
            operation: e.operation.to_owned(),
            region: region.to_owned(),
            resource: resource.map(str::to_owned),
            error_code: e.code,
            message: e.message,
        };
        match self.0.lock() {
            Ok(mut g) => g.push(err),
            Err(p) => p.into_inner().push(err),
        }
    }

    /// The value, or `None` with the error recorded.
    pub(crate) fn ok<T>(&self, region: &str, resource: Option<&str>, r: Result<T, CallError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.record(region, resource, e);
                None
            }
        }
    }

    /// The errors recorded so far.
    pub(crate) fn take(&self) -> Vec<CollectionError> {
        match self.0.lock() {
            Ok(mut g) => std::mem::take(&mut *g),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recorded error keeps the service, IAM operation name, region, resource and code.
    #[test]
    fn errors_record_every_field() {
        let errs = Errors::default();
        let got: Option<u8> = errs.ok(
            "eu-west-1",
            Some("arn:aws:s3:::b"),
            Err(CallError {
                service: "s3",
                operation: "GetBucketPolicy",
                code: "AccessDenied".into(),
                message: "no".into(),
            }),
        );
        assert_eq!(got, None);
        let v = errs.take();
        assert_eq!(
            v,
            vec![CollectionError {
                service: "s3".into(),
                operation: "GetBucketPolicy".into(),
                region: "eu-west-1".into(),
                resource: Some("arn:aws:s3:::b".into()),
                error_code: "AccessDenied".into(),
                message: "no".into(),
            }]
        );
    }

    /// moto's RDS denial (`<ErrorResponse><Errors><Error>`) still yields AccessDenied.
    #[test]
    fn unmodelled_xml_error_body_gives_its_code() {
        let body = "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: x is not authorized</Message></Error></Errors></ErrorResponse>";
        assert_eq!(code_from_raw(403, body), ("AccessDenied".to_owned(), Some("User: x is not authorized".to_owned())));
    }

    /// JSON protocols name the error in `__type`, sometimes with a namespace prefix.
    #[test]
    fn json_type_is_read_without_namespace() {
        let (code, _) = code_from_raw(400, r#"{"__type":"com.amazon#AccessDeniedException","message":"no"}"#);
        assert_eq!(code, "AccessDeniedException");
    }

    /// With no readable body the status decides; a denial is never `Unknown`.
    #[test]
    fn status_decides_when_body_is_unreadable() {
        assert_eq!(code_from_raw(403, "<html>").0, "AccessDenied");
        assert_eq!(code_from_raw(500, "<html>").0, "InternalError");
        assert_eq!(code_from_raw(429, "").0, "Throttling");
    }
}
