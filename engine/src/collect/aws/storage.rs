//! Collecting where data and images are kept: S3 buckets (global list) and ECR repositories
//! (regional).

#[cfg(feature = "aws")]
use kaizen_evidence::cloud::*;

#[cfg(feature = "aws")]
pub(super) use collect::*;

#[cfg(feature = "aws")]
mod collect {
    use super::*;
    use crate::collect::aws::run::{client, rfc3339_opt, Call, Ctx};

    /// Lists the buckets through `region`'s endpoint, then reads each in its own region.
    pub async fn collect_s3(ctx: &Ctx, region: &str) -> S3 {
        let client = client!(aws_sdk_s3, ctx, region);
        let call = Call::new("s3", "ListBuckets", region);
        let Some(listed) = ctx.call(call, client.list_buckets().into_paginator().items().send().try_collect()).await
        else {
            return S3 { buckets: None };
        };
        let listed: Vec<aws_sdk_s3::types::Bucket> = listed;
        let buckets = listed.iter().map(|b| bucket(ctx, &client, region, b));
        let mut buckets = futures_util::future::join_all(buckets).await;
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        S3 { buckets: Some(buckets) }
    }

    async fn bucket(ctx: &Ctx, home: &aws_sdk_s3::Client, home_region: &str, b: &aws_sdk_s3::types::Bucket) -> Bucket {
        let name = b.name().unwrap_or_default();
        let region = match b.bucket_region() {
            Some(region) => Some(region.to_owned()),
            None => {
                let call = Call::new("s3", "GetBucketLocation", home_region).on(name);
                ctx.call(call, home.get_bucket_location().bucket(name).send()).await.map(|l| {
                    // No constraint is us-east-1; `EU` is the legacy name of eu-west-1.
                    match l.location_constraint().map(|c| c.as_str()) {
                        None | Some("") => "us-east-1".to_owned(),
                        Some("EU") => "eu-west-1".to_owned(),
                        Some(other) => other.to_owned(),
                    }
                })
            }
        };
        let at = region.as_deref().unwrap_or(home_region);
        let client = if at == home_region { home.clone() } else { client!(aws_sdk_s3, ctx, at) };
        let (block, encryption, versioning) = futures_util::future::join3(
            ctx.call_or_absent(
                Call::new("s3", "GetPublicAccessBlock", at).on(name),
                &["NoSuchPublicAccessBlockConfiguration"],
                client.get_public_access_block().bucket(name).send(),
            ),
            ctx.call_or_absent(
                Call::new("s3", "GetBucketEncryption", at).on(name),
                &["ServerSideEncryptionConfigurationNotFoundError"],
                client.get_bucket_encryption().bucket(name).send(),
            ),
            ctx.call(
                Call::new("s3", "GetBucketVersioning", at).on(name),
                client.get_bucket_versioning().bucket(name).send(),
            ),
        )
        .await;
        let public_access_block =
            block.map(|found| match found.as_ref().and_then(|b| b.public_access_block_configuration()) {
                None => PublicAccessBlock::default(),
                Some(c) => PublicAccessBlock {
                    configured: true,
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                },
            });
        let encryption = encryption.map(|found| {
            let rules = found.as_ref().and_then(|e| e.server_side_encryption_configuration()).map(|c| c.rules());
            BucketEncryption {
                configured: rules.is_some_and(|r| !r.is_empty()),
                algorithms: rules
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.apply_server_side_encryption_by_default())
                    .map(|d| d.sse_algorithm().as_str().to_owned())
                    .collect(),
                bucket_key_enabled: rules.into_iter().flatten().any(|r| r.bucket_key_enabled() == Some(true)),
            }
        });
        Bucket {
            name: name.to_owned(),
            created: rfc3339_opt(b.creation_date()),
            public_access_block,
            encryption,
            versioning: versioning
                .as_ref()
                .map(|v| v.status().map_or_else(|| "Disabled".to_owned(), |s| s.as_str().to_owned())),
            mfa_delete: versioning.as_ref().map(|v| v.mfa_delete().is_some_and(|m| m.as_str() == "Enabled")),
            region,
        }
    }

    pub async fn collect_ecr(ctx: &Ctx, region: &str) -> Option<Ecr> {
        let client = client!(aws_sdk_ecr, ctx, region);
        let call = Call::new("ecr", "DescribeRepositories", region);
        let listed: Vec<aws_sdk_ecr::types::Repository> =
            ctx.call(call, client.describe_repositories().into_paginator().items().send().try_collect()).await?;
        let repositories = listed
            .iter()
            .map(|r| {
                let mutability = r.image_tag_mutability().map(|m| m.as_str().to_owned());
                Repository {
                    name: r.repository_name().unwrap_or_default().to_owned(),
                    created: rfc3339_opt(r.created_at()),
                    scan_on_push: r.image_scanning_configuration().is_some_and(|s| s.scan_on_push()),
                    tag_immutability: mutability.as_deref().is_some_and(|m| m.starts_with("IMMUTABLE")),
                    tag_mutability: mutability,
                    encryption_type: r.encryption_configuration().map(|e| e.encryption_type().as_str().to_owned()),
                }
            })
            .collect();
        Some(Ecr { repositories })
    }
}
