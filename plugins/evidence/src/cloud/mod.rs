//! A cloud inventory: what an AWS account shows about how it is run (the `cloud` field of a
//! plugin request, for plugins whose manifest sets `inputs.cloud = true`; such a request's
//! target is the account itself).
//!
//! The host collects the snapshot once with read-only calls (`kaizen collect aws`) and keeps
//! it as a versioned JSON file, which an assessment reads later, offline. Every call that
//! failed is recorded in [`Inventory::errors`] and collection went on, so a partial
//! inventory is still useful. Throughout, a list or setting that is `None` (`null` in JSON)
//! could not be read, and the reason is in `errors`; an empty list means the account has
//! none. The snapshot never holds credentials or secrets: access key ids are cut to their
//! last four characters.

mod delivery;
mod iam;
mod observability;
mod resilience;
mod security;
mod storage;

pub use delivery::{
    BuildProject, CloudFormation, CodeBuild, CodePipeline, Pipeline, PipelineExecution, SourceRevision, Stack, Trigger,
};
pub use iam::{AccessKey, Iam, OldAccessKey, PasswordPolicy, User};
pub use observability::{Alarm, CloudWatch, LogGroup, Logs, SamplingRule, XRay, XRayGroup};
pub use resilience::{Backup, BackupPlan, ExperimentTemplate, Fis};
pub use security::{
    CloudTrail, ConfigRecorder, ConfigService, Detector, EnabledStandard, GuardDuty, SecurityHub, Trail,
};
pub use storage::{Bucket, BucketEncryption, Ecr, PublicAccessBlock, Repository, S3};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `kind` of every inventory snapshot.
pub const KIND: &str = "kaizen-aws-inventory";

/// The snapshot version this engine writes and reads. Fields may be added within a
/// version; renaming or removing one, or changing its meaning, takes a new version.
pub const VERSION: u32 = 1;

/// An AWS inventory snapshot, as `kaizen collect aws` writes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    /// Always [`KIND`]: tells this file apart from other JSON.
    pub kind: String,
    /// The snapshot format version ([`VERSION`]).
    pub version: u32,
    /// The 12-digit account id the credentials belong to (from STS `GetCallerIdentity`).
    pub account_id: String,
    /// The regions collected, in the order given; regional services have an entry for each.
    pub regions: Vec<String>,
    /// When collection started (RFC 3339, UTC); ages (access keys) are relative to it.
    pub collected_at: String,
    /// The version of Kaizen that collected it.
    pub kaizen_version: String,
    /// What each service showed.
    pub services: Services,
    /// Every call that failed, in a stable order (service, region, operation, resource).
    pub errors: Vec<CallError>,
}

/// What each service showed. Global services appear once; regional ones map each region
/// collected to what that region showed (`None` when the region's listing call failed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Services {
    /// IAM (global): account summary, password policy, users, MFA and access keys.
    pub iam: Iam,
    /// S3 (global bucket list; each bucket's settings are read in its own region).
    pub s3: S3,
    /// CloudTrail trails and whether they log, per region.
    pub cloudtrail: BTreeMap<String, Option<CloudTrail>>,
    /// AWS Config recorders and their status, per region.
    pub config: BTreeMap<String, Option<ConfigService>>,
    /// GuardDuty detectors, per region.
    pub guardduty: BTreeMap<String, Option<GuardDuty>>,
    /// Security Hub: enabled, and which standards, per region.
    pub securityhub: BTreeMap<String, Option<SecurityHub>>,
    /// CloudWatch alarms, per region.
    pub cloudwatch: BTreeMap<String, Option<CloudWatch>>,
    /// CloudWatch Logs log groups and their retention, per region.
    pub logs: BTreeMap<String, Option<Logs>>,
    /// X-Ray groups and sampling rules, per region.
    pub xray: BTreeMap<String, Option<XRay>>,
    /// CloudFormation stacks, per region.
    pub cloudformation: BTreeMap<String, Option<CloudFormation>>,
    /// CodePipeline pipelines and their recent executions, per region.
    pub codepipeline: BTreeMap<String, Option<CodePipeline>>,
    /// CodeBuild projects, per region.
    pub codebuild: BTreeMap<String, Option<CodeBuild>>,
    /// ECR repositories, per region.
    pub ecr: BTreeMap<String, Option<Ecr>>,
    /// AWS Backup plans, per region.
    pub backup: BTreeMap<String, Option<Backup>>,
    /// AWS FIS experiment templates, per region.
    pub fis: BTreeMap<String, Option<Fis>>,
}

/// A call that failed. Collection went on without its answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CallError {
    /// The service, as in the IAM action prefix (`iam`, `s3`, `cloudtrail`, `xray`, …).
    pub service: String,
    /// The API operation (`ListUsers`, `GetBucketEncryption`, …).
    pub operation: String,
    /// The region the call went to; `None` for IAM, which is global.
    pub region: Option<String>,
    /// The resource the call was about (a bucket, user, trail or pipeline name), if any.
    pub resource: Option<String>,
    /// The AWS error code (`AccessDenied`, `AccessDeniedException`, `UnrecognizedClientException`,
    /// …); `HTTP <status>` when the answer carried no AWS error (an emulator answering 404 or
    /// 500 for an operation it does not implement); `DispatchFailure` or `Timeout` when no
    /// answer came.
    pub code: String,
    /// The error message, as the service or the SDK gave it.
    pub message: String,
}
