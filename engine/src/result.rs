//! `result.json`, the source of truth of an assessment: every report is rendered from it.
//!
//! Schema version 1. Field names are part of Kaizen's contract with other tools: add fields
//! freely, but rename or remove one only with a new `schema_version`.

use crate::collect::Skipped;
use crate::diag::Diagnostic;
use crate::plugin::{ErrorKind, Evidence, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The schema version this engine writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The organisation's area levels in each result of the history folder, oldest first,
    /// ending with this one (`--history`); empty without a history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<TrendPoint>,
    /// Set on the result of one shard (`--shard I/N`), which `kaizen merge` combines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardRecord>,
}

/// The organisation's figures at one point of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrendPoint {
    /// When that assessment started.
    pub started_at: String,
    /// The organisation's level per area id.
    pub levels: BTreeMap<String, u8>,
    /// The organisation's coverage, 0 to 1.
    pub coverage: f64,
}

impl TrendPoint {
    /// The point of a scored result (none when it was not scored).
    pub fn of(result: &AssessmentResult) -> Option<TrendPoint> {
        let org = result.organisation_assessment.as_ref()?;
        Some(TrendPoint {
            started_at: result.started_at.clone(),
            levels: org.areas.iter().map(|a| (a.id.clone(), a.level)).collect(),
            coverage: org.coverage,
        })
    }
}

/// Which slice of the targets a shard's result holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShardRecord {
    /// 1 to `count`.
    pub index: usize,
    /// How many shards.
    pub count: usize,
    /// For each of `targets`, its position among all the assessment's targets.
    pub targets: Vec<usize>,
    /// For each of `unavailable`, its position among all the assessment's targets.
    pub unavailable: Vec<usize>,
}

/// The model of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ModelRecord {
    /// `built-in`, or the file it was read from.
    pub source: String,
    /// SHA-256 of the model's text, hex.
    pub sha256: String,
    /// The model.
    #[serde(flatten)]
    pub model: crate::model::Model,
}

/// Read field by field rather than through `#[serde(flatten)]`, which buffers the fields and
/// so reports a wrong value inside the model at the end of the `model` object instead of at
/// the value.
impl<'de> Deserialize<'de> for ModelRecord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "ModelRecord")]
        struct Fields {
            source: String,
            sha256: String,
            id: String,
            name: String,
            version: String,
            description: String,
            levels: Vec<crate::model::Level>,
            areas: Vec<crate::model::Area>,
            practices: Vec<crate::model::Practice>,
            questions: Vec<crate::model::Question>,
        }
        let f = Fields::deserialize(deserializer)?;
        Ok(ModelRecord {
            source: f.source,
            sha256: f.sha256,
            model: crate::model::Model {
                id: f.id,
                name: f.name,
                version: f.version,
                description: f.description,
                levels: f.levels,
                areas: f.areas,
                practices: f.practices,
                questions: f.questions,
            },
        })
    }
}

/// How an assessment was scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PracticeExemptionRecord {
    /// The practice's id.
    pub practice: String,
    /// The glob over target names.
    pub target: String,
    /// Why.
    pub reason: String,
}

/// A target left out of the assessment because its evidence could not be collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnavailableTarget {
    /// The target as given (a URL has its credentials removed).
    pub target: String,
    /// Why, in one sentence.
    pub reason: String,
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
}

/// Everything found about one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// The JSON Schema of `result.json` (draft 2020-12), generated from these types: every
/// field's description is its documentation here.
pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(AssessmentResult)).unwrap_or(Value::Null);
    if let Some(o) = schema.as_object_mut() {
        o.insert("$id".into(), Value::from(format!("https://kaizen.example/schema/result-v{SCHEMA_VERSION}.json")));
        o.insert("title".into(), Value::from(format!("Kaizen result.json, schema version {SCHEMA_VERSION}")));
    }
    schema
}

impl AssessmentResult {
    /// The declared check of a plugin, for titles in reports.
    pub fn check(&self, plugin: &str, check: &str) -> Option<&CheckRecord> {
        self.plugins.iter().find(|p| p.id == plugin)?.checks.iter().find(|c| c.id == check)
    }

    /// Reads a result file; see [`AssessmentResult::from_json`].
    pub fn load(path: &Path) -> Result<AssessmentResult, Diagnostic> {
        let text = crate::diag::read_text("result-unreadable", path)?;
        AssessmentResult::from_json(path, &text)
    }

    /// Reads a result file's text; `path` names it in the problem. JSON syntax errors and
    /// fields of the wrong type are reported at their line and column; a file that is not a
    /// result (not an object, no `schema_version`) or of another schema version is refused
    /// as such before its shape is checked, so a newer file is not reported as broken.
    pub fn from_json(path: &Path, text: &str) -> Result<AssessmentResult, Diagnostic> {
        const EXPECTED: &str = "expected a result.json written by `kaizen assess`";
        if text.trim().is_empty() {
            return Err(Diagnostic::new("result-syntax", path, format!("the file is empty; {EXPECTED}")));
        }
        let json_error = |e: serde_json::Error| {
            let code = if e.is_data() { "result-invalid" } else { "result-syntax" };
            let mut d = Diagnostic::from_json(code, path, text, &e);
            if (d.line, d.column) == (Some(1), Some(1)) || e.is_eof() && !text.trim_start().starts_with('{') {
                d.message = format!("not JSON ({}); {EXPECTED}", d.message);
            }
            d
        };
        // First only the header, every other field skipped: it says whether this is a result
        // at all, and which version.
        let header: Value = serde_json::from_str::<Header>(text).map_err(json_error)?.0;
        let version = match &header {
            Value::Object(map) => map.get("schema_version").cloned(),
            other => {
                let found = match other {
                    Value::Array(_) => "an array",
                    Value::String(_) => "a string",
                    Value::Number(_) => "a number",
                    Value::Bool(_) => "a boolean",
                    _ => "null",
                };
                let at = text.len() - text.trim_start().len();
                return Err(Diagnostic::at(
                    "result-not-a-result",
                    path,
                    text,
                    at,
                    format!("not a Kaizen result: the file holds {found}, not an object; {EXPECTED}"),
                ));
            }
        };
        match version.as_ref().and_then(Value::as_u64) {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(Diagnostic::new(
                    "result-schema-version",
                    path,
                    format!(
                        "result has schema version {v}; this Kaizen ({}) reads schema version {SCHEMA_VERSION}{}",
                        env!("CARGO_PKG_VERSION"),
                        if v > u64::from(SCHEMA_VERSION) { "; upgrade Kaizen to read it" } else { "" }
                    ),
                ))
            }
            None if version.is_some() => {} // the full parse below names its type and position
            None => {
                return Err(Diagnostic::new(
                    "result-not-a-result",
                    path,
                    format!("not a Kaizen result: no `schema_version`; {EXPECTED}"),
                ))
            }
        }
        serde_json::from_str(text).map_err(json_error)
    }
}

/// The first pass of [`AssessmentResult::from_json`]: the top-level value with an object's
/// `schema_version` kept and every other field skipped unparsed.
struct Header(Value);

impl<'de> Deserialize<'de> for Header {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Header;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Header, A::Error> {
                let mut out = serde_json::Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "schema_version" {
                        out.insert(key, map.next_value()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Header(Value::Object(out)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Header, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Header(Value::Array(Vec::new())))
            }
            fn visit_str<E>(self, _: &str) -> Result<Header, E> {
                Ok(Header(Value::String(String::new())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Header, E> {
                Ok(Header(Value::Bool(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Header, E> {
                Ok(Header(Value::from(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Header, E> {
                Ok(Header(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Header, E> {
                Ok(Header(Value::from(v)))
            }
            fn visit_unit<E>(self) -> Result<Header, E> {
                Ok(Header(Value::Null))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
