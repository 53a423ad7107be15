//! The compute Terraform types: the EKS cluster and its node groups (the data plane), the ECS
//! cluster, services and task definitions and the App Runner service (the control plane), and
//! the ECR repositories of the images; the Lambda functions, CloudFormation stacks and
//! CodeBuild projects with the role each runs as (what the privilege-escalation graph reads).

use std::collections::BTreeSet;

use serde_json::json;

use super::values::{first_block, s, sorted_strs, Attrs};
use super::{Matched, Parts, Section, TfResource};
use crate::model::{ResourceMeta, Snapshot};

pub(super) const SECTION: Section = Section {
    matchers: &[
        ("eks.clusters", eks_cluster),
        ("eks.node_groups", node_group),
        ("ecs.clusters", ecs_cluster),
        ("ecs.services", ecs_service),
        ("ecs.task_definitions", task_definition),
        ("ecr.repositories", repository),
        ("apprunner.services", apprunner_service),
        ("lambda.functions", lambda_function),
        ("cloudformation.stacks", stack),
        ("codebuild.projects", codebuild_project),
    ],
    gather,
    not_owned,
};

/// The state's `arn` names this resource (a state without one names none).
fn by_arn(a: &Attrs, m: &ResourceMeta) -> bool {
    !s(a, "arn").is_empty() && m.arn == s(a, "arn")
}

fn eks_cluster<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let c = snap.eks.clusters.iter().find(|c| c.meta.name == s(a, "name"))?;
    let mut out = vec![("version".into(), json!(s(a, "version")), json!(c.version))];
    if let Some(vc) = first_block(a, "vpc_config") {
        for (k, live) in [
            ("endpoint_public_access", c.endpoint_public_access),
            ("endpoint_private_access", Some(c.endpoint_private_access)),
        ] {
            if let Some(v) = vc.get(k) {
                out.push((k.to_owned(), v.clone(), json!(live)));
            }
        }
    }
    Some((&c.meta, out))
}

fn node_group<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let g = snap.eks.node_groups.iter().find(|g| {
        by_arn(a, &g.meta) || (g.cluster_name == s(a, "cluster_name") && g.meta.name == s(a, "node_group_name"))
    })?;
    let mut c = Vec::new();
    if let Some(v) = a.get("node_role_arn") {
        c.push(("node_role_arn".into(), v.clone(), json!(g.node_role)));
    }
    if a.get("subnet_ids").is_some() {
        let mut got = g.subnets.clone();
        got.sort();
        c.push(("subnet_ids".into(), json!(sorted_strs(a.get("subnet_ids"))), json!(got)));
    }
    Some((&g.meta, c))
}

fn ecs_cluster<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let c = snap.ecs.clusters.iter().find(|c| by_arn(a, &c.meta) || c.meta.name == s(a, "name"))?;
    Some((&c.meta, vec![]))
}

fn ecs_service<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.ecs.services.iter().find(|x| {
        x.meta.arn == s(a, "id")
            || by_arn(a, &x.meta)
            || (x.meta.name == s(a, "name") && x.cluster_arn == s(a, "cluster"))
    })?;
    let mut c = Vec::new();
    if let Some(v) = a.get("desired_count") {
        c.push(("desired_count".into(), v.clone(), json!(x.desired_count)));
    }
    if let Some(n) = first_block(a, "network_configuration") {
        if let Some(v) = n.get("assign_public_ip") {
            let live = x.network.as_ref().and_then(|n| n.assign_public_ip.as_deref()).map(|p| p == "ENABLED");
            c.push(("assign_public_ip".into(), v.clone(), json!(live)));
        }
        if n.get("subnets").is_some() {
            let mut got = x.network.as_ref().map(|n| n.subnets.clone()).unwrap_or_default();
            got.sort();
            c.push(("subnets".into(), json!(sorted_strs(n.get("subnets"))), json!(got)));
        }
    }
    Some((&x.meta, c))
}

fn task_definition<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let t = snap.ecs.task_definitions.iter().find(|t| by_arn(a, &t.meta))?;
    let c = [("task_role_arn", &t.task_role_arn), ("execution_role_arn", &t.execution_role_arn)]
        .into_iter()
        .filter_map(|(k, live)| a.get(k).map(|v| (k.to_owned(), v.clone(), json!(live))))
        .collect();
    Some((&t.meta, c))
}

fn repository<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let r = snap.ecr.repositories.iter().find(|r| r.meta.name == s(a, "name"))?;
    let mut c = Vec::new();
    if let Some(v) = a.get("image_tag_mutability") {
        c.push(("image_tag_mutability".into(), v.clone(), json!(r.image_tag_mutability)));
    }
    if let Some(v) = first_block(a, "image_scanning_configuration").and_then(|b| b.get("scan_on_push")) {
        c.push(("scan_on_push".into(), v.clone(), json!(r.scan_on_push)));
    }
    if let Some(v) = first_block(a, "encryption_configuration").and_then(|b| b.get("encryption_type")) {
        c.push(("encryption_type".into(), v.clone(), json!(r.encryption_type)));
    }
    Some((&r.meta, c))
}

fn apprunner_service<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.apprunner.services.iter().find(|x| by_arn(a, &x.meta))?;
    let c = first_block(a, "instance_configuration")
        .and_then(|b| b.get("instance_role_arn"))
        .map(|v| vec![("instance_role_arn".into(), v.clone(), json!(x.instance_role_arn))])
        .unwrap_or_default();
    Some((&x.meta, c))
}

/// One optional string attribute compared with its live value.
fn compared(
    a: &Attrs,
    key: &str,
    attr: &str,
    live: &Option<String>,
) -> Vec<(String, serde_json::Value, serde_json::Value)> {
    a.get(key)
        .filter(|v| v.as_str().is_some_and(|x| !x.is_empty()))
        .map(|v| vec![(attr.to_owned(), v.clone(), json!(live))])
        .unwrap_or_default()
}

fn lambda_function<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let name = s(a, "function_name");
    let f = snap.lambda.functions.iter().find(|f| by_arn(a, &f.meta) || (!name.is_empty() && f.meta.name == name))?;
    let mut c = compared(a, "role", "role", &f.role);
    c.extend(compared(a, "runtime", "runtime", &f.runtime));
    Some((&f.meta, c))
}

/// The state's `id` is the stack id, the snapshot's ARN.
fn stack<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let (id, name) = (s(a, "id"), s(a, "name"));
    let x = snap
        .cloudformation
        .stacks
        .iter()
        .find(|x| (!id.is_empty() && x.meta.arn == id) || (!name.is_empty() && x.meta.name == name))?;
    Some((&x.meta, compared(a, "iam_role_arn", "role_arn", &x.role_arn)))
}

fn codebuild_project<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let name = s(a, "name");
    let p = snap.codebuild.projects.iter().find(|p| by_arn(a, &p.meta) || (!name.is_empty() && p.meta.name == name))?;
    Some((&p.meta, compared(a, "service_role", "service_role", &p.service_role)))
}

/// No configuration resource is folded into a compute resource.
fn gather(_: &TfResource, _: &mut Parts) {}

/// Every compute resource may be Terraform's.
fn not_owned<'s>(_: &'s Snapshot, _: &mut BTreeSet<(&'static str, &'s str)>) {}

#[cfg(test)]
mod tests {
    use super::super::{compare, TfState};
    use crate::drift::testutil::*;
    use crate::model::{DriftItem, DriftState};

    /// The state's resources that drift: element, state and attribute.
    fn managed(items: &[DriftItem]) -> Vec<(&str, DriftState, Option<&str>)> {
        items
            .iter()
            .filter(|i| i.state != DriftState::Unmanaged)
            .map(|i| (i.element.as_str(), i.state, i.attribute.as_deref()))
            .collect()
    }

    /// Compute types: a node group in sync, an ECR repository whose tag mutability changed by
    /// hand (CHANGED), an ECS service the state has and the account does not (MISSING).
    #[test]
    fn compute_types_are_mapped() {
        let text = r#"{"version": 4, "resources": [
          {"mode": "managed", "type": "aws_eks_node_group", "name": "workers", "instances": [{"attributes": {
            "cluster_name": "flowforge-prod-data-plane", "node_group_name": "flowforge-prod-workers",
            "node_role_arn": "arn:aws:iam::123456789012:role/flowforge-prod-eks-node"}}]},
          {"mode": "managed", "type": "aws_ecr_repository", "name": "ui", "instances": [{"attributes": {
            "name": "flowforge-prod-ui", "image_tag_mutability": "IMMUTABLE"}}]},
          {"mode": "managed", "type": "aws_ecs_service", "name": "gone", "instances": [{"attributes": {
            "id": "arn:aws:ecs:us-east-1:123456789012:service/flowforge-prod-control-plane/gone", "name": "gone"}}]}
        ]}"#;
        let mut s = compliant_snapshot();
        s.ecr.repositories.iter_mut().find(|r| r.meta.name == "flowforge-prod-ui").unwrap().image_tag_mutability =
            Some("MUTABLE".into());
        let (sum, items) = compare(&TfState::parse(text, "c.tfstate").unwrap(), &s);
        let drift = managed(&items);
        assert_eq!(
            drift,
            vec![
                ("aws_ecr_repository.ui", DriftState::Changed, Some("image_tag_mutability")),
                ("aws_ecs_service.gone", DriftState::Missing, None),
            ]
        );
        assert_eq!((sum.managed_in_sync, sum.changed, sum.missing), (1, 1, 1));
        assert!(items
            .iter()
            .any(|i| i.element == "ecs.task_definitions:flowforge-prod-ui" && i.state == DriftState::Unmanaged));
    }

    /// The compute the escalation graph reads: a function whose role was changed by hand
    /// (CHANGED, the attribute named), a stack in sync matched by its stack id, a project the
    /// state has and the account does not (MISSING).
    #[test]
    fn lambda_stack_and_project_are_mapped() {
        use crate::aws::cloudformation::CloudFormationStack;
        use crate::aws::lambda::LambdaFunction;
        use crate::model::ResourceMeta;
        let text = r#"{"version": 4, "resources": [
          {"mode": "managed", "type": "aws_lambda_function", "name": "f", "instances": [{"attributes": {
            "function_name": "flowforge-prod-hook", "role": "arn:aws:iam::123456789012:role/flowforge-prod-hook"}}]},
          {"mode": "managed", "type": "aws_cloudformation_stack", "name": "s", "instances": [{"attributes": {
            "id": "arn:aws:cloudformation:us-east-1:123456789012:stack/flowforge-prod/1", "name": "flowforge-prod",
            "iam_role_arn": "arn:aws:iam::123456789012:role/flowforge-prod-cfn"}}]},
          {"mode": "managed", "type": "aws_codebuild_project", "name": "p", "instances": [{"attributes": {
            "name": "flowforge-prod-build", "service_role": "arn:aws:iam::123456789012:role/x"}}]}
        ]}"#;
        let mut s = compliant_snapshot();
        let meta = |arn: &str, name: &str| ResourceMeta {
            arn: arn.into(),
            name: name.into(),
            id: name.into(),
            ..Default::default()
        };
        s.lambda.functions.push(LambdaFunction {
            meta: meta("arn:aws:lambda:us-east-1:123456789012:function:flowforge-prod-hook", "flowforge-prod-hook"),
            role: Some("arn:aws:iam::123456789012:role/flowforge-prod-admin".into()),
            ..Default::default()
        });
        s.cloudformation.stacks.push(CloudFormationStack {
            meta: meta("arn:aws:cloudformation:us-east-1:123456789012:stack/flowforge-prod/1", "flowforge-prod"),
            role_arn: Some("arn:aws:iam::123456789012:role/flowforge-prod-cfn".into()),
            status: "UPDATE_COMPLETE".into(),
            ..Default::default()
        });
        let (sum, items) = compare(&TfState::parse(text, "c.tfstate").unwrap(), &s);
        let drift = managed(&items);
        assert_eq!(
            drift,
            vec![
                ("aws_lambda_function.f", DriftState::Changed, Some("role")),
                ("aws_codebuild_project.p", DriftState::Missing, None),
            ]
        );
        assert_eq!((sum.managed_in_sync, sum.changed, sum.missing), (1, 1, 1));
    }
}
