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

#[cfg(feature = "aws")]
mod delivery;
mod iam;
#[cfg(feature = "aws")]
mod observability;
#[cfg(feature = "aws")]
mod resilience;
#[cfg(feature = "aws")]
mod security;
#[cfg(feature = "aws")]
mod storage;

#[cfg(feature = "aws")]
mod run;

pub use kaizen_evidence::cloud::{
    AccessKey, Alarm, Backup, BackupPlan, Bucket, BucketEncryption, BuildProject, CallError, CloudFormation,
    CloudTrail, CloudWatch, CodeBuild, CodePipeline, ConfigRecorder, ConfigService, Detector, Ecr, EnabledStandard,
    ExperimentTemplate, Fis, GuardDuty, Iam, Inventory, LogGroup, Logs, OldAccessKey, PasswordPolicy, Pipeline,
    PipelineExecution, PublicAccessBlock, Repository, SamplingRule, SecurityHub, Services, SourceRevision, Stack,
    Trail, Trigger, User, XRay, XRayGroup, KIND, S3, VERSION,
};

#[cfg(feature = "aws")]
pub use run::{collect, CollectError, Options, DEFAULT_CONCURRENCY, DEFAULT_MAX_EXECUTIONS};

use crate::diag::InventoryCode;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Access keys older than this many days are listed in [`Iam::old_access_keys`].
pub const OLD_ACCESS_KEY_DAYS: i64 = 90;

/// Why a snapshot could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read as text: missing, a folder, invalid UTF-8, a binary file.
    #[error("{0}")]
    Text(crate::diag::Diagnostic),
    /// The file is not valid JSON, or not shaped like an inventory.
    #[error("{}", crate::diag::Diagnostic::placed(crate::diag::InventoryCode::Syntax, path, *line, *column, message, snippet.as_deref()))]
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
    #[error("{}: error[{}]: not a Kaizen AWS inventory: `kind` is {found}, expected \"{KIND}\"", path.display(), InventoryCode::Kind.name())]
    Kind {
        /// The file.
        path: PathBuf,
        /// The `kind` found, as JSON (`null` when missing).
        found: String,
    },
    /// The snapshot was written in a version this Kaizen does not read.
    #[error(
        "{}: error[{}]: AWS inventory version {found} is not supported: this Kaizen ({}) reads version {VERSION}{}",
        path.display(),
        InventoryCode::Version.name(),
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
    let text = crate::diag::read_text(crate::diag::InventoryCode::Unreadable, path).map_err(LoadError::Text)?;
    from_json(path, &text)
}

/// [`load`] for a snapshot already in memory; `path` names it in errors.
pub fn from_json(path: &Path, text: &str) -> Result<Inventory, LoadError> {
    let parse_error = |e: serde_json::Error| {
        let d = crate::diag::Diagnostic::from_json(crate::diag::InventoryCode::Syntax, path, text, &e);
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
