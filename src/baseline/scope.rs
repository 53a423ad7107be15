//! Which resources are FlowForge's: decided once, here, for every resource of a snapshot.
//!
//! Every check, the drift's UNMANAGED candidates and the KMS key scope read this one decision
//! (the checks as `input.derived.flowforge`, see `docs/policies.md`, "Derived facts"), so two
//! readers can never disagree about whether a resource belongs to the audited environment.
//!
//! A resource is FlowForge's, in this order of precedence, when
//! 1. **the baseline names it**: its name (or id) is one the environment's view declares for
//!    its collection, placeholders resolved (`architecture.perimeter.log_groups`,
//!    `roles.<key>.name`, ...; [`EnvView::declared`] lists them), or it lies under a declared
//!    Parameter Store prefix. A declared resource is the environment's whatever its tags say;
//! 2. otherwise not, when it carries the environment tag with another environment's name;
//! 3. **it carries the app tag** (`recognise.app_tag`);
//! 4. **its name has the FlowForge prefix**: the name (or id) starts with
//!    `recognise.name_prefix` (`flowforge-prod-`), one of its `/`-separated segments does
//!    (`/ecs/flowforge-prod-ui`), or it lies under the environment's path (`flowforge/prod/`,
//!    `/flowforge/prod/`: the app tag's value, then the environment).
//!
//! Fail closed: when the resource's tags could not be read (a call that reads tags failed for
//! it, recorded in `collection_errors`) and neither the baseline nor the prefix decides, its
//! FlowForge-ness is **undecided**, with the reason. It is never silently out of scope: the
//! checks of its own collection are UNKNOWN through that collection error, and a check that
//! scopes by another collection's resources (the KMS keys FlowForge resources use) turns an
//! undecided user into an UNKNOWN.

use std::collections::BTreeMap;

use serde::Serialize;

use super::EnvView;
use crate::model::{collection_info, ResourceMeta, Snapshot};

/// Why a resource is FlowForge's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recognised {
    pub by: By,
    /// For [`By::Baseline`], the baseline key that names it (`architecture.perimeter.log_groups`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Which rule recognised a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Baseline,
    Tag,
    Prefix,
}

/// The decision for every resource of a snapshot, by ARN. A resource that is in neither map is
/// not FlowForge's.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scope {
    /// ARN → why it is FlowForge's.
    pub flowforge: BTreeMap<String, Recognised>,
    /// ARN → why whether it is FlowForge's could not be decided (its tags could not be read).
    pub undecided: BTreeMap<String, String>,
}

impl Scope {
    /// True when the resource with this ARN is FlowForge's.
    pub fn is_flowforge(&self, arn: &str) -> bool {
        self.flowforge.contains_key(arn)
    }
}

/// A name the baseline declares for a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The snapshot collection (`logs.log_groups`).
    pub collection: &'static str,
    /// The baseline key that declares it (`architecture.perimeter.log_groups`).
    pub key: String,
    pub name: DeclaredName,
}

/// How a declared name matches a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredName {
    /// The resource's name or id equals it.
    Exact(String),
    /// The resource's name starts with it (Parameter Store prefixes).
    Prefix(String),
}

impl DeclaredName {
    fn matches(&self, meta: &ResourceMeta) -> bool {
        match self {
            DeclaredName::Exact(n) => !n.is_empty() && (meta.name == *n || meta.id == *n),
            DeclaredName::Prefix(p) => !p.is_empty() && meta.name.starts_with(p.as_str()),
        }
    }
}

impl EnvView {
    /// Every resource name the environment's view declares, with its collection and key.
    pub fn declared(&self) -> Vec<Declared> {
        let mut out = Vec::new();
        let mut exact = |collection: &'static str, key: &str, name: &str| {
            out.push(Declared { collection, key: key.to_owned(), name: DeclaredName::Exact(name.to_owned()) });
        };
        let a = &self.architecture;
        exact("ec2.vpcs", "architecture.vpc.name", &a.vpc.name);
        for (layer, name) in self.buckets() {
            exact("s3.buckets", &format!("architecture.data_lake.buckets.{layer}"), name);
        }
        if let Some(db) = &a.database {
            exact("rds.db_instances", "architecture.database.identifier", &db.identifier);
        }
        for s in &a.secrets {
            exact("secretsmanager.secrets", "architecture.secrets", s);
        }
        if let Some(lb) = &a.load_balancer {
            exact("elbv2.load_balancers", "architecture.load_balancer.name", &lb.name);
        }
        if let Some(c) = &a.eks_cluster {
            exact("eks.clusters", "architecture.eks_cluster.name", &c.name);
        }
        if let Some(c) = &a.compute {
            let cp = &c.control_plane;
            if let Some(cluster) = &cp.cluster {
                exact("ecs.clusters", "architecture.compute.control_plane.cluster", cluster);
            }
            let services = if cp.host == "apprunner" { "apprunner.services" } else { "ecs.services" };
            exact(services, "architecture.compute.control_plane.service", &cp.service);
            exact("iam.roles", "architecture.compute.control_plane.task_role", &cp.task_role);
            if let Some(r) = &cp.execution_role {
                exact("iam.roles", "architecture.compute.control_plane.execution_role", r);
            }
            for r in &c.ecr.repositories {
                exact("ecr.repositories", "architecture.compute.ecr.repositories", r);
            }
            if let Some(irsa) = &c.irsa {
                exact("iam.roles", "architecture.compute.irsa.role", &irsa.role);
            }
            for g in &c.node_groups {
                exact("eks.node_groups", "architecture.compute.node_groups", g);
            }
            if let Some(r) = &c.node_role {
                exact("iam.roles", "architecture.compute.node_role", r);
            }
        }
        if let Some(p) = &a.perimeter {
            for alarm in &p.alarms {
                exact("cloudwatch.alarms", "architecture.perimeter.alarms", &alarm.name);
            }
            for t in &p.alarm_topics {
                exact("sns.topics", "architecture.perimeter.alarm_topics", t);
            }
            for g in &p.log_groups {
                exact("logs.log_groups", "architecture.perimeter.log_groups", g);
            }
        }
        if let Some(t) = &a.audit_trail {
            exact("cloudtrail.trails", "architecture.audit_trail.name", &t.name);
        }
        for (key, role) in &self.roles {
            exact("iam.roles", &format!("roles.{key}.name"), &role.name);
        }
        if let Some(ps) = &a.parameter_store {
            for p in &ps.prefixes {
                out.push(Declared {
                    collection: "ssm.parameters",
                    key: "architecture.parameter_store.prefixes".to_owned(),
                    name: DeclaredName::Prefix(p.clone()),
                });
            }
        }
        out
    }

    /// The rules 2-4 of the module's decision for one resource (the baseline's names aside):
    /// `Ok(Some(by))` when recognised, `Ok(None)` when not, `Err(())` when its tags could not
    /// be read (`tags_read` false) and the prefix does not decide.
    fn recognise(&self, meta: &ResourceMeta, tags_read: bool) -> Result<Option<By>, ()> {
        let r = &self.recognise;
        let by_prefix = self.has_prefix(&meta.name) || self.has_prefix(&meta.id);
        if !tags_read {
            return if by_prefix { Ok(Some(By::Prefix)) } else { Err(()) };
        }
        if meta.tags.get(&r.environment_tag).is_some_and(|e| *e != self.environment) {
            return Ok(None);
        }
        if meta.tags.get(&r.app_tag.key).is_some_and(|v| *v == r.app_tag.value) {
            return Ok(Some(By::Tag));
        }
        Ok(by_prefix.then_some(By::Prefix))
    }

    /// True when `name` has the FlowForge prefix of this environment (rule 4 of the module).
    pub fn has_prefix(&self, name: &str) -> bool {
        let prefix = self.recognise.name_prefix.as_str();
        if !prefix.is_empty() && (name.starts_with(prefix) || name.split('/').any(|seg| seg.starts_with(prefix))) {
            return true;
        }
        let app = self.recognise.app_tag.value.as_str();
        if app.is_empty() || self.environment.is_empty() {
            return false;
        }
        // `<app>/<env>/`, with or without a leading `/`, without building the string per call.
        let rest = name.strip_prefix('/').unwrap_or(name);
        rest.strip_prefix(app)
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.strip_prefix(self.environment.as_str()))
            .is_some_and(|r| r.starts_with('/'))
    }
}

/// Decides, for every resource of the snapshot, whether it is FlowForge's in `view`'s
/// environment. A resource listed in several collections under one ARN (a load balancer and
/// its WAF association) is FlowForge's when any of its entries is, and undecided only when
/// none is.
pub fn decide(snapshot: &Snapshot, view: &EnvView) -> Scope {
    let mut declared: BTreeMap<&str, Vec<Declared>> = BTreeMap::new();
    for d in view.declared() {
        declared.entry(d.collection).or_default().push(d);
    }
    // ARNs whose tags could not be read: a failed call of the collection that reads tags.
    let mut tags_unread: BTreeMap<&str, Vec<&crate::model::CollectionError>> = BTreeMap::new();
    for e in &snapshot.collection_errors {
        if let Some(arn) = e.resource.as_deref() {
            if e.operation.contains("Tag") {
                tags_unread.entry(arn).or_default().push(e);
            }
        }
    }
    let reads_tags = |collection: &str, e: &crate::model::CollectionError| {
        collection_info(collection)
            .is_some_and(|info| info.service == e.service && info.detail_operations.contains(&e.operation.as_str()))
    };

    let mut scope = Scope::default();
    for (collection, meta) in snapshot.resource_metas() {
        let by_baseline = declared.get(collection).and_then(|ds| ds.iter().find(|d| d.name.matches(meta)));
        let decision = match by_baseline {
            Some(d) => Ok(Some(Recognised { by: By::Baseline, key: Some(d.key.clone()) })),
            None => {
                let failed: Vec<_> = tags_unread
                    .get(meta.arn.as_str())
                    .map(|es| es.iter().copied().filter(|e| reads_tags(collection, e)).collect())
                    .unwrap_or_default();
                view.recognise(meta, failed.is_empty()).map(|by| by.map(|by| Recognised { by, key: None })).map_err(
                    |()| {
                        let calls: Vec<String> = failed
                            .iter()
                            .map(|e| format!("{}:{} ({})", e.service, e.operation, e.error_code))
                            .collect();
                        format!(
                            "whether {} is FlowForge's is unknown: its tags could not be read ({} failed), and \
                             neither the baseline nor the name prefix decides",
                            meta.arn,
                            calls.join(", ")
                        )
                    },
                )
            }
        };
        match decision {
            Ok(Some(why)) => {
                scope.undecided.remove(&meta.arn);
                let entry = scope.flowforge.entry(meta.arn.clone()).or_insert_with(|| why.clone());
                if why.by < entry.by {
                    *entry = why;
                }
            }
            Ok(None) => {}
            Err(reason) => {
                if !scope.flowforge.contains_key(&meta.arn) {
                    scope.undecided.entry(meta.arn.clone()).or_insert(reason);
                }
            }
        }
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CollectionError;

    fn view() -> EnvView {
        crate::baseline::Baseline::builtin().unwrap().env_view("prod", "123456789012", "aws").unwrap()
    }

    fn meta(arn: &str, name: &str, tags: &[(&str, &str)]) -> ResourceMeta {
        ResourceMeta {
            arn: arn.to_owned(),
            id: name.to_owned(),
            name: name.to_owned(),
            region: "eu-west-1".to_owned(),
            account_id: "123456789012".to_owned(),
            tags: tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        }
    }

    fn group(name: &str, tags: &[(&str, &str)]) -> crate::aws::logs::LogGroup {
        crate::aws::logs::LogGroup {
            meta: meta(&format!("arn:aws:logs:eu-west-1:123456789012:log-group:{name}"), name, tags),
            ..Default::default()
        }
    }

    /// Every declared name is one of a real collection (a renamed collection must not leave
    /// the baseline's names pointing nowhere), and the shipped baseline declares its own log
    /// groups (`/aws/eks/...`, `/ecs/...`), which no prefix recognises.
    #[test]
    fn declared_names_are_of_real_collections() {
        let v = view();
        let declared = v.declared();
        for d in &declared {
            assert!(collection_info(d.collection).is_some(), "{d:?}");
        }
        for name in ["/aws/eks/flowforge-prod-data-plane/cluster", "/ecs/flowforge-prod-control-plane"] {
            assert!(
                declared
                    .iter()
                    .any(|d| d.collection == "logs.log_groups" && d.name == DeclaredName::Exact(name.into())),
                "{name}"
            );
        }
        let roles: Vec<&Declared> = declared.iter().filter(|d| d.collection == "iam.roles").collect();
        assert!(roles.iter().any(|d| d.key == "roles.devops.name"), "{roles:?}");
    }

    /// The decision's rules, one resource each: baseline name (even tagged for another
    /// environment), app tag, prefix, path, another environment's tag, nothing at all.
    #[test]
    fn each_rule_decides() {
        let mut s = Snapshot::default();
        s.logs.log_groups = vec![
            group("/ecs/flowforge-prod-control-plane", &[("flowforge:env", "dev")]),
            group("/team/app", &[("flowforge:app", "flowforge")]),
            group("flowforge-prod-extra", &[]),
            group("/aws/lambda/flowforge-prod-fn", &[]),
            group("/flowforge/prod/jobs", &[]),
            group("flowforge-prod-dev-copy", &[("flowforge:env", "dev")]),
            group("/team/other", &[("flowforge:app", "other")]),
        ];
        let scope = decide(&s, &view());
        let by = |name: &str| {
            scope.flowforge.get(&format!("arn:aws:logs:eu-west-1:123456789012:log-group:{name}")).map(|r| r.by)
        };
        assert_eq!(by("/ecs/flowforge-prod-control-plane"), Some(By::Baseline));
        assert_eq!(
            scope.flowforge["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/flowforge-prod-control-plane"].key,
            Some("architecture.perimeter.log_groups".to_owned())
        );
        assert_eq!(by("/team/app"), Some(By::Tag));
        assert_eq!(by("flowforge-prod-extra"), Some(By::Prefix));
        assert_eq!(by("/aws/lambda/flowforge-prod-fn"), Some(By::Prefix));
        assert_eq!(by("/flowforge/prod/jobs"), Some(By::Prefix));
        assert_eq!(by("flowforge-prod-dev-copy"), None);
        assert_eq!(by("/team/other"), None);
        assert!(scope.undecided.is_empty());
    }

    /// Tags that could not be read leave a resource undecided, with the failed call, unless
    /// the baseline or the prefix decides; a failure of another collection's call does not.
    #[test]
    fn unreadable_tags_are_undecided_not_out_of_scope() {
        let mut s = Snapshot::default();
        s.logs.log_groups = vec![
            group("/team/app", &[]),
            group("/ecs/flowforge-prod-control-plane", &[]),
            group("/aws/lambda/flowforge-prod-fn", &[]),
        ];
        for g in &s.logs.log_groups {
            s.collection_errors.push(CollectionError {
                service: "logs".into(),
                operation: "ListTagsForResource".into(),
                region: "eu-west-1".into(),
                resource: Some(g.meta.arn.clone()),
                error_code: "AccessDeniedException".into(),
                message: "denied".into(),
            });
        }
        let scope = decide(&s, &view());
        let team = "arn:aws:logs:eu-west-1:123456789012:log-group:/team/app";
        assert!(!scope.is_flowforge(team));
        assert!(scope.undecided[team].contains("logs:ListTagsForResource (AccessDeniedException)"), "{scope:?}");
        assert_eq!(scope.undecided.len(), 1, "{scope:?}");
        assert_eq!(scope.flowforge.len(), 2, "{scope:?}");

        // The same failure reported for an operation that is not the log groups' does not count.
        s.collection_errors[0].operation = "DescribeTags".into();
        assert!(decide(&s, &view()).undecided.is_empty());
    }
}
