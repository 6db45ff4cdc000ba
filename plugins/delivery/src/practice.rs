//! Delivery practices read from history and runs: trunk-based development, review of
//! changes, maintenance, signed releases and CI on proposed changes. Each gives a finding,
//! or `not_applicable` when the evidence cannot show it.

use crate::dora::{plural, Run};
use crate::time;
use kaizen_plugin_sdk::git::{GitFacts, Tag};
use kaizen_plugin_sdk::Finding;

pub const TRUNK_BASED: &str = "trunk-based-development";
/// The fewest weeks of history over which a weekly cadence is measured.
const MIN_CADENCE_WEEKS: usize = 4;
pub const CODE_REVIEW: &str = "code-review";
pub const MAINTAINED: &str = "maintained";
pub const SIGNED_RELEASES: &str = "signed-releases";
pub const CI_TESTS: &str = "ci-on-changes";

/// A branch whose last commit is older than this many days is abandoned (or merged and
/// left undeleted).
pub const STALE_BRANCH_DAYS: i64 = 30;
/// A branch still worked on that left the default branch longer ago than this is long-lived:
/// trunk-based development merges within days.
pub const LONG_LIVED_DAYS: i64 = 30;
/// DORA's trunk-based indicator: three or fewer long-lived branches beside trunk.
const MAX_LONG_LIVED: usize = 3;
/// Weeks of recent history the cadence is measured over.
const CADENCE_WEEKS: usize = 12;
/// Scorecard's Maintained check looks at the last 90 days: 13 weeks.
const MAINTAINED_WEEKS: usize = 13;
/// Fewer mainline changesets than this say nothing about review practice.
const MIN_CHANGESETS: u64 = 5;
/// The most recent release tags the signature check looks at (as Scorecard does).
const RECENT_RELEASES: usize = 5;

/// Figures of the git history the practices rest on, also reported as facts.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Weeks with at least one commit among the last [`CADENCE_WEEKS`].
    pub active_weeks: usize,
    /// Weeks of the cadence measure (fewer when the window is shorter).
    pub cadence_weeks: usize,
    /// Branches other than the default, local and remote counted once.
    pub branches: usize,
    /// Of those, how many had no commit for [`STALE_BRANCH_DAYS`].
    pub stale_branches: usize,
    /// Of those, the ones still worked on that left the default branch more than
    /// [`LONG_LIVED_DAYS`] ago, by name.
    pub long_lived: Vec<String>,
    /// Commits in the last 13 weeks.
    pub recent_commits: u64,
    /// Mainline changesets in the window, those from pull requests, and those automation
    /// pushed itself (left out of the review share).
    pub changesets: u64,
    pub reviewed: u64,
    pub automated: u64,
}

impl History {
    pub fn of(git: &GitFacts) -> History {
        let per_week: Vec<u64> = git.commits.per_week.iter().map(|n| u64::from(*n)).collect();
        // A repository younger than the measure is measured over the weeks it has existed
        // (the oldest commit in the window up to the window's end).
        let mut window_weeks = (git.window.days / 7) as usize;
        let first = git.commits.first.as_deref().and_then(time::parse);
        let until = time::parse(&git.window.until);
        if let (Some(first), Some(until)) = (first, until) {
            let weeks = ((until - first).max(0) / (7 * 86_400)) as usize + 1;
            window_weeks = window_weeks.min(weeks);
        }
        let last = |weeks: usize| -> &[u64] {
            let weeks = weeks.min(window_weeks.max(1)).min(per_week.len());
            &per_week[per_week.len() - weeks..]
        };
        let cadence = last(CADENCE_WEEKS);
        let default = git.default_branch.as_deref().unwrap_or("");
        let mut names: Vec<(String, i64, Option<i64>)> = git
            .branches
            .iter()
            .map(|b| {
                let short = b.name.strip_prefix("origin/").unwrap_or(&b.name);
                (short.to_owned(), b.age_days, b.diverged_days)
            })
            .filter(|(name, _, _)| name != default && name != "HEAD" && !is_long_lived_by_design(name))
            .collect();
        // A branch and its remote-tracking copy are one branch: keep the newer age.
        names.sort();
        names.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                earlier.1 = earlier.1.min(later.1);
                earlier.2 = earlier.2.max(later.2);
                true
            } else {
                false
            }
        });
        History {
            active_weeks: cadence.iter().filter(|n| **n > 0).count(),
            cadence_weeks: cadence.len(),
            branches: names.len(),
            stale_branches: names.iter().filter(|(_, age, _)| *age > STALE_BRANCH_DAYS).count(),
            long_lived: names
                .iter()
                .filter(|(_, _, diverged)| diverged.map_or(false, |d| d > LONG_LIVED_DAYS))
                .map(|(name, _, _)| name.clone())
                .collect(),
            recent_commits: last(MAINTAINED_WEEKS).iter().sum(),
            changesets: git.commits.mainline as u64,
            reviewed: git.commits.mainline_pull_requests as u64,
            automated: git.commits.mainline_automated as u64,
        }
    }
}

/// Branches that live long by design rather than as unmerged work: release and maintenance
/// branches cut from trunk (trunk-based development releases from them), branches that
/// publish a site, and the branches of dependency-update bots.
pub fn is_long_lived_by_design(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let first = lower.split('/').next().unwrap_or("");
    let versioned = |s: &str| {
        let s = s.strip_prefix('v').unwrap_or(s);
        s.starts_with(|c: char| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == 'x')
    };
    const PREFIXES: &[&str] = &["release", "releases", "stable", "maint", "maintenance", "lts", "support"];
    const BOTS: &[&str] = &["dependabot", "renovate", "snyk-", "pre-commit-ci", "whitesource", "mergify"];
    PREFIXES
        .iter()
        .any(|p| first == *p || first.starts_with(&format!("{}-", p)) || first.starts_with(&format!("{}_", p)))
        || lower.ends_with("-stable")
        || lower.ends_with("-maint")
        || versioned(first)
        || matches!(lower.as_str(), "gh-pages" | "pages" | "docs-site" | "website")
        || BOTS.iter().any(|b| first.starts_with(b))
}

/// Trunk-based development: commits reach the default branch most weeks, and at most three
/// branches are worked on for weeks beside it (release, publishing and bot branches aside).
pub fn trunk_based(history: &History) -> Finding {
    // A weekly cadence needs a month of history to mean anything.
    if history.cadence_weeks < MIN_CADENCE_WEEKS {
        return Finding::not_applicable(
            TRUNK_BASED,
            format!(
                "The history covers {} week{}; at least {} are needed to measure a weekly cadence.",
                history.cadence_weeks,
                plural(history.cadence_weeks),
                MIN_CADENCE_WEEKS
            ),
        );
    }
    let cadence_ok = history.active_weeks * 4 >= history.cadence_weeks * 3;
    // Abandoned branches are clutter, not work kept apart from trunk: what trunk-based
    // development rules out is branches worked on for weeks beside it.
    let branches_ok = history.long_lived.len() <= MAX_LONG_LIVED;
    let cadence = format!("commits landed in {} of the last {} weeks", history.active_weeks, history.cadence_weeks);
    let branches = match history.long_lived.len() {
        0 => format!("no branch has been worked on beside it for over {} days", LONG_LIVED_DAYS),
        n => {
            let mut names: Vec<&str> = history.long_lived.iter().map(String::as_str).take(5).collect();
            if n > names.len() {
                names.push("…");
            }
            format!(
                "{} branch{} {} been worked on beside it for over {} days ({})",
                n,
                if n == 1 { "" } else { "es" },
                if n == 1 { "has" } else { "have" },
                LONG_LIVED_DAYS,
                names.join(", ")
            )
        }
    };
    let message = format!("On the default branch, {cadence}; {branches}.");
    let score =
        (history.active_weeks as f64 / history.cadence_weeks as f64 + if branches_ok { 1.0 } else { 0.0 }) / 2.0;
    let finding = match (cadence_ok, branches_ok) {
        (true, true) => Finding::pass(TRUNK_BASED, message),
        (false, false) => Finding::fail(TRUNK_BASED, message),
        _ => Finding::warn(TRUNK_BASED, message),
    };
    finding.with_score(round2(score))
}

/// Code review (Scorecard Code-Review): the share of mainline changesets that came from a
/// pull or merge request, among those people made (what automation pushed itself, release
/// and update commits, is left out).
pub fn code_review(history: &History) -> Finding {
    let automated = history.automated.min(history.changesets.saturating_sub(history.reviewed));
    let changesets = history.changesets - automated;
    let left_out = if automated > 0 {
        format!(
            " {} commit{} written by automation (release, dependency-update and workflow bots) {} left out.",
            automated,
            plural(automated as usize),
            if automated == 1 { "is" } else { "are" }
        )
    } else {
        String::new()
    };
    if changesets < MIN_CHANGESETS {
        return Finding::not_applicable(
            CODE_REVIEW,
            format!(
                "Only {} changeset{} landed in the window; too few to judge review practice.{left_out}",
                changesets,
                plural(changesets as usize)
            ),
        );
    }
    let share = history.reviewed as f64 / changesets as f64;
    let message = format!(
        "{} of {} changesets on the default branch came from a pull or merge request ({:.0}%).{left_out}",
        history.reviewed,
        changesets,
        share * 100.0
    );
    let finding = if share >= 0.9 {
        Finding::pass(CODE_REVIEW, message)
    } else if share >= 0.5 {
        Finding::warn(CODE_REVIEW, message)
    } else {
        Finding::fail(CODE_REVIEW, message)
    };
    finding.with_score(round2(share))
}

/// Maintained (Scorecard Maintained): commits in the last 90 days, one a week on average
/// for a full score.
pub fn maintained(history: &History) -> Finding {
    let weeks = MAINTAINED_WEEKS as u64;
    let message =
        format!("{} commit{} in the last 90 days.", history.recent_commits, plural(history.recent_commits as usize));
    let score = round2((history.recent_commits as f64 / weeks as f64).min(1.0));
    let finding = if history.recent_commits >= weeks {
        Finding::pass(MAINTAINED, message)
    } else if history.recent_commits > 0 {
        Finding::warn(MAINTAINED, message)
    } else {
        Finding::fail(MAINTAINED, message)
    };
    finding.with_score(score)
}

/// Signed releases (Scorecard Signed-Releases, from tags): the most recent release tags
/// carry a signature.
pub fn signed_releases(git: &GitFacts) -> Finding {
    let tags: &[Tag] = &git.tags;
    if tags.is_empty() {
        return Finding::not_applicable(SIGNED_RELEASES, "The repository has no release tags.");
    }
    let recent = &tags[tags.len().saturating_sub(RECENT_RELEASES)..];
    let signed: Vec<&str> = recent.iter().filter(|t| t.signed).map(|t| t.name.as_str()).collect();
    let names: Vec<&str> = recent.iter().map(|t| t.name.as_str()).collect();
    let message = format!(
        "{} of the {} most recent release tags ({}) {} signed.",
        signed.len(),
        recent.len(),
        names.join(", "),
        if signed.len() == 1 { "is" } else { "are" }
    );
    let share = signed.len() as f64 / recent.len() as f64;
    let finding = if signed.len() == recent.len() {
        Finding::pass(SIGNED_RELEASES, message)
    } else if signed.is_empty() {
        Finding::fail(SIGNED_RELEASES, message)
    } else {
        Finding::warn(SIGNED_RELEASES, message)
    };
    finding.with_score(round2(share))
}

/// CI on proposed changes (Scorecard CI-Tests, from runs): pipelines run on pull or merge
/// requests, not only after the merge.
pub fn ci_on_changes(runs: &[Run]) -> Finding {
    if runs.is_empty() {
        return Finding::not_applicable(CI_TESTS, "No pipeline runs were given for this target.");
    }
    let on_changes: Vec<&Run> = runs.iter().filter(|r| r.on_change_request()).collect();
    if on_changes.is_empty() {
        return Finding::warn(
            CI_TESTS,
            format!(
                "None of the {} pipeline run{} ran on a pull or merge request: changes are checked only after they land.",
                runs.len(),
                plural(runs.len())
            ),
        )
        .with_score(0.0);
    }
    let succeeded = on_changes.iter().filter(|r| r.succeeded()).count();
    Finding::pass(
        CI_TESTS,
        format!(
            "{} of {} pipeline runs ran on pull or merge requests ({} succeeded).",
            on_changes.len(),
            runs.len(),
            succeeded
        ),
    )
    .with_score(1.0)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
