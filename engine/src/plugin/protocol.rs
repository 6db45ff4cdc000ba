//! The plugin protocol, host side: the request written to a plugin's stdin and the
//! response read from its stdout.
//!
//! Version 1 is the only version so far. The host reads every response shape it ever
//! shipped: a response without `api` is the early version-1 shape and still loads.

use crate::parse::{Failure, Format};
use kaizen_evidence::roles::Role;
use kaizen_evidence::{cloud, git, runs};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The protocol version this engine writes.
pub const API_VERSION: u32 = 1;

/// Where the target repository is mounted inside the sandbox.
pub const GUEST_ROOT: &str = "/repo";

/// What a plugin reads on stdin.
#[derive(Debug, Clone, Serialize)]
pub struct Request<'a> {
    /// The protocol version.
    pub api: u32,
    /// The engine's version.
    pub kaizen_version: &'static str,
    /// The plugin being run.
    pub plugin: PluginRef<'a>,
    /// The target.
    pub target: TargetRef<'a>,
    /// Files matching the plugin's declared globs, sorted by path.
    pub files: Vec<FileRef<'a>>,
    /// Parsed documents matching its `parse` declarations.
    pub documents: Vec<DocumentRef<'a>>,
    /// Git facts, when declared and the target is a repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<&'a git::GitFacts>,
    /// Pipeline runs, when declared and the target has some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipelines: Option<&'a runs::PipelineRuns>,
    /// Cloud inventory, when declared and the target is a cloud account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<&'a cloud::Inventory>,
    /// The repository's CI definitions as the host understood them, when declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci: Option<&'a kaizen_evidence::ci::Ci>,
    /// The plugin's configuration (an empty object if none).
    pub config: &'a Value,
}

/// The plugin's identity in a request.
#[derive(Debug, Clone, Serialize)]
pub struct PluginRef<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its version.
    pub version: &'a str,
}

/// The target in a request.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRef<'a> {
    /// Display name.
    pub name: &'a str,
    /// `git`, `directory` or `cloud`.
    pub kind: &'a str,
    /// Guest path of the mount ([`GUEST_ROOT`]).
    pub root: &'static str,
}

/// A file of the target's inventory in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FileRef<'a> {
    /// Path relative to the target root, `/`-separated.
    pub path: &'a str,
    /// Size in bytes.
    pub size: u64,
    /// What the file is to the repository (written only when it is not its own).
    #[serde(skip_serializing_if = "Role::is_own_ref")]
    pub role: Role,
}

/// One parsed document in a request.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRef<'a> {
    /// Path of its file.
    pub path: &'a str,
    /// Format it was parsed as.
    pub format: Format,
    /// Index inside its file.
    pub index: usize,
    /// What its file is to the repository (written only when it is not its own).
    #[serde(skip_serializing_if = "Role::is_own_ref")]
    pub role: Role,
    /// A Helm chart's template, read with its template actions masked: kinds and keys are
    /// there, values the chart computes are `TEMPLATED`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub templated: bool,
    /// The value, when it parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<&'a Value>,
    /// The line of each node of the value, depth first, where the parser records them
    /// (see [`kaizen_evidence::positions`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<&'a [u32]>,
    /// The failure, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a Failure>,
}

/// What a plugin writes to stdout.
#[derive(Debug, Clone, Deserialize)]
pub struct Response {
    /// The protocol version; absent in the earliest version-1 responses. Read as any JSON
    /// value so that a wrong one is an `api_mismatch`, not a shape error.
    #[serde(default)]
    pub api: Option<Value>,
    /// Findings.
    #[serde(default)]
    pub findings: Vec<RawFinding>,
    /// Facts.
    #[serde(default)]
    pub facts: BTreeMap<String, Value>,
}

/// A finding as a plugin wrote it, before the host checks it.
#[derive(Debug, Clone, Deserialize)]
pub struct RawFinding {
    /// Check id.
    pub check: String,
    /// Outcome.
    pub status: Status,
    /// Partial score.
    #[serde(default)]
    pub score: Option<f64>,
    /// Message.
    #[serde(default)]
    pub message: String,
    /// Evidence.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// In place.
    Pass,
    /// Missing.
    Fail,
    /// Partly in place, or worth a look.
    Warn,
    /// Does not apply.
    NotApplicable,
}

impl Status {
    /// The name used in results and reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::NotApplicable => "not_applicable",
        }
    }
}

/// Where a finding's evidence is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    /// Path relative to the target root.
    pub path: String,
    /// 1-based line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What it shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A short, redacted excerpt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// Whether an evidence path stays inside the target: relative, no `..`, no root or prefix.
pub fn is_inside_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.starts_with('\\')
        && !path.contains('\0')
        && !path.split(['/', '\\']).any(|seg| seg == "..")
        && (path.len() < 2 || path.as_bytes()[1] != b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_paths_must_stay_inside() {
        assert!(is_inside_path("src/main.rs"));
        assert!(is_inside_path(".github/workflows/ci.yml"));
        for bad in ["", "/etc/passwd", "../x", "a/../../b", "C:\\x", "a\0b", "a\\..\\b"] {
            assert!(!is_inside_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn an_early_response_without_api_still_loads() {
        let r: Response = serde_json::from_str(r#"{"findings":[{"check":"x","status":"pass"}]}"#).unwrap();
        assert_eq!(r.api, None);
        assert_eq!(r.findings[0].message, "");
        assert!(r.facts.is_empty());
    }
}
