//! Detection and audit: CloudTrail, AWS Config, GuardDuty, Security Hub (all regional).

use serde::{Deserialize, Serialize};

/// CloudTrail in one region (`DescribeTrails`, including multi-region trails homed elsewhere).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudTrail {
    /// The trails that apply to the region.
    pub trails: Vec<Trail>,
}

/// A trail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: Option<String>,
    /// The region it was created in.
    pub home_region: Option<String>,
    /// A multi-region trail seen from a region other than its home (a "shadow" trail).
    pub shadow: bool,
    /// It logs every region.
    pub multi_region: bool,
    /// It is an AWS Organizations trail.
    pub organization: bool,
    /// Log file integrity validation is on.
    pub log_file_validation: bool,
    /// Logs are encrypted with a KMS key (rather than S3's default encryption).
    pub kms_encrypted: bool,
    /// The bucket the logs go to.
    pub s3_bucket: Option<String>,
    /// Logs are also sent to a CloudWatch Logs group (for alarms on API activity).
    pub cloudwatch_logs: bool,
    /// Global service events (IAM, STS) are included.
    pub global_service_events: bool,
    /// It is logging now (`GetTrailStatus`); `None` when the status could not be read.
    pub is_logging: Option<bool>,
    /// When logs were last delivered (RFC 3339).
    pub latest_delivery: Option<String>,
    /// The last delivery error, if the last delivery failed.
    pub latest_delivery_error: Option<String>,
}

/// AWS Config in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigService {
    /// The configuration recorders (`DescribeConfigurationRecorders`); at most one per
    /// region for customer-managed recorders.
    pub recorders: Vec<ConfigRecorder>,
}

/// A configuration recorder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    /// Its name.
    pub name: String,
    /// It records all supported resource types.
    pub all_supported: bool,
    /// It also records global resources (IAM).
    pub include_global_resource_types: bool,
    /// It is recording now (`DescribeConfigurationRecorderStatus`); `None`: unknown.
    pub recording: Option<bool>,
    /// The status of its last delivery (`SUCCESS`, `FAILURE`, `PENDING`).
    pub last_status: Option<String>,
    /// When that status last changed (RFC 3339).
    pub last_status_change: Option<String>,
}

/// GuardDuty in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GuardDuty {
    /// The detectors (`ListDetectors`); none means GuardDuty is off in the region.
    pub detectors: Vec<Detector>,
}

/// A GuardDuty detector (`GetDetector`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detector {
    /// Its id.
    pub id: String,
    /// `ENABLED` or `DISABLED`; `None` when `GetDetector` failed.
    pub status: Option<String>,
    /// How often findings are published (`FIFTEEN_MINUTES`, `ONE_HOUR`, `SIX_HOURS`).
    pub finding_publishing_frequency: Option<String>,
    /// When it was created (as GuardDuty gives it).
    pub created_at: Option<String>,
}

/// Security Hub in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecurityHub {
    /// Security Hub is enabled (`DescribeHub` answered rather than "not subscribed").
    pub enabled: bool,
    /// The hub's ARN.
    pub hub_arn: Option<String>,
    /// When it was enabled.
    pub subscribed_at: Option<String>,
    /// New controls of enabled standards are enabled automatically.
    pub auto_enable_controls: Option<bool>,
    /// The enabled standards (`GetEnabledStandards`); empty when Security Hub is off,
    /// `None` when they could not be read.
    pub standards: Option<Vec<EnabledStandard>>,
}

/// A standard enabled in Security Hub.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnabledStandard {
    /// The standard's ARN (it names the standard: CIS, AWS Foundational, PCI DSS, NIST).
    pub standards_arn: String,
    /// `READY`, `PENDING`, `INCOMPLETE`, `FAILED` or `DELETING`.
    pub status: Option<String>,
}
