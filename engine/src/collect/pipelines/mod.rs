//! Pipeline runs: imported from the real export formats of GitHub Actions, GitLab CI and
//! AWS CodePipeline, or fetched live from the GitHub and GitLab REST APIs, and normalised to one
//! [`PipelineRun`] shape that plugins receive as the request's `pipelines` object.
//!
//! Files are recognised by their content, never by their name: `gh run list --json …`
//! output, GitHub REST `actions/runs` responses (one page, several pages concatenated as
//! `gh api --paginate` writes them, or a JSON array of pages), GitLab
//! `/projects/:id/pipelines` responses, AWS `list-pipeline-executions` output, a Kaizen AWS
//! inventory, and Kaizen's own normalised file (what `kaizen collect pipelines` writes).
//!
//! # Example
//!
//! ```no_run
//! use kaizen::collect::pipelines::{self, DeployPatterns};
//!
//! let patterns = DeployPatterns::default();
//! let imported = pipelines::import_file("runs.json".as_ref(), &patterns)?;
//! let runs = pipelines::pipeline_runs(&[imported]);
//! println!("{} runs, {} deployments", runs.summary.runs.total, runs.summary.deployments.total);
//! # Ok::<(), pipelines::ImportError>(())
//! ```

mod codepipeline;
mod deploy;
mod github;
pub mod github_api;
mod gitlab;
pub mod gitlab_api;
mod sources;

pub use deploy::{DeployMatcher, DeployPatterns, PatternError};
pub use github_api::{fetch_github, FetchError, GithubFetch, Token};
pub use gitlab_api::GitlabFetch;
pub use sources::{gather, token_from_env, FetchSettings, Gathered, PipelineInput};

use crate::diag::PipelinesCode;
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The `kind` of Kaizen's normalised pipeline-runs file.
pub const RUNS_KIND: &str = "kaizen-pipeline-runs";
/// The version of that file this engine writes and reads.
pub const RUNS_VERSION: u32 = 1;
/// The `kind` of a Kaizen AWS inventory (written by `kaizen collect aws`).
pub const AWS_INVENTORY_KIND: &str = "kaizen-aws-inventory";

pub use kaizen_evidence::runs::{
    Conclusion, Counts, Format, PipelineRun, PipelineRuns, Source, SourceEntry, SourceInfo, Status, Summary,
};

/// A source read from a file.
fn file_source(format: Format, path: &Path) -> SourceInfo {
    SourceInfo { format, path: Some(path.to_path_buf()), url: None, repository: None, collected_from: Vec::new() }
}

/// The runs of one file or one fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The runs, oldest first, each once.
    pub runs: Vec<PipelineRun>,
    /// Where they came from.
    pub source: SourceInfo,
    /// What was odd but not fatal (an unknown status mapped to `neutral`, a truncated
    /// export), for the user to read.
    pub warnings: Vec<String>,
}

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read as text: missing, a folder, invalid UTF-8, a binary file.
    #[error("{0}")]
    Text(crate::diag::Diagnostic),
    /// The file is not valid JSON, or a value has the wrong type for its format.
    #[error("{}", crate::diag::Diagnostic::placed(crate::diag::PipelinesCode::Syntax, path, *line, *column, message, snippet.as_deref()))]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said, without its own position suffix.
        message: String,
        /// The line of the file the problem is on, shown under the message.
        snippet: Option<String>,
    },
    /// Valid JSON that is none of the known exports.
    #[error(
        "{}: error[{}]: not a recognised pipeline export: expected gh run list JSON, GitHub REST actions/runs, GitLab \
         pipelines, AWS CodePipeline executions or a Kaizen AWS inventory ({found})",
        path.display(),
        PipelinesCode::Unrecognised.name()
    )]
    Unrecognised {
        /// The file.
        path: PathBuf,
        /// What was found instead, e.g. "an object with keys a, b, c".
        found: String,
    },
    /// A recognised format with content that cannot be used.
    #[error("{}: error[{}]: {message}", path.display(), PipelinesCode::Invalid.name())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the place in the file.
        message: String,
    },
    /// A deployment pattern does not compile.
    #[error(transparent)]
    Pattern(#[from] PatternError),
}

/// Imports one export file, recognising its format from its content.
pub fn import_file(path: &Path, patterns: &DeployPatterns) -> Result<Imported, ImportError> {
    let matcher = patterns.compile()?;
    let text = crate::diag::read_text(crate::diag::PipelinesCode::Unreadable, path).map_err(ImportError::Text)?;
    import_text(path, &text, &matcher)
}

/// Imports the text of an export; `path` names it in errors and in the source.
pub fn import_text(path: &Path, text: &str, matcher: &DeployMatcher) -> Result<Imported, ImportError> {
    let file = File { path, text };
    let docs = file.documents()?;
    let mut shapes = docs.iter().map(|d| (d, shape_of(&d.value)));
    let Some((first, Some(first_shape))) = shapes.next() else {
        let found = match docs.first() {
            None => "the file holds no JSON value".to_owned(),
            Some(doc) => describe(&doc.value),
        };
        return Err(ImportError::Unrecognised { path: path.to_path_buf(), found });
    };
    // An empty first page says nothing about the format: take the first page that does.
    let format = docs.iter().filter_map(|d| shape_of(&d.value)).map(|s| s.0).find(|f| *f != Format::Empty);
    let format = format.unwrap_or(first_shape.0);
    let mut layouts = vec![(first, first_shape.1)];
    for (i, (doc, shape)) in shapes.enumerate() {
        match shape {
            Some((f, layout)) if f == format || f == Format::Empty => layouts.push((doc, layout)),
            Some((f, _)) => {
                return Err(file.invalid(format!(
                    "document {} is {} but the file started as {}: import them as separate files",
                    i + 2,
                    format_name(f),
                    format_name(format)
                )))
            }
            None => {
                return Err(ImportError::Unrecognised {
                    path: path.to_path_buf(),
                    found: format!("document {} is {}", i + 2, describe(&doc.value)),
                })
            }
        }
    }
    let mut warnings = Vec::new();
    let mut source = file_source(format, path);
    let raw = match format {
        Format::Empty => {
            warnings.push(format!("{}: an empty list: no runs", path.display()));
            Vec::new()
        }
        Format::GhRunList => github::gh_run_list(&file, &layouts, &mut warnings)?,
        Format::GithubRest | Format::GithubApi => github::rest(&file, &layouts, &mut warnings)?,
        Format::GitlabPipelines => gitlab::pipelines(&file, &layouts, &mut warnings)?,
        Format::CodepipelineExecutions => codepipeline::executions(&file, &layouts, &mut warnings)?,
        Format::KaizenAwsInventory => codepipeline::inventory(&file, &first.value, &mut warnings)?,
        Format::KaizenPipelineRuns => {
            let (runs, sources) = kaizen_runs(&file, first)?;
            source.repository = common(sources.iter().map(|s| s.repository.clone()));
            source.collected_from = sources;
            runs.into_iter().map(Raw::from_run).collect()
        }
    };
    if source.repository.is_none() {
        source.repository = common(raw.iter().map(|r| r.repository.clone()));
    }
    Ok(Imported { runs: finish(raw, matcher), source, warnings })
}

/// The runs plugins receive (the request's `pipelines` object): every run of every import
/// (oldest first, each run once), the sources with their run counts, and a [`Summary`].
pub fn pipeline_runs(imports: &[Imported]) -> PipelineRuns {
    let mut seen = HashSet::new();
    let mut runs: Vec<&PipelineRun> =
        imports.iter().flat_map(|i| &i.runs).filter(|r| seen.insert((r.source, r.id.as_str()))).collect();
    runs.sort_by_cached_key(|r| (time_of(&r.created_at), r.id.clone()));
    PipelineRuns {
        sources: imports.iter().map(|i| SourceEntry { source: i.source.clone(), runs: i.runs.len() }).collect(),
        summary: summarise(runs.iter().copied()),
        runs: runs.into_iter().cloned().collect(),
    }
}

/// Kaizen's normalised runs file, as pretty JSON: `kind`, `version` and the collection
/// time, then the `pipelines` object's `sources`, `summary` and `runs`. [`import_file`]
/// reads it back.
pub fn to_runs_file(imports: &[Imported], collected_at: Timestamp) -> String {
    #[derive(Serialize)]
    struct RunsFile {
        kind: &'static str,
        version: u32,
        collected_at: Timestamp,
        #[serde(flatten)]
        pipelines: PipelineRuns,
    }
    let file = RunsFile {
        kind: RUNS_KIND,
        version: RUNS_VERSION,
        collected_at: whole_seconds(collected_at),
        pipelines: pipeline_runs(imports),
    };
    let mut text = serde_json::to_string_pretty(&file).expect("runs serialise");
    text.push('\n');
    text
}

/// The summary of some runs: counts by conclusion, of all and of deployments, and the
/// creation times of the oldest and the newest.
pub fn summarise<'a>(runs: impl IntoIterator<Item = &'a PipelineRun>) -> Summary {
    let mut summary = Summary::default();
    let mut first: Option<(Timestamp, &str)> = None;
    let mut last: Option<(Timestamp, &str)> = None;
    for run in runs {
        count(&mut summary.runs, run);
        if run.deployment {
            count(&mut summary.deployments, run);
        }
        let created = (time_of(&run.created_at), run.created_at.as_str());
        first = Some(first.map_or(created, |f| if created.0 < f.0 { created } else { f }));
        last = Some(last.map_or(created, |l| if created.0 > l.0 { created } else { l }));
    }
    summary.first_run = first.map(|(_, text)| text.to_owned());
    summary.last_run = last.map(|(_, text)| text.to_owned());
    summary
}

/// Adds a run to the counts of its conclusion.
fn count(counts: &mut Counts, run: &PipelineRun) {
    counts.total += 1;
    let slot = match run.conclusion {
        None => &mut counts.unfinished,
        Some(Conclusion::Success) => &mut counts.success,
        Some(Conclusion::Failure) => &mut counts.failure,
        Some(Conclusion::Cancelled) => &mut counts.cancelled,
        Some(Conclusion::Skipped) => &mut counts.skipped,
        Some(Conclusion::TimedOut) => &mut counts.timed_out,
        Some(Conclusion::ActionRequired) => &mut counts.action_required,
        Some(Conclusion::Neutral) => &mut counts.neutral,
    };
    *slot += 1;
}

/// The time of a run's timestamp text, which the importers write from a [`Timestamp`] (the
/// earliest time for text that is not one, which they never write).
fn time_of(text: &str) -> Timestamp {
    text.parse().unwrap_or(Timestamp::MIN)
}

// ---------------------------------------------------------------------------------------
// Reading files: documents, shapes, positioned errors.

/// The file being imported.
struct File<'a> {
    path: &'a Path,
    text: &'a str,
}

/// One top-level JSON value of a file, and where it is.
struct Doc<'a> {
    start: usize,
    text: &'a str,
    value: Value,
}

/// How runs sit inside one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// An object holding a list of runs (`workflow_runs`, `pipelineExecutionSummaries`).
    Page,
    /// A list of such objects.
    Pages,
    /// A list of runs.
    Runs,
    /// A list of lists of runs (GitLab pages gathered with `jq -s`).
    RunLists,
    /// One run (GitLab's single-pipeline response).
    One,
    /// An object read as a whole (an inventory, Kaizen's file).
    Whole,
    /// An empty list.
    Empty,
}

impl<'a> File<'a> {
    /// Every top-level JSON value: one for most files, several for concatenated pages.
    fn documents(&self) -> Result<Vec<Doc<'a>>, ImportError> {
        let mut docs = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(self.text).into_iter::<Value>();
        loop {
            let before = stream.byte_offset();
            match stream.next() {
                None => break,
                Some(Ok(value)) => {
                    let end = stream.byte_offset();
                    let start = before + self.text[before..end].len() - self.text[before..end].trim_start().len();
                    docs.push(Doc { start, text: &self.text[start..end], value });
                }
                Some(Err(e)) => return Err(self.json_error(&e, self.text, 0)),
            }
        }
        Ok(docs)
    }

    /// Deserialises a document into a typed shape, with positions in the whole file.
    fn typed<T: DeserializeOwned>(&self, doc: &Doc) -> Result<T, ImportError> {
        serde_json::from_str(doc.text).map_err(|e| self.json_error(&e, doc.text, doc.start))
    }

    /// Reads the runs of each document, whatever its layout; `page` takes a page's runs.
    fn runs<R: DeserializeOwned, P: DeserializeOwned>(
        &self,
        layouts: &[(&Doc, Layout)],
        mut page: impl FnMut(P) -> Vec<R>,
    ) -> Result<Vec<R>, ImportError> {
        let mut runs = Vec::new();
        for (doc, layout) in layouts {
            match layout {
                Layout::Page => runs.extend(page(self.typed::<P>(doc)?)),
                Layout::Pages => runs.extend(self.typed::<Vec<P>>(doc)?.into_iter().flat_map(&mut page)),
                Layout::Runs => runs.extend(self.typed::<Vec<R>>(doc)?),
                Layout::RunLists => runs.extend(self.typed::<Vec<Vec<R>>>(doc)?.into_iter().flatten()),
                Layout::One => runs.push(self.typed::<R>(doc)?),
                Layout::Whole | Layout::Empty => {}
            }
        }
        Ok(runs)
    }

    /// A serde_json error in `doc_text`, which starts at byte `offset` of the file, as an
    /// error at its line and column in the whole file.
    fn json_error(&self, e: &serde_json::Error, doc_text: &str, offset: usize) -> ImportError {
        let d = crate::diag::Diagnostic::from_json(crate::diag::PipelinesCode::Syntax, self.path, doc_text, e);
        let (line0, column0) = crate::diag::line_column(self.text, offset);
        let (line, column) = match (d.line, d.column) {
            (Some(1), Some(column)) => (line0, column0 + column - 1),
            (Some(line), Some(column)) => (line0 + line - 1, column),
            _ => (line0, column0),
        };
        let message = if (line, column) == (1, 1) && e.is_syntax() && !self.text.trim_start().starts_with(['{', '[']) {
            format!("not JSON ({}); expected a pipeline export in JSON", d.message)
        } else {
            d.message
        };
        let snippet = self.text.lines().nth(line - 1).map(str::to_owned);
        ImportError::Json { path: self.path.to_path_buf(), line, column, message, snippet }
    }

    fn invalid(&self, message: String) -> ImportError {
        ImportError::Invalid { path: self.path.to_path_buf(), message }
    }
}

/// Recognises a document by its keys: the format and how runs sit in it.
fn shape_of(value: &Value) -> Option<(Format, Layout)> {
    match value {
        Value::Object(object) => {
            match object.get("kind").and_then(Value::as_str) {
                Some(RUNS_KIND) => return Some((Format::KaizenPipelineRuns, Layout::Whole)),
                Some(AWS_INVENTORY_KIND) => return Some((Format::KaizenAwsInventory, Layout::Whole)),
                _ => {}
            }
            if object.get("workflow_runs").is_some_and(Value::is_array) {
                Some((Format::GithubRest, Layout::Page))
            } else if object.get("pipelineExecutionSummaries").is_some_and(Value::is_array) {
                Some((Format::CodepipelineExecutions, Layout::Page))
            } else {
                run_format(value).filter(|f| *f == Format::GitlabPipelines).map(|f| (f, Layout::One))
            }
        }
        Value::Array(items) => match items.iter().find(|i| !matches!(i, Value::Array(a) if a.is_empty())) {
            None => Some((Format::Empty, Layout::Empty)),
            Some(Value::Array(inner)) => run_format(&inner[0]).map(|f| (f, Layout::RunLists)),
            Some(first) => match shape_of(first) {
                Some((format, Layout::Page)) => Some((format, Layout::Pages)),
                _ => run_format(first).map(|f| (f, Layout::Runs)),
            },
        },
        _ => None,
    }
}

/// Recognises one run object by the keys only its format uses.
fn run_format(value: &Value) -> Option<Format> {
    let object = value.as_object()?;
    let has = |key: &str| object.contains_key(key);
    if has("databaseId") || has("workflowName") || (has("headBranch") && has("createdAt")) {
        Some(Format::GhRunList)
    } else if has("run_number") || has("workflow_id") || (has("head_branch") && has("created_at")) {
        Some(Format::GithubRest)
    } else if has("project_id") || (has("ref") && has("web_url") && has("status")) {
        Some(Format::GitlabPipelines)
    } else if has("pipelineExecutionId") {
        Some(Format::CodepipelineExecutions)
    } else {
        None
    }
}

/// A short description of an unrecognised value, for the error.
fn describe(value: &Value) -> String {
    match value {
        Value::Object(object) if object.is_empty() => "found an empty object".into(),
        Value::Object(object) => {
            let mut keys: Vec<&str> = object.keys().map(String::as_str).take(8).collect();
            if object.len() > keys.len() {
                keys.push("…");
            }
            match object.get("kind").and_then(Value::as_str) {
                Some(kind) => format!("found an object of kind `{kind}`"),
                None => format!("found an object with keys {}", keys.join(", ")),
            }
        }
        Value::Array(items) => match items.first() {
            Some(first) => format!("found a list whose first item is {}", describe(first).trim_start_matches("found ")),
            None => "found an empty list".into(),
        },
        Value::String(_) => "found a string".into(),
        Value::Number(_) => "found a number".into(),
        Value::Bool(_) => "found a boolean".into(),
        Value::Null => "found null".into(),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::GhRunList => "gh run list JSON",
        Format::GithubRest => "a GitHub REST actions/runs response",
        Format::GithubApi => "a GitHub API fetch",
        Format::GitlabPipelines => "GitLab pipelines",
        Format::CodepipelineExecutions => "AWS CodePipeline executions",
        Format::KaizenAwsInventory => "a Kaizen AWS inventory",
        Format::KaizenPipelineRuns => "a Kaizen pipeline-runs file",
        Format::Empty => "an empty list",
    }
}

/// Kaizen's own file: its runs and sources, as written.
fn kaizen_runs(file: &File, doc: &Doc) -> Result<(Vec<FileRun>, Vec<SourceInfo>), ImportError> {
    #[derive(Deserialize)]
    struct RunsFile {
        version: u32,
        #[serde(default)]
        sources: Vec<SourceInfo>,
        runs: Vec<FileRun>,
    }
    let version = doc.value.get("version").and_then(Value::as_u64);
    if version != Some(u64::from(RUNS_VERSION)) {
        return Err(file.invalid(format!(
            "a {RUNS_KIND} file of version {}; this Kaizen reads version {RUNS_VERSION}",
            version.map_or("(none)".to_owned(), |v| v.to_string())
        )));
    }
    let parsed: RunsFile = file.typed(doc)?;
    debug_assert_eq!(parsed.version, RUNS_VERSION);
    Ok((parsed.runs, parsed.sources))
}

/// A run of Kaizen's own file: a [`PipelineRun`] whose times are read as timestamps (any
/// RFC 3339 offset), as the file was always read.
#[derive(Deserialize)]
struct FileRun {
    source: Source,
    id: String,
    workflow: String,
    branch: Option<String>,
    event: Option<String>,
    status: Status,
    conclusion: Option<Conclusion>,
    created_at: Timestamp,
    finished_at: Option<Timestamp>,
    duration_seconds: Option<i64>,
    head_sha: Option<String>,
    url: Option<String>,
    #[serde(default)]
    environment: Option<String>,
    #[allow(dead_code)] // recomputed from the patterns of this assessment
    deployment: bool,
}

// ---------------------------------------------------------------------------------------
// From each format's run to the normalised run.

/// A run as an importer read it, before deployment patterns and de-duplication.
#[derive(Debug, Clone)]
struct Raw {
    source: Source,
    id: String,
    workflow: String,
    branch: Option<String>,
    event: Option<String>,
    status: Status,
    conclusion: Option<Conclusion>,
    created_at: Timestamp,
    finished_at: Option<Timestamp>,
    duration_seconds: Option<i64>,
    head_sha: Option<String>,
    url: Option<String>,
    environment: Option<String>,
    repository: Option<String>,
}

impl Raw {
    fn from_run(run: FileRun) -> Raw {
        Raw {
            source: run.source,
            id: run.id,
            workflow: run.workflow,
            branch: run.branch,
            event: run.event,
            status: run.status,
            conclusion: run.conclusion,
            created_at: run.created_at,
            finished_at: run.finished_at,
            duration_seconds: run.duration_seconds,
            head_sha: run.head_sha,
            url: run.url,
            environment: run.environment,
            repository: None,
        }
    }
}

/// Applies the deployment patterns, drops repeated runs (overlapping pages) and sorts
/// oldest first.
fn finish(raw: Vec<Raw>, matcher: &DeployMatcher) -> Vec<PipelineRun> {
    let mut seen = HashSet::new();
    let mut runs: Vec<(Timestamp, PipelineRun)> = raw
        .into_iter()
        .filter(|r| seen.insert((r.source, r.id.clone())))
        .map(|r| {
            let run = PipelineRun {
                deployment: matcher.is_deployment(r.source, &r.workflow, r.environment.as_deref(), r.event.as_deref()),
                source: r.source,
                id: r.id,
                workflow: r.workflow,
                branch: r.branch,
                event: r.event,
                status: r.status,
                conclusion: r.conclusion,
                created_at: r.created_at.to_string(),
                finished_at: r.finished_at.map(|t| t.to_string()),
                duration_seconds: r.duration_seconds,
                head_sha: r.head_sha,
                url: r.url,
                environment: r.environment,
            };
            (r.created_at, run)
        })
        .collect();
    runs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    runs.into_iter().map(|(_, run)| run).collect()
}

/// The value all items share, if they all have the same one.
fn common(mut items: impl Iterator<Item = Option<String>>) -> Option<String> {
    let first = items.next()??;
    items.all(|i| i.as_deref() == Some(first.as_str())).then_some(first)
}

/// A timestamp in an export: RFC 3339 text with any offset, or seconds since the epoch (the
/// AWS CLI v1 writes those). Empty text and Go's zero time (`0001-01-01T00:00:00Z`, which
/// `gh` writes for a run that has not started) mean "none". Fractions of a second are
/// dropped, so every source reads alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Time(Option<Timestamp>);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Time, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Time;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a timestamp (RFC 3339 text or seconds since 1970)")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Time, E> {
                if text.is_empty() || text.starts_with("0001-01-01") {
                    return Ok(Time(None));
                }
                let t: Timestamp =
                    text.parse().map_err(|e| E::custom(format_args!("invalid timestamp `{text}`: {e}")))?;
                Ok(Time(Some(whole_seconds(t))))
            }
            fn visit_f64<E: serde::de::Error>(self, seconds: f64) -> Result<Time, E> {
                self.visit_i64(seconds.floor() as i64)
            }
            fn visit_i64<E: serde::de::Error>(self, seconds: i64) -> Result<Time, E> {
                Timestamp::from_second(seconds)
                    .map(|t| Time(Some(t)))
                    .map_err(|e| E::custom(format_args!("invalid timestamp {seconds}: {e}")))
            }
            fn visit_u64<E: serde::de::Error>(self, seconds: u64) -> Result<Time, E> {
                self.visit_i64(i64::try_from(seconds).unwrap_or(i64::MAX))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Time, E> {
                Ok(Time(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Time, E> {
                Ok(Time(None))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

fn whole_seconds(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

/// An id written as a number (GitHub, GitLab) or text (CodePipeline).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Id, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(s) if !s.is_empty() => Ok(Id(s)),
            Value::Number(n) => Ok(Id(n.to_string())),
            other => Err(serde::de::Error::custom(format_args!("expected an id, found {other}"))),
        }
    }
}

/// Seconds between two times, when both are known and in order.
fn seconds_between(start: Option<Timestamp>, end: Option<Timestamp>) -> Option<i64> {
    let (start, end) = (start?, end?);
    (end >= start).then(|| end.as_second() - start.as_second())
}

/// `pull_request`, `merge_request_event`, `StartPipelineExecution` → lowercase snake case
/// (`start_pipeline_execution`); spaces and dashes become underscores.
fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let chars: Vec<char> = text.trim().chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' || c == '-' {
            out.push('_');
        } else if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase) && next.is_some_and(|n| n.is_lowercase()));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A non-empty string, or none.
fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

/// The `owner/name` part of a run's web address: everything between the host and `marker`
/// (`/actions/runs/` on GitHub, `/-/pipelines/` on GitLab).
fn repository_from_url(url: Option<&str>, marker: &str) -> Option<String> {
    let url = url?;
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.split_once('/')?.1;
    let repo = path.split_once(marker)?.0.trim_matches('/');
    (!repo.is_empty()).then(|| repo.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_lowercase_snake_case() {
        assert_eq!(snake("pull_request"), "pull_request");
        assert_eq!(snake("StartPipelineExecution"), "start_pipeline_execution");
        assert_eq!(snake("CloudWatchEvent"), "cloud_watch_event");
        assert_eq!(snake("WebhookV2"), "webhook_v2");
        assert_eq!(snake("PutActionRevision"), "put_action_revision");
        assert_eq!(snake("Merge Request"), "merge_request");
    }

    #[test]
    fn repositories_come_from_web_addresses() {
        let gh = Some("https://github.com/acme/shop/actions/runs/7");
        assert_eq!(repository_from_url(gh, "/actions/runs/").as_deref(), Some("acme/shop"));
        let gl = Some("https://gitlab.example.com/group/sub/project/-/pipelines/47");
        assert_eq!(repository_from_url(gl, "/-/pipelines/").as_deref(), Some("group/sub/project"));
        assert_eq!(repository_from_url(Some("https://github.com/x"), "/actions/runs/"), None);
    }

    #[test]
    fn times_accept_offsets_epoch_seconds_and_go_zero_time() {
        let t: Time = serde_json::from_str("\"2024-03-01T10:00:00.612+02:00\"").unwrap();
        assert_eq!(t.0.unwrap().to_string(), "2024-03-01T08:00:00Z");
        let t: Time = serde_json::from_str("1709287200.613").unwrap();
        assert_eq!(t.0.unwrap().to_string(), "2024-03-01T10:00:00Z");
        assert_eq!(serde_json::from_str::<Time>("\"0001-01-01T00:00:00Z\"").unwrap(), Time(None));
        assert_eq!(serde_json::from_str::<Time>("null").unwrap(), Time(None));
        let e = serde_json::from_str::<Time>("\"yesterday\"").unwrap_err();
        assert!(e.to_string().contains("invalid timestamp `yesterday`"), "{e}");
    }

    #[test]
    fn documents_are_split_and_errors_are_positioned_in_the_whole_file() {
        let file = File { path: Path::new("x.json"), text: "{\"a\": 1}\n  [1,\n 2]" };
        let docs = file.documents().unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].text, "[1,\n 2]");
        let e = file.typed::<Vec<String>>(&docs[1]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.json:2:4: error[pipelines-syntax]: invalid type: integer `1`, expected a string\n  |\n2 |   [1,\n  |    ^"
        );
        let e =
            file.typed::<(String, Vec<String>)>(&Doc { start: 0, text: "[\"a\",\n [\"b\", 3]]", value: Value::Null });
        let e = e.unwrap_err().to_string();
        assert_eq!(
            e.lines().next(),
            Some("x.json:2:8: error[pipelines-syntax]: invalid type: integer `3`, expected a string")
        );
    }
}
