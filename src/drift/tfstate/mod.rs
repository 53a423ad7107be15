//! Terraform state (format version 4, a local `.tfstate` file) as the expected source
//! (`--expected-from`).
//!
//! Each managed `aws_*` resource whose type the service registry maps to a collection (each
//! collection's `terraform [...]` in its `service!`) is matched to a snapshot resource by its
//! identity (id, name or ARN, per type) and its attributes compared: in sync, CHANGED
//! (attribute, state value, live value) or MISSING (in state, gone from the account). Live
//! resources of the mapped collections that no state resource matches are UNMANAGED.
//! Configuration resources (the registry's `folds [...]`) are folded into their parent:
//! security-group rules into the group's ingress set, the S3 bucket configuration resources
//! into the bucket, role policies and attachments into the role (only when the parent is in
//! the state too). Types the registry does not map are counted and listed, never an error;
//! data sources are ignored. Not counted as unmanaged, because Terraform rarely owns them:
//! default VPCs, their subnets and network ACLs, `default` security groups, service-linked
//! roles, AWS managed policies and keys, automated DB snapshots, and the WAF association entry
//! every load balancer has.
//!
//! Files: [`state`] reads the file; the type mapping is the registry's; one file per section
//! of the account (network, storage, identity, compute, perimeter, backups) says how each of
//! its collections is matched and compared; this file runs the comparison.

mod backups;
mod compute;
mod identity;
mod network;
mod perimeter;
mod state;
mod storage;
mod values;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

pub use state::{TfResource, TfState, TfStateError};

use super::Item;
use crate::model::{
    collection_info, CollectionInfo, DriftItem, DriftState, IacSummary, ResourceMeta, Severity, Snapshot, COLLECTIONS,
};
use values::{same, Attrs};

/// (attribute path, value in the state, value in the account).
type Comparison = (String, Value, Value);

/// A live resource matched to a state resource, with what to compare.
type Matched<'s> = (&'s ResourceMeta, Vec<Comparison>);

/// Finds the live resource of one collection a state resource names, with the attributes to
/// compare; `None`: not in the account (MISSING).
type Matcher = for<'s> fn(&Attrs, &Parts, &'s Snapshot) -> Option<Matched<'s>>;

/// How one section of the account is compared.
struct Section {
    /// The matcher of each collection of the section (by registry name).
    matchers: &'static [(&'static str, Matcher)],
    /// Reads what a configuration resource declares for its parent.
    gather: fn(&TfResource, &mut Parts),
    /// Live resources Terraform rarely owns, never "unmanaged": (collection, ARN).
    not_owned: for<'s> fn(&'s Snapshot, &mut BTreeSet<(&'static str, &'s str)>),
}

const SECTIONS: &[Section] =
    &[network::SECTION, storage::SECTION, identity::SECTION, compute::SECTION, perimeter::SECTION, backups::SECTION];

/// Expectations gathered from configuration resources, keyed by their parent.
#[derive(Default)]
struct Parts {
    /// Security group id → its ingress rules (`tcp 5432-5432 from sg-123`).
    sg_rules: HashMap<String, BTreeSet<String>>,
    /// Bucket name → (snapshot path, value).
    bucket: HashMap<String, Vec<(String, Value)>>,
    /// Role name → inline policy name → document.
    role_inline: HashMap<String, BTreeMap<String, Value>>,
    /// Role name → attached policy ARNs.
    role_attached: HashMap<String, BTreeSet<String>>,
}

/// What the registry says a Terraform resource type is.
enum Mapping {
    /// It manages the resources of this collection.
    Collection(&'static CollectionInfo),
    /// It configures a resource of a collection (folded into it).
    Part,
    /// The audit does not cover it.
    Unknown,
}

fn mapping(ty: &str) -> Mapping {
    for c in COLLECTIONS {
        if c.terraform_types.contains(&ty) {
            return Mapping::Collection(c);
        }
        if c.terraform_parts.contains(&ty) {
            return Mapping::Part;
        }
    }
    Mapping::Unknown
}

/// The matcher of a collection, from the section that compares it.
fn matcher(collection: &str) -> Option<Matcher> {
    SECTIONS.iter().flat_map(|s| s.matchers).find(|(c, _)| *c == collection).map(|(_, m)| *m)
}

/// Compares the state with the snapshot.
pub(crate) fn compare(tf: &TfState, snap: &Snapshot) -> (IacSummary, Vec<DriftItem>) {
    let (summary, items, _) = compare_with_addresses(tf, snap);
    (summary, items)
}

/// The live resources the state manages: ARN → the address that manages it (the first, when
/// two addresses claim one resource). SARIF points a finding on such a resource at the
/// address's block (`crate::iac`).
pub fn managed_addresses(tf: &TfState, snap: &Snapshot) -> BTreeMap<String, String> {
    compare_with_addresses(tf, snap).2
}

/// [`compare`], and which address manages each matched live resource.
fn compare_with_addresses(tf: &TfState, snap: &Snapshot) -> (IacSummary, Vec<DriftItem>, BTreeMap<String, String>) {
    let mut addresses: BTreeMap<String, String> = BTreeMap::new();
    let mut parts = Parts::default();
    for r in &tf.resources {
        for section in SECTIONS {
            (section.gather)(r, &mut parts);
        }
    }
    // The file's name only: reports must not depend on how its path was spelled (issue 10).
    let name = std::path::Path::new(&tf.source).file_name().and_then(|n| n.to_str()).unwrap_or(&tf.source);
    let mut summary = IacSummary { state_file: name.to_owned(), ..Default::default() };
    let mut items = Vec::new();
    let mut managed: BTreeSet<&str> = BTreeSet::new();

    for r in &tf.resources {
        let ty = r.resource_type.as_str();
        let found = match mapping(ty) {
            Mapping::Part => continue,
            // A mapped type without a matcher is a gap of this build (a test forbids it):
            // counted as a type not covered, never as in sync.
            Mapping::Collection(info) if matcher(info.name).is_some() => {
                matcher(info.name).and_then(|m| m(&r.attributes, &parts, snap))
            }
            Mapping::Collection(_) | Mapping::Unknown => {
                *summary.unknown_types.entry(ty.to_owned()).or_default() += 1;
                continue;
            }
        };
        match found {
            None => {
                summary.missing += 1;
                items.push(
                    Item::new("iac", &r.address, DriftState::Missing, Severity::Medium)
                        .message(format!("{} is in the Terraform state but not in the account", r.address)),
                );
            }
            Some((m, comparisons)) => {
                managed.insert(m.arn.as_str());
                addresses.entry(m.arn.clone()).or_insert_with(|| r.address.clone());
                let diffs: Vec<_> = comparisons.into_iter().filter(|(_, want, got)| !same(want, got)).collect();
                if diffs.is_empty() {
                    summary.managed_in_sync += 1;
                } else {
                    summary.changed += 1;
                }
                for (attr, want, got) in diffs {
                    let msg = format!("{}: {attr} is {got} in the account, {want} in the Terraform state", r.address);
                    items.push(
                        Item::new("iac", &r.address, DriftState::Changed, Severity::Medium)
                            .arn(&m.arn)
                            .attr(attr, want, got)
                            .message(msg),
                    );
                }
            }
        }
    }

    // Unmanaged: live resources of the mapped collections that no state resource matched.
    let mut not_owned = BTreeSet::new();
    for section in SECTIONS {
        (section.not_owned)(snap, &mut not_owned);
    }
    let live: Vec<(&str, &ResourceMeta)> = snap
        .resource_metas()
        .into_iter()
        .filter(|(c, m)| {
            collection_info(c).is_some_and(|i| !i.terraform_types.is_empty())
                && !not_owned.contains(&(*c, m.arn.as_str()))
        })
        .collect();
    let mut matched_live = 0usize;
    for (collection, m) in &live {
        if managed.contains(m.arn.as_str()) {
            matched_live += 1;
            continue;
        }
        summary.unmanaged += 1;
        let label = if m.name.is_empty() { &m.id } else { &m.name };
        items.push(
            Item::new("iac", format!("{collection}:{label}"), DriftState::Unmanaged, Severity::Low)
                .arn(&m.arn)
                .message(format!("{label} ({collection}) is in the account but not in the Terraform state")),
        );
    }
    summary.coverage_percent = super::percent(matched_live, live.len());
    (summary, items, addresses)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    const FIXTURE: &str = include_str!("../../../tests/data/tfstate/unit.tfstate");

    fn state() -> TfState {
        TfState::parse(FIXTURE, "unit.tfstate").unwrap()
    }

    /// The fixture's two log groups (`a`, `b`) in the account.
    pub(super) fn with_log_groups(mut s: Snapshot) -> Snapshot {
        for name in ["a", "b"] {
            s.logs.log_groups.push(crate::aws::logs::LogGroup {
                meta: ResourceMeta {
                    arn: format!("arn:aws:logs:us-east-1:123456789012:log-group:{name}"),
                    id: name.into(),
                    name: name.into(),
                    ..Default::default()
                },
                retention_in_days: Some(30),
                kms_key_id: None,
            });
        }
        s
    }

    /// The registry and the sections agree: every collection with Terraform types has exactly
    /// one matcher, no matcher names a collection without them (or none at all), and no
    /// Terraform type is claimed twice. Adding `terraform [...]` to a collection without its
    /// matcher fails here, naming the collection.
    #[test]
    fn every_mapped_collection_has_one_matcher() {
        let matchers: Vec<&str> = SECTIONS.iter().flat_map(|s| s.matchers).map(|(c, _)| *c).collect();
        for c in COLLECTIONS.iter().filter(|c| !c.terraform_types.is_empty()) {
            let n = matchers.iter().filter(|m| **m == c.name).count();
            assert_eq!(
                n, 1,
                "{} maps {:?}: it needs exactly one matcher in src/drift/tfstate/",
                c.name, c.terraform_types
            );
        }
        for m in matchers {
            let info = collection_info(m).unwrap_or_else(|| panic!("matcher for {m}, which is no collection"));
            assert!(!info.terraform_types.is_empty(), "matcher for {m}, whose service! declares `terraform []`");
        }
        let mut seen = BTreeSet::new();
        for c in COLLECTIONS {
            for ty in c.terraform_types.iter().chain(c.terraform_parts) {
                assert!(seen.insert(*ty), "{ty} is declared twice in the registry (again by {})", c.name);
            }
        }
    }

    /// The compliant account against its own state: everything managed, nothing drifts,
    /// unknown types are counted.
    #[test]
    fn compliant_account_matches_state() {
        let (sum, items) = compare(&state(), &with_log_groups(compliant_snapshot()));
        let not_unmanaged: Vec<_> = items.iter().filter(|i| i.state != DriftState::Unmanaged).collect();
        assert!(not_unmanaged.is_empty(), "{not_unmanaged:#?}");
        assert_eq!(sum.missing, 0);
        assert_eq!(sum.changed, 0);
        assert_eq!(sum.unknown_types.get("random_id"), Some(&1));
        assert_eq!(sum.unknown_types.get("aws_cloudwatch_log_group"), None, "log groups are a covered type");
    }

    /// Changed, missing and unmanaged each land where they should.
    #[test]
    fn changed_missing_unmanaged() {
        let mut s = with_log_groups(compliant_snapshot());
        s.logs.log_groups.retain(|g| g.meta.name != "b");
        s.rds.db_instances[0].multi_az = Some(false);
        s.s3.buckets
            .iter_mut()
            .find(|b| b.meta.name == "flowforge-prod-gold")
            .unwrap()
            .encryption
            .as_mut()
            .unwrap()
            .rules[0]
            .sse_algorithm = "AES256".into();
        s.ec2.vpc_endpoints.retain(|e| e.meta.id != "vpce-sm");
        let sg = s.ec2.security_groups.iter_mut().find(|g| g.meta.id == "sg-db").unwrap();
        sg.ingress.push(sg_rule(5432, &["0.0.0.0/0"], &[]));
        let (sum, items) = compare(&state(), &s);
        let got: Vec<(String, DriftState, Option<String>)> = items
            .iter()
            .filter(|i| i.state != DriftState::Unmanaged)
            .map(|i| (i.element.clone(), i.state, i.attribute.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("aws_security_group.database".into(), DriftState::Changed, Some("ingress".into())),
                ("aws_vpc_endpoint.secretsmanager".into(), DriftState::Missing, None),
                (
                    "module.lake.aws_s3_bucket.layer[\"gold\"]".into(),
                    DriftState::Changed,
                    Some("encryption.rules[0].sse_algorithm".into())
                ),
                ("aws_db_instance.metadata".into(), DriftState::Changed, Some("multi_az".into())),
                ("aws_cloudwatch_log_group.flows[1]".into(), DriftState::Missing, None),
            ]
        );
        assert_eq!((sum.missing, sum.changed), (2, 3));
    }
}
