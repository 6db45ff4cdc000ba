//! What the HTML report adds to the templates' view: the executive summary, the charts
//! (inline SVG, made here so templates never build markup from data), and per-area sections.

use super::svg;
use crate::result::AssessmentResult;
use crate::score::PracticeState;
use minijinja::Value;
use serde::Serialize;

/// An area named in the executive summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The area's id.
    pub area: String,
    /// Its name.
    pub name: String,
    /// The (organisation's) level.
    pub level: u8,
    /// Share of its practice evaluations assessed.
    pub coverage: f64,
    /// One line: what stands out, or the next step.
    pub note: String,
}

/// The three headline strengths and gaps, chosen from the scores alone so that the same
/// result always gives the same summary:
///
/// - only areas with some coverage take part (an area nobody assessed is neither a strength
///   nor a gap: the report lists it as not assessed);
/// - strengths are the areas at level 2 or above, highest level first, then the best
///   covered (more evidence, surer claim), then the model's order; at most three;
/// - gaps are the other areas, lowest level first, then the best covered (a well-evidenced
///   low level is a surer gap than a guessed one), then the model's order; at most three.
///   Each names its next step: the first roadmap item of the area, else the first practice
///   blocking its next level.
pub fn headlines(result: &AssessmentResult) -> (Vec<Headline>, Vec<Headline>) {
    let (Some(model), Some(org)) = (&result.model, &result.organisation_assessment) else {
        return (Vec::new(), Vec::new());
    };
    let mut assessed: Vec<(usize, &crate::score::OrganisationArea)> =
        org.areas.iter().enumerate().filter(|(_, a)| a.coverage > 0.0).collect();
    let name = |id: &str| model.model.areas.iter().find(|a| a.id == id).map(|a| a.name.clone()).unwrap_or(id.into());
    let level_name = |n: u8| model.model.level_name(n).to_owned();
    assessed.sort_by(|(i, a), (j, b)| b.level.cmp(&a.level).then(b.coverage.total_cmp(&a.coverage)).then(i.cmp(j)));
    let strengths: Vec<Headline> = assessed
        .iter()
        .filter(|(_, a)| a.level >= 2)
        .take(3)
        .map(|(_, a)| Headline {
            area: a.id.clone(),
            name: name(&a.id),
            level: a.level,
            coverage: a.coverage,
            note: format!(
                "level {} ({}), {:.0} % of its practices assessed",
                a.level,
                level_name(a.level),
                a.coverage * 100.0
            ),
        })
        .collect();
    assessed.sort_by(|(i, a), (j, b)| a.level.cmp(&b.level).then(b.coverage.total_cmp(&a.coverage)).then(i.cmp(j)));
    let gaps = assessed
        .iter()
        .filter(|(_, a)| !strengths.iter().any(|s| s.area == a.id))
        .take(3)
        .map(|(_, a)| {
            let next = result
                .roadmap
                .iter()
                .flat_map(|r| r.horizons.iter().flat_map(|h| h.items.iter()))
                .find(|i| i.area == a.id)
                .map(|i| i.title.clone())
                .or_else(|| {
                    result
                        .targets
                        .iter()
                        .filter_map(|t| t.assessment.as_ref()?.area(&a.id))
                        .flat_map(|x| x.blocking.iter())
                        .map(|b| b.title.clone())
                        .next()
                });
            let mut note = format!("level {} ({})", a.level, level_name(a.level));
            if let Some(next) = next {
                note.push_str(&format!("; next: {next}"));
            }
            Headline { area: a.id.clone(), name: name(&a.id), level: a.level, coverage: a.coverage, note }
        })
        .collect();
    (strengths, gaps)
}

/// The charts, as safe HTML values: `radar`, `progress`, `coverage`, and `distribution`
/// (only with several targets).
pub fn charts(result: &AssessmentResult) -> Value {
    let (Some(model), Some(org)) = (&result.model, &result.organisation_assessment) else {
        return Value::from(());
    };
    let name = |id: &str| model.model.areas.iter().find(|a| a.id == id).map(|a| a.name.as_str()).unwrap_or("?");
    let levels: Vec<(&str, f64)> = org.areas.iter().map(|a| (name(&a.id), f64::from(a.level))).collect();
    let max = model.model.levels.iter().map(|l| l.number).max().unwrap_or(5).max(2);
    // Progress inside the next level: the mean over the targets assessed in the area.
    let progress: Vec<(&str, f64)> = org
        .areas
        .iter()
        .map(|a| {
            let figures: Vec<f64> = result
                .targets
                .iter()
                .filter_map(|t| t.assessment.as_ref()?.area(&a.id))
                .filter(|x| x.is_assessed())
                .map(|x| x.figures.progress)
                .collect();
            let mean = if figures.is_empty() { 0.0 } else { figures.iter().sum::<f64>() / figures.len() as f64 };
            (name(&a.id), mean)
        })
        .collect();
    let coverage: Vec<(&str, f64)> = org.areas.iter().map(|a| (name(&a.id), a.coverage)).collect();
    let mut charts = std::collections::BTreeMap::new();
    charts.insert("radar", Value::from_safe_string(svg::radar(&levels, max)));
    charts.insert("progress", Value::from_safe_string(svg::bars("Progress towards the next level", &progress)));
    charts.insert("coverage", Value::from_safe_string(svg::bars("Coverage: practices assessed", &coverage)));
    if result.targets.len() > 1 {
        let spread: Vec<(&str, [usize; 5])> = org.areas.iter().map(|a| (name(&a.id), a.distribution)).collect();
        charts.insert("distribution", Value::from_safe_string(svg::distribution("Targets at each level", &spread)));
    }
    if result.trend.len() > 1 {
        let points: Vec<&str> = result.trend.iter().map(|p| p.started_at.get(..10).unwrap_or(&p.started_at)).collect();
        let levels: Vec<(&str, Vec<Option<f64>>)> = model
            .model
            .areas
            .iter()
            .map(|a| {
                (a.name.as_str(), result.trend.iter().map(|p| p.levels.get(&a.id).map(|l| f64::from(*l))).collect())
            })
            .collect();
        let title = "Organisation level per area over time";
        charts.insert("trend", Value::from_safe_string(svg::trend(title, &points, &levels, svg::Scale::Levels(max))));
        // The continuous figure moves inside a level: older results without it leave gaps.
        let mut scores: Vec<(&str, Vec<Option<f64>>)> =
            vec![("Overall", result.trend.iter().map(|p| p.score).collect())];
        scores.extend(
            model
                .model
                .areas
                .iter()
                .map(|a| (a.name.as_str(), result.trend.iter().map(|p| p.scores.get(&a.id).copied()).collect())),
        );
        scores.retain(|(_, values)| values.iter().any(Option::is_some));
        if !scores.is_empty() {
            let title = "Organisation score per area over time";
            let chart = svg::trend(title, &points, &scores, svg::Scale::Percent);
            charts.insert("trend_score", Value::from_safe_string(chart));
        }
    }
    Value::from_serialize(charts)
}

/// One practice of an area, across targets.
#[derive(Debug, Serialize)]
pub struct PracticeSection<'a> {
    /// The practice's id.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its level.
    pub level: u8,
    /// Per target: state, reason, evidence.
    pub targets: Vec<PracticeOnTarget<'a>>,
    /// Targets per state (`satisfied`, `not_satisfied`, `exempt`, `unknown`).
    pub counts: std::collections::BTreeMap<&'static str, usize>,
}

/// A practice on one target.
#[derive(Debug, Serialize)]
pub struct PracticeOnTarget<'a> {
    /// The target's name.
    pub target: &'a str,
    /// The state (`satisfied`, `not_satisfied`, `exempt`, `unknown`).
    pub state: PracticeState,
    /// Why.
    pub reason: &'a str,
    /// The evidence the rule looked at: path and line.
    pub evidence: Vec<&'a crate::plugin::Evidence>,
}

/// One area of the model with what every target showed in it.
#[derive(Debug, Serialize)]
pub struct AreaSection<'a> {
    /// The area's id.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// What it covers.
    pub description: &'a str,
    /// Each target's level and explanation.
    pub targets: Vec<AreaOnTarget<'a>>,
    /// The practices, in the model's order.
    pub practices: Vec<PracticeSection<'a>>,
}

/// An area on one target.
#[derive(Debug, Serialize)]
pub struct AreaOnTarget<'a> {
    /// The target's name.
    pub target: &'a str,
    /// Its anchor in the report.
    pub anchor: String,
    /// The area's result on the target.
    pub result: &'a crate::score::AreaResult,
}

/// The per-area sections, in the model's order (borrowing from the result: for 1,000
/// targets they hold every target's every practice).
pub fn areas(result: &AssessmentResult) -> Vec<AreaSection<'_>> {
    let Some(model) = &result.model else { return Vec::new() };
    model
        .model
        .areas
        .iter()
        .map(|area| {
            let targets = result
                .targets
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let a = t.assessment.as_ref()?.area(&area.id)?;
                    Some(AreaOnTarget { target: &t.name, anchor: format!("target-{}", i + 1), result: a })
                })
                .collect();
            let practices = model
                .model
                .practices
                .iter()
                .filter(|p| p.area == area.id)
                .map(|p| {
                    let on: Vec<PracticeOnTarget> = result
                        .targets
                        .iter()
                        .filter_map(|t| {
                            let r = t.assessment.as_ref()?.practice(&p.id)?;
                            let mut evidence: Vec<&crate::plugin::Evidence> = Vec::new();
                            for e in r.trace.iter().flat_map(|x| x.locations.iter()) {
                                if !evidence.iter().any(|x| x.path == e.path && x.line == e.line) {
                                    evidence.push(e);
                                }
                            }
                            Some(PracticeOnTarget { target: &t.name, state: r.state, reason: &r.reason, evidence })
                        })
                        .collect();
                    let mut counts: std::collections::BTreeMap<&'static str, usize> =
                        ["satisfied", "not_satisfied", "exempt", "unknown", "not_applicable", "out_of_scope"]
                            .into_iter()
                            .map(|s| (s, 0))
                            .collect();
                    for t in &on {
                        let key = match t.state {
                            PracticeState::Satisfied => "satisfied",
                            PracticeState::NotSatisfied => "not_satisfied",
                            PracticeState::Exempt => "exempt",
                            PracticeState::Unknown => "unknown",
                            PracticeState::NotApplicable => "not_applicable",
                            PracticeState::OutOfScope => "out_of_scope",
                        };
                        *counts.entry(key).or_default() += 1;
                    }
                    PracticeSection { id: &p.id, title: &p.title, level: p.level, targets: on, counts }
                })
                .collect();
            AreaSection { id: &area.id, name: &area.name, description: &area.description, targets, practices }
        })
        .collect()
}
