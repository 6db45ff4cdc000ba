//! Whole organisations: repositories listed through a fake GitHub or GitLab API on loopback
//! (pages, a rate limit, a server error, archived repositories and forks, topics), served
//! by a real `git daemon`, cloned in parallel and assessed in one command; the token never
//! leaves the requests it belongs to.

use crate::remote::GitDaemon;
use crate::support::forge::{FakeForge, Reply, Request};
use crate::support::{self, kaizen, run, test_plugin};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

const GITHUB_TOKEN: &str = "ghp_kaizenOrgToken0123456789abcdef";
const GITLAB_TOKEN: &str = "glpat-kaizenGroupToken0123456789";

/// A working repository with one commit, cloned bare to `served/<path>.git`.
fn serve_repository(root: &Path, work: &Path, path: &str) {
    let target = root.join("served").join(format!("{path}.git"));
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    support::git_at(root, 1_767_225_600, &["clone", "-q", "--bare", work.to_str().unwrap(), target.to_str().unwrap()]);
}

fn work_repository(root: &Path, name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let work = root.join("work").join(name);
    std::fs::create_dir_all(&work).unwrap();
    support::git_at(&work, 1_767_225_600, &["init", "-q", "-b", "main"]);
    support::write_files(&work, files);
    support::git_at(&work, 1_767_225_600, &["add", "-A"]);
    support::git_at(&work, 1_767_225_600, &["commit", "-q", "-m", "Initial commit"]);
    work
}

/// `kaizen assess` with `args`, the git_echo and evidence_echo test plugins only, in the test's cache and
/// output folders, with `env`; returns success, stderr and result.json.
fn assess(cache: &Path, out: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String, Value) {
    let mut cmd = kaizen();
    cmd.arg("assess")
        .args(args)
        .arg("--plugins")
        .arg(test_plugin("git_echo"))
        .arg("--plugins")
        .arg(test_plugin("evidence_echo"))
        .args(["--only", "git_echo,evidence_echo", "--cache"])
        .arg(cache)
        .arg("--out")
        .arg(out)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("GITLAB_TOKEN")
        .env_remove("KAIZEN_GIT_TOKEN");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let output = run(&mut cmd);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let result = std::fs::read(out.join("result.json"))
        .map(|bytes| serde_json::from_slice(&bytes).unwrap())
        .unwrap_or(Value::Null);
    (output.status.success(), stderr, result)
}

/// Every file below `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walk(dir) {
        if std::fs::read(&entry).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes())) {
            found.push(entry.display().to_string());
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn target_names(result: &Value) -> Vec<String> {
    let mut names: Vec<String> =
        result["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

fn target<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["targets"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

/// The organisation `acme` on GitHub: 120 repositories to assess, and 3 archived and 2 forks
/// among them, listed 50 to a page (3 pages). Page 2 is first refused with an exhausted
/// rate limit that resets in a second; page 3 first fails with a 500.
#[test]
fn an_organisation_of_120_repositories_is_listed_filtered_cloned_and_assessed_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plain = work_repository(root, "plain", &[("README.md", "a service\n")]);
    let mut listed = Vec::new();
    for i in 0..120 {
        let name = format!("svc-{i:03}");
        serve_repository(root, &plain, &format!("acme/{name}"));
        listed.push((name, false, false));
    }
    for i in 0..3 {
        listed.push((format!("old-{i}"), true, false));
    }
    for i in 0..2 {
        listed.push((format!("fork-{i}"), false, true));
    }
    // The API lists by name, as GitHub does with sort=full_name.
    listed.sort();
    let daemon = GitDaemon::start(&root.join("served"));
    let port = daemon.port;
    let limited = AtomicBool::new(false);
    let failed = AtomicBool::new(false);
    let forge = FakeForge::start(move |request: &Request, base: &str| {
        if request.path().starts_with("/repos/acme/svc-") && request.path().ends_with("/actions/runs") {
            return Reply::json(r#"{"total_count": 0, "workflow_runs": []}"#);
        }
        if request.path() != "/orgs/acme/repos" {
            return Reply::status(404, r#"{"message": "Not Found"}"#);
        }
        let page: usize = request.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        if page == 2 && !limited.swap(true, Ordering::SeqCst) {
            let reset = jiff::Timestamp::now().as_second() + 1;
            return Reply::status(403, r#"{"message": "API rate limit exceeded"}"#)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", reset.to_string());
        }
        if page == 3 && !failed.swap(true, Ordering::SeqCst) {
            return Reply::status(500, r#"{"message": "Server Error"}"#);
        }
        let repos: Vec<Value> = listed
            .iter()
            .skip((page - 1) * 50)
            .take(50)
            .map(|(name, archived, fork)| {
                let topics: Vec<&str> = if name == "svc-001" { vec!["team-payments", "backend"] } else { vec![] };
                json!({
                    "name": name,
                    "full_name": format!("acme/{name}"),
                    "clone_url": format!("git://127.0.0.1:{port}/acme/{name}.git"),
                    "archived": archived,
                    "fork": fork,
                    "topics": topics,
                    "pushed_at": "2026-11-01T10:00:00Z",
                })
            })
            .collect();
        let mut reply = Reply::json(Value::Array(repos).to_string()).header("x-ratelimit-remaining", "4000");
        if page < 3 {
            let next = format!("{base}/orgs/acme/repos?per_page=100&type=all&page={}", page + 1);
            reply = reply.header("link", format!("<{next}>; rel=\"next\""));
        }
        reply
    });

    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let args = ["--github-org", "acme", "--github-api", &forge.base, "--with-runs", "-vvv"];
    let (ok, stderr, result) = assess(cache.path(), out.path(), &args, &[("GITHUB_TOKEN", GITHUB_TOKEN)]);
    assert!(ok, "{stderr}");

    let expected: Vec<String> = (0..120).map(|i| format!("svc-{i:03}")).collect();
    assert_eq!(target_names(&result), expected, "every repository but the archived ones and the forks");
    assert!(result["unavailable"].as_array().is_none_or(Vec::is_empty), "{stderr}");
    for t in result["targets"].as_array().unwrap() {
        assert!(t["facts"]["echo.git"]["head"].is_string(), "{} was cloned and read: {t}", t["name"]);
    }
    let labels = &target(&result, "svc-001")["labels"];
    assert_eq!(labels, &json!({"topic.backend": "yes", "topic.team-payments": "yes"}));

    assert!(
        stderr.contains("GitHub organisation acme: 120 repositories to assess; left out: 3 archived, 2 forks"),
        "{stderr}"
    );
    assert!(stderr.contains("GitHub API rate limit: waiting"), "the pause is said: {stderr}");
    assert!(stderr.contains("answered HTTP 500"), "the retry is said: {stderr}");
    assert!(stderr.contains("remote targets: 120 cloned, 0 fetched, 0 reused from the cache;"), "{stderr}");

    let requests = forge.requests();
    let listing: Vec<&Request> = requests.iter().filter(|r| r.path() == "/orgs/acme/repos").collect();
    let pages: Vec<&str> = listing.iter().map(|r| r.query("page").unwrap_or("1")).collect();
    assert_eq!(pages, ["1", "2", "2", "3", "3"], "each refused page is asked again once");
    // --with-runs: every repository's workflow runs, asked once each.
    let mut runs: Vec<&str> = requests.iter().map(Request::path).filter(|p| p.ends_with("/actions/runs")).collect();
    runs.sort();
    let expected_runs: Vec<String> = expected.iter().map(|n| format!("/repos/acme/{n}/actions/runs")).collect();
    assert_eq!(runs, expected_runs);
    for request in &requests {
        assert_eq!(request.header("authorization"), Some(format!("Bearer {GITHUB_TOKEN}").as_str()));
    }
    // The token is in no output, log, error or clone.
    assert!(!stderr.contains(GITHUB_TOKEN), "{stderr}");
    assert_eq!(files_containing(out.path(), GITHUB_TOKEN), Vec::<String>::new());
    assert_eq!(files_containing(cache.path(), GITHUB_TOKEN), Vec::<String>::new());
}

/// A GitLab group with subgroups, from the assessment file, beside a GitHub organisation
/// that does not exist and a folder: the group's projects are assessed (two named `api`
/// take their paths), the missing organisation is listed as not assessed with the API's
/// words, and the rest goes on.
#[test]
fn a_gitlab_group_from_the_assessment_file_is_assessed_beside_an_organisation_that_is_not_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plain = work_repository(root, "plain", &[("README.md", "a project\n")]);
    let projects = [
        ("acme/payments/api", false, false, vec![]),
        ("acme/payments/mirror", false, true, vec![]),
        ("acme/platform/api", false, false, vec!["team-platform"]),
        ("acme/platform/old", true, false, vec![]),
        ("acme/platform/web", false, false, vec!["team-web", "frontend"]),
        ("acme/sandbox/toy", false, false, vec![]),
    ];
    for (path, ..) in &projects {
        serve_repository(root, &plain, path);
    }
    let daemon = GitDaemon::start(&root.join("served"));
    let port = daemon.port;
    let forge = FakeForge::start(move |request: &Request, base: &str| {
        match request.path() {
            "/api/v4/groups/acme/projects" => {}
            "/api/v4/projects/acme%2Fplatform%2Fweb/pipelines" => {
                let pipeline = |id: u32, status: &str, day: u32| {
                    json!({
                        "id": id, "iid": id, "project_id": 7, "sha": format!("{id:040}"), "ref": "main",
                        "status": status, "source": "push",
                        "created_at": format!("2026-11-{day:02}T10:00:00.000Z"),
                        "updated_at": format!("2026-11-{day:02}T10:06:00.000Z"),
                        "web_url": format!("https://gitlab.example/acme/platform/web/-/pipelines/{id}"),
                    })
                };
                let page =
                    json!([pipeline(903, "success", 20), pipeline(902, "failed", 19), pipeline(901, "success", 18)]);
                return Reply::json(page.to_string());
            }
            path if path.starts_with("/api/v4/projects/") && path.ends_with("/pipelines") => return Reply::json("[]"),
            "/orgs/ghost/repos" | "/users/ghost/repos" => return Reply::status(404, r#"{"message": "Not Found"}"#),
            _ => return Reply::status(404, r#"{"message": "404 Not Found"}"#),
        }
        let page: usize = request.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let listed: Vec<Value> = projects
            .iter()
            .skip((page - 1) * 3)
            .take(3)
            .map(|(path, archived, fork, topics)| {
                let mut project = json!({
                    "path_with_namespace": path,
                    "http_url_to_repo": format!("git://127.0.0.1:{port}/{path}.git"),
                    "archived": archived,
                    "topics": topics,
                    "last_activity_at": "2026-11-01T10:00:00.000Z",
                });
                if *fork {
                    project["forked_from_project"] = json!({"id": 1, "path_with_namespace": "upstream/mirror"});
                }
                project
            })
            .collect();
        let mut reply = Reply::json(Value::Array(listed).to_string()).header("ratelimit-remaining", "1000");
        if page == 1 {
            let next = format!("{base}/api/v4/groups/acme/projects?include_subgroups=true&page=2");
            reply = reply.header("link", format!("<{next}>; rel=\"next\""));
        }
        reply
    });
    let local = work_repository(root, "local-tool", &[("README.md", "a tool\n")]);
    let config = root.join("kaizen.toml");
    std::fs::write(
        &config,
        format!(
            r#"[github]
api = "{base}"

[gitlab]
api = "{base}/api/v4"

[[targets]]
path = "{local}"

[[sources]]
gitlab_group = "acme"
runs = true
exclude = ["sandbox/**"]
topic_labels = ["team"]
labels = {{ client = "acme" }}

[[sources]]
github_org = "ghost"
"#,
            base = forge.base,
            local = local.display()
        ),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let env = [("GITLAB_TOKEN", GITLAB_TOKEN), ("GITHUB_TOKEN", GITHUB_TOKEN)];
    let (ok, stderr, result) = assess(cache.path(), out.path(), &["--config", config.to_str().unwrap(), "-v"], &env);
    assert!(ok, "{stderr}");
    assert_eq!(target_names(&result), ["acme/payments/api", "acme/platform/api", "local-tool", "web"]);
    assert_eq!(target(&result, "web")["labels"], json!({"client": "acme", "team": "web", "topic.frontend": "yes"}));
    assert_eq!(target(&result, "acme/platform/api")["labels"], json!({"client": "acme", "team": "platform"}));
    assert!(
        stderr.contains(
            "GitLab group acme: 3 repositories to assess; left out: 1 archived, 1 fork, 1 excluded by sandbox/**"
        ),
        "{stderr}"
    );
    let unavailable = result["unavailable"].as_array().unwrap();
    assert_eq!(unavailable.len(), 1, "{unavailable:?}");
    assert_eq!(unavailable[0]["target"], "GitHub organisation ghost");
    let reason = unavailable[0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("not listed: ") && reason.contains("/users/ghost/repos?"), "{reason}");
    assert!(reason.contains("HTTP 404: Not Found (not found, or the token cannot see it)"), "{reason}");
    assert!(stderr.contains(&format!("GitHub organisation ghost: not assessed: {reason}")), "{stderr}");

    // The scope, recorded and reported: what was listed, what was left out and why.
    let sources = result["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["source"], "GitLab group acme");
    assert_eq!(sources[0]["listed"], 6);
    assert_eq!(sources[0]["targets"], json!(["acme/payments/api", "acme/platform/api", "web"]));
    assert_eq!(
        sources[0]["left_out"],
        json!([
            {"repository": "acme/payments/mirror", "reason": "a fork"},
            {"repository": "acme/platform/old", "reason": "archived"},
            {"repository": "acme/sandbox/toy", "reason": "excluded by sandbox/**"},
        ])
    );
    assert!(sources[1]["incomplete"].as_str().unwrap().starts_with("not listed: "), "{}", sources[1]);
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    let line = md.lines().find(|l| l.starts_with("- GitLab group acme")).unwrap_or_else(|| panic!("{md}"));
    assert!(
        line.ends_with(
            "6 repositories listed, 3 assessed; left out: `acme/payments/mirror` (a fork), `acme/platform/old` \
             (archived), `acme/sandbox/toy` (excluded by sandbox/\\*\\*)"
        ),
        "{line}"
    );
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    let html = html.replace("&#x2f;", "/");
    assert!(html.contains("<code>acme/sandbox/toy</code> (excluded by sandbox/**)"), "the report shows the scope");

    // runs = true: every project's pipelines, fetched and read as an export of them is.
    let runs = &target(&result, "web")["facts"]["echo.pipelines"];
    assert_eq!(runs["summary"]["runs"]["total"], 3, "{runs}");
    assert!(runs["sources"][0]["url"].as_str().unwrap().ends_with("/api/v4/projects/acme%2Fplatform%2Fweb/pipelines"));

    let requests = forge.requests();
    let gitlab: Vec<&Request> = requests.iter().filter(|r| r.path().starts_with("/api/v4/groups/")).collect();
    assert_eq!(gitlab.len(), 2, "two pages");
    let pipelines: Vec<&Request> = requests.iter().filter(|r| r.path().ends_with("/pipelines")).collect();
    assert_eq!(pipelines.len(), 3, "one fetch per project assessed");
    assert!(pipelines
        .iter()
        .all(|r| r.query("updated_after").is_some() && r.header("private-token") == Some(GITLAB_TOKEN)));
    assert_eq!(gitlab[0].query("include_subgroups"), Some("true"));
    assert_eq!(gitlab[0].query("with_shared"), Some("false"));
    for request in &gitlab {
        assert_eq!(request.header("private-token"), Some(GITLAB_TOKEN));
        assert_eq!(request.header("authorization"), None);
    }
    for token in [GITHUB_TOKEN, GITLAB_TOKEN] {
        assert!(!stderr.contains(token), "{stderr}");
        assert_eq!(files_containing(out.path(), token), Vec::<String>::new());
    }

    // Two shards list the group alike and take complementary slices; merged, they are the
    // whole organisation, its scope and its failures once each.
    let parts = tempfile::tempdir().unwrap();
    for shard in ["1/2", "2/2"] {
        let part = parts.path().join(shard.replace('/', "-of-"));
        let args = ["--config", config.to_str().unwrap(), "--shard", shard];
        let (ok, stderr, _) = assess(cache.path(), &part, &args, &env);
        assert!(ok, "{stderr}");
    }
    let merged = parts.path().join("merged");
    let output = run(kaizen()
        .arg("merge")
        .arg(parts.path().join("1-of-2/result.json"))
        .arg(parts.path().join("2-of-2/result.json"))
        .arg("--out")
        .arg(&merged));
    assert!(output.status.success(), "{output:?}");
    let merged: Value = serde_json::from_slice(&std::fs::read(merged.join("result.json")).unwrap()).unwrap();
    assert_eq!(target_names(&merged), target_names(&result));
    assert_eq!(merged["unavailable"], result["unavailable"]);
    assert_eq!(merged["sources"], result["sources"]);
}

#[test]
fn organisation_flags_and_sources_that_are_wrong_are_refused_before_anything_runs() {
    let out = tempfile::tempdir().unwrap();
    let output = run(kaizen().args(["assess", "--github-org", "acme/platform", "--out"]).arg(out.path()));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--github-org acme/platform: not a GitHub organisation or user"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kaizen.toml");
    std::fs::write(
        &config,
        "[[sources]]\ngithub_org = \"acme\"\ngitlab_group = \"acme\"\n\n[[sources]]\ninclude = [\"[\"]\n\n\
         [[pipelines]]\ntarget = \"web\"\ngitlab = \"web\"\n\n\
         [[pipelines]]\ntarget = \"web\"\ngithub = \"acme/web\"\ngitlab = \"acme/web\"\n",
    )
    .unwrap();
    let output = run(kaizen().args(["assess", "--config"]).arg(&config).arg("--out").arg(out.path()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a source has either `github_org` or `gitlab_group`, not both"), "{stderr}");
    assert!(stderr.contains("kaizen.toml:3:16"), "positioned: {stderr}");
    assert!(stderr.contains("a source needs `github_org`"), "{stderr}");
    assert!(
        stderr.contains("kaizen.toml:10:10: error[config-invalid-repository]: `web` is not a GitLab project"),
        "{stderr}"
    );
    assert!(stderr.contains("a pipeline source has one of `file`, `github` or `gitlab`, not several"), "{stderr}");
}
