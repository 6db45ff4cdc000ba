//! GitHub Actions: `gh run list --json …` output and REST `actions/runs` responses.
//!
//! Neither format says when a run finished. For a completed run, its `updated_at` is taken
//! as the finish time (GitHub updates a run last when it concludes; a later re-run updates
//! it again, and then the figures describe the latest attempt).

use super::{non_empty, repository_from_url, seconds_between, snake, Conclusion, Doc, File, Id, Layout, Raw};
use super::{ImportError, Source, Status, Time};
use serde::Deserialize;

/// One run of `gh run list --json
/// databaseId,name,workflowName,displayTitle,headBranch,headSha,event,status,conclusion,createdAt,startedAt,updatedAt,url,number,attempt`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GhRun {
    database_id: Id,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    workflow_name: Option<String>,
    #[serde(default)]
    head_branch: Option<String>,
    #[serde(default)]
    head_sha: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    conclusion: Option<String>,
    #[serde(default)]
    created_at: Time,
    #[serde(default)]
    started_at: Time,
    #[serde(default)]
    updated_at: Time,
    #[serde(default)]
    url: Option<String>,
}

/// One page of `GET /repos/{owner}/{repo}/actions/runs`.
#[derive(Debug, Deserialize)]
pub(super) struct RestPage {
    #[serde(default)]
    pub(super) total_count: Option<u64>,
    pub(super) workflow_runs: Vec<RestRun>,
}

/// One workflow run of the REST API.
#[derive(Debug, Deserialize)]
pub(super) struct RestRun {
    id: Id,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    head_branch: Option<String>,
    #[serde(default)]
    head_sha: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    conclusion: Option<String>,
    #[serde(default)]
    created_at: Time,
    #[serde(default)]
    run_started_at: Time,
    #[serde(default)]
    updated_at: Time,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    repository: Option<Repository>,
}

#[derive(Debug, Deserialize)]
struct Repository {
    #[serde(default)]
    full_name: Option<String>,
}

pub(super) fn gh_run_list(
    file: &File,
    layouts: &[(&Doc, Layout)],
    warnings: &mut Vec<String>,
) -> Result<Vec<Raw>, ImportError> {
    let runs: Vec<GhRun> = file.runs(layouts, |page: Vec<GhRun>| page)?;
    runs.into_iter()
        .map(|r| {
            let url = non_empty(r.url);
            let fields = Fields {
                id: r.database_id.0,
                workflow: non_empty(r.workflow_name).or(non_empty(r.name)),
                branch: r.head_branch,
                head_sha: r.head_sha,
                event: r.event,
                status: r.status,
                conclusion: r.conclusion,
                created_at: r.created_at,
                started_at: r.started_at,
                updated_at: r.updated_at,
                repository: repository_from_url(url.as_deref(), "/actions/runs/"),
                url,
            };
            fields.into_raw(file, warnings)
        })
        .collect()
}

pub(super) fn rest(
    file: &File,
    layouts: &[(&Doc, Layout)],
    warnings: &mut Vec<String>,
) -> Result<Vec<Raw>, ImportError> {
    let runs: Vec<RestRun> = file.runs(layouts, |page: RestPage| page.workflow_runs)?;
    runs.into_iter().map(|r| rest_run(r).into_raw(file, warnings)).collect()
}

/// The fields of a REST run, shared with the live client.
pub(super) fn rest_run(r: RestRun) -> Fields {
    let url = non_empty(r.html_url);
    Fields {
        id: r.id.0,
        workflow: non_empty(r.name).or(non_empty(r.path)),
        branch: r.head_branch,
        head_sha: r.head_sha,
        event: r.event,
        status: r.status,
        conclusion: r.conclusion,
        created_at: r.created_at,
        started_at: r.run_started_at,
        updated_at: r.updated_at,
        repository: r
            .repository
            .and_then(|r| r.full_name)
            .or_else(|| repository_from_url(url.as_deref(), "/actions/runs/")),
        url,
    }
}

/// What both GitHub formats say about a run.
pub(super) struct Fields {
    id: String,
    workflow: Option<String>,
    branch: Option<String>,
    head_sha: Option<String>,
    event: Option<String>,
    status: Option<String>,
    conclusion: Option<String>,
    created_at: Time,
    started_at: Time,
    updated_at: Time,
    url: Option<String>,
    repository: Option<String>,
}

impl Fields {
    pub(super) fn into_raw(self, file: &File, warnings: &mut Vec<String>) -> Result<Raw, ImportError> {
        self.into_raw_at(&file.path.display().to_string(), warnings)
            .map_err(|message| ImportError::Invalid { path: file.path.to_path_buf(), message })
    }

    /// The normalised run; `origin` names the file or address in messages.
    pub(super) fn into_raw_at(self, origin: &str, warnings: &mut Vec<String>) -> Result<Raw, String> {
        let created_at = self
            .created_at
            .0
            .or(self.started_at.0)
            .ok_or_else(|| format!("run {} has no creation time (createdAt / created_at)", self.id))?;
        let (status, conclusion) = map_status(self.status.as_deref(), self.conclusion.as_deref());
        let (status, conclusion) = match (status, conclusion) {
            (Some(s), Ok(c)) => (s, c),
            (s, c) => {
                warnings.push(format!(
                    "{origin}: run {}: unknown status `{}` / conclusion `{}`, read as completed and neutral",
                    self.id,
                    self.status.as_deref().unwrap_or(""),
                    self.conclusion.as_deref().unwrap_or("")
                ));
                (s.unwrap_or(Status::Completed), c.unwrap_or(Some(Conclusion::Neutral)))
            }
        };
        let finished_at = if status == Status::Completed { self.updated_at.0 } else { None };
        Ok(Raw {
            source: Source::GithubActions,
            workflow: self.workflow.unwrap_or_else(|| "(unnamed workflow)".to_owned()),
            branch: non_empty(self.branch),
            event: non_empty(self.event).map(|e| snake(&e)),
            status,
            conclusion,
            duration_seconds: seconds_between(self.started_at.0.or(Some(created_at)), finished_at),
            created_at,
            finished_at,
            head_sha: non_empty(self.head_sha),
            url: self.url,
            environment: None,
            repository: self.repository,
            id: self.id,
        })
    }
}

/// GitHub's status (`requested`, `queued`, `pending`, `waiting`, `in_progress`,
/// `completed`) and conclusion (`success`, `failure`, `cancelled`, `skipped`, `timed_out`,
/// `action_required`, `neutral`, `stale`, `startup_failure`; empty or null while running).
/// `startup_failure` (the workflow file did not start) is a failure; `stale` (GitHub gave
/// up on it) is neutral. `None` or `Err` for what is unknown.
fn map_status(status: Option<&str>, conclusion: Option<&str>) -> (Option<Status>, Result<Option<Conclusion>, ()>) {
    let status = match status.map(str::to_ascii_lowercase).as_deref() {
        Some("requested" | "queued" | "pending" | "waiting") => Some(Status::Queued),
        Some("in_progress") => Some(Status::InProgress),
        Some("completed") => Some(Status::Completed),
        // `gh run list --status failure` style exports carry the conclusion as the status
        // of finished runs in some versions; a conclusion alone means completed.
        _ if conclusion.is_some_and(|c| !c.is_empty()) => Some(Status::Completed),
        _ => None,
    };
    let conclusion = match conclusion.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => Ok(None),
        Some("success") => Ok(Some(Conclusion::Success)),
        Some("failure" | "startup_failure") => Ok(Some(Conclusion::Failure)),
        Some("cancelled") => Ok(Some(Conclusion::Cancelled)),
        Some("skipped") => Ok(Some(Conclusion::Skipped)),
        Some("timed_out") => Ok(Some(Conclusion::TimedOut)),
        Some("action_required") => Ok(Some(Conclusion::ActionRequired)),
        Some("neutral" | "stale") => Ok(Some(Conclusion::Neutral)),
        Some(_) => Err(()),
    };
    // A completed run always has a conclusion; a running one never has.
    match (status, conclusion) {
        (Some(Status::Completed), Ok(None)) => (status, Err(())),
        (Some(s), Ok(Some(_))) if s != Status::Completed => (status, Ok(None)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_conclusions_map_onto_the_normalised_set() {
        assert_eq!(
            map_status(Some("completed"), Some("success")),
            (Some(Status::Completed), Ok(Some(Conclusion::Success)))
        );
        assert_eq!(map_status(Some("in_progress"), Some("")), (Some(Status::InProgress), Ok(None)));
        assert_eq!(map_status(Some("waiting"), None), (Some(Status::Queued), Ok(None)));
        assert_eq!(
            map_status(Some("completed"), Some("startup_failure")),
            (Some(Status::Completed), Ok(Some(Conclusion::Failure)))
        );
        assert_eq!(
            map_status(Some("completed"), Some("stale")),
            (Some(Status::Completed), Ok(Some(Conclusion::Neutral)))
        );
        assert_eq!(map_status(Some("completed"), Some("exploded")), (Some(Status::Completed), Err(())));
        assert_eq!(map_status(Some("completed"), None), (Some(Status::Completed), Err(())));
        assert_eq!(map_status(Some("sleeping"), None), (None, Ok(None)));
    }
}
