//! Drift: expected architecture vs live account, least privilege, scan-to-scan diff, Terraform state.
//!
//! Compliance asks "is each resource configured safely?"; drift asks "is the account what
//! FlowForge is supposed to be, and what changed?". Everything here works on a
//! [`Snapshot`](crate::model::Snapshot) and an [`EnvView`](crate::baseline::EnvView) (never on
//! AWS), so a saved snapshot gives the same drift offline.
//!
//! - [`compute`] runs the four comparisons and returns the report's drift section:
//!   `architecture` (declared elements, matched by name or tags: IN_SYNC / MISSING / CHANGED /
//!   UNMANAGED), `network` (tier reachability from security groups vs `architecture.flows`),
//!   `least-privilege` and `trust` (role policies vs the role baselines), and `iac` (Terraform
//!   state, when given).
//! - [`diff`] compares two snapshots or two JSON reports.
//! - [`tfstate`] reads a Terraform state (format 4).
//!
//! Only drift is listed: elements found in sync are counted in
//! `declared_elements` / `in_sync_elements`, not itemised, so "no drift" is an empty list.
//! Items are sorted by (kind, element, attribute); `drift_id` is stable across runs.
//!
//! Severities are documented in `baselines/README.md` ("Drift severities").

mod architecture;
pub mod diff;

mod network;
mod privilege;
pub mod tfstate;

use serde_json::Value;

use crate::baseline::EnvView;
use crate::model::{collection_info, CollectionError, DriftItem, DriftReport, DriftState, Severity, Snapshot};

pub use diff::{
    diff_files, diff_inputs, diff_reports, diff_snapshots, DiffError, DiffInput, DiffOutcome, ReportDiff, SnapshotDiff,
};
pub use tfstate::{TfState, TfStateError};

/// Computes the drift section of a report. `tf` adds the Terraform-state comparison.
pub fn compute(snapshot: &Snapshot, view: &EnvView, tf: Option<&TfState>) -> DriftReport {
    compute_with(snapshot, view, tf, &crate::iam_eval::Context::default())
}

/// [`compute`] with the IAM evaluation's context (the account's SCPs in an organisation
/// scan), so that the least-privilege drift reads the same effective permissions as
/// FF-IAM-003.
pub fn compute_with(
    snapshot: &Snapshot,
    view: &EnvView,
    tf: Option<&TfState>,
    iam: &crate::iam_eval::Context,
) -> DriftReport {
    let arch = architecture::check(snapshot, view);
    let mut items = arch.items;
    if !Gaps::new(snapshot).list_failed("ec2.security_groups") {
        items.extend(network::check(snapshot, view, arch.vpc_id.as_deref()));
    }
    items.extend(privilege::check(snapshot, view, iam));
    let iac = tf.map(|tf| {
        let (summary, iac_items) = tfstate::compare(tf, snapshot);
        items.extend(iac_items);
        summary
    });
    sort_items(&mut items);
    DriftReport {
        architecture_coverage_percent: percent(arch.in_sync, arch.declared),
        declared_elements: arch.declared,
        in_sync_elements: arch.in_sync,
        items,
        iac,
    }
}

/// Declared elements that could not be judged because the data they need could not be
/// collected (see `collection_errors`). They count as declared but not in sync, and get no
/// drift item: a failure to audit is neither drift nor compliance.
pub fn unverified_elements(snapshot: &Snapshot, view: &EnvView) -> Vec<String> {
    architecture::check(snapshot, view).unverified
}

/// What collection failed, so drift never reports "missing" or "changed" from data it could
/// not read.
pub(crate) struct Gaps<'a> {
    errors: &'a [CollectionError],
    /// The ARN of every resource in the snapshot, when some error names a resource (to tell a
    /// resource left out of its collection from one kept with a field unknown).
    /// Per collection: a WAF association carries its load balancer's ARN.
    seen: Option<std::collections::HashSet<(&'static str, &'a str)>>,
}

impl<'a> Gaps<'a> {
    pub(crate) fn new(s: &'a Snapshot) -> Self {
        let seen = s
            .collection_errors
            .iter()
            .any(|e| e.resource.is_some())
            .then(|| s.resource_metas().into_iter().map(|(c, m)| (c, m.arn.as_str())).collect());
        Gaps { errors: &s.collection_errors, seen }
    }

    /// The collection (`s3.buckets`) is not known whole: it could not be listed in some
    /// region, its listing for one parent failed (`DescribeListeners` of one load balancer), or
    /// a resource it listed was left out because a read of that resource failed (a denied
    /// `acm:DescribeCertificate`, `sns:GetTopicAttributes`, `iam:GetOpenIDConnectProvider`,
    /// `wafv2:GetWebACLForResource`: the error names a resource the snapshot does not hold).
    /// Either way, a declared element it lacks is not known to be missing (issue 22 items 6
    /// and 12).
    pub(crate) fn list_failed(&self, collection: &str) -> bool {
        let Some(info) = collection_info(collection) else { return false };
        self.errors.iter().any(|e| {
            if e.service != info.service {
                return false;
            }
            let op = e.operation.as_str();
            match &e.resource {
                None => info.list_operations.contains(&op),
                // A listing for one parent (the listeners of a load balancer) failed.
                Some(_) if info.list_operations.contains(&op) => true,
                Some(arn) => {
                    info.detail_operations.contains(&op)
                        && !self.seen.as_ref().is_some_and(|s| s.contains(&(info.name, arn.as_str())))
                }
            }
        })
    }

    /// `operation` failed for the resource `arn`.
    pub(crate) fn detail_failed(&self, arn: &str, operation: &str) -> bool {
        self.errors.iter().any(|e| e.operation == operation && e.resource.as_deref() == Some(arn))
    }
}

/// True when some drift item's state is one of `states` (the gate's `fail_on_drift`).
pub fn has_drift_in(report: &DriftReport, states: &[DriftState]) -> bool {
    report.items.iter().any(|i| states.contains(&i.state))
}

/// Sorts by (kind, element, attribute) and removes exact duplicates of an id.
pub(crate) fn sort_items(items: &mut Vec<DriftItem>) {
    items.sort_by(|a, b| (&a.kind, &a.element, &a.attribute).cmp(&(&b.kind, &b.element, &b.attribute)));
    items.dedup_by(|a, b| a.drift_id == b.drift_id);
}

/// `part / whole` in percent with two decimals; 100 when nothing is declared.
pub(crate) fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let p = part as f64 * 100.0 / whole as f64;
    (p * 100.0).round() / 100.0
}

/// The stable id of a drift item: first 16 hex digits of SHA-256(kind, element, attribute).
pub fn drift_id(kind: &str, element: &str, attribute: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(b"\n");
    h.update(element.as_bytes());
    h.update(b"\n");
    h.update(attribute.unwrap_or("").as_bytes());
    h.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Builder for one drift row, so that every module fills the fields the same way.
pub(crate) struct Item {
    kind: &'static str,
    element: String,
    state: DriftState,
    severity: Severity,
    arn: Option<String>,
    attribute: Option<String>,
    expected: Option<Value>,
    actual: Option<Value>,
}

impl Item {
    pub(crate) fn new(kind: &'static str, element: impl Into<String>, state: DriftState, severity: Severity) -> Self {
        Item {
            kind,
            element: element.into(),
            state,
            severity,
            arn: None,
            attribute: None,
            expected: None,
            actual: None,
        }
    }
    pub(crate) fn arn(mut self, arn: impl Into<String>) -> Self {
        self.arn = Some(arn.into());
        self
    }
    pub(crate) fn attr(mut self, attribute: impl Into<String>, expected: Value, actual: Value) -> Self {
        self.attribute = Some(attribute.into());
        self.expected = Some(expected);
        self.actual = Some(actual);
        self
    }
    pub(crate) fn message(self, message: impl Into<String>) -> DriftItem {
        DriftItem {
            drift_id: drift_id(self.kind, &self.element, self.attribute.as_deref()),
            kind: self.kind.to_owned(),
            element: self.element,
            state: self.state,
            severity: self.severity,
            resource_arn: self.arn,
            attribute: self.attribute,
            expected: self.expected,
            actual: self.actual,
            message: message.into(),
            waiver: None,
        }
    }
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests {
    use super::*;

    /// Coverage is reported with two decimals and never divides by zero.
    #[test]
    fn percent_rounds_to_two_decimals() {
        assert_eq!(percent(2, 3), 66.67);
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(percent(5, 5), 100.0);
    }

    /// Drift ids key the diff between scans: they must depend on the attribute, not the order.
    #[test]
    fn drift_id_is_stable_and_distinct() {
        assert_eq!(
            drift_id("architecture", "database", Some("multi_az")),
            drift_id("architecture", "database", Some("multi_az"))
        );
        assert_ne!(drift_id("architecture", "database", Some("multi_az")), drift_id("architecture", "database", None));
        assert_eq!(drift_id("a", "b", None).len(), 16);
    }

    /// Issue 22 item 6: a denied per-resource read left the resource out of its collection,
    /// and drift reported the declared element MISSING ("not in the account"). When a read of a
    /// resource failed and the resource is not in the snapshot, the element is unverified
    /// instead; a failure on a resource that was kept (its other fields known) still lets a
    /// truly absent element be MISSING.
    #[test]
    fn denied_per_resource_read_is_unverified_not_missing() {
        use testutil::*;
        let failed = |service: &str, operation: &str, arn: &str| CollectionError {
            service: service.into(),
            operation: operation.into(),
            region: REGION.into(),
            resource: Some(arn.into()),
            error_code: "AccessDenied".into(),
            message: "denied".into(),
        };
        let view = prod_view();
        let missing = |s: &Snapshot| -> Vec<String> {
            compute(s, &view, None)
                .items
                .iter()
                .filter(|i| i.state == DriftState::Missing)
                .map(|i| i.element.clone())
                .collect()
        };
        let base = compliant_snapshot();
        assert!(missing(&base).is_empty(), "{:?}", missing(&base));
        // Each resource dropped by its collector because its read was denied.
        let mut cases: Vec<(&str, Snapshot)> = Vec::new();
        let mut s = base.clone();
        let p = s.iam.oidc_providers.remove(0);
        s.collection_errors.push(failed("iam", "GetOpenIDConnectProvider", &p.meta.arn));
        cases.push(("oidc_provider", s));
        let mut s = base.clone();
        let t = s.sns.topics.remove(0);
        s.collection_errors.push(failed("sns", "GetTopicAttributes", &t.meta.arn));
        cases.push(("alarm_topic", s));
        let mut s = base.clone();
        let c = s.acm.certificates.remove(0);
        s.collection_errors.push(failed("acm", "DescribeCertificate", &c.meta.arn));
        cases.push(("certificate", s));
        let mut s = base.clone();
        let a = s.wafv2.associations.remove(0);
        s.collection_errors.push(failed("wafv2", "GetWebACLForResource", &a.meta.arn));
        cases.push(("waf_association", s));
        // Issue 22 item 12: the listeners of the load balancer could not be listed (a fault).
        let mut s = base.clone();
        let lb = s.elbv2.load_balancers[0].meta.arn.clone();
        s.elbv2.listeners.retain(|l| l.load_balancer_arn != lb);
        s.collection_errors.push(failed("elasticloadbalancing", "DescribeListeners", &lb));
        cases.push(("load_balancer:https_listener", s));
        for (element, s) in &cases {
            let m = missing(s);
            assert!(m.is_empty(), "{element}: a denied read is reported MISSING: {m:?}");
            let unverified = unverified_elements(s, &view);
            assert!(unverified.iter().any(|u| u.starts_with(element)), "{element}: {unverified:?}");
        }
        // The same removal without an error is still MISSING; an error on a kept resource
        // does not hide it.
        let mut s = base.clone();
        s.iam.oidc_providers.clear();
        let kept = s.sns.topics[0].meta.arn.clone();
        s.collection_errors.push(failed("sns", "ListSubscriptionsByTopic", &kept));
        assert_eq!(missing(&s), vec!["oidc_provider".to_owned()]);
    }
}
