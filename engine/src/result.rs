//! `result.json`, the source of truth of an assessment: every report is rendered from it.
//!
//! Schema version 1. Field names are part of Kaizen's contract with other tools: add fields
//! freely, but rename or remove one only with a new `schema_version`.

use crate::collect::Skipped;
use crate::plugin::{ErrorKind, Evidence, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The schema version this engine writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentResult {
    /// Version of this schema ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Version of the engine that wrote it.
    pub kaizen_version: String,
    /// The organisation assessed, from the assessment file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// When the assessment started (RFC 3339, UTC).
    pub started_at: String,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// The plugins that ran.
    pub plugins: Vec<PluginRecord>,
    /// One entry per target, in the order given.
    pub targets: Vec<TargetResult>,
    /// Targets that could not be collected (a remote that could not be cloned), with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<UnavailableTarget>,
    /// The maturity model the targets were scored against, whole, so that reports need
    /// nothing else. Absent when the assessment was not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelRecord>,
    /// How the scoring was set up: answers file, profile, roadmap capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ScoringRecord>,
    /// The organisation's aggregates across targets: levels, practices, coverage, DORA, groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_assessment: Option<crate::score::OrganisationAssessment>,
    /// What to do next, in horizons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<crate::roadmap::Roadmap>,
}

/// The model of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRecord {
    /// `built-in`, or the file it was read from.
    pub source: String,
    /// SHA-256 of the model's text, hex.
    pub sha256: String,
    /// The model.
    #[serde(flatten)]
    pub model: crate::model::Model,
}

/// How an assessment was scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringRecord {
    /// The answers file, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<String>,
    /// The share of targets that makes the organisation's level.
    pub organisation_share: f64,
    /// Practice weights of the scoring profile.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, f64>,
    /// Practices the profile switches off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disabled: Vec<String>,
    /// Practices exempted by the assessment file: practice, target glob, reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exemptions: Vec<PracticeExemptionRecord>,
    /// Effort points per quarter the roadmap assumes.
    pub capacity: u32,
}

/// A practice exemption, as written in the assessment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeExemptionRecord {
    /// The practice's id.
    pub practice: String,
    /// The glob over target names.
    pub target: String,
    /// Why.
    pub reason: String,
}

/// A target left out of the assessment because its evidence could not be collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnavailableTarget {
    /// The target as given (a URL has its credentials removed).
    pub target: String,
    /// Why, in one sentence.
    pub reason: String,
}

/// A plugin that took part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginRecord {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The protocol version its manifest declares.
    pub api: u32,
    /// `built-in` or the folder it came from.
    pub source: String,
    /// SHA-256 of its module, hex.
    pub sha256: String,
    /// The checks it declares, for reports (titles, areas, remediation).
    pub checks: Vec<CheckRecord>,
}

/// A check a plugin declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRecord {
    /// Id, unique within its plugin.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Maturity-model area.
    pub area: String,
    /// What it checks.
    pub description: String,
    /// How to fix a failure (Markdown).
    pub remediation: String,
}

/// Everything found about one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    /// Display name (the folder's name).
    pub name: String,
    /// The path as given on the command line.
    pub path: String,
    /// `git` for a git work tree, `directory` otherwise.
    pub kind: String,
    /// Labels from the assessment file, such as team or service.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Regular files in the inventory.
    pub files: usize,
    /// Facts by dotted name, e.g. `"ci.systems": ["github-actions"]`.
    pub facts: BTreeMap<String, Value>,
    /// Check results, ordered by plugin then check.
    pub findings: Vec<FindingRecord>,
    /// Plugins that failed on this target.
    pub errors: Vec<ErrorRecord>,
    /// What the host dropped or corrected in plugin output.
    pub warnings: Vec<String>,
    /// Paths left out of the inventory, with the reason.
    pub skipped: Vec<Skipped>,
    /// The target scored against the model: practices, areas, DORA, answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<crate::score::TargetAssessment>,
}

/// One check result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// The plugin that reported it.
    pub plugin: String,
    /// The check id.
    pub check: String,
    /// The outcome: `pass`, `fail`, `warn` or `not_applicable`.
    pub status: Status,
    /// Partial score in 0..=1, for checks that can pass partly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// One readable sentence.
    pub message: String,
    /// Where the evidence is: path relative to the target, 1-based line.
    pub evidence: Vec<Evidence>,
    /// Set when the assessment file exempts this check for this target: the status is
    /// then `not_applicable`, and the plugin's own status is kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<ExemptionRecord>,
}

/// Why a finding was set to `not_applicable` by the assessor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExemptionRecord {
    /// The reason written in the assessment file.
    pub reason: String,
    /// The status the plugin reported.
    pub original_status: Status,
}

/// A plugin that failed on a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// The plugin's id.
    pub plugin: String,
    /// What kind of failure: `timeout`, `memory`, `output_limit`, `trap`, `exit`,
    /// `invalid_output`, `api_mismatch`, `undeclared_check` or `load`.
    pub kind: ErrorKind,
    /// What happened.
    pub message: String,
    /// The tail of the plugin's stderr.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
}

impl AssessmentResult {
    /// The declared check of a plugin, for titles in reports.
    pub fn check(&self, plugin: &str, check: &str) -> Option<&CheckRecord> {
        self.plugins.iter().find(|p| p.id == plugin)?.checks.iter().find(|c| c.id == check)
    }

    /// Reads a result file's text, refusing other schema versions with both versions named.
    pub fn from_json(text: &str) -> Result<AssessmentResult, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
        match value.get("schema_version").and_then(Value::as_u64) {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "result has schema version {v}; this Kaizen ({}) reads schema version {SCHEMA_VERSION}",
                    env!("CARGO_PKG_VERSION")
                ))
            }
            None => return Err("not a Kaizen result: no `schema_version`".into()),
        }
        serde_json::from_value(value).map_err(|e| e.to_string())
    }
}
