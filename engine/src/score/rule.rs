//! Evaluating evidence rules against one target: three-valued (satisfied, not satisfied,
//! unknown), with a trace of every leaf that decided it.

use super::dora::TargetDora;
use crate::judge::JudgedTarget;
use crate::model::answers::Answer;
use crate::model::{Model, Rule, Test};
use crate::plugin::{Evidence, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a rule (or a practice) came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The evidence shows it.
    Satisfied,
    /// The evidence shows it is not.
    NotSatisfied,
    /// No evidence either way.
    Unknown,
}

/// One leaf of a rule and what it found: the line a consultant points at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Trace {
    /// The leaf, as written (`check ci/runs-tests`, `answer to q = true`).
    pub rule: String,
    /// What it came to.
    pub verdict: Verdict,
    /// What was found: the check's status and message, the fact's value, the answer.
    pub found: String,
    /// Where, for checks: files and lines relative to the target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Evidence>,
}

/// Everything a rule can look at for one target.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The model (questions, for answers).
    pub model: &'a Model,
    /// The target's findings and facts.
    pub target: &'a JudgedTarget,
    /// The answers that apply to the target.
    pub answers: &'a BTreeMap<String, Answer>,
    /// The target's DORA keys.
    pub dora: &'a TargetDora,
}

/// Evaluates `rule`, appending the leaves it looked at to `trace`.
///
/// Answers weigh differently from automated evidence. An unanswered question is weaker
/// than missing evidence: in `any`, it does not keep other leaves that decided "not
/// satisfied" from deciding (a failed check stays a gap until an answer says otherwise);
/// a rule decided by nothing but unanswered questions is unknown. A "no" from the
/// interview is stronger than missing evidence: in `any`, it decides "not satisfied" when
/// nothing shows the practice and some evidence could not be seen (the people asked know).
pub fn evaluate(rule: &Rule, subject: Subject<'_>, trace: &mut Vec<Trace>) -> Verdict {
    match outcome(rule, subject, trace) {
        Outcome::Satisfied => Verdict::Satisfied,
        Outcome::NotSatisfied | Outcome::Denied => Verdict::NotSatisfied,
        Outcome::Unknown | Outcome::Unanswered => Verdict::Unknown,
    }
}

/// A verdict that tells an unanswered question from missing evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Satisfied,
    NotSatisfied,
    /// Not satisfied, said by an answer.
    Denied,
    Unknown,
    Unanswered,
}

fn outcome(rule: &Rule, subject: Subject<'_>, trace: &mut Vec<Trace>) -> Outcome {
    match rule {
        Rule::All(rules) => {
            let outcomes: Vec<Outcome> = rules.iter().map(|r| outcome(r, subject, trace)).collect();
            if outcomes.contains(&Outcome::Denied) {
                Outcome::Denied
            } else if outcomes.contains(&Outcome::NotSatisfied) {
                Outcome::NotSatisfied
            } else if outcomes.contains(&Outcome::Unknown) {
                Outcome::Unknown
            } else if outcomes.contains(&Outcome::Unanswered) {
                Outcome::Unanswered
            } else {
                Outcome::Satisfied
            }
        }
        Rule::Any(rules) => {
            let outcomes: Vec<Outcome> = rules.iter().map(|r| outcome(r, subject, trace)).collect();
            if outcomes.contains(&Outcome::Satisfied) {
                Outcome::Satisfied
            } else if outcomes.contains(&Outcome::Denied) {
                Outcome::Denied
            } else if outcomes.contains(&Outcome::Unknown) {
                Outcome::Unknown
            } else if outcomes.contains(&Outcome::NotSatisfied) {
                Outcome::NotSatisfied
            } else {
                Outcome::Unanswered
            }
        }
        Rule::Not(rule) => match outcome(rule, subject, trace) {
            Outcome::Satisfied => Outcome::NotSatisfied,
            Outcome::NotSatisfied | Outcome::Denied => Outcome::Satisfied,
            other => other,
        },
        Rule::When { condition, then } => {
            // The condition's leaves are traced apart, so that a practice's reason names
            // what decided it, not the condition that let it speak.
            let mut condition_trace = Vec::new();
            match outcome(condition, subject, &mut condition_trace) {
                Outcome::Satisfied => outcome(then, subject, trace),
                _ => {
                    for mut t in condition_trace {
                        t.verdict = Verdict::Unknown;
                        t.found = format!("{} (the evidence does not apply)", t.found);
                        trace.push(t);
                    }
                    Outcome::Unknown
                }
            }
        }
        leaf => {
            let (verdict, found, locations) = leaf_verdict(leaf, subject);
            let answer = match leaf {
                Rule::Answer { question, .. } => Some(subject.answers.contains_key(question)),
                _ => None,
            };
            trace.push(Trace { rule: leaf.to_string(), verdict, found, locations });
            match verdict {
                Verdict::Satisfied => Outcome::Satisfied,
                Verdict::NotSatisfied if answer == Some(true) => Outcome::Denied,
                Verdict::NotSatisfied => Outcome::NotSatisfied,
                Verdict::Unknown if answer == Some(false) => Outcome::Unanswered,
                Verdict::Unknown => Outcome::Unknown,
            }
        }
    }
}

fn leaf_verdict(rule: &Rule, s: Subject<'_>) -> (Verdict, String, Vec<Evidence>) {
    match rule {
        Rule::Check { plugin, check, statuses, min_score } => {
            let finding = s.target.findings.iter().find(|f| &f.plugin == plugin && &f.check == check);
            let Some(f) = finding else {
                let found = match s.target.errors.iter().find(|e| &e.plugin == plugin) {
                    Some(e) => format!("plugin {plugin} failed on this target ({}): {}", e.kind.name(), e.message),
                    None => format!("{plugin}/{check} was not reported for this target"),
                };
                return (Verdict::Unknown, found, Vec::new());
            };
            let evidence = f.evidence.clone();
            if let Some(exemption) = &f.exemption {
                return (
                    Verdict::Satisfied,
                    format!("exempted by the assessor ({}): {}", exemption.original_status.name(), exemption.reason),
                    evidence,
                );
            }
            let found = format!("{}: {}", f.status.name(), f.message);
            if f.status == Status::NotApplicable && !statuses.contains(&Status::NotApplicable) {
                return (Verdict::Unknown, found, evidence);
            }
            let mut ok = statuses.contains(&f.status);
            if let (true, Some(min)) = (ok, min_score) {
                let score = f.score.unwrap_or(match f.status {
                    Status::Pass => 1.0,
                    Status::Warn => 0.5,
                    _ => 0.0,
                });
                ok = score + 1e-9 >= *min;
            }
            (if ok { Verdict::Satisfied } else { Verdict::NotSatisfied }, found, evidence)
        }
        Rule::Fact { name, test } => match s.target.facts.get(name) {
            None => (Verdict::Unknown, format!("fact {name} was not reported"), Vec::new()),
            Some(value) => {
                let found = format!("{name} = {}", short(value));
                (compare(value, test, None), found, Vec::new())
            }
        },
        Rule::Dora { key, at_least } => match s.dora.key(*key) {
            Some(k) if k.band.is_some() => {
                let band = k.band.unwrap_or(crate::model::Band::Low);
                let verdict = if band >= *at_least { Verdict::Satisfied } else { Verdict::NotSatisfied };
                (verdict, format!("{}: {} (from {})", key.title(), band.name(), k.source), Vec::new())
            }
            _ => (Verdict::Unknown, format!("{}: no figure and no answer", key.title()), Vec::new()),
        },
        Rule::Answer { question, test } => {
            let q = s.model.question(question);
            match (s.answers.get(question), q) {
                (Some(answer), Some(q)) => {
                    let position = answer.value.choice_position(q);
                    let verdict = compare(&answer.value.comparable(q), test, position);
                    (verdict, format!("answered {} ({})", answer.value.display(), answer.origin.name()), Vec::new())
                }
                _ => {
                    let text = q.map(|q| q.text.as_str()).unwrap_or("");
                    (Verdict::Unknown, format!("not answered: “{text}”"), Vec::new())
                }
            }
        }
        Rule::All(_) | Rule::Any(_) | Rule::Not(_) | Rule::When { .. } => (Verdict::Unknown, String::new(), Vec::new()),
    }
}

/// Compares a fact or answer value. `position` is a choice answer's position, which
/// `at_least`/`at_most` compare (the model stores those bounds as positions).
fn compare(value: &Value, test: &Test, position: Option<f64>) -> Verdict {
    let yes = |b: bool| if b { Verdict::Satisfied } else { Verdict::NotSatisfied };
    match test {
        Test::Equals(expected) => yes(equal(value, expected)),
        Test::Contains(item) => match value {
            Value::Array(items) => yes(items.iter().any(|v| equal(v, item))),
            Value::String(s) => yes(item.as_str().is_some_and(|i| s.contains(i))),
            _ => Verdict::NotSatisfied,
        },
        Test::AtLeast(n) | Test::AtMost(n) => {
            let Some(x) = position.or_else(|| number(value)) else {
                return Verdict::Unknown;
            };
            yes(if matches!(test, Test::AtLeast(_)) { x + 1e-9 >= *n } else { x <= *n + 1e-9 })
        }
    }
}

/// A number to compare: a number, a figure's `value`, a list's length.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::Array(items) => Some(items.len() as f64),
        Value::Object(o) => o.get("value").and_then(Value::as_f64),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

/// A value on one line, cut to a readable length.
fn short(value: &Value) -> String {
    let text = match value {
        Value::Object(o) if o.contains_key("value") => {
            let v = o.get("value").map(Value::to_string).unwrap_or_default();
            let unit = o.get("unit").and_then(Value::as_str).unwrap_or("");
            let band = o.get("band").and_then(Value::as_str).map(|b| format!(", {b}")).unwrap_or_default();
            format!("{v} {unit}{band}").trim().to_owned()
        }
        other => other.to_string(),
    };
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(119).collect::<String>())
    } else {
        text
    }
}
