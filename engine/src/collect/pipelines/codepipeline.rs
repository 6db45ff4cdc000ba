//! AWS CodePipeline: `aws codepipeline list-pipeline-executions` output, and the executions
//! a Kaizen AWS inventory holds.
//!
//! An execution summary names no pipeline: for the CLI's output the pipeline is named
//! after the file (`shop-deploy.json` → `shop-deploy`), so write one file per pipeline named
//! after it. Executions have no branch; their commit is the first source revision that
//! looks like a git commit.

use super::{seconds_between, snake, Conclusion, Doc, File, Id, Layout, Raw};
use super::{ImportError, Source, Status, Time};
use serde::Deserialize;
use serde_json::Value;

/// Where a Kaizen AWS inventory keeps its pipelines (a JSON pointer): an object mapping each
/// region collected to `{"pipelines": [{"name", "executions": [...]}]}`, or to `null` when
/// the region could not be read (see [`crate::collect::aws::CodePipeline`]). Executions
/// carry the `ListPipelineExecutions` summary fields in snake case.
pub const INVENTORY_PIPELINES: &str = "/services/codepipeline";

/// One page of `ListPipelineExecutions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    pipeline_execution_summaries: Vec<Execution>,
    #[serde(default)]
    next_token: Option<String>,
}

/// One `PipelineExecutionSummary`.
/// One `PipelineExecutionSummary`: the AWS CLI's camelCase, or the inventory's snake case.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Execution {
    #[serde(alias = "pipeline_execution_id")]
    pipeline_execution_id: Id,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, alias = "start_time")]
    start_time: Time,
    #[serde(default, alias = "last_update_time")]
    last_update_time: Time,
    #[serde(default, alias = "source_revisions")]
    source_revisions: Vec<SourceRevision>,
    #[serde(default)]
    trigger: Option<Trigger>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceRevision {
    #[serde(default, alias = "revision_id")]
    revision_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Trigger {
    #[serde(default, alias = "trigger_type")]
    trigger_type: Option<String>,
}

/// One region's CodePipeline in the inventory.
#[derive(Debug, Deserialize)]
struct InventoryRegion {
    #[serde(default)]
    pipelines: Vec<InventoryPipeline>,
}

/// One pipeline of the inventory; `executions` is `null` when they could not be read.
#[derive(Debug, Deserialize)]
struct InventoryPipeline {
    name: String,
    #[serde(default)]
    executions: Option<Vec<Execution>>,
}

pub(super) fn executions(
    file: &File,
    layouts: &[(&Doc, Layout)],
    warnings: &mut Vec<String>,
) -> Result<Vec<Raw>, ImportError> {
    let mut truncated = false;
    let executions: Vec<Execution> = file.runs(layouts, |page: Page| {
        truncated |= page.next_token.is_some();
        page.pipeline_execution_summaries
    })?;
    let pipeline = file.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if truncated {
        warnings.push(format!(
            "{}: the export ends with a nextToken: older executions were not exported (run the AWS CLI \
             without --max-items)",
            file.path.display()
        ));
    }
    let origin = file.path.display().to_string();
    executions
        .into_iter()
        .map(|e| execution(e, &pipeline, None, &origin, warnings).map_err(|m| file.invalid(m)))
        .collect()
}

pub(super) fn inventory(file: &File, value: &Value, warnings: &mut Vec<String>) -> Result<Vec<Raw>, ImportError> {
    let Some(pipelines) = value.pointer(INVENTORY_PIPELINES) else {
        warnings.push(format!(
            "{}: the inventory has no CodePipeline pipelines (at {INVENTORY_PIPELINES})",
            file.path.display()
        ));
        return Ok(Vec::new());
    };
    let regions: std::collections::BTreeMap<String, Option<InventoryRegion>> =
        serde_json::from_value(pipelines.clone())
            .map_err(|e| file.invalid(format!("at {INVENTORY_PIPELINES}: {e}")))?;
    let origin = file.path.display().to_string();
    let mut runs = Vec::new();
    for (region, pipelines) in regions {
        let Some(pipelines) = pipelines else {
            warnings
                .push(format!("{origin}: CodePipeline could not be read in {region} when the inventory was collected"));
            continue;
        };
        for p in pipelines.pipelines {
            let Some(executions) = p.executions else {
                warnings.push(format!("{origin}: the executions of pipeline {} in {region} could not be read", p.name));
                continue;
            };
            for e in executions {
                runs.push(execution(e, &p.name, Some(&region), &origin, warnings).map_err(|m| file.invalid(m))?);
            }
        }
    }
    Ok(runs)
}

fn execution(
    e: Execution,
    pipeline: &str,
    region: Option<&str>,
    origin: &str,
    warnings: &mut Vec<String>,
) -> Result<Raw, String> {
    let id = e.pipeline_execution_id.0;
    let created_at = e
        .start_time
        .0
        .or(e.last_update_time.0)
        .ok_or_else(|| format!("execution {id} of {pipeline} has no startTime"))?;
    let raw_status = e.status.unwrap_or_default();
    let (status, conclusion) = map_status(&raw_status).unwrap_or_else(|| {
        warnings
            .push(format!("{origin}: execution {id}: unknown status `{raw_status}`, read as completed and neutral"));
        (Status::Completed, Some(Conclusion::Neutral))
    });
    let finished_at = if status == Status::Completed { e.last_update_time.0 } else { None };
    let url = region.map(|r| {
        format!("https://{r}.console.aws.amazon.com/codesuite/codepipeline/pipelines/{pipeline}/executions/{id}/timeline?region={r}")
    });
    Ok(Raw {
        source: Source::AwsCodepipeline,
        workflow: pipeline.to_owned(),
        branch: None,
        event: e.trigger.and_then(|t| t.trigger_type).filter(|t| !t.is_empty()).map(|t| snake(&t)),
        status,
        conclusion,
        duration_seconds: seconds_between(Some(created_at), finished_at),
        created_at,
        finished_at,
        head_sha: e
            .source_revisions
            .into_iter()
            .filter_map(|r| r.revision_id)
            .find(|r| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())),
        url,
        environment: None,
        repository: None,
        id,
    })
}

/// CodePipeline's execution statuses on the normalised status and conclusion:
///
/// | CodePipeline | status | conclusion |
/// | --- | --- | --- |
/// | `InProgress`, `Stopping` | in_progress | none |
/// | `Succeeded` | completed | success |
/// | `Failed` | completed | failure |
/// | `Stopped` (stopped by someone), `Cancelled` (the pipeline changed while it ran) | completed | cancelled |
/// | `Superseded` (a newer execution overtook it) | completed | skipped |
fn map_status(status: &str) -> Option<(Status, Option<Conclusion>)> {
    Some(match status {
        "InProgress" | "Stopping" => (Status::InProgress, None),
        "Succeeded" => (Status::Completed, Some(Conclusion::Success)),
        "Failed" => (Status::Completed, Some(Conclusion::Failure)),
        "Stopped" | "Cancelled" => (Status::Completed, Some(Conclusion::Cancelled)),
        "Superseded" => (Status::Completed, Some(Conclusion::Skipped)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codepipeline_status_maps() {
        assert_eq!(map_status("Stopping"), Some((Status::InProgress, None)));
        assert_eq!(map_status("Superseded"), Some((Status::Completed, Some(Conclusion::Skipped))));
        assert_eq!(map_status("Cancelled"), Some((Status::Completed, Some(Conclusion::Cancelled))));
        assert_eq!(map_status("succeeded"), None);
    }
}
