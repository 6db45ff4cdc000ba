//! The evidence of one target, collected once for all its plugins: the file inventory and
//! the git facts, beside the pipeline runs and cloud inventory the [`Target`] brings.

use super::git::{self, GitFacts, GitOptions};
use super::pipelines::{Conclusion, PipelineRuns};
use super::roles::RoleOverride;
use super::target::Target;
use super::{Inventory, WalkOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to collect the evidence of a target.
#[derive(Debug, Clone, Default)]
pub struct EvidenceOptions {
    /// How to walk it.
    pub walk: WalkOptions,
    /// How much git history to read (`None`: the defaults, relative to the clock).
    pub git: Option<GitOptions>,
    /// Roles the assessment file gives to paths, before the conventions.
    pub roles: Vec<RoleOverride>,
    /// Folders Kaizen itself writes (outputs, history, cache), canonical: left out of any
    /// target they lie inside.
    pub kaizen_folders: Vec<PathBuf>,
}

/// What the host collected about one target.
#[derive(Debug, Clone)]
pub struct Evidence<'a> {
    /// The target, with its pipeline runs and cloud inventory.
    pub target: &'a Target,
    /// `cloud`, `git` or `directory` ([`Target::kind`]).
    pub kind: &'static str,
    /// Every file of the target.
    pub inventory: Inventory,
    /// Its git facts, when it is a repository and they were wanted.
    pub git: Option<GitFacts>,
    /// What went wrong without stopping the assessment (the target's own warnings, then
    /// git facts that could not be read).
    pub warnings: Vec<String>,
}

/// The evidence of a target, with what was done with its inventory as soon as it was
/// walked, and the time each part took.
#[derive(Debug)]
pub struct Collected<'a, T> {
    /// The evidence.
    pub evidence: Evidence<'a>,
    /// What `after_walk` returned.
    pub after_walk: T,
    /// Time spent walking the tree.
    pub walk_time: Duration,
    /// Time spent in `after_walk`.
    pub after_walk_time: Duration,
    /// Time spent reading git history.
    pub git_time: Duration,
}

impl Evidence<'_> {
    /// Collects the evidence of `target`: walks its tree and, when `wants_git`, reads its git
    /// history, side by side (the walk keeps only one core busy). `after_walk` runs on the
    /// inventory as soon as it is complete, still beside the history: the judge selects and
    /// parses the files its plugins want there.
    pub fn collect<'a, T: Send>(
        target: &'a Target,
        options: &EvidenceOptions,
        wants_git: bool,
        after_walk: impl FnOnce(&Inventory) -> T + Send,
    ) -> Collected<'a, T> {
        let kind = target.kind();
        let ((inventory, after, walk_time, after_walk_time), (git, git_time)) = rayon::join(
            || {
                let clock = Instant::now();
                let inventory = walk(target, options);
                let walked = clock.elapsed();
                let after = after_walk(&inventory);
                (inventory, after, walked, clock.elapsed() - walked)
            },
            || {
                let clock = Instant::now();
                (git_facts(target, kind, wants_git, options), clock.elapsed())
            },
        );
        let mut warnings = target.warnings.clone();
        let git = git.unwrap_or_else(|e| {
            warnings.push(format!("git facts unavailable: {e}"));
            None
        });
        Collected {
            evidence: Evidence { target, kind, inventory, git, warnings },
            after_walk: after,
            walk_time,
            after_walk_time,
            git_time,
        }
    }
}

/// The file inventory of a target, each file with its role.
pub fn walk(target: &Target, options: &EvidenceOptions) -> Inventory {
    let inside: Vec<PathBuf> = options
        .kaizen_folders
        .iter()
        .filter_map(|folder| folder.strip_prefix(&target.root).ok())
        .filter(|relative| !relative.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .collect();
    let mut inventory = Inventory::walk_except(&target.root, options.walk, &inside);
    let paths: Vec<&str> = inventory.files.iter().map(|f| f.path.as_str()).collect();
    let roles = super::roles::assign(&target.root, &paths, &options.roles);
    for (file, role) in inventory.files.iter_mut().zip(roles) {
        file.role = role;
    }
    inventory
}

/// The git facts of a target, when it is a repository and they are wanted.
fn git_facts(
    target: &Target,
    kind: &str,
    wanted: bool,
    options: &EvidenceOptions,
) -> Result<Option<GitFacts>, git::GitError> {
    if kind != "git" || !wanted {
        return Ok(None);
    }
    let git_options = options.git.unwrap_or_else(|| GitOptions::new(jiff::Timestamp::now().as_second()));
    let deployments = target.pipelines.as_ref().map(deployments).unwrap_or_default();
    git::collect_with_deployments(&target.root, git_options, &deployments).map(Some)
}

/// The successful deployments among a target's pipeline runs that name their commit, for
/// the lead time from commit to deployment.
fn deployments(pipelines: &PipelineRuns) -> Vec<git::Deployment> {
    pipelines
        .runs
        .iter()
        .filter(|r| r.deployment && r.conclusion == Some(Conclusion::Success))
        .filter_map(|r| {
            let sha = r.head_sha.as_ref()?;
            let when = r.finished_at.as_ref().unwrap_or(&r.created_at);
            Some(git::Deployment { sha: sha.clone(), time: when.parse::<jiff::Timestamp>().ok()?.as_second() })
        })
        .collect()
}
