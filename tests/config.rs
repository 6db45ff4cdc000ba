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
        ("[plugins.config.nobody]\nx = 1\n", "config-unknown-plugin", (1, 17)),
        ("[plugins]\nextra = true\n", "config-syntax", (2, 1)),
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
