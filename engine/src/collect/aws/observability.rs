//! Knowing what runs: CloudWatch alarms, CloudWatch Logs retention, X-Ray (all regional).

use serde::{Deserialize, Serialize};

/// CloudWatch in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudWatch {
    /// Metric and composite alarms (`DescribeAlarms`).
    pub alarms: Vec<Alarm>,
}

/// A CloudWatch alarm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    /// Its name.
    pub name: String,
    /// `metric` or `composite`.
    pub kind: String,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: Option<String>,
    /// Its actions are enabled.
    pub actions_enabled: bool,
    /// It notifies or acts when it fires (has alarm actions).
    pub has_alarm_actions: bool,
    /// The metric's namespace (`AWS/Lambda`), for metric alarms on one metric.
    pub namespace: Option<String>,
    /// The metric's name, for metric alarms on one metric.
    pub metric: Option<String>,
}

/// CloudWatch Logs in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Logs {
    /// The log groups (`DescribeLogGroups`).
    pub log_groups: Vec<LogGroup>,
}

/// A log group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    /// Its name.
    pub name: String,
    /// Days its events are kept; `None`: forever.
    pub retention_days: Option<i32>,
    /// Bytes stored.
    pub stored_bytes: Option<i64>,
    /// Encrypted with a customer KMS key.
    pub kms_encrypted: bool,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
}

/// X-Ray in one region. Each list is `None` when its call failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct XRay {
    /// Trace groups (`GetGroups`), including the `Default` group.
    pub groups: Option<Vec<XRayGroup>>,
    /// Sampling rules (`GetSamplingRules`), including the `Default` rule.
    pub sampling_rules: Option<Vec<SamplingRule>>,
}

/// An X-Ray group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct XRayGroup {
    /// Its name.
    pub name: String,
    /// Its filter expression.
    pub filter_expression: Option<String>,
    /// X-Ray Insights is on for it.
    pub insights_enabled: Option<bool>,
}

/// An X-Ray sampling rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SamplingRule {
    /// Its name.
    pub name: String,
    /// Its priority (lower is evaluated first).
    pub priority: i32,
    /// The share of requests sampled beyond the reservoir (0..1).
    pub fixed_rate: f64,
    /// Requests sampled per second before the fixed rate applies.
    pub reservoir_size: i32,
    /// The service name it matches (`*` for all).
    pub service_name: String,
}

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
