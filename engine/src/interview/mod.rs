//! Interviews: the questions a model asks, in order, and the answers they build.
//!
//! [`Interview`] is the state machine behind `kaizen questionnaire`, with no terminal in it:
//! questions area by area, an answer, a skip or a step back at each, answers recorded with
//! where they came from (typed, or a suggestion from the evidence confirmed or overridden).
//! The CLI draws the prompts and feeds the choices in; tests drive it directly.
//! [`template`] writes the commented answers file for filling in by hand.

pub mod template;

use crate::model::answers::{parse_duration_hours, Answer, AnswerValue, Answers, Origin, Scope};
use crate::model::{Area, Model, Question, QuestionKind};
use crate::result::TargetResult;
use std::collections::BTreeMap;

pub use crate::score::Suggestion;

/// What the evidence of `target` suggests for each question of `model` that has a `suggest`
/// rule or a DORA key, by question id.
pub fn suggestions(model: &Model, target: &TargetResult) -> BTreeMap<String, Suggestion> {
    let target = target.judged();
    model
        .questions
        .iter()
        .filter_map(|q| crate::score::suggestion(model, q, &target).map(|s| (q.id.clone(), s)))
        .collect()
}

/// Which questions an interview asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Only those without an answer yet (resuming a partly filled file).
    Unanswered,
    /// Every question, with its current answer as the default.
    All,
}

/// Where in an answers file the interview's answers go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section {
    /// `[answers]`: every target.
    Global,
    /// The `[[scope]]` of one target.
    Target(String),
    /// The `[[scope]]` of targets with all these labels.
    Labels(BTreeMap<String, String>),
}

impl Section {
    /// The section's answers in `answers`, added as a new `[[scope]]` when it has none yet
    /// (the last matching scope when several match: it wins over the earlier ones).
    pub fn answers_mut<'a>(&self, answers: &'a mut Answers) -> &'a mut BTreeMap<String, Answer> {
        let matches = |s: &Scope| match self {
            Section::Global => false,
            Section::Target(t) => s.target.as_deref() == Some(t.as_str()),
            Section::Labels(l) => s.target.is_none() && &s.labels == l,
        };
        match self {
            Section::Global => &mut answers.global,
            _ => {
                let index = match answers.scopes.iter().rposition(matches) {
                    Some(i) => i,
                    None => {
                        answers.scopes.push(Scope {
                            target: match self {
                                Section::Target(t) => Some(t.clone()),
                                _ => None,
                            },
                            labels: match self {
                                Section::Labels(l) => l.clone(),
                                _ => BTreeMap::new(),
                            },
                            answers: BTreeMap::new(),
                        });
                        answers.scopes.len() - 1
                    }
                };
                &mut answers.scopes[index].answers
            }
        }
    }

    /// Describes the section, e.g. `[[scope]] target = "payments-api"`.
    pub fn describe(&self) -> String {
        match self {
            Section::Global => "[answers] (every target)".into(),
            Section::Target(t) => format!("[[scope]] target = \"{t}\""),
            Section::Labels(l) => {
                let labels: Vec<String> = l.iter().map(|(k, v)| format!("{k} = \"{v}\"")).collect();
                format!("[[scope]] labels = {{ {} }}", labels.join(", "))
            }
        }
    }
}

/// The question being asked, with what the interview knows about it.
#[derive(Debug, Clone, Copy)]
pub struct Prompt<'a> {
    /// The question.
    pub question: &'a Question,
    /// Its area.
    pub area: &'a Area,
    /// Its position among the questions this interview asks, from 1.
    pub number: usize,
    /// How many questions this interview asks.
    pub total: usize,
    /// Whether it is the first question of its area in this interview.
    pub starts_area: bool,
    /// Its answer so far (from the file, or given earlier in this interview).
    pub current: Option<&'a Answer>,
    /// What the evidence suggests.
    pub suggestion: Option<&'a Suggestion>,
}

impl Prompt<'_> {
    /// The answer offered by default: the current answer, else the suggestion.
    pub fn default(&self) -> Option<&AnswerValue> {
        self.current.map(|a| &a.value).or(self.suggestion.map(|s| &s.value))
    }
}

/// An interview in progress.
#[derive(Debug)]
pub struct Interview<'m> {
    model: &'m Model,
    /// Indices into `model.questions`, in the order asked: area by area, as written.
    order: Vec<usize>,
    /// Position in `order`; `order.len()` when done.
    position: usize,
    /// Positions visited before, for going back.
    history: Vec<usize>,
    answers: BTreeMap<String, Answer>,
    suggestions: BTreeMap<String, Suggestion>,
}

impl<'m> Interview<'m> {
    /// An interview over `model`, starting from `answers` (the section's answers so far) and
    /// the evidence's `suggestions`; in [`Mode::Unanswered`] it asks only what has no answer.
    pub fn new(
        model: &'m Model,
        answers: BTreeMap<String, Answer>,
        suggestions: BTreeMap<String, Suggestion>,
        mode: Mode,
    ) -> Interview<'m> {
        let order = order(model)
            .into_iter()
            .filter(|&i| mode == Mode::All || !answers.contains_key(&model.questions[i].id))
            .collect();
        Interview { model, order, position: 0, history: Vec::new(), answers, suggestions }
    }

    /// The question to ask now, or `None` when the interview is over.
    pub fn current(&self) -> Option<Prompt<'_>> {
        let &index = self.order.get(self.position)?;
        let question = &self.model.questions[index];
        let area = self.model.area(&question.area).expect("a validated model's questions name its areas");
        let starts_area =
            self.position == 0 || self.model.questions[self.order[self.position - 1]].area != question.area;
        Some(Prompt {
            question,
            area,
            number: self.position + 1,
            total: self.order.len(),
            starts_area,
            current: self.answers.get(&question.id),
            suggestion: self.suggestions.get(&question.id),
        })
    }

    /// Answers the current question and moves on; returns the answer as recorded: with a
    /// suggestion, `confirmed` when `value` is the suggested answer and `overridden` when it is
    /// not; without one, `given`, unless it repeats an answer already there (kept as it was).
    pub fn answer(&mut self, value: AnswerValue) -> Option<&Answer> {
        let id = self.model.questions[*self.order.get(self.position)?].id.clone();
        let previous = self.answers.remove(&id);
        let note = previous.as_ref().and_then(|p| p.note.clone());
        let answer = match self.suggestions.get(&id) {
            Some(s) => Answer {
                origin: if s.value == value { Origin::Confirmed } else { Origin::Overridden },
                suggested: Some(s.value.clone()),
                evidence: Some(s.evidence.clone()),
                value,
                note,
            },
            None => match previous {
                Some(p) if p.value == value => p,
                _ => Answer { note, ..Answer::given(value) },
            },
        };
        self.answers.insert(id.clone(), answer);
        self.advance();
        self.answers.get(&id)
    }

    /// Leaves the current question as it is (unanswered, or with its answer so far) and
    /// moves on.
    pub fn skip(&mut self) {
        if self.position < self.order.len() {
            self.advance();
        }
    }

    /// Removes the current question's answer and moves on.
    pub fn clear(&mut self) {
        if let Some(&index) = self.order.get(self.position) {
            self.answers.remove(&self.model.questions[index].id);
            self.advance();
        }
    }

    /// Goes back to the question asked before this one; `false` at the first question.
    pub fn back(&mut self) -> bool {
        match self.history.pop() {
            Some(previous) => {
                self.position = previous;
                true
            }
            None => false,
        }
    }

    /// The answers so far, by question id.
    pub fn answers(&self) -> &BTreeMap<String, Answer> {
        &self.answers
    }

    /// How many of the model's questions have an answer.
    pub fn answered(&self) -> usize {
        self.model.questions.iter().filter(|q| self.answers.contains_key(&q.id)).count()
    }

    fn advance(&mut self) {
        self.history.push(self.position);
        self.position += 1;
    }
}

/// The model's questions in interview order: area by area in the model's area order, each
/// area's questions as written.
pub fn order(model: &Model) -> Vec<usize> {
    let mut out = Vec::new();
    for area in &model.areas {
        out.extend(model.questions.iter().enumerate().filter(|(_, q)| q.area == area.id).map(|(i, _)| i));
    }
    out
}

/// The answers a question offers to pick from, with their labels; empty for questions
/// answered by typing (numbers, durations, and scales wider than 11 steps).
pub fn options(question: &Question) -> Vec<(AnswerValue, String)> {
    match &question.kind {
        QuestionKind::YesNo => vec![(AnswerValue::Bool(true), "yes".into()), (AnswerValue::Bool(false), "no".into())],
        QuestionKind::Choice { choices } => {
            choices.iter().map(|c| (AnswerValue::Text(c.value.clone()), c.label.clone())).collect()
        }
        QuestionKind::Scale { min, max, low, high } if max - min <= 10 => (*min..=*max)
            .map(|n| {
                let label = match n {
                    n if n == *min && !low.is_empty() => format!("{n}: {low}"),
                    n if n == *max && !high.is_empty() => format!("{n}: {high}"),
                    n => n.to_string(),
                };
                (AnswerValue::Number(n as f64), label)
            })
            .collect(),
        QuestionKind::Scale { .. } | QuestionKind::Number { .. } | QuestionKind::Duration => Vec::new(),
    }
}

/// Reads a typed answer: a number, a whole number in a scale's range, a duration such as
/// `2d`, `yes`/`no`, or a choice's value; the error says what the question takes.
pub fn parse_typed(question: &Question, text: &str) -> Result<AnswerValue, String> {
    let text = text.trim();
    match &question.kind {
        QuestionKind::YesNo => match text.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" => Ok(AnswerValue::Bool(true)),
            "n" | "no" | "false" => Ok(AnswerValue::Bool(false)),
            _ => Err("answer yes or no".into()),
        },
        QuestionKind::Choice { choices } => {
            choices.iter().find(|c| c.value == text).map(|c| AnswerValue::Text(c.value.clone())).ok_or_else(|| {
                let values: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
                format!("answer one of {}", values.join(", "))
            })
        }
        QuestionKind::Scale { min, max, .. } => match text.parse::<i64>() {
            Ok(n) if (*min..=*max).contains(&n) => Ok(AnswerValue::Number(n as f64)),
            _ => Err(format!("answer a whole number from {min} to {max}")),
        },
        QuestionKind::Number { unit } => match text.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(AnswerValue::Number(n)),
            _ => Err(format!("answer a number ({unit}) of at least 0")),
        },
        QuestionKind::Duration => match parse_duration_hours(text) {
            Some(_) => Ok(AnswerValue::Text(text.split_whitespace().collect())),
            None => Err("answer a number and a unit: 30m, 4h, 2d or 3w".into()),
        },
    }
}

#[cfg(test)]
mod tests;
