//! Scoring: findings, facts and answers against a model, into practice states, area levels
//! with their explanation, coverage, DORA keys, and the organisation's aggregates. Pure: the
//! same inputs give the same assessment.
//!
//! - A practice is `satisfied`, `not_satisfied`, `exempt` (by the assessment file, with its
//!   reason), `unknown` (evidence the assessment had could have shown it and did not either
//!   way), `not_applicable` (its subject is absent: no service to monitor, no infrastructure
//!   code to validate) or `out_of_scope` (only evidence the assessment did not have could
//!   show it: an interview, a cloud account, pipeline runs). Nothing unknown or out of
//!   scope is ever counted as satisfied.
//! - The practices a level is computed over are the *considered* ones: applicable and in
//!   scope. An area's level is the highest level that has a considered practice and whose
//!   considered practices, and all those below, are satisfied or exempt (level 1 needs
//!   nothing): "level 3 of what the evidence in scope shows". With an interview and an
//!   account in scope, the same model gives the full level.
//! - `score` is the continuous figure beside the staged level: the share of the considered
//!   practices in place, each weighted by its impact (and the profile's weight), 0 to 1;
//!   `progress` is the share of the next level's considered practices in place;
//!   `potential_level` is the level reached if every unknown and out-of-scope practice
//!   turned out to be in place; `coverage` is the share of the area's practices decided.
//! - A scoring profile may weigh practices and switch some off; the raw figures are always
//!   kept beside the adjusted ones.
//! - Across targets: per practice the share of targets satisfying it (of those where it
//!   was assessed), per area the distribution of levels and the organisation's level: the
//!   highest level reached by at least `organisation_share` of the targets where the area
//!   was considered; the same grouped by each target label.

pub mod dora;
pub mod rule;
mod stage;
pub mod system;

pub use stage::{
    score, score_with_systems, system_assessment, units, Assessment, LevelOver, SystemAssessment, Systems, Unit,
};
pub use system::SystemSpec;

use crate::judge::JudgedTarget;
use crate::model::answers::{Answer, AnswerValue};
use crate::model::{Model, Practice, Question, QuestionKind};
use dora::TargetDora;
use rule::{Subject, Trace, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The state of one practice on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PracticeState {
    /// In place.
    Satisfied,
    /// Not in place.
    NotSatisfied,
    /// Exempted by the assessment file, with a reason.
    Exempt,
    /// Evidence in scope could have shown it and did not either way.
    Unknown,
    /// Its subject is absent (a library has no production to monitor).
    NotApplicable,
    /// Only evidence the assessment did not have could show it.
    OutOfScope,
}

impl PracticeState {
    /// The name used in results and reports.
    pub fn name(self) -> &'static str {
        match self {
            PracticeState::Satisfied => "satisfied",
            PracticeState::NotSatisfied => "not satisfied",
            PracticeState::Exempt => "exempt",
            PracticeState::Unknown => "unknown",
            PracticeState::NotApplicable => "not applicable",
            PracticeState::OutOfScope => "out of scope",
        }
    }

    /// Satisfied or exempt: counts towards a level.
    pub fn is_met(self) -> bool {
        matches!(self, PracticeState::Satisfied | PracticeState::Exempt)
    }

    /// Applicable and in scope: what levels and scores are computed over.
    pub fn is_considered(self) -> bool {
        !matches!(self, PracticeState::NotApplicable | PracticeState::OutOfScope)
    }

    /// Decided by the evidence: satisfied, not satisfied or exempt.
    pub fn is_decided(self) -> bool {
        matches!(self, PracticeState::Satisfied | PracticeState::NotSatisfied | PracticeState::Exempt)
    }
}

/// An exemption of a practice for some targets, from the assessment file.
#[derive(Debug, Clone)]
pub struct PracticeExemption {
    /// Glob over target names.
    pub target: globset::GlobMatcher,
    /// The practice's id.
    pub practice: String,
    /// Why, in the assessor's words.
    pub reason: String,
}

/// A scoring profile: weights for progress, practices switched off, and the share of targets
/// that makes an organisation's level.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Weight of each practice in `progress` (1 when not given).
    pub weights: BTreeMap<String, f64>,
    /// Practices left out of the adjusted figures.
    pub disabled: BTreeSet<String>,
    /// The share of targets that must reach a level for the organisation to be at it.
    pub organisation_share: f64,
}

impl Default for Profile {
    fn default() -> Self {
        Profile { weights: BTreeMap::new(), disabled: BTreeSet::new(), organisation_share: DEFAULT_ORGANISATION_SHARE }
    }
}

/// The default share of targets that makes the organisation's level: 80 %.
pub const DEFAULT_ORGANISATION_SHARE: f64 = 0.8;

impl Profile {
    /// Whether it changes any figure (weights or switched-off practices).
    pub fn adjusts(&self) -> bool {
        !self.disabled.is_empty() || self.weights.values().any(|w| (*w - 1.0).abs() > 1e-12)
    }

    fn weight(&self, practice: &str) -> f64 {
        self.weights.get(practice).copied().unwrap_or(1.0)
    }
}

/// One practice on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PracticeResult {
    /// The practice's id.
    pub id: String,
    /// Its area.
    pub area: String,
    /// Its level.
    pub level: u8,
    /// What it came to.
    pub state: PracticeState,
    /// Why, in one sentence.
    pub reason: String,
    /// Every piece of evidence the rule looked at.
    pub trace: Vec<Trace>,
    /// Switched off by the scoring profile (left out of the adjusted figures).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

/// A practice that keeps an area from its next level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Blocker {
    /// The practice's id.
    pub practice: String,
    /// Its title.
    pub title: String,
    /// Its level.
    pub level: u8,
    /// Its state (`not_satisfied` or `unknown`).
    pub state: PracticeState,
    /// Why.
    pub reason: String,
}

/// An area's figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Figures {
    /// The level reached over the considered practices (applicable and in scope), 1 to 5.
    pub level: u8,
    /// Share of the considered practices in place, weighted by impact, 0 to 1: the
    /// continuous figure beside the level. `None` when no practice is considered.
    #[serde(default)]
    pub score: Option<f64>,
    /// Progress inside the next level that has considered practices, 0 to 1 (1 when none
    /// is left).
    pub progress: f64,
    /// Share of the practices that were decided (satisfied, not satisfied, exempt), 0 to 1.
    pub coverage: f64,
    /// The level reached if every unknown and out-of-scope practice were in place.
    pub potential_level: u8,
}

/// One area on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AreaResult {
    /// The area's id.
    pub id: String,
    /// The raw figures: every practice, equal weights.
    #[serde(flatten)]
    pub figures: Figures,
    /// Practices decided (satisfied, not satisfied, exempt), of how many.
    pub assessed: usize,
    /// Practices in the area.
    pub practices: usize,
    /// Practices the level is computed over: applicable and in scope. An area with none is
    /// not assessed: its level says nothing and it is left out of means.
    #[serde(default)]
    pub considered: usize,
    /// Practices whose subject is absent.
    #[serde(default)]
    pub not_applicable: usize,
    /// Practices only evidence the assessment did not have could show.
    #[serde(default)]
    pub out_of_scope: usize,
    /// The practices of the next level that are not in place, and why.
    pub blocking: Vec<Blocker>,
    /// The level in a sentence or two, naming what blocks the next one.
    pub explanation: String,
    /// The figures under the scoring profile, when it changes anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusted: Option<Figures>,
}

/// What an assessment had for one target, and what it could not show for want of more.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scope {
    /// The evidence in scope: `repository`, `history`, `runs`, `cloud`, `interview`.
    pub sources: Vec<crate::model::Source>,
    /// Practices out of scope, by the evidence that could show them and was missing
    /// (a practice shown by either an interview or an account counts under both).
    pub missing: BTreeMap<crate::model::Source, usize>,
    /// Practices out of scope.
    pub out_of_scope: usize,
    /// Practices whose subject is absent.
    pub not_applicable: usize,
    /// Practices considered (applicable and in scope).
    pub considered: usize,
}

impl AreaResult {
    /// Whether the area was assessed at all: some practice considered (or, in a result
    /// written before scope was recorded, some practice decided).
    pub fn is_assessed(&self) -> bool {
        self.considered > 0 || (self.not_applicable == 0 && self.out_of_scope == 0 && self.assessed > 0)
    }
}

/// The scored assessment of one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetAssessment {
    /// Every practice of the model, in the model's order.
    pub practices: Vec<PracticeResult>,
    /// Every area, in the model's order.
    pub areas: Vec<AreaResult>,
    /// Share of all practices decided, 0 to 1.
    pub coverage: f64,
    /// Share of the considered practices in place over every area, weighted by impact,
    /// 0 to 1 (`None` when none is considered).
    #[serde(default)]
    pub score: Option<f64>,
    /// The mean level of the areas with considered practices (`None` when there is none).
    #[serde(default)]
    pub mean_level: Option<f64>,
    /// What was in scope.
    #[serde(default)]
    pub scope: Scope,
    /// The DORA keys and cluster.
    pub dora: TargetDora,
    /// The answers that applied to this target, by question id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, Answer>,
}

impl TargetAssessment {
    /// A practice's result.
    pub fn practice(&self, id: &str) -> Option<&PracticeResult> {
        self.practices.iter().find(|p| p.id == id)
    }

    /// An area's result.
    pub fn area(&self, id: &str) -> Option<&AreaResult> {
        self.areas.iter().find(|a| a.id == id)
    }
}

/// Scores one target.
pub fn score_target(
    model: &Model,
    target: &JudgedTarget,
    answers: BTreeMap<String, Answer>,
    exemptions: &[PracticeExemption],
    profile: &Profile,
) -> TargetAssessment {
    let dora = TargetDora::compute(model, &target.facts, &answers);
    let interviewed = !answers.is_empty();
    let mut sources = target.sources();
    if interviewed {
        sources.push(crate::model::Source::Interview);
    }
    assess(model, Evidence { target, answers, dora, interviewed, sources, pool: None }, exemptions, profile)
}

/// Scores a system on the pooled evidence of its `members` (at least one), with `answers`
/// the answers scoped to the system itself; see [`system`] for how each kind of evidence
/// pools.
pub fn score_system(
    model: &Model,
    spec: &SystemSpec,
    members: &[system::Member<'_>],
    pooling: &system::Pooling,
    answers: BTreeMap<String, Answer>,
    exemptions: &[PracticeExemption],
    profile: &Profile,
) -> TargetAssessment {
    let (pool, dora) = system::Pool::new(model, members, pooling, &answers);
    let target = pool.pooled_target(spec);
    let interviewed = !answers.is_empty() || pool.interviewed();
    let mut sources = target.sources.clone();
    if interviewed {
        sources.push(crate::model::Source::Interview);
    }
    assess(
        model,
        Evidence { target: &target, answers, dora, interviewed, sources, pool: Some(&pool) },
        exemptions,
        profile,
    )
}

/// What a target or a system is scored on.
struct Evidence<'a> {
    /// The target, or a system's members pooled (facts, sources, plugins).
    target: &'a JudgedTarget,
    answers: BTreeMap<String, Answer>,
    dora: TargetDora,
    interviewed: bool,
    sources: Vec<crate::model::Source>,
    /// A system's members, whose evidence its rules' leaves pool.
    pool: Option<&'a system::Pool<'a>>,
}

fn assess(
    model: &Model,
    evidence: Evidence<'_>,
    exemptions: &[PracticeExemption],
    profile: &Profile,
) -> TargetAssessment {
    let Evidence { target, answers, dora, interviewed, sources, pool } = evidence;
    let subject = Subject { model, target, answers: &answers, dora: &dora, interviewed };
    let practices: Vec<PracticeResult> = model
        .practices
        .iter()
        .map(|p| {
            let mut result = score_practice(p, subject, pool);
            if let Some(e) = exemptions.iter().find(|e| e.practice == p.id && e.target.is_match(&target.name)) {
                result.reason =
                    format!("exempted by the assessor: {} (the evidence says: {})", e.reason, result.reason);
                result.state = PracticeState::Exempt;
            }
            result.disabled = profile.disabled.contains(&p.id);
            result
        })
        .collect();
    let areas: Vec<AreaResult> =
        model.areas.iter().map(|a| score_area(model, &a.id, &practices, profile, &sources)).collect();
    let assessed = practices.iter().filter(|p| p.state.is_decided()).count();
    let coverage = ratio(assessed, practices.len());
    let all: Vec<&PracticeResult> = practices.iter().collect();
    let score = weighted_share(model, &all, &|_| 1.0);
    let levels: Vec<f64> = areas.iter().filter(|a| a.considered > 0).map(|a| f64::from(a.figures.level)).collect();
    let mean_level = (!levels.is_empty()).then(|| levels.iter().sum::<f64>() / levels.len() as f64);
    let mut missing: BTreeMap<crate::model::Source, usize> = BTreeMap::new();
    for p in practices.iter().filter(|p| p.state == PracticeState::OutOfScope) {
        let wanted = model.practice(&p.id).map(|x| x.sources.as_slice()).unwrap_or_default();
        for source in wanted.iter().filter(|s| !sources.contains(s)) {
            *missing.entry(*source).or_default() += 1;
        }
    }
    let scope = Scope {
        sources,
        missing,
        out_of_scope: practices.iter().filter(|p| p.state == PracticeState::OutOfScope).count(),
        not_applicable: practices.iter().filter(|p| p.state == PracticeState::NotApplicable).count(),
        considered: practices.iter().filter(|p| p.state.is_considered()).count(),
    };
    TargetAssessment { practices, areas, coverage, score, mean_level, scope, dora, answers }
}

/// The share of the considered practices in place, each weighted by its impact times
/// `weight` (`None` when none is considered).
fn weighted_share(model: &Model, practices: &[&PracticeResult], weight: &dyn Fn(&str) -> f64) -> Option<f64> {
    let impact = |id: &str| model.practice(id).map_or(1.0, |p| f64::from(p.impact.max(1)));
    let considered: Vec<&&PracticeResult> = practices.iter().filter(|p| p.state.is_considered()).collect();
    let total: f64 = considered.iter().map(|p| impact(&p.id) * weight(&p.id)).sum();
    // A fold from +0.0: an empty `sum()` of floats is -0.0, which would print as "-0 %".
    let met =
        considered.iter().filter(|p| p.state.is_met()).map(|p| impact(&p.id) * weight(&p.id)).fold(0.0, |a, b| a + b);
    (total > 0.0).then(|| met / total)
}

fn score_practice(practice: &Practice, subject: Subject<'_>, pool: Option<&system::Pool<'_>>) -> PracticeResult {
    let mut trace = Vec::new();
    let verdict = rule::evaluate_pooled(&practice.evidence, subject, pool, &mut trace);
    let state = match verdict {
        Verdict::Satisfied => PracticeState::Satisfied,
        Verdict::NotSatisfied => PracticeState::NotSatisfied,
        Verdict::Unknown => PracticeState::Unknown,
        Verdict::NotApplicable => PracticeState::NotApplicable,
        Verdict::OutOfScope => PracticeState::OutOfScope,
    };
    // The leaves that agree with the outcome explain it; a system's name the member.
    let line = |t: &Trace| match &t.member {
        Some(member) => format!("{} ({member}): {}", t.rule, t.found),
        None => format!("{}: {}", t.rule, t.found),
    };
    let deciding: Vec<String> = trace.iter().filter(|t| t.verdict == verdict).map(line).collect();
    let reason = if deciding.is_empty() {
        // A `not` turned the leaves' verdict around.
        trace.iter().map(line).collect::<Vec<_>>().join("; ")
    } else {
        deciding.join("; ")
    };
    PracticeResult {
        id: practice.id.clone(),
        area: practice.area.clone(),
        level: practice.level,
        state,
        reason,
        trace,
        disabled: false,
    }
}

fn score_area(
    model: &Model,
    area: &str,
    practices: &[PracticeResult],
    profile: &Profile,
    in_scope: &[crate::model::Source],
) -> AreaResult {
    let in_area: Vec<&PracticeResult> = practices.iter().filter(|p| p.area == area).collect();
    let figures = figures_of(model, &in_area, &|_| 1.0);
    let adjusted = profile.adjusts().then(|| {
        let kept: Vec<&PracticeResult> = in_area.iter().copied().filter(|p| !p.disabled).collect();
        figures_of(model, &kept, &|id| profile.weight(id))
    });
    let next = next_level(&in_area, figures.level);
    let blocking: Vec<Blocker> = in_area
        .iter()
        .filter(|p| p.state.is_considered() && next.is_some_and(|n| p.level <= n) && !p.state.is_met())
        .map(|p| Blocker {
            practice: p.id.clone(),
            title: model.practice(&p.id).map(|x| x.title.clone()).unwrap_or_default(),
            level: p.level,
            state: p.state,
            reason: p.reason.clone(),
        })
        .collect();
    let count = |state: PracticeState| in_area.iter().filter(|p| p.state == state).count();
    let mut result = AreaResult {
        id: area.to_owned(),
        figures,
        assessed: in_area.iter().filter(|p| p.state.is_decided()).count(),
        practices: in_area.len(),
        considered: in_area.iter().filter(|p| p.state.is_considered()).count(),
        not_applicable: count(PracticeState::NotApplicable),
        out_of_scope: count(PracticeState::OutOfScope),
        blocking,
        explanation: String::new(),
        adjusted,
    };
    result.explanation = explain(model, &result, &in_area, next, in_scope);
    result
}

/// The first level above `level` with a considered practice.
fn next_level(practices: &[&PracticeResult], level: u8) -> Option<u8> {
    (level + 1..=5).find(|l| practices.iter().any(|p| p.level == *l && p.state.is_considered()))
}

/// Level, score, progress, coverage and potential level of some practices.
fn figures_of(model: &Model, practices: &[&PracticeResult], weight: &dyn Fn(&str) -> f64) -> Figures {
    // The highest level with a considered practice whose considered practices, and all
    // below, are in place; levels with nothing considered are passed over.
    let reached = |considered: &dyn Fn(&PracticeResult) -> bool, met: &dyn Fn(&PracticeResult) -> bool| {
        let mut level = 1;
        for l in 2..=5u8 {
            let at: Vec<&&PracticeResult> = practices.iter().filter(|p| p.level == l && considered(p)).collect();
            if !at.iter().all(|p| met(p)) {
                break;
            }
            if !at.is_empty() {
                level = l;
            }
        }
        level
    };
    let level = reached(&|p| p.state.is_considered(), &|p| p.state.is_met());
    let potential_level = reached(&|p| p.state != PracticeState::NotApplicable, &|p| {
        p.state.is_met() || matches!(p.state, PracticeState::Unknown | PracticeState::OutOfScope)
    });
    let progress = match next_level(practices, level) {
        None => 1.0,
        Some(next) => {
            let at: Vec<&&PracticeResult> =
                practices.iter().filter(|p| p.level == next && p.state.is_considered()).collect();
            let total: f64 = at.iter().map(|p| weight(&p.id)).sum();
            let met: f64 = at.iter().filter(|p| p.state.is_met()).map(|p| weight(&p.id)).fold(0.0, |a, b| a + b);
            if total > 0.0 {
                met / total
            } else {
                0.0
            }
        }
    };
    let decided = practices.iter().filter(|p| p.state.is_decided()).count();
    Figures {
        level,
        score: weighted_share(model, practices, weight),
        progress,
        coverage: ratio(decided, practices.len()),
        potential_level,
    }
}

fn explain(
    model: &Model,
    area: &AreaResult,
    practices: &[&PracticeResult],
    next: Option<u8>,
    in_scope: &[crate::model::Source],
) -> String {
    let figures = &area.figures;
    if area.considered == 0 {
        let mut text = String::from("Not assessed:");
        if area.not_applicable > 0 {
            let verb = if area.not_applicable == 1 { "does" } else { "do" };
            text.push_str(&format!(" {} of its practices {verb} not apply", area.not_applicable));
        }
        if area.out_of_scope > 0 {
            if area.not_applicable > 0 {
                text.push(',');
            }
            let verb = if area.out_of_scope == 1 { "needs" } else { "need" };
            text.push_str(&format!(" {} {verb} evidence the assessment did not have", area.out_of_scope));
            let needs = missing_sources(model, practices, in_scope);
            if !needs.is_empty() {
                text.push_str(&format!(" ({needs})"));
            }
        }
        text.push('.');
        return text;
    }
    let mut text = format!("Level {} ({})", figures.level, model.level_name(figures.level));
    if figures.level == 1 {
        text.push_str(": the considered practices of level 2 are not all in place.");
    } else {
        text.push_str(&format!(": every considered practice up to level {} is in place.", figures.level));
    }
    if let Some(next) = next {
        let names: Vec<String> = area
            .blocking
            .iter()
            .map(|b| match b.state {
                PracticeState::Unknown => format!("{} (unknown: {})", b.practice, b.reason),
                _ => format!("{} (not satisfied: {})", b.practice, b.reason),
            })
            .collect();
        text.push_str(&format!(
            " Level {next} ({}) needs {}.",
            model.level_name(next),
            if names.is_empty() { "nothing more".to_owned() } else { names.join("; ") }
        ));
    }
    if figures.potential_level > figures.level {
        text.push_str(&format!(
            " Up to level {} if the unknown and out-of-scope practices turn out to be in place.",
            figures.potential_level
        ));
    }
    text.push_str(&format!(" {} of {} practices considered", area.considered, area.practices));
    let mut left = Vec::new();
    if area.not_applicable > 0 {
        let verb = if area.not_applicable == 1 { "does" } else { "do" };
        left.push(format!("{} {verb} not apply", area.not_applicable));
    }
    if area.out_of_scope > 0 {
        let needs = missing_sources(model, practices, in_scope);
        let verb = if area.out_of_scope == 1 { "is" } else { "are" };
        left.push(if needs.is_empty() {
            format!("{} {verb} out of scope", area.out_of_scope)
        } else {
            format!("{} {verb} out of scope ({needs})", area.out_of_scope)
        });
    }
    if left.is_empty() {
        text.push('.');
    } else {
        text.push_str(&format!("; {}.", left.join(", ")));
    }
    text
}

/// What the out-of-scope practices among `practices` would need, in words: "an interview
/// for 4, an AWS account for 1".
fn missing_sources(model: &Model, practices: &[&PracticeResult], in_scope: &[crate::model::Source]) -> String {
    let mut needs: BTreeMap<crate::model::Source, usize> = BTreeMap::new();
    for p in practices.iter().filter(|p| p.state == PracticeState::OutOfScope) {
        let sources = model.practice(&p.id).map(|x| x.sources.as_slice()).unwrap_or_default();
        for source in sources.iter().filter(|s| !in_scope.contains(s)) {
            *needs.entry(*source).or_default() += 1;
        }
    }
    needs.iter().map(|(s, n)| format!("{} for {n}", s.what())).collect::<Vec<_>>().join(", ")
}

/// The mean, the same whatever the order of the values (they are summed sorted), so that a
/// merge of shards gives the figures of the whole.
fn mean(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (!sorted.is_empty()).then(|| sorted.iter().sum::<f64>() / sorted.len() as f64)
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// What the evidence suggests as the answer to a question, for the interview.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The suggested answer.
    pub value: AnswerValue,
    /// The evidence behind it, in one line.
    pub evidence: String,
}

/// The answer the evidence of `target` suggests for `question`: for a yes_no question
/// with `suggest`, yes when the rule is satisfied and no when it is not (answers are not
/// consulted); for a DORA question, the choice of the band measured for its key.
pub fn suggestion(model: &Model, question: &Question, target: &JudgedTarget) -> Option<Suggestion> {
    let no_answers = BTreeMap::new();
    let dora = TargetDora::compute(model, &target.facts, &no_answers);
    if let Some(rule) = &question.suggest {
        let subject = Subject { model, target, answers: &no_answers, dora: &dora, interviewed: false };
        let mut trace = Vec::new();
        let value = match rule::evaluate(rule, subject, &mut trace) {
            Verdict::Satisfied => true,
            Verdict::NotSatisfied => false,
            Verdict::Unknown | Verdict::NotApplicable | Verdict::OutOfScope => return None,
        };
        let evidence = trace
            .iter()
            .map(|t| {
                let at = t
                    .locations
                    .first()
                    .map(|l| match l.line {
                        Some(line) => format!(" ({}:{line})", l.path),
                        None => format!(" ({})", l.path),
                    })
                    .unwrap_or_default();
                format!("{}: {}{at}", t.rule, t.found)
            })
            .collect::<Vec<_>>()
            .join("; ");
        return Some(Suggestion { value: AnswerValue::Bool(value), evidence });
    }
    let key = dora.key(question.dora?)?;
    let band = key.band?;
    let QuestionKind::Choice { choices } = &question.kind else { return None };
    let choice = choices.iter().find(|c| c.band == Some(band))?;
    let figure = key.value.map(|v| format!("{v} {}", key.unit)).unwrap_or_default();
    Some(Suggestion {
        value: AnswerValue::Text(choice.value.clone()),
        evidence: format!("{}: {} {} from {} ({})", key.key.fact(), figure.trim(), band.name(), key.source, key.basis)
            .replace("  ", " "),
    })
}

/// The organisation's aggregates over all targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganisationAssessment {
    /// Targets scored (or, over systems, systems and targets in no system).
    pub targets: usize,
    /// What the figures are computed over: `targets` (absent) or `systems` (every system
    /// scored, and every target that is in none).
    #[serde(default, skip_serializing_if = "LevelOver::is_targets")]
    pub over: LevelOver,
    /// The share of targets that must reach a level for the organisation to be at it.
    pub organisation_share: f64,
    /// The mean of the targets' scores (share of considered practices in place), 0 to 1.
    #[serde(default)]
    pub score: Option<f64>,
    /// Per area: the organisation's level and the distribution of levels.
    pub areas: Vec<OrganisationArea>,
    /// Per practice: how many targets satisfy it.
    pub practices: Vec<OrganisationPractice>,
    /// Share of all practice evaluations that were assessed.
    pub coverage: f64,
    /// The DORA keys: the lower median band across the targets that have one.
    pub dora: TargetDora,
    /// The same per group of targets sharing a label value (team, service…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
}

/// One area across targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganisationArea {
    /// The area's id.
    pub id: String,
    /// The highest level reached by at least the organisation share of the targets assessed
    /// in this area (1 when none was).
    pub level: u8,
    /// Targets at each level, index 0 for level 1.
    pub distribution: [usize; 5],
    /// Targets where the area was assessed (some practice considered).
    pub assessed_targets: usize,
    /// The mean score of the area over the targets where it was assessed, 0 to 1.
    #[serde(default)]
    pub score: Option<f64>,
    /// Share of this area's practice evaluations that were assessed.
    pub coverage: f64,
}

/// One practice across targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganisationPractice {
    /// The practice's id.
    pub id: String,
    /// Targets where it is satisfied.
    pub satisfied: usize,
    /// Targets where it is exempt.
    pub exempt: usize,
    /// Targets where it is not satisfied.
    pub not_satisfied: usize,
    /// Targets where it is unknown.
    pub unknown: usize,
    /// Targets where it does not apply.
    #[serde(default)]
    pub not_applicable: usize,
    /// Targets where it is out of scope.
    #[serde(default)]
    pub out_of_scope: usize,
    /// Satisfied or exempt, as a share of the targets where it was assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// Targets sharing a label value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Group {
    /// The label, e.g. `team`.
    pub label: String,
    /// Its value, e.g. `payments`.
    pub value: String,
    /// The targets' names.
    pub targets: Vec<String>,
    /// Per area, the group's level (same rule as the organisation's).
    pub areas: Vec<OrganisationArea>,
}

/// Aggregates scored targets (name, labels, assessment).
pub fn organisation(
    model: &Model,
    targets: &[(&str, &BTreeMap<String, String>, &TargetAssessment)],
    profile: &Profile,
) -> OrganisationAssessment {
    let assessments: Vec<&TargetAssessment> = targets.iter().map(|t| t.2).collect();
    let areas = organisation_areas(model, &assessments, profile.organisation_share);
    let practices = model
        .practices
        .iter()
        .map(|p| {
            let states: Vec<PracticeState> =
                assessments.iter().filter_map(|a| a.practice(&p.id)).map(|r| r.state).collect();
            let count = |s: PracticeState| states.iter().filter(|x| **x == s).count();
            let (satisfied, exempt, not_satisfied, unknown, not_applicable, out_of_scope) = (
                count(PracticeState::Satisfied),
                count(PracticeState::Exempt),
                count(PracticeState::NotSatisfied),
                count(PracticeState::Unknown),
                count(PracticeState::NotApplicable),
                count(PracticeState::OutOfScope),
            );
            let assessed = satisfied + exempt + not_satisfied;
            OrganisationPractice {
                id: p.id.clone(),
                satisfied,
                exempt,
                not_satisfied,
                unknown,
                not_applicable,
                out_of_scope,
                share: (assessed > 0).then(|| (satisfied + exempt) as f64 / assessed as f64),
            }
        })
        .collect();
    let evaluations: usize = assessments.iter().map(|a| a.practices.len()).sum();
    let assessed: usize = assessments.iter().map(|a| a.practices.iter().filter(|p| p.state.is_decided()).count()).sum();
    let scores: Vec<f64> = assessments.iter().filter_map(|a| a.score).collect();
    let mut groups = Vec::new();
    let label_values: BTreeSet<(&String, &String)> = targets.iter().flat_map(|t| t.1.iter()).collect();
    for (label, value) in label_values {
        let members: Vec<&(&str, &BTreeMap<String, String>, &TargetAssessment)> =
            targets.iter().filter(|t| t.1.get(label) == Some(value)).collect();
        let member_assessments: Vec<&TargetAssessment> = members.iter().map(|t| t.2).collect();
        groups.push(Group {
            label: label.clone(),
            value: value.clone(),
            targets: members.iter().map(|t| t.0.to_owned()).collect(),
            areas: organisation_areas(model, &member_assessments, profile.organisation_share),
        });
    }
    OrganisationAssessment {
        targets: targets.len(),
        over: LevelOver::Targets,
        organisation_share: profile.organisation_share,
        score: mean(&scores),
        areas,
        practices,
        coverage: ratio(assessed, evaluations),
        dora: organisation_dora(&assessments),
        groups,
    }
}

fn organisation_areas(model: &Model, assessments: &[&TargetAssessment], share: f64) -> Vec<OrganisationArea> {
    model
        .areas
        .iter()
        .map(|area| {
            let results: Vec<&AreaResult> = assessments.iter().filter_map(|a| a.area(&area.id)).collect();
            let assessed: Vec<&&AreaResult> = results.iter().filter(|r| r.is_assessed()).collect();
            let mut distribution = [0usize; 5];
            for r in &assessed {
                distribution[usize::from(r.figures.level.clamp(1, 5)) - 1] += 1;
            }
            let level = (1..=5u8)
                .rev()
                .find(|l| {
                    let at_or_above = assessed.iter().filter(|r| r.figures.level >= *l).count();
                    !assessed.is_empty() && at_or_above as f64 + 1e-9 >= share * assessed.len() as f64
                })
                .unwrap_or(1);
            let evaluations: usize = results.iter().map(|r| r.practices).sum();
            let done: usize = results.iter().map(|r| r.assessed).sum();
            let scores: Vec<f64> = assessed.iter().filter_map(|r| r.figures.score).collect();
            OrganisationArea {
                id: area.id.clone(),
                level,
                distribution,
                assessed_targets: assessed.len(),
                score: mean(&scores),
                coverage: ratio(done, evaluations),
            }
        })
        .collect()
}

fn organisation_dora(assessments: &[&TargetAssessment]) -> TargetDora {
    let keys: Vec<dora::DoraKeyResult> = crate::model::DoraKey::ALL
        .into_iter()
        .map(|key| {
            let mut bands: Vec<crate::model::Band> =
                assessments.iter().filter_map(|a| a.dora.key(key)).filter_map(|k| k.band).collect();
            bands.sort();
            let n = bands.len();
            dora::DoraKeyResult {
                key,
                band: (n > 0).then(|| bands[(n - 1) / 2]),
                value: None,
                unit: String::new(),
                source: if n > 0 { "targets".into() } else { "none".into() },
                basis: if n > 0 { format!("lower median of {n} target(s)") } else { String::new() },
            }
        })
        .collect();
    let bands: Vec<crate::model::Band> = keys.iter().filter_map(|k| k.band).collect();
    let (cluster, cluster_basis) = dora::cluster(&bands);
    TargetDora { keys, cluster, cluster_basis }
}

#[cfg(test)]
mod tests;
