//! `kaizen assess` end to end over the fixture repositories of tests/assess/: the built-in
//! `ci` plugin's facts and checks in result.json, and the same in report.md.

use crate::support::{self, fixture, kaizen, run};
use serde_json::{json, Value};

struct Assessed {
    result: Value,
    report: String,
    _out: tempfile::TempDir,
}

fn assess(cases: &[&str]) -> Assessed {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = kaizen();
    cmd.arg("assess").arg("--out").arg(out.path()).arg("--quiet");
    for case in cases {
        cmd.arg(fixture(&format!("assess/{case}")));
    }
    let output = run(&mut cmd);
    assert_eq!(output.status.code(), Some(0));
    let result = serde_json::from_slice(&std::fs::read(out.path().join("result.json")).unwrap()).unwrap();
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    Assessed { result, report, _out: out }
}

fn target<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no target {name}"))
}

fn finding<'a>(target: &'a Value, check: &str) -> &'a Value {
    target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["plugin"] == "ci" && f["check"] == check)
        .unwrap_or_else(|| panic!("no ci/{check} finding in {:#}", target["findings"]))
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
fn ci_facts_and_checks_are_right_for_each_kind_of_pipeline() {
    let a = assess(&["github-actions", "gitlab-ci", "jenkins", "none"]);
    let r = &a.result;
    assert_eq!(r["schema_version"], 1);
    assert!(r["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "ci" && p["sha256"].as_str().unwrap().len() == 64));

    let gha = target(r, "github-actions");
    assert_eq!(gha["facts"]["ci.systems"], json!(["github-actions"]));
    assert_eq!(gha["facts"]["ci.runs_tests"], json!(true));
    assert_eq!(gha["facts"]["ci.deploys"], json!(true));
    assert_eq!(finding(gha, "pipeline-present")["status"], "pass");
    let present = evidence(finding(gha, "pipeline-present"));
    assert!(
        present.iter().all(|(p, _)| !p.ends_with("labeler-config.yml")),
        "a YAML without jobs is no workflow: {present:?}"
    );
    assert_eq!(finding(gha, "runs-tests")["status"], "pass");
    assert!(evidence(finding(gha, "runs-tests")).contains(&(".github/workflows/ci.yml".into(), Some(26))));
    assert_eq!(finding(gha, "static-analysis")["status"], "pass");
    assert!(evidence(finding(gha, "static-analysis")).contains(&(".github/workflows/ci.yml".into(), Some(16))));
    assert_eq!(gha["facts"]["ci.triggers"], json!(["pull_request", "push"]));
    assert_eq!(gha["facts"]["ci.features"], json!(["artifacts", "caching", "environments"]));
    assert_eq!(finding(gha, "runs-on-changes")["status"], "pass");
    assert_eq!(finding(gha, "caching")["status"], "pass");
    assert_eq!(finding(gha, "measures-coverage")["status"], "warn");
    assert_eq!(finding(gha, "deployments-gated")["status"], "pass");

    let gitlab = target(r, "gitlab-ci");
    assert_eq!(gitlab["facts"]["ci.systems"], json!(["gitlab-ci"]));
    assert_eq!(gitlab["facts"]["ci.deploys"], json!(true));
    assert_eq!(finding(gitlab, "runs-tests")["status"], "pass");
    assert!(evidence(finding(gitlab, "runs-tests")).contains(&(".gitlab-ci.yml".into(), Some(26))));
    assert_eq!(finding(gitlab, "static-analysis")["status"], "pass");
    assert!(evidence(finding(gitlab, "static-analysis")).contains(&(".gitlab-ci.yml".into(), Some(20))));
    assert_eq!(gitlab["facts"]["ci.features"], json!(["approvals", "coverage", "environments"]));
    assert_eq!(finding(gitlab, "measures-coverage")["status"], "pass");
    assert_eq!(finding(gitlab, "caching")["status"], "warn");

    let jenkins = target(r, "jenkins");
    assert_eq!(jenkins["facts"]["ci.systems"], json!(["jenkins"]));
    assert_eq!(jenkins["facts"]["ci.deploys"], json!(false));
    assert_eq!(finding(jenkins, "runs-tests")["status"], "pass");
    assert!(evidence(finding(jenkins, "runs-tests")).contains(&("Jenkinsfile".into(), Some(14))));
    assert_eq!(finding(jenkins, "static-analysis")["status"], "fail");
    assert_eq!(jenkins["facts"]["ci.triggers"], json!(["schedule"]));
    assert_eq!(
        finding(jenkins, "runs-on-changes")["status"],
        "not_applicable",
        "a multibranch job builds pull requests without a word in the Jenkinsfile"
    );
    assert_eq!(finding(jenkins, "deployments-gated")["status"], "not_applicable");

    let none = target(r, "none");
    assert_eq!(none["facts"]["ci.systems"], json!([]));
    assert_eq!(none["facts"]["ci.runs_tests"], json!(false));
    assert_eq!(finding(none, "pipeline-present")["status"], "fail");
    assert_eq!(finding(none, "runs-tests")["status"], "not_applicable");
    assert_eq!(finding(none, "static-analysis")["status"], "not_applicable");
    assert_eq!((&none["facts"]["ci.triggers"], &none["facts"]["ci.features"]), (&json!([]), &json!([])));

    for t in r["targets"].as_array().unwrap() {
        assert_eq!(t["errors"], json!([]), "{}", t["name"]);
    }
}

#[test]
fn the_markdown_report_lists_facts_checks_and_evidence() {
    let a = assess(&["github-actions", "none"]);
    let md = &a.report;
    assert!(md.starts_with("# Kaizen assessment"), "{md}");
    assert!(md.contains("## <a id=\"target-1\"></a>github-actions"), "{md}");
    assert!(md.contains("| `ci.systems` | `github-actions` |"), "{md}");
    assert!(md.contains("`.github/workflows/ci.yml:26`"), "{md}");
    assert!(md.contains("| ❌ fail |"), "the none target fails pipeline-present: {md}");
    assert!(md.contains("### How to improve"), "{md}");
}

#[test]
fn the_checkout_itself_is_assessed_without_plugin_errors() {
    let out = tempfile::tempdir().unwrap();
    let output = run(kaizen().current_dir(support::root()).args(["assess", "--quiet", "--out"]).arg(out.path()));
    assert_eq!(output.status.code(), Some(0));
    let result: Value = serde_json::from_slice(&std::fs::read(out.path().join("result.json")).unwrap()).unwrap();
    let t = &result["targets"][0];
    assert_eq!(t["errors"], json!([]));
    assert!(t["files"].as_u64().unwrap() > 50);
}

#[test]
fn a_yaml_bomb_in_a_workflow_is_a_parse_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from(
        "name: bomb\non: push\nx0: &x0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!("x{i}: &x{i} [*x{p},*x{p},*x{p},*x{p},*x{p},*x{p},*x{p},*x{p},*x{p}]\n"));
    }
    bomb.push_str("jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n");
    support::write_files(dir.path(), &[(".github/workflows/bomb.yml", &bomb), ("README.md", "# bomb\n")]);
    let out = tempfile::tempdir().unwrap();
    let output = run(kaizen().args(["assess", "--quiet", "--out"]).arg(out.path()).arg(dir.path()));
    assert_eq!(output.status.code(), Some(0));
    let result: Value = serde_json::from_slice(&std::fs::read(out.path().join("result.json")).unwrap()).unwrap();
    let t = &result["targets"][0];
    assert_eq!(t["errors"], json!([]));
    let present = finding(t, "pipeline-present");
    assert_eq!(present["status"], "warn", "a pipeline file that does not parse is worth a look: {present:#}");
    assert_eq!(evidence(present)[0].0, ".github/workflows/bomb.yml");
}

/// Kaizen's own folders are never part of a target: `kaizen assess` run twice in a
/// repository, with the outputs (`kaizen-report/`, the default) and a history folder
/// inside it, counts the same files both times: the repository's.
#[test]
fn the_output_and_history_folders_are_not_assessed() {
    let repo = support::copy_fixture("assess/github-actions");
    let own =
        walkdir::WalkDir::new(repo.path()).into_iter().filter(|e| e.as_ref().unwrap().file_type().is_file()).count();
    let mut files = Vec::new();
    for _ in 0..2 {
        let output =
            run(kaizen().current_dir(repo.path()).args(["assess", ".", "--only", "ci", "-q", "--history", "history"]));
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let result: Value =
            serde_json::from_slice(&std::fs::read(repo.path().join("kaizen-report/result.json")).unwrap()).unwrap();
        files.push(result["targets"][0]["files"].as_u64().unwrap());
    }
    assert!(repo.path().join("kaizen-report/report.html").is_file() && repo.path().join("history").is_dir());
    assert_eq!(files, [own as u64, own as u64], "the second run counts the same files as the first");

    // Named by the assessment file, the same.
    std::fs::remove_dir_all(repo.path().join("kaizen-report")).unwrap();
    std::fs::remove_dir_all(repo.path().join("history")).unwrap();
    std::fs::write(
        repo.path().join("kaizen.toml"),
        "[assess]\nout = \"reports/latest\"\nhistory = \"reports/history\"\n",
    )
    .unwrap();
    for _ in 0..2 {
        let output = run(kaizen().current_dir(repo.path()).args(["assess", "--only", "ci", "-q"]));
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let result: Value =
        serde_json::from_slice(&std::fs::read(repo.path().join("reports/latest/result.json")).unwrap()).unwrap();
    assert_eq!(result["targets"][0]["files"], json!(own + 1), "the repository's files and kaizen.toml");
}
