//! What an assessment had as evidence and what it could not show: the first thing a reader
//! of a report needs, since every level is "of what was in scope".

use crate::model::Source;
use crate::result::AssessmentResult;
use crate::score::PracticeState;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The scope of an assessment, for the reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeSummary {
    /// What the assessment had, in words ("the repositories' files", "git history"…).
    pub had: Vec<&'static str>,
    /// The evidence it did not have, each with the practices only it (or another missing
    /// source) could show, and how to add it.
    pub needs: Vec<Need>,
    /// Practices out of scope on at least one target.
    pub out_of_scope: usize,
    /// Practices considered, fewest and most over the targets.
    pub considered: (usize, usize),
    /// Practices that did not apply, fewest and most over the targets.
    pub not_applicable: (usize, usize),
    /// Practices in the model.
    pub practices: usize,
}

/// Missing evidence and what it would add.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Need {
    /// What is missing: "an interview".
    pub what: &'static str,
    /// Practices it could show that were out of scope.
    pub practices: usize,
    /// How to add it.
    pub how: &'static str,
}

/// The scope of a scored result (none when it was not scored).
pub fn summary(result: &AssessmentResult) -> Option<ScopeSummary> {
    let model = &result.model.as_ref()?.model;
    let assessments: Vec<_> = result.targets.iter().filter_map(|t| t.assessment.as_ref()).collect();
    if assessments.is_empty() {
        return None;
    }
    let had: BTreeSet<Source> = assessments.iter().flat_map(|a| a.scope.sources.iter().copied()).collect();
    // Each practice once, however many targets left it out of scope.
    let out: BTreeSet<&str> = assessments
        .iter()
        .flat_map(|a| a.practices.iter())
        .filter(|p| p.state == PracticeState::OutOfScope)
        .map(|p| p.id.as_str())
        .collect();
    let mut needs: BTreeMap<Source, usize> = BTreeMap::new();
    for id in &out {
        let sources = model.practice(id).map(|p| p.sources.as_slice()).unwrap_or_default();
        for source in sources.iter().filter(|s| !had.contains(s)) {
            *needs.entry(*source).or_default() += 1;
        }
    }
    let range = |f: &dyn Fn(&crate::score::Scope) -> usize| {
        let values = assessments.iter().map(|a| f(&a.scope));
        (values.clone().min().unwrap_or(0), values.max().unwrap_or(0))
    };
    Some(ScopeSummary {
        had: had.iter().map(|s| had_words(*s, assessments.len() > 1)).collect(),
        needs: needs
            .into_iter()
            .map(|(source, practices)| Need { what: source.what(), practices, how: how_to_add(source) })
            .collect(),
        out_of_scope: out.len(),
        considered: range(&|s| s.considered),
        not_applicable: range(&|s| s.not_applicable),
        practices: model.practices.len(),
    })
}

fn had_words(source: Source, many: bool) -> &'static str {
    match source {
        Source::Repository if many => "the repositories' files",
        Source::Repository => "the repository's files",
        Source::History if many => "their git history",
        Source::History => "its git history",
        Source::Runs => "pipeline runs",
        Source::Cloud => "a cloud account",
        Source::Interview => "interview answers",
    }
}

fn how_to_add(source: Source) -> &'static str {
    match source {
        Source::Repository => "assess a repository",
        Source::History => "assess a git checkout or URL rather than an export",
        Source::Runs => "`--github` with a token, or `--pipelines` with an export",
        Source::Cloud => "`--cloud` with an AWS profile, or `kaizen collect aws`",
        Source::Interview => "`kaizen questionnaire`, then `--answers`",
    }
}
