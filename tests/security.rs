//! The built-in `security` plugin end to end (`kaizen assess --only security`) over the
//! fixture repositories of tests/security/, and the host's redaction of secrets in every
//! plugin's response.
//!
//! Fake credentials are built here by concatenation and written into a temporary copy of a
//! fixture, so the repository itself never holds a real-looking secret.

use crate::support::{self, copy_fixture, fixture, kaizen, run, test_plugin};
use serde_json::{json, Value};
use std::path::Path;

struct Assessed {
    result: Value,
    report: String,
    json_text: String,
    _out: tempfile::TempDir,
}

fn assess(targets: &[&Path], extra: &[&str]) -> Assessed {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = kaizen();
    cmd.arg("assess").arg("--out").arg(out.path()).arg("--quiet").args(extra);
    for target in targets {
        cmd.arg(target);
    }
    let output = run(&mut cmd);
    assert_eq!(output.status.code(), Some(0));
    let json_text = std::fs::read_to_string(out.path().join("result.json")).unwrap();
    let result = serde_json::from_str(&json_text).unwrap();
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    Assessed { result, report, json_text, _out: out }
}

fn target<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["targets"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

fn finding<'a>(target: &'a Value, plugin: &str, check: &str) -> &'a Value {
    target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["plugin"] == plugin && f["check"] == check)
        .unwrap_or_else(|| panic!("no {plugin}/{check} finding in {:#}", target["findings"]))
}

fn evidence(finding: &Value) -> Vec<(String, Option<u64>)> {
    finding["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_owned(), e["line"].as_u64()))
        .collect()
}

#[test]
fn security_facts_and_checks_on_a_mature_and_a_bare_repository() {
    let a = assess(&[&fixture("security/mature"), &fixture("security/bare")], &["--only", "security"]);
    let mature = target(&a.result, "mature");
    let facts = &mature["facts"];
    assert_eq!(facts["security.dependency_updates"], "dependabot");
    assert_eq!(facts["security.policy"], true);
    assert_eq!(facts["security.codeowners"], true);
    assert_eq!(facts["security.scanners"], json!(["codeql", "gitleaks", "trivy"]));
    assert_eq!(facts["security.actions_pinned"], "some");
    assert_eq!(facts["security.workflow_permissions"], "some");
    assert_eq!(facts["security.pre_commit"], true);
    assert_eq!(facts["security.secrets_found"], 0);

    let pinned = finding(mature, "security", "pinned-actions");
    assert_eq!(pinned["status"], "warn");
    assert!((pinned["score"].as_f64().unwrap() - 5.0 / 7.0).abs() < 1e-9, "{pinned}");
    let unpinned = evidence(pinned);
    assert_eq!(
        unpinned,
        vec![(".github/workflows/ci.yml".into(), Some(18)), (".github/workflows/ci.yml".into(), Some(23))]
    );
    let permissions = finding(mature, "security", "workflow-permissions");
    assert_eq!(permissions["status"], "warn");
    assert_eq!(evidence(permissions), vec![(".github/workflows/triage.yml".into(), None)]);
    let dangerous = finding(mature, "security", "dangerous-workflow");
    assert_eq!(dangerous["status"], "fail");
    assert_eq!(evidence(dangerous), vec![(".github/workflows/triage.yml".into(), Some(11))]);
    assert!(evidence(finding(mature, "security", "vulnerability-scanning"))
        .contains(&(".github/workflows/ci.yml".into(), Some(22))));
    for check in
        ["security-policy", "codeowners", "sast", "secret-scanning", "sbom", "signed-releases", "license", "fuzzing"]
    {
        assert_eq!(finding(mature, "security", check)["status"], "pass", "{check}");
    }

    let bare = target(&a.result, "bare");
    let facts = &bare["facts"];
    assert_eq!(facts["security.dependency_updates"], "none");
    assert_eq!(facts["security.policy"], false);
    assert_eq!(facts["security.codeowners"], false);
    assert_eq!(facts["security.scanners"], json!([]));
    assert_eq!(facts["security.actions_pinned"], "n/a");
    assert_eq!(facts["security.workflow_permissions"], "n/a");
    assert_eq!(facts["security.pre_commit"], false);
    assert_eq!(facts["security.secrets_found"], 0);
    for check in ["pinned-actions", "workflow-permissions", "dangerous-workflow", "sbom", "signed-releases"] {
        assert_eq!(finding(bare, "security", check)["status"], "not_applicable", "{check}");
    }
    // Without CI nothing scans in CI: missing, not inapplicable.
    for check in ["sast", "security-policy", "dependency-update-tool", "license", "fuzzing"] {
        assert_eq!(finding(bare, "security", check)["status"], "fail", "{check}");
    }
    for t in a.result["targets"].as_array().unwrap() {
        assert_eq!(t["errors"], json!([]), "{}", t["name"]);
    }
}

/// Fake credentials of valid formats, built at run time.
fn fake_secrets() -> (String, String, String) {
    let aws = format!("AKIA{}", "Q3ZL7RTW2XNB5KJD");
    let github = format!("ghp_{}", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU");
    let password = format!("{}{}", "Zt8kW2qLx9", "Vb4Nc7Md0Kf3");
    (aws, github, password)
}

#[test]
fn committed_secrets_are_reported_by_line_and_never_by_value() {
    let repo = copy_fixture("security/leaky");
    let (aws, github, password) = fake_secrets();
    support::write_files(
        repo.path(),
        &[
            ("deploy/credentials.ini", &format!("[default]\nregion = eu-west-1\naws_access_key_id = {aws}\n")),
            ("scripts/release.sh", &format!("#!/bin/sh\n\nexport GITHUB_TOKEN={github}\ngh release create\n")),
            ("config/local.yml", &format!("database:\n  user: app\n  password: \"{password}\"\n")),
            // A lock file and a documentation example are not secrets.
            ("package-lock.json", &format!("{{\"token\": \"{password}\"}}\n")),
            ("docs/aws.md", &format!("aws_access_key_id = AKIA{}\n", "IOSFODNN7EXAMPLE")),
        ],
    );
    let a = assess(&[repo.path()], &["--only", "security"]);
    let t = &a.result["targets"][0];
    assert_eq!(t["facts"]["security.secrets_found"], 3);
    let f = finding(t, "security", "no-committed-secrets");
    assert_eq!(f["status"], "fail");
    assert_eq!(
        evidence(f),
        vec![
            ("config/local.yml".into(), Some(3)),
            ("deploy/credentials.ini".into(), Some(3)),
            ("scripts/release.sh".into(), Some(3)),
        ]
    );
    assert_eq!(f["evidence"][1]["snippet"], "AKIA…(redacted aws-access-key-id)");
    for value in [&aws, &github, &password] {
        assert!(!a.json_text.contains(value.as_str()), "result.json holds a secret");
        assert!(!a.report.contains(value.as_str()), "report.md holds a secret");
    }
    assert!(a.report.contains("AKIA…(redacted aws-access-key-id)"), "{}", a.report);
}

#[test]
fn the_host_redacts_a_plugin_that_leaks_secrets() {
    let (aws, github, _) = fake_secrets();
    let a = assess(&[&fixture("assess/none")], &["--plugins", test_plugin("sandbox_leak_secret").to_str().unwrap()]);
    let t = &a.result["targets"][0];
    let f = finding(t, "sandbox_leak_secret", "leak");
    assert_eq!(f["message"], "found key AKIA…(redacted aws-access-key-id) in the config");
    assert_eq!(f["evidence"][0]["message"], "token ghp_…(redacted github-token)");
    assert_eq!(f["evidence"][0]["snippet"], "aws_access_key_id = AKIA…(redacted aws-access-key-id)");
    assert_eq!(t["facts"]["leak.token"], "ghp_…(redacted github-token)");
    assert!(
        t["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("sandbox_leak_secret: redacted 4 secret-like values")),
        "{:#}",
        t["warnings"]
    );
    for value in [&aws, &github] {
        assert!(!a.json_text.contains(value.as_str()), "result.json holds a secret");
        assert!(!a.report.contains(value.as_str()), "report.md holds a secret");
    }
}

/// A workflow named `action.yaml` matches two of the plugin's `parse` globs (workflows and
/// composite actions): it is handed, and judged, once.
#[test]
fn a_file_two_parse_globs_match_is_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let workflow = "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n";
    support::write_files(dir.path(), &[(".github/workflows/action.yaml", workflow)]);
    let request = dir.path().join("request.json");
    let output = run(kaizen()
        .args(["plugin", "run", "security", "--target"])
        .arg(dir.path())
        .arg("--request-out")
        .arg(&request));
    assert!(output.status.success());
    let request: Value = serde_json::from_str(&std::fs::read_to_string(&request).unwrap()).unwrap();
    let documents: Vec<&Value> = request["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == ".github/workflows/action.yaml")
        .collect();
    assert_eq!(documents.len(), 1, "{documents:?}");
    let output = run(kaizen().args(["plugin", "run", "security", "--target"]).arg(dir.path()));
    let response: Value = serde_json::from_slice(&output.stdout).unwrap();
    let pinned = response["findings"].as_array().unwrap().iter().find(|f| f["check"] == "pinned-actions").unwrap();
    assert_eq!(pinned["message"], json!("none of 1 action references is pinned by commit SHA"));
}
