//! The compute that already runs as a role, as the privilege-escalation graph's "run code on
//! existing compute" edges need it: which instance, function, stack, notebook, project or
//! service runs as which role, or why the snapshot cannot say.
//!
//! This is the one place those edges read the snapshot's compute from. A kind the snapshot
//! does not collect yet is [`ComputeSet::not_collected`]: its edges are UNKNOWN, with the
//! collection named, toward every role that service may assume (never silently absent). A
//! collection that failed in a region leaves a `gap` with the same effect. Adding a collection
//! (Lambda functions, Glue development endpoints, CloudFormation stacks, SageMaker notebook
//! instances, CodeBuild projects) only changes [`Inventory::from_snapshot`].

use std::collections::{BTreeMap, HashMap};

use crate::model::Snapshot;

/// A kind of compute that runs as a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComputeKind {
    Ec2Instance,
    AppRunnerService,
    LambdaFunction,
    GlueDevEndpoint,
    CloudFormationStack,
    SageMakerNotebook,
    CodeBuildProject,
}

impl ComputeKind {
    /// The service principal a role must trust to be this compute's role.
    pub fn service_principal(self) -> &'static str {
        match self {
            ComputeKind::Ec2Instance => "ec2.amazonaws.com",
            ComputeKind::AppRunnerService => "tasks.apprunner.amazonaws.com",
            ComputeKind::LambdaFunction => "lambda.amazonaws.com",
            ComputeKind::GlueDevEndpoint => "glue.amazonaws.com",
            ComputeKind::CloudFormationStack => "cloudformation.amazonaws.com",
            ComputeKind::SageMakerNotebook => "sagemaker.amazonaws.com",
            ComputeKind::CodeBuildProject => "codebuild.amazonaws.com",
        }
    }
}

/// One piece of compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compute {
    pub arn: String,
    /// The role it runs as; `Err(reason)` when the snapshot cannot tell.
    pub role: Result<String, String>,
    /// Whether it runs now (an instance that is stopped must be started first).
    pub running: bool,
}

/// What the snapshot shows of one kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComputeSet {
    pub items: Vec<Compute>,
    /// Why more of this compute may exist than the snapshot shows (not collected, or a failed
    /// call), naming the collection.
    pub gap: Option<String>,
}

impl ComputeSet {
    /// A kind the snapshot has no collection for.
    pub fn not_collected(collection: &str) -> Self {
        ComputeSet { items: Vec::new(), gap: Some(format!("{collection} not collected")) }
    }
}

/// Every kind, from one snapshot.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub sets: BTreeMap<ComputeKind, ComputeSet>,
}

impl Inventory {
    /// The compute of a snapshot: EC2 instances (their instance profile's role, from the roles'
    /// `instance_profiles`) and App Runner services (`instance_role_arn`) are collected; Lambda
    /// functions, Glue development endpoints, CloudFormation stacks, SageMaker notebook
    /// instances and CodeBuild projects are not (yet).
    pub fn from_snapshot(s: &Snapshot) -> Self {
        let mut sets = BTreeMap::new();
        sets.insert(ComputeKind::Ec2Instance, ec2(s));
        sets.insert(ComputeKind::AppRunnerService, apprunner(s));
        sets.insert(ComputeKind::LambdaFunction, ComputeSet::not_collected("lambda.functions"));
        sets.insert(ComputeKind::GlueDevEndpoint, ComputeSet::not_collected("glue.dev_endpoints"));
        sets.insert(ComputeKind::CloudFormationStack, ComputeSet::not_collected("cloudformation.stacks"));
        sets.insert(ComputeKind::SageMakerNotebook, ComputeSet::not_collected("sagemaker.notebook_instances"));
        sets.insert(ComputeKind::CodeBuildProject, ComputeSet::not_collected("codebuild.projects"));
        Inventory { sets }
    }

    pub fn get(&self, kind: ComputeKind) -> Option<&ComputeSet> {
        self.sets.get(&kind)
    }
}

/// Why a collection failed, from the snapshot's collection errors of `service`/`operations`.
fn failed(s: &Snapshot, service: &str, operations: &[&str], collection: &str) -> Option<String> {
    let mut regions: Vec<String> = s
        .collection_errors
        .iter()
        .filter(|e| e.service == service && operations.contains(&e.operation.as_str()) && e.resource.is_none())
        .map(|e| format!("{} ({})", e.region, e.error_code))
        .collect();
    regions.sort();
    regions.dedup();
    (!regions.is_empty()).then(|| format!("{collection} could not be collected in {}", regions.join(", ")))
}

fn ec2(s: &Snapshot) -> ComputeSet {
    // Instance profile → roles, when the snapshot keeps the roles' instance profiles.
    let collected = s.iam.roles.iter().all(|r| r.instance_profiles.is_some());
    let mut by_profile: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &s.iam.roles {
        for p in r.instance_profiles.iter().flatten() {
            by_profile.entry(p.as_str()).or_default().push(&r.meta.arn);
        }
    }
    let mut items = Vec::new();
    for i in &s.ec2.instances {
        let Some(profile) = &i.iam_instance_profile_arn else { continue };
        let running = i.state.is_empty() || i.state == "running";
        match by_profile.get(profile.as_str()) {
            Some(roles) => items.extend(roles.iter().map(|r| Compute { arn: i.meta.arn.clone(), role: Ok((*r).to_owned()), running })),
            None if collected => {} // a profile without a role of this account: no role to gain
            None => items.push(Compute {
                arn: i.meta.arn.clone(),
                role: Err(format!(
                    "the roles of instance profile {profile} are not in the snapshot (iam.roles instance_profiles not collected)"
                )),
                running,
            }),
        }
    }
    ComputeSet { items, gap: failed(s, "ec2", &["DescribeInstances"], "ec2.instances") }
}

fn apprunner(s: &Snapshot) -> ComputeSet {
    let items = s
        .apprunner
        .services
        .iter()
        .filter_map(|svc| {
            svc.instance_role_arn.as_ref().map(|r| Compute {
                arn: svc.meta.arn.clone(),
                role: Ok(r.clone()),
                running: svc.status.is_empty() || svc.status == "RUNNING",
            })
        })
        .collect();
    ComputeSet { items, gap: failed(s, "apprunner", &["ListServices", "DescribeService"], "apprunner.services") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::Instance;
    use crate::aws::iam::Role;
    use crate::model::ResourceMeta;

    fn snapshot(profiles: Option<Vec<String>>) -> Snapshot {
        let mut s = Snapshot::default();
        s.iam.roles.push(Role {
            meta: ResourceMeta { arn: "arn:aws:iam::1:role/web".into(), ..Default::default() },
            instance_profiles: profiles,
            ..Default::default()
        });
        s.ec2.instances.push(Instance {
            meta: ResourceMeta { arn: "arn:aws:ec2:eu-west-1:1:instance/i-1".into(), ..Default::default() },
            iam_instance_profile_arn: Some("arn:aws:iam::1:instance-profile/web".into()),
            state: "running".into(),
            ..Default::default()
        });
        s
    }

    /// An instance runs as the role whose instance profile it carries; without the roles'
    /// profiles in the snapshot the role is unknown, with the reason.
    #[test]
    fn instance_roles_from_instance_profiles() {
        let inv = Inventory::from_snapshot(&snapshot(Some(vec!["arn:aws:iam::1:instance-profile/web".into()])));
        let ec2 = inv.get(ComputeKind::Ec2Instance).unwrap();
        assert_eq!(ec2.items[0].role, Ok("arn:aws:iam::1:role/web".to_owned()));
        assert_eq!(ec2.gap, None);
        let inv = Inventory::from_snapshot(&snapshot(None));
        let ec2 = inv.get(ComputeKind::Ec2Instance).unwrap();
        assert!(ec2.items[0].role.as_ref().unwrap_err().contains("not collected"), "{:?}", ec2.items);
        let lambda = inv.get(ComputeKind::LambdaFunction).unwrap();
        assert_eq!(lambda.gap.as_deref(), Some("lambda.functions not collected"));
    }
}
