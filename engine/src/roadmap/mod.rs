//! The roadmap: what to do next, in order, in horizons. Pure and deterministic.
//!
//! For each area, the practices needed for the organisation's next level and the one
//! after (and any practice below them that some target still lacks) that at least one
//! target does not satisfy. Unmet dependencies come with them and are placed first. The
//! order: the practices of the next levels before those of the level after, then impact
//! over effort, then how many targets lack them, then the id. Items fill the horizons (now:
//! 0–3 months, next: 3–6, later: 6–12) in that order under a capacity assumption in effort
//! points per quarter (S 1, M 3, L 8); an item never lands before one it depends on.
//! Practices no target has been assessed on are listed apart, with the questions that
//! would settle them.

use crate::model::{Effort, Model, Tools};
use crate::score::{OrganisationAssessment, PracticeState, TargetAssessment};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The default capacity: effort points per quarter (one team, about twelve team-weeks).
pub const DEFAULT_CAPACITY: u32 = 12;

/// The three horizons: id, name, first and last month, capacity in quarters.
const HORIZONS: [(&str, &str, u32, u32, u32); 3] =
    [("now", "Now", 0, 3, 1), ("next", "Next", 3, 6, 1), ("later", "Later", 6, 12, 2)];

/// How many targets' gap reasons an item keeps.
const GAP_EXAMPLES: usize = 5;

/// The roadmap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Roadmap {
    /// Effort points per quarter assumed.
    pub capacity: u32,
    /// Now, next, later.
    pub horizons: Vec<Horizon>,
    /// Practices that block a next level but were assessed on no target: what to find out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_confirm: Vec<ToConfirm>,
}

/// One horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Horizon {
    /// `now`, `next` or `later`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// First month (from today).
    pub from_month: u32,
    /// Last month.
    pub to_month: u32,
    /// Effort points available.
    pub capacity: u32,
    /// Effort points planned.
    pub planned: u32,
    /// The items, in order.
    pub items: Vec<Item>,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Item {
    /// Position in the whole roadmap, from 1.
    pub rank: usize,
    /// The practice's id.
    pub practice: String,
    /// Its title.
    pub title: String,
    /// Its area.
    pub area: String,
    /// Its level.
    pub level: u8,
    /// Effort.
    pub effort: Effort,
    /// Impact, 1 to 3.
    pub impact: u8,
    /// Why it is here: `next level`, `level after`, or `dependency of X`.
    pub why: String,
    /// Targets that lack it (not satisfied).
    pub lacking: Vec<String>,
    /// Targets where it was assessed.
    pub assessed: usize,
    /// The evidence of the gap on some of the lacking targets: `target: reason`.
    pub gap: Vec<String>,
    /// Its unmet dependencies, placed before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// What to do (Markdown).
    pub guidance: String,
    /// The guidance rendered to HTML.
    pub guidance_html: String,
    /// Suggested tools.
    pub tools: Tools,
    /// Ids in other frameworks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub maps_to: BTreeMap<String, Vec<String>>,
    /// The item did not fit the capacity of the twelve months and is placed last.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub over_capacity: bool,
}

/// A practice to find out about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ToConfirm {
    /// The practice's id.
    pub practice: String,
    /// Its title.
    pub title: String,
    /// Its area.
    pub area: String,
    /// Its level.
    pub level: u8,
    /// Questions that would settle it.
    pub questions: Vec<String>,
}

struct Candidate<'a> {
    practice: &'a crate::model::Practice,
    stage: u8,
    why: String,
    lacking: Vec<String>,
    assessed: usize,
    gap: Vec<String>,
}

/// Plans the roadmap from the scored targets (name, assessment) and the organisation's
/// aggregates.
pub fn plan(
    model: &Model,
    targets: &[(&str, &TargetAssessment)],
    organisation: &OrganisationAssessment,
    capacity: u32,
) -> Roadmap {
    let org_level: BTreeMap<&str, u8> = organisation.areas.iter().map(|a| (a.id.as_str(), a.level)).collect();
    let gap_of = |id: &str| {
        let mut lacking = Vec::new();
        let mut assessed = 0;
        let mut gap = Vec::new();
        for (name, a) in targets {
            let Some(p) = a.practice(id) else { continue };
            if p.disabled {
                continue;
            }
            if p.state.is_decided() {
                assessed += 1;
            }
            if p.state == PracticeState::NotSatisfied {
                lacking.push((*name).to_owned());
                if gap.len() < GAP_EXAMPLES {
                    gap.push(format!("{name}: {}", p.reason));
                }
            }
        }
        (lacking, assessed, gap)
    };

    // The practices of the next two levels (and below) that some target lacks.
    let mut candidates: BTreeMap<&str, Candidate> = BTreeMap::new();
    let mut to_confirm = Vec::new();
    for p in &model.practices {
        let current = org_level.get(p.area.as_str()).copied().unwrap_or(1);
        if p.level > current + 2 {
            continue;
        }
        let (lacking, assessed, gap) = gap_of(&p.id);
        if lacking.is_empty() {
            if assessed == 0 && p.level == current + 1 && targets.iter().any(|(_, a)| practice_counts(a, &p.id)) {
                to_confirm.push(ToConfirm {
                    practice: p.id.clone(),
                    title: p.title.clone(),
                    area: p.area.clone(),
                    level: p.level,
                    questions: questions_for(model, p),
                });
            }
            continue;
        }
        let stage = if p.level <= current + 1 { 0 } else { 1 };
        let why = if stage == 0 { "next level" } else { "level after" };
        candidates.insert(&p.id, Candidate { practice: p, stage, why: why.into(), lacking, assessed, gap });
    }
    // Unmet dependencies join, in the stage of their earliest dependant.
    loop {
        let mut added = Vec::new();
        for c in candidates.values() {
            for dep in &c.practice.depends_on {
                if candidates.contains_key(dep.as_str()) || added.iter().any(|(d, ..): &(&str, u8, String)| d == dep) {
                    continue;
                }
                let Some(practice) = model.practice(dep) else { continue };
                let (lacking, ..) = gap_of(dep);
                if !lacking.is_empty() {
                    added.push((practice.id.as_str(), c.stage, format!("dependency of {}", c.practice.id)));
                }
            }
        }
        if added.is_empty() {
            break;
        }
        for (id, stage, why) in added {
            let practice = model.practice(id).expect("checked above");
            let (lacking, assessed, gap) = gap_of(id);
            candidates.insert(id, Candidate { practice, stage, why, lacking, assessed, gap });
        }
    }

    let order = order(&candidates);
    let mut horizons: Vec<Horizon> = HORIZONS
        .iter()
        .map(|(id, name, from, to, quarters)| Horizon {
            id: (*id).into(),
            name: (*name).into(),
            from_month: *from,
            to_month: *to,
            capacity: capacity * quarters,
            planned: 0,
            items: Vec::new(),
        })
        .collect();
    let mut placed: BTreeMap<&str, usize> = BTreeMap::new();
    for (rank, id) in order.iter().enumerate() {
        let c = &candidates[id];
        let points = c.practice.effort.points();
        let earliest = c.practice.depends_on.iter().filter_map(|d| placed.get(d.as_str())).copied().max().unwrap_or(0);
        let fits = (earliest..horizons.len()).find(|h| {
            let horizon = &horizons[*h];
            horizon.planned + points <= horizon.capacity || horizon.items.is_empty()
        });
        let (h, over_capacity) = match fits {
            Some(h) => (h, false),
            None => (horizons.len() - 1, true),
        };
        placed.insert(id, h);
        let unmet: Vec<String> =
            c.practice.depends_on.iter().filter(|d| candidates.contains_key(d.as_str())).cloned().collect();
        let horizon = &mut horizons[h];
        horizon.planned += points;
        horizon.items.push(Item {
            rank: rank + 1,
            practice: c.practice.id.clone(),
            title: c.practice.title.clone(),
            area: c.practice.area.clone(),
            level: c.practice.level,
            effort: c.practice.effort,
            impact: c.practice.impact,
            why: c.why.clone(),
            lacking: c.lacking.clone(),
            assessed: c.assessed,
            gap: c.gap.clone(),
            depends_on: unmet,
            guidance: c.practice.guidance.clone(),
            guidance_html: markdown_html(&c.practice.guidance),
            tools: c.practice.tools.clone(),
            maps_to: c.practice.maps_to.clone(),
            over_capacity,
        });
    }
    Roadmap { capacity, horizons, to_confirm }
}

/// Whether the practice counts on this target (not switched off by the profile).
/// Whether a practice is to be confirmed on a target: counted, and neither decided nor
/// without a subject there.
fn practice_counts(a: &TargetAssessment, id: &str) -> bool {
    a.practice(id).is_some_and(|p| !p.disabled && matches!(p.state, PracticeState::Unknown | PracticeState::OutOfScope))
}

/// The questions that inform a practice: those naming it, and those its rule reads.
fn questions_for(model: &Model, practice: &crate::model::Practice) -> Vec<String> {
    let mut ids: BTreeSet<String> = practice.evidence.questions().into_iter().map(str::to_owned).collect();
    ids.extend(model.questions.iter().filter(|q| q.practice.as_deref() == Some(&practice.id)).map(|q| q.id.clone()));
    ids.into_iter().collect()
}

/// The order of the candidates: by priority, each only after its dependencies.
fn order<'a>(candidates: &BTreeMap<&'a str, Candidate>) -> Vec<&'a str> {
    let priority = |c: &Candidate| {
        let value = f64::from(c.practice.impact) / f64::from(c.practice.effort.points());
        (c.stage, std::cmp::Reverse(OrderedF64(value)), std::cmp::Reverse(c.lacking.len()), c.practice.id.clone())
    };
    let mut remaining: BTreeSet<&str> = candidates.keys().copied().collect();
    let mut out = Vec::new();
    while !remaining.is_empty() {
        let ready = remaining
            .iter()
            .filter(|id| candidates[*id].practice.depends_on.iter().all(|d| !remaining.contains(d.as_str())))
            .min_by_key(|id| priority(&candidates[*id]))
            .copied();
        // The model has no cycles (validated); should one slip through, take the best anyway.
        let next = ready.unwrap_or_else(|| {
            remaining.iter().min_by_key(|id| priority(&candidates[*id])).copied().expect("not empty")
        });
        remaining.remove(next);
        out.push(next);
    }
    out
}

/// An `f64` with a total order, for sorting.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedF64(f64);

impl Eq for OrderedF64 {}

impl PartialOrd for OrderedF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Markdown to HTML: raw HTML in the source is escaped, not passed through, and a link or
/// image whose address has a scheme other than `http`, `https` or `mailto` (`javascript:`,
/// `data:`…) points nowhere (`#`), so the output is safe to embed in a page.
pub fn markdown_html(text: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};
    fn harmless(url: &str) -> bool {
        let scheme_end = url.find([':', '/', '?', '#']);
        match scheme_end {
            Some(i) if url[i..].starts_with(':') => {
                let scheme = url[..i].to_ascii_lowercase();
                matches!(scheme.as_str(), "http" | "https" | "mailto")
            }
            _ => !url.chars().any(char::is_control),
        }
    }
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if !harmless(&dest_url) => {
            Event::Start(Tag::Link { link_type, dest_url: CowStr::from("#"), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if !harmless(&dest_url) => {
            Event::Start(Tag::Image { link_type, dest_url: CowStr::from("#"), title, id })
        }
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

#[cfg(test)]
mod tests;
