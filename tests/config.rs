//! The assessment file (`kaizen.toml`) end to end: targets from globs with labels, the
//! organisation, plugin folders, configuration and pins, exemptions in the result and the
//! report, `kaizen init`, and every invalid file named with its line and column.

use crate::support::{self, kaizen, run, test_plugin};
use serde_json::{json, Value};
use std::path::Path;

/// A workspace with two repositories under `repos/` and the given kaizen.toml.
fn workspace(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for case in ["github-actions", "none"] {
        let copy = support::copy_fixture(&format!("assess/{case}"));
        std::fs::rename(copy.path(), dir.path().join("repos").join(case)).unwrap_or_else(|_| {
            std::fs::create_dir_all(dir.path().join("repos")).unwrap();
            std::fs::rename(copy.path(), dir.path().join("repos").join(case)).unwrap();
        });
    }
    std::fs::write(dir.path().join("kaizen.toml"), config).unwrap();
    dir
}

fn result(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("out/result.json")).unwrap()).unwrap()
}

fn config_with_plugin(extra: &str) -> String {
    format!(
        r#"[organisation]
name = "Acme <Corp>"

[[targets]]
path = "repos/*"
labels = {{ team = "payments" }}

[assess]
out = "out"

[plugins]
dirs = ["{}"]

[plugins.config.git_echo]
threshold = 3
registries = ["registry.acme.example"]

[[exemptions]]
target = "none"
check = "ci/pipeline-present"
reason = "A documentation-only repository: nothing is built or deployed from it."
{extra}"#,
        test_plugin("git_echo").display()
    )
}

#[test]
fn an_organisation_described_in_kaizen_toml_is_assessed_as_written() {
    let dir = workspace(&config_with_plugin(""));
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet"]));
    assert_eq!(output.status.code(), Some(0));
    let r = result(dir.path());
    assert_eq!(r["organisation"], "Acme <Corp>");
    let names: Vec<_> = r["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["github-actions", "none"], "globs expand in order");
    for t in r["targets"].as_array().unwrap() {
        assert_eq!(t["labels"], json!({"team": "payments"}));
        assert_eq!(t["facts"]["echo.config"], json!({"threshold": 3, "registries": ["registry.acme.example"]}));
    }
    let none = &r["targets"][1];
    let present = none["findings"].as_array().unwrap().iter().find(|f| f["check"] == "pipeline-present").unwrap();
    assert_eq!(present["status"], "not_applicable");
    assert_eq!(present["exemption"]["original_status"], "fail");
    assert!(present["exemption"]["reason"].as_str().unwrap().starts_with("A documentation-only"));
    let gha = &r["targets"][0];
    assert!(gha["findings"].as_array().unwrap().iter().all(|f| f.get("exemption").is_none()), "only the named target");

    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(md.starts_with("# Kaizen assessment: Acme \\<Corp\\>"), "{md}");
    assert!(md.contains("team: payments"), "{md}");
    assert!(md.contains("**exempted** (plugin said fail): A documentation-only repository"), "{md}");
}

#[test]
fn targets_on_the_command_line_replace_the_files_targets() {
    let dir = workspace(&config_with_plugin(""));
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet", "repos/none"]));
    assert_eq!(output.status.code(), Some(0));
    let r = result(dir.path());
    assert_eq!(r["targets"].as_array().unwrap().len(), 1);
    assert_eq!(r["targets"][0]["labels"], Value::Null, "labels belong to the file's targets");
}

#[test]
fn a_matching_pin_loads_and_a_mismatch_refuses_the_run() {
    let registry = {
        let mut r = kaizen::plugin::Registry::empty();
        r.add_dir(&test_plugin("git_echo")).unwrap();
        r
    };
    let sha = registry.get("git_echo").unwrap().sha256.clone();
    let dir = workspace(&config_with_plugin(&format!("\n[plugins.pins]\ngit_echo = \"{sha}\"\n")));
    assert_eq!(run(kaizen().current_dir(dir.path()).args(["assess", "--quiet"])).status.code(), Some(0));

    let wrong = "0".repeat(64);
    let dir = workspace(&config_with_plugin(&format!("\n[plugins.pins]\ngit_echo = \"{wrong}\"\n")));
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = config_with_plugin(&format!("\n[plugins.pins]\ngit_echo = \"{wrong}\"\n"))
        .lines()
        .position(|l| l.starts_with("git_echo ="))
        .unwrap()
        + 1;
    assert!(stderr.contains(&format!("kaizen.toml:{line}:1: error[config-pin-mismatch]")), "{stderr}");
    assert!(stderr.contains(&sha), "the message names the actual hash: {stderr}");
    assert!(!dir.path().join("out/result.json").exists(), "nothing runs with a mismatched pin");
}

#[test]
fn each_invalid_file_is_named_with_line_and_column() {
    let cases: &[(&str, &str, (usize, usize))] = &[
        ("[organisation]\nname = 3\n", "config-syntax", (2, 8)),
        ("[assess]\nsince_days = 0\n", "config-invalid-value", (2, 14)),
        ("[[targets]]\npath = \"nowhere/*\"\n", "config-target-missing", (2, 8)),
        ("[plugins]\ndirs = [\"no-such-folder\"]\n", "config-plugin-dir-missing", (2, 9)),
        (
            "[[exemptions]]\ntarget = \"x\"\ncheck = \"ci/nope\"\nreason = \"Not a real check at all.\"\n",
            "config-unknown-check",
            (3, 9),
        ),
        (
            "[[exemptions]]\ntarget = \"x\"\ncheck = \"ci/runs-tests\"\nreason = \"\"\n",
            "config-exemption-reason",
            (4, 10),
        ),
        (
            "[[exemptions]]\ntarget = \"x\"\ncheck = \"ci/runs-tests\"\nreason = \"Not a real check at all.\"\nexpires = \"next spring\"\n",
            "config-exemption-expires",
            (5, 11),
        ),
        (
            "[[exemptions]]\ntarget = \"x\"\ncheck = \"ci/runs-tests\"\nreason = \"Not a real check at all.\"\nexpires = 2027-03-31T10:00:00Z\n",
            "config-exemption-expires",
            (5, 11),
        ),
        ("[plugins.config.nobody]\nx = 1\n", "config-unknown-plugin", (1, 17)),
        ("[plugins]\nextra = true\n", "config-syntax", (2, 1)),
        ("[report]\naccent = \"teal\"\n", "config-invalid-colour", (2, 10)),
        ("[report]\nlogo = \"missing.svg\"\n", "config-file-missing", (2, 8)),
        ("[report]\nlogo = \"kaizen.toml\"\n", "config-invalid-logo", (2, 8)),
        ("[report]\nlogo = \".\"\n", "config-invalid-logo", (2, 8)),
        ("[report]\ncolour = \"#0a7\"\n", "config-syntax", (2, 1)),
    ];
    for (text, code, (line, column)) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kaizen.toml"), text).unwrap();
        let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet", "--out", "out"]));
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("kaizen.toml:{line}:{column}: error[{code}]")), "{text}\n{stderr}");
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn init_writes_a_valid_commented_template_and_keeps_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(kaizen().current_dir(dir.path()).arg("init")).status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("kaizen.toml")).unwrap();
    assert!(written.contains("[[exemptions]]") && written.contains("[plugins.pins]"));
    std::fs::write(dir.path().join("README.md"), "# x\n").unwrap();
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet", "--out", "out"]));
    assert_eq!(output.status.code(), Some(0), "the template assesses its own folder");
    assert_eq!(result(dir.path())["organisation"], "Example Corp");

    std::fs::write(dir.path().join("kaizen.toml"), "# mine\n").unwrap();
    let output = run(kaizen().current_dir(dir.path()).arg("init"));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.path().join("kaizen.toml")).unwrap(), "# mine\n", "not overwritten");
    assert_eq!(run(kaizen().current_dir(dir.path()).args(["init", "--force"])).status.code(), Some(0));
}

#[test]
fn branding_is_checked_with_positions_kept_in_the_result_and_rendered_again_from_it() {
    // Every problem of the section at once, each at its place, the file named.
    let config = "[[targets]]\npath = \"repos/*\"\n\n[report]\nlogo = \"branding/logo.png\"\naccent = \"teal\"\n";
    let dir = workspace(config);
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet", "--out", "out"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("kaizen.toml:5:8: error[config-file-missing]: logo `branding/logo.png` does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "kaizen.toml:6:10: error[config-invalid-colour]: `teal` is not a colour: write `#rgb` or `#rrggbb` \
             in hexadecimal, as `#0a7` or `#2f5fb3`\n  |\n6 | accent = \"teal\"\n  |          ^"
        ),
        "{stderr}"
    );
    std::fs::create_dir(dir.path().join("branding")).unwrap();
    std::fs::write(dir.path().join("branding/logo.png"), vec![0x89; (1 << 20) + 1]).unwrap();
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet", "--out", "out"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "kaizen.toml:5:8: error[config-invalid-logo]: logo `branding/logo.png` cannot be used: it is 1048577 \
             bytes; a logo is embedded in every report and may be at most 1 MiB"
        ),
        "{stderr}"
    );
    std::fs::write(dir.path().join("branding/logo.png"), "<html>not a picture</html>").unwrap();
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet", "--out", "out"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot be used: it is not a PNG, JPEG, GIF, WebP or SVG image"), "{stderr}");
    assert!(!dir.path().join("out").exists());

    // A real PNG (one pixel) and a colour: recorded in result.json, drawn in report.html.
    use base64::Engine as _;
    const PIXEL: &str =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let png = base64::engine::general_purpose::STANDARD.decode(PIXEL).unwrap();
    std::fs::write(dir.path().join("branding/logo.png"), png).unwrap();
    std::fs::write(dir.path().join("kaizen.toml"), config.replace("teal", "#0A7")).unwrap();
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet", "--out", "out"]));
    assert_eq!(output.status.code(), Some(0));
    let r = result(dir.path());
    assert_eq!(
        r["branding"],
        json!({"logo": {"file": "branding/logo.png", "media_type": "image/png", "data": PIXEL}, "accent": "#0A7"})
    );
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    let logo = format!("<img class=\"logo\" src=\"data:image&#x2f;png;base64,{}\"", PIXEL.replace('/', "&#x2f;"));
    assert!(html.contains(&logo), "the logo is embedded");
    assert!(html.contains("--accent: #0A7;"), "the accent colours the page");

    // `kaizen report` needs only the result: the assessment file and the logo gone, the
    // report it renders is branded the same.
    std::fs::remove_file(dir.path().join("kaizen.toml")).unwrap();
    std::fs::remove_dir_all(dir.path().join("branding")).unwrap();
    let output =
        run(kaizen().current_dir(dir.path()).args(["report", "out/result.json", "--format", "html", "--out", "again"]));
    assert_eq!(output.status.code(), Some(0));
    let again = std::fs::read_to_string(dir.path().join("again/report.html")).unwrap();
    assert_eq!(again, html, "the same page, branding and all");
}

/// Exemptions answer to an owner and end on a day: one past its `expires` day no longer
/// applies and the report says so with its owner; one without an owner is pointed out; the
/// report lists them by owner and expiry; the gate can fail on an expired one.
#[test]
fn exemptions_expire_on_their_day_and_name_their_owner() {
    let dir = workspace(
        r#"[[targets]]
path = "repos/*"

[assess]
out = "out"

[[exemptions]]
target = "github-actions"
practice = "ci-code-review"
reason = "One maintainer until the second one starts in January."
owner = "alice@acme.example"
expires = 2026-01-31

[[exemptions]]
target = "none"
check = "ci/pipeline-present"
reason = "A documentation-only repository: nothing is built or deployed from it."
owner = "platform-team"
expires = "2027-06-30"

[[exemptions]]
target = "*"
check = "security/security-policy"
reason = "The organisation's policy page covers every repository."
"#,
    );
    let assess =
        |extra: &[&str]| run(kaizen().current_dir(dir.path()).args(["assess", "--as-of", "2026-12-08"]).args(extra));
    let output = assess(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("note: the exemption of practice ci-code-review for `github-actions` (kaizen.toml:8, owner alice@acme.example) expired on 2026-01-31: it no longer applies"),
        "{stderr}"
    );
    assert!(
        stderr.contains("note: the exemption of security/security-policy for `*` (kaizen.toml:22) names no owner"),
        "{stderr}"
    );
    assert!(!stderr.contains("ci/pipeline-present for `none` (kaizen.toml:15"), "{stderr}");

    let result = result(dir.path());
    // The expired practice exemption was not applied; the live check exemption was.
    let github = support::target(&result, "github-actions");
    let review =
        github["assessment"]["practices"].as_array().unwrap().iter().find(|p| p["id"] == "ci-code-review").unwrap();
    assert_ne!(review["state"], "exempt", "{review}");
    let none = support::target(&result, "none");
    let pipeline = support::plugin_finding(none, "ci", "pipeline-present");
    assert_eq!(pipeline["status"], "not_applicable");
    assert_eq!(pipeline["exemption"]["original_status"], "fail");
    let scoring = &result["scoring"];
    assert_eq!(
        scoring["exemptions"],
        json!([{ "practice": "ci-code-review", "target": "github-actions", "reason": "One maintainer until the second one starts in January.", "owner": "alice@acme.example", "expires": "2026-01-31", "expired": true }])
    );
    assert_eq!(scoring["check_exemptions"][0]["expires"], "2027-06-30");
    assert!(scoring["check_exemptions"][0].get("expired").is_none());
    assert!(scoring["check_exemptions"][1].get("owner").is_none());

    // The report lists them by owner (none first) and expiry, the expired one marked.
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let section = &md[md.find("## Exemptions").expect("an Exemptions section")..md.find("## Plugins").unwrap()];
    let rows: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| owner") && !l.starts_with("| ---"))
        .collect();
    assert_eq!(rows.len(), 3, "{section}");
    assert!(rows[0].starts_with("| **no owner** | never | check security/security-policy |"), "{section}");
    assert!(
        rows[1].starts_with("| alice@acme.example | **expired 2026-01-31: not applied** | practice ci-code-review |"),
        "{section}"
    );
    assert!(rows[2].starts_with("| platform-team | 2027-06-30 | check ci/pipeline-present |"), "{section}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("<strong>expired 2026-01-31: not applied</strong>"));

    // The same day as the baseline: nothing regressed, but an expired exemption fails the
    // gate that asks for it.
    std::fs::copy(dir.path().join("out/result.json"), dir.path().join("baseline.json")).unwrap();
    let output = assess(&["--baseline", "baseline.json", "--fail-on-regression=levels,practices"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let output = assess(&["--baseline", "baseline.json", "--fail-on-regression=exemptions"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        format!("{stdout}{stderr}").contains("the exemption of practice ci-code-review for `github-actions` (owner alice@acme.example) expired on 2026-01-31"),
        "{stdout}{stderr}"
    );
    // Before its day the same exemption applies.
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--as-of", "2026-01-31"]));
    assert_eq!(output.status.code(), Some(0));
    let result = self::result(dir.path());
    let github = support::target(&result, "github-actions");
    let review =
        github["assessment"]["practices"].as_array().unwrap().iter().find(|p| p["id"] == "ci-code-review").unwrap();
    assert_eq!(review["state"], "exempt", "{review}");
}
