//! Pipeline runs: the runs of a target's CI/CD pipelines, normalised across CI systems (the
//! `pipelines` field of a plugin request, for plugins whose manifest sets
//! `inputs.pipelines = true`).
//!
//! The host imports them from the export formats of GitHub Actions, GitLab CI and AWS
//! CodePipeline, or fetches them from the GitHub API, marks deployments by the assessment's
//! patterns, and hands every run once, oldest first, with where they came from and a
//! [`Summary`]. Times are RFC 3339 text in UTC, whole seconds (`2024-03-01T08:00:00Z`), so
//! they sort as text in time order.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The runs of one target: every run of every source (oldest first, each run once), the
/// sources with their run counts, and a summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineRuns {
    /// Where the runs came from, in the order given.
    pub sources: Vec<SourceEntry>,
    /// Counts over the runs.
    pub summary: Summary,
    /// The runs, oldest first.
    pub runs: Vec<PipelineRun>,
}

/// A source and how many runs came from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// The source.
    #[serde(flatten)]
    pub source: SourceInfo,
    /// How many runs it gave (before runs given by several sources were counted once).
    pub runs: usize,
}

/// One pipeline run, normalised across CI systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineRun {
    /// The CI system that ran it.
    pub source: Source,
    /// The run's id in that system (GitHub run id, GitLab pipeline id, CodePipeline execution id).
    pub id: String,
    /// The workflow (GitHub), pipeline name (GitLab `name`, else `pipeline`) or pipeline
    /// (CodePipeline) it belongs to.
    pub workflow: String,
    /// The branch it ran on, when the system says.
    pub branch: Option<String>,
    /// What triggered it, in lowercase snake case (`push`, `pull_request`, `schedule`,
    /// `merge_request_event`, `start_pipeline_execution`, …).
    pub event: Option<String>,
    /// Where it is in its life.
    pub status: Status,
    /// How it ended; `None` while it has not finished.
    pub conclusion: Option<Conclusion>,
    /// When it was created (RFC 3339, UTC, whole seconds: `2024-03-01T08:00:00Z`).
    pub created_at: String,
    /// When it finished, if it has (as `created_at`).
    pub finished_at: Option<String>,
    /// Seconds from start (or creation) to finish, if it has finished.
    pub duration_seconds: Option<i64>,
    /// The commit it ran on.
    pub head_sha: Option<String>,
    /// Where a person can see it.
    pub url: Option<String>,
    /// The deployment environment, when the source names one (none of the list formats
    /// does today; kept so environment patterns apply to sources that will).
    #[serde(default)]
    pub environment: Option<String>,
    /// Whether it counts as a deployment, by the assessment's deployment patterns.
    pub deployment: bool,
}

/// The CI system a run comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// GitHub Actions.
    GithubActions,
    /// GitLab CI/CD.
    GitlabCi,
    /// AWS CodePipeline.
    AwsCodepipeline,
}

impl Source {
    /// The name used in JSON and in deployment patterns.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::GithubActions => "github-actions",
            Source::GitlabCi => "gitlab-ci",
            Source::AwsCodepipeline => "aws-codepipeline",
        }
    }
}

/// Where a run is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting to start.
    Queued,
    /// Running.
    InProgress,
    /// Finished (see the conclusion).
    Completed,
}

/// How a finished run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    /// It succeeded.
    Success,
    /// It failed.
    Failure,
    /// Someone or something stopped it.
    Cancelled,
    /// It did not run, or another run took its place.
    Skipped,
    /// It ran out of time.
    TimedOut,
    /// It waits for a person (an approval, a manual job).
    ActionRequired,
    /// Neither success nor failure.
    Neutral,
}

/// The export format a set of runs came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `gh run list --json …`.
    GhRunList,
    /// A GitHub REST `GET /repos/{owner}/{repo}/actions/runs` response (or several pages).
    GithubRest,
    /// Fetched live from the GitHub REST API.
    GithubApi,
    /// A GitLab `GET /projects/:id/pipelines` response (or several pages).
    GitlabPipelines,
    /// `aws codepipeline list-pipeline-executions` output.
    CodepipelineExecutions,
    /// A Kaizen AWS inventory (`kaizen collect aws`).
    KaizenAwsInventory,
    /// Kaizen's normalised runs file (`kaizen collect pipelines`).
    KaizenPipelineRuns,
    /// An empty JSON list: no runs, whatever the tool.
    Empty,
}

/// Where a set of runs came from: the evidence behind every figure computed from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The export format.
    pub format: Format,
    /// The file, for imports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// The API endpoint, for live fetches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The repository (`owner/name`, GitLab's `group/project`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// For a Kaizen runs file: the sources it was collected from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collected_from: Vec<SourceInfo>,
}

/// Counts over a set of runs: what a plugin needs without walking them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// All runs, by conclusion.
    pub runs: Counts,
    /// The runs that are deployments, by conclusion.
    pub deployments: Counts,
    /// Creation time of the oldest run.
    pub first_run: Option<String>,
    /// Creation time of the newest run.
    pub last_run: Option<String>,
}

/// Runs by conclusion; every key is always present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// All of them.
    pub total: usize,
    /// Not finished yet (queued or in progress).
    pub unfinished: usize,
    /// Concluded `success`.
    pub success: usize,
    /// Concluded `failure`.
    pub failure: usize,
    /// Concluded `cancelled`.
    pub cancelled: usize,
    /// Concluded `skipped`.
    pub skipped: usize,
    /// Concluded `timed_out`.
    pub timed_out: usize,
    /// Concluded `action_required`.
    pub action_required: usize,
    /// Concluded `neutral`.
    pub neutral: usize,
}
