//! The built-in `delivery` plugin end to end: a repository built by the test, with tags and
//! a `gh run list` export naming its real commits, assessed by `kaizen assess`. The DORA
//! keys come from the pipeline runs when given, from git otherwise, and say so.

use crate::support::{kaizen, run};
use serde_json::{json, Value};
use std::path::Path;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn at(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).unwrap().to_string()
}

/// Runs git in `dir` at the given time, isolated from the user's configuration.
fn git(dir: &Path, when: i64, args: &[&str]) -> String {
    crate::support::git_at(dir, when, args)
}

/// A service with ten days of history: a commit a day, each from a pull request and built
/// there an hour before, each deployed two hours after; the deployment of day 4 fails and
/// the next one, 90 minutes later, fixes it; a release tag 20 hours after the last commit.
/// Returns the folder (holding `shop/` and `runs.json`, a `gh run list` export).
fn service() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("shop");
    std::fs::create_dir(&repo).unwrap();
    let start = now() - 10 * DAY;
    git(&repo, start, &["init", "-q", "-b", "main"]);
    let mut runs = Vec::new();
    let mut run = |workflow: &str, event: &str, conclusion: &str, sha: &str, created: i64| {
        let id = 1000 + runs.len();
        runs.push(json!({
            "attempt": 1, "conclusion": conclusion, "createdAt": at(created), "databaseId": id,
            "displayTitle": "change", "event": event, "headBranch": "main", "headSha": sha,
            "name": workflow, "number": runs.len() + 1, "startedAt": at(created), "status": "completed",
            "updatedAt": at(created + 10 * 60), "url": format!("https://github.com/acme/shop/actions/runs/{id}"),
            "workflowName": workflow,
        }));
    };
    for day in 0..10 {
        let when = start + day * DAY;
        std::fs::write(repo.join("log.txt"), format!("day {day}\n")).unwrap();
        git(&repo, when, &["add", "log.txt"]);
        git(&repo, when, &["commit", "-q", "-m", &format!("Change {day} (#{})", day + 1)]);
        let sha = git(&repo, when, &["rev-parse", "HEAD"]);
        run("CI", "pull_request", "success", &sha, when - HOUR);
        let deploy = when + 2 * HOUR - 10 * 60;
        if day == 4 {
            run("Deploy to production", "push", "failure", &sha, deploy);
            run("Deploy to production", "push", "success", &sha, deploy + 90 * 60);
        } else {
            run("Deploy to production", "push", "success", &sha, deploy);
        }
    }
    git(&repo, start + 9 * DAY + 20 * HOUR, &["tag", "-a", "v1.0.0", "-m", "Release 1.0.0"]);
    std::fs::write(dir.path().join("runs.json"), serde_json::to_vec_pretty(&runs).unwrap()).unwrap();
    dir
}

fn assess(dir: &Path, args: &[&str]) -> (Value, String) {
    let out = dir.join("report");
    let output = run(kaizen().current_dir(dir).args(["assess", "--only", "delivery", "--out"]).arg(&out).args(args));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let result = std::fs::read(out.join("result.json"))
        .ok()
        .filter(|_| output.status.success())
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap_or(Value::Null);
    (result, stderr)
}

fn finding<'a>(target: &'a Value, check: &str) -> &'a Value {
    target["findings"].as_array().unwrap().iter().find(|f| f["check"] == check).unwrap()
}

#[test]
fn dora_keys_come_from_the_pipeline_runs_when_given() {
    let dir = service();
    let (result, stderr) = assess(dir.path(), &["shop", "--pipelines", "runs.json"]);
    let t = &result["targets"][0];
    assert!(t["errors"].as_array().unwrap().is_empty(), "{stderr}");
    let f = &t["facts"];
    // 10 successful deployments between the first run (day 0, -1 h) and the last (day 9,
    // +2 h 50 min): 9.118 days.
    assert_eq!(f["dora.deployment_frequency"]["value"], 7.677);
    assert_eq!(f["dora.deployment_frequency"]["band"], "elite");
    assert_eq!(f["dora.deployment_frequency"]["source"], "pipeline");
    // Nine commits deployed after 2 hours, the one of day 4 after 3.5 hours.
    assert_eq!(f["dora.lead_time_hours"]["value"], 2.0);
    assert_eq!(
        f["dora.lead_time_hours"]["basis"],
        "median over 10 commits from commit to the deployment that shipped it"
    );
    assert_eq!(f["dora.change_failure_rate"]["value"], 0.091, "1 of 11 finished deployments");
    assert_eq!(f["dora.change_failure_rate"]["band"], "high");
    assert_eq!(f["dora.recovery_time_hours"]["value"], 1.5);
    assert_eq!(finding(t, "ci-on-changes")["status"], "pass");
    assert_eq!(
        finding(t, "code-review")["message"],
        "10 of 10 changesets on the default branch came from a pull or merge request (100%)."
    );
}

#[test]
fn git_history_stands_in_and_says_so() {
    let dir = service();
    let (result, _) = assess(dir.path(), &["shop"]);
    let f = &result["targets"][0]["facts"];
    // One release tag containing all ten commits, 20 to 236 hours after them.
    assert_eq!(f["dora.lead_time_hours"]["value"], 128.0);
    assert_eq!(
        (&f["dora.lead_time_hours"]["band"], &f["dora.lead_time_hours"]["source"]),
        (&json!("high"), &json!("git"))
    );
    assert_eq!(f["dora.deployment_frequency"]["source"], "git");
    assert_eq!(f["dora.deployment_frequency"]["band"], "low");
    assert_eq!(f["dora.recovery_time_hours"]["value"], Value::Null);
    assert_eq!(finding(&result["targets"][0], "recovery-time")["status"], "not_applicable");
}

#[test]
fn the_assessment_file_names_the_target_of_each_source() {
    let dir = service();
    std::fs::create_dir(dir.path().join("other")).unwrap();
    std::fs::write(
        dir.path().join("kaizen.toml"),
        "[[targets]]\npath = \"shop\"\n\n[[targets]]\npath = \"other\"\n\n[[pipelines]]\ntarget = \"shop\"\nfile = \"runs.json\"\n\n[deployments]\nworkflows = [\"nothing-matches\"]\n",
    )
    .unwrap();
    let (result, stderr) = assess(dir.path(), &[]);
    let shop = &result["targets"][0];
    assert_eq!(shop["name"], "shop", "{stderr}");
    // The file's patterns replace the defaults: no run is a deployment any more.
    assert_eq!(shop["facts"]["dora.deployment_frequency"]["source"], "git");
    assert_eq!(finding(shop, "ci-on-changes")["status"], "pass", "the runs still reached the plugin");
    assert_eq!(finding(&result["targets"][1], "ci-on-changes")["status"], "not_applicable");

    // On the command line, several targets need the target named.
    std::fs::remove_file(dir.path().join("kaizen.toml")).unwrap();
    let (result, stderr) = assess(dir.path(), &["shop", "other", "--pipelines", "runs.json"]);
    assert_eq!(result, Value::Null);
    assert!(stderr.contains("with several targets, name the target: --pipelines TARGET=runs.json"), "{stderr}");
    let (result, _) = assess(dir.path(), &["shop", "other", "--pipelines", "shop=runs.json"]);
    assert_eq!(result["targets"][0]["facts"]["dora.deployment_frequency"]["source"], "pipeline");
}

#[test]
fn a_broken_export_stops_the_run_with_its_position_and_an_unreachable_api_does_not() {
    let dir = service();
    std::fs::write(dir.path().join("broken.json"), "[\n  {\"databaseId\": 1,,}\n]\n").unwrap();
    let (result, stderr) = assess(dir.path(), &["shop", "--pipelines", "broken.json"]);
    assert_eq!(result, Value::Null);
    assert!(stderr.contains("broken.json:2:"), "{stderr}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let api = format!("http://127.0.0.1:{closed}");
    let (result, stderr) = assess(dir.path(), &["shop", "--github", "acme/shop", "--github-api", &api]);
    let warnings = result["targets"][0]["warnings"].as_array().unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("pipeline runs of GitHub repository acme/shop unavailable")),
        "{warnings:?}"
    );
}

/// `--pipelines NAME=FILE` and `--github NAME=OWNER/REPO` naming no target say so, with
/// the targets' names, whether one target is assessed or several.
#[test]
fn a_flag_naming_no_target_says_which_targets_there_are() {
    let dir = service();
    std::fs::create_dir(dir.path().join("other")).unwrap();
    let (result, stderr) = assess(dir.path(), &["shop", "--pipelines", "web=runs.json"]);
    assert_eq!(result, Value::Null);
    assert!(
        stderr.contains("error: --pipelines web=runs.json: no target is named `web`; the targets are: shop"),
        "{stderr}"
    );
    assert!(!stderr.contains("no such file"), "{stderr}");
    let (result, stderr) = assess(dir.path(), &["shop", "other", "--github", "web=acme/web"]);
    assert_eq!(result, Value::Null);
    assert!(
        stderr.contains("error: --github web=acme/web: no target is named `web`; the targets are: shop, other"),
        "{stderr}"
    );
    // A file whose name holds `=` is still a file.
    std::fs::copy(dir.path().join("runs.json"), dir.path().join("runs=2025.json")).unwrap();
    let (result, stderr) = assess(dir.path(), &["shop", "--pipelines", "runs=2025.json"]);
    assert_eq!(result["targets"][0]["facts"]["dora.deployment_frequency"]["source"], "pipeline", "{stderr}");
}
