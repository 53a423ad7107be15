//! Architecture drift: each element the baseline declares for the environment, matched in
//! the snapshot by identity, ends IN_SYNC, MISSING or CHANGED; resources that look like
//! FlowForge of this environment (name prefix or app + environment tags) but match no
//! declared element are UNMANAGED.
//!
//! Identity is the declared name (the `Name` tag for EC2, the service's name elsewhere); when
//! no resource has the name, a resource tagged for the environment (and, for buckets and
//! roles, with the right layer or role tag) is taken, and its name is reported as CHANGED.
//! Only declared attributes are compared: compliance checks judge the rest.
//!
//! One file per section of the baseline, named like its types in `baseline/` and its
//! validation in `baseline/validate/`: `network`, `storage`, `identity`, `compute`,
//! `perimeter`, `audit`. Each judges its declared elements and names the UNMANAGED candidates
//! of its resource types; this file holds what they share ([`Run`]: counting, matching,
//! "could not be collected" as unverified, never as drift) and runs them in order. The order
//! matters in one place: a resource matched by one element is not matched by another, so the
//! roles of `roles` are matched before the compute section's execution and node roles.

mod audit;
mod compute;
mod identity;
mod network;
mod perimeter;
mod storage;

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{Gaps, Item};
use crate::baseline::EnvView;
use crate::model::{DriftItem, DriftState, ResourceMeta, Severity, Snapshot};

const KIND: &str = "architecture";

pub(crate) struct Outcome {
    pub declared: usize,
    pub in_sync: usize,
    pub items: Vec<DriftItem>,
    /// The matched FlowForge VPC's id, for network drift.
    pub vpc_id: Option<String>,
    /// Declared elements that could not be judged because collection failed.
    pub unverified: Vec<String>,
}

/// A resource that may be UNMANAGED: its element name, the item's severity, the resource.
type Candidate<'a> = (String, Severity, &'a ResourceMeta);

pub(crate) fn check(s: &Snapshot, view: &EnvView) -> Outcome {
    let mut run = Run {
        view,
        gaps: Gaps::new(s),
        declared: 0,
        in_sync: 0,
        unverified: Vec::new(),
        items: Vec::new(),
        matched: BTreeSet::new(),
        unknown: false,
    };
    let vpc_id = network::check(s, &mut run);
    storage::check(s, &mut run);
    identity::check(s, &mut run);
    compute::check(s, &mut run);
    perimeter::check(s, &mut run);
    audit::check(s, &mut run);
    unmanaged(s, &mut run);
    Outcome { declared: run.declared, in_sync: run.in_sync, items: run.items, vpc_id, unverified: run.unverified }
}

/// FlowForge resources (the one decision, `baseline::scope`, which the checks read too) of
/// the types the baseline declares that matched nothing.
fn unmanaged(s: &Snapshot, run: &mut Run) {
    let view = run.view;
    let scope = crate::baseline::scope::decide(s, view);
    let looks = |m: &ResourceMeta| scope.is_flowforge(&m.arn);
    let mut candidates: Vec<Candidate> = Vec::new();
    candidates.extend(network::candidates(s, &looks));
    candidates.extend(storage::candidates(s, &looks));
    candidates.extend(identity::candidates(s, &looks));
    candidates.extend(compute::candidates(s, &looks));
    candidates.extend(perimeter::candidates(s, &looks));
    candidates.extend(audit::candidates(s, view, &looks));
    for (element, severity, m) in candidates {
        if run.matched.contains(m.arn.as_str()) {
            continue;
        }
        let msg = format!(
            "`{}` looks like FlowForge {} (name or tags) but the baseline declares no such element",
            display_name(m),
            view.environment
        );
        run.items.push(Item::new(KIND, element, DriftState::Unmanaged, severity).arn(&m.arn).message(msg));
    }
}

/// One run over the declared elements: the counts, the drift found, the resources matched.
pub(super) struct Run<'a> {
    view: &'a EnvView,
    gaps: Gaps<'a>,
    declared: usize,
    in_sync: usize,
    unverified: Vec<String>,
    items: Vec<DriftItem>,
    matched: BTreeSet<&'a str>,
    /// Set while judging an element when data it needs could not be collected.
    unknown: bool,
}

impl<'a> Run<'a> {
    /// Records one declared element and its drift. No drift means in sync, unless some of
    /// its data could not be collected: then it is unverified (declared, not in sync).
    fn element(&mut self, name: &str, drift: Vec<DriftItem>) {
        self.declared += 1;
        if drift.is_empty() {
            if self.unknown {
                self.unverified.push(name.to_owned());
            } else {
                self.in_sync += 1;
            }
        }
        self.unknown = false;
        self.items.extend(drift);
    }

    /// A MISSING item, unless the collection could not be listed (absence proves nothing).
    fn absent(&mut self, collection: &str, item: DriftItem) -> Option<DriftItem> {
        if self.gaps.list_failed(collection) {
            self.unknown = true;
            None
        } else {
            Some(item)
        }
    }

    /// False (and the element unverified) when `operation` failed for this resource.
    fn can_judge(&mut self, arn: &str, operation: &str) -> bool {
        if self.gaps.detail_failed(arn, operation) {
            self.unknown = true;
            false
        } else {
            true
        }
    }

    /// Finds a declared resource by name, else by tags; records the match.
    fn find<T>(
        &mut self,
        items: &'a [T],
        meta: impl Fn(&'a T) -> &'a ResourceMeta,
        name: &str,
        tag: Option<(&str, &str)>,
    ) -> Option<&'a T> {
        let by_name = items.iter().find(|r| {
            let m = meta(r);
            (m.name == name || m.id == name) && !self.matched.contains(m.arn.as_str())
        });
        let found = by_name.or_else(|| {
            items.iter().find(|r| {
                let m = meta(r);
                self.view.is_tagged_for_env(&m.tags)
                    && tag.is_some_and(|(k, v)| m.tags.get(k).is_some_and(|t| t == v))
                    && !self.matched.contains(m.arn.as_str())
            })
        });
        if let Some(r) = found {
            self.matched.insert(meta(r).arn.as_str());
        }
        found
    }

    /// A declared element that has only to exist: found by `name` in `items` (of the
    /// collection `collection`), else MISSING as `what` (unless the listing failed). Records
    /// the element and returns the resource found.
    #[allow(clippy::too_many_arguments)]
    fn exists<T>(
        &mut self,
        element: &str,
        collection: &str,
        items: &'a [T],
        meta: impl Fn(&'a T) -> &'a ResourceMeta,
        name: &str,
        severity: Severity,
        what: &str,
    ) -> Option<&'a T> {
        let found = self.find(items, meta, name, None);
        let drift = match found {
            None => self.absent(collection, missing(element, severity, what)).into_iter().collect(),
            Some(_) => Vec::new(),
        };
        self.element(element, drift);
        found
    }
}

/// An endpoint that AWS still lists but that no longer works.
fn gone(state: &str) -> bool {
    matches!(state.to_ascii_lowercase().as_str(), "deleted" | "deleting" | "failed" | "rejected" | "expired")
}

fn missing(element: &str, severity: Severity, what: &str) -> DriftItem {
    Item::new(KIND, element, DriftState::Missing, severity)
        .message(format!("{what} is declared but not in the account"))
}

fn changed(
    element: &str,
    m: &ResourceMeta,
    severity: Severity,
    attr: &str,
    expected: Value,
    actual: Value,
) -> DriftItem {
    let msg = format!("{} `{}`: {attr} is {actual}, expected {expected}", element, display_name(m));
    Item::new(KIND, element, DriftState::Changed, severity).arn(&m.arn).attr(attr, expected, actual).message(msg)
}

fn display_name(m: &ResourceMeta) -> &str {
    if m.name.is_empty() {
        &m.id
    } else {
        &m.name
    }
}

/// A resource found by tags under another name: the declared name is drift.
fn name_drift(element: &str, m: &ResourceMeta, expected: &str) -> Option<DriftItem> {
    (m.name != expected && m.id != expected)
        .then(|| changed(element, m, Severity::Low, "name", json!(expected), json!(m.name)))
}

#[cfg(test)]
mod tests;
