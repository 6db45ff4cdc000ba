//! Remote targets: repositories served by a real `git daemon` on loopback, cloned into the
//! cache on the first run and fetched on the next; only the history the plugins use is
//! fetched; a remote that cannot be reached is reported while the others are assessed.

use crate::support::{self, kaizen, run, test_plugin};
use serde_json::Value;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;

/// A `git daemon` serving every repository below `base` on a loopback port; stopped on
/// drop, with nothing left behind. The test owns every process: it accepts the connections
/// itself and runs one `git-daemon --inetd` per connection on the socket, as inetd would.
/// (A listening `git daemon` forks a server per connection, which outlives the daemon when
/// the daemon is killed while a client is connected.)
///
/// The test keeps a handle on each connection's socket until its server exits (a reaper
/// thread then closes it, so the client sees the server hang up, as with a real daemon);
/// on drop the connections still served are shut down, so their servers read the end of
/// their input and exit, and every server is waited for.
pub(crate) struct GitDaemon {
    pub(crate) port: u16,
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
    served: Arc<Mutex<Vec<(TcpStream, Child)>>>,
}

impl GitDaemon {
    pub(crate) fn start(base: &Path) -> GitDaemon {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let exec_path = Command::new("git").arg("--exec-path").output().expect("git runs").stdout;
        let program = Path::new(String::from_utf8_lossy(&exec_path).trim()).join("git-daemon");
        let base = base.to_path_buf();
        let stop = Arc::new(AtomicBool::new(false));
        let served: Arc<Mutex<Vec<(TcpStream, Child)>>> = Arc::default();
        let acceptor = {
            let (stop, served) = (stop.clone(), served.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let (input, output) = (stream.try_clone().unwrap(), stream.try_clone().unwrap());
                    let child = Command::new(&program)
                        .args(["--inetd", "--export-all", "--informative-errors"])
                        .arg(format!("--base-path={}", base.display()))
                        .arg(&base)
                        .stdin(Stdio::from(std::os::fd::OwnedFd::from(input)))
                        .stdout(Stdio::from(std::os::fd::OwnedFd::from(output)))
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("git daemon starts");
                    served.lock().unwrap().push((stream, child));
                }
            })
        };
        let reaper = {
            let (stop, served) = (stop.clone(), served.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    served.lock().unwrap().retain_mut(|(_, child)| child.try_wait().ok().flatten().is_none());
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        };
        GitDaemon { port, stop, threads: vec![acceptor, reaper], served }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("git://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the acceptor up, to see it must stop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        let served = std::mem::take(&mut *self.served.lock().unwrap_or_else(|e| e.into_inner()));
        for (stream, mut child) in served {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            drop(stream);
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
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

/// The shapes real repositories come in, each served bare below `served/`:
///
/// | path | shape |
/// | --- | --- |
/// | `one.git` | one branch, `main`, one commit |
/// | `trunk.git` | one branch, `trunk`, which is the default |
/// | `empty.git` | no commit at all |
/// | `tags.git` | no branch, two tags (`v1` older, `v2` newer) |
/// | `old.git` | one branch whose only commits are 900 days old |
/// | `sub.git` | a submodule `vendor/lib` (pointing at `one.git`) |
/// | `lfs.git` | two Git LFS pointer files, as a clone without LFS sees them |
struct Shapes {
    dir: tempfile::TempDir,
    daemon: GitDaemon,
}

impl Shapes {
    fn served(&self) -> PathBuf {
        self.dir.path().join("served")
    }

    fn git_url(&self, name: &str) -> String {
        self.daemon.url(&format!("{name}.git"))
    }

    fn file_url(&self, name: &str) -> String {
        format!("file://{}/{name}.git", self.served().display())
    }
}

fn one_commit(dir: &Path, days_ago: i64, branch: &str, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, days_ago, &["init", "-q", "-b", branch]);
    support::write_files(dir, files);
    git(dir, days_ago, &["add", "-A"]);
    git(dir, days_ago, &["commit", "-q", "-m", "Initial commit"]);
}

fn bare(root: &Path, work: &Path, name: &str) {
    git(root, 0, &["clone", "-q", "--bare", work.to_str().unwrap(), &format!("served/{name}.git")]);
}

fn shapes() -> Shapes {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("served")).unwrap();
    let work = |name: &str| root.join("work").join(name);

    one_commit(&work("one"), 5, "main", &[("README.md", "one\n")]);
    bare(root, &work("one"), "one");
    one_commit(&work("trunk"), 5, "trunk", &[("README.md", "trunk\n")]);
    bare(root, &work("trunk"), "trunk");
    git(root, 0, &["init", "-q", "--bare", "-b", "main", "served/empty.git"]);

    // Tags only: a repository whose branches were deleted, as release mirrors are.
    one_commit(&work("tags"), 30, "main", &[("README.md", "v1\n")]);
    git(&work("tags"), 30, &["tag", "-a", "v1", "-m", "v1"]);
    support::write_files(&work("tags"), &[("README.md", "v2\n")]);
    git(&work("tags"), 3, &["commit", "-q", "-am", "Second"]);
    git(&work("tags"), 3, &["tag", "-a", "v2", "-m", "v2"]);
    git(root, 0, &["init", "-q", "--bare", "served/tags.git"]);
    git(&work("tags"), 0, &["push", "-q", root.join("served/tags.git").to_str().unwrap(), "--tags"]);

    one_commit(&work("old"), 900, "main", &[("README.md", "old\n")]);
    bare(root, &work("old"), "old");

    one_commit(&work("sub"), 5, "main", &[("README.md", "sub\n")]);
    let one = format!("file://{}", root.join("served/one.git").display());
    git(&work("sub"), 5, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", &one, "vendor/lib"]);
    git(&work("sub"), 5, &["commit", "-q", "-m", "Add a submodule"]);
    bare(root, &work("sub"), "sub");

    let pointer = |oid: &str| format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 12345\n");
    let (a, b) = (pointer(&"a".repeat(64)), pointer(&"b".repeat(64)));
    one_commit(
        &work("lfs"),
        5,
        "main",
        &[
            (".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n"),
            ("assets/model.bin", &a),
            ("assets/data.bin", &b),
            ("README.md", "lfs\n"),
        ],
    );
    bare(root, &work("lfs"), "lfs");

    let daemon = GitDaemon::start(&root.join("served"));
    Shapes { dir, daemon }
}

fn warnings_of(target: &Value) -> Vec<String> {
    target["warnings"]
        .as_array()
        .map(|w| w.iter().map(|w| w.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// Checks the outcome of each shape in one result (targets assessed together).
fn check_shapes(shapes: &Shapes, url: &dyn Fn(&str) -> String, stderr: &str, result: &Value) {
    let target = |name: &str| -> &Value {
        result["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["path"] == url(name))
            .unwrap_or_else(|| panic!("{} was not assessed: {stderr}\n{:#}", url(name), result["unavailable"]))
    };
    let head_of = |name: &str| git(&shapes.served().join(format!("{name}.git")), 0, &["rev-parse", "HEAD"]);
    for name in ["one", "trunk"] {
        let facts = &target(name)["facts"]["echo.git"];
        assert_eq!(facts["head"].as_str(), Some(&*head_of(name)), "{name}: {facts}");
        assert_eq!(facts["commits"]["count"], 1, "{name}: {facts}");
        assert!(warnings_of(target(name)).is_empty(), "{name}: {:?}", warnings_of(target(name)));
    }
    let tags = target("tags");
    let v2 = git(&shapes.served().join("tags.git"), 0, &["rev-parse", "v2^{commit}"]);
    assert_eq!(tags["facts"]["echo.git"]["head"].as_str(), Some(&*v2), "the newest tag is checked out");
    assert_eq!(warnings_of(tags), ["the repository has no branch: assessed at its newest tag, v2"]);

    let old = &target("old")["facts"]["echo.git"];
    assert_eq!(old["head"].as_str(), Some(&*head_of("old")), "{old}");
    assert_eq!(old["commits"]["count"], 0, "nothing inside the window: {old}");

    let sub = target("sub");
    assert_eq!(warnings_of(sub), ["1 submodule not followed, so not assessed: vendor/lib"]);
    let lfs = target("lfs");
    assert_eq!(
        warnings_of(lfs),
        ["2 Git LFS files not downloaded, assessed as pointers only: assets/data.bin, assets/model.bin"]
    );

    let empty = result["unavailable"].as_array().unwrap().iter().find(|u| u["target"] == url("empty")).unwrap();
    let reason = empty["reason"].as_str().unwrap();
    assert!(
        reason.contains("the repository is empty") && reason.contains("You appear to have cloned an empty repository"),
        "git's own words: {reason}"
    );
    assert!(stderr.contains(&format!("{}: not assessed: {reason}", url("empty"))), "{stderr}");
}

#[test]
fn every_shape_of_repository_is_assessed_over_git_and_file_urls_together_and_alone() {
    let shapes = shapes();
    let names = ["one", "trunk", "empty", "tags", "old", "sub", "lfs"];
    let git_url = |n: &str| shapes.git_url(n);
    let file_url = |n: &str| shapes.file_url(n);
    for url in [&git_url as &dyn Fn(&str) -> String, &file_url] {
        // Several targets at once.
        let cache = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let urls: Vec<String> = names.iter().map(|n| url(n)).collect();
        let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
        let (ok, stderr, result) = assess(cache.path(), out.path(), &urls, &[]);
        assert!(ok, "{stderr}");
        check_shapes(&shapes, url, &stderr, &result);
        // The second run fetches every clone and finds the same.
        let (ok, stderr, again) = assess(cache.path(), out.path(), &urls, &[]);
        assert!(ok, "{stderr}");
        for name in names.iter().filter(|n| **n != "empty") {
            assert!(stderr.contains(&format!("fetched {}", url(name))), "{name}: {stderr}");
        }
        check_shapes(&shapes, url, &stderr, &again);

        // One target alone: each assessable shape succeeds; the empty one explains itself.
        for name in names {
            let cache = tempfile::tempdir().unwrap();
            let out = tempfile::tempdir().unwrap();
            let (ok, stderr, result) = assess(cache.path(), out.path(), &[&url(name)], &[]);
            if name == "empty" {
                assert!(!ok, "{stderr}");
                assert!(
                    stderr.contains(&format!(
                        "no target could be assessed\n  {}: {} has nothing to assess",
                        url(name),
                        url(name)
                    )) && stderr.contains("You appear to have cloned an empty repository"),
                    "the reason, in git's words: {stderr}"
                );
            } else {
                assert!(ok, "{name}: {stderr}");
                assert_eq!(result["targets"].as_array().unwrap().len(), 1, "{name}");
                assert_eq!(result["unavailable"].as_array().map_or(0, Vec::len), 0, "{name}: {stderr}");
            }
        }
    }
}

#[test]
fn a_branch_force_pushed_between_two_runs_is_assessed_as_it_now_is() {
    let shapes = shapes();
    let work = shapes.dir.path().join("work/one");
    let served = shapes.served().join("one.git");
    git(&work, 0, &["remote", "add", "origin", served.to_str().unwrap()]);
    for url in [shapes.git_url("one"), shapes.file_url("one")] {
        let cache = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let (ok, stderr, _) = assess(cache.path(), out.path(), &[&url], &[]);
        assert!(ok, "{stderr}");
        // History rewritten on the server: the old commit replaced by two new ones.
        support::write_files(&work, &[("README.md", &format!("rewritten for {url}\n"))]);
        git(&work, 2, &["commit", "-q", "--amend", "-am", "Rewritten"]);
        support::write_files(&work, &[("CHANGELOG.md", &format!("next after {url}\n"))]);
        git(&work, 1, &["add", "CHANGELOG.md"]);
        git(&work, 1, &["commit", "-q", "-m", "Next"]);
        git(&work, 0, &["push", "-q", "--force", "origin", "main"]);
        let (ok, stderr, result) = assess(cache.path(), out.path(), &[&url], &[]);
        assert!(ok && stderr.contains(&format!("fetched {url}")), "{stderr}");
        let facts = &result["targets"][0]["facts"]["echo.git"];
        assert_eq!(facts["head"].as_str(), Some(&*git(&work, 0, &["rev-parse", "HEAD"])), "{facts}");
        let count: u64 = git(&work, 0, &["rev-list", "--count", "HEAD"]).parse().unwrap();
        assert_eq!(facts["commits"]["count"], count, "the rewritten history, not the old one: {facts}");
    }
}

/// A loopback TCP proxy in front of the git daemon that cuts its first `cuts` connections
/// after `after` bytes from the server, as a server dying mid-clone would.
fn cutting_proxy(to: u16, cuts: usize, after: usize) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for (n, client) in listener.incoming().enumerate() {
            let Ok(mut client) = client else { return };
            let Ok(mut server) = TcpStream::connect(("127.0.0.1", to)) else { return };
            let (mut client_in, mut server_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut client_in, &mut server_out);
            });
            let limit = if n < cuts { after } else { usize::MAX };
            std::thread::spawn(move || {
                let mut sent = 0;
                let mut buf = [0u8; 8192];
                while let Ok(read) = server.read(&mut buf) {
                    if read == 0 || sent >= limit {
                        break;
                    }
                    let take = read.min(limit - sent);
                    if client.write_all(&buf[..take]).is_err() {
                        break;
                    }
                    sent += take;
                }
                let _ = client.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    port
}

#[test]
fn a_server_that_dies_mid_clone_leaves_no_half_clone_and_the_next_run_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    // Enough incompressible content that the pack is still arriving when the server dies.
    let mut noise = String::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..60_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise.push_str(&format!("{x:016x}\n"));
    }
    one_commit(&work, 5, "main", &[("data.txt", &noise), ("README.md", "big\n")]);
    std::fs::create_dir_all(dir.path().join("served")).unwrap();
    bare(dir.path(), &work, "big");
    let daemon = GitDaemon::start(&dir.path().join("served"));
    let port = cutting_proxy(daemon.port, 1, 64 * 1024);
    let url = format!("git://127.0.0.1:{port}/big.git");
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();

    let (ok, stderr, _) = assess(cache.path(), out.path(), &[&url], &[]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains(&format!("{url}: cannot clone {url}: git clone: ")), "{stderr}");
    assert!(
        stderr.contains("early EOF") || stderr.contains("hung up") || stderr.contains("fetch-pack"),
        "git's own words: {stderr}"
    );
    let left: Vec<PathBuf> = walkdir::WalkDir::new(cache.path().join("repos"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir() && e.depth() == 2)
        .map(|e| e.into_path())
        .collect();
    assert!(left.is_empty(), "no half clone, nor its staging folder, is left: {left:?}");

    let (ok, stderr, result) = assess(cache.path(), out.path(), &[&url], &[]);
    assert!(ok && stderr.contains(&format!("cloned {url}")), "{stderr}");
    let head = git(&dir.path().join("served/big.git"), 0, &["rev-parse", "HEAD"]);
    assert_eq!(result["targets"][0]["facts"]["echo.git"]["head"].as_str(), Some(&*head));
}

/// The processes whose command line mentions `text`, as `pid: command line` (zombies, which
/// have none, are left out).
fn processes_mentioning(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(text) {
            found.push(format!("{}: {}", entry.file_name().to_string_lossy(), cmdline.trim()));
        }
    }
    found
}

/// Nothing a test's git daemon started outlives it, not even the process serving a client
/// that is still connected when the daemon is stopped.
#[test]
fn a_stopped_git_daemon_leaves_no_process_behind() {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("served-by-a-daemon-that-is-stopped");
    std::fs::create_dir_all(&served).unwrap();
    let marker = served.display().to_string();
    let daemon = GitDaemon::start(&served);
    // A client that connects and says nothing: a process serves it (a listening daemon's
    // `--serve` child, or an `--inetd` one), waiting for its request.
    let client = TcpStream::connect(("127.0.0.1", daemon.port)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let serving = || processes_mentioning(&marker).iter().any(|p| p.contains(" --serve ") || p.contains(" --inetd "));
    while !serving() {
        assert!(Instant::now() < deadline, "no process serves the client: {:?}", processes_mentioning(&marker));
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(daemon);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !processes_mentioning(&marker).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(processes_mentioning(&marker), Vec::<String>::new(), "left running after the daemon was stopped");
    drop(client);
}
