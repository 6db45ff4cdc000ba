//! The collection run: credentials and regions, the bounded concurrent calls, and the
//! recording of every call that fails.

use super::{CallError, Inventory, Services, KIND, VERSION};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sts::primitives::{DateTime, DateTimeFormat};
use std::future::Future;
use std::sync::Mutex;
use tokio::sync::Semaphore;

/// Calls in flight at once, across all services and regions.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Executions read per pipeline (the newest; one page of `ListPipelineExecutions`).
pub const DEFAULT_MAX_EXECUTIONS: i32 = 100;

/// The region used when neither `--region`, the environment nor the profile names one.
const FALLBACK_REGION: &str = "us-east-1";

/// What to collect, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The named profile of the shared config and credentials files; `None`: the standard
    /// chain (`AWS_PROFILE`, environment variables, `default` profile, SSO, container and
    /// instance roles).
    pub profile: Option<String>,
    /// Regions for the regional services; empty: the profile's or environment's region,
    /// else `us-east-1`. Duplicates are ignored.
    pub regions: Vec<String>,
    /// Calls in flight at once ([`DEFAULT_CONCURRENCY`]).
    pub concurrency: usize,
    /// Executions read per pipeline ([`DEFAULT_MAX_EXECUTIONS`], at most 100).
    pub max_executions: i32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            regions: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            max_executions: DEFAULT_MAX_EXECUTIONS,
        }
    }
}

/// Why nothing could be collected. Failures of single calls are not errors: they are
/// recorded in the inventory.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The credentials do not identify an account (none found, expired, or refused).
    #[error(
        "cannot tell which AWS account to collect: sts:GetCallerIdentity failed ({code}): {message}\n\
         (credentials come from the standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
         --profile or AWS_PROFILE, SSO (`aws sso login`), container and instance roles)"
    )]
    Identity {
        /// The error code, as in [`CallError::code`].
        code: String,
        /// The error message.
        message: String,
    },
    /// No provider of the standard chain (or the profile) has credentials.
    #[error(
        "no AWS credentials found{}: none in the environment, the shared config and credentials \
         files, an SSO session or an instance role\n\
         provide them with --profile NAME or AWS_PROFILE (a profile of ~/.aws/config), \
         AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or `aws sso login` for an SSO profile",
        profile.as_ref().map(|p| format!(" for profile `{p}`")).unwrap_or_default()
    )]
    NoCredentials {
        /// The profile asked for.
        profile: Option<String>,
    },
    /// Credentials are configured but cannot be loaded (a profile that does not exist, an
    /// expired SSO session, a broken config file).
    #[error("the AWS credentials cannot be loaded: {message}\nsee --profile, AWS_PROFILE and `aws sso login`")]
    Credentials {
        /// The provider's error and its causes, in one line.
        message: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Collects the inventory of the account the credentials belong to. Blocks until done;
/// runs its own single-threaded async runtime.
pub fn collect(options: &Options) -> Result<Inventory, CollectError> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(collect_async(options))
}

async fn collect_async(options: &Options) -> Result<Inventory, CollectError> {
    let started = jiff::Timestamp::now();
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(first) = options.regions.first() {
        loader = loader.region(Region::new(first.clone()));
    }
    let config = loader.load().await;
    let mut regions: Vec<String> = Vec::new();
    for region in &options.regions {
        if !regions.contains(region) {
            regions.push(region.clone());
        }
    }
    if regions.is_empty() {
        regions.push(config.region().map_or_else(|| FALLBACK_REGION.to_owned(), |r| r.to_string()));
    }

    check_credentials(&config, options.profile.as_deref()).await?;

    let sts = aws_sdk_sts::Client::new(&config);
    let identity = sts.get_caller_identity().send().await.map_err(|e| {
        let (code, message) = describe(&e);
        CollectError::Identity { code, message }
    })?;
    let account_id = identity.account().unwrap_or_default().to_owned();

    let ctx = Ctx {
        config,
        permits: Semaphore::new(options.concurrency.max(1)),
        errors: Mutex::new(Vec::new()),
        now: started.as_second(),
        max_executions: options.max_executions.clamp(1, 100),
    };
    let global = async {
        futures_util::future::join(
            super::iam::collect(&ctx, &regions[0]),
            super::storage::collect_s3(&ctx, &regions[0]),
        )
        .await
    };
    let regional = futures_util::future::join_all(regions.iter().map(|region| collect_region(&ctx, region)));
    let ((iam, s3), per_region) = futures_util::future::join(global, regional).await;

    let mut services = Services { iam, s3, ..Services::default() };
    for (region, r) in regions.iter().zip(per_region) {
        services.cloudtrail.insert(region.clone(), r.cloudtrail);
        services.config.insert(region.clone(), r.config);
        services.guardduty.insert(region.clone(), r.guardduty);
        services.securityhub.insert(region.clone(), r.securityhub);
        services.cloudwatch.insert(region.clone(), r.cloudwatch);
        services.logs.insert(region.clone(), r.logs);
        services.xray.insert(region.clone(), r.xray);
        services.cloudformation.insert(region.clone(), r.cloudformation);
        services.codepipeline.insert(region.clone(), r.codepipeline);
        services.codebuild.insert(region.clone(), r.codebuild);
        services.ecr.insert(region.clone(), r.ecr);
        services.backup.insert(region.clone(), r.backup);
        services.fis.insert(region.clone(), r.fis);
    }
    let mut errors = ctx.errors.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    errors.sort();
    Ok(Inventory {
        kind: KIND.to_owned(),
        version: VERSION,
        account_id,
        regions,
        collected_at: jiff::Timestamp::from_second(started.as_second()).expect("now is a valid time").to_string(),
        kaizen_version: env!("CARGO_PKG_VERSION").to_owned(),
        services,
        errors,
    })
}

/// Asks the credential chain for credentials before any call, so that missing ones are
/// told in the user's terms (which variables, flags and commands provide them), not as the
/// SDK's dispatch failure.
async fn check_credentials(config: &SdkConfig, profile: Option<&str>) -> Result<(), CollectError> {
    use aws_credential_types::provider::error::CredentialsError;
    use aws_credential_types::provider::ProvideCredentials;

    let no_credentials = || CollectError::NoCredentials { profile: profile.map(str::to_owned) };
    let provider = config.credentials_provider().ok_or_else(no_credentials)?;
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(CredentialsError::CredentialsNotLoaded(_)) => Err(no_credentials()),
        // The chain got as far as the instance metadata service, its last resort, and that
        // refused (a network that blocks it, a machine that is not an instance): nothing
        // the user configured failed, there is just nothing configured.
        Err(error) if from_instance_metadata(&error) => Err(no_credentials()),
        Err(other) => {
            let mut message = other.to_string();
            let mut source = std::error::Error::source(&other);
            while let Some(cause) = source {
                let text = cause.to_string();
                if !message.contains(&text) {
                    message = format!("{message}: {text}");
                }
                source = cause.source();
            }
            Err(CollectError::Credentials { message: message.replace('\n', " ") })
        }
    }
}

/// Whether a credentials error comes from the instance metadata service.
fn from_instance_metadata(error: &(dyn std::error::Error + 'static)) -> bool {
    use aws_config::imds::client::error::ImdsError;
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.downcast_ref::<ImdsError>().is_some() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// What one region showed, before it is spread over [`Services`].
struct Regional {
    cloudtrail: Option<super::CloudTrail>,
    config: Option<super::ConfigService>,
    guardduty: Option<super::GuardDuty>,
    securityhub: Option<super::SecurityHub>,
    cloudwatch: Option<super::CloudWatch>,
    logs: Option<super::Logs>,
    xray: Option<super::XRay>,
    cloudformation: Option<super::CloudFormation>,
    codepipeline: Option<super::CodePipeline>,
    codebuild: Option<super::CodeBuild>,
    ecr: Option<super::Ecr>,
    backup: Option<super::Backup>,
    fis: Option<super::Fis>,
}

async fn collect_region(ctx: &Ctx, region: &str) -> Regional {
    use super::{delivery, observability, resilience, security, storage};
    use futures_util::future::{join3, join4};
    let security = join4(
        security::collect_cloudtrail(ctx, region),
        security::collect_config(ctx, region),
        security::collect_guardduty(ctx, region),
        security::collect_securityhub(ctx, region),
    );
    let observability = join3(
        observability::collect_cloudwatch(ctx, region),
        observability::collect_logs(ctx, region),
        observability::collect_xray(ctx, region),
    );
    let delivery = join3(
        delivery::collect_cloudformation(ctx, region),
        delivery::collect_codepipeline(ctx, region),
        delivery::collect_codebuild(ctx, region),
    );
    let resilience = join3(
        storage::collect_ecr(ctx, region),
        resilience::collect_backup(ctx, region),
        resilience::collect_fis(ctx, region),
    );
    let ((cloudtrail, config, guardduty, securityhub), (cloudwatch, logs, xray), delivery, (ecr, backup, fis)) =
        join4(security, observability, delivery, resilience).await;
    let (cloudformation, codepipeline, codebuild) = delivery;
    Regional {
        cloudtrail,
        config,
        guardduty,
        securityhub,
        cloudwatch,
        logs,
        xray,
        cloudformation,
        codepipeline,
        codebuild,
        ecr,
        backup,
        fis,
    }
}

/// What every service collector shares: the SDK configuration, the bound on calls in
/// flight, the errors so far and the collection time.
pub(super) struct Ctx {
    /// Credentials, default region, retry and endpoint settings (`AWS_ENDPOINT_URL`).
    pub config: SdkConfig,
    permits: Semaphore,
    errors: Mutex<Vec<CallError>>,
    /// Collection time, seconds since the Unix epoch.
    pub now: i64,
    /// Executions read per pipeline.
    pub max_executions: i32,
}

/// One call: which service and operation, where, about what.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call<'a> {
    pub service: &'static str,
    pub operation: &'static str,
    /// `None` for global services (IAM).
    pub region: Option<&'a str>,
    pub resource: Option<&'a str>,
}

impl<'a> Call<'a> {
    /// A call to a regional service.
    pub fn new(service: &'static str, operation: &'static str, region: &'a str) -> Self {
        Call { service, operation, region: Some(region), resource: None }
    }

    /// The same call, about one resource.
    pub fn on(self, resource: &'a str) -> Self {
        Call { resource: Some(resource), ..self }
    }
}

impl Ctx {
    /// Runs one call (or one paginated listing) within the concurrency bound. A failure is
    /// recorded and gives `None`.
    pub async fn call<T, E>(
        &self,
        call: Call<'_>,
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.call_or_absent(call, &[], request).await.map(|found| found.expect("no code means absent"))
    }

    /// Like [`Ctx::call`], for settings that may not exist: an error with one of the `absent`
    /// codes (S3's `NoSuchPublicAccessBlockConfiguration`, IAM's `NoSuchEntity`) is the
    /// answer "not configured", `Some(None)`, not a failure.
    pub async fn call_or_absent<T, E>(
        &self,
        call: Call<'_>,
        absent: &[&str],
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Option<Option<T>>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let result = {
            let _permit = self.permits.acquire().await.expect("the semaphore is never closed");
            request.await
        };
        match result {
            Ok(value) => Some(Some(value)),
            Err(e) if e.code().is_some_and(|code| absent.contains(&code)) => Some(None),
            Err(e) => {
                let (code, message) = describe(&e);
                tracing::info!(service = call.service, operation = call.operation, code, "call failed: {message}");
                let error = CallError {
                    service: call.service.to_owned(),
                    operation: call.operation.to_owned(),
                    region: call.region.map(str::to_owned),
                    resource: call.resource.map(str::to_owned),
                    code,
                    message,
                };
                self.errors.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(error);
                None
            }
        }
    }

    /// Whole days from `time` to the collection time.
    pub fn age_days(&self, time: &DateTime) -> i64 {
        (self.now - time.secs()).div_euclid(86_400)
    }
}

/// The error code and message of a failed call (see [`CallError::code`]).
fn describe<E>(error: &SdkError<E, HttpResponse>) -> (String, String)
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if let Some(code) = error.code() {
        let message = error.message().map_or_else(|| DisplayErrorContext(error).to_string(), str::to_owned);
        return (code.to_owned(), message);
    }
    let status = error.raw_response().map(|r| r.status().as_u16()).unwrap_or_default();
    // An XML error the SDK could not place (moto wraps query-protocol errors in an extra
    // `<Errors>` element) still names its code: take it from the body.
    let body = error.raw_response().and_then(|r| r.body().bytes()).map(String::from_utf8_lossy);
    if let Some(code) = body.as_deref().and_then(|b| xml_element(b, "Code")) {
        let message = body.as_deref().and_then(|b| xml_element(b, "Message")).unwrap_or_default();
        return (code.to_owned(), message.to_owned());
    }
    match error {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) if !(200..300).contains(&status) => {
            let message = format!(
                "the endpoint answered HTTP {status} without an AWS error code \
                 (an emulator answers so for an operation it does not implement)"
            );
            (format!("HTTP {status}"), message)
        }
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            // The cause, without the raw response that DisplayErrorContext would add.
            let mut causes = Vec::new();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                causes.push(cause.to_string());
                source = cause.source();
            }
            let message = format!("the answer (HTTP {status}) could not be read: {}", causes.join(": "));
            ("InvalidResponse".to_owned(), message)
        }
        SdkError::TimeoutError(_) => ("Timeout".to_owned(), DisplayErrorContext(error).to_string()),
        SdkError::DispatchFailure(_) => ("DispatchFailure".to_owned(), DisplayErrorContext(error).to_string()),
        _ => ("ConstructionFailure".to_owned(), DisplayErrorContext(error).to_string()),
    }
}

/// The text of the first `<name>…</name>` element of an XML document.
fn xml_element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..end].trim()).filter(|text| !text.is_empty())
}

/// A client of one SDK crate for one region, sharing the run's credentials and settings:
/// `client!(aws_sdk_s3, ctx, region)`.
macro_rules! client {
    ($sdk:ident, $ctx:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from(&$ctx.config).region(aws_config::Region::new($region.to_owned())).build(),
        )
    };
}
pub(super) use client;

/// A timestamp as RFC 3339 (UTC).
pub(super) fn rfc3339(time: &DateTime) -> String {
    time.fmt(DateTimeFormat::DateTime).unwrap_or_else(|_| time.secs().to_string())
}

/// An optional timestamp as RFC 3339.
pub(super) fn rfc3339_opt(time: Option<&DateTime>) -> Option<String> {
    time.map(rfc3339)
}
