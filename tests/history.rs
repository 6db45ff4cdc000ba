//! History, `kaizen compare` and the CI gate: a real repository assessed, changed, and
//! assessed again against the first result.

use crate::support::{copy_tree, kaizen, root, run};
use std::path::Path;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/assess/github-actions"), &dir.path().join("shop"));
    std::fs::copy(root().join("tests/scoring/model.toml"), dir.path().join("model.toml")).unwrap();
    std::fs::write(dir.path().join("answers.toml"), "[answers]\nreview = true\n").unwrap();
    dir
}

fn assess(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    run(kaizen()
        .current_dir(dir)
        .args([
            "assess",
            "shop",
            "--only",
            "ci,security",
            "--model",
            "model.toml",
            "--answers",
            "answers.toml",
            "--out",
            out,
        ])
        .args(extra))
}

#[test]
fn a_lost_practice_fails_the_gate_and_compare_says_why() {
    let dir = setup();
    let first = assess(dir.path(), "first", &["--history", "history", "-q"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let kept: Vec<_> = std::fs::read_dir(dir.path().join("history")).unwrap().collect();
    assert_eq!(kept.len(), 1, "one result in the history");

    // Nothing changed: the gate passes.
    let same = assess(dir.path(), "same", &["--baseline", "first/result.json", "--fail-on-regression"]);
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stderr));

    // The CI workflow goes: tests and static analysis are no longer shown.
    std::fs::remove_file(dir.path().join("shop/.github/workflows/ci.yml")).unwrap();
    let second = assess(
        dir.path(),
        "second",
        &["--baseline", "first/result.json", "--fail-on-regression", "--history", "history"],
    );
    assert_eq!(second.status.code(), Some(1), "{}", String::from_utf8_lossy(&second.stderr));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("regressed since the baseline"), "{stderr}");
    assert!(stderr.contains("shop: continuous-integration dropped from level 3 to 1"), "{stderr}");
    assert!(stderr.contains("shop: lost dp-static (satisfied → "), "{stderr}");
    // The outputs and the history were written before the gate failed.
    assert!(dir.path().join("second/result.json").is_file());
    assert_eq!(std::fs::read_dir(dir.path().join("history")).unwrap().count(), 2);
    // The second result carries the trend of the history, and its reports show it.
    let second: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("second/result.json")).unwrap()).unwrap();
    let trend = second["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 2);
    assert_eq!(
        (trend[0]["levels"]["continuous-integration"].as_u64(), trend[1]["levels"]["continuous-integration"].as_u64()),
        (Some(3), Some(1))
    );
    let md = std::fs::read_to_string(dir.path().join("second/report.md")).unwrap();
    assert!(md.contains("### Trend"), "{md}");
    let html = std::fs::read_to_string(dir.path().join("second/report.html")).unwrap();
    assert!(html.contains(r#"<svg class="chart trend""#), "the HTML report draws the trend");
    assert!(html.contains("<polyline class=\"series s0\""), "one line per area");

    // Compared with the second result, nothing dropped further: the levels gate passes.
    let levels_only =
        assess(dir.path(), "third", &["--baseline", "second/result.json", "--fail-on-regression=levels", "-q"]);
    assert_eq!(levels_only.status.code(), Some(0), "{}", String::from_utf8_lossy(&levels_only.stderr));

    // kaizen compare: the same story, in Markdown and JSON.
    let md = run(kaizen().current_dir(dir.path()).args(["compare", "first/result.json", "second/result.json"]));
    assert!(md.status.success());
    let text = String::from_utf8_lossy(&md.stdout);
    assert!(text.contains("- ▼ continuous-integration: level 3 → 1"), "{text}");
    assert!(text.contains("- lost `dp-static` (satisfied → "), "{text}");
    assert!(text.contains("(was: check ci/static-analysis: pass: static analysis runs in CI"), "{text}");
    let json = run(kaizen().current_dir(dir.path()).args([
        "compare",
        "first/result.json",
        "second/result.json",
        "--format",
        "json",
    ]));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["targets"][0]["target"], "shop");
    assert_eq!(value["targets"][0]["areas"][0]["old"], 3);
    assert_eq!(value["targets"][0]["areas"][0]["new"], 1);

    // And back: the practice is gained again.
    let back = run(kaizen().current_dir(dir.path()).args(["compare", "second/result.json", "first/result.json"]));
    let text = String::from_utf8_lossy(&back.stdout);
    assert!(text.contains("- ▲ continuous-integration: level 1 → 3"), "{text}");
    assert!(text.contains("- gained `dp-static`"), "{text}");
}

#[test]
fn a_score_that_drops_inside_a_level_fails_the_score_gate() {
    let dir = setup();
    let first = assess(dir.path(), "first", &["--history", "history", "-q"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    // A committed access key: the level-4 security practice is lost, the area stays at 1.
    let key = format!("{}{}", "AKIA", "Q3ZL7RTW2XNB5KJD");
    std::fs::write(dir.path().join("shop/deploy.env"), format!("aws_access_key_id = {key}\n")).unwrap();
    let levels =
        assess(dir.path(), "levels", &["--baseline", "first/result.json", "--fail-on-regression=levels", "-q"]);
    assert_eq!(levels.status.code(), Some(0), "no level dropped: {}", String::from_utf8_lossy(&levels.stderr));
    let score = assess(
        dir.path(),
        "second",
        &["--baseline", "first/result.json", "--fail-on-regression=score", "--history", "history"],
    );
    assert_eq!(score.status.code(), Some(1), "{}", String::from_utf8_lossy(&score.stderr));
    let stderr = String::from_utf8_lossy(&score.stderr);
    assert!(stderr.contains("shop: the security score dropped from "), "{stderr}");
    assert!(stderr.contains("shop: the score dropped from "), "{stderr}");
    assert!(!stderr.contains("continuous-integration score dropped"), "{stderr}");
    assert!(!stderr.contains(" -0 %"), "no negative zero: {stderr}");

    // compare shows the scores beside the levels, the drop marked inside the level.
    let md = run(kaizen().current_dir(dir.path()).args(["compare", "first/result.json", "second/result.json"]));
    let text = String::from_utf8_lossy(&md.stdout);
    assert!(text.contains("- ▽ security: level 1 → 1, score "), "{text}");
    let json = run(kaizen().current_dir(dir.path()).args([
        "compare",
        "first/result.json",
        "second/result.json",
        "--format",
        "json",
    ]));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let security = &value["targets"][0]["areas"][0];
    assert_eq!(security["area"], "security");
    assert!(security["new_score"].as_f64() < security["old_score"].as_f64(), "{security}");

    // The trend carries the score, and the HTML report draws it beside the levels.
    let second: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("second/result.json")).unwrap()).unwrap();
    let trend = second["trend"].as_array().unwrap();
    assert!(trend[1]["scores"]["security"].as_f64() < trend[0]["scores"]["security"].as_f64(), "{trend:?}");
    let html = std::fs::read_to_string(dir.path().join("second/report.html")).unwrap();
    assert!(html.contains("Organisation score per area over time"), "the HTML report draws the score's trend");
    // Its executive summary starts with what was in scope.
    assert!(html.contains("<strong>In scope:</strong> the repository&#x27;s files, interview answers."), "{html}");
}

#[test]
fn a_baseline_that_is_not_a_result_stops_before_assessing() {
    let dir = setup();
    std::fs::write(dir.path().join("old.json"), "{\"schema_version\": 99}").unwrap();
    let output = assess(dir.path(), "out", &["--baseline", "old.json", "--fail-on-regression"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("old.json: error[result-schema-version]: result has schema version 99; this Kaizen"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing assessed, nothing written");
}

/// `--fail-on-regression` takes its value only after `=`: a target written after it is a
/// target, not a value it refuses.
#[test]
fn the_gate_flag_leaves_the_next_argument_alone() {
    let dir = setup();
    let first = assess(dir.path(), "first", &["-q"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let output = run(kaizen().current_dir(dir.path().join("shop")).args([
        "assess",
        "--only",
        "ci",
        "-q",
        "--out",
        "../second",
        "--baseline",
        "../first/result.json",
        "--fail-on-regression",
        ".",
    ]));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("second/result.json")).unwrap()).unwrap();
    assert_eq!(result["targets"][0]["name"], "shop", "`.` is the target");

    // A value is still taken after `=`, and a wrong one is named.
    let output = assess(dir.path(), "third", &["--baseline", "first/result.json", "--fail-on-regression=levles"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid value 'levles' for '--fail-on-regression[=<WHAT>]'"), "{stderr}");
}
