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
    /// `instance_profiles`), App Runner services (`instance_role_arn`), Lambda functions
    /// (`role`), CloudFormation stacks (`role_arn`) and CodeBuild projects (`service_role`).
    /// Glue development endpoints and SageMaker notebook instances are not collected: their
    /// SDK crates cost more build time than the edge is worth (docs/iam-evaluation.md, "What
    /// each crate costs"), so their edges stay UNKNOWN with the collection named.
    pub fn from_snapshot(s: &Snapshot) -> Self {
        let mut sets = BTreeMap::new();
        sets.insert(ComputeKind::Ec2Instance, ec2(s));
        sets.insert(ComputeKind::AppRunnerService, apprunner(s));
        sets.insert(ComputeKind::LambdaFunction, lambda(s));
        sets.insert(ComputeKind::GlueDevEndpoint, ComputeSet::not_collected(GLUE_DEV_ENDPOINTS));
        sets.insert(ComputeKind::CloudFormationStack, cloudformation(s));
        sets.insert(ComputeKind::SageMakerNotebook, ComputeSet::not_collected(SAGEMAKER_NOTEBOOKS));
        sets.insert(ComputeKind::CodeBuildProject, codebuild(s));
        Inventory { sets }
    }

    pub fn get(&self, kind: ComputeKind) -> Option<&ComputeSet> {
        self.sets.get(&kind)
    }
}

/// The collections the graph would read for Glue development endpoints and SageMaker
/// notebook instances, named in their UNKNOWN edges (not in the registry: not collected).
pub const GLUE_DEV_ENDPOINTS: &str = "glue.dev_endpoints";
pub const SAGEMAKER_NOTEBOOKS: &str = "sagemaker.notebook_instances";

/// Why a collection failed, from the snapshot's collection errors of its list operations, or
/// of its detail operations for one resource (which leaves that resource's role unknown), as
/// the registry declares them.
fn failed(s: &Snapshot, collection: &str) -> Option<String> {
    let Some(info) = crate::model::collection_info(collection) else {
        return Some(format!("{collection} is not a collection of the registry"));
    };
    let mut regions: Vec<String> = s
        .collection_errors
        .iter()
        .filter(|e| {
            let op = e.operation.as_str();
            e.service == info.service
                && ((info.list_operations.contains(&op) && e.resource.is_none())
                    || info.detail_operations.contains(&op))
        })
        .map(|e| format!("{} ({})", e.region, e.error_code))
        .collect();
    regions.sort();
    regions.dedup();
    (!regions.is_empty()).then(|| format!("{collection} could not be collected in {}", regions.join(", ")))
}

/// A collection added after snapshots were first written: what the snapshot shows of it, or
/// "not collected" when the snapshot does not list it among the collections its scan read
/// (an older or hand-written snapshot has an empty member either way).
fn listed(s: &Snapshot, collection: &str, items: impl FnOnce() -> Vec<Compute>) -> ComputeSet {
    if !s.collected.iter().any(|c| c == collection) {
        return ComputeSet::not_collected(collection);
    }
    ComputeSet { items: items(), gap: failed(s, collection) }
}

/// A role the API did not report, as the reason the compute's role is unknown.
fn role_of(role: &Option<String>, arn: &str, operation: &str) -> Result<String, String> {
    role.clone().ok_or_else(|| format!("{operation} did not report the role of {arn}"))
}

fn lambda(s: &Snapshot) -> ComputeSet {
    listed(s, "lambda.functions", || {
        s.lambda
            .functions
            .iter()
            .map(|f| Compute {
                arn: f.meta.arn.clone(),
                role: role_of(&f.role, &f.meta.arn, "ListFunctions"),
                running: true,
            })
            .collect()
    })
}

/// Stacks that run as a service role; one CloudFormation cannot update now (a failed creation,
/// an operation in progress) counts as not running.
fn cloudformation(s: &Snapshot) -> ComputeSet {
    const UPDATABLE: &[&str] = &[
        "CREATE_COMPLETE",
        "UPDATE_COMPLETE",
        "UPDATE_ROLLBACK_COMPLETE",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_COMPLETE",
    ];
    listed(s, "cloudformation.stacks", || {
        s.cloudformation
            .stacks
            .iter()
            .filter_map(|st| {
                // A stack without a service role runs with its caller's permissions: no role to gain.
                st.role_arn.as_ref().map(|r| Compute {
                    arn: st.meta.arn.clone(),
                    role: Ok(r.clone()),
                    running: UPDATABLE.contains(&st.status.as_str()),
                })
            })
            .collect()
    })
}

fn codebuild(s: &Snapshot) -> ComputeSet {
    listed(s, "codebuild.projects", || {
        s.codebuild
            .projects
            .iter()
            .map(|p| Compute {
                arn: p.meta.arn.clone(),
                role: role_of(&p.service_role, &p.meta.arn, "BatchGetProjects"),
                running: true,
            })
            .collect()
    })
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
    ComputeSet { items, gap: failed(s, "ec2.instances") }
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
    ComputeSet { items, gap: failed(s, "apprunner.services") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::cloudformation::CloudFormationStack;
    use crate::aws::codebuild::CodeBuildProject;
    use crate::aws::ec2::Instance;
    use crate::aws::iam::Role;
    use crate::aws::lambda::LambdaFunction;
    use crate::model::{CollectionError, ResourceMeta};

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

    fn error(service: &str, operation: &str, resource: Option<&str>) -> CollectionError {
        CollectionError {
            service: service.into(),
            operation: operation.into(),
            region: "eu-west-1".into(),
            resource: resource.map(Into::into),
            error_code: "AccessDeniedException".into(),
            message: String::new(),
        }
    }

    /// Functions, stacks and projects run as the role the snapshot names; a snapshot that does
    /// not list the collection among those its scan read (older or hand-written) leaves the
    /// kind not collected (UNKNOWN edges), never "none exist"; a failed listing or a role the
    /// API did not report is a gap or an unknown role, naming the collection or the call.
    #[test]
    fn lambda_cloudformation_codebuild_from_their_collections() {
        let meta = |arn: &str| ResourceMeta { arn: arn.into(), ..Default::default() };
        let mut s = Snapshot::default();
        s.lambda.functions.push(LambdaFunction {
            meta: meta("arn:aws:lambda:eu-west-1:1:function:f"),
            role: Some("arn:aws:iam::1:role/f".into()),
            ..Default::default()
        });
        s.lambda.functions.push(LambdaFunction {
            meta: meta("arn:aws:lambda:eu-west-1:1:function:g"),
            role: None,
            ..Default::default()
        });
        s.cloudformation.stacks.push(CloudFormationStack {
            meta: meta("arn:aws:cloudformation:eu-west-1:1:stack/a/1"),
            role_arn: Some("arn:aws:iam::1:role/cfn".into()),
            status: "UPDATE_COMPLETE".into(),
            ..Default::default()
        });
        s.cloudformation.stacks.push(CloudFormationStack {
            meta: meta("arn:aws:cloudformation:eu-west-1:1:stack/b/2"),
            role_arn: Some("arn:aws:iam::1:role/cfn".into()),
            status: "ROLLBACK_COMPLETE".into(),
            ..Default::default()
        });
        s.cloudformation.stacks.push(CloudFormationStack {
            meta: meta("arn:aws:cloudformation:eu-west-1:1:stack/c/3"),
            role_arn: None,
            status: "CREATE_COMPLETE".into(),
            ..Default::default()
        });
        s.codebuild.projects.push(CodeBuildProject {
            meta: meta("arn:aws:codebuild:eu-west-1:1:project/p"),
            service_role: Some("arn:aws:iam::1:role/cb".into()),
            ..Default::default()
        });

        // Not listed as collected: UNKNOWN, whatever the members hold.
        let inv = Inventory::from_snapshot(&s);
        for (kind, name) in [
            (ComputeKind::LambdaFunction, "lambda.functions"),
            (ComputeKind::CloudFormationStack, "cloudformation.stacks"),
            (ComputeKind::CodeBuildProject, "codebuild.projects"),
            (ComputeKind::GlueDevEndpoint, GLUE_DEV_ENDPOINTS),
            (ComputeKind::SageMakerNotebook, SAGEMAKER_NOTEBOOKS),
        ] {
            let set = inv.get(kind).unwrap();
            assert_eq!(set.gap.as_deref(), Some(format!("{name} not collected").as_str()), "{kind:?}");
            assert!(set.items.is_empty(), "{kind:?}");
        }

        s.collected = crate::aws::COLLECTIONS.iter().map(|c| c.name.to_owned()).collect();
        let inv = Inventory::from_snapshot(&s);
        let lambda = inv.get(ComputeKind::LambdaFunction).unwrap();
        assert_eq!(lambda.gap, None);
        assert_eq!(lambda.items[0].role, Ok("arn:aws:iam::1:role/f".to_owned()));
        assert_eq!(
            lambda.items[1].role,
            Err("ListFunctions did not report the role of arn:aws:lambda:eu-west-1:1:function:g".to_owned())
        );
        let cfn = inv.get(ComputeKind::CloudFormationStack).unwrap();
        let running: Vec<(&str, bool)> = cfn.items.iter().map(|c| (c.arn.as_str(), c.running)).collect();
        assert_eq!(
            running,
            [
                ("arn:aws:cloudformation:eu-west-1:1:stack/a/1", true),
                ("arn:aws:cloudformation:eu-west-1:1:stack/b/2", false)
            ]
        );
        let cb = inv.get(ComputeKind::CodeBuildProject).unwrap();
        assert_eq!(cb.items[0].role, Ok("arn:aws:iam::1:role/cb".to_owned()));
        // Glue and SageMaker are never collected, even by a scan that lists everything it read.
        assert!(inv.get(ComputeKind::GlueDevEndpoint).unwrap().gap.is_some());
        assert!(inv.get(ComputeKind::SageMakerNotebook).unwrap().gap.is_some());

        s.collection_errors.push(error("lambda", "ListFunctions", None));
        s.collection_errors.push(error("codebuild", "BatchGetProjects", None));
        s.collection_errors.push(error(
            "cloudformation",
            "DescribeStacks",
            Some("arn:aws:cloudformation:eu-west-1:1:stack/x/9"),
        ));
        let inv = Inventory::from_snapshot(&s);
        assert_eq!(
            inv.get(ComputeKind::LambdaFunction).unwrap().gap.as_deref(),
            Some("lambda.functions could not be collected in eu-west-1 (AccessDeniedException)")
        );
        assert!(inv
            .get(ComputeKind::CodeBuildProject)
            .unwrap()
            .gap
            .as_deref()
            .unwrap()
            .starts_with("codebuild.projects could not"));
        // A list operation's error about one resource is not a failed listing.
        assert_eq!(inv.get(ComputeKind::CloudFormationStack).unwrap().gap, None);
    }

    /// Every collection the inventory names is one of the registry's, so a renamed collection
    /// cannot silently stop its gap from being seen; an unknown name is itself a gap.
    #[test]
    fn inventory_collections_are_the_registry_s() {
        for name in
            ["ec2.instances", "apprunner.services", "lambda.functions", "cloudformation.stacks", "codebuild.projects"]
        {
            assert!(crate::model::collection_info(name).is_some(), "{name}");
        }
        for name in [GLUE_DEV_ENDPOINTS, SAGEMAKER_NOTEBOOKS] {
            assert!(crate::model::collection_info(name).is_none(), "{name} is collected now: read it in from_snapshot");
        }
        assert!(failed(&Snapshot::default(), "lambda.function").unwrap().contains("not a collection of the registry"));
    }
}
