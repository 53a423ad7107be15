//! What a verdict of the privilege-escalation graph carries, so a reviewer can check it without
//! redoing the analysis: the catalogue of edge kinds ([`EDGE_KINDS`], each with the actions it
//! needs and the published entry it implements), one [`Step`] per hop of a chain (who acts,
//! the action, the resource, what it gains, the statements granting it), and the chain as text
//! (`flowforge-audit explain`, finding messages).
//!
//! Citations: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
//! (methods numbered 1–21 as published); PMapper (nccgroup/PMapper) edge checkers
//! (`principalmapper/graphing/*_edges.py`) and its administrator test (`gathering.py`,
//! `update_admin_status`); pathfinding.cloud (DataDog/pathfinding.cloud, `data/paths/*/*.yaml`,
//! by path id).

use serde::Serialize;

/// One edge kind: its id (evidence, docs), what it needs, where it is documented, and whether
/// it is UNKNOWN by design until a collection shows the compute it uses.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EdgeKind {
    pub id: &'static str,
    /// The actions it needs, as text.
    pub actions: &'static str,
    pub reference: &'static str,
    /// The collection this edge waits for (`None`: decided from the snapshot as it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_for: Option<&'static str>,
}

macro_rules! kinds {
    ($($name:ident = $id:literal, $actions:literal, $reference:literal $(, waits $coll:literal)?;)*) => {
        $(pub(crate) const $name: &EdgeKind =
            &EdgeKind { id: $id, actions: $actions, reference: $reference, waits_for: kinds!(@w $($coll)?) };)*
        /// Every edge kind the graph knows, in the order the docs list them.
        pub const EDGE_KINDS: &[&EdgeKind] = &[$($name),*];
    };
    (@w) => { None };
    (@w $c:literal) => { Some($c) };
}

kinds! {
    ADMINISTRATOR = "administrator", "* on *",
        "AWS managed policy AdministratorAccess (Action * on Resource *); PMapper gathering.py is_admin";
    FULL_IAM_WRITE = "full-iam-write", "iam:* on *",
        "Rhino methods 1-14 at once; PMapper gathering.py update_admin_status";
    ASSUME_ROLE = "assume-role", "sts:AssumeRole on the role, and the role's trust policy admitting the caller",
        "pathfinding.cloud sts-001; PMapper sts_edges.py";
    PUT_POLICY = "put-policy", "iam:PutUserPolicy / iam:PutRolePolicy / iam:PutGroupPolicy on the target",
        "Rhino methods 10, 12, 11; pathfinding.cloud iam-007, iam-005, iam-011, iam-017, iam-018, iam-021";
    ATTACH_POLICY = "attach-policy", "iam:AttachUserPolicy / iam:AttachRolePolicy / iam:AttachGroupPolicy of an administrator policy on the target",
        "Rhino methods 7, 9, 8; pathfinding.cloud iam-008, iam-009, iam-010, iam-014, iam-015, iam-019";
    CREATE_POLICY_VERSION = "create-policy-version", "iam:CreatePolicyVersion on a customer managed policy attached to the target",
        "Rhino method 1; pathfinding.cloud iam-001, iam-016, iam-020; PMapper gathering.py";
    SET_DEFAULT_POLICY_VERSION = "set-default-policy-version", "iam:SetDefaultPolicyVersion on a managed policy attached to the target",
        "Rhino method 2";
    ADD_USER_TO_GROUP = "add-user-to-group", "iam:AddUserToGroup on a group that reaches administrator",
        "Rhino method 13; pathfinding.cloud iam-013";
    REMOVE_DENY = "remove-deny", "iam:Delete{User,Role,Group}Policy / iam:Detach{User,Role,Group}Policy of the policy holding the Deny that keeps the target from administrator",
        "IAM User Guide, policy evaluation logic (an explicit Deny overrides the Allow; remove it and the Allow stands)";
    REMOVE_BOUNDARY = "remove-boundary", "iam:Delete{User,Role}PermissionsBoundary or iam:Put{User,Role}PermissionsBoundary on a target whose own policies are administrator",
        "IAM User Guide, permissions boundaries; PMapper local policy simulation (boundaries)";
    UPDATE_ASSUME_ROLE_POLICY = "update-assume-role-policy", "iam:UpdateAssumeRolePolicy on the role (then sts:AssumeRole)",
        "Rhino method 14; pathfinding.cloud iam-012; PMapper iam_edges.py";
    CREATE_ACCESS_KEY = "create-access-key", "iam:CreateAccessKey on another user",
        "Rhino method 4; pathfinding.cloud iam-002, iam-003; PMapper iam_edges.py";
    CREATE_LOGIN_PROFILE = "create-login-profile", "iam:CreateLoginProfile on another user",
        "Rhino method 5; pathfinding.cloud iam-004; PMapper iam_edges.py";
    UPDATE_LOGIN_PROFILE = "update-login-profile", "iam:UpdateLoginProfile on another user",
        "Rhino method 6; pathfinding.cloud iam-006; PMapper iam_edges.py";
    CREATE_PRINCIPAL = "create-principal", "iam:CreateRole + iam:PutRolePolicy or iam:AttachRolePolicy (or iam:CreateUser + a user policy + iam:CreateAccessKey) without a forced permissions boundary",
        "PMapper gathering.py update_admin_status (create a role and attach AdministratorAccess)";
    PASSROLE_EC2 = "passrole-ec2", "iam:PassRole + ec2:RunInstances (or ec2:RequestSpotInstances) with a role in an instance profile",
        "Rhino method 3; pathfinding.cloud ec2-001, ec2-003; PMapper ec2_edges.py";
    PASSROLE_LAMBDA = "passrole-lambda", "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction, lambda:CreateEventSourceMapping or lambda:AddPermission",
        "Rhino methods 15, 16; pathfinding.cloud lambda-001, lambda-002, lambda-006; PMapper lambda_edges.py";
    PASSROLE_GLUE = "passrole-glue", "iam:PassRole + glue:CreateDevEndpoint (or glue:CreateJob + glue:StartJobRun or glue:CreateTrigger)",
        "Rhino method 18; pathfinding.cloud glue-001, glue-003, glue-004; PMapper glue_edges.py";
    PASSROLE_CLOUDFORMATION = "passrole-cloudformation", "iam:PassRole + cloudformation:CreateStack (or CreateStackSet + CreateStackInstances)",
        "Rhino method 20; pathfinding.cloud cloudformation-001, cloudformation-003; PMapper cloudformation_edges.py";
    PASSROLE_CODEBUILD = "passrole-codebuild", "iam:PassRole + codebuild:CreateProject + codebuild:StartBuild (or StartBuildBatch)",
        "pathfinding.cloud codebuild-001, codebuild-004; PMapper codebuild_edges.py";
    PASSROLE_DATAPIPELINE = "passrole-datapipeline", "iam:PassRole + datapipeline:CreatePipeline + datapipeline:PutPipelineDefinition",
        "Rhino method 21; pathfinding.cloud datapipeline-001; PMapper datapipeline_edges.py";
    PASSROLE_SAGEMAKER = "passrole-sagemaker", "iam:PassRole + sagemaker:CreateNotebookInstance, CreateTrainingJob or CreateProcessingJob",
        "pathfinding.cloud sagemaker-001, sagemaker-002, sagemaker-003; PMapper sagemaker_edges.py";
    PASSROLE_ECS = "passrole-ecs", "iam:PassRole + ecs:RegisterTaskDefinition + ecs:RunTask, ecs:StartTask or ecs:CreateService",
        "pathfinding.cloud ecs-001 to ecs-005; PMapper ecs_edges.py";
    PASSROLE_APPRUNNER = "passrole-apprunner", "iam:PassRole + apprunner:CreateService",
        "pathfinding.cloud apprunner-001";
    SSM_SEND_COMMAND = "ssm-send-command", "ssm:SendCommand on an instance whose profile holds the role",
        "pathfinding.cloud ssm-002; PMapper ssm_edges.py";
    SSM_START_SESSION = "ssm-start-session", "ssm:StartSession on an instance whose profile holds the role",
        "pathfinding.cloud ssm-001; PMapper ssm_edges.py";
    EC2_INSTANCE_CONNECT = "ec2-instance-connect", "ec2-instance-connect:SendSSHPublicKey on an instance whose profile holds the role",
        "pathfinding.cloud ec2instanceconnect-003";
    APPRUNNER_UPDATE_SERVICE = "apprunner-update-service", "apprunner:UpdateService on a service running as the role",
        "pathfinding.cloud apprunner-002";
    LAMBDA_UPDATE_CODE = "lambda-update-code", "lambda:UpdateFunctionCode on a function running as the role",
        "Rhino method 17; pathfinding.cloud lambda-003, lambda-004, lambda-005; PMapper lambda_edges.py";
    GLUE_UPDATE_DEV_ENDPOINT = "glue-update-dev-endpoint", "glue:UpdateDevEndpoint on a development endpoint running as the role",
        "Rhino method 19; pathfinding.cloud glue-002", waits "glue.dev_endpoints";
    CLOUDFORMATION_UPDATE_STACK = "cloudformation-update-stack", "cloudformation:UpdateStack (or CreateChangeSet + ExecuteChangeSet) on a stack with the role as service role",
        "pathfinding.cloud cloudformation-002, cloudformation-005; PMapper cloudformation_edges.py";
    SAGEMAKER_NOTEBOOK_URL = "sagemaker-notebook-url", "sagemaker:CreatePresignedNotebookInstanceUrl on a notebook instance running as the role",
        "pathfinding.cloud sagemaker-004; PMapper sagemaker_edges.py", waits "sagemaker.notebook_instances";
    CODEBUILD_START_BUILD = "codebuild-start-build", "codebuild:StartBuild (or StartBuildBatch) with a buildspec override on a project with the role",
        "pathfinding.cloud codebuild-002, codebuild-003";
}

/// The edge kinds as the Markdown table of `docs/iam-evaluation.md` ("Edge kinds"); a test fails
/// when the docs differ.
pub fn edge_kinds_table() -> String {
    let mut s = String::from("| edge kind | needs | implements |\n| --- | --- | --- |\n");
    for k in EDGE_KINDS {
        let waits = k.waits_for.map(|w| format!(" (UNKNOWN until `{w}` is collected)")).unwrap_or_default();
        s.push_str(&format!("| `{}` | {} | {}{waits} |\n", k.id, k.actions, k.reference));
    }
    s
}

/// One hop of a chain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Step {
    /// The principal acting (its ARN).
    pub actor: String,
    /// The edge kind ([`EDGE_KINDS`]).
    pub edge: &'static str,
    /// The action(s), joined by ` + `.
    pub action: String,
    /// What it acts on: the role, user, group, policy, instance or service.
    pub resource: String,
    /// What the actor gains: a principal's ARN, or `administrator`.
    pub gains: String,
    /// The statements granting it (`policy#index` or `policy#sid`), the target's trust included.
    pub granted_by: Vec<String>,
    /// The step holds only under a condition, or depends on something the snapshot does not fix.
    pub conditional: bool,
    /// Why the step cannot be decided from the snapshot (UNKNOWN), when so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub reference: &'static str,
}

/// What the administrator node is called in chains.
pub const ADMINISTRATOR_NODE: &str = "administrator";

impl Step {
    /// `actor --action on resource--> gains [granted by ...]`, one line.
    pub fn text(&self) -> String {
        let mut s = format!("{} --[{}", short(&self.actor), self.action);
        if !self.resource.is_empty() && self.resource != self.gains {
            s.push_str(&format!(" on {}", self.resource));
        }
        s.push_str(&format!("]--> {}", short(&self.gains)));
        if !self.granted_by.is_empty() {
            s.push_str(&format!(" (granted by {})", self.granted_by.join(", ")));
        }
        if let Some(u) = &self.unknown {
            s.push_str(&format!(" [UNKNOWN: {u}]"));
        } else if self.conditional {
            s.push_str(" [conditional]");
        }
        s
    }
}

/// A principal's ARN shortened to `kind/name` for chain text (the full ARN is in the evidence).
pub fn short(arn: &str) -> String {
    if arn == ADMINISTRATOR_NODE {
        return arn.to_owned();
    }
    match arn.split_once(":iam::") {
        Some((_, rest)) => rest.split_once(':').map(|(_, r)| r.to_owned()).unwrap_or_else(|| rest.to_owned()),
        None => arn.to_owned(),
    }
}

/// A chain as one line: `user/a --[sts:AssumeRole]--> role/b ; role/b --[...]--> administrator`.
pub fn chain_text(steps: &[Step]) -> String {
    steps.iter().map(Step::text).collect::<Vec<_>>().join(" ; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every edge kind has a distinct id, its actions and a citation; the UNKNOWN-by-design
    /// ones name the collection they wait for.
    #[test]
    fn edge_kinds_are_unique_and_cited() {
        let mut ids: Vec<&str> = EDGE_KINDS.iter().map(|k| k.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), EDGE_KINDS.len());
        for k in EDGE_KINDS {
            assert!(!k.actions.is_empty() && !k.reference.is_empty(), "{}", k.id);
            assert!(k.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()), "{}", k.id);
        }
        // The kinds "UNKNOWN until collected" are exactly those whose compute the inventory does
        // not collect, and none of those is a registry collection.
        let mut waits: Vec<&str> = EDGE_KINDS.iter().filter_map(|k| k.waits_for).collect();
        waits.sort_unstable();
        let mut uncollected =
            [super::super::inventory::GLUE_DEV_ENDPOINTS, super::super::inventory::SAGEMAKER_NOTEBOOKS];
        uncollected.sort_unstable();
        assert_eq!(waits, uncollected);
        assert!(waits.iter().all(|w| crate::model::collection_info(w).is_none()));
    }

    /// Chain text names the actor, action, resource and the granting statements.
    #[test]
    fn step_text() {
        let s = Step {
            actor: "arn:aws:iam::123456789012:user/alice".into(),
            edge: ASSUME_ROLE.id,
            action: "sts:AssumeRole".into(),
            resource: "arn:aws:iam::123456789012:role/admin".into(),
            gains: "arn:aws:iam::123456789012:role/admin".into(),
            granted_by: vec!["inline:p#0".into(), "trust#0".into()],
            conditional: true,
            unknown: None,
            notes: vec![],
            reference: ASSUME_ROLE.reference,
        };
        assert_eq!(
            s.text(),
            "user/alice --[sts:AssumeRole]--> role/admin (granted by inline:p#0, trust#0) [conditional]"
        );
    }
}
