//! Scoring end to end: two real fixture repositories assessed with a small model, an answers
//! file, a practice exemption, a scoring profile and a roadmap capacity from kaizen.toml.

use crate::support::{copy_tree, kaizen, root, run, target};
use serde_json::Value;
use std::path::Path;

const KAIZEN_TOML: &str = r#"
[organisation]
name = "Example Corp"

[[targets]]
path = "shop"
labels = { team = "red" }

[[targets]]
path = "legacy"
labels = { team = "blue" }

[assess]
model = "model.toml"
answers = "answers.toml"

[[exemptions]]
target = "shop"
practice = "s-policy"
reason = "The policy lives in the company-wide security repository."

[scoring]
organisation_share = 0.5
disabled = ["s-fuzz"]
[scoring.weights]
dp-static = 3

[roadmap]
capacity = 4
"#;

/// The organisation folder: two targets, the model, the answers and kaizen.toml.
fn organisation() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/assess/github-actions"), &dir.path().join("shop"));
    copy_tree(&root().join("tests/assess/none"), &dir.path().join("legacy"));
    for file in ["model.toml", "answers.toml"] {
        std::fs::copy(root().join("tests/scoring").join(file), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("kaizen.toml"), KAIZEN_TOML).unwrap();
    dir
}

fn assess(dir: &Path) -> Value {
    let output = run(kaizen().current_dir(dir).args(["assess", "--out", "out", "--only", "ci,security", "-q"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&std::fs::read_to_string(dir.join("out/result.json")).unwrap()).unwrap()
}

fn practice<'a>(target: &'a Value, id: &str) -> &'a Value {
    target["assessment"]["practices"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap()
}

fn area<'a>(target: &'a Value, id: &str) -> &'a Value {
    target["assessment"]["areas"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap()
}

fn states(target: &Value) -> Vec<(String, String)> {
    target["assessment"]["practices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_owned(), p["state"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn levels_are_traced_to_checks_answers_and_exemptions() {
    let dir = organisation();
    let result = assess(dir.path());
    assert_eq!(result["model"]["id"], "scoring-test");
    assert_eq!(result["scoring"]["capacity"], 4);

    let shop = target(&result, "shop");
    let expected: Vec<(String, String)> = [
        ("dp-pipeline", "satisfied"),
        ("dp-tests", "satisfied"),
        ("dp-static", "satisfied"),
        ("dp-review", "satisfied"),
        ("dp-coverage", "not_satisfied"),
        ("dp-deploy", "satisfied"),
        ("s-deps", "not_satisfied"),
        ("s-policy", "exempt"),
        ("s-pinned", "not_satisfied"),
        ("s-secrets", "satisfied"),
        ("s-fuzz", "not_satisfied"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(states(shop), expected);
    // Each state names its evidence: the check with its file, the answer, the exemption.
    let tests = practice(shop, "dp-tests");
    assert_eq!(
        tests["reason"],
        "check ci/runs-tests: pass: tests run in CI: `cargo test --workspace` in .github/workflows/ci.yml"
    );
    assert_eq!(tests["trace"][0]["locations"][0]["path"], ".github/workflows/ci.yml");
    assert_eq!(practice(shop, "dp-review")["reason"], "answer to review = true: answered yes (given)");
    assert_eq!(
        practice(shop, "dp-deploy")["reason"],
        "DORA deployment_frequency at least high: Deployment frequency: high (from answers)"
    );
    assert!(practice(shop, "s-policy")["reason"]
        .as_str()
        .unwrap()
        .starts_with("exempted by the assessor: The policy lives in the company-wide security repository."));
    assert_eq!(practice(shop, "s-fuzz")["disabled"], true);

    let ci = area(shop, "continuous-integration");
    assert_eq!(
        (ci["level"].as_u64(), ci["progress"].as_f64(), ci["coverage"].as_f64()),
        (Some(3), Some(0.0), Some(1.0))
    );
    assert_eq!(ci["blocking"][0]["practice"], "dp-coverage");
    let security = area(shop, "security");
    // s-deps fails; s-policy is exempt: half of level 2.
    assert_eq!((security["level"].as_u64(), security["progress"].as_f64()), (Some(1), Some(0.5)));
    let dora = &shop["assessment"]["dora"]["keys"][0];
    assert_eq!((dora["band"].as_str(), dora["source"].as_str()), (Some("high"), Some("answers")));
    assert_eq!(shop["assessment"]["answers"]["deploy-frequency"]["value"], "weekly");

    // legacy: no pipeline. The interview said no to tests (a "no" settles a check that
    // could not run), and review was overridden; static analysis, with no pipeline to run
    // it, does not apply.
    let legacy = target(&result, "legacy");
    assert_eq!(practice(legacy, "dp-tests")["state"], "not_satisfied");
    assert_eq!(practice(legacy, "dp-tests")["reason"], "answer to tests-every-change = true: answered no (given)");
    assert_eq!(practice(legacy, "dp-static")["state"], "not_applicable");
    assert_eq!(practice(legacy, "s-pinned")["state"], "satisfied", "not_applicable is accepted by the rule");
    let answer = &legacy["assessment"]["answers"]["review"];
    assert_eq!((answer["origin"].as_str(), answer["suggested"].as_bool()), (Some("overridden"), Some(true)));
    let ci = area(legacy, "continuous-integration");
    assert_eq!((ci["level"].as_u64(), ci["coverage"].as_f64()), (Some(1), Some(0.5)));

    // The organisation: with a share of 50 %, CI is at level 3 (one of two targets).
    let org = &result["organisation_assessment"];
    let ci = org["areas"].as_array().unwrap().iter().find(|a| a["id"] == "continuous-integration").unwrap();
    assert_eq!(ci["level"], 3);
    assert_eq!(ci["distribution"], serde_json::json!([1, 0, 1, 0, 0]));
    let deps = org["practices"].as_array().unwrap().iter().find(|p| p["id"] == "s-deps").unwrap();
    assert_eq!((deps["not_satisfied"].as_u64(), deps["share"].as_f64()), (Some(2), Some(0.0)));
    let red = org["groups"].as_array().unwrap().iter().find(|g| g["value"] == "red").unwrap();
    assert_eq!(red["targets"], serde_json::json!(["shop"]));
}

#[test]
fn the_roadmap_orders_gaps_into_horizons_under_the_capacity() {
    let dir = organisation();
    let result = assess(dir.path());
    let horizons = result["roadmap"]["horizons"].as_array().unwrap();
    let planned: Vec<(String, Vec<(u64, String)>)> = horizons
        .iter()
        .map(|h| {
            let items = h["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| (i["rank"].as_u64().unwrap(), i["practice"].as_str().unwrap().to_owned()))
                .collect();
            (h["id"].as_str().unwrap().to_owned(), items)
        })
        .collect();
    // Next-level gaps first, by impact over effort then by how many targets lack them;
    // dp-tests (M) waits for dp-pipeline and does not fit what is left of "now", where the
    // small s-policy does; s-pinned is for the level after.
    let expect =
        |id: &str, items: &[(u64, &str)]| (id.to_owned(), items.iter().map(|(r, p)| (*r, (*p).to_owned())).collect());
    assert_eq!(
        planned,
        vec![
            expect("now", &[(1, "s-deps"), (2, "dp-pipeline"), (3, "dp-review"), (6, "s-policy")]),
            expect("next", &[(4, "dp-tests"), (5, "dp-coverage")]),
            expect("later", &[(7, "s-pinned")]),
        ]
    );
    let first = &horizons[0]["items"][0];
    assert_eq!(first["lacking"], serde_json::json!(["shop", "legacy"]));
    assert_eq!(first["why"], "next level");
    assert_eq!(first["guidance_html"], "<p>Configure Dependabot or Renovate.</p>\n");
    let tests = &horizons[1]["items"][0];
    assert_eq!(tests["depends_on"], serde_json::json!(["dp-pipeline"]));
    assert_eq!(tests["gap"][0], "legacy: answer to tests-every-change = true: answered no (given)");

    // The report shows the same, and re-rendering the result gives the same report.
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(report.contains("| Continuous integration | 3 Defined | 1 · 0 · 1 · 0 · 0 | 75 % |"), "{report}");
    assert!(
        report.contains(
            "| 1 | [A bot updates dependencies](#practice-s-deps) | Security | 2 | S | 3 | 2 of 2 | next level |"
        ),
        "{report}"
    );
    assert!(
        report.contains("Level 4 (Measured) needs dp-coverage (not satisfied: check ci/measures-coverage: warn:"),
        "{report}"
    );
    let output = run(kaizen()
        .args(["report"])
        .arg(dir.path().join("out/result.json"))
        .arg("--out")
        .arg(dir.path().join("again")));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("again/report.md")).unwrap(), report);
}

#[test]
fn answer_and_assessment_file_errors_name_the_position() {
    let dir = organisation();
    std::fs::write(
        dir.path().join("answers.toml"),
        "[answers]\nreview = \"yes\"\ndeploy-frequency = \"daily\"\nnot-a-question = true\n",
    )
    .unwrap();
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--out", "out", "-q"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "answers.toml:2:10: error[answers-wrong-kind]: `review` is a yes_no question: expected true or false, found \"yes\"",
        "answers.toml:3:20: error[answers-unknown-choice]: `deploy-frequency` has no choice \"daily\"; expected one of \"monthly\", \"weekly\", \"on-demand\"",
        "answers.toml:4:1: error[answers-unknown-question]: model `scoring-test` has no question `not-a-question`",
    ] {
        assert!(stderr.contains(expected), "expected\n{expected}\nin\n{stderr}");
    }
    assert!(!dir.path().join("out/result.json").exists(), "nothing is written when the input is wrong");

    let toml = KAIZEN_TOML.replace("practice = \"s-policy\"", "practice = \"s-polcy\"");
    std::fs::write(dir.path().join("kaizen.toml"), toml).unwrap();
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--out", "out", "-q", "--answers", "/dev/null"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "kaizen.toml:19:12: error[config-unknown-practice]: model `scoring-test` has no practice `s-polcy`"
        ),
        "{stderr}"
    );
}
