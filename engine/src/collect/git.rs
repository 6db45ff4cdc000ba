//! Git facts: what a repository's history says about how the team delivers.
//!
//! Collected once per git target, in the host, and handed to plugins that declare
//! `inputs.git = true`. Bounded: only commits inside the `since` window are walked, and at
//! most `max_commits` of them, so a repository with a million commits is assessed in
//! bounded time. No personal data leaves this module: authors and committers are counted,
//! never named, and commit messages are only classified.

pub use kaizen_evidence::git::{Branch, CommitFigures, Distribution, GitFacts, Tag, Window};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Seconds in a day and a week.
const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;
/// Weeks in the per-week histogram.
const WEEKS: usize = 52;

/// How much history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GitOptions {
    /// Only commits newer than this many days before `now` are counted.
    pub since_days: u32,
    /// At most this many commits are walked (newest first).
    pub max_commits: usize,
    /// "Now", in seconds since the Unix epoch: ages and windows are relative to it.
    pub now: i64,
}

impl GitOptions {
    /// The default window (365 days) and cap (100,000 commits), relative to the clock.
    pub fn new(now: i64) -> GitOptions {
        GitOptions { since_days: 365, max_commits: 100_000, now }
    }
}

/// A successful deployment of a commit, from the target's pipeline runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// The commit deployed (full SHA).
    pub sha: String,
    /// When the deployment finished, in seconds since the Unix epoch.
    pub time: i64,
}

/// Why git facts could not be collected.
#[derive(Debug, thiserror::Error)]
#[error("cannot read git history of {path}: {message}")]
pub struct GitError {
    /// The repository.
    pub path: String,
    /// What libgit2 said.
    pub message: String,
}

/// Collects the git facts of the repository at `path`.
pub fn collect(path: &Path, options: GitOptions) -> Result<GitFacts, GitError> {
    collect_with_deployments(path, options, &[])
}

/// Collects the git facts of the repository at `path`, with the lead time from commit to
/// deployment for the given successful deployments (those whose commit is not in the
/// repository are ignored).
pub fn collect_with_deployments(
    path: &Path,
    options: GitOptions,
    deployments: &[Deployment],
) -> Result<GitFacts, GitError> {
    let fail = |e: git2::Error| GitError { path: path.display().to_string(), message: e.message().to_owned() };
    let repo = git2::Repository::open(path).map_err(fail)?;
    let since = options.now - i64::from(options.since_days) * DAY;
    let window = |walked, truncated| Window {
        since: rfc3339(since),
        until: rfc3339(options.now),
        days: options.since_days,
        commits_walked: walked,
        truncated,
    };
    let head = match repo.head() {
        Ok(head) => head,
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => {
            return Ok(empty_facts(repo.is_shallow(), window(0, false), default_branch(&repo, None)));
        }
        Err(e) => return Err(fail(e)),
    };
    let head_commit = head.peel_to_commit().map_err(fail)?;
    let head_branch = if head.is_branch() { head.shorthand().ok().map(str::to_owned) } else { None };

    let mut walk = repo.revwalk().map_err(fail)?;
    walk.set_sorting(git2::Sort::TIME).map_err(fail)?;
    walk.push(head_commit.id()).map_err(fail)?;

    let mut commits = CommitFigures { per_week: vec![0; WEEKS], ..CommitFigures::default() };
    let mainline = mainline(&head_commit, since, options.max_commits);
    let (mut authors, mut committers) = (HashSet::new(), HashSet::new());
    let mut in_window: Vec<(git2::Oid, i64)> = Vec::new();
    let mut walked = 0;
    let mut truncated = false;
    for oid in walk {
        // A shallow clone's history ends at a commit whose parents are missing; libgit2
        // stops there by itself. Any other error means a commit of the history is missing
        // or unreadable: figures from what was read would be silently wrong, so the
        // repository's git facts are refused with the reason.
        let corrupt = |e: git2::Error| GitError {
            path: path.display().to_string(),
            message: format!("the history is incomplete (a corrupt repository?): {}", e.message()),
        };
        let oid = oid.map_err(corrupt)?;
        if walked == options.max_commits {
            truncated = true;
            break;
        }
        walked += 1;
        let commit = repo.find_commit(oid).map_err(corrupt)?;
        let time = commit.time().seconds();
        if time < since {
            // Sorted newest first (by committer time): everything after is older. A clock
            // skewed commit can hide younger ones behind it; the window is approximate there.
            break;
        }
        in_window.push((oid, time));
        commits.count += 1;
        let week = ((options.now - time).max(0) / WEEK) as usize;
        if week < WEEKS {
            commits.per_week[WEEKS - 1 - week] += 1;
        }
        if commit.parent_count() > 1 {
            commits.merges += 1;
        }
        let message = String::from_utf8_lossy(commit.message_bytes());
        if is_revert(&message) {
            commits.reverts += 1;
        }
        if is_hotfix(&message) && !is_revert(&message) {
            commits.hotfixes += 1;
        }
        let from_pull_request =
            is_pull_request(&message) || through_github_web_flow(&commit) || landed_by_merge_robot(&commit);
        commits.pull_requests += usize::from(from_pull_request);
        if mainline.contains(&oid) {
            commits.mainline += 1;
            // Merging a branch whose tip came from a pull request (`Merge branch 'stable'`
            // bringing in a squashed pull request) lands reviewed work too.
            let merged_reviewed =
                || commit.parent(1).is_ok_and(|p| is_pull_request(&String::from_utf8_lossy(p.message_bytes())));
            let reviewed = from_pull_request || merged_reviewed();
            commits.mainline_pull_requests += usize::from(reviewed);
            commits.mainline_automated += usize::from(!reviewed && pushed_by_automation(&commit));
        }
        if repo.extract_signature(&oid, None).is_ok() {
            commits.signed += 1;
        }
        authors.insert(commit.author().email_bytes().to_ascii_lowercase());
        committers.insert(commit.committer().email_bytes().to_ascii_lowercase());
        commits.last.get_or_insert_with(|| rfc3339(time));
        commits.first = Some(rfc3339(time));
    }
    if commits.count > 0 {
        commits.merge_share = round3(commits.merges as f64 / commits.count as f64);
        commits.signed_share = round3(commits.signed as f64 / commits.count as f64);
        commits.pull_request_share = round3(commits.pull_requests as f64 / commits.count as f64);
    }

    let tags = tags(&repo);
    let points: Vec<(git2::Oid, i64)> = tags.iter().map(|t| (t.commit, t.time)).collect();
    let lead_time_hours = lead_times(&repo, &points, &in_window, options.max_commits);
    let mut deployed: Vec<(git2::Oid, i64)> = deployments
        .iter()
        .filter_map(|d| Some((git2::Oid::from_str(&d.sha).ok()?, d.time)))
        .filter(|(oid, _)| repo.find_commit(*oid).is_ok())
        .collect();
    deployed.sort_by_key(|(_, time)| *time);
    let deploy_lead_time_hours = lead_times(&repo, &deployed, &in_window, options.max_commits);
    Ok(GitFacts {
        empty: false,
        shallow: repo.is_shallow(),
        head: Some(head_commit.id().to_string()),
        default_branch: default_branch(&repo, head_branch.as_deref()),
        head_branch,
        window: window(walked, truncated),
        commits,
        authors: authors.len(),
        committers: committers.len(),
        branches: branches(&repo, Some(head_commit.id()), options.now),
        tags_in_window: tags.iter().filter(|t| t.time >= since && t.time <= options.now).count(),
        tags: tags
            .iter()
            .map(|t| Tag {
                name: t.name.clone(),
                date: rfc3339(t.time),
                commit: t.commit.to_string(),
                signed: t.signed,
            })
            .collect(),
        lead_time_hours,
        deploy_lead_time_hours,
    })
}

/// The facts of a repository without commits.
fn empty_facts(shallow: bool, window: Window, default_branch: Option<String>) -> GitFacts {
    GitFacts {
        empty: true,
        shallow,
        head: None,
        head_branch: None,
        default_branch,
        window,
        commits: CommitFigures { per_week: vec![0; WEEKS], ..CommitFigures::default() },
        authors: 0,
        committers: 0,
        branches: Vec::new(),
        tags: Vec::new(),
        tags_in_window: 0,
        lead_time_hours: None,
        deploy_lead_time_hours: None,
    }
}

/// A message that reverts another commit, as `git revert` writes it.
fn is_revert(message: &str) -> bool {
    message.starts_with("Revert \"") || message.contains("This reverts commit ")
}

/// A subject that marks a hotfix: the word "hotfix" (or "hot-fix", "hot fix"), or a
/// `hotfix:`/`hotfix/` prefix as conventional commits and git-flow branches write it.
fn is_hotfix(message: &str) -> bool {
    let subject = message.lines().next().unwrap_or_default().to_ascii_lowercase();
    let words: Vec<&str> = subject.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| *w == "hotfix" || *w == "hotfixes") || words.windows(2).any(|w| w[0] == "hot" && w[1] == "fix")
}

/// The first-parent line from `head` back to `since`, at most `cap` commits.
fn mainline(head: &git2::Commit, since: i64, cap: usize) -> HashSet<git2::Oid> {
    let mut line = HashSet::new();
    let mut commit = head.clone();
    while line.len() < cap && commit.time().seconds() >= since {
        line.insert(commit.id());
        match commit.parent(0) {
            Ok(parent) => commit = parent,
            Err(_) => break,
        }
    }
    line
}

/// A commit GitHub itself committed for its author: a pull request merged with "Rebase and
/// merge" or "Squash and merge" (whose subject need not carry the number), GitHub's revert
/// button, or an edit in the web editor. GitHub's web flow signs as `GitHub
/// <noreply@github.com>`; a person pushing commits they wrote is never that committer.
fn through_github_web_flow(commit: &git2::Commit<'_>) -> bool {
    let (author, committer) = (commit.author(), commit.committer());
    committer.email_bytes().eq_ignore_ascii_case(b"noreply@github.com")
        && !author.email_bytes().eq_ignore_ascii_case(b"noreply@github.com")
}

/// A commit a merge robot landed for its author: Prow's tide (`k8s-ci-robot`,
/// `tekton-robot`, `openshift-merge-robot`), bors and homu, Mergify, Kodiak, Marge: robots
/// that merge only what reviewers approved, committing the author's changes as themselves.
fn landed_by_merge_robot(commit: &git2::Commit<'_>) -> bool {
    let (author, committer) = (commit.author(), commit.committer());
    if author.email_bytes().eq_ignore_ascii_case(committer.email_bytes()) {
        return false;
    }
    let who = identity(&committer);
    who.contains("robot")
        || ["bors", "homu", "mergify", "kodiak", "marge", "merge-bot", "merge-queue"].iter().any(|m| who.contains(m))
}

/// A commit automation wrote and pushed itself: its author is a bot (`…[bot]`, `…-bot`,
/// a robot, GitHub Actions' `actions-user`, a release tool) or a translation platform
/// committed it (Weblate, Crowdin, Transifex). Not a change a person made.
fn pushed_by_automation(commit: &git2::Commit<'_>) -> bool {
    let author = identity(&commit.author());
    let committer = identity(&commit.committer());
    let bot = |who: &str| {
        who.contains("[bot]")
            || who.contains("robot")
            || who.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "bot")
            || ["actions-user", "github-actions", "semantic-release", "release-please", "renovate", "dependabot"]
                .iter()
                .any(|b| who.contains(b))
    };
    bot(&author) || ["weblate", "crowdin", "transifex"].iter().any(|p| committer.contains(p))
}

/// A signature's name and e-mail, lowercased, for matching.
fn identity(signature: &git2::Signature<'_>) -> String {
    format!(
        "{} <{}>",
        String::from_utf8_lossy(signature.name_bytes()),
        String::from_utf8_lossy(signature.email_bytes())
    )
    .to_ascii_lowercase()
}

/// A message showing the commit came from a pull or merge request (see
/// [`CommitFigures::pull_requests`]).
fn is_pull_request(message: &str) -> bool {
    let subject = message.lines().next().unwrap_or_default().trim_end();
    let numbered = |rest: &str| rest.bytes().next().is_some_and(|b| b.is_ascii_digit());
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return numbered(rest);
    }
    // A squash merge: "Fix the parser (#1234)".
    if let Some(open) = subject.rfind("(#") {
        let inner = &subject[open + 2..];
        if let Some(number) = inner.strip_suffix(')') {
            return !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
        }
    }
    message.lines().any(|line| {
        let line = line.trim();
        line.strip_prefix("See merge request ").is_some_and(|r| r.contains('!') || r.contains("merge_requests/"))
            || line.contains("(pull request #")
            // Gerrit and Phabricator, and the trailers of projects that review by e-mail.
            || line.starts_with("Reviewed-on: ")
            || line.starts_with("Differential Revision: ")
            || line.starts_with("Reviewed-by: ")
            || line.starts_with("Approved-by: ")
    })
}

fn default_branch(repo: &git2::Repository, head_branch: Option<&str>) -> Option<String> {
    if let Ok(reference) = repo.find_reference("refs/remotes/origin/HEAD") {
        if let Ok(Some(target)) = reference.symbolic_target() {
            return Some(target.trim_start_matches("refs/remotes/origin/").to_owned());
        }
    }
    if let Some(branch) = head_branch {
        return Some(branch.to_owned());
    }
    // HEAD may be unborn or detached: fall back to a conventional name that exists, or to
    // what HEAD names.
    for name in ["main", "master"] {
        if repo.find_branch(name, git2::BranchType::Local).is_ok() {
            return Some(name.to_owned());
        }
    }
    repo.find_reference("HEAD")
        .ok()
        .and_then(|r| r.symbolic_target().ok().flatten().map(|t| t.trim_start_matches("refs/heads/").to_owned()))
}

/// Branches worked on within this many days are measured for how long they have lived.
const ACTIVE_BRANCH_DAYS: i64 = 30;

/// The most commits walked on one branch to find where it left the default branch.
const MAX_BRANCH_WALK: usize = 10_000;

fn branches(repo: &git2::Repository, base: Option<git2::Oid>, now: i64) -> Vec<Branch> {
    let mut out = Vec::new();
    let Ok(branches) = repo.branches(None) else { return out };
    for (branch, kind) in branches.flatten() {
        let Ok(Some(name)) = branch.name() else { continue };
        if name.ends_with("/HEAD") {
            continue;
        }
        let Ok(commit) = branch.get().peel_to_commit() else { continue };
        let time = commit.time().seconds();
        let age_days = (now - time).max(0) / DAY;
        let diverged_days = match base {
            Some(base) if age_days <= ACTIVE_BRANCH_DAYS => diverged_days(repo, base, commit.id(), now),
            _ => None,
        };
        out.push(Branch {
            name: name.to_owned(),
            remote: kind == git2::BranchType::Remote,
            last_commit: rfc3339(time),
            age_days,
            diverged_days,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Days since the oldest commit of `tip` that `base` does not hold: how long the branch has
/// lived beside the default branch. `None` when it holds nothing of its own (merged, or the
/// default branch itself) or the history cannot tell (no common ancestor in a shallow clone).
fn diverged_days(repo: &git2::Repository, base: git2::Oid, tip: git2::Oid, now: i64) -> Option<i64> {
    if tip == base {
        return None;
    }
    let merge_base = repo.merge_base(base, tip).ok()?;
    if merge_base == tip {
        return None;
    }
    let mut walk = repo.revwalk().ok()?;
    walk.push(tip).ok()?;
    walk.hide(merge_base).ok()?;
    let oldest = walk
        .take(MAX_BRANCH_WALK)
        .filter_map(Result::ok)
        .filter_map(|oid| repo.find_commit(oid).ok())
        .map(|c| c.time().seconds())
        .min()?;
    Some((now - oldest).max(0) / DAY)
}

struct TagInfo {
    name: String,
    time: i64,
    commit: git2::Oid,
    signed: bool,
}

fn tags(repo: &git2::Repository) -> Vec<TagInfo> {
    let mut out = Vec::new();
    let Ok(references) = repo.references_glob("refs/tags/*") else { return out };
    for reference in references.flatten() {
        let Ok(name) = reference.shorthand().map(str::to_owned) else { continue };
        let Ok(commit) = reference.peel_to_commit() else { continue };
        let annotated = reference.peel_to_tag().ok();
        let time = annotated
            .as_ref()
            .and_then(|tag| tag.tagger().map(|t| t.when().seconds()))
            .unwrap_or_else(|| commit.time().seconds());
        // A signed tag carries its signature at the end of the tag message.
        let signed = annotated.as_ref().and_then(|tag| tag.message_bytes()).is_some_and(|m| {
            let m = String::from_utf8_lossy(m);
            ["-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----", "-----BEGIN SIGNED MESSAGE-----"]
                .iter()
                .any(|marker| m.contains(marker))
        });
        out.push(TagInfo { name, time, commit: commit.id(), signed });
    }
    out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.name.cmp(&b.name)));
    out
}

/// For each commit in the window, the time to the first release point (a tag or a
/// deployment, oldest first) whose history contains it. Points are visited oldest first;
/// from each, a walk down the parents claims every commit no older point has claimed, and
/// stops at claimed commits (an older point contains their ancestors too) and at commits
/// older than the window. So each commit is visited once in all, and at most `cap` commits
/// are visited.
fn lead_times(
    repo: &git2::Repository,
    points: &[(git2::Oid, i64)],
    in_window: &[(git2::Oid, i64)],
    cap: usize,
) -> Option<Distribution> {
    let window: HashMap<git2::Oid, i64> = in_window.iter().copied().collect();
    let oldest = in_window.last().map(|(_, t)| *t)?;
    let mut claimed: HashSet<git2::Oid> = HashSet::new();
    let mut hours = Vec::new();
    let mut budget = cap;
    for &(point, point_time) in points.iter().filter(|(_, t)| *t >= oldest) {
        let mut stack = vec![point];
        while let Some(oid) = stack.pop() {
            if budget == 0 {
                break;
            }
            if !claimed.insert(oid) {
                continue;
            }
            budget -= 1;
            let Ok(commit) = repo.find_commit(oid) else { continue };
            if let Some(time) = window.get(&oid) {
                hours.push((point_time - time).max(0) as f64 / 3600.0);
            } else if commit.time().seconds() < oldest {
                continue;
            }
            stack.extend(commit.parent_ids());
        }
    }
    distribution(hours)
}

fn distribution(mut values: Vec<f64>) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let quantile = |q: f64| {
        // Linear interpolation between closest ranks.
        let rank = q * (values.len() - 1) as f64;
        let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
        round3(values[lo] + (values[hi] - values[lo]) * (rank - lo as f64))
    };
    Some(Distribution { samples: values.len(), median: quantile(0.5), p90: quantile(0.9) })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map(|t| t.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_request_merges_are_recognised_in_each_host_s_words() {
        for message in [
            "Merge pull request #42 from acme/feature",
            "Fix the parser (#1234)",
            "Add feature\n\nSee merge request acme/api!17",
            "Merged in feature/x (pull request #9)\n\nApproved-by: someone",
            "Merge branch 'x' into 'main'\n\nSee merge request https://gitlab.com/acme/api/-/merge_requests/7223",
            "Fix a leak\n\nChange-Id: I0123\nReviewed-on: https://review.example.org/c/project/+/123",
            "Fix\n\nDifferential Revision: https://phabricator.example.org/D123",
            "mm: fix\n\nReviewed-by: Someone <s@example.org>",
        ] {
            assert!(is_pull_request(message), "{message}");
        }
        for message in ["Fix (#)", "Merge branch 'main' into feature", "Bump (#abc)", "See #12 for details"] {
            assert!(!is_pull_request(message), "{message}");
        }
    }

    #[test]
    fn reverts_and_hotfixes_are_recognised_from_messages() {
        assert!(is_revert("Revert \"Add cache\"\n\nThis reverts commit abc.\n"));
        assert!(is_revert("Undo the cache\n\nThis reverts commit 0123456789abcdef.\n"));
        assert!(!is_revert("Reverting to the old design is not planned"));
        assert!(is_hotfix("Hotfix: null check in payment handler"));
        assert!(is_hotfix("fix(api): hot fix for timeouts"));
        assert!(is_hotfix("Merge branch 'hotfix/1.2.1'"));
        assert!(!is_hotfix("Add hotfixer tool docs"));
        assert!(!is_hotfix("Refactor\n\nhotfix mentioned only in the body"));
    }

    #[test]
    fn quantiles_interpolate() {
        let d = distribution(vec![1.0, 2.0, 3.0, 4.0, 10.0]).unwrap();
        assert_eq!((d.samples, d.median, d.p90), (5, 3.0, 7.6));
        assert!(distribution(vec![]).is_none());
    }
}
