//! Remote targets: repositories served by a real `git daemon` on loopback, cloned into the
//! cache on the first run and fetched on the next; only the history the plugins use is
//! fetched; a remote that cannot be reached is reported while the others are assessed.

use crate::support::{self, kaizen, run, test_plugin};
use serde_json::Value;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;

/// A `git daemon` serving every repository below `base` on a free loopback port; stopped on drop.
struct GitDaemon {
    child: Child,
    port: u16,
}

impl GitDaemon {
    fn start(base: &Path) -> GitDaemon {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("git")
            .args(["daemon", "--reuseaddr", "--export-all", "--informative-errors", "--listen=127.0.0.1"])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "git daemon did not listen on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        GitDaemon { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("git://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs git in `dir`, isolated from the user's configuration, at `days_ago` before now.
fn git(dir: &Path, days_ago: i64, args: &[&str]) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    crate::support::git_at(dir, now - days_ago * DAY, args)
}

fn commit(dir: &Path, days_ago: i64, message: &str) {
    std::fs::write(dir.join("log.txt"), format!("{message}\n")).unwrap();
    git(dir, days_ago, &["add", "log.txt"]);
    git(dir, days_ago, &["commit", "-q", "-m", message]);
}

/// An organisation on a git server: `acme/api.git`, pushed from a working repository
/// with this history on `main`:
///
/// ```text
/// 500d  Initial commit            (outside a 365-day window)
/// 400d  Old work                  (outside)   branch `legacy` ends here
/// 100d  Feature A                 tag v1.0.0
///  10d  Feature B                 tag v1.1.0
/// ```
struct Server {
    _dir: tempfile::TempDir,
    work: PathBuf,
    daemon: GitDaemon,
}

fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    git(&work, 500, &["init", "-q", "-b", "main"]);
    commit(&work, 500, "Initial commit");
    commit(&work, 400, "Old work");
    git(&work, 400, &["branch", "legacy"]);
    commit(&work, 100, "Feature A");
    git(&work, 100, &["tag", "v1.0.0"]);
    commit(&work, 10, "Feature B");
    git(&work, 10, &["tag", "v1.1.0"]);
    let served = dir.path().join("served");
    std::fs::create_dir_all(served.join("acme")).unwrap();
    git(dir.path(), 0, &["clone", "-q", "--bare", work.to_str().unwrap(), "served/acme/api.git"]);
    git(&work, 0, &["remote", "add", "origin", served.join("acme/api.git").to_str().unwrap()]);
    let daemon = GitDaemon::start(&served);
    Server { _dir: dir, work, daemon }
}

/// `kaizen assess` of the given targets with the git_echo test plugin only, in a cache and
/// an output folder of the test's; returns the exit status, stderr and result.json.
fn assess(cache: &Path, out: &Path, targets: &[&str], extra: &[&str]) -> (bool, String, Value) {
    let output = run(kaizen()
        .arg("assess")
        .args(targets)
        .arg("--plugins")
        .arg(test_plugin("git_echo"))
        .args(["--only", "git_echo", "--cache"])
        .arg(cache)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let result = std::fs::read(out.join("result.json"))
        .map(|bytes| serde_json::from_slice(&bytes).unwrap())
        .unwrap_or(Value::Null);
    (output.status.success(), stderr, result)
}

#[test]
fn a_remote_is_cloned_with_the_window_of_history_then_fetched() {
    let server = server();
    let url = server.daemon.url("acme/api.git");
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();

    let (ok, stderr, result) = assess(cache.path(), out.path(), &[&url], &[]);
    assert!(ok && stderr.contains(&format!("cloned {url}")), "{stderr}");
    let t = &result["targets"][0];
    assert_eq!((t["name"].as_str(), t["path"].as_str(), t["kind"].as_str()), (Some("api"), Some(&*url), Some("git")));
    let facts = &t["facts"]["echo.git"];
    assert_eq!(facts["commits"]["count"], 2, "the two commits inside the window: {facts}");
    assert_eq!(facts["shallow"], true, "history before the window is not fetched");
    let tags: Vec<&str> = facts["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tags, ["v1.0.0", "v1.1.0"]);
    let branches: Vec<&str> =
        facts["branches"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert!(branches.contains(&"origin/legacy"), "other branches' tips are fetched for their age: {branches:?}");

    // A new commit on the server: the second run fetches it instead of cloning again.
    commit(&server.work, 1, "Feature C");
    git(&server.work, 0, &["push", "-q", "origin", "main"]);
    let (ok, stderr, result) = assess(cache.path(), out.path(), &[&url], &[]);
    assert!(ok && stderr.contains(&format!("fetched {url}")), "{stderr}");
    let facts = &result["targets"][0]["facts"]["echo.git"];
    assert_eq!(facts["commits"]["count"], 3, "{facts}");
    assert_eq!(facts["head"].as_str(), Some(&*git(&server.work, 0, &["rev-parse", "HEAD"])));

    // Offline: the cached clone as it is, without asking the server.
    drop(server);
    let (ok, stderr, result) = assess(cache.path(), out.path(), &[&url], &["--offline"]);
    assert!(ok && stderr.contains(&format!("using the cached clone of {url}")), "{stderr}");
    assert_eq!(result["targets"][0]["facts"]["echo.git"]["commits"]["count"], 3);
}

#[test]
fn only_the_tip_is_fetched_when_no_plugin_reads_history() {
    let server = server();
    let url = server.daemon.url("acme/api.git");
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let output =
        run(kaizen().args(["assess", &url, "--only", "ci", "--cache"]).arg(cache.path()).arg("--out").arg(out.path()));
    assert!(output.status.success());
    let clone = walkdir::WalkDir::new(cache.path().join("repos"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name() == ".git")
        .expect("the clone is in the cache")
        .into_path();
    let count = git(clone.parent().unwrap(), 0, &["rev-list", "--count", "HEAD"]);
    assert_eq!(count, "1", "a depth-1 clone");
}

#[test]
fn an_unreachable_remote_is_reported_and_the_others_are_assessed() {
    let server = server();
    let good = server.daemon.url("acme/api.git");
    let missing = server.daemon.url("acme/missing.git");
    let closed =
        format!("git://127.0.0.1:{}/x.git", TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port());
    let local = support::copy_fixture("assess/none");
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (ok, stderr, result) =
        assess(cache.path(), out.path(), &[&good, &missing, &closed, local.path().to_str().unwrap()], &[]);
    assert!(ok, "{stderr}");
    let names: Vec<&str> = result["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "api");
    let unavailable = result["unavailable"].as_array().unwrap();
    assert_eq!(unavailable.len(), 2);
    assert_eq!(unavailable[0]["target"].as_str(), Some(&*missing));
    assert!(unavailable[0]["reason"].as_str().unwrap().starts_with(&format!("cannot clone {missing}: ")));
    assert_eq!(unavailable[1]["target"].as_str(), Some(&*closed));
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(report.contains("**Not assessed** (2)"), "{report}");

    // Nothing at all to assess is an error.
    let (ok, stderr, _) = assess(cache.path(), out.path(), &[&closed], &[]);
    assert!(!ok && stderr.contains("no target could be assessed"), "{stderr}");
    // Offline with nothing cached.
    let (ok, _, result) = assess(cache.path(), out.path(), &[&missing, local.path().to_str().unwrap()], &["--offline"]);
    assert!(ok);
    assert!(result["unavailable"][0]["reason"].as_str().unwrap().contains("--offline forbids cloning"));
}

#[test]
fn targets_of_the_assessment_file_can_be_urls_with_labels() {
    let server = server();
    let url = server.daemon.url("acme/api.git");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kaizen.toml");
    std::fs::write(
        &config,
        format!("[[targets]]\nurl = \"{url}\"\nlabels = {{ team = \"payments\" }}\n\n[assess]\nout = \"report\"\n"),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let output =
        run(kaizen().arg("assess").arg("--config").arg(&config).args(["--only", "ci", "--cache"]).arg(cache.path()));
    assert!(output.status.success());
    let result: Value = serde_json::from_slice(&std::fs::read(dir.path().join("report/result.json")).unwrap()).unwrap();
    assert_eq!(result["targets"][0]["name"], "api");
    assert_eq!(result["targets"][0]["labels"]["team"], "payments");
    assert_eq!(result["targets"][0]["facts"]["ci.systems"], serde_json::json!([]));
}

#[test]
fn the_token_reaches_git_through_the_credential_helper_only() {
    let helper = kaizen::collect::remote::token_helper();
    assert!(!helper.contains("s3cr3t-token"));
    let mut child = Command::new("git")
        .args(["-c", &format!("credential.helper={helper}"), "credential", "fill"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env(kaizen::collect::remote::TOKEN_VAR, "s3cr3t-token")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"protocol=https\nhost=git.example.com\n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("username=x-access-token\n") && text.contains("password=s3cr3t-token\n"), "{text}");
}
