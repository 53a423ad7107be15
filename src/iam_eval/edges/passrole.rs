//! Passing a role to new compute that runs code the caller chooses: iam:PassRole on the role
//! (with `iam:PassedToService` set to the service, so a PassRole limited to other services
//! does not count) plus the service's actions that create and run the compute. The role must
//! trust the service (decidable from IAM alone: no compute needs to exist yet); a role that is
//! no more privileged than the caller simply leads nowhere in the graph.

use super::super::condition::Domain;
use super::super::graph::Tier;
use super::super::witness::{
    EdgeKind, PASSROLE_APPRUNNER, PASSROLE_CLOUDFORMATION, PASSROLE_CODEBUILD, PASSROLE_DATAPIPELINE, PASSROLE_EC2,
    PASSROLE_ECS, PASSROLE_GLUE, PASSROLE_LAMBDA, PASSROLE_SAGEMAKER,
};
use super::assume::summarize;
use super::{labels, patterns, tier_of, why_not, Asker, Builder};
use crate::iam_eval::Decision;

/// One service: the edge kind, the service principals a role must trust, and the alternative
/// sets of actions (besides iam:PassRole) that create and run compute as the role.
struct Service {
    kind: &'static EdgeKind,
    principals: &'static [&'static str],
    combos: &'static [&'static [&'static str]],
}

const SERVICES: &[Service] = &[
    Service {
        kind: PASSROLE_EC2,
        principals: &["ec2.amazonaws.com"],
        combos: &[&["ec2:RunInstances"], &["ec2:RequestSpotInstances"]],
    },
    Service {
        kind: PASSROLE_LAMBDA,
        principals: &["lambda.amazonaws.com"],
        combos: &[
            &["lambda:CreateFunction", "lambda:InvokeFunction"],
            &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
            &["lambda:CreateFunction", "lambda:AddPermission"],
        ],
    },
    Service {
        kind: PASSROLE_GLUE,
        principals: &["glue.amazonaws.com"],
        combos: &[
            &["glue:CreateDevEndpoint"],
            &["glue:CreateJob", "glue:StartJobRun"],
            &["glue:CreateJob", "glue:CreateTrigger"],
        ],
    },
    Service {
        kind: PASSROLE_CLOUDFORMATION,
        principals: &["cloudformation.amazonaws.com"],
        combos: &[
            &["cloudformation:CreateStack"],
            &["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"],
        ],
    },
    Service {
        kind: PASSROLE_CODEBUILD,
        principals: &["codebuild.amazonaws.com"],
        combos: &[
            &["codebuild:CreateProject", "codebuild:StartBuild"],
            &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
        ],
    },
    Service {
        kind: PASSROLE_DATAPIPELINE,
        principals: &["datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com"],
        combos: &[&["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"]],
    },
    Service {
        kind: PASSROLE_SAGEMAKER,
        principals: &["sagemaker.amazonaws.com"],
        combos: &[
            &["sagemaker:CreateNotebookInstance"],
            &["sagemaker:CreateTrainingJob"],
            &["sagemaker:CreateProcessingJob"],
        ],
    },
    Service {
        kind: PASSROLE_ECS,
        principals: &["ecs-tasks.amazonaws.com"],
        combos: &[
            &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
            &["ecs:RegisterTaskDefinition", "ecs:StartTask"],
            &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
        ],
    },
    Service {
        kind: PASSROLE_APPRUNNER,
        principals: &["tasks.apprunner.amazonaws.com"],
        combos: &[&["apprunner:CreateService"]],
    },
];

/// The first set of actions the caller holds entirely, with the decisions.
fn held(a: &Asker<'_>, combos: &[&[&'static str]]) -> Option<Vec<(&'static str, Decision)>> {
    'combos: for combo in combos {
        let mut out = Vec::new();
        for action in *combo {
            if !a.has(action) {
                continue 'combos;
            }
            match a.somewhere(action) {
                Some(d) => out.push((*action, d)),
                None => continue 'combos,
            }
        }
        return Some(out);
    }
    None
}

pub(super) fn check(b: &mut Builder<'_>, a: &Asker<'_>) {
    if !a.has("iam:PassRole") {
        return;
    }
    let grants = a.grants("iam:PassRole");
    let passable: std::collections::HashSet<u32> = b.candidates(&b.roles, &grants).into_iter().collect();
    let mut any = false;
    let mut notes_all = Vec::new();
    for svc in SERVICES {
        let Some(actions) = held(a, svc.combos) else { continue };
        let combo_tier = actions.iter().map(|(_, d)| tier_of(d)).max().unwrap_or(Tier::Sure);
        let combo_labels: Vec<String> = actions.iter().flat_map(|(_, d)| labels(d)).collect();
        let action =
            std::iter::once("iam:PassRole").chain(actions.iter().map(|(x, _)| *x)).collect::<Vec<_>>().join(" + ");
        let mut trusted: Vec<(u32, Tier, String, &str)> = Vec::new();
        for principal in svc.principals {
            for (r, t, l) in b.trusting.get(*principal).into_iter().flatten() {
                trusted.push((*r, *t, l.clone(), principal));
            }
        }
        if trusted.is_empty() {
            notes_all.push(format!("{action}: no role trusts {}", svc.principals.join(" or ")));
            continue;
        }
        let (mut ok, mut refused) = (0usize, Vec::new());
        for (r, trust_tier, trust_label, principal) in trusted {
            if r == a.node || !passable.contains(&r) {
                continue;
            }
            let target = b.target(r);
            let facts =
                a.facts_on(Some(&target)).with("iam:passedtoservice", Domain::Values(vec![principal.to_owned()]));
            let d = a.ask("iam:PassRole", target.arn, &facts);
            if !d.allowed {
                refused.push(format!("{} ({})", target.arn, why_not(&d)));
                continue;
            }
            let mut tier = tier_of(&d).max(combo_tier).max(trust_tier);
            let mut notes = d.notes.clone();
            if svc.kind.id == PASSROLE_EC2.id {
                // An instance runs as a role through an instance profile.
                let profiles = b.role_of.get(&r).and_then(|role| role.instance_profiles.as_ref());
                match profiles {
                    Some(p) if !p.is_empty() => {}
                    Some(_) => {
                        match (a.somewhere("iam:CreateInstanceProfile"), a.somewhere("iam:AddRoleToInstanceProfile")) {
                            (Some(x), Some(y)) => {
                                tier = tier.max(tier_of(&x)).max(tier_of(&y));
                                notes.push("the role is in no instance profile: the caller creates one".into());
                            }
                            _ => {
                                refused.push(format!("{} (in no instance profile, and none can be made)", target.arn));
                                continue;
                            }
                        }
                    }
                    None => {
                        tier = tier.max(Tier::Conditional);
                        notes.push("whether the role is in an instance profile is not in the snapshot".into());
                    }
                }
            }
            let mut granted = labels(&d);
            granted.extend(combo_labels.iter().cloned());
            granted.push(trust_label);
            granted.sort();
            granted.dedup();
            let mut step = b.step(svc.kind, a.node, &action, target.arn, r, granted, tier);
            step.notes = notes;
            b.edge(a.node, r, tier, step);
            ok += 1;
        }
        any |= ok > 0;
        if ok == 0 {
            notes_all.push(format!(
                "{action}: no role that {} may assume is passable{}",
                svc.principals.join(" or "),
                if refused.is_empty() { String::new() } else { format!(" ({})", summarize(&refused)) }
            ));
        }
    }
    if !any {
        let why = if notes_all.is_empty() {
            "no compute-creating action is held with it".to_owned()
        } else {
            notes_all.join("; ")
        };
        b.broken(a.node, format!("iam:PassRole granted on {}: {why}", patterns(&grants)));
    }
}
