//! The CI integrations (`action.yml`, `templates/kaizen.yml`) and the script they run,
//! `integrations/kaizen-ci.sh`: installing a release with its checksum, finding the baseline
//! of an earlier run through GitHub's and GitLab's APIs (a fake forge on loopback), the gate,
//! the comment on the pull or merge request; and Kaizen's own checks on the workflows it
//! recommends.

use crate::support::forge::{FakeForge, Reply, Request};
use crate::support::{self, copy_fixture, root};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The commands the script may use: a folder of links to the system's, so that a test
/// decides whether `cargo` is there.
const TOOLS: &[&str] = &[
    "bash",
    "curl",
    "tar",
    "xz",
    "sha256sum",
    "awk",
    "find",
    "mkdir",
    "cp",
    "mktemp",
    "rm",
    "head",
    "tr",
    "uname",
    "dirname",
    "cat",
    "wc",
    "jq",
    "unzip",
    "chmod",
];

/// A folder of links to `TOOLS`, and to the toolchain running the tests when `cargo` is
/// asked for.
fn tools(cargo: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for tool in TOOLS {
        let output = Command::new("bash").arg("-c").arg(format!("command -v {tool}")).output().unwrap();
        let path = String::from_utf8(output.stdout).unwrap().trim().to_owned();
        assert!(!path.is_empty(), "{tool} is needed by integrations/kaizen-ci.sh (and by CI: see .ci/run)");
        found.push((tool.to_string(), PathBuf::from(path)));
    }
    if cargo {
        let cargo = PathBuf::from(std::env::var("CARGO").expect("tests run by cargo"));
        let rustc = cargo.with_file_name("rustc");
        found.push(("rustc".into(), if rustc.exists() { rustc } else { PathBuf::from("rustc") }));
        found.push(("cc".into(), PathBuf::from("/usr/bin/cc")));
        found.push(("cargo".into(), cargo));
    }
    for (name, path) in found {
        std::os::unix::fs::symlink(path, dir.path().join(name)).unwrap();
    }
    dir
}

/// The script, run in `dir` with only `TOOLS`, Kaizen and `env` (nothing of the user's or
/// the CI's environment).
fn script(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let kaizen_dir = Path::new(env!("CARGO_BIN_EXE_kaizen")).parent().unwrap().to_path_buf();
    let tools = tools(false);
    let mut command = Command::new(tools.path().join("bash"));
    command
        .arg(root().join("integrations/kaizen-ci.sh"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", format!("{}:{}", kaizen_dir.display(), tools.path().display()))
        .env("HOME", dir)
        .env("KAIZEN_CACHE_DIR", support::cache_dir());
    for (name, value) in env {
        command.env(name, value);
    }
    support::run(&mut command)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A zip archive holding `file` as `name`, as GitHub serves an artifact.
fn zip(file: &Path, name: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("artifact.zip");
    let status = Command::new("python3")
        .args(["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').write(sys.argv[2], sys.argv[3])"])
        .arg(&archive)
        .arg(file)
        .arg(name)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(archive).unwrap()
}

/// A repository whose earlier assessment (with its CI workflow) is the baseline, and which
/// has since lost the workflow: a regression.
fn regressed_repository() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let repo = copy_fixture("assess/github-actions");
    let earlier = tempfile::tempdir().unwrap();
    let output =
        support::run(support::kaizen().arg("assess").arg(repo.path()).arg("-q").arg("--out").arg(earlier.path()));
    assert!(output.status.success());
    let baseline = earlier.path().join("result.json");
    std::fs::remove_dir_all(repo.path().join(".github/workflows")).unwrap();
    (repo, earlier, baseline)
}

#[test]
fn github_the_baseline_of_the_last_scheduled_run_gates_and_the_pull_request_gets_one_comment() {
    let (repo, _earlier, baseline) = regressed_repository();
    let artifact = zip(&baseline, "result.json");
    let comments = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let forge = {
        let comments = comments.clone();
        FakeForge::start(move |request: &Request, base| {
            if request.header("authorization") != Some("Bearer t0ken") {
                return Reply::status(401, r#"{"message":"Bad credentials"}"#);
            }
            match (request.method.as_str(), request.path()) {
                ("GET", "/repos/acme/shop/actions/workflows/maturity.yml/runs") => {
                    assert_eq!(request.query("branch"), Some("main"));
                    assert_eq!(request.query("event"), Some("schedule"));
                    assert_eq!(request.query("status"), Some("success"));
                    Reply::json(json!({"total_count": 1, "workflow_runs": [{"id": 4242}]}).to_string())
                }
                ("GET", "/repos/acme/shop/actions/runs/4242/artifacts") => Reply::json(
                    json!({"artifacts": [{"name": "kaizen-baseline", "expired": false,
                        "archive_download_url": format!("{base}/download/7")}]})
                    .to_string(),
                ),
                ("GET", "/download/7") => Reply::bytes(artifact.clone()),
                ("GET", "/repos/acme/shop/issues/7/comments") => {
                    Reply::json(Value::Array(comments.lock().unwrap().clone()).to_string())
                }
                ("POST", "/repos/acme/shop/issues/7/comments") => {
                    let body: Value = serde_json::from_slice(&request.body).unwrap();
                    comments.lock().unwrap().push(json!({"id": 99, "body": body["body"]}));
                    Reply::status(201, "{}")
                }
                ("PATCH", "/repos/acme/shop/issues/comments/99") => {
                    let body: Value = serde_json::from_slice(&request.body).unwrap();
                    comments.lock().unwrap()[0]["body"] = body["body"].clone();
                    Reply::json("{}")
                }
                _ => Reply::status(404, r#"{"message":"Not Found"}"#),
            }
        })
    };
    let event = repo.path().join("event.json");
    std::fs::write(&event, json!({"pull_request": {"number": 7}}).to_string()).unwrap();
    let summary = repo.path().join("summary.md");
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_API_URL", forge.base.as_str()),
        ("GITHUB_REPOSITORY", "acme/shop"),
        ("GITHUB_WORKFLOW_REF", "acme/shop/.github/workflows/maturity.yml@refs/pull/7/merge"),
        ("GITHUB_DEFAULT_BRANCH", "main"),
        ("GITHUB_TOKEN", "t0ken"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ("KAIZEN_GATE", "true"),
    ];

    let found = script(repo.path(), &["baseline"], &env);
    assert!(found.status.success());
    assert!(stderr(&found).contains("baseline: result.json of run 4242 (schedule on main)"));
    let fetched = std::fs::read(repo.path().join("kaizen-baseline/result.json")).unwrap();
    assert_eq!(fetched, std::fs::read(&baseline).unwrap());

    let assessed = script(repo.path(), &["assess"], &env);
    assert_eq!(assessed.status.code(), Some(1), "the gate fails on the regression");
    assert!(stderr(&assessed).contains("--baseline kaizen-baseline/result.json --fail-on-regression"));
    let compare = std::fs::read_to_string(repo.path().join("kaizen-report/compare.md")).unwrap();
    assert!(compare.contains("# What changed") && compare.contains("lost `ci-automated-tests`"), "{compare}");
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), compare);
    for file in ["result.json", "report.md", "report.html", "findings.sarif"] {
        assert!(repo.path().join("kaizen-report").join(file).is_file(), "{file}");
    }

    // The first run comments, the second updates the same comment.
    for _ in 0..2 {
        let commented = script(repo.path(), &["comment"], &env);
        assert!(commented.status.success() && stderr(&commented).contains("commented on pull request #7"));
    }
    let comments = comments.lock().unwrap();
    assert_eq!(comments.len(), 1, "one comment, updated");
    let body = comments[0]["body"].as_str().unwrap();
    assert!(body.starts_with("<!-- kaizen-ci -->\n# What changed"), "{body}");
    let methods: Vec<String> = forge.requests().iter().map(|r| format!("{} {}", r.method, r.path())).collect();
    assert!(methods.contains(&"PATCH /repos/acme/shop/issues/comments/99".to_owned()), "{methods:?}");
}

#[test]
fn github_without_a_baseline_says_why_and_assesses_ungated() {
    let repo = copy_fixture("assess/github-actions");
    let outputs = repo.path().join("github-output");
    let forge = FakeForge::start(|request: &Request, _| match request.path() {
        _ if request.header("authorization") == Some("Bearer wrong") => {
            Reply::status(401, r#"{"message":"Bad credentials"}"#)
        }
        "/repos/acme/shop/actions/workflows/maturity.yml/runs" if request.query("branch") == Some("trunk") => {
            Reply::json(r#"{"total_count":0,"workflow_runs":[]}"#)
        }
        "/repos/acme/shop" => Reply::json(r#"{"full_name":"acme/shop","default_branch":"trunk"}"#),
        _ => Reply::status(404, r#"{"message":"Not Found"}"#),
    });
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_API_URL", forge.base.as_str()),
        ("GITHUB_REPOSITORY", "acme/shop"),
        ("GITHUB_WORKFLOW_REF", "acme/shop/.github/workflows/maturity.yml@refs/heads/trunk"),
        ("GITHUB_TOKEN", "t"),
        ("GITHUB_OUTPUT", outputs.to_str().unwrap()),
        ("KAIZEN_GATE", "true"),
    ];
    // The event did not say which branch is the default: the API does.
    let found = script(repo.path(), &["baseline"], &env);
    assert!(found.status.success());
    assert!(stderr(&found).contains("no baseline yet: no successful schedule run of maturity.yml on trunk"));
    assert_eq!(std::fs::read_to_string(&outputs).unwrap(), "default-branch=trunk\n");
    let assessed = script(repo.path(), &["assess"], &env);
    assert_eq!(assessed.status.code(), Some(0));
    assert!(stderr(&assessed).contains("no baseline: the regression gate is off for this run"));
    // Not a pull request: nothing to comment on, and no call made.
    let before = forge.requests().len();
    let commented = script(repo.path(), &["comment"], &env);
    assert!(commented.status.success() && stderr(&commented).contains("not a pull request: no comment"));
    assert_eq!(forge.requests().len(), before);
    // An API that refuses is quoted, and is not a failure of the job.
    let mut wrong = env.to_vec();
    wrong.retain(|(name, _)| *name != "GITHUB_TOKEN");
    wrong.push(("GITHUB_TOKEN", "wrong"));
    let refused = script(repo.path(), &["baseline"], &wrong);
    assert!(refused.status.success());
    let said = stderr(&refused);
    assert!(
        said.contains(r#"listing the runs of maturity.yml failed (HTTP 401: {"message":"Bad credentials"})"#),
        "{said}"
    );
    // Outside GitHub Actions and GitLab CI there is no baseline to find, and it says so.
    let elsewhere = script(repo.path(), &["baseline"], &[]);
    assert_eq!(elsewhere.status.code(), Some(2));
    assert!(stderr(&elsewhere).contains("neither GitHub Actions nor GitLab CI"));
}

#[test]
fn gitlab_the_job_artifacts_of_the_default_branch_are_the_baseline_and_the_merge_request_gets_a_note() {
    let (repo, _earlier, baseline) = regressed_repository();
    let result = std::fs::read(&baseline).unwrap();
    let forge = FakeForge::start(move |request: &Request, _| match (request.method.as_str(), request.path()) {
        ("GET", "/api/v4/projects/42/jobs/artifacts/main/raw/kaizen-report/result.json") => {
            assert_eq!(request.query("job"), Some("kaizen"));
            match request.header("job-token") {
                Some("job-t0ken") => Reply::bytes(result.clone()),
                _ => Reply::status(401, r#"{"message":"401 Unauthorized"}"#),
            }
        }
        ("GET", "/api/v4/projects/42/merge_requests/3/notes") => Reply::json("[]"),
        ("POST", "/api/v4/projects/42/merge_requests/3/notes")
            if request.header("private-token") == Some("api-t0ken") =>
        {
            Reply::status(201, "{}")
        }
        _ => Reply::status(404, r#"{"message":"404 Not Found"}"#),
    });
    let api = format!("{}/api/v4", forge.base);
    let env = [
        ("GITLAB_CI", "true"),
        ("CI_API_V4_URL", api.as_str()),
        ("CI_PROJECT_ID", "42"),
        ("CI_DEFAULT_BRANCH", "main"),
        ("CI_JOB_NAME", "kaizen"),
        ("CI_JOB_TOKEN", "job-t0ken"),
        ("CI_MERGE_REQUEST_IID", "3"),
        ("KAIZEN_GATE", "levels,practices"),
    ];
    let found = script(repo.path(), &["baseline"], &env);
    assert!(found.status.success());
    assert!(stderr(&found).contains("baseline: result.json of the last successful kaizen job on main"));
    let assessed = script(repo.path(), &["assess"], &env);
    assert_eq!(assessed.status.code(), Some(1));
    assert!(stderr(&assessed).contains("--fail-on-regression=levels,practices"));

    // Without a token of api scope the job says how to get a note; with one it posts it.
    let without = script(repo.path(), &["comment"], &env);
    assert!(stderr(&without).contains("set KAIZEN_GITLAB_TOKEN"));
    let mut with = env.to_vec();
    with.push(("KAIZEN_GITLAB_TOKEN", "api-t0ken"));
    let commented = script(repo.path(), &["comment"], &with);
    assert!(stderr(&commented).contains("commented on merge request !3"), "{}", stderr(&commented));
    let note = forge.requests().into_iter().find(|r| r.method == "POST").unwrap();
    let form = String::from_utf8(note.body).unwrap();
    assert!(form.starts_with("body=%3C%21--+kaizen-ci+--%3E%0A%23+What+changed"), "{form}");

    // A first run on a project: the API's 404 is "no baseline yet".
    let mut develop = env.to_vec();
    develop.retain(|(name, _)| *name != "CI_DEFAULT_BRANCH");
    develop.push(("CI_DEFAULT_BRANCH", "develop"));
    let first = script(repo.path(), &["baseline", "other.json"], &develop);
    assert!(stderr(&first).contains("no baseline yet: no successful kaizen job on develop"), "{}", stderr(&first));
}

/// A release archive as cargo-dist lays it out, holding an executable `kaizen`.
fn release_archive(dir: &Path, triple: &str) -> Vec<u8> {
    let folder = dir.join(format!("kaizen-{triple}"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("kaizen"), "#!/bin/sh\necho kaizen 9.9.9\n").unwrap();
    std::fs::write(folder.join("README.md"), "Kaizen\n").unwrap();
    let status = Command::new("chmod").arg("+x").arg(folder.join("kaizen")).status().unwrap();
    assert!(status.success());
    let archive = dir.join("archive.tar.xz");
    let status = Command::new("tar")
        .arg("-cJf")
        .arg(&archive)
        .arg("-C")
        .arg(dir)
        .arg(format!("kaizen-{triple}"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(archive).unwrap()
}

#[test]
fn install_takes_a_release_only_with_its_checksum_and_says_when_it_cannot_build() {
    let work = tempfile::tempdir().unwrap();
    let machine = |flag: &str| String::from_utf8(Command::new("uname").arg(flag).output().unwrap().stdout).unwrap();
    let arch = machine("-m").trim().replace("arm64", "aarch64");
    let triple = format!("{arch}-unknown-linux-gnu");
    let archive = release_archive(work.path(), &triple);
    let digest = {
        let out = Command::new("sha256sum").arg(work.path().join("archive.tar.xz")).output().unwrap();
        String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
    };
    let name = format!("kaizen-{triple}.tar.xz");
    let forge = {
        let (name, digest) = (name.clone(), digest.clone());
        FakeForge::start(move |request: &Request, _| {
            let path = request.path().to_owned();
            if path == format!("/v9.9.9/{name}") || path == format!("/v6.6.6/{name}") {
                Reply::bytes(archive.clone())
            } else if path == format!("/v9.9.9/{name}.sha256") {
                Reply::bytes(format!("{digest} *{name}\n").into_bytes())
            } else if path == format!("/v6.6.6/{name}.sha256") {
                Reply::bytes(format!("{} *{name}\n", "0".repeat(64)).into_bytes())
            } else {
                Reply::status(404, "Not Found")
            }
        })
    };
    let env = [("KAIZEN_RELEASES", forge.base.as_str())];
    let dest = work.path().join("tools");
    let dest = dest.to_str().unwrap();

    let installed = script(work.path(), &["install", "v9.9.9", dest], &env);
    assert!(installed.status.success(), "{}", stderr(&installed));
    let ran = Command::new(Path::new(dest).join("bin/kaizen")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "kaizen 9.9.9\n");
    assert!(stderr(&installed).contains(&format!("(sha256 {digest})")));
    let again = script(work.path(), &["install", "v9.9.9", dest], &env);
    assert!(stderr(&again).contains("already in"), "a cached binary is kept");

    let other = work.path().join("other");
    let tampered = script(work.path(), &["install", "v6.6.6", other.to_str().unwrap()], &env);
    assert_eq!(tampered.status.code(), Some(2));
    assert!(stderr(&tampered).contains("checksum mismatch"), "{}", stderr(&tampered));
    assert!(!other.join("bin/kaizen").exists());

    // A commit has no release: it is built from the repository at that commit with cargo,
    // and with no cargo on the PATH the script says what to do.
    let source = work.path().join("kaizen-source");
    support::write_files(
        &source,
        &[
            ("Cargo.toml", "[package]\nname = \"kaizen\"\nversion = \"0.0.1\"\nedition = \"2021\"\n[workspace]\n"),
            ("src/main.rs", "fn main() { println!(\"kaizen built from source\"); }\n"),
        ],
    );
    support::git_at(&source, 1_700_000_000, &["init", "-q"]);
    support::git_at(&source, 1_700_000_000, &["add", "-A"]);
    support::git_at(&source, 1_700_000_000, &["commit", "-qm", "kaizen"]);
    let commit = support::git_at(&source, 1_700_000_000, &["rev-parse", "HEAD"]);
    let git = format!("file://{}", source.display());
    let unbuildable = script(work.path(), &["install", &commit, other.to_str().unwrap()], &env);
    assert_eq!(unbuildable.status.code(), Some(2));
    let said = stderr(&unbuildable);
    assert!(said.contains(&format!("no prebuilt kaizen at {}/{commit}/{name} (HTTP 404)", forge.base)), "{said}");
    assert!(said.contains("no cargo to build one"), "{said}");

    let with_cargo = tools(true);
    let kaizen_dir = Path::new(env!("CARGO_BIN_EXE_kaizen")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", kaizen_dir.display(), with_cargo.path().display());
    let cargo_home = work.path().join("cargo-home");
    let built = script(
        work.path(),
        &["install", &commit, other.to_str().unwrap()],
        &[
            ("KAIZEN_RELEASES", forge.base.as_str()),
            ("KAIZEN_GIT", git.as_str()),
            ("PATH", path.as_str()),
            ("CARGO_HOME", cargo_home.to_str().unwrap()),
        ],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let ran = Command::new(other.join("bin/kaizen")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "kaizen built from source\n");
}

/// The findings of a built-in plugin on a folder holding `files`.
fn judged(plugin: &str, files: &[(&str, &str)]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    support::write_files(dir.path(), files);
    let output = support::run(support::kaizen().args(["plugin", "run", plugin, "--target"]).arg(dir.path()));
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

fn status<'a>(response: &'a Value, check: &str) -> &'a str {
    response["findings"].as_array().unwrap().iter().find(|f| f["check"] == check).unwrap()["status"].as_str().unwrap()
}

/// Every `uses:` of a YAML text: pinned by a full commit, with the version in a comment.
fn unpinned(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix("uses: "))
        .filter(|uses| {
            let (reference, comment) = uses.split_once(" # ").unwrap_or((uses, ""));
            let sha = reference.rsplit_once('@').map_or("", |(_, s)| s);
            !(sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()) && comment.starts_with('v'))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_recommended_workflows_pass_kaizen_s_own_checks() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert_eq!(unpinned(&action), Vec::<String>::new(), "action.yml pins every action by commit");
    assert!(action.matches("uses: ").count() >= 4);
    // What the action runs is the tested script, and user input reaches it only through the
    // environment (never `${{ inputs.x }}` inside a shell script).
    let runs: Vec<&str> = action.split("run: ").skip(1).collect();
    assert!(runs.iter().all(|r| !r.split("\n    - ").next().unwrap().contains("${{")), "{action}");
    assert!(action.contains("integrations/kaizen-ci.sh\" install"));

    // The workflow the book recommends: Kaizen's security checks pass it, and it gates.
    let tracking = std::fs::read_to_string(root().join("book/src/guide/tracking.md")).unwrap();
    let workflow = tracking
        .split("<!-- check: github-actions, as Kaizen recommends, with the gate -->\n```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("tracking.md recommends a GitHub workflow");
    assert!(workflow.contains("uses: kaizen-dev/kaizen@") && workflow.contains("fail-on-regression: true"));
    let response = judged("security", &[(".github/workflows/maturity.yml", workflow), ("action.yml", &action)]);
    for check in ["pinned-actions", "workflow-permissions", "dangerous-workflow"] {
        assert_eq!(status(&response, check), "pass", "security/{check}: {response:#}");
    }
    // Kaizen reads the action itself too: its references are pinned, its scripts safe.
    let message = |check: &str| {
        let finding = response["findings"].as_array().unwrap().iter().find(|f| f["check"] == check).unwrap();
        finding["message"].as_str().unwrap().to_owned()
    };
    let references = workflow.matches("uses: ").count() + action.matches("uses: ").count();
    assert_eq!(message("pinned-actions"), format!("all {references} action references are pinned by commit SHA"));
    assert_eq!(message("dangerous-workflow"), "no dangerous pattern in 1 workflows and 1 composite action");
    let ci = judged("ci", &[(".github/workflows/maturity.yml", workflow)]);
    assert_eq!(ci["facts"]["ci.systems"], json!(["github-actions"]));

    // The GitLab component is a GitLab pipeline Kaizen reads, on schedules and merge requests.
    let component = std::fs::read_to_string(root().join("templates/kaizen.yml")).unwrap();
    let ci = judged("ci", &[(".gitlab-ci.yml", &component)]);
    assert_eq!(ci["facts"]["ci.systems"], json!(["gitlab-ci"]), "{ci:#}");
    let triggers = ci["facts"]["ci.triggers"].as_array().unwrap();
    assert!(triggers.contains(&json!("schedule")) && triggers.contains(&json!("pull_request")), "{triggers:?}");
    assert!(component.contains("kaizen-ci.sh install") && component.contains("kaizen-ci.sh baseline"));
}
