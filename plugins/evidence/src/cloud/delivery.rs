//! How changes reach production: CloudFormation stacks, CodePipeline pipelines and their
//! executions, CodeBuild projects (all regional).

use serde::{Deserialize, Serialize};

/// CloudFormation in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudFormation {
    /// The stacks that exist (`DescribeStacks`; deleted stacks are not listed).
    pub stacks: Vec<Stack>,
}

/// A CloudFormation stack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stack {
    /// Its name.
    pub name: String,
    /// Its status (`CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, …).
    pub status: String,
    /// It is nested in another stack.
    pub nested: bool,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// When it was last updated (RFC 3339).
    pub last_updated: Option<String>,
    /// The result of the last drift detection (`IN_SYNC`, `DRIFTED`, `NOT_CHECKED`,
    /// `UNKNOWN`); the collector reads it and never starts a detection.
    pub drift_status: Option<String>,
    /// When drift was last checked (RFC 3339).
    pub last_drift_check: Option<String>,
    /// Termination protection is on.
    pub termination_protection: Option<bool>,
}

/// CodePipeline in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodePipeline {
    /// The pipelines (`ListPipelines`).
    pub pipelines: Vec<Pipeline>,
}

/// A pipeline and its recent executions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Its name.
    pub name: String,
    /// Its definition's version number.
    pub version: Option<i32>,
    /// `V1` or `V2`.
    pub pipeline_type: Option<String>,
    /// `QUEUED`, `SUPERSEDED` or `PARALLEL`.
    pub execution_mode: Option<String>,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// When its definition was last updated (RFC 3339).
    pub updated: Option<String>,
    /// Its most recent executions, newest first (`ListPipelineExecutions`, one page of up to
    /// 100); `None` when they could not be listed.
    pub executions: Option<Vec<PipelineExecution>>,
}

/// One execution of a pipeline, with the fields of `ListPipelineExecutions` kept raw so
/// that they can be imported as pipeline runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PipelineExecution {
    /// `pipelineExecutionId`.
    pub pipeline_execution_id: String,
    /// `status`: `Cancelled`, `InProgress`, `Stopped`, `Stopping`, `Succeeded`,
    /// `Superseded`, `Failed`.
    pub status: Option<String>,
    /// `startTime` (RFC 3339).
    pub start_time: Option<String>,
    /// `lastUpdateTime` (RFC 3339): the end time for a finished execution.
    pub last_update_time: Option<String>,
    /// `trigger`: what started it.
    pub trigger: Option<Trigger>,
    /// `sourceRevisions`: the revisions it built (without `revisionSummary`, which holds
    /// commit messages and so possibly personal data).
    pub source_revisions: Vec<SourceRevision>,
    /// `executionType`: `STANDARD` or `ROLLBACK`.
    pub execution_type: Option<String>,
}

/// What started a pipeline execution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// `triggerType`: `CreatePipeline`, `StartPipelineExecution`, `PollForSourceChanges`,
    /// `Webhook`, `CloudWatchEvent`, `PutActionRevision`, `WebhookV2`, `ManualRollback`,
    /// `AutomatedRollback`.
    pub trigger_type: Option<String>,
    /// `triggerDetail`: the ARN of the user, role, rule or webhook that started it.
    pub trigger_detail: Option<String>,
}

/// A source revision an execution built.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceRevision {
    /// `actionName`: the source action.
    pub action_name: String,
    /// `revisionId`: the commit id or object version.
    pub revision_id: Option<String>,
    /// `revisionUrl`: a link to the revision.
    pub revision_url: Option<String>,
}

/// CodeBuild in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeBuild {
    /// The projects (`ListProjects`, `BatchGetProjects`).
    pub projects: Vec<BuildProject>,
}

/// A CodeBuild project. Its environment variables are never read into the inventory
/// (plain-text ones may hold secrets), nor its source location or inline buildspec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BuildProject {
    /// Its name.
    pub name: String,
    /// Where its source comes from (`CODECOMMIT`, `GITHUB`, `S3`, `CODEPIPELINE`, …);
    /// `None` when `BatchGetProjects` did not return the project.
    pub source_type: Option<String>,
    /// Its build image.
    pub image: Option<String>,
    /// Its compute type.
    pub compute_type: Option<String>,
    /// Privileged mode (Docker in Docker) is on.
    pub privileged_mode: Option<bool>,
    /// A webhook starts builds on source changes.
    pub webhook: bool,
    /// Its buildspec is inline in the project rather than a file in the repository.
    pub inline_buildspec: bool,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// When it was last changed (RFC 3339).
    pub last_modified: Option<String>,
}
