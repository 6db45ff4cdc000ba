//! `kaizen collect aws` against moto's server, a real AWS API emulator started by the test:
//! resources are created through its API with the AWS SDK, then the real `kaizen` binary
//! collects them and the snapshot is asserted, including the calls that failed.
//!
//! What moto 5.2 lacks, and the collector therefore records in `errors`:
//! - X-Ray `GetGroups` and `GetSamplingRules`: HTTP 404 (moto has no route for them);
//! - Security Hub `GetEnabledStandards`: HTTP 404;
//! - CodePipeline `ListPipelineExecutions` and FIS `ListExperimentTemplates`: HTTP 500 (moto
//!   raises "not implemented"); moto cannot start a pipeline execution either;
//! - CloudWatch `DescribeAlarms`: HTTP 404, because the current SDK speaks CloudWatch's
//!   Smithy RPC v2 CBOR protocol, which moto does not (so the test cannot create alarms
//!   either);
//! - S3 `GetBucketVersioning`: moto's answer has the root element
//!   `GetBucketVersioningResponse` instead of `VersioningConfiguration`, which the SDK
//!   refuses (`InvalidResponse`).
//!
//! moto cannot backdate an access key, so the 90-day rule has a unit test in the library.
//! With `KAIZEN_TEST_REQUIRE_SERVICES` set (as `.ci/run` does) a missing `moto_server` fails
//! the tests; otherwise they print "skipped" and pass, so `cargo test` works with only Rust.

use crate::support::{self, kaizen};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use kaizen::collect::aws::{self, CallError, Inventory, LoadError};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The secret access key the collector runs with: distinctive, so its absence can be checked.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// moto's account.
pub(crate) const ACCOUNT: &str = "123456789012";
/// A plain-text CodeBuild environment variable that must not reach the snapshot.
const BUILD_SECRET: &str = "build-token-3f9a1c";

/// A moto server on a free loopback port, killed on drop.
pub(crate) struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    /// Starts moto, or says the test is skipped (`None`) when `moto_server` is not installed.
    pub(crate) fn start() -> Option<Moto> {
        let installed = Command::new("moto_server").arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status();
        if installed.is_err() {
            assert!(
                std::env::var_os("KAIZEN_TEST_REQUIRE_SERVICES").is_none(),
                "moto_server is not on the PATH and KAIZEN_TEST_REQUIRE_SERVICES is set: \
                 install it with `python3 -m pip install \"moto[server]\"`"
            );
            eprintln!("skipped: moto_server not found (pip install \"moto[server]\" to run the AWS collector tests)");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not answer on port {port} within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// SDK settings for creating resources in `region`.
    pub(crate) fn sdk(&self, region: &'static str) -> SdkConfig {
        runtime().block_on(
            aws_config::defaults(BehaviorVersion::latest())
                .endpoint_url(&self.url)
                .region(Region::new(region))
                .credentials_provider(Credentials::new("testing", SECRET, None, None, "test"))
                .load(),
        )
    }

    /// `kaizen collect aws` against this server, isolated from the user's AWS settings.
    pub(crate) fn collect(&self, key: (&str, &str), args: &[&str], out: &Path) -> std::process::Output {
        let out = support::run(
            kaizen()
                .args(["collect", "aws", "--out"])
                .arg(out)
                .args(args)
                .env("AWS_ENDPOINT_URL", &self.url)
                .env("AWS_ACCESS_KEY_ID", key.0)
                .env("AWS_SECRET_ACCESS_KEY", key.1)
                .env("AWS_REGION", "us-east-1")
                .env("AWS_CONFIG_FILE", empty_file())
                .env("AWS_SHARED_CREDENTIALS_FILE", empty_file())
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .env_remove("AWS_PROFILE")
                .env_remove("AWS_SESSION_TOKEN")
                .env_remove("AWS_DEFAULT_REGION"),
        );
        assert!(out.status.success(), "kaizen collect aws failed");
        out
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An empty AWS config file, so the user's own profiles play no part.
fn empty_file() -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaizen-empty-aws-config");
    std::fs::write(&path, "").unwrap();
    path
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// The resources every test collects, in us-east-1 unless said otherwise.
async fn create_resources(us: &SdkConfig, eu: &SdkConfig) {
    use aws_sdk_s3::types as s3t;
    let s3 = aws_sdk_s3::Client::new(us);
    s3.create_bucket().bucket("kaizen-logs").send().await.unwrap();
    s3.put_bucket_versioning()
        .bucket("kaizen-logs")
        .versioning_configuration(
            s3t::VersioningConfiguration::builder().status(s3t::BucketVersioningStatus::Enabled).build(),
        )
        .send()
        .await
        .unwrap();
    let by_default =
        s3t::ServerSideEncryptionByDefault::builder().sse_algorithm(s3t::ServerSideEncryption::AwsKms).build().unwrap();
    s3.put_bucket_encryption()
        .bucket("kaizen-logs")
        .server_side_encryption_configuration(
            s3t::ServerSideEncryptionConfiguration::builder()
                .rules(
                    s3t::ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(by_default)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket("kaizen-logs")
        .public_access_block_configuration(
            s3t::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.create_bucket().bucket("kaizen-plain").send().await.unwrap();
    aws_sdk_s3::Client::new(eu)
        .create_bucket()
        .bucket("kaizen-eu")
        .create_bucket_configuration(
            s3t::CreateBucketConfiguration::builder()
                .location_constraint(s3t::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let trail = aws_sdk_cloudtrail::Client::new(us);
    trail
        .create_trail()
        .name("org-trail")
        .s3_bucket_name("kaizen-logs")
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .send()
        .await
        .unwrap();
    trail.start_logging().name("org-trail").send().await.unwrap();
    trail.create_trail().name("quiet").s3_bucket_name("kaizen-logs").send().await.unwrap();

    let iam = aws_sdk_iam::Client::new(us);
    iam.create_user().user_name("deployer").send().await.unwrap();
    iam.create_access_key().user_name("deployer").send().await.unwrap();
    iam.create_user().user_name("admin").send().await.unwrap();
    let device = iam.create_virtual_mfa_device().virtual_mfa_device_name("admin").send().await.unwrap();
    let serial = device.virtual_mfa_device().unwrap().serial_number();
    iam.enable_mfa_device()
        .user_name("admin")
        .serial_number(serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    iam.update_account_password_policy().minimum_password_length(14).require_symbols(true).send().await.unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role().role_name("delivery").assume_role_policy_document(trust).send().await.unwrap();
    let role = format!("arn:aws:iam::{ACCOUNT}:role/delivery");

    let logs = aws_sdk_cloudwatchlogs::Client::new(us);
    logs.create_log_group().log_group_name("/app/kept").send().await.unwrap();
    logs.put_retention_policy().log_group_name("/app/kept").retention_in_days(30).send().await.unwrap();
    logs.create_log_group().log_group_name("/app/forever").send().await.unwrap();

    use aws_sdk_codebuild::types as cb;
    aws_sdk_codebuild::Client::new(us)
        .create_project()
        .name("web")
        .source(
            cb::ProjectSource::builder().r#type(cb::SourceType::S3).location("kaizen-logs/web.zip").build().unwrap(),
        )
        .artifacts(cb::ProjectArtifacts::builder().r#type(cb::ArtifactsType::NoArtifacts).build().unwrap())
        .environment(
            cb::ProjectEnvironment::builder()
                .r#type(cb::EnvironmentType::LinuxContainer)
                .image("aws/codebuild/standard:7.0")
                .compute_type(cb::ComputeType::BuildGeneral1Small)
                .environment_variables(
                    cb::EnvironmentVariable::builder()
                        .name("TOKEN")
                        .value(BUILD_SECRET)
                        .r#type(cb::EnvironmentVariableType::Plaintext)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .service_role(&role)
        .send()
        .await
        .unwrap();

    use aws_sdk_codepipeline::types as cp;
    let action = |name: &str, category, provider: &str| {
        cp::ActionDeclaration::builder().name(name).action_type_id(
            cp::ActionTypeId::builder()
                .category(category)
                .owner(cp::ActionOwner::Aws)
                .provider(provider)
                .version("1")
                .build()
                .unwrap(),
        )
    };
    aws_sdk_codepipeline::Client::new(us)
        .create_pipeline()
        .pipeline(
            cp::PipelineDeclaration::builder()
                .name("web")
                .role_arn(&role)
                .artifact_store(
                    cp::ArtifactStore::builder()
                        .r#type(cp::ArtifactStoreType::S3)
                        .location("kaizen-logs")
                        .build()
                        .unwrap(),
                )
                .stages(
                    cp::StageDeclaration::builder()
                        .name("Source")
                        .actions(
                            action("Source", cp::ActionCategory::Source, "S3")
                                .configuration("S3Bucket", "kaizen-logs")
                                .configuration("S3ObjectKey", "web.zip")
                                .output_artifacts(cp::OutputArtifact::builder().name("src").build().unwrap())
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .stages(
                    cp::StageDeclaration::builder()
                        .name("Build")
                        .actions(
                            action("Build", cp::ActionCategory::Build, "CodeBuild")
                                .configuration("ProjectName", "web")
                                .input_artifacts(cp::InputArtifact::builder().name("src").build().unwrap())
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let ecr = aws_sdk_ecr::Client::new(us);
    ecr.create_repository()
        .repository_name("web")
        .image_scanning_configuration(
            aws_sdk_ecr::types::ImageScanningConfiguration::builder().scan_on_push(true).build(),
        )
        .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Immutable)
        .send()
        .await
        .unwrap();
    ecr.create_repository().repository_name("legacy").send().await.unwrap();

    use aws_sdk_backup::types as bk;
    aws_sdk_backup::Client::new(us)
        .create_backup_plan()
        .backup_plan(
            bk::BackupPlanInput::builder()
                .backup_plan_name("daily")
                .rules(
                    bk::BackupRuleInput::builder()
                        .rule_name("daily")
                        .target_backup_vault_name("Default")
                        .schedule_expression("cron(0 5 * * ? *)")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    aws_sdk_guardduty::Client::new(us).create_detector().enable(true).send().await.unwrap();
    aws_sdk_securityhub::Client::new(us).enable_security_hub().send().await.unwrap();

    use aws_sdk_config::types as cfg;
    let config = aws_sdk_config::Client::new(us);
    config
        .put_configuration_recorder()
        .configuration_recorder(
            cfg::ConfigurationRecorder::builder()
                .name("default")
                .role_arn(&role)
                .recording_group(
                    cfg::RecordingGroup::builder().all_supported(true).include_global_resource_types(true).build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .put_delivery_channel()
        .delivery_channel(cfg::DeliveryChannel::builder().name("default").s3_bucket_name("kaizen-logs").build())
        .send()
        .await
        .unwrap();
    config.start_configuration_recorder().configuration_recorder_name("default").send().await.unwrap();

    aws_sdk_cloudformation::Client::new(us)
        .create_stack()
        .stack_name("network")
        .template_body(r#"{"Resources":{"Queue":{"Type":"AWS::SQS::Queue"}}}"#)
        .send()
        .await
        .unwrap();

    use aws_sdk_fis::types as fis;
    aws_sdk_fis::Client::new(us)
        .create_experiment_template()
        .client_token("kaizen")
        .description("stop an instance")
        .role_arn(&role)
        .stop_conditions(fis::CreateExperimentTemplateStopConditionInput::builder().source("none").build().unwrap())
        .actions(
            "stop",
            fis::CreateExperimentTemplateActionInput::builder().action_id("aws:ec2:stop-instances").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// What a regional service showed in us-east-1.
fn region<T: Clone>(map: &std::collections::BTreeMap<String, Option<T>>) -> Option<T> {
    map["us-east-1"].clone()
}

fn error<'a>(inventory: &'a Inventory, service: &str, operation: &str) -> Option<&'a CallError> {
    inventory.errors.iter().find(|e| e.service == service && e.operation == operation)
}

#[test]
fn collects_what_the_account_shows_and_records_what_failed() {
    let Some(moto) = Moto::start() else { return };
    runtime().block_on(create_resources(&moto.sdk("us-east-1"), &moto.sdk("eu-west-1")));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.json");
    let out = moto.collect(("testing", SECRET), &[], &path);
    let text = std::fs::read_to_string(&path).unwrap();
    let inv = aws::load(&path).unwrap();

    assert_eq!((inv.kind.as_str(), inv.version, inv.account_id.as_str()), ("kaizen-aws-inventory", 1, ACCOUNT));
    assert_eq!(inv.regions, ["us-east-1"], "the region comes from AWS_REGION");
    assert!(inv.collected_at.ends_with('Z') && inv.collected_at.len() == 20, "{}", inv.collected_at);
    assert_eq!(inv.kaizen_version, env!("CARGO_PKG_VERSION"));

    // No secret: neither the secret access key, nor a build's plain-text variable, nor a
    // full access key id.
    assert!(!text.contains(SECRET) && !text.contains(BUILD_SECRET), "a secret reached the snapshot");
    assert!(!text.contains("AKIA"), "a full access key id reached the snapshot");

    // IAM.
    let iam = &inv.services.iam;
    assert_eq!(iam.root_mfa_enabled, Some(false));
    assert_eq!(iam.account_summary.as_ref().unwrap()["Users"], 2);
    let policy = iam.password_policy.as_ref().unwrap();
    assert!(policy.exists && policy.require_symbols && !policy.require_numbers);
    assert_eq!(policy.minimum_length, Some(14));
    let users = iam.users.as_ref().unwrap();
    assert_eq!(
        users.iter().map(|u| (u.name.as_str(), u.mfa_devices)).collect::<Vec<_>>(),
        [("admin", Some(1)), ("deployer", Some(0))]
    );
    assert_eq!(iam.users_without_mfa.as_deref(), Some(&["deployer".to_owned()][..]));
    let keys = users[1].access_keys.as_ref().unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].id.starts_with('…') && keys[0].id.chars().count() == 5, "{}", keys[0].id);
    assert_eq!((keys[0].status.as_deref(), keys[0].age_days), (Some("Active"), Some(0)));
    assert_eq!(iam.old_access_keys.as_deref(), Some(&[][..]), "a key created now is not old");

    // S3: each bucket read in its own region.
    let buckets = inv.services.s3.buckets.as_ref().unwrap();
    let names: Vec<_> = buckets.iter().map(|b| (b.name.as_str(), b.region.as_deref())).collect();
    assert_eq!(
        names,
        [("kaizen-eu", Some("eu-west-1")), ("kaizen-logs", Some("us-east-1")), ("kaizen-plain", Some("us-east-1"))]
    );
    let logs_bucket = &buckets[1];
    assert_eq!(logs_bucket.versioning, None, "moto's GetBucketVersioning answer does not parse");
    assert_eq!(logs_bucket.encryption.as_ref().unwrap().algorithms, ["aws:kms"]);
    let block = logs_bucket.public_access_block.as_ref().unwrap();
    assert!(block.configured && block.block_public_acls && block.restrict_public_buckets);
    let plain = &buckets[2];
    assert!(!plain.encryption.as_ref().unwrap().configured);
    assert!(!plain.public_access_block.as_ref().unwrap().configured);

    // CloudTrail: the multi-region trail logs, the other does not.
    let trails = region(&inv.services.cloudtrail).unwrap().trails;
    let trails: Vec<_> =
        trails.iter().map(|t| (t.name.as_str(), t.multi_region, t.log_file_validation, t.is_logging)).collect();
    assert_eq!(trails, [("org-trail", true, true, Some(true)), ("quiet", false, false, Some(false))]);
    // Config, GuardDuty, Security Hub.
    let recorders = region(&inv.services.config).unwrap().recorders;
    assert_eq!(recorders.len(), 1);
    assert!(recorders[0].all_supported && recorders[0].recording == Some(true));
    let detectors = region(&inv.services.guardduty).unwrap().detectors;
    assert_eq!(detectors.iter().map(|d| d.status.as_deref()).collect::<Vec<_>>(), [Some("ENABLED")]);
    let hub = region(&inv.services.securityhub).unwrap();
    assert!(hub.enabled);
    assert_eq!(hub.standards, None, "moto lacks GetEnabledStandards");
    // CloudWatch Logs (CloudWatch alarms: see the errors below).
    let groups = region(&inv.services.logs).unwrap().log_groups;
    let groups: Vec<_> = groups.iter().map(|g| (g.name.as_str(), g.retention_days)).collect();
    assert_eq!(groups, [("/app/forever", None), ("/app/kept", Some(30))]);
    // Delivery.
    let stacks = region(&inv.services.cloudformation).unwrap().stacks;
    assert_eq!(
        stacks.iter().map(|s| (s.name.as_str(), s.status.as_str())).collect::<Vec<_>>(),
        [("network", "CREATE_COMPLETE")]
    );
    let pipelines = region(&inv.services.codepipeline).unwrap().pipelines;
    assert_eq!(
        pipelines.iter().map(|p| (p.name.as_str(), p.executions.is_none())).collect::<Vec<_>>(),
        [("web", true)]
    );
    let projects = region(&inv.services.codebuild).unwrap().projects;
    assert_eq!(projects.len(), 1);
    assert_eq!(
        (projects[0].source_type.as_deref(), projects[0].image.as_deref()),
        (Some("S3"), Some("aws/codebuild/standard:7.0"))
    );
    let repos = region(&inv.services.ecr).unwrap().repositories;
    let repos: Vec<_> = repos.iter().map(|r| (r.name.as_str(), r.scan_on_push, r.tag_immutability)).collect();
    assert_eq!(repos, [("web", true, true), ("legacy", false, false)]);
    assert_eq!(
        region(&inv.services.backup).unwrap().plans.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["daily"]
    );

    // What moto lacks, recorded with its code; the rest was collected.
    assert_eq!(region(&inv.services.fis), None);
    let xray = region(&inv.services.xray).unwrap();
    assert_eq!((xray.groups, xray.sampling_rules), (None, None));
    let failed: Vec<_> =
        inv.errors.iter().map(|e| (e.service.as_str(), e.operation.as_str(), e.code.as_str())).collect();
    assert_eq!(
        failed,
        [
            ("cloudwatch", "DescribeAlarms", "HTTP 404"),
            ("codepipeline", "ListPipelineExecutions", "HTTP 500"),
            ("fis", "ListExperimentTemplates", "HTTP 500"),
            ("s3", "GetBucketVersioning", "InvalidResponse"),
            ("s3", "GetBucketVersioning", "InvalidResponse"),
            ("s3", "GetBucketVersioning", "InvalidResponse"),
            ("securityhub", "GetEnabledStandards", "HTTP 404"),
            ("xray", "GetGroups", "HTTP 404"),
            ("xray", "GetSamplingRules", "HTTP 404"),
        ]
    );
    let e = error(&inv, "codepipeline", "ListPipelineExecutions").unwrap();
    assert_eq!((e.region.as_deref(), e.resource.as_deref()), (Some("us-east-1"), Some("web")));
    assert!(e.message.contains("without an AWS error code"), "{}", e.message);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("9 calls failed") && stderr.contains("xray:GetGroups (us-east-1): HTTP 404"), "{stderr}");

    // The snapshot, assessed as a target of its own by the built-in aws plugin.
    let report = dir.path().join("report");
    let assessed = crate::support::run(
        crate::support::kaizen().arg("assess").arg("--cloud").arg(&path).args(["--only", "aws", "--out"]).arg(&report),
    );
    assert!(assessed.status.success());
    let result: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.join("result.json")).unwrap()).unwrap();
    let targets = result["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 1, "only the account: no folder is assessed when only --cloud is given");
    let t = &targets[0];
    assert_eq!((t["name"].as_str(), t["kind"].as_str()), (Some("aws-123456789012"), Some("cloud")));
    let status = |check: &str| {
        let f = t["findings"].as_array().unwrap().iter().find(|f| f["check"] == check).unwrap();
        (f["status"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned())
    };
    assert_eq!(status("cloudtrail-enabled").0, "pass");
    assert_eq!(t["facts"]["aws.cloudtrail_enabled"], true);
    assert_eq!(status("root-mfa"), ("fail".into(), "the root user has no MFA device".into()));
    assert_eq!(status("users-mfa"), ("fail".into(), "1 IAM user with a console password has no MFA device".into()));
    assert_eq!(status("guardduty-enabled").0, "pass");
    assert_eq!(
        status("ecr-scan-on-push"),
        ("warn".into(), "1 of 2 ECR repositories scan images on push; not: legacy".into())
    );
    assert_eq!(status("log-retention").0, "warn");
    assert_eq!(t["facts"]["aws.log_groups_without_retention"], 1);
    assert_eq!(status("backup-plans").0, "pass");
    let (alarms, why) = status("alarms");
    assert_eq!(alarms, "not_applicable", "moto could not answer DescribeAlarms");
    assert!(why.contains("HTTP 404 on cloudwatch:DescribeAlarms"), "{why}");
    assert_eq!(status("fis-experiments").0, "not_applicable");
    let expected_policy = if policy.reuse_prevention.unwrap_or(0) >= 24 { "pass" } else { "warn" };
    assert_eq!(status("password-policy").0, expected_policy);
    let result_text = std::fs::read_to_string(report.join("result.json")).unwrap();
    assert!(!result_text.contains("deployer"), "IAM user names are counted, never named in results");
}

#[test]
fn regional_services_per_region_global_ones_once_default_file_name() {
    let Some(moto) = Moto::start() else { return };
    runtime().block_on(create_resources(&moto.sdk("us-east-1"), &moto.sdk("eu-west-1")));
    let dir = tempfile::tempdir().unwrap();
    let out = support::run(
        kaizen()
            .current_dir(dir.path())
            .args(["collect", "aws", "--region", "eu-west-1,us-east-1", "--quiet"])
            .env("AWS_ENDPOINT_URL", &moto.url)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_CONFIG_FILE", empty_file())
            .env("AWS_SHARED_CREDENTIALS_FILE", empty_file())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("AWS_PROFILE"),
    );
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "--quiet prints nothing");
    let inv = aws::load(&dir.path().join(format!("aws-inventory-{ACCOUNT}.json"))).unwrap();
    assert_eq!(inv.regions, ["eu-west-1", "us-east-1"]);
    let trails = |region: &str| inv.services.cloudtrail[region].as_ref().unwrap().trails.clone();
    // The multi-region trail shows in eu-west-1 as a shadow of its us-east-1 home.
    let eu: Vec<_> = trails("eu-west-1").iter().map(|t| (t.name.clone(), t.shadow, t.is_logging)).collect();
    assert_eq!(eu, [("org-trail".to_owned(), true, Some(true))]);
    assert_eq!(trails("us-east-1").len(), 2);
    assert_eq!(inv.services.ecr["eu-west-1"].as_ref().unwrap().repositories.len(), 0);
    assert_eq!(inv.services.ecr["us-east-1"].as_ref().unwrap().repositories.len(), 2);
    // IAM and the bucket list once: one ListUsers, no per-region copies.
    assert_eq!(inv.services.iam.users.as_ref().unwrap().len(), 2);
    assert_eq!(inv.services.s3.buckets.as_ref().unwrap().len(), 3);
    // Each region's missing operations are recorded for that region.
    let xray: Vec<_> =
        inv.errors.iter().filter(|e| e.operation == "GetGroups").map(|e| e.region.clone().unwrap()).collect();
    assert_eq!(xray, ["eu-west-1", "us-east-1"]);
}

/// With moto's IAM enforcement on, a role denied `iam:ListUsers` gets a partial inventory:
/// the denial is recorded with AWS's code and every other service is still collected.
#[test]
fn a_denied_call_is_recorded_and_collection_goes_on() {
    let Some(moto) = Moto::start() else { return };
    let us = moto.sdk("us-east-1");
    let key = runtime().block_on(async {
        let iam = aws_sdk_iam::Client::new(&us);
        iam.create_user().user_name("auditor").send().await.unwrap();
        let policy = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}"#;
        iam.put_user_policy().user_name("auditor").policy_name("audit").policy_document(policy).send().await.unwrap();
        let key = iam.create_access_key().user_name("auditor").send().await.unwrap();
        let key = key.access_key().unwrap();
        (key.access_key_id().to_owned(), key.secret_access_key().to_owned())
    });
    // From now on moto checks every request against the caller's IAM policies.
    let enforce = Command::new("curl")
        .args(["-sf", "-X", "POST", "-H", "Content-Type: text/plain", "--data", "0"])
        .arg(format!("{}/moto-api/reset-auth", moto.url))
        .output();
    if !enforce.as_ref().is_ok_and(|o| o.status.success()) {
        panic!("cannot switch on moto's IAM enforcement: {enforce:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.json");
    moto.collect((&key.0, &key.1), &["--quiet"], &path);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(&key.1), "the secret access key reached the snapshot");
    assert!(!text.contains(&key.0), "the full access key id reached the snapshot");
    let inv = aws::load(&path).unwrap();
    let denied = error(&inv, "iam", "ListUsers").expect("ListUsers denied");
    assert_eq!((denied.code.as_str(), denied.region.as_deref()), ("AccessDenied", None));
    assert!(denied.message.contains("not authorized to perform: iam:ListUsers"), "{}", denied.message);
    let iam = &inv.services.iam;
    assert_eq!((&iam.users, &iam.users_without_mfa, &iam.old_access_keys), (&None, &None, &None), "unknown, not empty");
    assert_eq!(iam.account_summary.as_ref().unwrap()["Users"], 1, "the rest of IAM was read");
    assert!(inv.services.logs["us-east-1"].is_some() && inv.services.s3.buckets.is_some());
}

#[test]
fn load_names_the_position_of_a_syntax_error_and_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"kind\": \"kaizen-aws-inventory\",\n  \"version\": 1,\n  \"account_id\": oops\n}\n")
        .unwrap();
    let err = aws::load(&bad).unwrap_err();
    assert!(matches!(err, LoadError::Parse { line: 4, column: 17, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:4:17: error[inventory-syntax]: expected value\n  |\n4 |   \"account_id\": oops\n  |                 ^",
            bad.display()
        )
    );

    let newer = dir.path().join("newer.json");
    std::fs::write(&newer, r#"{"kind": "kaizen-aws-inventory", "version": 2, "services": "a shape from the future"}"#)
        .unwrap();
    let err = aws::load(&newer).unwrap_err().to_string();
    let expected = format!(
        "{}: error[inventory-version]: AWS inventory version 2 is not supported: this Kaizen ({}) reads version 1; upgrade Kaizen to read it",
        newer.display(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(err, expected);

    let result = dir.path().join("result.json");
    std::fs::write(&result, r#"{"schema_version": 1, "targets": []}"#).unwrap();
    let err = aws::load(&result).unwrap_err().to_string();
    assert!(err.ends_with("not a Kaizen AWS inventory: `kind` is missing, expected \"kaizen-aws-inventory\""), "{err}");

    let shape = dir.path().join("shape.json");
    std::fs::write(&shape, "{\"kind\": \"kaizen-aws-inventory\",\n \"version\": 1,\n \"account_id\": 7}").unwrap();
    let err = aws::load(&shape).unwrap_err();
    assert!(matches!(err, LoadError::Parse { line: 3, .. }), "{err:?}");
}

/// Without credentials the collector says what is missing and how to provide it, in two
/// lines: no SDK error dump, no warnings from the instance metadata lookup. The lookup is
/// tried on a loopback port where nothing listens (a laptop, which is not an instance),
/// then on one that refuses it with 403 (a network that blocks it).
#[test]
fn without_credentials_it_says_how_to_provide_them_in_two_lines() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let forbidding = TcpListener::bind("127.0.0.1:0").unwrap();
    let forbidden = forbidding.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut stream in forbidding.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nConnection: close\r\n\r\ndenied");
        }
    });
    for port in [closed, forbidden] {
        let home = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let output = support::run(
            kaizen()
                .args(["collect", "aws", "--out"])
                .arg(home.path().join("inventory.json"))
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", home.path())
                .env("KAIZEN_CACHE_DIR", support::cache_dir())
                .env("AWS_CONFIG_FILE", empty_file())
                .env("AWS_SHARED_CREDENTIALS_FILE", empty_file())
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("http://127.0.0.1:{port}")),
        );
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{stderr}");
        assert!(lines[0].starts_with("error: no AWS credentials found"), "{stderr}");
        for way in ["--profile", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "aws sso login"] {
            assert!(stderr.contains(way), "names {way}: {stderr}");
        }
        assert!(!home.path().join("inventory.json").exists());
        assert!(started.elapsed() < Duration::from_secs(20), "gave up in {:?}", started.elapsed());
    }
}
