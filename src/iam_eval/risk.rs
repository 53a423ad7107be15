//! Risk classes over a principal's effective permissions.
//!
//! The classes are Cloudsplaining's (salesforce/cloudsplaining: privilege escalation, data
//! exfiltration, resource exposure, infrastructure modification), plus `admin` for `*` on `*`.
//! Privilege-escalation edges come from Rhino Security Labs' "AWS IAM Privilege Escalation –
//! Methods and Mitigation" (the research Cloudsplaining cites) and PMapper's edge checkers
//! (nccgroup/PMapper: IAM, STS, EC2, Lambda, CloudFormation, CodeBuild, SageMaker, Glue).
//!
//! Each probe is a concrete action asked on every resource (`*`), the way Cloudsplaining
//! flags actions "without resource constraints": a permission scoped to named resources is a
//! least-privilege question (FF-IAM-003), not a risk class. A combination (PassRole plus a
//! compute-creating action) holds only when every action of it is allowed.
//!
//! Departure from Cloudsplaining: `rds:CreateDBSnapshot` is not a data-exfiltration probe here.
//! A snapshot made in the same account moves no data out; sharing it needs
//! `rds:ModifyDBSnapshotAttribute` (a resource-exposure probe) or `rds:CopyDBSnapshot`.

use serde::Serialize;

#[cfg(test)]
use super::Context;
use super::{decide_with, Actions, PrincipalPolicies, Source, Stmt};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskClass {
    Admin,
    PrivilegeEscalation,
    DataExfiltration,
    ResourceExposure,
    InfrastructureModification,
}

impl RiskClass {
    pub fn is_admin_equivalent(self) -> bool {
        matches!(self, RiskClass::Admin | RiskClass::PrivilegeEscalation)
    }
}

/// One risk a principal holds: the probe (action or combination) and the statements granting it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Risk {
    pub class: RiskClass,
    /// The action, or the actions joined by ` + ` for a combination.
    pub probe: String,
    pub conditional: bool,
    pub granted_by: Vec<Source>,
    /// Where the edge is documented.
    pub reference: &'static str,
}

const RHINO: &str = "Rhino Security Labs, AWS IAM Privilege Escalation – Methods and Mitigation";
const PMAPPER: &str = "PMapper edge checkers (nccgroup/PMapper)";
const CLOUDSPLAINING: &str = "Cloudsplaining risk categories (salesforce/cloudsplaining)";

/// (class, actions that must all be allowed on `*`, reference).
const PROBES: &[(RiskClass, &[&str], &str)] = &[
    (RiskClass::Admin, &["*"], "AWS managed AdministratorAccess (Action * on Resource *)"),
    // Full IAM write: every escalation below at once.
    (RiskClass::PrivilegeEscalation, &["iam:*"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:CreatePolicyVersion"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:SetDefaultPolicyVersion"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:AttachUserPolicy"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:AttachGroupPolicy"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:AttachRolePolicy"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:PutUserPolicy"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:PutGroupPolicy"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:PutRolePolicy"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:AddUserToGroup"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:UpdateAssumeRolePolicy"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:CreateAccessKey"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:CreateLoginProfile"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:UpdateLoginProfile"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:DeleteRolePermissionsBoundary"], PMAPPER),
    (RiskClass::PrivilegeEscalation, &["iam:DeleteUserPermissionsBoundary"], PMAPPER),
    (RiskClass::PrivilegeEscalation, &["sts:AssumeRole"], PMAPPER),
    (RiskClass::PrivilegeEscalation, &["iam:PassRole", "ec2:RunInstances"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], RHINO),
    (
        RiskClass::PrivilegeEscalation,
        &["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
        RHINO,
    ),
    (RiskClass::PrivilegeEscalation, &["lambda:UpdateFunctionCode"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:PassRole", "glue:CreateDevEndpoint"], RHINO),
    (RiskClass::PrivilegeEscalation, &["glue:UpdateDevEndpoint"], RHINO),
    (RiskClass::PrivilegeEscalation, &["iam:PassRole", "cloudformation:CreateStack"], RHINO),
    (
        RiskClass::PrivilegeEscalation,
        &["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
        RHINO,
    ),
    (RiskClass::PrivilegeEscalation, &["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"], PMAPPER),
    (RiskClass::PrivilegeEscalation, &["iam:PassRole", "sagemaker:CreateNotebookInstance"], PMAPPER),
    (RiskClass::PrivilegeEscalation, &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"], PMAPPER),
    (RiskClass::PrivilegeEscalation, &["ssm:SendCommand"], PMAPPER),
    (RiskClass::DataExfiltration, &["s3:GetObject"], CLOUDSPLAINING),
    (RiskClass::DataExfiltration, &["secretsmanager:GetSecretValue"], CLOUDSPLAINING),
    (RiskClass::DataExfiltration, &["ssm:GetParameter"], CLOUDSPLAINING),
    (RiskClass::DataExfiltration, &["ssm:GetParameters"], CLOUDSPLAINING),
    (RiskClass::DataExfiltration, &["ssm:GetParametersByPath"], CLOUDSPLAINING),
    (RiskClass::DataExfiltration, &["rds:CopyDBSnapshot"], CLOUDSPLAINING),
    (RiskClass::DataExfiltration, &["kms:Decrypt"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["s3:PutBucketPolicy"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["s3:DeleteBucketPolicy"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["s3:PutBucketAcl"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["s3:PutObjectAcl"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["s3:PutBucketPublicAccessBlock"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["s3:PutAccountPublicAccessBlock"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["kms:PutKeyPolicy"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["kms:CreateGrant"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["secretsmanager:PutResourcePolicy"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["lambda:AddPermission"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["ec2:ModifySnapshotAttribute"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["rds:ModifyDBSnapshotAttribute"], CLOUDSPLAINING),
    (RiskClass::ResourceExposure, &["ram:CreateResourceShare"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["ec2:AuthorizeSecurityGroupIngress"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["ec2:CreateRoute"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["ec2:TerminateInstances"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["ec2:DeleteFlowLogs"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["rds:DeleteDBInstance"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["rds:ModifyDBInstance"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["s3:DeleteBucket"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["s3:PutObject"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["s3:DeleteObject"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["kms:ScheduleKeyDeletion"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["secretsmanager:DeleteSecret"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["eks:UpdateClusterConfig"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["elasticloadbalancing:DeleteLoadBalancer"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["cloudtrail:StopLogging"], CLOUDSPLAINING),
    (RiskClass::InfrastructureModification, &["config:StopConfigurationRecorder"], CLOUDSPLAINING),
];

/// The risks a principal holds on every resource, sorted.
#[cfg(test)]
pub fn classify(p: &PrincipalPolicies, cx: &Context) -> Vec<Risk> {
    classify_with(p, cx.scp_stmts().as_deref())
}

/// The distinct actions the probes ask about, in order of first use.
fn probe_actions() -> &'static [&'static str] {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut out: Vec<&'static str> = Vec::new();
        for (_, actions, _) in PROBES {
            for a in *actions {
                if !out.contains(a) {
                    out.push(a);
                }
            }
        }
        out
    })
}

thread_local! {
    /// Action pattern → (the probe actions it overlaps, those it covers), per worker thread.
    static MASKS: std::cell::RefCell<std::collections::HashMap<String, (u128, u128)>> = Default::default();
}

/// The probe actions some Allow statement of `p` may grant (overlapping its `Action`, or not
/// excluded by its `NotAction`): a probe whose action none may grant is not allowed, and is
/// not asked (the principal's statements are compared with each probe action once per distinct
/// pattern, not once per probe and statement).
fn grantable(p: &PrincipalPolicies) -> u128 {
    let probes = probe_actions();
    let mask = |pattern: &str| -> (u128, u128) {
        MASKS.with(|m| {
            if let Some(&x) = m.borrow().get(pattern) {
                return x;
            }
            let (mut over, mut cov) = (0u128, 0u128);
            for (i, a) in probes.iter().enumerate() {
                if super::glob::action_overlaps(pattern, a) {
                    over |= 1 << i;
                }
                if super::glob::action_covers(pattern, a) {
                    cov |= 1 << i;
                }
            }
            m.borrow_mut().insert(pattern.to_owned(), (over, cov));
            (over, cov)
        })
    };
    let all = if probes.len() >= 128 { u128::MAX } else { (1u128 << probes.len()) - 1 };
    let mut out = 0u128;
    for s in p.identity.iter().filter(|s| s.st.effect == "Allow") {
        if s.st.not_action.is_empty() {
            for a in &s.st.action {
                out |= mask(a).0;
            }
        } else {
            let excluded = s.st.not_action.iter().fold(0u128, |m, a| m | mask(a).1);
            out |= all & !excluded;
        }
    }
    out
}

/// [`classify`] with the SCPs' statements already read.
pub(crate) fn classify_with(p: &PrincipalPolicies, scps: Option<&[Stmt]>) -> Vec<Risk> {
    let mut out = Vec::new();
    let probes = probe_actions();
    let grantable = grantable(p);
    let may = |a: &str| probes.iter().position(|x| *x == a).is_none_or(|i| grantable & (1 << i) != 0);
    for (class, actions, reference) in PROBES {
        if !actions.iter().all(|a| may(a)) {
            continue;
        }
        let decisions: Vec<_> =
            actions.iter().map(|a| decide_with(p, scps, &Actions::Pattern((*a).to_owned()), "*", &p.facts)).collect();
        // A probe holds when every action is allowed for the whole request (on every resource).
        if !decisions.iter().all(|d| d.allowed && !d.partial) {
            continue;
        }
        let mut granted_by: Vec<Source> = decisions.iter().flat_map(|d| d.granted_by.iter().cloned()).collect();
        granted_by.sort();
        granted_by.dedup();
        out.push(Risk {
            class: *class,
            probe: actions.join(" + "),
            conditional: decisions.iter().any(|d| d.conditional),
            granted_by,
            reference,
        });
    }
    out.sort();
    out
}
