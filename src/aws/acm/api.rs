//! ACM: certificate ARNs (ListCertificates, every key type) and each one's details.

use std::collections::BTreeMap;

use aws_sdk_acm::types::{Filters, KeyAlgorithm};
use aws_sdk_acm::Client;

use super::{time, CallError, Certificate, Ctx};

const SVC: &str = "acm";

#[derive(Debug, Clone)]
pub struct AcmApi {
    client: Client,
    ctx: Ctx,
}

impl AcmApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        AcmApi { client, ctx }
    }

    /// Every certificate ARN. ListCertificates returns only RSA_2048 certificates unless
    /// asked for the other key types, so every key type the SDK knows is asked for.
    pub async fn certificate_arns(&self) -> Result<Vec<String>, CallError> {
        let key_types: Vec<KeyAlgorithm> = KeyAlgorithm::values().iter().map(|v| KeyAlgorithm::from(*v)).collect();
        let items: Vec<_> = self
            .client
            .list_certificates()
            .includes(Filters::builder().set_key_types(Some(key_types)).build())
            .max_items(super::LIST_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListCertificates", e))?;
        Ok(items.iter().filter_map(|c| c.certificate_arn().map(str::to_owned)).collect())
    }

    /// One certificate's status, validity, key and names.
    pub async fn certificate(&self, arn: &str) -> Result<Certificate, CallError> {
        let out = self
            .client
            .describe_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeCertificate", e))?;
        let id = arn.rsplit('/').next().unwrap_or_default();
        let c = out.certificate();
        let domain = c.and_then(|c| c.domain_name()).unwrap_or_default();
        Ok(Certificate {
            meta: self.ctx.meta(arn.to_owned(), id, domain, BTreeMap::new()),
            domain_name: domain.to_owned(),
            subject_alternative_names: c.map(|c| c.subject_alternative_names().to_vec()).unwrap_or_default(),
            status: c.and_then(|c| c.status()).map(|s| s.as_str().to_owned()),
            certificate_type: c.and_then(|c| c.r#type()).map(|t| t.as_str().to_owned()),
            key_algorithm: c.and_then(|c| c.key_algorithm()).map(|k| k.as_str().to_owned()),
            not_after: time(c.and_then(|c| c.not_after())),
        })
    }
}
