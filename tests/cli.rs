//! The command line: exit codes, errors that name what is wrong, `plugin list` and `check`.

use crate::support::{self, kaizen, run, test_plugin};
use std::path::Path;

#[test]
fn an_unreadable_target_exits_2_and_names_it() {
    let out = tempfile::tempdir().unwrap();
    let output = run(kaizen().args(["assess", "/no/such/folder", "--out"]).arg(out.path()));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read target /no/such/folder"), "{stderr}");
    assert!(!out.path().join("result.json").exists(), "nothing written when the run cannot start");
}

#[test]
fn a_bad_argument_exits_2() {
    let output = run(kaizen().args(["assess", "--format", "docx"]));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn plugin_failures_do_not_change_the_exit_code_and_the_result_is_written() {
    let out = tempfile::tempdir().unwrap();
    let output = run(kaizen()
        .args(["assess", "--quiet", "--plugins"])
        .arg(test_plugin("sandbox_exit_3"))
        .arg(support::fixture("assess/none"))
        .arg("--out")
        .arg(out.path()));
    assert_eq!(output.status.code(), Some(0));
    let result: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("result.json")).unwrap()).unwrap();
    assert_eq!(result["targets"][0]["errors"][0]["kind"], "exit");
    assert_eq!(result["targets"][0]["errors"][0]["plugin"], "sandbox_exit_3");
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(md.contains("| `sandbox_exit_3` | `exit` | exited with code 3"), "{md}");
}

#[test]
fn plugin_list_shows_built_in_and_folder_plugins() {
    let output = run(kaizen().args(["plugin", "list", "--plugins"]).arg(test_plugin("friendly")));
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("ID"), "{stdout}");
    assert!(lines.iter().any(|l| l.starts_with("ci ") && l.ends_with("built-in")), "{stdout}");
    let sha = kaizen::plugin::Registry::builtin().unwrap().get("ci").unwrap().sha256.clone();
    assert!(lines.iter().any(|l| l.starts_with("ci ") && l.contains(&sha)), "the full SHA-256, for pins: {stdout}");
    assert!(lines.iter().any(|l| l.starts_with("friendly ") && l.contains("tests/plugins/dist/friendly")), "{stdout}");
}

#[test]
fn a_plugin_folder_replacing_a_built_in_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("ci");
    std::fs::create_dir_all(&plugin).unwrap();
    let manifest = std::fs::read_to_string(test_plugin("friendly").join("plugin.toml")).unwrap();
    std::fs::write(plugin.join("plugin.toml"), manifest.replace("id = \"friendly\"", "id = \"ci\"")).unwrap();
    std::fs::copy(test_plugin("friendly").join("friendly.wasm"), plugin.join("friendly.wasm")).unwrap();
    let output = run(kaizen().args(["plugin", "list", "--plugins"]).arg(&plugin));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("note: plugin `ci` from") && stderr.contains("replaces the one from built-in"), "{stderr}");
}

#[test]
fn plugin_check_accepts_a_good_plugin_and_reports_each_problem() {
    let output = run(kaizen().args(["plugin", "check"]).arg(test_plugin("friendly")));
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("ok: plugin `friendly`"));

    let output = run(kaizen().args(["plugin", "check"]).arg(test_plugin("sandbox_manifest_api_99")));
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("protocol version 99"));

    let dir = tempfile::tempdir().unwrap();
    support::write_files(
        dir.path(),
        &[("plugin.toml", "id = \"x\"\nname = \"x\"\nversion = \"1\"\napi = 1\nwasm = \"x.wasm\"\ncolour = \"red\"\n")],
    );
    let output = run(kaizen().args(["plugin", "check"]).arg(dir.path()));
    assert_eq!(output.status.code(), Some(2), "a manifest that does not load is a bad file");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("plugin.toml:6:1: error[manifest-syntax]: unknown field `colour`"), "{stderr}");
}

#[test]
fn an_invalid_manifest_given_with_plugins_exits_2_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    support::write_files(
        dir.path(),
        &[("bad/plugin.toml", "id = \"x\"\nname = \"x\"\nversion = \"1\"\napi = \"one\"\nwasm = \"x.wasm\"\n")],
    );
    let output =
        run(kaizen().args(["assess", "--quiet", "--plugins"]).arg(dir.path()).arg(support::fixture("assess/none")));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad/plugin.toml:4:7: error[manifest-syntax]"), "{stderr}");
}

#[test]
fn help_texts_are_reviewed() {
    for args in [&["--help"][..], &["assess", "--help"], &["plugin", "--help"], &["collect", "aws", "--help"]] {
        let output = run(kaizen().args(args));
        assert_eq!(output.status.code(), Some(0));
        let name = format!("help_{}", args[..args.len() - 1].join("_")).trim_end_matches('_').to_owned();
        insta::assert_snapshot!(name, String::from_utf8_lossy(&output.stdout));
    }
}

#[test]
fn plugin_run_prints_the_raw_response_or_writes_the_request() {
    let target = support::fixture("assess/jenkins");
    let output = run(kaizen().args(["plugin", "run", "ci", "--target"]).arg(&target));
    assert_eq!(output.status.code(), Some(0));
    let response: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(response["facts"]["ci.systems"], serde_json::json!(["jenkins"]));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ok: 7 findings, 6 facts"));

    let dir = tempfile::tempdir().unwrap();
    let request_path = dir.path().join("request.json");
    let output =
        run(kaizen().args(["plugin", "run", "ci", "--request-out"]).arg(&request_path).arg("--target").arg(&target));
    assert_eq!(output.status.code(), Some(0));
    let request: serde_json::Value = serde_json::from_slice(&std::fs::read(&request_path).unwrap()).unwrap();
    assert_eq!(request["api"], 1);
    assert_eq!(request["target"]["root"], "/repo");
    assert_eq!(request["documents"][0]["path"], "Jenkinsfile");
    assert_eq!(request["documents"][0]["format"], "jenkinsfile");
    assert_eq!(request["documents"][0]["value"]["kind"], "declarative");

    let output = run(kaizen().args(["plugin", "run"]).arg(test_plugin("sandbox_exit_3").join("sandbox_exit_3.wasm")));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("giving up on purpose") && stderr.contains("failed (exit): exited with code 3"),
        "{stderr}"
    );
}

#[test]
fn report_renders_a_result_again_and_refuses_other_schema_versions() {
    let out = tempfile::tempdir().unwrap();
    let output =
        run(kaizen().args(["assess", "--quiet", "--out"]).arg(out.path()).arg(support::fixture("assess/gitlab-ci")));
    assert_eq!(output.status.code(), Some(0));
    let original = std::fs::read_to_string(out.path().join("report.md")).unwrap();

    let again = tempfile::tempdir().unwrap();
    let output = run(kaizen().arg("report").arg(out.path().join("result.json")).arg("--out").arg(again.path()));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(again.path().join("report.md")).unwrap(), original, "same result, same report");

    let text = std::fs::read_to_string(out.path().join("result.json")).unwrap();
    let future = text.replacen("\"schema_version\": 1", "\"schema_version\": 99", 1);
    std::fs::write(again.path().join("future.json"), future).unwrap();
    let output = run(kaizen().arg("report").arg(again.path().join("future.json")));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "future.json: error[result-schema-version]: result has schema version 99; this Kaizen (0.1.0) reads \
             schema version 1; upgrade Kaizen to read it"
        ),
        "{stderr}"
    );

    std::fs::write(again.path().join("broken.json"), "{\n  \"schema_version\": 1,\n  oops\n}\n").unwrap();
    let output = run(kaizen().arg("report").arg(again.path().join("broken.json")));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.json:3:3: error[result-syntax]: key must be a string"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(again.path().join("report.md")).unwrap(),
        original,
        "a failed run leaves the report"
    );
}

/// `kaizen schema | head -1`: a reader that goes away ends the command quietly, as ripgrep
/// does, instead of a panic and exit 101. The pipe's reading end is closed before the
/// command starts, so its first write fails every time.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let jenkins = support::fixture("assess/jenkins");
    let jenkins = jenkins.to_str().unwrap();
    for args in [&["schema"][..], &["plugin", "list", "-v"], &["plugin", "run", "ci", "--target", jenkins]] {
        let mut cmd = kaizen();
        cmd.args(args);
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = cmd.stdout(writer).stderr(std::process::Stdio::piped()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "kaizen {args:?}: {stderr}");
        assert_eq!(stderr, "", "kaizen {args:?}: nothing said about the pipe");
    }
}

/// The subcommands `kaizen --help` lists, nested ones as `collect-aws`.
fn subcommands(words: &[&str]) -> Vec<String> {
    let output = run(kaizen().args(words).arg("--help"));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let listed: Vec<String> = text
        .split("Commands:")
        .nth(1)
        .map(|rest| rest.split("\n\n").next().unwrap_or_default())
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|name| name != "help")
        .collect();
    let mut all = Vec::new();
    for name in listed {
        let mut nested = words.to_vec();
        nested.push(&name);
        let inner = subcommands(&nested);
        all.push(name.clone());
        all.extend(inner.into_iter().map(|sub| format!("{name}-{sub}")));
    }
    all
}

#[test]
fn completions_load_in_bash_and_name_every_command() {
    let commands = subcommands(&[]);
    assert!(commands.len() >= 20 && commands.contains(&"collect-aws".to_owned()), "{commands:?}");
    let output = run(kaizen().args(["completions", "bash"]));
    assert!(output.status.success());
    let script = String::from_utf8(output.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kaizen.bash");
    std::fs::write(&file, &script).unwrap();
    // Sourced by bash, the script registers a completion function for kaizen.
    let loaded = run(std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("source '{}' && complete -p kaizen", file.display())));
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    assert!(String::from_utf8_lossy(&loaded.stdout).contains("_kaizen kaizen"));
    for command in commands.iter().filter(|c| !c.contains('-')) {
        assert!(script.contains(&format!("kaizen,{command})")), "bash completion lacks {command}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let output = run(kaizen().args(["completions", shell]));
        assert!(output.status.success() && output.stdout.len() > 1000, "{shell}");
    }
    let output = run(kaizen().args(["completions", "tcsh"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid value 'tcsh'"));
}

#[test]
fn man_writes_a_page_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(kaizen().args(["man", "--out"]).arg(dir.path()));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut expected: Vec<String> = subcommands(&[]).iter().map(|c| format!("kaizen-{c}.1")).collect();
    expected.push("kaizen.1".to_owned());
    expected.sort();
    let mut written: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, expected);
    let page = std::fs::read_to_string(dir.path().join("kaizen-collect-aws.1")).unwrap();
    assert!(page.starts_with(".ie") || page.contains(".TH kaizen-collect-aws 1"), "{}", &page[..200.min(page.len())]);
    assert!(page.contains("kaizen collect aws") && page.contains("max\\-executions"), "{page}");
    let printed = run(kaizen().arg("man"));
    assert!(String::from_utf8_lossy(&printed.stdout).contains(".TH kaizen 1"));
}

/// A plugin that reads only the repository's own documents is still told about examples and
/// fixtures (their paths and roles), but the host parses none of them for it; a plugin that
/// does not say so gets every matching document, as before.
#[test]
fn own_documents_only_lists_examples_and_fixtures_without_parsing_them() {
    let repo = tempfile::tempdir().unwrap();
    let rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\n";
    support::write_files(
        repo.path(),
        &[
            ("monitoring/alerts.yaml", rule),
            ("test/testdata/alerts.yaml", rule),
            ("examples/alerts.yaml", rule),
            ("vendor/other/alerts.yaml", rule),
        ],
    );
    let request = |plugin: &Path| -> serde_json::Value {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("request.json");
        let output = run(kaizen()
            .arg("plugin")
            .arg("run")
            .arg(plugin)
            .arg("--request-out")
            .arg(&out)
            .arg("--target")
            .arg(repo.path()));
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
    };
    let documents = |r: &serde_json::Value| -> Vec<String> {
        r["documents"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap().to_owned()).collect()
    };
    let listed = |r: &serde_json::Value| -> Vec<(String, String)> {
        let files = r["files"].as_array().unwrap().iter();
        files
            .map(|f| (f["path"].as_str().unwrap().to_owned(), f["role"].as_str().unwrap_or("own").to_owned()))
            .collect()
    };

    // The built-in observability plugin reads its own documents only.
    let own = request(Path::new("observability"));
    assert_eq!(documents(&own), ["monitoring/alerts.yaml"]);
    let files = listed(&own);
    for (path, role) in [
        ("monitoring/alerts.yaml", "own"),
        ("test/testdata/alerts.yaml", "test-fixture"),
        ("examples/alerts.yaml", "example"),
        ("vendor/other/alerts.yaml", "vendored"),
    ] {
        assert!(files.contains(&(path.to_owned(), role.to_owned())), "{path} as {role} in {files:?}");
    }

    // The same globs without the key: every matching file is parsed.
    let plugin = tempfile::tempdir().unwrap();
    let wasm = test_plugin("evidence_echo").join("evidence_echo.wasm");
    std::fs::copy(wasm, plugin.path().join("echo.wasm")).unwrap();
    std::fs::write(
        plugin.path().join("plugin.toml"),
        "id = \"echo\"\nname = \"echo\"\nversion = \"0.1.0\"\napi = 1\nwasm = \"echo.wasm\"\ndescription = \"d\"\n\n\
         [inputs]\nparse = [{ glob = \"**/*.yaml\", format = \"yaml\" }]\n",
    )
    .unwrap();
    let mut all = documents(&request(plugin.path()));
    all.sort();
    assert_eq!(
        all,
        ["examples/alerts.yaml", "monitoring/alerts.yaml", "test/testdata/alerts.yaml", "vendor/other/alerts.yaml"]
    );
}
