//! GitLab CI: `GET /projects/:id/pipelines` responses (pages as arrays, concatenated or
//! gathered into one array) and the single-pipeline response `GET
//! /projects/:id/pipelines/:pipeline_id`, which adds `started_at`, `finished_at` and
//! `duration`.
//!
//! The list endpoint has no finish time: for a pipeline in a final state its `updated_at`
//! is taken as the finish time. It has no workflow name either: the pipeline's `name`
//! (GitLab's `workflow:name`) when present, else `pipeline`.

use super::{non_empty, repository_from_url, seconds_between, snake, Conclusion, Doc, File, Id, Layout, Raw};
use super::{ImportError, Source, Status, Time};
use serde::Deserialize;

/// One pipeline of the list or single-pipeline endpoint.
#[derive(Debug, Deserialize)]
struct Pipeline {
    id: Id,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sha: Option<String>,
    #[serde(default, rename = "ref")]
    git_ref: Option<String>,
    #[serde(default)]
    tag: Option<bool>,
    status: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    created_at: Time,
    #[serde(default)]
    updated_at: Time,
    #[serde(default)]
    started_at: Time,
    #[serde(default)]
    finished_at: Time,
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    web_url: Option<String>,
}

pub(super) fn pipelines(
    file: &File,
    layouts: &[(&Doc, Layout)],
    warnings: &mut Vec<String>,
) -> Result<Vec<Raw>, ImportError> {
    let pipelines: Vec<Pipeline> = file.runs(layouts, |page: Vec<Pipeline>| page)?;
    pipelines
        .into_iter()
        .map(|p| {
            let created_at = p
                .created_at
                .0
                .or(p.started_at.0)
                .ok_or_else(|| file.invalid(format!("pipeline {} has no creation time (created_at)", p.id.0)))?;
            let (status, conclusion) = map_status(&p.status).unwrap_or_else(|| {
                warnings.push(format!(
                    "{}: pipeline {}: unknown status `{}`, read as completed and neutral",
                    file.path.display(),
                    p.id.0,
                    p.status
                ));
                (Status::Completed, Some(Conclusion::Neutral))
            });
            let finished_at = match status {
                Status::Completed => p.finished_at.0.or(p.updated_at.0),
                _ => None,
            };
            let duration_seconds = match (status, p.duration) {
                (Status::Completed, Some(d)) if d >= 0.0 => Some(d.round() as i64),
                (Status::Completed, _) => seconds_between(p.started_at.0.or(Some(created_at)), finished_at),
                _ => None,
            };
            let url = non_empty(p.web_url);
            Ok(Raw {
                source: Source::GitlabCi,
                workflow: non_empty(p.name).unwrap_or_else(|| "pipeline".to_owned()),
                // A tag pipeline's ref is the tag, not a branch; only the single-pipeline
                // endpoint says so (`tag`): in list responses a tag reads as a branch.
                branch: if p.tag == Some(true) { None } else { non_empty(p.git_ref) },
                event: non_empty(p.source).map(|s| snake(&s)),
                status,
                conclusion,
                created_at,
                finished_at,
                duration_seconds,
                head_sha: non_empty(p.sha),
                repository: repository_from_url(url.as_deref(), "/-/pipelines/"),
                url,
                environment: None,
                id: p.id.0,
            })
        })
        .collect()
}

/// GitLab's pipeline statuses on the normalised status and conclusion:
///
/// | GitLab | status | conclusion |
/// | --- | --- | --- |
/// | `created`, `waiting_for_resource`, `preparing`, `pending`, `scheduled` | queued | none |
/// | `running`, `canceling` | in_progress | none |
/// | `success` | completed | success |
/// | `failed` | completed | failure |
/// | `canceled` | completed | cancelled |
/// | `skipped` | completed | skipped |
/// | `manual` (blocked on a manual job) | completed | action_required |
fn map_status(status: &str) -> Option<(Status, Option<Conclusion>)> {
    Some(match status.to_ascii_lowercase().as_str() {
        "created" | "waiting_for_resource" | "preparing" | "pending" | "scheduled" => (Status::Queued, None),
        "running" | "canceling" => (Status::InProgress, None),
        "success" => (Status::Completed, Some(Conclusion::Success)),
        "failed" => (Status::Completed, Some(Conclusion::Failure)),
        "canceled" | "cancelled" => (Status::Completed, Some(Conclusion::Cancelled)),
        "skipped" => (Status::Completed, Some(Conclusion::Skipped)),
        "manual" => (Status::Completed, Some(Conclusion::ActionRequired)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gitlab_status_maps() {
        assert_eq!(map_status("running"), Some((Status::InProgress, None)));
        assert_eq!(map_status("pending"), Some((Status::Queued, None)));
        assert_eq!(map_status("failed"), Some((Status::Completed, Some(Conclusion::Failure))));
        assert_eq!(map_status("canceled"), Some((Status::Completed, Some(Conclusion::Cancelled))));
        assert_eq!(map_status("manual"), Some((Status::Completed, Some(Conclusion::ActionRequired))));
        assert_eq!(map_status("teleported"), None);
    }
}
