//! Progress over time: a history folder of past results, and the comparison of two results
//! (what moved: area levels, practices gained and lost with the evidence that changed,
//! DORA keys, coverage, plugin errors), which the CI gate reads.

use crate::result::AssessmentResult;
use crate::score::{PracticeState, TargetAssessment};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Stores `result` in the history folder under a name derived from its start time
/// (`2026-11-26T12-19-07Z.json`; `-2`, `-3`… when that name is taken). The file is
/// written to a temporary name and renamed, so a crash never leaves half a result.
pub fn store(dir: &Path, result: &AssessmentResult) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stem: String =
        result.started_at.chars().map(|c| if c == ':' || c == '/' || c == '\\' { '-' } else { c }).collect();
    let mut path = dir.join(format!("{stem}.json"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.json"));
        n += 1;
    }
    let mut json = serde_json::to_vec_pretty(result).map_err(std::io::Error::other)?;
    json.push(b'\n');
    crate::output::write_atomic(&path, &json)?;
    Ok(path)
}

/// The results of a history folder.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Each result with its file, oldest first.
    pub results: Vec<(PathBuf, AssessmentResult)>,
    /// Files that are not results, with why.
    pub skipped: Vec<String>,
}

/// The results of a history folder, oldest first; files that are not results are skipped
/// with the reason.
pub fn load(dir: &Path) -> std::io::Result<History> {
    let mut results = Vec::new();
    let mut skipped = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        match AssessmentResult::load(&path) {
            Ok(result) => results.push((path, result)),
            Err(problem) => skipped.push(problem.to_string()),
        }
    }
    results.sort_by(|a, b| a.1.started_at.cmp(&b.1.started_at));
    Ok(History { results, skipped })
}

/// What changed between two results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    /// When the old result was made.
    pub old_started_at: String,
    /// When the new result was made.
    pub new_started_at: String,
    /// The organisation's area levels, old and new.
    pub organisation: Vec<AreaChange>,
    /// Overall coverage, old and new.
    pub coverage: (Option<f64>, Option<f64>),
    /// The organisation's score (share of considered practices in place), old and new.
    #[serde(default)]
    pub score: (Option<f64>, Option<f64>),
    /// Per target present in both.
    pub targets: Vec<TargetChange>,
    /// Targets only in the new result.
    pub added_targets: Vec<String>,
    /// Targets only in the old result.
    pub removed_targets: Vec<String>,
    /// The models differ (id or version): levels may have moved because the yardstick did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_changed: Option<String>,
}

/// An area's level, old and new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AreaChange {
    /// The area's id.
    pub area: String,
    /// The old level (absent when the area is new).
    pub old: Option<u8>,
    /// The new level (absent when the area is gone).
    pub new: Option<u8>,
    /// The old score, 0 to 1 (absent when the area was not assessed or is new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_score: Option<f64>,
    /// The new score, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_score: Option<f64>,
}

/// A share as a whole percentage; never "-0 %".
fn percent(share: f64) -> String {
    format!("{:.0} %", (share * 100.0).round() + 0.0)
}

/// Below this, two scores are the same: they come from the same integer counts.
const SAME_SCORE: f64 = 1e-9;

/// Whether a score went down.
fn score_dropped(old: Option<f64>, new: Option<f64>) -> bool {
    matches!((old, new), (Some(o), Some(n)) if n < o - SAME_SCORE)
}

impl AreaChange {
    /// Whether the level went down.
    pub fn dropped(&self) -> bool {
        matches!((self.old, self.new), (Some(o), Some(n)) if n < o)
    }

    /// Whether the score went down.
    pub fn score_dropped(&self) -> bool {
        score_dropped(self.old_score, self.new_score)
    }

    fn changed(&self) -> bool {
        self.old != self.new
            || match (self.old_score, self.new_score) {
                (Some(o), Some(n)) => (o - n).abs() > SAME_SCORE,
                (o, n) => o.is_some() != n.is_some(),
            }
    }
}

/// What changed on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetChange {
    /// The target's name.
    pub target: String,
    /// Area levels that moved.
    pub areas: Vec<AreaChange>,
    /// Practices now in place that were not.
    pub gained: Vec<PracticeChange>,
    /// Practices no longer in place.
    pub lost: Vec<PracticeChange>,
    /// DORA keys whose band moved: key, old band, new band.
    pub dora: Vec<(String, Option<String>, Option<String>)>,
    /// Coverage, old and new.
    pub coverage: (f64, f64),
    /// The target's score, old and new.
    #[serde(default)]
    pub score: (Option<f64>, Option<f64>),
    /// What the assessment had as evidence, when it changed: old and new (`repository`,
    /// `history`…). Levels and scores then move with the scope, not only with the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_changed: Option<(Vec<String>, Vec<String>)>,
    /// Plugin errors that are new: `plugin (kind)`.
    pub new_errors: Vec<String>,
    /// Plugin errors that are gone.
    pub resolved_errors: Vec<String>,
}

/// A practice that changed state, with the evidence before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PracticeChange {
    /// The practice's id.
    pub practice: String,
    /// Old state.
    pub old_state: PracticeState,
    /// New state.
    pub new_state: PracticeState,
    /// Why, before.
    pub old_reason: String,
    /// Why, now.
    pub new_reason: String,
}

/// Compares two results.
pub fn compare(old: &AssessmentResult, new: &AssessmentResult) -> Comparison {
    let levels = |r: &AssessmentResult| -> BTreeMap<String, (u8, Option<f64>)> {
        r.organisation_assessment
            .as_ref()
            .map(|o| o.areas.iter().map(|a| (a.id.clone(), (a.level, a.score))).collect())
            .unwrap_or_default()
    };
    let organisation = area_changes(&levels(old), &levels(new), true);
    let old_targets: BTreeMap<&str, &crate::result::TargetResult> =
        old.targets.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_names: BTreeSet<&str> = new.targets.iter().map(|t| t.name.as_str()).collect();
    let mut targets = Vec::new();
    let mut added_targets = Vec::new();
    for t in &new.targets {
        let Some(o) = old_targets.get(t.name.as_str()) else {
            added_targets.push(t.name.clone());
            continue;
        };
        let (Some(oa), Some(na)) = (&o.assessment, &t.assessment) else { continue };
        let errors = |r: &crate::result::TargetResult| -> BTreeSet<String> {
            r.errors.iter().map(|e| format!("{} ({})", e.plugin, e.kind.name())).collect()
        };
        let (oe, ne) = (errors(o), errors(t));
        let sources =
            |a: &TargetAssessment| -> Vec<String> { a.scope.sources.iter().map(|s| s.name().to_owned()).collect() };
        let (os, ns) = (sources(oa), sources(na));
        targets.push(TargetChange {
            target: t.name.clone(),
            areas: area_changes(&area_levels(oa), &area_levels(na), false),
            gained: practice_changes(oa, na, true),
            lost: practice_changes(oa, na, false),
            dora: dora_changes(oa, na),
            coverage: (oa.coverage, na.coverage),
            score: (oa.score, na.score),
            scope_changed: (os != ns && !os.is_empty()).then_some((os, ns)),
            new_errors: ne.difference(&oe).cloned().collect(),
            resolved_errors: oe.difference(&ne).cloned().collect(),
        });
    }
    let removed_targets =
        old.targets.iter().filter(|t| !new_names.contains(t.name.as_str())).map(|t| t.name.clone()).collect();
    let model_changed = match (&old.model, &new.model) {
        (Some(o), Some(n)) if o.model.id != n.model.id || o.model.version != n.model.version => Some(format!(
            "the model changed from {} {} to {} {}",
            o.model.id, o.model.version, n.model.id, n.model.version
        )),
        _ => None,
    };
    Comparison {
        old_started_at: old.started_at.clone(),
        new_started_at: new.started_at.clone(),
        organisation,
        coverage: (
            old.organisation_assessment.as_ref().map(|o| o.coverage),
            new.organisation_assessment.as_ref().map(|o| o.coverage),
        ),
        score: (
            old.organisation_assessment.as_ref().and_then(|o| o.score),
            new.organisation_assessment.as_ref().and_then(|o| o.score),
        ),
        targets,
        added_targets,
        removed_targets,
        model_changed,
    }
}

fn area_levels(a: &TargetAssessment) -> BTreeMap<String, (u8, Option<f64>)> {
    a.areas.iter().map(|x| (x.id.clone(), (x.figures.level, x.figures.score))).collect()
}

fn area_changes(
    old: &BTreeMap<String, (u8, Option<f64>)>,
    new: &BTreeMap<String, (u8, Option<f64>)>,
    all: bool,
) -> Vec<AreaChange> {
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    ids.into_iter()
        .map(|id| AreaChange {
            area: id.clone(),
            old: old.get(id).map(|a| a.0),
            new: new.get(id).map(|a| a.0),
            old_score: old.get(id).and_then(|a| a.1),
            new_score: new.get(id).and_then(|a| a.1),
        })
        .filter(|c| all || c.changed())
        .collect()
}

fn practice_changes(old: &TargetAssessment, new: &TargetAssessment, gained: bool) -> Vec<PracticeChange> {
    new.practices
        .iter()
        .filter_map(|n| {
            let o = old.practice(&n.id)?;
            let change =
                if gained { !o.state.is_met() && n.state.is_met() } else { o.state.is_met() && !n.state.is_met() };
            change.then(|| PracticeChange {
                practice: n.id.clone(),
                old_state: o.state,
                new_state: n.state,
                old_reason: o.reason.clone(),
                new_reason: n.reason.clone(),
            })
        })
        .collect()
}

fn dora_changes(old: &TargetAssessment, new: &TargetAssessment) -> Vec<(String, Option<String>, Option<String>)> {
    new.dora
        .keys
        .iter()
        .filter_map(|n| {
            let o = old.dora.key(n.key);
            let ob = o.and_then(|k| k.band);
            (ob != n.band).then(|| {
                (n.key.name().to_owned(), ob.map(|b| b.name().to_owned()), n.band.map(|b| b.name().to_owned()))
            })
        })
        .collect()
}

/// What the CI gate fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// Any area level dropping (the organisation's or a target's).
    pub levels: bool,
    /// Any practice lost on any target.
    pub practices: bool,
    /// Any score dropping: the organisation's, a target's, or an area's on either.
    pub score: bool,
    /// Any exemption of the assessment file past its `expires` day.
    pub exemptions: bool,
}

/// The gate's sentences for `who`'s score and area scores that dropped.
fn score_drops(out: &mut Vec<String>, who: &str, score: (Option<f64>, Option<f64>), areas: &[AreaChange]) {
    let percent = |s: Option<f64>| percent(s.unwrap_or(0.0));
    if score_dropped(score.0, score.1) {
        out.push(format!("{who}: the score dropped from {} to {}", percent(score.0), percent(score.1)));
    }
    for a in areas.iter().filter(|a| a.score_dropped()) {
        out.push(format!(
            "{who}: the {} score dropped from {} to {}",
            a.area,
            percent(a.old_score),
            percent(a.new_score)
        ));
    }
}

impl Comparison {
    /// The regressions the gate fails on, each a sentence.
    pub fn regressions(&self, gate: Gate) -> Vec<String> {
        let mut out = Vec::new();
        if gate.levels {
            for a in self.organisation.iter().filter(|a| a.dropped()) {
                out.push(format!(
                    "organisation: {} dropped from level {} to {}",
                    a.area,
                    a.old.unwrap_or(0),
                    a.new.unwrap_or(0)
                ));
            }
            for t in &self.targets {
                for a in t.areas.iter().filter(|a| a.dropped()) {
                    out.push(format!(
                        "{}: {} dropped from level {} to {}",
                        t.target,
                        a.area,
                        a.old.unwrap_or(0),
                        a.new.unwrap_or(0)
                    ));
                }
            }
        }
        if gate.score {
            score_drops(&mut out, "organisation", self.score, &self.organisation);
            for t in &self.targets {
                score_drops(&mut out, &t.target, t.score, &t.areas);
            }
        }
        if gate.practices {
            for t in &self.targets {
                for p in &t.lost {
                    out.push(format!(
                        "{}: lost {} ({} → {}: {})",
                        t.target,
                        p.practice,
                        p.old_state.name(),
                        p.new_state.name(),
                        p.new_reason
                    ));
                }
            }
        }
        out
    }

    /// The comparison as Markdown (also what the terminal shows).
    pub fn markdown(&self) -> String {
        let mut s = format!("# What changed\n\nFrom {} to {}.\n", self.old_started_at, self.new_started_at);
        if let Some(m) = &self.model_changed {
            s.push_str(&format!("\n**Note:** {m}; levels may have moved because the model did.\n"));
        }
        let level = |l: Option<u8>| l.map(|l| l.to_string()).unwrap_or_else(|| "—".into());
        let score = |s: Option<f64>| s.map(percent).unwrap_or_else(|| "—".into());
        let arrow = |a: &AreaChange| match (a.old, a.new) {
            (Some(o), Some(n)) if n > o => "▲",
            (Some(o), Some(n)) if n < o => "▼",
            _ if a.score_dropped() => "▽",
            _ if score_dropped(a.new_score, a.old_score) => "△",
            _ => "",
        };
        if !self.organisation.is_empty() {
            s.push_str(
                "\n## Organisation\n\n| area | level before | now | score before | now | |\n\
                 | --- | ---: | ---: | ---: | ---: | --- |\n",
            );
            for a in &self.organisation {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    a.area,
                    level(a.old),
                    level(a.new),
                    score(a.old_score),
                    score(a.new_score),
                    arrow(a)
                ));
            }
        }
        if self.score.0.is_some() || self.score.1.is_some() {
            s.push_str(&format!("\nScore: {} → {}.\n", score(self.score.0), score(self.score.1)));
        }
        if let (Some(o), Some(n)) = self.coverage {
            s.push_str(&format!("\nCoverage: {:.0} % → {:.0} %.\n", o * 100.0, n * 100.0));
        }
        for t in &self.targets {
            let quiet = t.areas.is_empty()
                && t.score.0 == t.score.1
                && t.scope_changed.is_none()
                && t.gained.is_empty()
                && t.lost.is_empty()
                && t.dora.is_empty()
                && t.new_errors.is_empty()
                && t.resolved_errors.is_empty();
            s.push_str(&format!("\n## {}\n\n", t.target));
            if quiet {
                s.push_str("No change.\n");
                continue;
            }
            if let Some((old, new)) = &t.scope_changed {
                s.push_str(&format!(
                    "- **the evidence changed** ({} → {}): levels and scores moved with it\n",
                    old.join(", "),
                    new.join(", ")
                ));
            }
            if t.score.0 != t.score.1 {
                s.push_str(&format!("- score {} → {}\n", score(t.score.0), score(t.score.1)));
            }
            for a in &t.areas {
                s.push_str(&format!(
                    "- {} {}: level {} → {}, score {} → {}\n",
                    arrow(a),
                    a.area,
                    level(a.old),
                    level(a.new),
                    score(a.old_score),
                    score(a.new_score)
                ));
            }
            for p in &t.gained {
                s.push_str(&format!(
                    "- gained `{}` ({} → {}): {}\n",
                    p.practice,
                    p.old_state.name(),
                    p.new_state.name(),
                    p.new_reason
                ));
            }
            for p in &t.lost {
                s.push_str(&format!(
                    "- lost `{}` ({} → {}): {} (was: {})\n",
                    p.practice,
                    p.old_state.name(),
                    p.new_state.name(),
                    p.new_reason,
                    p.old_reason
                ));
            }
            for (key, o, n) in &t.dora {
                s.push_str(&format!(
                    "- DORA {key}: {} → {}\n",
                    o.as_deref().unwrap_or("unknown"),
                    n.as_deref().unwrap_or("unknown")
                ));
            }
            if (t.coverage.0 - t.coverage.1).abs() > 1e-9 {
                s.push_str(&format!("- coverage {:.0} % → {:.0} %\n", t.coverage.0 * 100.0, t.coverage.1 * 100.0));
            }
            for e in &t.new_errors {
                s.push_str(&format!("- new plugin error: {e}\n"));
            }
            for e in &t.resolved_errors {
                s.push_str(&format!("- plugin error resolved: {e}\n"));
            }
        }
        for name in &self.added_targets {
            s.push_str(&format!("\nNew target: {name}.\n"));
        }
        for name in &self.removed_targets {
            s.push_str(&format!("\nNo longer assessed: {name}.\n"));
        }
        s
    }
}
