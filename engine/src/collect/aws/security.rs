//! Collecting detection and audit: CloudTrail, AWS Config, GuardDuty, Security Hub (all
//! regional).

#[cfg(feature = "aws")]
use kaizen_evidence::cloud::*;

#[cfg(feature = "aws")]
pub(super) use collect::*;

#[cfg(feature = "aws")]
mod collect {
    use super::*;
    use crate::collect::aws::run::{client, rfc3339_opt, Call, Ctx};

    pub async fn collect_cloudtrail(ctx: &Ctx, region: &str) -> Option<CloudTrail> {
        let client = client!(aws_sdk_cloudtrail, ctx, region);
        let call = Call::new("cloudtrail", "DescribeTrails", region);
        let listed = ctx.call(call, client.describe_trails().include_shadow_trails(true).send()).await?;
        let trails = listed.trail_list().iter().map(|t| async {
            let name = t.name().unwrap_or_default().to_owned();
            let arn = t.trail_arn().map(str::to_owned);
            let id = arn.clone().unwrap_or_else(|| name.clone());
            let call = Call::new("cloudtrail", "GetTrailStatus", region).on(&name);
            let status = ctx.call(call, client.get_trail_status().name(&id).send()).await;
            Trail {
                shadow: t.home_region().is_some_and(|home| home != region),
                home_region: t.home_region().map(str::to_owned),
                multi_region: t.is_multi_region_trail().unwrap_or(false),
                organization: t.is_organization_trail().unwrap_or(false),
                log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
                kms_encrypted: t.kms_key_id().is_some(),
                s3_bucket: t.s3_bucket_name().map(str::to_owned),
                cloudwatch_logs: t.cloud_watch_logs_log_group_arn().is_some(),
                global_service_events: t.include_global_service_events().unwrap_or(false),
                is_logging: status.as_ref().and_then(|s| s.is_logging()),
                latest_delivery: rfc3339_opt(status.as_ref().and_then(|s| s.latest_delivery_time())),
                latest_delivery_error: status
                    .as_ref()
                    .and_then(|s| s.latest_delivery_error())
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned),
                name,
                arn,
            }
        });
        Some(CloudTrail { trails: futures_util::future::join_all(trails).await })
    }

    pub async fn collect_config(ctx: &Ctx, region: &str) -> Option<ConfigService> {
        let client = client!(aws_sdk_config, ctx, region);
        let (recorders, statuses) = futures_util::future::join(
            ctx.call(
                Call::new("config", "DescribeConfigurationRecorders", region),
                client.describe_configuration_recorders().send(),
            ),
            ctx.call(
                Call::new("config", "DescribeConfigurationRecorderStatus", region),
                client.describe_configuration_recorder_status().send(),
            ),
        )
        .await;
        let statuses = statuses.as_ref().map(|s| s.configuration_recorders_status());
        let recorders = recorders?
            .configuration_recorders()
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default().to_owned();
                let status = statuses.and_then(|all| all.iter().find(|s| s.name() == Some(name.as_str())));
                let group = r.recording_group();
                ConfigRecorder {
                    all_supported: group.is_some_and(|g| g.all_supported()),
                    include_global_resource_types: group.is_some_and(|g| g.include_global_resource_types()),
                    recording: status.map(|s| s.recording()),
                    last_status: status.and_then(|s| s.last_status()).map(|s| s.as_str().to_owned()),
                    last_status_change: rfc3339_opt(status.and_then(|s| s.last_status_change_time())),
                    name,
                }
            })
            .collect();
        Some(ConfigService { recorders })
    }

    pub async fn collect_guardduty(ctx: &Ctx, region: &str) -> Option<GuardDuty> {
        let client = client!(aws_sdk_guardduty, ctx, region);
        let call = Call::new("guardduty", "ListDetectors", region);
        let ids: Vec<String> =
            ctx.call(call, client.list_detectors().into_paginator().items().send().try_collect()).await?;
        let detectors = ids.into_iter().map(|id| async {
            let call = Call::new("guardduty", "GetDetector", region).on(&id);
            let detector = ctx.call(call, client.get_detector().detector_id(&id).send()).await;
            Detector {
                status: detector.as_ref().and_then(|d| d.status()).map(|s| s.as_str().to_owned()),
                finding_publishing_frequency: detector
                    .as_ref()
                    .and_then(|d| d.finding_publishing_frequency())
                    .map(|f| f.as_str().to_owned()),
                created_at: detector.as_ref().and_then(|d| d.created_at()).map(str::to_owned),
                id,
            }
        });
        Some(GuardDuty { detectors: futures_util::future::join_all(detectors).await })
    }

    pub async fn collect_securityhub(ctx: &Ctx, region: &str) -> Option<SecurityHub> {
        let client = client!(aws_sdk_securityhub, ctx, region);
        // Security Hub answers "not subscribed" with InvalidAccessException when it is off.
        let call = Call::new("securityhub", "DescribeHub", region);
        let Some(hub) = ctx.call_or_absent(call, &["InvalidAccessException"], client.describe_hub().send()).await?
        else {
            return Some(SecurityHub { enabled: false, standards: Some(Vec::new()), ..SecurityHub::default() });
        };
        let call = Call::new("securityhub", "GetEnabledStandards", region);
        let standards = ctx
            .call(call, client.get_enabled_standards().into_paginator().items().send().try_collect())
            .await
            .map(|all: Vec<_>| {
                all.iter()
                    .map(|s| EnabledStandard {
                        standards_arn: s.standards_arn().unwrap_or_default().to_owned(),
                        status: s.standards_status().map(|s| s.as_str().to_owned()),
                    })
                    .collect()
            });
        Some(SecurityHub {
            enabled: true,
            hub_arn: hub.hub_arn().map(str::to_owned),
            subscribed_at: hub.subscribed_at().map(str::to_owned),
            auto_enable_controls: hub.auto_enable_controls(),
            standards,
        })
    }
}
