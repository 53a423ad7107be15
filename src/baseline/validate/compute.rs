//! Validation of `architecture.compute` (types in [`crate::baseline::ComputeSpec`]).

use super::{boolean, list, map, opt, pattern, string, Ctx};
use crate::baseline::compute::{ComputeSpec, ControlPlaneSpec, EcrSpec, IrsaSpec};
use crate::diag::yaml::RawNode;
use crate::diag::Code;

const KEYS: &[&str] =
    &["control_plane", "ecr", "irsa", "node_groups", "node_role", "node_allowed_actions", "eks_log_types"];
const HOSTS: &[&str] = &["ecs", "apprunner"];
const LOG_TYPES: &[&str] = &["api", "audit", "authenticator", "controllerManager", "scheduler"];

pub(super) fn compute(cx: &mut Ctx, node: &RawNode) -> Option<ComputeSpec> {
    let p = "architecture.compute";
    let m = map(cx, node, p, Some(KEYS), &["control_plane", "ecr"])?;
    let control_plane = m.get("control_plane").and_then(|n| control_plane(cx, n));
    let ecr = m.get("ecr").and_then(|n| {
        let ep = format!("{p}.ecr");
        let e = map(cx, n, &ep, Some(&["repositories", "kms_required", "allowed_accounts"]), &["repositories"])?;
        let repositories = e
            .get("repositories")
            .and_then(|n| list(cx, n, &format!("{ep}.repositories"), true, |cx, i, ip| pattern(cx, i, ip, false)));
        let kms_required = match e.get("kms_required") {
            Some(n) => boolean(cx, n, &format!("{ep}.kms_required")),
            None => Some(false),
        };
        let allowed_accounts = match e.get("allowed_accounts") {
            Some(n) => list(cx, n, &format!("{ep}.allowed_accounts"), false, |cx, i, ip| {
                let s = string(cx, i, ip)?;
                if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) || s == "{account_id}" {
                    Some(s)
                } else {
                    cx.err(
                        Code::BaselineInvalidValue,
                        i.pos,
                        format!("{ip}: expected a 12-digit account id, found {s:?}"),
                    );
                    None
                }
            }),
            None => Some(Vec::new()),
        };
        Some(EcrSpec { repositories: repositories?, kms_required: kms_required?, allowed_accounts: allowed_accounts? })
    });
    let irsa = opt(m.get("irsa"), |n| {
        let ip = format!("{p}.irsa");
        let i = map(cx, n, &ip, Some(&["role", "service_accounts"]), &["role", "service_accounts"])?;
        let role = i.get("role").and_then(|n| pattern(cx, n, &format!("{ip}.role"), false));
        let sas = i.get("service_accounts").and_then(|n| {
            list(cx, n, &format!("{ip}.service_accounts"), true, |cx, item, sp| {
                let s = string(cx, item, sp)?;
                let parts: Vec<&str> = s.split(':').collect();
                let ok = parts.len() == 4
                    && parts[0] == "system"
                    && parts[1] == "serviceaccount"
                    && parts[2..].iter().all(|x| !x.is_empty() && !x.contains('*') && !x.contains('?'));
                if !ok {
                    cx.err(
                        Code::BaselineInvalidValue,
                        item.pos,
                        format!(
                            "{sp}: expected `system:serviceaccount:<namespace>:<name>` without wildcards, found {s:?}"
                        ),
                    );
                    return None;
                }
                Some(s)
            })
        });
        Some(IrsaSpec { role: role?, service_accounts: sas? })
    });
    let strings = |cx: &mut Ctx, k: &str| match m.get(k) {
        Some(n) => list(cx, n, &format!("{p}.{k}"), false, |cx, i, ip| pattern(cx, i, ip, false)),
        None => Some(Vec::new()),
    };
    let node_groups = strings(cx, "node_groups");
    let node_allowed_actions = strings(cx, "node_allowed_actions");
    let node_role = opt(m.get("node_role"), |n| pattern(cx, n, &format!("{p}.node_role"), false));
    let eks_log_types = match m.get("eks_log_types") {
        Some(n) => list(cx, n, &format!("{p}.eks_log_types"), false, |cx, i, ip| {
            let s = string(cx, i, ip)?;
            if LOG_TYPES.contains(&s.as_str()) {
                Some(s)
            } else {
                cx.err(
                    Code::BaselineInvalidValue,
                    i.pos,
                    format!("{ip}: unknown EKS log type {s:?} (expected one of {})", LOG_TYPES.join(", ")),
                );
                None
            }
        }),
        None => Some(Vec::new()),
    };
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

fn control_plane(cx: &mut Ctx, node: &RawNode) -> Option<ControlPlaneSpec> {
    let p = "architecture.compute.control_plane";
    let keys =
        &["host", "cluster", "service", "task_role", "execution_role", "read_only_root_filesystem", "non_privileged"];
    let m = map(cx, node, p, Some(keys), &["host", "service", "task_role"])?;
    let host = m.get("host").and_then(|n| {
        let s = string(cx, n, &format!("{p}.host"))?;
        if HOSTS.contains(&s.as_str()) {
            Some((s, n.pos))
        } else {
            cx.err(
                Code::BaselineInvalidValue,
                n.pos,
                format!("{p}.host: unknown host {s:?} (expected ecs or apprunner)"),
            );
            None
        }
    });
    let cluster = opt(m.get("cluster"), |n| pattern(cx, n, &format!("{p}.cluster"), false));
    if let (Some((h, pos)), Some(None)) = (&host, &cluster) {
        if h == "ecs" {
            cx.err(Code::BaselineInvalidValue, *pos, format!("{p}: host ecs needs `cluster` (the ECS cluster's name)"));
            return None;
        }
    }
    let service = m.get("service").and_then(|n| pattern(cx, n, &format!("{p}.service"), false));
    let task_role = m.get("task_role").and_then(|n| pattern(cx, n, &format!("{p}.task_role"), false));
    let execution_role = opt(m.get("execution_role"), |n| pattern(cx, n, &format!("{p}.execution_role"), false));
    let flag = |cx: &mut Ctx, k: &str| match m.get(k) {
        Some(n) => boolean(cx, n, &format!("{p}.{k}")),
        None => Some(false),
    };
    let read_only_root_filesystem = flag(cx, "read_only_root_filesystem");
    let non_privileged = flag(cx, "non_privileged");
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
