//! Git facts on real repositories built by the test with a known history: merges, tags
//! (annotated and lightweight), a revert, a hotfix, an SSH-signed commit; then a shallow
//! clone, an empty repository, the window and the commit cap; and the facts reaching a
//! plugin that declares `git = true`, with no personal data.

use crate::support::{self, test_plugin};
use kaizen::collect::git::{self, GitOptions};
use kaizen::collect::pipelines::{PipelineRun, PipelineRuns};
use kaizen::collect::Target;
use kaizen::judge;
use kaizen::plugin::{Registry, Runtime, RuntimeOptions};
use std::path::Path;
use std::process::Command;

/// 2026-06-01T00:00:00Z: "now" for every figure.
const NOW: i64 = 1_780_272_000;
const DAY: i64 = 86_400;

fn options() -> GitOptions {
    GitOptions { since_days: 365, max_commits: 100_000, now: NOW }
}

/// Runs git in `dir` as `who`, at `days_ago` before NOW, isolated from the user's config.
fn git(dir: &Path, who: (&str, &str), days_ago: i64, args: &[&str]) -> String {
    git_as(dir, who, who, days_ago, args)
}

/// Runs git with different author and committer.
fn git_as(dir: &Path, who: (&str, &str), committer: (&str, &str), days_ago: i64, args: &[&str]) -> String {
    let date = format!("@{} +0000", NOW - days_ago * DAY);
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("HOME", dir.parent().unwrap())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", who.0)
        .env("GIT_AUTHOR_EMAIL", who.1)
        .env("GIT_COMMITTER_NAME", committer.0)
        .env("GIT_COMMITTER_EMAIL", committer.1)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

const ALICE: (&str, &str) = ("Alice", "alice@example.com");
const BOB: (&str, &str) = ("Bob", "bob@example.com");
const CAROL: (&str, &str) = ("Carol", "carol@example.com");

fn commit(dir: &Path, who: (&str, &str), days_ago: i64, file: &str, message: &str) {
    commit_as(dir, who, who, days_ago, file, message);
}

/// A commit written by `who` and committed by `committer`.
fn commit_as(dir: &Path, who: (&str, &str), committer: (&str, &str), days_ago: i64, file: &str, message: &str) {
    std::fs::write(dir.join(file), format!("{message}\n")).unwrap();
    git(dir, who, days_ago, &["add", file]);
    git_as(dir, who, committer, days_ago, &["commit", "-q", "-m", message]);
}

/// A new repository `repo` on `branch`, in a home folder of its own.
fn new_repo(days_ago: i64, branch: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, ALICE, days_ago, &["init", "-q", "-b", branch]);
    (home, repo)
}

/// The history every test reads:
///
/// ```text
/// 400d  c1 Initial commit                     (outside the 365-day window)
/// 100d  c2 Add feature A                      tag v1.0.0 (annotated, 90d)
///  80d  c3 Feature B            (bob, branch feature)
///  70d  c4 Hotfix: crash on empty input
///  60d  c5 Merge branch 'feature'             (authored by alice, committed by carol)
///  50d  c6 Revert "Hotfix: crash on empty input"
///  40d  c7 Signed change        (SSH-signed)  tag v1.1.0 (lightweight)
///   3d  c8 Work after the release
/// ```
fn history() -> (tempfile::TempDir, std::path::PathBuf) {
    let (home, repo) = new_repo(400, "main");
    commit(&repo, ALICE, 400, "a.txt", "Initial commit");
    commit(&repo, ALICE, 100, "a.txt", "Add feature A");
    git(&repo, ALICE, 90, &["tag", "-a", "v1.0.0", "-m", "Release 1.0.0"]);
    git(&repo, BOB, 80, &["checkout", "-q", "-b", "feature"]);
    commit(&repo, BOB, 80, "b.txt", "Feature B");
    git(&repo, ALICE, 70, &["checkout", "-q", "main"]);
    commit(&repo, ALICE, 70, "c.txt", "Hotfix: crash on empty input");
    git_as(&repo, ALICE, CAROL, 60, &["merge", "-q", "--no-ff", "--no-edit", "feature"]);
    git(&repo, ALICE, 50, &["revert", "--no-edit", "HEAD~1"]);
    let key = home.path().join("signing-key");
    let keygen = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).output().unwrap();
    assert!(keygen.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&keygen.stderr));
    std::fs::write(repo.join("d.txt"), "signed\n").unwrap();
    git(&repo, ALICE, 40, &["add", "d.txt"]);
    let signing_key = format!("user.signingkey={}", key.display());
    git(&repo, ALICE, 40, &["-c", "gpg.format=ssh", "-c", &signing_key, "commit", "-q", "-S", "-m", "Signed change"]);
    git(&repo, ALICE, 40, &["tag", "v1.1.0"]);
    commit(&repo, ALICE, 3, "e.txt", "Work after the release");
    (home, repo)
}

#[test]
fn branches_worked_on_beside_main_are_measured_from_where_they_left_it() {
    let (_home, repo) = history();
    // `long` left main 50 days ago and was worked on 5 days ago; `fresh` two days ago; `same`
    // holds nothing of its own; `feature` was merged 60 days ago and is not worked on.
    git(&repo, ALICE, 50, &["checkout", "-q", "-b", "long", "main~1"]);
    commit(&repo, ALICE, 50, "long.txt", "Start a long piece of work");
    commit(&repo, ALICE, 5, "long.txt", "Still going");
    git(&repo, ALICE, 2, &["checkout", "-q", "-b", "fresh", "main"]);
    commit(&repo, ALICE, 2, "fresh.txt", "A small change");
    git(&repo, ALICE, 2, &["branch", "same", "main"]);
    git(&repo, ALICE, 2, &["checkout", "-q", "main"]);
    let facts = git::collect(&repo, options()).unwrap();
    let diverged: Vec<_> = facts.branches.iter().map(|b| (b.name.as_str(), b.diverged_days)).collect();
    assert_eq!(diverged, [("feature", None), ("fresh", Some(2)), ("long", Some(50)), ("main", None), ("same", None)]);
}

#[test]
fn figures_of_a_known_history_are_exact() {
    let (_home, repo) = history();
    let facts = git::collect(&repo, options()).unwrap();
    assert!(!facts.empty && !facts.shallow);
    assert_eq!(facts.default_branch.as_deref(), Some("main"));
    assert_eq!(facts.head_branch.as_deref(), Some("main"));
    let c = &facts.commits;
    assert_eq!(c.count, 7, "c2..c8 are inside the window, c1 is not");
    assert_eq!(c.merges, 1);
    assert_eq!(c.merge_share, 0.143);
    assert_eq!(c.reverts, 1);
    assert_eq!(c.hotfixes, 1, "the revert of a hotfix is not a hotfix");
    assert_eq!(c.signed, 1);
    assert_eq!(c.signed_share, 0.143);
    assert_eq!((c.mainline, c.mainline_pull_requests, c.pull_requests), (6, 0, 0), "c3 is on the merged branch");
    assert_eq!(c.per_week.len(), 52);
    assert_eq!(c.per_week.iter().sum::<u32>(), 7);
    assert_eq!(c.per_week[51], 1, "c8, three days ago, is in the current week");
    assert_eq!(c.per_week[52 - 1 - 14], 1, "c2, 100 days ago, is 14 weeks back");
    assert_eq!(c.first.as_deref(), Some("2026-02-21T00:00:00Z"));
    assert_eq!(c.last.as_deref(), Some("2026-05-29T00:00:00Z"));
    assert_eq!((facts.authors, facts.committers), (2, 3));

    let branches: Vec<_> = facts.branches.iter().map(|b| (b.name.as_str(), b.age_days, b.remote)).collect();
    assert_eq!(branches, [("feature", 80, false), ("main", 3, false)]);
    let tags: Vec<_> = facts.tags.iter().map(|t| (t.name.as_str(), t.date.as_str())).collect();
    assert_eq!(tags, [("v1.0.0", "2026-03-03T00:00:00Z"), ("v1.1.0", "2026-04-22T00:00:00Z")]);
    assert_eq!(facts.tags_in_window, 2);

    // v1.0.0 releases c2 after 10 days; v1.1.0 releases c3..c7 after 40, 30, 20, 10 and 0
    // days; c8 is not released yet.
    let lead = facts.lead_time_hours.unwrap();
    assert_eq!((lead.samples, lead.median, lead.p90), (6, 360.0, 840.0));
}

#[test]
fn merge_robots_land_reviewed_work_and_what_automation_pushes_itself_is_left_out() {
    let (_home, repo) = new_repo(10, "main");
    // Prow's tide and bors land an approved change as themselves, with its author kept.
    let tide = ("tekton-robot", "48335577+tekton-robot@users.noreply.github.com");
    commit_as(&repo, BOB, tide, 9, "a.txt", "Add --log-failed to pipelinerun logs");
    commit_as(&repo, CAROL, ("bors[bot]", "26634292+bors[bot]@users.noreply.github.com"), 8, "b.txt", "Faster lexer");
    // Automation pushing its own commits: a release tool, a workflow, a translation platform.
    let release = ("semantic-release-bot", "semantic-release-bot@martynus.net");
    commit(&repo, release, 7, "CHANGELOG.md", "chore(release): 2.4.0");
    commit(&repo, ("actions-user", "action@github.com"), 6, "docs.txt", "docs: update the CLI reference");
    commit_as(
        &repo,
        ("Rosa", "rosa@example.org"),
        ("Weblate", "noreply@weblate.org"),
        5,
        "fr.po",
        "Translated using Weblate (French)",
    );
    // A person pushing straight to the branch, and a person applying someone else's change.
    commit(&repo, ALICE, 4, "c.txt", "Pushed straight to main");
    commit_as(&repo, BOB, ALICE, 3, "d.txt", "Applied by hand");
    // A robot committing its own change is automation, not a merge.
    commit(&repo, tide, 2, "e.txt", "Update the generated clients");
    let c = git::collect(&repo, options()).unwrap().commits;
    assert_eq!((c.mainline, c.mainline_pull_requests, c.mainline_automated), (8, 2, 4));
}

#[test]
fn pull_requests_rebased_or_squashed_by_github_count_as_reviewed() {
    let (_home, repo) = new_repo(10, "main");
    commit(&repo, ALICE, 9, "a.txt", "Pushed straight to main");
    // "Rebase and merge": the author's message, committed by GitHub's web flow.
    let github = ("GitHub", "noreply@github.com");
    commit_as(&repo, BOB, github, 8, "b.txt", "Teach the parser tabs");
    commit(&repo, CAROL, 7, "c.txt", "Fix the lexer (#12)");
    // A person committing someone else's change is not GitHub.
    commit_as(&repo, BOB, ALICE, 6, "d.txt", "Applied by hand");
    let c = git::collect(&repo, options()).unwrap().commits;
    assert_eq!((c.mainline, c.mainline_pull_requests, c.pull_requests), (4, 2, 2));
}

#[test]
fn the_window_and_the_commit_cap_bound_the_walk() {
    let (_home, repo) = history();
    let recent = git::collect(&repo, GitOptions { since_days: 45, ..options() }).unwrap();
    assert_eq!(recent.commits.count, 2, "c7 (40 days) and c8 (3 days)");
    assert!(!recent.window.truncated);
    let capped = git::collect(&repo, GitOptions { max_commits: 3, ..options() }).unwrap();
    assert_eq!((capped.commits.count, capped.window.commits_walked, capped.window.truncated), (3, 3, true));
}

#[test]
fn a_shallow_clone_is_read_as_far_as_it_goes() {
    let (home, repo) = history();
    let shallow = home.path().join("shallow");
    let url = format!("file://{}", repo.display());
    git(home.path(), ALICE, 0, &["clone", "-q", "--depth", "2", &url, shallow.to_str().unwrap()]);
    let facts = git::collect(&shallow, options()).unwrap();
    assert!(facts.shallow);
    assert_eq!(facts.commits.count, 2, "{:?}", facts.commits);
    assert_eq!(facts.default_branch.as_deref(), Some("main"), "from origin/HEAD");
    assert!(facts.branches.iter().any(|b| b.name == "origin/main" && b.remote));
}

#[test]
fn an_empty_repository_says_so_without_error() {
    let (_home, repo) = new_repo(0, "trunk");
    let facts = git::collect(&repo, options()).unwrap();
    assert!(facts.empty);
    assert_eq!(facts.commits.count, 0);
    assert_eq!(facts.default_branch.as_deref(), Some("trunk"));
    assert!(facts.head.is_none() && facts.tags.is_empty() && facts.lead_time_hours.is_none());
}

#[test]
fn plugins_that_declare_git_receive_the_facts_and_no_personal_data() {
    let (_home, repo) = history();
    let mut registry = Registry::empty();
    registry.add_dir(&test_plugin("git_echo")).unwrap();
    registry.add_dir(&test_plugin("friendly")).unwrap();
    let runtime =
        Runtime::new(RuntimeOptions { cache_dir: Some(support::cache_dir().join("modules")), fixed_clock: None })
            .unwrap();
    let options = judge::Options { git: Some(options()), ..Default::default() };
    let result =
        judge::judge(&registry, &runtime, &[Target::local(repo.to_str().unwrap()).unwrap()], &options, &|_| {});
    let t = &result.targets[0];
    assert_eq!(t.kind, "git");
    assert!(t.errors.is_empty(), "{:#?}", t.errors);
    let echoed = &t.facts["echo.git"];
    assert_eq!(echoed["commits"]["count"], 7);
    assert_eq!(echoed["lead_time_hours"]["median"], 360.0);
    let text = echoed.to_string();
    for personal in ["alice", "bob", "carol", "Alice", "example.com"] {
        assert!(!text.contains(personal), "{personal} leaked into the request: {text}");
    }
}

#[test]
fn a_folder_that_is_not_a_repository_gets_no_git_facts() {
    let dir = support::copy_fixture("assess/none");
    let mut registry = Registry::empty();
    registry.add_dir(&test_plugin("git_echo")).unwrap();
    let runtime = Runtime::new(RuntimeOptions::default()).unwrap();
    let result = judge::judge(
        &registry,
        &runtime,
        &[Target::local(dir.path().to_str().unwrap()).unwrap()],
        &Default::default(),
        &|_| {},
    );
    assert_eq!(result.targets[0].kind, "directory");
    assert_eq!(result.targets[0].facts["echo.git"], serde_json::Value::Null);
}

/// Pull-request merges, signed tags, and the lead time from commit to deployment, which
/// needs the target's pipeline runs:
///
/// ```text
/// 30d  c1 Add A (#1)
/// 20d  c2 Merge pull request #2 from acme/b          deployed, finished 19d
/// 10d  c3 Plain commit                               tag v0.9 (lightweight)
///  5d  c4 Add C / See merge request acme/api!3        tag v1.0 (SSH-signed); deployed, finished 4d
/// ```
#[test]
fn deployments_from_pipeline_runs_give_the_lead_time_to_deploy() {
    let (home, repo) = new_repo(30, "main");
    commit(&repo, ALICE, 30, "a.txt", "Add A (#1)");
    commit(&repo, ALICE, 20, "b.txt", "Merge pull request #2 from acme/b");
    let c2 = git(&repo, ALICE, 20, &["rev-parse", "HEAD"]);
    commit(&repo, ALICE, 10, "c.txt", "Plain commit");
    git(&repo, ALICE, 10, &["tag", "v0.9"]);
    commit(&repo, ALICE, 5, "d.txt", "Add C\n\nSee merge request acme/api!3");
    let c4 = git(&repo, ALICE, 5, &["rev-parse", "HEAD"]);
    let key = home.path().join("signing-key");
    let keygen = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).output().unwrap();
    assert!(keygen.status.success());
    let signing_key = format!("user.signingkey={}", key.display());
    git(&repo, ALICE, 5, &["-c", "gpg.format=ssh", "-c", &signing_key, "tag", "-s", "v1.0", "-m", "Release 1.0"]);

    let at = |days: i64| jiff::Timestamp::from_second(NOW - days * DAY).unwrap().to_string();
    let run = |id: &str, fields: serde_json::Value| {
        let mut run =
            serde_json::json!({ "source": "github-actions", "id": id, "workflow": "Deploy", "status": "completed" });
        run.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        serde_json::from_value::<PipelineRun>(run).unwrap()
    };
    let runs = PipelineRuns {
        runs: vec![
            run(
                "1",
                serde_json::json!({ "deployment": true, "conclusion": "success", "head_sha": c2, "created_at": at(20), "finished_at": at(19) }),
            ),
            run(
                "2",
                serde_json::json!({ "deployment": true, "conclusion": "failure", "head_sha": c4, "created_at": at(5), "finished_at": at(5) }),
            ),
            run(
                "3",
                serde_json::json!({ "deployment": true, "conclusion": "success", "head_sha": c4, "created_at": at(5), "finished_at": at(4) }),
            ),
            run(
                "4",
                serde_json::json!({ "deployment": false, "conclusion": "success", "head_sha": c4, "created_at": at(5), "finished_at": at(5) }),
            ),
            run(
                "5",
                serde_json::json!({ "deployment": true, "conclusion": "success", "head_sha": "0000000000000000000000000000000000000000",
          "created_at": at(1), "finished_at": at(1) }),
            ),
        ],
        ..PipelineRuns::default()
    };
    let mut target = Target::local(repo.to_str().unwrap()).unwrap();
    target.pipelines = Some(runs);
    let mut registry = Registry::empty();
    registry.add_dir(&test_plugin("git_echo")).unwrap();
    let runtime =
        Runtime::new(RuntimeOptions { cache_dir: Some(support::cache_dir().join("modules")), fixed_clock: None })
            .unwrap();
    let assess_options = judge::Options { git: Some(options()), ..Default::default() };
    let result = judge::judge(&registry, &runtime, &[target], &assess_options, &|_| {});
    let facts = &result.targets[0].facts["echo.git"];
    // c1 and c2 reach production with c2's deployment (11 days and 1 day); c3 and c4 with
    // c4's successful one (6 days, 1 day): 24, 24, 144, 264 hours.
    assert_eq!(facts["deploy_lead_time_hours"], serde_json::json!({ "samples": 4, "median": 84.0, "p90": 228.0 }));
    assert_eq!(facts["commits"]["pull_requests"], 3);
    assert_eq!(facts["commits"]["pull_request_share"], 0.75);
    assert_eq!((&facts["commits"]["mainline"], &facts["commits"]["mainline_pull_requests"]), (&4.into(), &3.into()));
    let tags: Vec<(&str, bool)> =
        facts["tags"].as_array().unwrap().iter().map(|t| (t["name"].as_str().unwrap(), t["signed"] == true)).collect();
    assert_eq!(tags, [("v0.9", false), ("v1.0", true)]);
    // Without pipeline runs there is no such figure.
    let plain = git::collect(&repo, options()).unwrap();
    assert!(plain.deploy_lead_time_hours.is_none());
}
