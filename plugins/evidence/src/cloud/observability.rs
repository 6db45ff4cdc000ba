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
