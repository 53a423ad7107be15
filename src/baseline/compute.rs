//! The baseline's compute sections: `architecture.eks_cluster`, the EKS cluster of the data
//! plane, and `architecture.compute`: where the control plane runs (ECS/Fargate or App
//! Runner), the ECR repositories images are built into, the IRSA identity of the Prefect
//! workers and the EKS data plane's node groups and node role (FlowForge Deployment Guide –
//! AWS, "Deployment Steps / 2. Deploy Data Plane", "4. Deploy Control Plane" and "5. Register
//! Prefect Deployments"). Validated by `validate::compute`; read by the ECS, App Runner, ECR,
//! EKS and IRSA checks as `data.baseline.architecture.compute` and by
//! `drift::architecture::compute`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EksClusterSpec {
    pub name: String,
}

/// `architecture.compute`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComputeSpec {
    pub control_plane: ControlPlaneSpec,
    pub ecr: EcrSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irsa: Option<IrsaSpec>,
    /// Managed node group names (patterns) of the EKS cluster.
    #[serde(default)]
    pub node_groups: Vec<String>,
    /// The node instance role's name (pattern).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_role: Option<String>,
    /// What the node role may be granted (IAM action patterns): what the kubelet, the VPC
    /// CNI and image pulls need, and nothing a worker pod should get through the node.
    #[serde(default)]
    pub node_allowed_actions: Vec<String>,
    /// EKS control-plane log types that must be enabled.
    #[serde(default)]
    pub eks_log_types: Vec<String>,
}

/// Where the Next.js UI/API runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlPlaneSpec {
    /// `ecs` or `apprunner`.
    pub host: String,
    /// The ECS cluster's name (pattern); ECS only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The ECS or App Runner service's name (pattern).
    pub service: String,
    /// The task (ECS) or instance (App Runner) role's name (pattern).
    pub task_role: String,
    /// The ECS task execution role's name (pattern): pulls images and reads the secrets to
    /// inject, separate from the task role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role: Option<String>,
    /// Containers must run with a read-only root filesystem.
    #[serde(default)]
    pub read_only_root_filesystem: bool,
    /// Containers must not be privileged.
    #[serde(default)]
    pub non_privileged: bool,
}

/// The ECR repositories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcrSpec {
    /// Repository names (patterns) for the UI and the flow images.
    pub repositories: Vec<String>,
    /// Repositories must be encrypted with KMS (not AES256).
    #[serde(default)]
    pub kms_required: bool,
    /// Account ids a repository policy may grant access to besides this account.
    #[serde(default)]
    pub allowed_accounts: Vec<String>,
}

/// The Prefect workers' IAM role for service accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IrsaSpec {
    /// The role's name (pattern).
    pub role: String,
    /// The `sub` values the role's trust may name (`system:serviceaccount:<ns>:<sa>`).
    pub service_accounts: Vec<String>,
}
