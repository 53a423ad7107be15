//! Running code on compute that already runs as a role: SSM SendCommand/StartSession and EC2
//! Instance Connect on an instance whose instance profile holds the role, App Runner
//! UpdateService, Lambda UpdateFunctionCode, Glue UpdateDevEndpoint, CloudFormation
//! UpdateStack (or a change set), a SageMaker notebook's presigned URL, CodeBuild StartBuild.
//!
//! The compute comes from [`super::super::inventory`]. Where the snapshot cannot show it (a
//! kind not collected, a failed collection, an instance whose profile's role is unknown), the
//! edge is UNKNOWN, never absent: the caller reaches, through one "unknown compute" node per
//! kind and reason, every role that service may assume; the reason names the collection.

use super::super::graph::{NodeId, Tier};
use super::super::inventory::ComputeKind;
use super::super::witness::{
    EdgeKind, APPRUNNER_UPDATE_SERVICE, CLOUDFORMATION_UPDATE_STACK, CODEBUILD_START_BUILD, EC2_INSTANCE_CONNECT,
    GLUE_UPDATE_DEV_ENDPOINT, LAMBDA_UPDATE_CODE, SAGEMAKER_NOTEBOOK_URL, SSM_SEND_COMMAND, SSM_START_SESSION,
};
use super::{labels, patterns, tier_of, Asker, Builder};

struct Existing {
    kind: &'static EdgeKind,
    combos: &'static [&'static [&'static str]],
    compute: ComputeKind,
}

const EXISTING: &[Existing] = &[
    Existing { kind: SSM_SEND_COMMAND, combos: &[&["ssm:SendCommand"]], compute: ComputeKind::Ec2Instance },
    Existing { kind: SSM_START_SESSION, combos: &[&["ssm:StartSession"]], compute: ComputeKind::Ec2Instance },
    Existing {
        kind: EC2_INSTANCE_CONNECT,
        combos: &[&["ec2-instance-connect:SendSSHPublicKey"]],
        compute: ComputeKind::Ec2Instance,
    },
    Existing {
        kind: APPRUNNER_UPDATE_SERVICE,
        combos: &[&["apprunner:UpdateService"]],
        compute: ComputeKind::AppRunnerService,
    },
    Existing {
        kind: LAMBDA_UPDATE_CODE,
        combos: &[&["lambda:UpdateFunctionCode"]],
        compute: ComputeKind::LambdaFunction,
    },
    Existing {
        kind: GLUE_UPDATE_DEV_ENDPOINT,
        combos: &[&["glue:UpdateDevEndpoint"]],
        compute: ComputeKind::GlueDevEndpoint,
    },
    Existing {
        kind: CLOUDFORMATION_UPDATE_STACK,
        combos: &[
            &["cloudformation:UpdateStack"],
            &["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
        ],
        compute: ComputeKind::CloudFormationStack,
    },
    Existing {
        kind: SAGEMAKER_NOTEBOOK_URL,
        combos: &[&["sagemaker:CreatePresignedNotebookInstanceUrl"]],
        compute: ComputeKind::SageMakerNotebook,
    },
    Existing {
        kind: CODEBUILD_START_BUILD,
        combos: &[&["codebuild:StartBuild"], &["codebuild:StartBuildBatch"]],
        compute: ComputeKind::CodeBuildProject,
    },
];

/// The node standing for "some compute of this kind the snapshot cannot show", with its edges
/// to every role the service may assume (made once per kind and reason).
fn hub(b: &mut Builder<'_>, e: &Existing, reason: &str) -> Option<NodeId> {
    let label = format!("{} ({reason})", e.compute.service_principal());
    if let Some(&n) = b.out.hub_of.get(&label) {
        return Some(n);
    }
    let roles = b.trusting.get(e.compute.service_principal()).cloned().unwrap_or_default();
    if roles.is_empty() {
        return None;
    }
    let n = b.out.new_hub(b.ps.len(), label.clone());
    for (r, _, trust) in roles {
        let mut step = b.step(e.kind, n, "runs as", b.arn(r), r, vec![trust], Tier::Unknown);
        step.actor = format!("compute trusted by {}", e.compute.service_principal());
        step.unknown = Some(reason.to_owned());
        b.edge(n, r, Tier::Unknown, step);
    }
    Some(n)
}

pub(super) fn check(b: &mut Builder<'_>, a: &Asker<'_>) {
    for e in EXISTING {
        let Some(combo) = e.combos.iter().find(|c| c.iter().all(|x| a.has(x))) else { continue };
        let Some(first) = a.somewhere(combo[0]) else { continue };
        let mut decisions = vec![first];
        for x in &combo[1..] {
            match a.somewhere(x) {
                Some(d) => decisions.push(d),
                None => break,
            }
        }
        if decisions.len() < combo.len() {
            continue;
        }
        let action = combo.join(" + ");
        let Some(set) = b.inventory.get(e.compute).cloned() else { continue };
        let grants = a.grants(combo[0]);
        let mut ok = 0usize;
        let mut unknown: Vec<String> = set.gap.iter().cloned().collect();
        for item in &set.items {
            if !grants.iter().any(|g| g.resources.iter().any(|r| super::super::glob::covers(r, &item.arn))) {
                continue;
            }
            let role = match &item.role {
                Ok(r) => r.clone(),
                Err(why) => {
                    unknown.push(why.clone());
                    continue;
                }
            };
            let Some(rn) = b.node(&role) else { continue };
            if rn == a.node {
                continue;
            }
            let d = a.ask(combo[0], &item.arn, &a.p.facts);
            if !d.allowed {
                continue;
            }
            let mut tier = decisions.iter().map(tier_of).max().unwrap_or(Tier::Sure).max(tier_of(&d));
            let mut notes = d.notes.clone();
            if !item.running {
                tier = tier.max(Tier::Conditional);
                notes.push("the compute is not running (or, a stack, not updatable) now".into());
            }
            match e.kind.id {
                id if id == EC2_INSTANCE_CONNECT.id => {
                    tier = tier.max(Tier::Conditional);
                    notes.push("needs EC2 Instance Connect on the instance and SSH (port 22) reachable".into());
                }
                id if id == SSM_SEND_COMMAND.id || id == SSM_START_SESSION.id => {
                    let registers = b.principal(rn).is_some_and(|p| {
                        super::super::decide_with(
                            p,
                            b.scps,
                            &super::super::Actions::Pattern("ssm:UpdateInstanceInformation".into()),
                            "*",
                            &p.facts,
                        )
                        .allowed
                    });
                    if !registers {
                        tier = tier.max(Tier::Conditional);
                        notes.push("the instance role does not allow ssm:UpdateInstanceInformation: the instance is managed by SSM only through Default Host Management (not collected)".into());
                    }
                }
                _ => {}
            }
            let mut granted: Vec<String> = decisions.iter().flat_map(labels).collect();
            granted.extend(labels(&d));
            granted.sort();
            granted.dedup();
            let mut step = b.step(e.kind, a.node, &action, &item.arn, rn, granted, tier);
            step.notes = notes;
            b.edge(a.node, rn, tier, step);
            ok += 1;
        }
        unknown.sort();
        unknown.dedup();
        for reason in unknown {
            let Some(h) = hub(b, e, &reason) else { continue };
            let granted: Vec<String> = decisions.iter().flat_map(labels).collect();
            let mut step = b.step(
                e.kind,
                a.node,
                &action,
                &format!("compute run by {}", e.compute.service_principal()),
                h,
                granted,
                Tier::Unknown,
            );
            step.unknown = Some(reason.clone());
            b.edge(a.node, h, Tier::Unknown, step);
            ok += 1;
        }
        if ok == 0 {
            let why = if b.trusting.get(e.compute.service_principal()).is_none_or(|v| v.is_empty()) {
                format!("no role trusts {}", e.compute.service_principal())
            } else {
                "no such compute runs as a role in the account".to_owned()
            };
            b.broken(a.node, format!("{action} granted on {}: {why}", patterns(&grants)));
        }
    }
}
