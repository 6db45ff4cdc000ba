//! The AWS inventory: what an AWS account shows about how it is run, collected once with
//! read-only calls (`kaizen collect aws`) and judged later, offline, by plugins.
//!
//! The snapshot ([`Inventory`]) is a versioned JSON document. Every call that fails is
//! recorded in [`Inventory::errors`] and collection goes on, so a partial inventory (a role
//! without Security Hub rights, an emulator without X-Ray) is still useful. Throughout, a
//! list or setting that is `None` (`null` in JSON) could not be read, and the reason is in
//! `errors`; an empty list means the account has none.
//!
//! The snapshot never holds credentials or secrets: access key ids are cut to their last
//! four characters, CodeBuild environment variables are not read into it, and no secret
//! value is requested.
//!
//! The types and [`load`] are always built; the collector itself ([`collect`]) needs the
//! cargo feature `aws` (on by default), which brings in the AWS SDK for Rust.
//!
//! # Example
//!
//! ```no_run
//! let inventory = kaizen::collect::aws::load(std::path::Path::new("aws-inventory-123456789012.json"))?;
//! let logging = inventory.services.cloudtrail.values().flatten().flat_map(|r| &r.trails).any(|t| t.is_logging == Some(true));
//! println!("{}: CloudTrail logging: {logging}", inventory.account_id);
//! # Ok::<(), kaizen::collect::aws::LoadError>(())
//! ```

mod delivery;
mod iam;
mod observability;
mod resilience;
mod security;
mod storage;

#[cfg(feature = "aws")]
mod run;

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

#[cfg(feature = "aws")]
pub use run::{collect, CollectError, Options, DEFAULT_CONCURRENCY, DEFAULT_MAX_EXECUTIONS};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `kind` of every inventory snapshot.
pub const KIND: &str = "kaizen-aws-inventory";

/// The snapshot version this engine writes and reads. Fields may be added within a
/// version; renaming or removing one, or changing its meaning, takes a new version.
pub const VERSION: u32 = 1;

/// Access keys older than this many days are listed in [`Iam::old_access_keys`].
pub const OLD_ACCESS_KEY_DAYS: i64 = 90;

/// An AWS inventory snapshot, as `kaizen collect aws` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Why a snapshot could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read as text: missing, a folder, invalid UTF-8, a binary file.
    #[error("{0}")]
    Text(crate::diag::Diagnostic),
    /// The file is not valid JSON, or not shaped like an inventory.
    #[error("{}", crate::diag::Diagnostic::placed("inventory-syntax", path, *line, *column, message, snippet.as_deref()))]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
        /// The line of the file the problem is on, shown under the message.
        snippet: Option<String>,
    },
    /// The file is JSON but not an AWS inventory (another `kind`, or none).
    #[error("{}: error[inventory-kind]: not a Kaizen AWS inventory: `kind` is {found}, expected \"{KIND}\"", path.display())]
    Kind {
        /// The file.
        path: PathBuf,
        /// The `kind` found, as JSON (`null` when missing).
        found: String,
    },
    /// The snapshot was written in a version this Kaizen does not read.
    #[error(
        "{}: error[inventory-version]: AWS inventory version {found} is not supported: this Kaizen ({}) reads version {VERSION}{}",
        path.display(),
        env!("CARGO_PKG_VERSION"),
        if *found > u64::from(VERSION) { "; upgrade Kaizen to read it" } else { "" }
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u64,
    },
}

/// Reads a snapshot back, checking its `kind` and `version` before its shape, so a file
/// from a newer Kaizen is refused by version rather than by a confusing missing field.
pub fn load(path: &Path) -> Result<Inventory, LoadError> {
    let text = crate::diag::read_text("inventory-unreadable", path).map_err(LoadError::Text)?;
    from_json(path, &text)
}

/// [`load`] for a snapshot already in memory; `path` names it in errors.
pub fn from_json(path: &Path, text: &str) -> Result<Inventory, LoadError> {
    let parse_error = |e: serde_json::Error| {
        let d = crate::diag::Diagnostic::from_json("inventory-syntax", path, text, &e);
        LoadError::Parse {
            path: path.into(),
            line: d.line.unwrap_or(1),
            column: d.column.unwrap_or(1),
            message: d.message,
            snippet: d.snippet,
        }
    };
    /// Only the header; every other field is ignored in this first pass.
    #[derive(Deserialize)]
    struct Header {
        kind: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    if !text.trim_start().starts_with('{') {
        let found = if text.trim().is_empty() { "nothing" } else { "no JSON object" };
        return Err(LoadError::Kind { path: path.into(), found: format!("missing (the file holds {found})") });
    }
    let header: Header = serde_json::from_str(text).map_err(parse_error)?;
    match &header.kind {
        Some(serde_json::Value::String(kind)) if kind == KIND => {}
        other => {
            let found = other.as_ref().map_or_else(|| "missing".to_owned(), |v| v.to_string());
            return Err(LoadError::Kind { path: path.into(), found });
        }
    }
    match header.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(found) => return Err(LoadError::Version { path: path.into(), found }),
        // Missing or not a number: the full parse below names the field and its position.
        None => {}
    }
    serde_json::from_str(text).map_err(parse_error)
}

/// Shortens an access key id to its last four characters (`…MPLE`): enough to tell keys
/// apart in a report, useless to an attacker.
pub fn shorten_key_id(id: &str) -> String {
    let tail: String = id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(kind: &str, version: u32) -> String {
        serde_json::json!({
            "kind": kind, "version": version, "account_id": "123456789012", "regions": ["us-east-1"],
            "collected_at": "2026-01-01T00:00:00Z", "kaizen_version": "0.1.0",
            "services": Services::default(), "errors": [],
        })
        .to_string()
    }

    #[test]
    fn reads_back_what_it_writes() {
        let inventory = from_json(Path::new("a.json"), &minimal(KIND, VERSION)).unwrap();
        assert_eq!(inventory.account_id, "123456789012");
        assert_eq!(from_json(Path::new("a.json"), &serde_json::to_string(&inventory).unwrap()).unwrap(), inventory);
    }

    #[test]
    fn refuses_other_kinds_and_versions_naming_both() {
        let err = from_json(Path::new("a.json"), &minimal("kaizen-result", VERSION)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.json: error[inventory-kind]: not a Kaizen AWS inventory: `kind` is \"kaizen-result\", expected \"kaizen-aws-inventory\""
        );
        let err = from_json(Path::new("a.json"), &minimal(KIND, 7)).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "a.json: error[inventory-version]: AWS inventory version 7 is not supported: this Kaizen ("
            ),
            "{err}"
        );
        assert!(err.ends_with(") reads version 1; upgrade Kaizen to read it"), "{err}");
    }

    #[test]
    fn shortens_key_ids() {
        assert_eq!(shorten_key_id("AKIAIOSFODNN7EXAMPLE"), "…MPLE");
        assert_eq!(shorten_key_id("AB"), "…AB");
    }
}
