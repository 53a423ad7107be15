//! AWS Certificate Manager, per region: every certificate (of every key type) with its
//! status, validity end, key algorithm and names, so a check can judge the certificates the
//! FlowForge ALB's HTTPS listeners serve.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{time, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::AcmApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// An ACM certificate: `id` is the last part of its ARN, `name` its domain name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Certificate {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    pub domain_name: String,
    #[serde(default)]
    pub subject_alternative_names: Vec<String>,
    /// `ISSUED`, `PENDING_VALIDATION`, `EXPIRED`, `REVOKED`, ...; null when not reported.
    pub status: Option<String>,
    /// `AMAZON_ISSUED`, `IMPORTED` or `PRIVATE`; null when not reported.
    pub certificate_type: Option<String>,
    /// `RSA_2048`, `EC_prime256v1`, ...; null when not reported.
    pub key_algorithm: Option<String>,
    /// End of validity (RFC 3339, UTC); null when not reported (e.g. not yet issued).
    pub not_after: Option<String>,
}

super::service! {
    /// The `acm` member of the snapshot.
    part: Acm = "acm",
    prefix: "acm",
    scope: Regional,
    operations: [
        "acm" list_certificates "ListCertificates" "ListCertificates" "acm:ListCertificates" => pages(LIST_PAGE, certificates);
        "acm" describe_certificate "DescribeCertificate" "DescribeCertificate" "acm:DescribeCertificate" => each(certificates);
    ],
    collections: [
        certificates: Certificate
            list ["ListCertificates"] detail ["DescribeCertificate"]
            cfn "AWS::CertificateManager::Certificate" asff "AwsCertificateManagerCertificate"
            terraform ["aws_acm_certificate"]
            diff arn;
    ],
}

/// Certificates per ListCertificates page (the API's largest).
pub(crate) const LIST_PAGE: i32 = 1000;
