//! The pipeline-run sources of one target, gathered into the runs its plugins receive:
//! export files are imported (a broken file is the user's to fix, so it is an error),
//! GitHub repositories are fetched (a fetch that fails is a warning on the target: the
//! network, a token or a rate limit must not stop an assessment).

use super::gitlab_api::GitlabFetch;
use super::{github_api, DeployPatterns, GithubFetch, ImportError, Imported, PipelineRuns, Token};
use crate::collect::forge::listing::GITLAB_API;
use crate::collect::forge::Forge;
use jiff::Timestamp;
use std::path::PathBuf;
use std::time::Duration;

/// Where a target's pipeline runs come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineInput {
    /// An export file: `gh run list --json …`, GitHub REST, GitLab, CodePipeline, a Kaizen
    /// AWS inventory, or Kaizen's own runs file.
    File(PathBuf),
    /// A GitHub repository (`owner/name`) whose runs are fetched from the API.
    Github(String),
    /// A GitLab project (`group/subgroup/project`) whose pipelines are fetched from the API.
    Gitlab(String),
}

/// How to fetch from GitHub and GitLab.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// The GitHub API base URL (`https://api.github.com`, or GitHub Enterprise's).
    pub github_api: String,
    /// The GitHub token, from `GITHUB_TOKEN` or `GH_TOKEN`.
    pub github_token: Option<Token>,
    /// The GitLab API base URL (`https://gitlab.com/api/v4`, or a self-managed instance's).
    pub gitlab_api: String,
    /// The GitLab token, from `GITLAB_TOKEN`.
    pub gitlab_token: Option<Token>,
    /// Runs created since then.
    pub since: Timestamp,
    /// At most this many runs per repository.
    pub max_runs: usize,
    /// The longest wait for a rate limit to reset.
    pub max_wait: Duration,
}

impl FetchSettings {
    /// The public APIs, the tokens from the environment, 10,000 runs, a 60 s wait.
    pub fn from_env(since: Timestamp) -> FetchSettings {
        FetchSettings {
            github_api: github_api::DEFAULT_API.to_owned(),
            github_token: token_from_env(),
            gitlab_api: GITLAB_API.to_owned(),
            gitlab_token: Forge::Gitlab.token_from_env(),
            since,
            max_runs: 10_000,
            max_wait: Duration::from_secs(60),
        }
    }
}

/// The token in `GITHUB_TOKEN`, else `GH_TOKEN`.
pub fn token_from_env() -> Option<Token> {
    crate::collect::forge::Forge::Github.token_from_env()
}

/// A target's runs, ready for its plugins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gathered {
    /// The runs; `None` when no source gave anything.
    pub runs: Option<PipelineRuns>,
    /// What went wrong but did not stop the assessment, for the target's warnings.
    pub warnings: Vec<String>,
}

/// Imports and fetches every source of one target.
pub fn gather(
    inputs: &[&PipelineInput],
    patterns: &DeployPatterns,
    live: &FetchSettings,
) -> Result<Gathered, ImportError> {
    let mut imports: Vec<Imported> = Vec::new();
    let mut warnings = Vec::new();
    for input in inputs {
        match input {
            PipelineInput::File(path) => imports.push(super::import_file(path, patterns)?),
            PipelineInput::Github(repo) => {
                let fetch = GithubFetch {
                    api_base: live.github_api.clone(),
                    token: live.github_token.clone(),
                    max_runs: live.max_runs,
                    max_wait: live.max_wait,
                    ..GithubFetch::new(repo, live.since)
                };
                match fetch.run(patterns) {
                    Ok(imported) => imports.push(imported),
                    Err(e) => warnings.push(format!("pipeline runs of GitHub repository {repo} unavailable: {e}")),
                }
            }
            PipelineInput::Gitlab(project) => {
                let fetch = GitlabFetch {
                    api_base: live.gitlab_api.clone(),
                    project: project.clone(),
                    token: live.gitlab_token.clone(),
                    since: live.since,
                    max_runs: live.max_runs,
                    max_wait: live.max_wait,
                };
                match fetch.run(patterns) {
                    Ok(imported) => imports.push(imported),
                    Err(e) => warnings.push(format!("pipelines of GitLab project {project} unavailable: {e}")),
                }
            }
        }
    }
    for import in &imports {
        warnings.extend(import.warnings.iter().cloned());
    }
    let runs = if imports.is_empty() { None } else { Some(super::pipeline_runs(&imports)) };
    Ok(Gathered { runs, warnings })
}
