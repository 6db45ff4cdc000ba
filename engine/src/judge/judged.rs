//! What the judge stage hands on: for each target, the findings, facts and errors of its
//! plugins ([`JudgedTarget`]), and the plugins that took part ([`PluginRecord`]). These are
//! also the records of `result.json` (which re-exports them), so their fields are part of
//! the result's schema: see [`crate::result`].

use crate::collect::Skipped;
use crate::plugin::{ErrorKind, Evidence, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Every target judged by every plugin that judges it.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// When judging started (RFC 3339, UTC, whole seconds).
    pub started_at: String,
    /// How long collecting and judging took, in milliseconds.
    pub duration_ms: u64,
    /// The plugins of the registry, whether or not they could run.
    pub plugins: Vec<PluginRecord>,
    /// One entry per target, in the order given.
    pub targets: Vec<JudgedTarget>,
}

/// What the plugins found about one target.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedTarget {
    /// Display name (the folder's name).
    pub name: String,
    /// The path as given on the command line.
    pub path: String,
    /// `git` for a git work tree, `directory` otherwise, `cloud` for a cloud account.
    pub kind: String,
    /// Labels from the assessment file, such as team or service.
    pub labels: BTreeMap<String, String>,
    /// Regular files in the inventory.
    pub files: usize,
    /// Facts by dotted name, e.g. `"ci.systems": ["github-actions"]`: the plugins' own
    /// summaries, free-form JSON values by the protocol.
    pub facts: BTreeMap<String, Value>,
    /// Check results, ordered by plugin then check.
    pub findings: Vec<FindingRecord>,
    /// Plugins that failed on this target.
    pub errors: Vec<ErrorRecord>,
    /// What the host dropped or corrected in plugin output.
    pub warnings: Vec<String>,
    /// Paths left out of the inventory, with the reason.
    pub skipped: Vec<Skipped>,
    /// The evidence the assessment had for it (interview answers are added when scoring).
    pub sources: Vec<crate::model::Source>,
    /// The plugins that judged it (including those that failed on it).
    pub plugins: Vec<String>,
}

impl JudgedTarget {
    /// Whether `plugin` judged this target. A result written before targets recorded their
    /// plugins says so through the plugin's findings and errors.
    pub fn judged_by(&self, plugin: &str) -> bool {
        self.plugins.iter().any(|p| p == plugin)
            || self.findings.iter().any(|f| f.plugin == plugin)
            || self.errors.iter().any(|e| e.plugin == plugin)
    }

    /// The evidence the assessment had, as recorded or, for a result written before targets
    /// recorded it, as its kind says.
    pub fn sources(&self) -> Vec<crate::model::Source> {
        use crate::model::Source;
        if !self.sources.is_empty() {
            return self.sources.clone();
        }
        match self.kind.as_str() {
            "cloud" => vec![Source::Cloud],
            "git" => vec![Source::Repository, Source::History],
            _ => vec![Source::Repository],
        }
    }
}

/// A plugin that took part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// How a system judges it over its members: `any` when one member that passes is
    /// enough; absent for `every` (every member where it applies must pass).
    #[serde(default, skip_serializing_if = "crate::plugin::manifest::Pooled::is_every")]
    pub pooled: crate::plugin::manifest::Pooled,
}

/// One check result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExemptionRecord {
    /// The reason written in the assessment file.
    pub reason: String,
    /// The status the plugin reported.
    pub original_status: Status,
}

/// A plugin that failed on a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
