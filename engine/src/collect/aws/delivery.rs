//! Collecting how changes reach production: CloudFormation stacks, CodePipeline pipelines
//! and their executions, CodeBuild projects (all regional).

#[cfg(feature = "aws")]
use kaizen_evidence::cloud::*;

#[cfg(feature = "aws")]
pub(super) use collect::*;

#[cfg(feature = "aws")]
mod collect {
    use super::*;
    use crate::collect::aws::run::{client, rfc3339_opt, Call, Ctx};

    pub async fn collect_cloudformation(ctx: &Ctx, region: &str) -> Option<CloudFormation> {
        let client = client!(aws_sdk_cloudformation, ctx, region);
        let call = Call::new("cloudformation", "DescribeStacks", region);
        let stacks: Vec<aws_sdk_cloudformation::types::Stack> =
            ctx.call(call, client.describe_stacks().into_paginator().items().send().try_collect()).await?;
        let stacks = stacks
            .iter()
            .map(|s| Stack {
                name: s.stack_name().unwrap_or_default().to_owned(),
                status: s.stack_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                nested: s.parent_id().is_some(),
                created: rfc3339_opt(s.creation_time()),
                last_updated: rfc3339_opt(s.last_updated_time()),
                drift_status: s.drift_information().and_then(|d| d.stack_drift_status()).map(|d| d.as_str().to_owned()),
                last_drift_check: rfc3339_opt(s.drift_information().and_then(|d| d.last_check_timestamp())),
                termination_protection: s.enable_termination_protection(),
            })
            .collect();
        Some(CloudFormation { stacks })
    }

    pub async fn collect_codepipeline(ctx: &Ctx, region: &str) -> Option<CodePipeline> {
        let client = client!(aws_sdk_codepipeline, ctx, region);
        let call = Call::new("codepipeline", "ListPipelines", region);
        let listed: Vec<aws_sdk_codepipeline::types::PipelineSummary> =
            ctx.call(call, client.list_pipelines().into_paginator().items().send().try_collect()).await?;
        let pipelines = listed.iter().map(|p| async {
            let name = p.name().unwrap_or_default();
            let call = Call::new("codepipeline", "ListPipelineExecutions", region).on(name);
            let request = client.list_pipeline_executions().pipeline_name(name).max_results(ctx.max_executions).send();
            let executions = ctx.call(call, request).await.map(|out| {
                out.pipeline_execution_summaries()
                    .iter()
                    .map(|e| PipelineExecution {
                        pipeline_execution_id: e.pipeline_execution_id().unwrap_or_default().to_owned(),
                        status: e.status().map(|s| s.as_str().to_owned()),
                        start_time: rfc3339_opt(e.start_time()),
                        last_update_time: rfc3339_opt(e.last_update_time()),
                        trigger: e.trigger().map(|t| Trigger {
                            trigger_type: t.trigger_type().map(|t| t.as_str().to_owned()),
                            trigger_detail: t.trigger_detail().map(str::to_owned),
                        }),
                        source_revisions: e
                            .source_revisions()
                            .iter()
                            .map(|r| SourceRevision {
                                action_name: r.action_name().to_owned(),
                                revision_id: r.revision_id().map(str::to_owned),
                                revision_url: r.revision_url().map(str::to_owned),
                            })
                            .collect(),
                        execution_type: e.execution_type().map(|t| t.as_str().to_owned()),
                    })
                    .collect()
            });
            Pipeline {
                name: name.to_owned(),
                version: p.version(),
                pipeline_type: p.pipeline_type().map(|t| t.as_str().to_owned()),
                execution_mode: p.execution_mode().map(|m| m.as_str().to_owned()),
                created: rfc3339_opt(p.created()),
                updated: rfc3339_opt(p.updated()),
                executions,
            }
        });
        Some(CodePipeline { pipelines: futures_util::future::join_all(pipelines).await })
    }

    /// `BatchGetProjects` takes at most this many names.
    const BATCH: usize = 100;

    pub async fn collect_codebuild(ctx: &Ctx, region: &str) -> Option<CodeBuild> {
        let client = client!(aws_sdk_codebuild, ctx, region);
        let call = Call::new("codebuild", "ListProjects", region);
        let names: Vec<String> =
            ctx.call(call, client.list_projects().into_paginator().items().send().try_collect()).await?;
        let batches = names.chunks(BATCH).map(|batch| {
            let call = Call::new("codebuild", "BatchGetProjects", region);
            ctx.call(call, client.batch_get_projects().set_names(Some(batch.to_vec())).send())
        });
        let details: Vec<aws_sdk_codebuild::types::Project> = futures_util::future::join_all(batches)
            .await
            .into_iter()
            .flatten()
            .flat_map(|out| out.projects().to_vec())
            .collect();
        let projects = names
            .iter()
            .map(|name| match details.iter().find(|p| p.name() == Some(name.as_str())) {
                None => BuildProject { name: name.clone(), ..BuildProject::default() },
                Some(p) => BuildProject {
                    name: name.clone(),
                    source_type: p.source().map(|s| s.r#type().as_str().to_owned()),
                    image: p.environment().map(|e| e.image().to_owned()),
                    compute_type: p.environment().map(|e| e.compute_type().as_str().to_owned()),
                    privileged_mode: p.environment().and_then(|e| e.privileged_mode()),
                    webhook: p.webhook().is_some(),
                    inline_buildspec: p
                        .source()
                        .and_then(|s| s.buildspec())
                        .is_some_and(|b| b.contains('\n') || b.trim_start().starts_with("version")),
                    created: rfc3339_opt(p.created()),
                    last_modified: rfc3339_opt(p.last_modified()),
                },
            })
            .collect();
        Some(CodeBuild { projects })
    }
}
