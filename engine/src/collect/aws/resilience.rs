//! Collecting how the account recovers from failure and practises it: AWS Backup plans and
//! FIS experiment templates (both regional).

#[cfg(feature = "aws")]
use kaizen_evidence::cloud::*;

#[cfg(feature = "aws")]
pub(super) use collect::*;

#[cfg(feature = "aws")]
mod collect {
    use super::*;
    use crate::collect::aws::run::{client, rfc3339_opt, Call, Ctx};

    pub async fn collect_backup(ctx: &Ctx, region: &str) -> Option<Backup> {
        let client = client!(aws_sdk_backup, ctx, region);
        let call = Call::new("backup", "ListBackupPlans", region);
        let listed: Vec<aws_sdk_backup::types::BackupPlansListMember> =
            ctx.call(call, client.list_backup_plans().into_paginator().items().send().try_collect()).await?;
        let plans = listed
            .iter()
            .map(|p| BackupPlan {
                name: p.backup_plan_name().unwrap_or_default().to_owned(),
                id: p.backup_plan_id().map(str::to_owned),
                created: rfc3339_opt(p.creation_date()),
                last_execution: rfc3339_opt(p.last_execution_date()),
            })
            .collect();
        Some(Backup { plans })
    }

    pub async fn collect_fis(ctx: &Ctx, region: &str) -> Option<Fis> {
        let client = client!(aws_sdk_fis, ctx, region);
        let call = Call::new("fis", "ListExperimentTemplates", region);
        let listed: Vec<aws_sdk_fis::types::ExperimentTemplateSummary> =
            ctx.call(call, client.list_experiment_templates().into_paginator().items().send().try_collect()).await?;
        let experiment_templates = listed
            .iter()
            .map(|t| ExperimentTemplate {
                id: t.id().unwrap_or_default().to_owned(),
                description: t.description().map(str::to_owned),
                created: rfc3339_opt(t.creation_time()),
                last_updated: rfc3339_opt(t.last_update_time()),
            })
            .collect();
        Some(Fis { experiment_templates })
    }
}
