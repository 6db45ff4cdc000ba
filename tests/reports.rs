//! The reports of a fixture assessment: report.md and findings.sarif as snapshots, the SARIF
//! validated against the official SARIF 2.1.0 schema (tests/data/sarif-schema-2.1.0.json,
//! from github.com/oasis-tcs/sarif-spec, sarif-2.1/schema/), `--templates` overrides and
//! their errors, and report.html opened in a real headless Chromium.
//!
//! The fixture is an organisation of two targets scored with tests/scoring's small model;
//! one target has a workflow file named `<script>alert(1)<.yml`, which must appear as text.
//! The result is normalised (start time, duration, paths, hashes) before rendering, so the
//! snapshots change only when the reports or the findings do.
//!
//! Chromium (Debian's `chromium`) is needed for the browser test; without it the test says
//! "skipped" and passes, unless `KAIZEN_TEST_REQUIRE_SERVICES` is set (as in `.ci/run`).

use crate::support::{copy_tree, kaizen, root, run};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const PLANTED: &str = "<script>alert(1)<.yml";

const KAIZEN_TOML: &str = r#"
[organisation]
name = "Example <b>Corp</b>"

[[targets]]
path = "shop"
labels = { team = "red" }

[[targets]]
path = "legacy"
labels = { team = "blue" }

[assess]
model = "model.toml"
answers = "answers.toml"
"#;

/// Assesses the fixture organisation and returns its folder with `out/normal.json`, the
/// normalised result.
fn assessed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("shop");
    copy_tree(&root().join("tests/assess/github-actions"), &shop);
    std::fs::copy(shop.join(".github/workflows/ci.yml"), shop.join(".github/workflows").join(PLANTED)).unwrap();
    copy_tree(&root().join("tests/assess/none"), &dir.path().join("legacy"));
    for file in ["model.toml", "answers.toml"] {
        std::fs::copy(root().join("tests/scoring").join(file), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("kaizen.toml"), KAIZEN_TOML).unwrap();
    let output = run(kaizen().current_dir(dir.path()).args([
        "assess",
        "--out",
        "out",
        "--only",
        "ci,security",
        "--format",
        "json",
        "-q",
    ]));
    assert!(output.status.success());
    let mut result: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/result.json")).unwrap()).unwrap();
    result["started_at"] = "2026-01-01T00:00:00Z".into();
    result["duration_ms"] = 1234.into();
    for target in result["targets"].as_array_mut().unwrap() {
        let name = target["name"].as_str().unwrap().to_owned();
        target["path"] = format!("/srv/org/{name}").into();
    }
    for plugin in result["plugins"].as_array_mut().unwrap() {
        plugin["sha256"] = "0".repeat(64).into();
    }
    result["model"]["sha256"] = "0".repeat(64).into();
    std::fs::write(dir.path().join("out/normal.json"), serde_json::to_string_pretty(&result).unwrap()).unwrap();
    dir
}

fn report(dir: &Path, args: &[&str]) -> std::process::Output {
    run(kaizen().current_dir(dir).arg("report").arg("out/normal.json").args(args))
}

#[test]
fn markdown_and_sarif_snapshots_and_the_sarif_is_valid_2_1_0() {
    let dir = assessed();
    let output = report(dir.path(), &["--format", "md,sarif", "--out", "rendered"]);
    assert!(output.status.success());
    let md = std::fs::read_to_string(dir.path().join("rendered/report.md")).unwrap();
    assert!(md.contains("\\<script\\>alert(1)\\<.yml"), "the planted name is escaped in Markdown");
    insta::assert_snapshot!("report_md", md);

    let text = std::fs::read_to_string(dir.path().join("rendered/findings.sarif")).unwrap();
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "findings.sarif is not valid SARIF 2.1.0: {errors:#?}");
    // The validator rejects what the schema forbids (so the check above can fail).
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    let run = &sarif["runs"][0];
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["originalUriBaseIds"]["TARGET1"]["uri"], "file:///srv/org/shop/");
    assert_eq!(run["originalUriBaseIds"]["TARGET2"]["description"]["text"], "legacy");
    let results = run["results"].as_array().unwrap();
    let result: &Value = results
        .iter()
        .find(|r| r["ruleId"] == "security/pinned-actions" && r["properties"]["target"] == "shop")
        .expect("the shop's unpinned actions are a result");
    assert_eq!(result["level"], "error");
    let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "security/pinned-actions");
    assert!(rule["help"]["markdown"].as_str().unwrap().len() > 20);
    assert!(results.iter().all(|r| r["level"] == "error" || r["level"] == "warning"));
    assert!(results.iter().any(|r| r["level"] == "warning"), "warn checks are results too");
    let uris: Vec<&str> = results
        .iter()
        .flat_map(|r| r["locations"].as_array().unwrap())
        .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&".github/workflows/ci.yml"), "{uris:?}");
    assert!(uris.contains(&".github/workflows/%3Cscript%3Ealert%281%29%3C.yml"), "{uris:?}");
    assert!(uris.iter().all(|u| !u.starts_with('/')), "locations are relative to the target: {uris:?}");
    insta::assert_snapshot!("findings_sarif", text);
}

#[test]
fn templates_override_by_name_and_a_broken_one_names_its_file_and_line() {
    let dir = assessed();
    let brand = dir.path().join("brand");
    std::fs::create_dir(&brand).unwrap();
    std::fs::write(
        brand.join("report.md.j2"),
        "# {{ result.organisation }} by ACME Consulting\n{% include \"footer.j2\" %}\n",
    )
    .unwrap();
    std::fs::write(brand.join("footer.j2"), "{{ result.targets | length }} targets\n").unwrap();
    let output = report(dir.path(), &["--format", "md,html", "--templates", "brand", "--out", "branded"]);
    assert!(output.status.success());
    let md = std::fs::read_to_string(dir.path().join("branded/report.md")).unwrap();
    assert_eq!(md, "# Example <b>Corp</b> by ACME Consulting\n2 targets");
    // The HTML report, not overridden, is the built-in one, and escapes the organisation.
    let html = std::fs::read_to_string(dir.path().join("branded/report.html")).unwrap();
    assert!(html.contains("Example &lt;b&gt;Corp&lt;&#x2f;b&gt;") && !html.contains("<b>Corp"));

    std::fs::write(brand.join("report.html.j2"), "<h1>{{ result.organisation }}</h1>\n\n{% if %}\n").unwrap();
    let output = report(dir.path(), &["--format", "md,html", "--templates", "brand", "--out", "broken"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "brand/report.html.j2:3:7: error[template-syntax]: syntax error: unexpected end of block\n  |\n3 | {% if %}\n"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("broken/report.md").exists(), "nothing is written when a template fails");

    // An error while rendering (not parsing) names the line too.
    std::fs::write(brand.join("report.html.j2"), "a\n{{ result.targets | nosuchfilter }}\n").unwrap();
    let output = report(dir.path(), &["--format", "html", "--templates", "brand", "--out", "broken"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("report.html.j2:2:21: error[template-render]: unknown filter"), "{stderr}");

    let output = report(dir.path(), &["--templates", "no-such-folder"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read the template folder no-such-folder"));
}

/// Chromium, or `None` when it is not installed (and not required).
pub(crate) fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"]
        .iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()));
    if found.is_none() {
        assert!(
            std::env::var_os("KAIZEN_TEST_REQUIRE_SERVICES").is_none(),
            "chromium is not on the PATH and KAIZEN_TEST_REQUIRE_SERVICES is set: install it with \
             `apt-get install -y chromium`"
        );
        eprintln!("skipped: chromium not found (apt-get install chromium to run the HTML report test)");
    }
    found.map(PathBuf::from)
}

/// Runs headless Chromium with a fresh profile on `page`, with extra arguments.
fn headless(chromium: &Path, page: &Path, args: &[&str]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

#[test]
fn the_html_report_renders_in_a_real_browser_with_charts_and_no_script() {
    let Some(chromium) = chromium() else { return };
    let dir = assessed();
    let output = report(dir.path(), &["--format", "html", "--out", "rendered"]);
    assert!(output.status.success());
    let page = dir.path().join("rendered/report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<script"), "the report carries no script");
    assert!(!html.contains(" src=") && !html.contains("url(") && !html.contains("@import"), "nothing to load");

    let output = headless(&chromium, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&output.stdout);
    for id in ["summary", "dora", "organisation", "areas", "roadmap", "targets", "errors", "about"] {
        assert!(dom.contains(&format!("<section class=\"major\" id=\"{id}\">")), "section {id} is missing");
    }
    assert!(dom.contains("<svg class=\"chart radar\""), "radar chart");
    assert!(dom.contains("<svg class=\"chart bars\""), "bar charts");
    assert!(dom.contains("<svg class=\"chart distribution\""), "distribution chart");
    assert_eq!(dom.matches("<polygon class=\"shape\"").count(), 1);
    // The planted file name is text, and the DOM has no script element at all.
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;.yml"), "the planted name appears as text");
    assert!(!dom.contains("<script"), "no script element in the DOM");
    assert!(dom.contains("Example &lt;b&gt;Corp&lt;/b&gt;") && !dom.contains("<b>Corp</b>"));
    // No console message: no failed resource, no error.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("CONSOLE"), "console output: {stderr}");

    let pdf = dir.path().join("report.pdf");
    headless(&chromium, &page, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())]);
    let bytes = std::fs::read(&pdf).expect("a PDF was written");
    assert!(bytes.starts_with(b"%PDF-") && bytes.len() > 10_000, "{} bytes", bytes.len());

    // A screenshot for people to look at, kept with the build's test files.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    headless(&chromium, &page, &["--window-size=1280,2000", &format!("--screenshot={}", shot.display())]);
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
    eprintln!("screenshot: {}", shot.display());
}

/// `kaizen report --framework` reads the same result in another framework's ids: each id the
/// model maps to, once, with its practices' states over the targets and a verdict that the
/// coverage line adds up; a framework the model does not map to stops before anything is
/// written.
#[test]
fn a_result_is_read_in_another_frameworks_ids_without_assessing_again() {
    let out = tempfile::tempdir().unwrap();
    let output = crate::support::run(
        crate::support::kaizen()
            .args(["assess", "--quiet", "--format", "json", "--out"])
            .arg(out.path())
            .arg(crate::support::fixture("assess/gitlab-ci"))
            .arg(crate::support::fixture("assess/jenkins")),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let result_path = out.path().join("result.json");
    let result: serde_json::Value = serde_json::from_slice(&std::fs::read(&result_path).unwrap()).unwrap();

    let views = tempfile::tempdir().unwrap();
    let output = crate::support::run(
        crate::support::kaizen()
            .arg("report")
            .arg(&result_path)
            .args(["--format", "md", "--framework", "scorecard,dora", "--out"])
            .arg(views.path()),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let md = std::fs::read_to_string(views.path().join("framework-scorecard.md")).unwrap();

    // Every Scorecard id of the model is a row, once, with every practice that maps to it
    // and its states counted over both targets.
    let model = &result["model"];
    let mut expected: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for p in model["practices"].as_array().unwrap() {
        for id in p["maps_to"]["scorecard"].as_array().into_iter().flatten() {
            expected.entry(id.as_str().unwrap().to_owned()).or_default().push(p["id"].as_str().unwrap().to_owned());
        }
    }
    assert!(expected.len() >= 10, "{expected:?}");
    let rows: Vec<&str> =
        md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| OpenSSF") && !l.starts_with("| ---")).collect();
    assert_eq!(rows.len(), expected.len(), "{md}");
    let mut verdicts = std::collections::BTreeMap::<&str, usize>::new();
    for (row, (id, practices)) in rows.iter().zip(&expected) {
        let cells: Vec<&str> = row.split(" | ").collect();
        assert_eq!(cells[0], format!("| {id}"), "{row}");
        *verdicts.entry(cells[1]).or_default() += 1;
        for practice in practices {
            let states: Vec<&str> = result["targets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    let found = t["assessment"]["practices"].as_array().unwrap().iter().find(|r| r["id"] == *practice);
                    found.unwrap()["state"].as_str().unwrap()
                })
                .collect();
            assert!(cells[2].contains(&format!("`{practice}`")), "{practice} in {row}");
            let met = states.iter().filter(|s| **s == "satisfied" || **s == "exempt").count();
            if met == 2 {
                assert!(cells[2].contains(&format!("`{practice}`")) && row.contains("2 satisfied"), "{row}");
            }
        }
    }
    let counted = |v: &str| verdicts.get(v).copied().unwrap_or(0);
    let judged = expected.len() - counted("not shown");
    assert!(
        md.contains(&format!(
            "**Coverage: {judged} of the {} ids the model maps to were judged** ({} in place, {} partly, {} missing); {} not shown",
            expected.len(),
            counted("in place"),
            counted("partly"),
            counted("missing"),
            counted("not shown")
        )),
        "{md}"
    );
    assert!(counted("missing") + counted("partly") > 0, "two small fixtures miss some of Scorecard: {md}");
    assert!(std::fs::read_to_string(views.path().join("framework-dora.md"))
        .unwrap()
        .contains("| continuous-integration |"));

    // Assessed with the AWS DevOps Guidance model, the same view speaks in its indicator ids.
    let aws = tempfile::tempdir().unwrap();
    let output = crate::support::run(
        crate::support::kaizen()
            .args(["assess", "--quiet", "--format", "json", "--model", "aws-devops-guidance", "--out"])
            .arg(aws.path())
            .arg(crate::support::fixture("assess/gitlab-ci")),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let output =
        crate::support::run(crate::support::kaizen().arg("report").arg(aws.path().join("result.json")).args([
            "--format",
            "md",
            "--framework",
            "aws-devops",
        ]));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let md = std::fs::read_to_string(aws.path().join("framework-aws-devops.md")).unwrap();
    assert!(md.starts_with("# AWS Well-Architected DevOps Guidance view"), "{md}");
    assert!(md.contains("\n| DL.CI.") && md.contains("model `aws-devops-guidance`"), "{md}");

    // The DORA capabilities model maps nothing to DSOMM: nothing is written.
    let dora = tempfile::tempdir().unwrap();
    let output = crate::support::run(
        crate::support::kaizen()
            .args(["assess", "--quiet", "--format", "json", "--model", "dora-capabilities", "--out"])
            .arg(dora.path())
            .arg(crate::support::fixture("assess/gitlab-ci")),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let none = tempfile::tempdir().unwrap();
    let output = crate::support::run(
        crate::support::kaizen()
            .arg("report")
            .arg(dora.path().join("result.json"))
            .args(["--format", "md", "--framework", "dsomm", "--out"])
            .arg(none.path()),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "model `dora-capabilities` maps no practice to OWASP DevSecOps Maturity Model; it maps to dora, samm, scorecard"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(none.path()).unwrap().count(), 0);
    let output =
        crate::support::run(crate::support::kaizen().arg("report").arg(&result_path).args(["--framework", "cobit"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("unknown framework `cobit`; expected one of dora, samm, dsomm, aws-devops, scorecard"));
}
