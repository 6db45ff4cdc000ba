//! Collecting what shows what runs: CloudWatch alarms, CloudWatch Logs retention, X-Ray (all
//! regional).

#[cfg(feature = "aws")]
use kaizen_evidence::cloud::*;

#[cfg(feature = "aws")]
pub(super) use collect::*;

#[cfg(feature = "aws")]
mod collect {
    use super::*;
    use crate::collect::aws::run::{client, rfc3339, Call, Ctx};
    use aws_sdk_cloudwatch::types::AlarmType;

    pub async fn collect_cloudwatch(ctx: &Ctx, region: &str) -> Option<CloudWatch> {
        let client = client!(aws_sdk_cloudwatch, ctx, region);
        let call = Call::new("cloudwatch", "DescribeAlarms", region);
        let request = client
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .into_paginator()
            .send()
            .try_collect();
        let pages: Vec<_> = ctx.call(call, request).await?;
        let mut alarms = Vec::new();
        for page in &pages {
            alarms.extend(page.metric_alarms().iter().map(|a| Alarm {
                name: a.alarm_name().unwrap_or_default().to_owned(),
                kind: "metric".to_owned(),
                state: a.state_value().map(|s| s.as_str().to_owned()),
                actions_enabled: a.actions_enabled().unwrap_or(false),
                has_alarm_actions: !a.alarm_actions().is_empty(),
                namespace: a.namespace().map(str::to_owned),
                metric: a.metric_name().map(str::to_owned),
            }));
            alarms.extend(page.composite_alarms().iter().map(|a| Alarm {
                name: a.alarm_name().unwrap_or_default().to_owned(),
                kind: "composite".to_owned(),
                state: a.state_value().map(|s| s.as_str().to_owned()),
                actions_enabled: a.actions_enabled().unwrap_or(false),
                has_alarm_actions: !a.alarm_actions().is_empty(),
                namespace: None,
                metric: None,
            }));
        }
        Some(CloudWatch { alarms })
    }

    pub async fn collect_logs(ctx: &Ctx, region: &str) -> Option<Logs> {
        let client = client!(aws_sdk_cloudwatchlogs, ctx, region);
        let call = Call::new("logs", "DescribeLogGroups", region);
        let groups: Vec<aws_sdk_cloudwatchlogs::types::LogGroup> =
            ctx.call(call, client.describe_log_groups().into_paginator().items().send().try_collect()).await?;
        let log_groups = groups
            .iter()
            .map(|g| LogGroup {
                name: g.log_group_name().unwrap_or_default().to_owned(),
                retention_days: g.retention_in_days(),
                stored_bytes: g.stored_bytes(),
                kms_encrypted: g.kms_key_id().is_some(),
                created: g
                    .creation_time()
                    .map(|ms| rfc3339(&aws_sdk_cloudwatchlogs::primitives::DateTime::from_millis(ms))),
            })
            .collect();
        Some(Logs { log_groups })
    }

    pub async fn collect_xray(ctx: &Ctx, region: &str) -> Option<XRay> {
        let client = client!(aws_sdk_xray, ctx, region);
        let (groups, rules) = futures_util::future::join(
            ctx.call(
                Call::new("xray", "GetGroups", region),
                client.get_groups().into_paginator().items().send().try_collect(),
            ),
            ctx.call(
                Call::new("xray", "GetSamplingRules", region),
                client.get_sampling_rules().into_paginator().items().send().try_collect(),
            ),
        )
        .await;
        let groups = groups.map(|all: Vec<aws_sdk_xray::types::GroupSummary>| {
            all.iter()
                .map(|g| XRayGroup {
                    name: g.group_name().unwrap_or_default().to_owned(),
                    filter_expression: g.filter_expression().map(str::to_owned),
                    insights_enabled: g.insights_configuration().and_then(|i| i.insights_enabled()),
                })
                .collect()
        });
        let sampling_rules = rules.map(|all: Vec<aws_sdk_xray::types::SamplingRuleRecord>| {
            all.iter()
                .filter_map(|r| r.sampling_rule())
                .map(|r| SamplingRule {
                    name: r.rule_name().unwrap_or_default().to_owned(),
                    priority: r.priority(),
                    fixed_rate: r.fixed_rate(),
                    reservoir_size: r.reservoir_size(),
                    service_name: r.service_name().to_owned(),
                })
                .collect()
        });
        Some(XRay { groups, sampling_rules })
    }
}
