//! How EKS is collected: the cluster names, then each cluster's description, node groups and
//! Fargate profiles with bounded concurrency (one listing per cluster and kind, one
//! description per node group or profile: the API has no batch form). Then the launch
//! templates the node groups name: one DescribeLaunchTemplateVersions per template, asking
//! for every version the node groups reference at once, and only for those templates.
//!
//! A template that cannot be read (denied, deleted, version gone) is recorded under the
//! template's ARN, not the node group's: only the IMDS check (which sees the null
//! `metadata_options`) is UNKNOWN for it, not every check of the node group.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::api::{resolve_version, TemplateRef, TemplateVersion};
use super::{EksApi, EksNodeGroup, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> EksApi {
    let sdk = session.sdk_config(Some(region));
    let conf = aws_sdk_eks::config::Builder::from(&sdk)
        .interceptor(session.counter("eks"))
        .retry_partition(session.retry_partition())
        .build();
    let ec2 = aws_sdk_ec2::config::Builder::from(&sdk)
        .interceptor(session.counter("ec2"))
        .retry_partition(session.retry_partition())
        .build();
    EksApi::new(aws_sdk_eks::Client::from_conf(conf), aws_sdk_ec2::Client::from_conf(ec2), session.ctx(region))
}

/// The version selectors each referenced template is asked for (`$Default` where the node
/// group names none, as EKS uses the default version then).
fn template_requests(groups: &[EksNodeGroup]) -> BTreeMap<TemplateRef, BTreeSet<String>> {
    let mut out: BTreeMap<TemplateRef, BTreeSet<String>> = BTreeMap::new();
    for lt in groups.iter().filter_map(|g| g.launch_template.as_ref()) {
        if let Some(t) = TemplateRef::of(lt) {
            out.entry(t).or_default().insert(lt.version.clone().unwrap_or_else(|| "$Default".to_owned()));
        }
    }
    out
}

/// Writes each node group's resolved version and its metadata options (left null where the
/// template was not read or the version is not among those returned).
fn apply_templates(groups: &mut [EksNodeGroup], read: &BTreeMap<TemplateRef, Vec<TemplateVersion>>) {
    for lt in groups.iter_mut().filter_map(|g| g.launch_template.as_mut()) {
        let Some(versions) = TemplateRef::of(lt).and_then(|t| read.get(&t)) else {
            continue;
        };
        if let Some(v) = resolve_version(lt.version.as_deref(), versions) {
            lt.version_number = Some(v.number);
            lt.metadata_options = Some(v.metadata_options.clone());
        }
    }
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let mut out = Part::default();
    let Some(names) = errs.ok(region, None, api.cluster_names().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    let clusters: Vec<_> = stream::iter(names.clone())
        .map(|name| async move {
            let res = api.cluster(&name).await;
            errs.ok(region, Some(&api.cluster_arn(&name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.clusters = clusters.into_iter().flatten().collect();
    let mut node_groups = Vec::new();
    let mut profiles = Vec::new();
    for cluster in &names {
        let (ng, fp) = futures::join!(api.node_group_names(cluster), api.fargate_profile_names(cluster));
        if let Some(ng) = errs.ok(region, None, ng) {
            node_groups.extend(ng.into_iter().map(|n| (cluster.clone(), n)));
        }
        if let Some(fp) = errs.ok(region, None, fp) {
            profiles.extend(fp.into_iter().map(|p| (cluster.clone(), p)));
        }
    }
    let node_groups: Vec<_> = stream::iter(node_groups)
        .map(|(cluster, name)| async move {
            let res = api.node_group(&cluster, &name).await;
            errs.ok(region, Some(&api.node_group_ref(&cluster, &name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.node_groups = node_groups.into_iter().flatten().collect();
    let templates: BTreeMap<TemplateRef, Vec<TemplateVersion>> = stream::iter(template_requests(&out.node_groups))
        .map(|(template, versions)| async move {
            let res = api.template_versions(&template, versions.into_iter().collect()).await;
            errs.ok(region, Some(&api.template_arn(&template)), res).map(|v| (template, v))
        })
        .buffer_unordered(concurrency)
        .filter_map(|x| async move { x })
        .collect()
        .await;
    apply_templates(&mut out.node_groups, &templates);
    let profiles: Vec<_> = stream::iter(profiles)
        .map(|(cluster, name)| async move {
            let res = api.fargate_profile(&cluster, &name).await;
            errs.ok(region, Some(&api.fargate_profile_ref(&cluster, &name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.fargate_profiles = profiles.into_iter().flatten().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::eks::{EksLaunchTemplate, LaunchTemplateMetadataOptions};

    fn group(id: Option<&str>, name: Option<&str>, version: Option<&str>) -> EksNodeGroup {
        EksNodeGroup {
            launch_template: Some(EksLaunchTemplate {
                id: id.map(str::to_owned),
                name: name.map(str::to_owned),
                version: version.map(str::to_owned),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn version(number: i64, default: bool, tokens: &str) -> TemplateVersion {
        TemplateVersion {
            number,
            default,
            metadata_options: LaunchTemplateMetadataOptions {
                http_tokens: Some(tokens.to_owned()),
                ..Default::default()
            },
        }
    }

    /// One request per template, with every version its node groups name (none named:
    /// `$Default`), and none for a node group without a launch template: the minimal calls.
    #[test]
    fn one_request_per_template_with_every_referenced_version() {
        let groups = vec![
            group(Some("lt-1"), Some("a"), Some("3")),
            group(Some("lt-1"), Some("a"), Some("$Latest")),
            group(Some("lt-1"), None, None),
            group(None, Some("b"), Some("1")),
            EksNodeGroup::default(),
        ];
        let req = template_requests(&groups);
        assert_eq!(req.len(), 2);
        let lt1: Vec<&str> = req[&TemplateRef::Id("lt-1".into())].iter().map(String::as_str).collect();
        assert_eq!(lt1, vec!["$Default", "$Latest", "3"]);
        assert_eq!(req[&TemplateRef::Name("b".into())].len(), 1);
    }

    /// `$Default`, `$Latest`, a number and no version each resolve to their own version; an
    /// unknown or missing version stays unread (null), never another version's settings.
    #[test]
    fn versions_resolve_default_latest_and_numbers() {
        let read = BTreeMap::from([(
            TemplateRef::Id("lt-1".into()),
            vec![version(1, false, "required"), version(2, true, "required"), version(4, false, "optional")],
        )]);
        let mut groups = vec![
            group(Some("lt-1"), None, Some("$Default")),
            group(Some("lt-1"), None, Some("$Latest")),
            group(Some("lt-1"), None, Some("1")),
            group(Some("lt-1"), None, None),
            group(Some("lt-1"), None, Some("3")),
            group(Some("lt-1"), None, Some("latest")),
            group(Some("lt-2"), None, Some("1")),
        ];
        apply_templates(&mut groups, &read);
        let got: Vec<Option<i64>> =
            groups.iter().map(|g| g.launch_template.as_ref().and_then(|l| l.version_number)).collect();
        assert_eq!(got, vec![Some(2), Some(4), Some(1), Some(2), None, None, None]);
        let tokens = |i: usize| {
            groups[i]
                .launch_template
                .as_ref()
                .and_then(|l| l.metadata_options.as_ref())
                .and_then(|m| m.http_tokens.clone())
        };
        assert_eq!(tokens(1).as_deref(), Some("optional"));
        assert!(groups[4].launch_template.as_ref().is_some_and(|l| l.metadata_options.is_none()));
    }
}
