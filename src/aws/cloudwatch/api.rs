//! CloudWatch: the metric alarms (DescribeAlarms carries everything the audit reads).

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::AlarmType;
use aws_sdk_cloudwatch::Client;

use super::{Alarm, CallError, Ctx};

const SVC: &str = "cloudwatch";

#[derive(Debug, Clone)]
pub struct CloudWatchApi {
    client: Client,
    ctx: Ctx,
}

impl CloudWatchApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        CloudWatchApi { client, ctx }
    }

    /// Every metric alarm of the region.
    pub async fn alarms(&self) -> Result<Vec<Alarm>, CallError> {
        let pages: Vec<_> = self
            .client
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .max_records(super::ALARMS_PAGE)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeAlarms", e))?;
        Ok(pages
            .iter()
            .flat_map(|p| p.metric_alarms())
            .map(|a| {
                let name = a.alarm_name().unwrap_or_default();
                let arn =
                    a.alarm_arn().map(str::to_owned).unwrap_or_else(|| self.ctx.arn(SVC, &format!("alarm:{name}")));
                Alarm {
                    meta: self.ctx.meta(arn, name, name, BTreeMap::new()),
                    actions_enabled: a.actions_enabled(),
                    alarm_actions: a.alarm_actions().to_vec(),
                    namespace: a.namespace().map(str::to_owned),
                    metric_name: a.metric_name().map(str::to_owned),
                    dimensions: a
                        .dimensions()
                        .iter()
                        .filter_map(|d| Some((d.name()?.to_owned(), d.value().unwrap_or_default().to_owned())))
                        .collect(),
                    state: a.state_value().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                }
            })
            .collect())
    }
}
