//! Validation of the compute sections ([`crate::baseline::compute`]): `architecture.eks_cluster`
//! and `architecture.compute`.

use super::Cx;
use crate::baseline::*;
use crate::diag::yaml::RawNode;

const HOSTS: &[&str] = &["ecs", "apprunner"];
const LOG_TYPES: &[&str] = &["api", "audit", "authenticator", "controllerManager", "scheduler"];

/// `architecture.eks_cluster`.
pub(super) fn eks_cluster(cx: &Cx, node: &RawNode, path: &str) -> Option<EksClusterSpec> {
    let t = cx.table(node, path)?;
    let name = t.req("name", |n, p| cx.pattern(n, p, false));
    Some(EksClusterSpec { name: name? })
}

/// `architecture.compute`.
pub(super) fn compute(cx: &Cx, node: &RawNode, path: &str) -> Option<ComputeSpec> {
    let t = cx.table(node, path)?;
    let control_plane = t.req("control_plane", |n, p| control_plane(cx, n, p));
    let ecr = t.req("ecr", |n, p| ecr(cx, n, p));
    let irsa = t.opt("irsa", |n, p| irsa(cx, n, p));
    let node_groups = t.or("node_groups", Vec::new(), |n, p| cx.patterns(n, p, false));
    let node_role = t.opt("node_role", |n, p| cx.pattern(n, p, false));
    let node_allowed_actions = t.or("node_allowed_actions", Vec::new(), |n, p| cx.patterns(n, p, false));
    let eks_log_types = t.or("eks_log_types", Vec::new(), |n, p| {
        cx.list(n, p, false, |i, ip| {
            let s = cx.string(i, ip)?;
            if LOG_TYPES.contains(&s.as_str()) {
                Some(s)
            } else {
                cx.invalid(i, format!("{ip}: unknown EKS log type {s:?} (expected one of {})", LOG_TYPES.join(", ")));
                None
            }
        })
    });
    Some(ComputeSpec {
        control_plane: control_plane?,
        ecr: ecr?,
        irsa: irsa?,
        node_groups: node_groups?,
        node_role: node_role?,
        node_allowed_actions: node_allowed_actions?,
        eks_log_types: eks_log_types?,
    })
}

fn ecr(cx: &Cx, node: &RawNode, path: &str) -> Option<EcrSpec> {
    let t = cx.table(node, path)?;
    let repositories = t.req("repositories", |n, p| cx.patterns(n, p, true));
    let kms_required = t.or("kms_required", false, |n, p| cx.boolean(n, p));
    let allowed_accounts = t.or("allowed_accounts", Vec::new(), |n, p| {
        cx.list(n, p, false, |i, ip| {
            let s = cx.string(i, ip)?;
            if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) || s == "{account_id}" {
                Some(s)
            } else {
                cx.invalid(i, format!("{ip}: expected a 12-digit account id, found {s:?}"));
                None
            }
        })
    });
    Some(EcrSpec { repositories: repositories?, kms_required: kms_required?, allowed_accounts: allowed_accounts? })
}

fn irsa(cx: &Cx, node: &RawNode, path: &str) -> Option<IrsaSpec> {
    let t = cx.table(node, path)?;
    let role = t.req("role", |n, p| cx.pattern(n, p, false));
    let service_accounts = t.req("service_accounts", |n, p| {
        cx.list(n, p, true, |item, sp| {
            let s = cx.string(item, sp)?;
            let parts: Vec<&str> = s.split(':').collect();
            let ok = parts.len() == 4
                && parts[0] == "system"
                && parts[1] == "serviceaccount"
                && parts[2..].iter().all(|x| !x.is_empty() && !x.contains('*') && !x.contains('?'));
            if !ok {
                cx.invalid(
                    item,
                    format!("{sp}: expected `system:serviceaccount:<namespace>:<name>` without wildcards, found {s:?}"),
                );
                return None;
            }
            Some(s)
        })
    });
    Some(IrsaSpec { role: role?, service_accounts: service_accounts? })
}

fn control_plane(cx: &Cx, node: &RawNode, path: &str) -> Option<ControlPlaneSpec> {
    let t = cx.table(node, path)?;
    let host = t.req("host", |n, p| {
        let s = cx.string(n, p)?;
        if HOSTS.contains(&s.as_str()) {
            Some((s, n))
        } else {
            cx.invalid(n, format!("{p}: unknown host {s:?} (expected ecs or apprunner)"));
            None
        }
    });
    let cluster = t.opt("cluster", |n, p| cx.pattern(n, p, false));
    let service = t.req("service", |n, p| cx.pattern(n, p, false));
    let task_role = t.req("task_role", |n, p| cx.pattern(n, p, false));
    let execution_role = t.opt("execution_role", |n, p| cx.pattern(n, p, false));
    let read_only_root_filesystem = t.or("read_only_root_filesystem", false, |n, p| cx.boolean(n, p));
    let non_privileged = t.or("non_privileged", false, |n, p| cx.boolean(n, p));
    if let (Some((h, n)), Some(None)) = (&host, &cluster) {
        if h == "ecs" {
            cx.invalid(n, format!("{path}: host ecs needs `cluster` (the ECS cluster's name)"));
            return None;
        }
    }
    Some(ControlPlaneSpec {
        host: host?.0,
        cluster: cluster?,
        service: service?,
        task_role: task_role?,
        execution_role: execution_role?,
        read_only_root_filesystem: read_only_root_filesystem?,
        non_privileged: non_privileged?,
    })
}

#[cfg(test)]
mod tests {
    use crate::baseline::{Baseline, BUILTIN_BASELINE};

    fn problems(text: &str) -> String {
        match Baseline::from_str_named(text, "b.yaml") {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    /// The shipped compute section is valid and resolves in the prod view.
    #[test]
    fn builtin_compute_section_resolves() {
        let v = Baseline::builtin().unwrap().env_view("prod", "123456789012", "aws").unwrap();
        let c = v.architecture.compute.expect("compute");
        assert_eq!(c.control_plane.cluster.as_deref(), Some("flowforge-prod-control-plane"));
        assert_eq!(c.ecr.repositories, ["flowforge-prod-ui", "flowforge-prod-flows"]);
        assert_eq!(c.irsa.expect("irsa").service_accounts, ["system:serviceaccount:prefect:prefect-worker"]);
    }

    /// Every compute mistake is reported at once, each with its path.
    #[test]
    fn compute_mistakes_are_all_reported() {
        let text = BUILTIN_BASELINE
            .replace("      host: ecs\n", "      host: lambda\n")
            .replace("[\"system:serviceaccount:prefect:prefect-worker\"]", "[\"system:serviceaccount:prefect:*\"]")
            .replace("eks_log_types: [api, audit, authenticator]", "eks_log_types: [api, everything]")
            .replace("allowed_accounts: []", "allowed_accounts: [\"12345\"]");
        let p = problems(&text);
        for want in [
            "architecture.compute.control_plane.host: unknown host \"lambda\"",
            "architecture.compute.irsa.service_accounts[0]: expected `system:serviceaccount:<namespace>:<name>` without wildcards",
            "architecture.compute.eks_log_types[1]: unknown EKS log type \"everything\"",
            "architecture.compute.ecr.allowed_accounts[0]: expected a 12-digit account id",
        ] {
            assert!(p.contains(want), "missing {want:?} in:\n{p}");
        }
    }

    /// An ECS control plane must name its cluster.
    #[test]
    fn ecs_host_needs_a_cluster() {
        let text = BUILTIN_BASELINE.replace("      cluster: \"flowforge-{env}-control-plane\"\n", "");
        assert!(problems(&text).contains("host ecs needs `cluster`"), "{}", problems(&text));
    }
}
