//! `[assess]`: defaults of `kaizen assess` (where outputs go, the git window and caps, the
//! model, answers and history files), each overridden by its flag.

use super::raw::RawAssess;
use super::Context;
use std::path::PathBuf;

/// The section, validated: paths taken from the file's folder, counts at least 1.
pub(super) struct Assess {
    pub out: Option<PathBuf>,
    pub since_days: Option<u32>,
    pub max_commits: Option<usize>,
    pub respect_gitignore: Option<bool>,
    pub max_file_mb: Option<u64>,
    pub model: Option<PathBuf>,
    pub answers: Option<PathBuf>,
    pub history: Option<PathBuf>,
}

pub(super) fn assess(raw: &RawAssess, cx: &mut Context) -> Assess {
    Assess {
        since_days: cx.at_least_one(&raw.since_days, "since_days"),
        max_commits: cx.at_least_one(&raw.max_commits, "max_commits"),
        max_file_mb: cx.at_least_one(&raw.max_file_mb, "max_file_mb"),
        respect_gitignore: raw.respect_gitignore,
        out: raw.out.as_deref().map(|o| cx.join(o)),
        // A built-in model's name stays a name unless a file of that name is beside the file.
        model: raw.model.as_deref().map(|m| {
            let path = cx.join(m);
            let built_in = crate::model::BUILT_IN.iter().any(|(name, ..)| *name == m);
            if built_in && !path.exists() {
                PathBuf::from(m)
            } else {
                path
            }
        }),
        answers: raw.answers.as_deref().map(|a| cx.join(a)),
        history: raw.history.as_deref().map(|h| cx.join(h)),
    }
}
