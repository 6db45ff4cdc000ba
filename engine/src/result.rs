//! `result.json`, the source of truth of an assessment: every report is rendered from it.
//!
//! Schema version 1. Field names are part of Kaizen's contract with other tools: add fields
//! freely, but rename or remove one only with a new `schema_version`.
//!
//! A result is composed once, at the end of an assessment, from the values of the stages
//! before it ([`AssessmentResult::compose`]): the judged targets, their scores, the
//! roadmap, the trend. Nothing here computes them; the records of the judge stage
//! ([`FindingRecord`] and the others) are re-exported from [`crate::judge`].

pub use crate::branding::Branding;
use crate::collect::Skipped;
use crate::diag::Diagnostic;
pub use crate::judge::{CheckRecord, ErrorRecord, ExemptionRecord, FindingRecord, PluginRecord};
use crate::judge::{Judged, JudgedTarget};
use crate::roadmap::Roadmap;
use crate::score::{OrganisationAssessment, TargetAssessment};
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
    /// How the reports are branded (`[report]` of the assessment file): the logo, embedded,
    /// and the accent colour. Absent when the file brands nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
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
    /// The organisations and groups whose repositories were listed (`--github-org`,
    /// `[[sources]]`), with what was left out and why: the scope of the assessment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRecord>,
    /// The systems of the assessment file (`[[systems]]`), each scored on the pooled
    /// evidence of its members, in the order the file gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<SystemResult>,
    /// The maturity model the targets were scored against, whole, so that reports need
    /// nothing else. Absent when the assessment was not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelRecord>,
    /// How the scoring was set up: answers file, profile, roadmap capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ScoringRecord>,
    /// The organisation's aggregates across targets: levels, practices, coverage, DORA, groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_assessment: Option<OrganisationAssessment>,
    /// What to do next, in horizons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<Roadmap>,
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
    /// The organisation's score, 0 to 1 (absent in results older than the score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The organisation's score per area id, where the area was assessed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scores: BTreeMap<String, f64>,
}

impl TrendPoint {
    /// The point of a scored result (none when it was not scored).
    pub fn of(result: &AssessmentResult) -> Option<TrendPoint> {
        Some(TrendPoint::new(&result.started_at, result.organisation_assessment.as_ref()?))
    }

    /// The point of the organisation's figures of an assessment started at `started_at`.
    pub fn new(started_at: &str, org: &OrganisationAssessment) -> TrendPoint {
        TrendPoint {
            started_at: started_at.to_owned(),
            levels: org.areas.iter().map(|a| (a.id.clone(), a.level)).collect(),
            coverage: org.coverage,
            score: org.score,
            scores: org.areas.iter().filter_map(|a| Some((a.id.clone(), a.score?))).collect(),
        }
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
            #[serde(default)]
            fact_plugins: BTreeMap<String, String>,
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
                fact_plugins: f.fact_plugins,
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
    /// Practices exempted by the assessment file: practice, target glob, reason, owner and
    /// expiry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exemptions: Vec<PracticeExemptionRecord>,
    /// Checks exempted by the assessment file: check, target glob, reason, owner and expiry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_exemptions: Vec<CheckExemptionRecord>,
    /// Effort points per quarter the roadmap assumes.
    pub capacity: u32,
    /// What the organisation's figures are computed over: `targets` (absent) or `systems`.
    #[serde(default, skip_serializing_if = "crate::score::LevelOver::is_targets")]
    pub organisation_over: crate::score::LevelOver,
}

/// An exemption of either kind, as the reports and the gate read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExemptionLine<'a> {
    /// `check` or `practice`.
    pub kind: &'static str,
    /// The check (`plugin/check`) or the practice's id.
    pub subject: &'a str,
    /// The glob over target names.
    pub target: &'a str,
    /// Why.
    pub reason: &'a str,
    /// Who answers for it.
    pub owner: Option<&'a str>,
    /// The last day it applies.
    pub expires: Option<&'a str>,
    /// Past its last day: not applied.
    pub expired: bool,
}

impl ScoringRecord {
    /// The assessment file's exemptions, checks then practices.
    pub fn all_exemptions(&self) -> impl Iterator<Item = ExemptionLine<'_>> {
        let checks = self.check_exemptions.iter().map(|e| ExemptionLine {
            kind: "check",
            subject: &e.check,
            target: &e.target,
            reason: &e.reason,
            owner: e.owner.as_deref(),
            expires: e.expires.as_deref(),
            expired: e.expired,
        });
        let practices = self.exemptions.iter().map(|e| ExemptionLine {
            kind: "practice",
            subject: &e.practice,
            target: &e.target,
            reason: &e.reason,
            owner: e.owner.as_deref(),
            expires: e.expires.as_deref(),
            expired: e.expired,
        });
        checks.chain(practices)
    }
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
    /// Who answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The last day it applies (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Past its last day on the day of the assessment: it was not applied.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
}

/// A check exemption, as written in the assessment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckExemptionRecord {
    /// The check, `plugin/check`.
    pub check: String,
    /// The glob over target names.
    pub target: String,
    /// Why.
    pub reason: String,
    /// Who answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The last day it applies (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Past its last day on the day of the assessment: it was not applied.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
}

/// A target left out of the assessment because its evidence could not be collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnavailableTarget {
    /// The target as given (a URL has its credentials removed).
    pub target: String,
    /// Why, in one sentence.
    pub reason: String,
}

/// Everything found about one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetResult {
    /// Display name: the folder's or the repository's name, `aws-ACCOUNT` for a cloud inventory.
    pub name: String,
    /// The path as given on the command line.
    pub path: String,
    /// `git` for a git work tree, `cloud` for a cloud inventory, `directory` otherwise.
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
    /// The evidence the assessment had for it: `repository`, `history`, `runs`, `cloud`
    /// (interview answers are in `assessment.scope`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::model::Source>,
    /// The plugins that judged it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<String>,
    /// The target scored against the model: practices, areas, DORA, answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<TargetAssessment>,
}

/// An organisation or group whose repositories were listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRecord {
    /// `GitHub organisation acme`, `GitLab group acme/platform`.
    pub source: String,
    /// The API it was listed from.
    pub api: String,
    /// The repositories listed.
    pub listed: usize,
    /// The names of the targets made of the repositories kept, in order.
    pub targets: Vec<String>,
    /// The repositories left out by the filters, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOutRecord>,
    /// Why the listing stopped before its end (or could not start), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
}

/// A repository left out of the assessment by a filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeftOutRecord {
    /// Its path on the forge.
    pub repository: String,
    /// Why: `archived`, `a fork`, `excluded by sandbox/**`...
    pub reason: String,
}

/// A system: targets grouped by the assessment file and scored on their pooled evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SystemResult {
    /// The system's name.
    pub name: String,
    /// The members it names, as the assessment file gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// The labels that make a target a member, as the assessment file gives them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The targets assessed that are members (named or labelled), in the order of `targets`
    /// of the result.
    pub members: Vec<String>,
    /// The names of `targets` that are not among the targets assessed: the system is
    /// scored on the members found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// The system scored on its members' pooled evidence, each trace naming its member
    /// (`member`); absent when no member was assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<TargetAssessment>,
}

impl SystemResult {
    /// A scored system, as the result records it.
    pub fn new(system: crate::score::SystemAssessment) -> SystemResult {
        let crate::score::SystemAssessment { spec, members, missing, assessment } = system;
        SystemResult { name: spec.name, targets: spec.targets, labels: spec.labels, members, missing, assessment }
    }

    /// The system as the assessment file defined it.
    pub fn spec(&self) -> crate::score::SystemSpec {
        crate::score::SystemSpec { name: self.name.clone(), targets: self.targets.clone(), labels: self.labels.clone() }
    }
}

/// The values an assessment's result is composed of, each built once by its stage.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The organisation's name, from the assessment file.
    pub organisation: Option<String>,
    /// The reports' branding, from the assessment file.
    pub branding: Option<Branding>,
    /// What the plugins found, target by target.
    pub judged: Judged,
    /// Targets that could not be collected.
    pub unavailable: Vec<UnavailableTarget>,
    /// The organisations listed.
    pub sources: Vec<SourceRecord>,
    /// The scores and the roadmap, when the targets were scored.
    pub scored: Option<Scored>,
    /// The points of the results already in the history folder, oldest first (`None`
    /// without a history folder); this result's own point is added after them.
    pub history: Option<Vec<TrendPoint>>,
    /// The slice of the targets, for the result of one shard.
    pub shard: Option<ShardRecord>,
}

/// What scoring and planning made of the judged targets.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The model scored against.
    pub model: ModelRecord,
    /// How it was scored.
    pub scoring: ScoringRecord,
    /// The targets' assessments (in the order of the judged targets) and the organisation's.
    pub assessment: crate::score::Assessment,
    /// The roadmap.
    pub roadmap: Roadmap,
}

impl AssessmentResult {
    /// The result of an assessment, composed from its parts.
    pub fn compose(parts: Parts) -> AssessmentResult {
        let Parts { organisation, branding, judged, unavailable, sources, scored, history, shard } = parts;
        let Judged { started_at, duration_ms, plugins, targets } = judged;
        let (model, scoring, assessments, systems, organisation_assessment, roadmap) = match scored {
            Some(s) => (
                Some(s.model),
                Some(s.scoring),
                s.assessment.targets.into_iter().map(Some).collect(),
                s.assessment.systems.into_iter().map(SystemResult::new).collect(),
                Some(s.assessment.organisation),
                Some(s.roadmap),
            ),
            None => (None, None, Vec::new(), Vec::new(), None, None),
        };
        let trend = match history {
            Some(mut points) => {
                points.extend(organisation_assessment.as_ref().map(|org| TrendPoint::new(&started_at, org)));
                points
            }
            None => Vec::new(),
        };
        let targets = targets
            .into_iter()
            .zip(assessments.into_iter().chain(std::iter::repeat_with(|| None)))
            .map(|(judged, assessment)| TargetResult::new(judged, assessment))
            .collect();
        AssessmentResult {
            schema_version: SCHEMA_VERSION,
            kaizen_version: env!("CARGO_PKG_VERSION").into(),
            organisation,
            branding,
            started_at,
            duration_ms,
            plugins,
            targets,
            unavailable,
            sources,
            systems,
            model,
            scoring,
            organisation_assessment,
            roadmap,
            trend,
            shard,
        }
    }
}

impl TargetResult {
    /// A judged target and its assessment, as the result records them.
    pub fn new(judged: JudgedTarget, assessment: Option<TargetAssessment>) -> TargetResult {
        let JudgedTarget {
            name,
            path,
            kind,
            labels,
            files,
            facts,
            findings,
            errors,
            warnings,
            skipped,
            sources,
            plugins,
        } = judged;
        TargetResult {
            name,
            path,
            kind,
            labels,
            files,
            facts,
            findings,
            errors,
            warnings,
            skipped,
            sources,
            plugins,
            assessment,
        }
    }

    /// What the plugins found, as the judge stage gave it: to score a result read back.
    pub fn judged(&self) -> JudgedTarget {
        JudgedTarget {
            name: self.name.clone(),
            path: self.path.clone(),
            kind: self.kind.clone(),
            labels: self.labels.clone(),
            files: self.files,
            facts: self.facts.clone(),
            findings: self.findings.clone(),
            errors: self.errors.clone(),
            warnings: self.warnings.clone(),
            skipped: self.skipped.clone(),
            sources: self.sources.clone(),
            plugins: self.plugins.clone(),
        }
    }
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
        let text = crate::diag::read_text(crate::diag::ResultCode::Unreadable, path)?;
        AssessmentResult::from_json(path, &text)
    }

    /// Reads a result file's text; `path` names it in the problem. JSON syntax errors and
    /// fields of the wrong type are reported at their line and column; a file that is not a
    /// result (not an object, no `schema_version`) or of another schema version is refused
    /// as such before its shape is checked, so a newer file is not reported as broken.
    pub fn from_json(path: &Path, text: &str) -> Result<AssessmentResult, Diagnostic> {
        const EXPECTED: &str = "expected a result.json written by `kaizen assess`";
        if text.trim().is_empty() {
            return Err(Diagnostic::new(
                crate::diag::ResultCode::Syntax,
                path,
                format!("the file is empty; {EXPECTED}"),
            ));
        }
        let json_error = |e: serde_json::Error| {
            let code = if e.is_data() { crate::diag::ResultCode::Invalid } else { crate::diag::ResultCode::Syntax };
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
                    crate::diag::ResultCode::NotAResult,
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
                    crate::diag::ResultCode::SchemaVersion,
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
                    crate::diag::ResultCode::NotAResult,
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
