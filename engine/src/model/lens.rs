//! A model as an AWS Well-Architected Tool custom lens, and an assessment's answers as the
//! choices selected in it, so that a consultant can carry a Kaizen assessment into a
//! client's Well-Architected review.
//!
//! The mapping follows the model's staged levels: each area is a pillar; each level of an
//! area that has practices (2 to 5) is one question, "which of these practices are in
//! place?", whose choices are that level's practices, plus the lens format's "none of
//! these" choice. A level is reached when all its practices are in place, so a question's
//! risk is none when every choice is selected and high (levels 2 and 3) or medium (4 and 5)
//! otherwise. Each choice carries the practice's first reference as its helpful resource
//! and its guidance, as plain text, as the improvement plan.

use super::{Model, Practice};
use crate::score::PracticeState;
use serde::Serialize;
use std::collections::BTreeMap;

/// The lens format's version, as the Well-Architected Tool's template sets it.
pub const SCHEMA_VERSION: &str = "2021-11-01";

/// The id of the choice that says none of the practices is in place: the lens format makes
/// a choice whose id ends in `_no` its "None of these" choice.
pub const NONE_CHOICE: &str = "none_of_these_no";

// Lengths of the lens format (the user guide's "Lens format specification").
const NAME_MAX: usize = 128;
const DESCRIPTION_MAX: usize = 2048;
const TITLE_MAX: usize = 128;
const DISPLAY_TEXT_MAX: usize = 2048;
const PLAN_TEXT_MAX: usize = 2048;

/// A custom lens file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lens {
    /// The lens format's version.
    pub schema_version: &'static str,
    /// Its name.
    pub name: String,
    /// What it is about.
    pub description: String,
    /// The areas of the model.
    pub pillars: Vec<Pillar>,
}

/// A pillar: an area of the model.
#[derive(Debug, Clone, Serialize)]
pub struct Pillar {
    /// Its id (letters, digits and underscores).
    pub id: String,
    /// Its name.
    pub name: String,
    /// One question per level of the area that has practices.
    pub questions: Vec<LensQuestion>,
}

/// A question: one level of one area.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LensQuestion {
    /// Its id (letters, digits and underscores).
    pub id: String,
    /// What it asks or names.
    pub title: String,
    /// What it is about.
    pub description: String,
    /// The level's practices, then "none of these".
    pub choices: Vec<Choice>,
    /// No risk with every practice in place; high or medium otherwise.
    pub risk_rules: Vec<RiskRule>,
}

/// A choice: one practice.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    /// Its id (letters, digits and underscores).
    pub id: String,
    /// What it asks or names.
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The practice's first reference.
    pub helpful_resource: Option<Resource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The practice's guidance, as plain text.
    pub improvement_plan: Option<Resource>,
}

/// A helpful resource or an improvement plan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// What is shown.
    pub display_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Where it links.
    pub url: Option<String>,
}

/// When a question carries which risk.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRule {
    /// Choice ids joined by `&&`, or `default`.
    pub condition: String,
    /// `NO_RISK`, `MEDIUM_RISK` or `HIGH_RISK`.
    pub risk: &'static str,
}

/// The lens of a model.
pub fn lens(model: &Model) -> Lens {
    let description = format!("{} (Kaizen model `{}` {})", plain(&model.description), model.id, model.version);
    Lens {
        schema_version: SCHEMA_VERSION,
        name: cut(&model.name, NAME_MAX),
        description: cut(&description, DESCRIPTION_MAX),
        pillars: model
            .areas
            .iter()
            .filter_map(|area| {
                let questions: Vec<LensQuestion> = levels(model, area)
                    .into_iter()
                    .map(|(level, practices)| question(model, area, level, &practices))
                    .collect();
                (!questions.is_empty()).then(|| Pillar {
                    id: ident(&area.id),
                    name: cut(&area.name, TITLE_MAX),
                    questions,
                })
            })
            .collect(),
    }
}

fn question(model: &Model, area: &super::Area, level: u8, practices: &[&Practice]) -> LensQuestion {
    let level_name = model.levels.iter().find(|l| l.number == level).map(|l| l.name.as_str()).unwrap_or("");
    let mut choices: Vec<Choice> = practices
        .iter()
        .map(|p| {
            let link = first_link(&p.guidance);
            Choice {
                id: ident(&p.id),
                title: cut(&p.title, TITLE_MAX),
                helpful_resource: link
                    .clone()
                    .map(|(text, url)| Resource { display_text: cut(&text, DISPLAY_TEXT_MAX), url: Some(url) }),
                improvement_plan: Some(Resource {
                    display_text: cut(&plain(&p.guidance), PLAN_TEXT_MAX),
                    url: link.map(|(_, url)| url),
                }),
            }
        })
        .collect();
    let all = choices.iter().map(|c| c.id.clone()).collect::<Vec<_>>().join(" && ");
    choices.push(Choice {
        id: NONE_CHOICE.into(),
        title: "None of these".into(),
        helpful_resource: None,
        improvement_plan: None,
    });
    LensQuestion {
        id: question_id(&area.id, level),
        title: cut(&format!("{}, level {level} ({level_name}): which of these practices are in place?", area.name), TITLE_MAX),
        description: cut(
            &format!(
                "Level {level} of {} is reached when every practice below, and every practice of the levels below it, is in place.",
                area.name
            ),
            DESCRIPTION_MAX,
        ),
        choices,
        risk_rules: vec![
            RiskRule { condition: all, risk: "NO_RISK" },
            RiskRule { condition: "default".into(), risk: if level <= 3 { "HIGH_RISK" } else { "MEDIUM_RISK" } },
        ],
    }
}

/// The answers of one target in a lens: for each question, the choices of the practices in
/// place (satisfied or exempt), or the "none" choice; questions none of whose practices
/// was judged are left out (unanswered).
pub fn answers(model: &Model, states: &BTreeMap<&str, PracticeState>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for area in &model.areas {
        for (level, practices) in levels(model, area) {
            let judged: Vec<(&Practice, PracticeState)> = practices
                .iter()
                .filter_map(|p| states.get(p.id.as_str()).map(|s| (*p, *s)))
                .filter(|(_, s)| {
                    matches!(s, PracticeState::Satisfied | PracticeState::Exempt | PracticeState::NotSatisfied)
                })
                .collect();
            if judged.is_empty() {
                continue;
            }
            let mut chosen: Vec<String> = judged
                .iter()
                .filter(|(_, s)| matches!(s, PracticeState::Satisfied | PracticeState::Exempt))
                .map(|(p, _)| ident(&p.id))
                .collect();
            if chosen.is_empty() {
                chosen.push(NONE_CHOICE.into());
            }
            out.insert(question_id(&area.id, level), chosen);
        }
    }
    out
}

/// The levels of an area that have practices (2 to 5), each with its practices in the
/// model's order: the questions of the area's pillar.
fn levels<'m>(model: &'m Model, area: &super::Area) -> Vec<(u8, Vec<&'m Practice>)> {
    (2..=5)
        .map(|level| (level, model.practices.iter().filter(|p| p.area == area.id && p.level == level).collect()))
        .filter(|(_, practices): &(u8, Vec<&Practice>)| !practices.is_empty())
        .collect()
}

fn question_id(area: &str, level: u8) -> String {
    format!("{}_level_{level}", ident(area))
}

/// An id of the lens format: letters, digits and underscores (3 to 128 of them; the API
/// takes at most 64 for pillars and choices, which every model id here stays under).
fn ident(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// The first Markdown link of a text: (its text, its URL).
fn first_link(markdown: &str) -> Option<(String, String)> {
    let start = markdown.find('[')?;
    let rest = &markdown[start + 1..];
    let close = rest.find("](")?;
    let text = &rest[..close];
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    url.starts_with("https://").then(|| (text.to_owned(), url.to_owned()))
}

/// Markdown as plain text: links as their text, emphasis and code marks dropped, one line.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(start) = rest.find('[') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match (after.find("]("), after.find(')')) {
            (Some(close), Some(_)) if !after[..close].contains('[') => {
                out.push_str(&after[..close]);
                let tail = &after[close + 2..];
                rest = tail.find(')').map_or("", |end| &tail[end + 1..]);
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out: String = out.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A text cut to at most `max` characters, on a word with an ellipsis when it is longer.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(max - 1).collect();
    let at_word_end = text.chars().nth(max - 1).is_some_and(char::is_whitespace);
    if !at_word_end {
        if let Some(space) = kept.rfind(' ') {
            kept.truncate(space);
        }
    }
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_text_and_the_first_link_a_resource() {
        let guidance = "Run `cargo test` on *every* change. See [Rust: tests](https://doc.rust-lang.org/book/ch11-00-testing.html) and [more](https://example.org).";
        assert_eq!(plain(guidance), "Run cargo test on every change. See Rust: tests and more.");
        assert_eq!(
            first_link(guidance),
            Some(("Rust: tests".to_owned(), "https://doc.rust-lang.org/book/ch11-00-testing.html".to_owned()))
        );
        assert_eq!(cut("one two three", 8), "one two…");
        assert_eq!(ident("ci-automated-build"), "ci_automated_build");
    }
}
