//! Interview answers (`answers.toml`): for every target, for some targets by name, or by
//! labels; each answer with where it came from (typed, or a suggestion from the evidence
//! confirmed or overridden).
//!
//! ```toml
//! [answers]
//! culture-blameless-postmortems = true
//! metrics-deployment-frequency = "weekly"
//! res-game-days = { value = false, origin = "overridden", suggested = true, evidence = "…" }
//!
//! [[scope]]
//! labels = { team = "payments" }
//! [scope.answers]
//! culture-on-call = false
//! ```

use super::{Model, Question, QuestionKind};
use crate::diag::{Diagnostic, Diagnostics};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The value of one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A yes/no answer.
    Bool(bool),
    /// A number (scale, number; a duration in hours).
    Number(f64),
    /// A choice's value, or a duration as written (`"2d"`).
    Text(String),
}

impl AnswerValue {
    /// The value rules compare: booleans and choices as they are, numbers, durations in
    /// hours, and (for `at_least`/`at_most` on choices) the choice's position.
    pub fn comparable(&self, question: &Question) -> Value {
        match (self, &question.kind) {
            (AnswerValue::Text(s), QuestionKind::Duration) => {
                parse_duration_hours(s).map(Value::from).unwrap_or(Value::Null)
            }
            (AnswerValue::Bool(b), _) => Value::Bool(*b),
            (AnswerValue::Number(n), _) => Value::from(*n),
            (AnswerValue::Text(s), _) => Value::String(s.clone()),
        }
    }

    /// The position of a choice answer among the question's choices.
    pub fn choice_position(&self, question: &Question) -> Option<f64> {
        match (self, &question.kind) {
            (AnswerValue::Text(s), QuestionKind::Choice { choices }) => {
                choices.iter().position(|c| &c.value == s).map(|i| i as f64)
            }
            _ => None,
        }
    }

    /// As written in an answers file.
    pub fn to_toml(&self) -> String {
        match self {
            AnswerValue::Bool(b) => b.to_string(),
            AnswerValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            AnswerValue::Number(n) => n.to_string(),
            AnswerValue::Text(s) => toml_string(s),
        }
    }

    /// For display.
    pub fn display(&self) -> String {
        match self {
            AnswerValue::Bool(true) => "yes".into(),
            AnswerValue::Bool(false) => "no".into(),
            AnswerValue::Number(_) => self.to_toml(),
            AnswerValue::Text(s) => s.clone(),
        }
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Typed with no suggestion from the evidence.
    #[default]
    Given,
    /// The evidence suggested it and the person confirmed it.
    Confirmed,
    /// The evidence suggested another answer and the person gave this one.
    Overridden,
}

impl Origin {
    /// The name written in files.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Given => "given",
            Origin::Confirmed => "confirmed",
            Origin::Overridden => "overridden",
        }
    }
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Answer {
    /// The answer.
    pub value: AnswerValue,
    /// Where it came from.
    #[serde(default)]
    pub origin: Origin,
    /// What the evidence suggested, when it suggested something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested: Option<AnswerValue>,
    /// The evidence behind the suggestion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// A note from the interview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Answer {
    /// A typed answer with no suggestion.
    pub fn given(value: AnswerValue) -> Answer {
        Answer { value, origin: Origin::Given, suggested: None, evidence: None, note: None }
    }

    /// As written in an answers file: the plain value when there is nothing else to say.
    pub fn to_toml(&self) -> String {
        if self.origin == Origin::Given && self.suggested.is_none() && self.evidence.is_none() && self.note.is_none() {
            return self.value.to_toml();
        }
        let mut parts = vec![format!("value = {}", self.value.to_toml())];
        if self.origin != Origin::Given {
            parts.push(format!("origin = \"{}\"", self.origin.name()));
        }
        if let Some(s) = &self.suggested {
            parts.push(format!("suggested = {}", s.to_toml()));
        }
        if let Some(e) = &self.evidence {
            parts.push(format!("evidence = {}", toml_string(e)));
        }
        if let Some(n) = &self.note {
            parts.push(format!("note = {}", toml_string(n)));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

/// Answers for some targets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// A target's name.
    pub target: Option<String>,
    /// Labels every target in the scope has.
    pub labels: BTreeMap<String, String>,
    /// Answers by question id.
    pub answers: BTreeMap<String, Answer>,
}

/// A validated answers file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    /// Answers for every target, by question id.
    pub global: BTreeMap<String, Answer>,
    /// Answers for some targets; later scopes win over earlier ones.
    pub scopes: Vec<Scope>,
    /// Each scope's `target` as the file names it, with its place there (the diagnostic
    /// [`Answers::check_targets`] gives when it names no target).
    target_places: Vec<(String, Diagnostic)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    answers: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    scope: Vec<Spanned<RawScope>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    target: Option<Spanned<String>>,
    labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    answers: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

impl Answers {
    /// Reads and validates an answers file against `model`.
    pub fn load(path: &Path, model: &Model) -> Result<Answers, Diagnostics> {
        let source = crate::diag::read_text(crate::diag::AnswersCode::Unreadable, path)?;
        Answers::parse(path, &source, model)
    }

    /// Parses and validates an answers file's text; `path` names it in diagnostics.
    pub fn parse(path: &Path, source: &str, model: &Model) -> Result<Answers, Diagnostics> {
        let raw: Raw = toml::from_str(source).map_err(|e| {
            Diagnostics(vec![Diagnostic::from_toml(crate::diag::AnswersCode::Syntax, path, source, &e)])
        })?;
        let mut problems = Vec::new();
        let table = |raw: &BTreeMap<Spanned<String>, Spanned<toml::Value>>, problems: &mut Vec<Diagnostic>| {
            let mut out = BTreeMap::new();
            for (id, value) in raw {
                match model.question(id.get_ref()) {
                    None => problems.push(Diagnostic::at(
                        crate::diag::AnswersCode::UnknownQuestion,
                        path,
                        source,
                        id.span().start,
                        format!("model `{}` has no question `{}`", model.id, id.get_ref()),
                    )),
                    Some(question) => match answer(question, value.get_ref()) {
                        Ok(answer) => {
                            out.insert(id.get_ref().clone(), answer);
                        }
                        Err((code, message)) => {
                            problems.push(Diagnostic::at(code, path, source, value.span().start, message))
                        }
                    },
                }
            }
            out
        };
        let global = table(&raw.answers, &mut problems);
        let mut scopes = Vec::new();
        let mut target_places = Vec::new();
        for scope in &raw.scope {
            let s = scope.get_ref();
            if s.target.is_some() == s.labels.is_some() {
                problems.push(Diagnostic::at(
                    crate::diag::AnswersCode::InvalidScope,
                    path,
                    source,
                    scope.span().start,
                    "a [[scope]] names either `target = \"NAME\"` or `labels = { … }`, not both and not neither",
                ));
            }
            if s.labels.as_ref().is_some_and(BTreeMap::is_empty) {
                problems.push(Diagnostic::at(
                    crate::diag::AnswersCode::InvalidScope,
                    path,
                    source,
                    scope.span().start,
                    "`labels = {}` matches every target: put those answers under [answers]",
                ));
            }
            if let Some(target) = &s.target {
                let place = Diagnostic::at(
                    crate::diag::AnswersCode::UnknownTarget,
                    path,
                    source,
                    target.span().start,
                    String::new(),
                );
                target_places.push((target.get_ref().clone(), place));
            }
            scopes.push(Scope {
                target: s.target.as_ref().map(|t| t.get_ref().clone()),
                labels: s.labels.clone().unwrap_or_default(),
                answers: table(&s.answers, &mut problems),
            });
        }
        if problems.is_empty() {
            Ok(Answers { path: Some(path.to_path_buf()), global, scopes, target_places })
        } else {
            problems.sort_by_key(|d| (d.line, d.column));
            Err(Diagnostics(problems))
        }
    }

    /// Checks that every scope's `target` names one of the assessment's targets (`names`):
    /// answers for a target that is not assessed would be ignored without a word.
    pub fn check_targets(&self, names: &[String]) -> Result<(), Diagnostics> {
        let listed = if names.is_empty() { "(none)".to_owned() } else { names.join(", ") };
        let problems: Vec<Diagnostic> = self
            .target_places
            .iter()
            .filter(|(target, _)| !names.contains(target))
            .map(|(target, place)| Diagnostic {
                message: format!("no target is named `{target}`; the targets are: {listed}"),
                ..place.clone()
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// The answers that apply to a target: its `target` scopes over its `labels` scopes over
    /// `[answers]`; among scopes of one kind, later ones win.
    pub fn for_target(&self, name: &str, labels: &BTreeMap<String, String>) -> BTreeMap<String, Answer> {
        let mut out = self.global.clone();
        let matches_labels = |s: &Scope| {
            s.target.is_none() && !s.labels.is_empty() && s.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
        };
        for scope in self.scopes.iter().filter(|s| matches_labels(s)) {
            out.extend(scope.answers.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for scope in self.scopes.iter().filter(|s| s.target.as_deref() == Some(name)) {
            out.extend(scope.answers.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        out
    }

    /// The file's text: `[answers]` in the model's question order, then the scopes. Each
    /// answer is preceded by its question as a comment.
    pub fn render(&self, model: &Model) -> String {
        let mut out = format!(
            "# Interview answers for the model `{}` ({} {}).\n# Read by `kaizen assess --answers FILE`; `kaizen questionnaire --answers FILE` resumes it.\n",
            model.id, model.name, model.version
        );
        let section = |out: &mut String, answers: &BTreeMap<String, Answer>| {
            for q in &model.questions {
                if let Some(a) = answers.get(&q.id) {
                    out.push_str(&format!("# {}\n{} = {}\n", one_line(&q.text), q.id, a.to_toml()));
                }
            }
        };
        out.push_str("\n[answers]\n");
        section(&mut out, &self.global);
        for scope in &self.scopes {
            out.push_str("\n[[scope]]\n");
            if let Some(t) = &scope.target {
                out.push_str(&format!("target = {}\n", toml_string(t)));
            } else {
                let labels: Vec<String> =
                    scope.labels.iter().map(|(k, v)| format!("{} = {}", toml_key(k), toml_string(v))).collect();
                out.push_str(&format!("labels = {{ {} }}\n", labels.join(", ")));
            }
            out.push_str("[scope.answers]\n");
            section(&mut out, &scope.answers);
        }
        out
    }
}

/// Reads one answer, checking it fits the question.
fn answer(question: &Question, value: &toml::Value) -> Result<Answer, (crate::diag::AnswersCode, String)> {
    match value {
        toml::Value::Table(t) => {
            for key in t.keys() {
                if !["value", "origin", "suggested", "evidence", "note"].contains(&key.as_str()) {
                    return Err((
                        crate::diag::AnswersCode::UnknownKey,
                        format!("unknown key `{key}` in the answer to `{}`; expected value, origin, suggested, evidence or note", question.id),
                    ));
                }
            }
            let value = t.get("value").ok_or((
                crate::diag::AnswersCode::WrongKind,
                format!("the answer to `{}` has no `value`", question.id),
            ))?;
            let origin = match t.get("origin") {
                None => Origin::Given,
                Some(toml::Value::String(s)) if s == "given" => Origin::Given,
                Some(toml::Value::String(s)) if s == "confirmed" => Origin::Confirmed,
                Some(toml::Value::String(s)) if s == "overridden" => Origin::Overridden,
                Some(other) => {
                    return Err((
                        crate::diag::AnswersCode::InvalidOrigin,
                        format!("origin {other} must be \"given\", \"confirmed\" or \"overridden\""),
                    ))
                }
            };
            let suggested = t.get("suggested").map(|s| plain(question, s)).transpose()?;
            let text = |key: &str| -> Result<Option<String>, (crate::diag::AnswersCode, String)> {
                match t.get(key) {
                    None => Ok(None),
                    Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                    Some(other) => {
                        Err((crate::diag::AnswersCode::WrongKind, format!("`{key}` must be a string, not {other}")))
                    }
                }
            };
            Ok(Answer {
                value: plain(question, value)?,
                origin,
                suggested,
                evidence: text("evidence")?,
                note: text("note")?,
            })
        }
        other => Ok(Answer::given(plain(question, other)?)),
    }
}

/// Reads a plain answer value, checking it fits the question.
fn plain(question: &Question, value: &toml::Value) -> Result<AnswerValue, (crate::diag::AnswersCode, String)> {
    let id = &question.id;
    let wrong = |expected: &str| {
        (
            crate::diag::AnswersCode::WrongKind,
            format!("`{id}` is a {} question: expected {expected}, found {value}", question.kind.name()),
        )
    };
    match (&question.kind, value) {
        (QuestionKind::YesNo, toml::Value::Boolean(b)) => Ok(AnswerValue::Bool(*b)),
        (QuestionKind::YesNo, _) => Err(wrong("true or false")),
        (QuestionKind::Choice { choices }, toml::Value::String(s)) => {
            if choices.iter().any(|c| &c.value == s) {
                Ok(AnswerValue::Text(s.clone()))
            } else {
                let values: Vec<String> = choices.iter().map(|c| format!("\"{}\"", c.value)).collect();
                Err((
                    crate::diag::AnswersCode::UnknownChoice,
                    format!("`{id}` has no choice \"{s}\"; expected one of {}", values.join(", ")),
                ))
            }
        }
        (QuestionKind::Choice { .. }, _) => Err(wrong("one of its choices, as a string")),
        (QuestionKind::Scale { min, max, .. }, toml::Value::Integer(n)) => {
            if (*min..=*max).contains(n) {
                Ok(AnswerValue::Number(*n as f64))
            } else {
                Err((
                    crate::diag::AnswersCode::OutOfRange,
                    format!("`{id}` is a scale from {min} to {max}; {n} is outside it"),
                ))
            }
        }
        (QuestionKind::Scale { min, max, .. }, _) => Err(wrong(&format!("a whole number from {min} to {max}"))),
        (QuestionKind::Number { .. }, toml::Value::Integer(n)) if *n >= 0 => Ok(AnswerValue::Number(*n as f64)),
        (QuestionKind::Number { .. }, toml::Value::Float(f)) if *f >= 0.0 && f.is_finite() => {
            Ok(AnswerValue::Number(*f))
        }
        (QuestionKind::Number { .. }, toml::Value::Integer(_) | toml::Value::Float(_)) => {
            Err((crate::diag::AnswersCode::OutOfRange, format!("`{id}` takes a number of at least 0, not {value}")))
        }
        (QuestionKind::Number { .. }, _) => Err(wrong("a number")),
        (QuestionKind::Duration, toml::Value::String(s)) => match parse_duration_hours(s) {
            Some(_) => Ok(AnswerValue::Text(s.clone())),
            None => Err((
                crate::diag::AnswersCode::InvalidDuration,
                format!(
                    "`{id}`: \"{s}\" is not a duration; write a number and a unit: \"30m\", \"4h\", \"2d\", \"3w\""
                ),
            )),
        },
        (QuestionKind::Duration, _) => Err(wrong("a duration such as \"4h\" or \"2d\"")),
    }
}

/// Hours in a duration written `30m`, `4h`, `2d`, `3w` (a number may have a fraction).
pub fn parse_duration_hours(text: &str) -> Option<f64> {
    let text = text.trim();
    let unit_at = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(unit_at);
    let n: f64 = number.trim().parse().ok().filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let factor = match unit.trim() {
        "m" | "min" => 1.0 / 60.0,
        "h" => 1.0,
        "d" => 24.0,
        "w" => 168.0,
        _ => return None,
    };
    Some(n * factor)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A TOML basic string.
pub fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        k.to_owned()
    } else {
        toml_string(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_hours() {
        assert_eq!(parse_duration_hours("30m"), Some(0.5));
        assert_eq!(parse_duration_hours("4h"), Some(4.0));
        assert_eq!(parse_duration_hours("2d"), Some(48.0));
        assert_eq!(parse_duration_hours("1.5w"), Some(252.0));
        assert_eq!(parse_duration_hours("2 d"), Some(48.0));
        assert_eq!(parse_duration_hours("2"), None);
        assert_eq!(parse_duration_hours("2y"), None);
        assert_eq!(parse_duration_hours("-1h"), None);
    }
}
