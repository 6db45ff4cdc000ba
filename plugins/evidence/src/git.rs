//! Git facts: what a repository's history says about how the team delivers (the `git`
//! field of a plugin request, for plugins whose manifest sets `inputs.git = true`).
//!
//! The host collects them once per git target, bounded by a window (`since`) and a commit
//! cap. No personal data is in them: authors and committers are counted, never named, and
//! commit messages are only classified. Dates are RFC 3339 text in UTC.

use serde::{Deserialize, Serialize};

/// The git facts of one repository (the `git` field of a plugin request).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GitFacts {
    /// No commits at all (a new repository): every figure below is empty or zero.
    pub empty: bool,
    /// A shallow clone: history stops early, figures cover what is there.
    pub shallow: bool,
    /// The commit HEAD points at.
    pub head: Option<String>,
    /// The branch HEAD is on, if any.
    pub head_branch: Option<String>,
    /// The default branch: `origin/HEAD`'s target, else HEAD's branch, else `main`/`master`.
    pub default_branch: Option<String>,
    /// The window the figures cover.
    pub window: Window,
    /// Commit figures inside the window, on the history of HEAD.
    pub commits: CommitFigures,
    /// Distinct authors of the commits in the window (by e-mail, counted only).
    pub authors: usize,
    /// Distinct committers of the commits in the window.
    pub committers: usize,
    /// Local and remote-tracking branches with the date of their last commit.
    pub branches: Vec<Branch>,
    /// Tags pointing at commits, oldest first, with their date.
    pub tags: Vec<Tag>,
    /// Tags created inside the window.
    pub tags_in_window: usize,
    /// Hours from a commit to the first tag containing it, for commits in the window.
    pub lead_time_hours: Option<Distribution>,
    /// Hours from a commit to the first successful deployment containing it, for commits in
    /// the window, when the target's pipeline runs name deployments with their commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy_lead_time_hours: Option<Distribution>,
}

/// The time window of the figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Start (RFC 3339).
    pub since: String,
    /// End, "now" (RFC 3339).
    pub until: String,
    /// Length in days.
    pub days: u32,
    /// Commits walked.
    pub commits_walked: usize,
    /// The commit cap was reached: older commits in the window were not counted.
    pub truncated: bool,
}

/// Commit figures inside the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommitFigures {
    /// Commits in the window.
    pub count: usize,
    /// Commits per week, oldest week first; the last entry is the current week.
    pub per_week: Vec<u32>,
    /// Merge commits (more than one parent).
    pub merges: usize,
    /// Merges as a share of all commits (0..1).
    pub merge_share: f64,
    /// Commits whose message reverts another ("This reverts commit …", `Revert "…"`).
    pub reverts: usize,
    /// Commits whose subject marks a hotfix.
    pub hotfixes: usize,
    /// Commits whose message shows they were merged from a pull or merge request or went
    /// through review: GitHub's "Merge pull request #N" and squash subjects ending "(#N)",
    /// GitLab's "See merge request …", Bitbucket's "(pull request #N)", and the review
    /// trailers `Reviewed-on:` (Gerrit), `Differential Revision:` (Phabricator),
    /// `Reviewed-by:` and `Approved-by:`; and commits GitHub committed for their author
    /// (committer `noreply@github.com`: a pull request rebased or squashed by GitHub).
    pub pull_requests: usize,
    /// Those as a share of all commits (0..1).
    pub pull_request_share: f64,
    /// Commits on the first-parent line from HEAD: the changesets that landed on the
    /// branch, one per pull request merged or per direct push.
    pub mainline: usize,
    /// Mainline commits that came from a pull or merge request (see `pull_requests`), or
    /// merge a branch whose tip did, or that a merge robot landed for their author (Prow's
    /// tide, bors, Mergify, Kodiak: robots that merge only what was approved).
    pub mainline_pull_requests: usize,
    /// Mainline commits that automation wrote and pushed itself, not through a pull request:
    /// release tools, update bots, workflow bots, translation platforms. Not changes a
    /// person made, so not counted for or against review.
    #[serde(default)]
    pub mainline_automated: usize,
    /// Commits carrying a signature (GPG, SSH or X.509), verified or not.
    pub signed: usize,
    /// Signed commits as a share of all commits (0..1).
    pub signed_share: f64,
    /// Date of the oldest commit walked (RFC 3339).
    pub first: Option<String>,
    /// Date of the newest commit (RFC 3339).
    pub last: Option<String>,
}

/// A branch and how old its last commit is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    /// Short name (`main`, `origin/feature-x`).
    pub name: String,
    /// Whether it is a remote-tracking branch.
    pub remote: bool,
    /// Date of its last commit (RFC 3339).
    pub last_commit: String,
    /// Days since its last commit.
    pub age_days: i64,
    /// For a branch worked on in the last 30 days: days since the oldest of its commits that
    /// the default branch does not hold, i.e. how long it has lived beside the default branch.
    /// Absent for a merged or older branch, or when the history cannot tell (a shallow clone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diverged_days: Option<i64>,
}

/// A tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    /// Short name (`v1.2.0`).
    pub name: String,
    /// The tagger's date for an annotated tag, else the commit's date (RFC 3339).
    pub date: String,
    /// The commit it points at.
    pub commit: String,
    /// An annotated tag carrying a signature (GPG, SSH or X.509), verified or not.
    pub signed: bool,
}

/// A distribution of durations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// How many samples.
    pub samples: usize,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
}
