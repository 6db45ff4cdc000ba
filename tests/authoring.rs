//! The plugin author's tools: `plugin new` → `plugin build` → `plugin test` with a real
//! WebAssembly toolchain, the harness's diff and `--bless`, the built-in plugins' own
//! fixtures, and the refusals an author meets (a newer protocol, an import outside WASI
//! preview 1, a pin that does not match), each with its exact message.

use crate::support::{self, kaizen, root, run, test_plugin};
use std::path::{Path, PathBuf};

const KAIZEN_VERSION: &str = env!("CARGO_PKG_VERSION");

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every built-in plugin passes the fixtures in `plugins/<id>/tests/fixtures/`, run on its
/// committed module, as an author would run `kaizen plugin test` on theirs.
#[test]
fn builtin_plugins_pass_their_own_fixtures() {
    let registry = kaizen::plugin::Registry::builtin().unwrap();
    assert_eq!(registry.plugins().len(), 7);
    for plugin in registry.plugins() {
        let id = &plugin.manifest.id;
        let fixtures = root().join("plugins").join(id).join("tests/fixtures");
        let cases = std::fs::read_dir(&fixtures).map(|d| d.count()).unwrap_or(0);
        assert!(cases >= 2, "plugins/{id}/tests/fixtures needs a passing and a failing case");
        let output = run(kaizen()
            .args(["plugin", "test"])
            .arg(root().join("plugins/dist").join(id))
            .arg("--fixtures")
            .arg(&fixtures));
        assert_eq!(output.status.code(), Some(0), "{id}: {}", stdout(&output));
        assert!(stdout(&output).ends_with(&format!("{cases} passed, 0 failed\n")), "{id}: {}", stdout(&output));
    }
}

/// A fixtures folder for the `friendly` test plugin: one case with a README and the given
/// expectation.
fn friendly_case(expected: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    support::write_files(
        dir.path(),
        &[("with-readme/repo/README.md", "# Service\n\nHello.\n"), ("with-readme/expected.toml", expected)],
    );
    dir
}

fn friendly_test(fixtures: &Path, extra: &[&str]) -> std::process::Output {
    run(kaizen().args(["plugin", "test"]).arg(test_plugin("friendly")).arg("--fixtures").arg(fixtures).args(extra))
}

#[test]
fn a_wrong_expectation_is_shown_as_a_diff_and_bless_rewrites_it() {
    let fixtures = friendly_case("[findings]\nprobe = \"fail\"\n\n[facts]\n\"friendly.files_seen\" = 3\n");
    let output = friendly_test(fixtures.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    let diff = "FAIL  with-readme (3 differences)
      findings.probe.status
        - expected: fail
        + actual:   pass (\"README.md is present\")
      facts.\"friendly.files_seen\"
        - expected: 3
        + actual:   1
      facts.\"friendly.target\"
        - expected: (nothing)
        + actual:   \"with-readme\"
";
    assert!(out.contains(diff), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");

    let output = friendly_test(fixtures.path(), &["--bless"]);
    assert_eq!(output.status.code(), Some(0));
    let written = std::fs::read_to_string(fixtures.path().join("with-readme/expected.toml")).unwrap();
    assert!(stdout(&output).contains(&written.lines().nth(4).unwrap().to_string()), "the new expectation is shown");
    assert!(
        written.contains(
            "probe = { status = \"pass\", message = \"README.md is present\", evidence = [\"README.md:1\"] }\n"
        ),
        "{written}"
    );
    assert!(written.contains("\"friendly.files_seen\" = 1\n\"friendly.target\" = \"with-readme\"\n"), "{written}");
    let output = friendly_test(fixtures.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("ok    with-readme\n1 passed, 0 failed\n"), "{}", stdout(&output));
}

#[test]
fn a_broken_expectation_is_named_with_its_position() {
    let fixtures = friendly_case("[findings]\nprobe = \"passed\"\n");
    let output = friendly_test(fixtures.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("with-readme/expected.toml:2:9: error[fixture-syntax]"), "{}", stderr(&output));
}

/// Whether a WebAssembly toolchain is installed; without one the round trip is skipped,
/// unless `KAIZEN_TEST_REQUIRE_SERVICES` is set (as in CI), which makes it a failure.
fn toolchain_or_skip() -> bool {
    match kaizen::authoring::toolchain::detect(None) {
        Ok(_) => true,
        Err(e) if std::env::var_os("KAIZEN_TEST_REQUIRE_SERVICES").is_some() => {
            panic!("KAIZEN_TEST_REQUIRE_SERVICES is set but no wasm toolchain is installed: {e}")
        }
        Err(e) => {
            eprintln!("skipped: no wasm toolchain ({e}); run scripts/install-wasm-toolchain.sh");
            false
        }
    }
}

/// One target folder for every round trip, so the SDK's dependencies build once.
fn shared_target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-builds")
}

fn new_build_test(name: &str, extra_new_args: &[&std::ffi::OsStr]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let crate_dir = dir.path().join(name);
    let output = run(kaizen().args(["plugin", "new", name, "--dir"]).arg(&crate_dir).args(extra_new_args));
    assert_eq!(output.status.code(), Some(0));
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("rust-version = \"1.63\"") && manifest.contains("\n[workspace]\n"), "{manifest}");

    // In CI (KAIZEN_TEST_REQUIRE_SERVICES), scripts/build-plugins.sh has run first: the
    // crate must then build offline, from the crates the built-in plugins use.
    let offline: &[&str] =
        if std::env::var_os("KAIZEN_TEST_REQUIRE_SERVICES").is_some() { &["--", "--offline"] } else { &[] };
    let output = run(kaizen()
        .args(["plugin", "build"])
        .arg(&crate_dir)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .args(offline));
    assert_eq!(output.status.code(), Some(0), "the generated crate builds");
    let module = crate_dir.join(format!("{name}.wasm"));
    let sha = kaizen::plugin::registry::sha256_hex(&std::fs::read(&module).unwrap());
    assert!(stdout(&output).starts_with(&format!("built {}", module.display())), "{}", stdout(&output));
    assert!(stdout(&output).ends_with(&format!("sha256 {sha}\n")), "{}", stdout(&output));

    let output = run(kaizen().args(["plugin", "test"]).arg(&crate_dir));
    assert_eq!(output.status.code(), Some(0), "a new plugin passes its own fixtures");
    assert!(stdout(&output).contains("ok    has-owners\nok    no-owners\n2 passed, 0 failed\n"), "{}", stdout(&output));
    dir
}

#[test]
fn a_new_plugin_builds_passes_its_fixtures_and_loads_in_assess() {
    if !toolchain_or_skip() {
        return;
    }
    let dir = new_build_test("team-rules", &[]);
    let crate_dir = dir.path().join("team-rules");
    assert!(crate_dir.join("kaizen-plugin-sdk/src/lib.rs").is_file(), "the SDK is written into the crate");

    let out = dir.path().join("report");
    let output = run(kaizen()
        .args(["assess", "--quiet", "--only", "team-rules", "--plugins"])
        .arg(&crate_dir)
        .arg("--out")
        .arg(&out)
        .arg(crate_dir.join("tests/fixtures/has-owners/repo")));
    assert_eq!(output.status.code(), Some(0));
    let result: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("result.json")).unwrap()).unwrap();
    let finding = support::plugin_finding(&result["targets"][0], "team-rules", "codeowners");
    assert_eq!(finding["status"], "pass");
    assert_eq!(finding["evidence"][0]["path"], ".github/CODEOWNERS");
    assert_eq!(finding["evidence"][0]["line"], 2);
    assert_eq!(result["targets"][0]["facts"]["ownership.codeowners_rules"], 2);
}

#[test]
fn a_new_plugin_can_use_the_sdk_of_a_checkout() {
    if !toolchain_or_skip() {
        return;
    }
    let sdk = root().join("plugins/sdk");
    let dir = new_build_test("team-rules-sdk", &[std::ffi::OsStr::new("--sdk"), sdk.as_os_str()]);
    let manifest = std::fs::read_to_string(dir.path().join("team-rules-sdk/Cargo.toml")).unwrap();
    let dependency = format!("kaizen-plugin-sdk = {{ path = \"{}\" }}", sdk.canonicalize().unwrap().display());
    assert!(manifest.contains(&dependency), "{manifest}");
    assert!(!dir.path().join("team-rules-sdk/kaizen-plugin-sdk").exists());
}

#[test]
fn a_newer_protocol_version_is_refused_naming_both_versions() {
    let output = run(kaizen().args(["plugin", "check"]).arg(test_plugin("sandbox_manifest_api_99")));
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "error: api_mismatch: manifest declares protocol version 99; this engine (Kaizen {KAIZEN_VERSION}) speaks protocol version 1\n"
    );
    assert!(stderr(&output).ends_with(&expected), "{}", stderr(&output));

    let output = run(kaizen().args(["plugin", "run"]).arg(test_plugin("sandbox_api_mismatch")).args(["--target", "."]));
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "plugin `sandbox_api_mismatch` failed (api_mismatch): responded with protocol version 99; this engine (Kaizen {KAIZEN_VERSION}) speaks protocol version 1\n"
    );
    assert!(stderr(&output).ends_with(&expected), "{}", stderr(&output));
}

#[test]
fn an_import_outside_wasi_preview_1_is_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = wat::parse_str(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (import "env" "open_socket" (func (param i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start")))"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("sneaky.wasm"), wasm).unwrap();
    std::fs::write(
        dir.path().join("plugin.toml"),
        "id = \"sneaky\"\nname = \"sneaky\"\nversion = \"1\"\napi = 1\nwasm = \"sneaky.wasm\"\n\
         [[checks]]\nid = \"x\"\ntitle = \"x\"\narea = \"testing\"\n",
    )
    .unwrap();
    let output = run(kaizen().args(["plugin", "check"]).arg(dir.path()));
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "{}: error: load: imports functions outside WASI preview 1, which the sandbox does not provide: env::open_socket\n",
        dir.path().join("plugin.toml").display()
    );
    assert_eq!(stderr(&output), expected);
}

#[test]
fn plugin_check_and_list_verbose_show_the_hash_and_the_imports() {
    let friendly = test_plugin("friendly");
    let sha = kaizen::plugin::registry::sha256_hex(&std::fs::read(friendly.join("friendly.wasm")).unwrap());
    let output = run(kaizen().args(["plugin", "check"]).arg(&friendly));
    assert_eq!(output.status.code(), Some(0));
    let out = stdout(&output);
    assert!(out.contains(&format!("(sha256 {sha})\n")), "{out}");
    assert!(out.contains("imports: wasi_snapshot_preview1::{") && out.contains("fd_write"), "{out}");

    let output = run(kaizen().args(["plugin", "list", "--verbose", "--plugins"]).arg(&friendly));
    assert_eq!(output.status.code(), Some(0));
    let out = stdout(&output);
    let block = out.split("\n\n").find(|b| b.starts_with("friendly ")).unwrap_or_else(|| panic!("{out}"));
    let source = friendly.canonicalize().unwrap();
    assert!(block.contains(&format!("  source:   {}\n", source.display())), "{block}");
    assert!(block.contains(&format!("  sha256:   {sha}\n")), "{block}");
    assert!(block.contains("  protocol: 1\n") && block.contains("  checks:   probe\n"), "{block}");
    assert!(out.contains("ci 0.1.0 (Continuous integration)\n  source:   built-in\n"), "{out}");
}

#[test]
fn a_pin_that_does_not_match_refuses_the_run_with_both_hashes() {
    let friendly = test_plugin("friendly");
    let sha = kaizen::plugin::registry::sha256_hex(&std::fs::read(friendly.join("friendly.wasm")).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let wrong = "ab".repeat(32);
    let config = format!(
        "[[targets]]\npath = \"repo\"\n\n[plugins]\ndirs = [{:?}]\n\n[plugins.pins]\nfriendly = \"{wrong}\"\n",
        friendly.display().to_string()
    );
    support::write_files(dir.path(), &[("kaizen.toml", &config), ("repo/README.md", "# r\n")]);
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "--quiet"]));
    assert_eq!(output.status.code(), Some(2));
    let line = config.lines().position(|l| l.starts_with("friendly =")).unwrap() + 1;
    let expected = format!(
        "kaizen.toml:{line}:1: error[config-pin-mismatch]: plugin `friendly` from {} has SHA-256 {sha}, but the file pins {wrong}; refusing to load it",
        friendly.canonicalize().unwrap().display()
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
}

#[test]
fn a_case_can_carry_history_as_a_git_bundle_and_the_plugin_configuration() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    support::git_at(&repo, 1_748_000_000, &["init", "-q", "-b", "main"]);
    for (i, when) in [1_748_000_000, 1_748_100_000].into_iter().enumerate() {
        std::fs::write(repo.join("notes.txt"), format!("{i}\n")).unwrap();
        support::git_at(&repo, when, &["add", "notes.txt"]);
        support::git_at(&repo, when, &["commit", "-q", "-m", "change"]);
    }
    let head = support::git_at(&repo, 0, &["rev-parse", "HEAD"]);
    let fixtures = work.path().join("fixtures");
    std::fs::create_dir_all(fixtures.join("bundled")).unwrap();
    let bundle = fixtures.join("bundled/repo.bundle");
    support::git_at(&repo, 0, &["bundle", "create", "-q", bundle.to_str().unwrap(), "--all"]);
    std::fs::write(fixtures.join("bundled/config.toml"), "threshold = 3\n").unwrap();

    let test = |extra: &[&str]| {
        run(kaizen().args(["plugin", "test"]).arg(test_plugin("git_echo")).arg("--fixtures").arg(&fixtures).args(extra))
    };
    assert_eq!(test(&["--bless"]).status.code(), Some(0));
    let written = std::fs::read_to_string(fixtures.join("bundled/expected.toml")).unwrap();
    assert!(written.contains("\"echo.config\" = { threshold = 3 }\n"), "{written}");
    assert!(written.contains(&format!("head = \"{head}\"")), "the bundle's history reaches the plugin: {written}");
    let output = test(&[]);
    assert_eq!(output.status.code(), Some(0), "a bundle and the fixed clock give the same facts on every run");
    assert!(stdout(&output).ends_with("1 passed, 0 failed\n"), "{}", stdout(&output));
}

#[test]
fn plugin_build_names_the_toolchain_to_install() {
    if Path::new("/usr/bin/rustup").exists() {
        eprintln!("skipped: rustup is in /usr/bin, so it cannot be hidden from PATH");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = run(kaizen().args(["plugin", "new", "x", "--dir"]).arg(dir.path()));
    assert_eq!(output.status.code(), Some(0));
    let output =
        run(kaizen().args(["plugin", "build", "--toolchain", "rustup"]).arg(dir.path()).env("PATH", "/usr/bin:/bin"));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: rustup's wasm32-wasip1 target is not installed: rustup target add wasm32-wasip1\n"
    );
}
