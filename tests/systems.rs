//! Systems (`[[systems]]` in kaizen.toml): a git repository built here and an AWS account
//! collected from moto's server, scored as one system on their pooled evidence, through
//! the real `kaizen` binary. What each kind of evidence pools to is tested in the library
//! (`engine/src/score/tests.rs`); here, that the whole path holds: the file, the members
//! matched once the cloud target is named, the traces naming their member, the notes, and
//! the reports.

use crate::collect_aws::{runtime, Moto, ACCOUNT, SECRET};
use crate::support::{self, git_at, kaizen, write_files};
use serde_json::Value;

/// The application: a Python service with metrics, structured logs and a health check, and
/// a CI pipeline that runs CodeQL (static analysis) but no dependency or image scanner.
const APP: &[(&str, &str)] = &[
    ("requirements.txt", "Flask==3.0.3\nstructlog>=24.1\nprometheus_client==0.20.0\n"),
    (
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nHEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1\nCMD [\"flask\", \"run\"]\n",
    ),
    (
        ".github/workflows/ci.yml",
        "name: ci\non:\n  push:\n  pull_request:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt && pytest\n      - uses: github/codeql-action/analyze@v3\n",
    ),
    ("app.py", "import structlog\nlog = structlog.get_logger()\n"),
];

/// The account: a log group with a retention period, and an image repository that scans
/// on push.
async fn create_account(sdk: &aws_config::SdkConfig) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    logs.create_log_group().log_group_name("/payments/app").send().await.unwrap();
    logs.put_retention_policy().log_group_name("/payments/app").retention_in_days(30).send().await.unwrap();
    aws_sdk_ecr::Client::new(sdk)
        .create_repository()
        .repository_name("payments")
        .image_scanning_configuration(
            aws_sdk_ecr::types::ImageScanningConfiguration::builder().scan_on_push(true).build(),
        )
        .send()
        .await
        .unwrap();
}

fn practice<'a>(assessment: &'a Value, id: &str) -> &'a Value {
    assessment["practices"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

/// The members named by the traces of a practice that agree with its state.
fn deciding_members(practice: &Value) -> Vec<String> {
    let state = practice["state"].as_str().unwrap();
    let mut members: Vec<String> = practice["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["verdict"] == state)
        .map(|t| t["member"].as_str().unwrap_or("(none)").to_owned())
        .collect();
    members.dedup();
    members
}

#[test]
fn a_repository_and_an_account_are_scored_as_one_system() {
    let Some(moto) = Moto::start() else { return };
    runtime().block_on(create_account(&moto.sdk("us-east-1")));
    let dir = tempfile::tempdir().unwrap();
    moto.collect(("testing", SECRET), &[], &dir.path().join("inventory.json"));

    let app = dir.path().join("payments-app");
    std::fs::create_dir(&app).unwrap();
    write_files(&app, APP);
    git_at(&app, 1_767_225_600, &["init", "-q", "-b", "main"]);
    git_at(&app, 1_767_225_600, &["add", "."]);
    git_at(&app, 1_767_225_600, &["commit", "-q", "-m", "payments service"]);
    let aws = format!("aws-{ACCOUNT}");
    write_files(
        dir.path(),
        &[(
            "kaizen.toml",
            &format!(
                r#"[organisation]
name = "Acme"

[[targets]]
path = "payments-app"
labels = {{ service = "payments" }}

[[cloud]]
file = "inventory.json"

[[systems]]
name = "payments"
targets = ["payments-app", "{aws}", "payments-db"]

[[systems]]
name = "payments-by-label"
labels = {{ service = "payments" }}

[[systems]]
name = "ledger"
targets = ["ledger-app"]
"#
            ),
        )],
    );
    let out = dir.path().join("out");
    let output = support::run(
        kaizen()
            .current_dir(dir.path())
            .args(["assess", "--config", "kaizen.toml", "--out"])
            .arg(&out)
            .args(["--as-of", "2026-01-02"]),
    );
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("system `payments` names `payments-db`, which is not among the targets assessed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("system `ledger` has no member among the targets assessed: it is reported, not scored"),
        "{stderr}"
    );
    // The summary gives each system's levels beside the targets'.
    let summary = stderr.lines().skip_while(|l| !l.starts_with("system payments (")).take(2).collect::<Vec<_>>();
    assert_eq!(summary.first().copied(), Some(format!("system payments (payments-app, {aws}):").as_str()), "{stderr}");
    assert!(summary.get(1).is_some_and(|l| l.starts_with("  levels: ") && l.ends_with("% assessed")), "{stderr}");
    assert!(stderr.contains("system ledger: no member among the targets assessed, not scored"), "{stderr}");

    let result: Value = serde_json::from_slice(&std::fs::read(out.join("result.json")).unwrap()).unwrap();
    let systems = result["systems"].as_array().unwrap();
    let names: Vec<&str> = systems.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["payments", "payments-by-label", "ledger"]);
    let payments = &systems[0];
    assert_eq!(payments["members"], serde_json::json!(["payments-app", aws]));
    assert_eq!(payments["missing"], serde_json::json!(["payments-db"]));
    assert_eq!(systems[1]["members"], serde_json::json!(["payments-app"]), "members by label");
    assert!(systems[2].get("assessment").is_none(), "a system with no member is not scored");
    assert_eq!(systems[2]["targets"], serde_json::json!(["ledger-app"]));

    let system = &payments["assessment"];
    let app_alone = &support::target(&result, "payments-app")["assessment"];
    let account_alone = &support::target(&result, &aws)["assessment"];

    // Observability: metrics from the repository, central logs from the account. Each
    // member alone lacks the evidence of the other.
    let metrics = practice(system, "obs-metrics-instrumented");
    assert_eq!(metrics["state"], "satisfied");
    assert_eq!(deciding_members(metrics), ["payments-app"]);
    assert_eq!(practice(account_alone, "obs-metrics-instrumented")["state"], "out_of_scope");
    let logging = practice(system, "obs-centralised-logging");
    assert_eq!(logging["state"], "satisfied");
    assert_eq!(deciding_members(logging), [aws.as_str()]);
    assert_ne!(practice(app_alone, "obs-centralised-logging")["state"], "satisfied");

    // Security: static analysis in the repository's CI, image scanning in the account.
    // Either is one kind of scanning (level 3), which the application shows alone; both are
    // the level-4 practice, which neither member shows and the system does, with a trace
    // that says who showed what.
    assert_eq!(practice(app_alone, "sec-security-scanning-in-ci")["state"], "satisfied");
    let scanning = practice(system, "sec-comprehensive-scanning");
    assert_eq!(scanning["state"], "satisfied", "{:#}", scanning["trace"]);
    assert_eq!(deciding_members(scanning), ["payments-app", aws.as_str()]);
    assert_eq!(practice(app_alone, "sec-comprehensive-scanning")["state"], "not_satisfied");
    assert_ne!(practice(account_alone, "sec-comprehensive-scanning")["state"], "satisfied");
    let reason = scanning["reason"].as_str().unwrap();
    assert!(reason.contains("check security/sast (payments-app): pass"), "{reason}");
    assert!(reason.contains(&format!("check aws/ecr-scan-on-push ({aws}): pass")), "{reason}");
    assert!(system["scope"]["sources"].as_array().unwrap().contains(&Value::from("cloud")));

    // Without `organisation_over`, the organisation's figures stay over targets.
    assert_eq!(result["organisation_assessment"]["targets"], 2);
    assert!(result["organisation_assessment"].get("over").is_none());

    // The reports show the systems beside the targets, with the members named.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## <a id=\"system-1\"></a>System: payments\n"), "{md}");
    assert!(md.contains(&format!("Members: payments-app, {aws}")), "{md}");
    assert!(md.contains("not among the targets assessed: payments-db"), "{md}");
    assert!(md.contains("check security/sast (payments-app): pass"), "{md}");
    assert!(md.contains("System: ledger\n\nMembers: none · named: ledger-app\n\n"), "{md}");
    assert!(md.contains("No member was assessed: the system is reported, not scored."), "{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("System: payments"), "the HTML report has no system section");
    // minijinja escapes `/` in HTML.
    let needle = format!("check aws/ecr-scan-on-push ({aws}): pass").replace('/', "&#x2f;");
    assert!(html.contains(&needle), "no member in the HTML report");
}
