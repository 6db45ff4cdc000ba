//! Shared helpers: paths, fixture repositories, running the `kaizen` binary.

#![allow(dead_code)]

pub mod forge;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("engine/ has a parent").to_path_buf()
}

/// A fixture folder under tests/.
pub fn fixture(path: &str) -> PathBuf {
    root().join("tests").join(path)
}

/// The built test plugin of this name (tests/plugins/dist/NAME).
pub fn test_plugin(name: &str) -> PathBuf {
    root().join("tests/plugins/dist").join(name)
}

/// A cache folder shared by the tests of one build, so each module compiles once.
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaizen-cache")
}

/// The `kaizen` binary, with a test cache and no inherited log settings.
pub fn kaizen() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaizen"));
    cmd.env("KAIZEN_CACHE_DIR", cache_dir()).env_remove("KAIZEN_LOG");
    cmd
}

/// Runs a command and returns its output, printing it when a test fails.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("kaizen runs");
    eprintln!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Copies a fixture folder into a fresh temporary folder (so tests may change it).
pub fn copy_fixture(path: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(path), dir.path());
    dir
}

/// Copies the folder `from` to `to`, creating folders as needed.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Writes files (path, contents) under a root, creating folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

/// `kaizen assess --only PLUGIN` over fixture repositories `tests/PLUGIN/<case>/`; the
/// result.json it writes.
pub fn assess_plugin_fixtures(plugin: &str, cases: &[&str]) -> serde_json::Value {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = kaizen();
    cmd.arg("assess").arg("--only").arg(plugin).arg("--out").arg(out.path()).arg("--quiet");
    for case in cases {
        cmd.arg(fixture(&format!("{plugin}/{case}")));
    }
    let output = run(&mut cmd);
    assert_eq!(output.status.code(), Some(0));
    serde_json::from_slice(&std::fs::read(out.path().join("result.json")).unwrap()).unwrap()
}

/// The target of a result with this name.
pub fn target<'a>(result: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    result["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no target {name}"))
}

/// A plugin's finding for a check on a target of a result.
pub fn plugin_finding<'a>(target: &'a serde_json::Value, plugin: &str, check: &str) -> &'a serde_json::Value {
    target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["plugin"] == plugin && f["check"] == check)
        .unwrap_or_else(|| panic!("no {plugin}/{check} finding in {:#}", target["findings"]))
}

/// Runs git in `dir` as one developer at `when` (seconds since the epoch), isolated from the
/// user's configuration; returns its output, trimmed.
pub fn git_at(dir: &Path, when: i64, args: &[&str]) -> String {
    let date = format!("@{when} +0000");
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
