//! One assessment read in the vocabulary of another framework: the model's practices
//! grouped by the ids they map to (`maps_to`), each id with how its practices fared over
//! the targets, and how much of the framework the evidence covered. Rendered from
//! `result.json` alone, so a consultant can answer in DORA's, SAMM's, the AWS DevOps
//! Guidance's or OpenSSF Scorecard's terms without assessing again.

use crate::model::{Model, Practice};
use crate::result::AssessmentResult;
use crate::score::PracticeState;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A framework as `--framework` names it: the `maps_to` key and how it is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framework {
    /// The `maps_to` key of the model (`well_architected`).
    pub key: &'static str,
    /// The name on the command line and in file names (`aws-devops`).
    pub name: &'static str,
    /// Its title in the report.
    pub title: &'static str,
}

/// The frameworks a view can be made for.
pub const FRAMEWORKS: &[Framework] = &[
    Framework { key: "dora", name: "dora", title: "DORA capabilities" },
    Framework { key: "samm", name: "samm", title: "OWASP SAMM" },
    Framework { key: "dsomm", name: "dsomm", title: "OWASP DevSecOps Maturity Model" },
    Framework { key: "well_architected", name: "aws-devops", title: "AWS Well-Architected DevOps Guidance" },
    Framework { key: "scorecard", name: "scorecard", title: "OpenSSF Scorecard" },
];

impl std::str::FromStr for Framework {
    type Err = String;

    fn from_str(s: &str) -> Result<Framework, String> {
        FRAMEWORKS.iter().find(|f| f.name == s || f.key == s).copied().ok_or_else(|| {
            let names: Vec<&str> = FRAMEWORKS.iter().map(|f| f.name).collect();
            format!("unknown framework `{s}`; expected one of {}", names.join(", "))
        })
    }
}

/// Why a view cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum FrameworkError {
    /// The result holds no model (an assessment made without scoring).
    #[error("the result holds no model: it was not scored, so there is nothing to map")]
    NoModel,
    /// The model maps no practice to the framework.
    #[error("model `{model}` maps no practice to {title}; it maps to {mapped}")]
    Unmapped {
        /// The model's id.
        model: String,
        /// The framework's title.
        title: &'static str,
        /// The frameworks it maps to, for the message.
        mapped: String,
    },
}

/// How one id of the framework fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Every judged practice is satisfied (or exempt) in every target that judged it.
    InPlace,
    /// Some are, some are not.
    Partly,
    /// Judged, and nowhere satisfied.
    Missing,
    /// No target's evidence or answers judged any of its practices.
    NotShown,
}

impl Verdict {
    /// How the report says it.
    pub fn said(self) -> &'static str {
        match self {
            Verdict::InPlace => "in place",
            Verdict::Partly => "partly",
            Verdict::Missing => "missing",
            Verdict::NotShown => "not shown",
        }
    }
}

/// One id of the framework.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// The framework's id (`DL.CI.2`, `continuous-integration`, `Pinned-Dependencies`).
    pub id: &'a str,
    /// The model's practices that map to it.
    pub practices: Vec<&'a Practice>,
    /// Per practice, the number of targets in each state.
    pub states: Vec<BTreeMap<PracticeState, usize>>,
    /// The id's verdict over all of them.
    pub verdict: Verdict,
}

/// The view of one framework over a result.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// The framework.
    pub framework: Framework,
    /// The model the result was scored against.
    pub model: &'a Model,
    /// Each id the model maps to, in order.
    pub rows: Vec<Row<'a>>,
    /// Targets scored.
    pub targets: usize,
}

impl<'a> View<'a> {
    /// Groups the model's practices by the framework's ids and counts their states over the
    /// result's targets.
    pub fn new(result: &'a AssessmentResult, framework: Framework) -> Result<View<'a>, FrameworkError> {
        let model = &result.model.as_ref().ok_or(FrameworkError::NoModel)?.model;
        let mut by_id: BTreeMap<&str, Vec<&Practice>> = BTreeMap::new();
        for practice in &model.practices {
            for id in practice.maps_to.get(framework.key).into_iter().flatten() {
                by_id.entry(id.as_str()).or_default().push(practice);
            }
        }
        if by_id.is_empty() {
            let mut mapped: Vec<&str> = model
                .practices
                .iter()
                .flat_map(|p| p.maps_to.keys())
                .filter_map(|k| FRAMEWORKS.iter().find(|f| f.key == k).map(|f| f.name))
                .collect();
            mapped.sort_unstable();
            mapped.dedup();
            let mapped = if mapped.is_empty() { "no framework".to_owned() } else { mapped.join(", ") };
            return Err(FrameworkError::Unmapped { model: model.id.clone(), title: framework.title, mapped });
        }
        // Each practice's states counted over the targets, in one pass.
        let assessments: Vec<_> = result.targets.iter().filter_map(|t| t.assessment.as_ref()).collect();
        let mut counted: BTreeMap<&str, BTreeMap<PracticeState, usize>> = BTreeMap::new();
        for r in assessments.iter().flat_map(|a| &a.practices) {
            *counted.entry(r.id.as_str()).or_default().entry(r.state).or_insert(0) += 1;
        }
        let rows = by_id
            .into_iter()
            .map(|(id, practices)| {
                let states: Vec<BTreeMap<PracticeState, usize>> =
                    practices.iter().map(|p| counted.get(p.id.as_str()).cloned().unwrap_or_default()).collect();
                let (mut met, mut unmet) = (0, 0);
                for counts in &states {
                    for (state, n) in counts {
                        match state {
                            PracticeState::Satisfied | PracticeState::Exempt => met += n,
                            PracticeState::NotSatisfied => unmet += n,
                            _ => {}
                        }
                    }
                }
                let verdict = match (met, unmet) {
                    (0, 0) => Verdict::NotShown,
                    (_, 0) => Verdict::InPlace,
                    (0, _) => Verdict::Missing,
                    _ => Verdict::Partly,
                };
                Row { id, practices, states, verdict }
            })
            .collect();
        Ok(View { framework, model, rows, targets: assessments.len() })
    }

    /// The ids with each verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.rows.iter().filter(|r| r.verdict == verdict).count()
    }

    /// The view as Markdown.
    pub fn markdown(&self, result: &AssessmentResult) -> String {
        let mut md = String::new();
        let f = self.framework;
        let _ = writeln!(md, "# {} view", f.title);
        let _ = writeln!(md);
        let who = result.organisation.as_deref().map(|o| format!("{o}, ")).unwrap_or_default();
        let _ = writeln!(
            md,
            "{who}assessed {} ({} target{}) against model `{}` {}; its practices grouped by the {} ids they map to (`maps_to.{}`), without assessing again.",
            result.started_at,
            self.targets,
            if self.targets == 1 { "" } else { "s" },
            self.model.id,
            self.model.version,
            f.title,
            f.key,
        );
        let _ = writeln!(md);
        let total = self.rows.len();
        let shown = total - self.count(Verdict::NotShown);
        let _ = writeln!(
            md,
            "**Coverage: {shown} of the {total} ids the model maps to were judged** ({} in place, {} partly, {} missing); {} not shown by the evidence or the answers. An id the model maps no practice to is not listed: the model does not speak to it.",
            self.count(Verdict::InPlace),
            self.count(Verdict::Partly),
            self.count(Verdict::Missing),
            self.count(Verdict::NotShown),
        );
        let _ = writeln!(md);
        let _ =
            writeln!(md, "| {} id | verdict | practices of model `{}` (targets by state) |", f.title, self.model.id);
        let _ = writeln!(md, "| --- | --- | --- |");
        for row in &self.rows {
            let practices: Vec<String> = row
                .practices
                .iter()
                .zip(&row.states)
                .map(|(p, counts)| {
                    let states: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {}", s.name())).collect();
                    let states = if states.is_empty() { "not scored".to_owned() } else { states.join(", ") };
                    format!("`{}` {} ({states})", p.id, escape(&p.title))
                })
                .collect();
            let _ = writeln!(md, "| {} | {} | {} |", escape(row.id), row.verdict.said(), practices.join("<br>"));
        }
        md
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frameworks_are_named_by_their_name_or_their_key() {
        assert_eq!("aws-devops".parse::<Framework>().unwrap().key, "well_architected");
        assert_eq!("well_architected".parse::<Framework>().unwrap().name, "aws-devops");
        let error = "sam".parse::<Framework>().unwrap_err();
        assert_eq!(error, "unknown framework `sam`; expected one of dora, samm, dsomm, aws-devops, scorecard");
    }
}
