//! Architecture drift of the compute sections (`architecture.eks_cluster`,
//! `architecture.compute`): the EKS cluster (private endpoint unless allowed), the control
//! plane (ECS cluster and service running as the task role, or the App Runner service), the
//! execution and node roles, the ECR repositories, the cluster's OIDC provider for IRSA and
//! the node groups on the node role.

use serde_json::json;

use super::{changed, missing, Candidate, Run};
use crate::model::{ResourceMeta, Severity, Snapshot};

pub(super) fn check<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    eks_cluster(s, run);
    compute(s, run);
}

/// The declared EKS cluster, with no public endpoint unless the environment allows one.
fn eks_cluster<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
    let Some(eks) = &view.architecture.eks_cluster else { return };
    let req = &view.requirements;
    let mut drift = Vec::new();
    match run.find(&s.eks.clusters, |c| &c.meta, &eks.name, None) {
        None => drift.extend(
            run.absent("eks.clusters", missing("eks_cluster", Severity::High, &format!("EKS cluster `{}`", eks.name))),
        ),
        Some(c) => {
            if !req.eks_public_endpoint_allowed
                && run.can_judge(&c.meta.arn, "DescribeCluster")
                && c.endpoint_public_access != Some(false)
            {
                drift.push(changed(
                    "eks_cluster",
                    &c.meta,
                    Severity::High,
                    "endpoint_public_access",
                    json!(false),
                    json!(c.endpoint_public_access),
                ));
            }
        }
    }
    run.element("eks_cluster", drift);
}

/// The compute elements of `architecture.compute`: the control plane (ECS cluster and
/// service, or App Runner service) with its roles, the ECR repositories, the cluster's OIDC
/// provider for IRSA, the node role and the node groups.
fn compute<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
    let Some(spec) = &view.architecture.compute else { return };
    let cp = &spec.control_plane;
    let role_name = |arn: Option<&str>| arn.map(|a| a.rsplit('/').next().unwrap_or(a).to_owned());
    if cp.host == "ecs" {
        if let Some(cluster) = &cp.cluster {
            let what = format!("ECS cluster `{cluster}`");
            run.exists("ecs_cluster", "ecs.clusters", &s.ecs.clusters, |c| &c.meta, cluster, Severity::High, &what);
        }
        let mut drift = Vec::new();
        match run.find(&s.ecs.services, |x| &x.meta, &cp.service, None) {
            None => drift.extend(run.absent(
                "ecs.services",
                missing("ecs_service", Severity::High, &format!("ECS service `{}`", cp.service)),
            )),
            Some(svc) => {
                let td = svc.task_definition.as_deref();
                match s.ecs.task_definitions.iter().find(|t| Some(t.meta.arn.as_str()) == td) {
                    Some(t) => {
                        let actual = role_name(t.task_role_arn.as_deref());
                        if actual.as_deref() != Some(cp.task_role.as_str()) {
                            drift.push(changed(
                                "ecs_service",
                                &svc.meta,
                                Severity::High,
                                "task_role",
                                json!(cp.task_role),
                                json!(actual),
                            ));
                        }
                    }
                    // The revision could not be described: the role is not known.
                    None => run.unknown = true,
                }
            }
        }
        run.element("ecs_service", drift);
    } else {
        let mut drift = Vec::new();
        match run.find(&s.apprunner.services, |x| &x.meta, &cp.service, None) {
            None => drift.extend(run.absent(
                "apprunner.services",
                missing("apprunner_service", Severity::High, &format!("App Runner service `{}`", cp.service)),
            )),
            Some(svc) => {
                let actual = role_name(svc.instance_role_arn.as_deref());
                if actual.as_deref() != Some(cp.task_role.as_str()) {
                    drift.push(changed(
                        "apprunner_service",
                        &svc.meta,
                        Severity::High,
                        "instance_role",
                        json!(cp.task_role),
                        json!(actual),
                    ));
                }
            }
        }
        run.element("apprunner_service", drift);
    }
    let named_roles = [("execution_role", cp.execution_role.as_ref()), ("node_role", spec.node_role.as_ref())];
    for (element, name) in named_roles {
        let Some(name) = name else { continue };
        let what = format!("IAM role `{name}`");
        run.exists(element, "iam.roles", &s.iam.roles, |r| &r.meta, name, Severity::Medium, &what);
    }
    for repo in &spec.ecr.repositories {
        let element = format!("ecr_repository:{repo}");
        let what = format!("ECR repository `{repo}`");
        run.exists(&element, "ecr.repositories", &s.ecr.repositories, |r| &r.meta, repo, Severity::Medium, &what);
    }
    // The OIDC provider of the declared cluster's issuer (judged when the cluster is known).
    let cluster =
        view.architecture.eks_cluster.as_ref().and_then(|e| s.eks.clusters.iter().find(|c| c.meta.name == e.name));
    if let (Some(_), Some(c)) = (&spec.irsa, cluster) {
        let mut drift = Vec::new();
        match c.oidc_issuer.as_deref().map(|i| i.trim_start_matches("https://")) {
            None => run.unknown = true,
            Some(url) => {
                let found = s.iam.oidc_providers.iter().find(|p| p.url.as_deref() == Some(url));
                match found {
                    Some(p) => {
                        run.matched.insert(p.meta.arn.as_str());
                    }
                    None => drift.extend(run.absent(
                        "iam.oidc_providers",
                        missing("oidc_provider", Severity::High, &format!("IAM OIDC provider for `{url}`")),
                    )),
                }
            }
        }
        run.element("oidc_provider", drift);
    }
    for name in &spec.node_groups {
        let element = format!("node_group:{name}");
        let mut drift = Vec::new();
        match run.find(&s.eks.node_groups, |g| &g.meta, name, None) {
            None => drift.extend(
                run.absent("eks.node_groups", missing(&element, Severity::High, &format!("EKS node group `{name}`"))),
            ),
            Some(g) => {
                if let (Some(want), Some(actual)) = (&spec.node_role, role_name(g.node_role.as_deref())) {
                    if &actual != want {
                        drift.push(changed(
                            &element,
                            &g.meta,
                            Severity::Medium,
                            "node_role",
                            json!(want),
                            json!(actual),
                        ));
                    }
                }
            }
        }
        run.element(&element, drift);
    }
}

/// The compute resource types that look like FlowForge's.
pub(super) fn candidates<'a>(s: &'a Snapshot, looks: &dyn Fn(&ResourceMeta) -> bool) -> Vec<Candidate<'a>> {
    let mut out: Vec<Candidate> = Vec::new();
    for c in s.eks.clusters.iter().filter(|c| looks(&c.meta)) {
        out.push((format!("eks_cluster:{}", c.meta.name), Severity::Low, &c.meta));
    }
    for c in s.ecs.clusters.iter().filter(|c| looks(&c.meta)) {
        out.push((format!("ecs_cluster:{}", c.meta.name), Severity::Low, &c.meta));
    }
    for x in s.ecs.services.iter().filter(|x| looks(&x.meta)) {
        out.push((format!("ecs_service:{}", x.meta.name), Severity::Medium, &x.meta));
    }
    for x in s.apprunner.services.iter().filter(|x| looks(&x.meta)) {
        out.push((format!("apprunner_service:{}", x.meta.name), Severity::Medium, &x.meta));
    }
    for r in s.ecr.repositories.iter().filter(|r| looks(&r.meta)) {
        out.push((format!("ecr_repository:{}", r.meta.name), Severity::Low, &r.meta));
    }
    for g in s.eks.node_groups.iter().filter(|g| looks(&g.meta)) {
        out.push((format!("node_group:{}", g.meta.name), Severity::Medium, &g.meta));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, summary};
    use crate::drift::testutil::*;
    use crate::model::DriftState;

    /// Compute: a deleted OIDC provider and node group are MISSING, a service running as
    /// another role and a node group on another node role are CHANGED, a stray ECR repository
    /// and App Runner service are UNMANAGED.
    #[test]
    fn compute_elements_drift() {
        let mut s = compliant_snapshot();
        s.iam.oidc_providers.clear();
        s.eks.node_groups[0].node_role = Some("arn:aws:iam::123456789012:role/flowforge-prod-devops".into());
        s.ecs.task_definitions[0].task_role_arn = Some("arn:aws:iam::123456789012:role/flowforge-prod-devops".into());
        s.ecr.repositories.push(crate::aws::ecr::EcrRepository {
            meta: meta("ecr", "repository", "flowforge-prod-scratch", "flowforge-prod-scratch", &[]),
            ..Default::default()
        });
        s.apprunner.services.push(crate::aws::apprunner::AppRunnerService {
            meta: meta("apprunner", "service", "flowforge-prod-ui-demo/1", "flowforge-prod-ui-demo", &[]),
            ..Default::default()
        });
        let o = run(&s);
        assert_eq!(
            summary(&o.items),
            vec![
                ("ecs_service".into(), DriftState::Changed, Some("task_role".into())),
                ("oidc_provider".into(), DriftState::Missing, None),
                ("node_group:flowforge-prod-workers".into(), DriftState::Changed, Some("node_role".into())),
                ("apprunner_service:flowforge-prod-ui-demo".into(), DriftState::Unmanaged, None),
                ("ecr_repository:flowforge-prod-scratch".into(), DriftState::Unmanaged, None),
            ]
        );
        assert_eq!((o.declared, o.in_sync), (42, 39));
    }

    /// Compute: a task definition that could not be described leaves the ECS service
    /// unverified (its role unknown), not in sync and not CHANGED.
    #[test]
    fn compute_undescribed_task_definition_is_unverified() {
        let mut s = compliant_snapshot();
        s.ecs.task_definitions.clear();
        let o = run(&s);
        assert!(o.items.is_empty(), "{:#?}", o.items);
        assert_eq!(o.unverified, vec!["ecs_service"]);
    }
}
