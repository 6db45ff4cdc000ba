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
    /// Evidence that the assessment had could have shown it, and did not either way.
    Unknown,
    /// Its subject is absent: a check that does not apply, a condition that does not hold.
    NotApplicable,
    /// Only evidence the assessment did not have could show it (an interview, a cloud
    /// account, pipeline runs).
    OutOfScope,
}

impl Verdict {
    /// The verdict in a trace's and a report's words.
    pub fn said(self) -> &'static str {
        match self {
            Verdict::Satisfied => "satisfied",
            Verdict::NotSatisfied => "not satisfied",
            Verdict::Unknown => "unknown",
            Verdict::NotApplicable => "not applicable",
            Verdict::OutOfScope => "out of scope",
        }
    }
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
    /// For a system: the member (or members, comma-separated) whose evidence this is.
    /// Absent for a target scored alone, and for a system's own answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
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
    /// Whether the target was interviewed (some question was answered for it): only the
    /// wording of an unanswered question's trace depends on it. An unanswered question is
    /// out of scope either way, so that answering never lowers a level unless the answer
    /// is "no".
    pub interviewed: bool,
}

/// Evaluates `rule`, appending the leaves it looked at to `trace`.
///
/// Scope and applicability: a leaf that only evidence the assessment did not have could
/// decide is out of scope, and so is a question nobody answered; a check that does not
/// apply, or a `when` whose condition does not hold, is not applicable. In `any`, every
/// deciding outcome comes before those two (a failed check is not excused by a question
/// left unanswered); in `all`, a part that does not apply is left out, and a part out of
/// scope makes the whole out of scope unless another part decides against it. A "no" from
/// the interview is stronger than missing evidence: in `any`, it decides "not satisfied"
/// when nothing shows the practice and some evidence could not be seen (the people asked
/// know).
pub fn evaluate(rule: &Rule, subject: Subject<'_>, trace: &mut Vec<Trace>) -> Verdict {
    evaluate_pooled(rule, subject, None, trace)
}

/// Evaluates `rule` for a system: each leaf on the pooled evidence of the system's members
/// ([`super::system`]), the rest as [`evaluate`] does. With no pool, it is [`evaluate`].
pub fn evaluate_pooled(
    rule: &Rule,
    subject: Subject<'_>,
    pool: Option<&super::system::Pool<'_>>,
    trace: &mut Vec<Trace>,
) -> Verdict {
    verdict_of(outcome(rule, subject, pool, trace))
}

/// An outcome as the verdict a trace records: a denial by an answer is "not satisfied".
pub(super) fn verdict_of(outcome: Outcome) -> Verdict {
    match outcome {
        Outcome::Satisfied => Verdict::Satisfied,
        Outcome::NotSatisfied | Outcome::Denied => Verdict::NotSatisfied,
        Outcome::Unknown => Verdict::Unknown,
        Outcome::NotApplicable => Verdict::NotApplicable,
        Outcome::OutOfScope => Verdict::OutOfScope,
    }
}

/// A verdict that tells an unanswered question from missing evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Satisfied,
    NotSatisfied,
    /// Not satisfied, said by an answer.
    Denied,
    Unknown,
    NotApplicable,
    OutOfScope,
}

/// The first of `order` that `outcomes` holds.
pub(super) fn first_of(outcomes: &[Outcome], order: &[Outcome]) -> Option<Outcome> {
    order.iter().copied().find(|o| outcomes.contains(o))
}

fn outcome(
    rule: &Rule,
    subject: Subject<'_>,
    pool: Option<&super::system::Pool<'_>>,
    trace: &mut Vec<Trace>,
) -> Outcome {
    use Outcome::*;
    match rule {
        Rule::All(rules) => {
            let outcomes: Vec<Outcome> = rules.iter().map(|r| outcome(r, subject, pool, trace)).collect();
            // The parts that do not apply are left out; when none applies, neither does the whole.
            let applicable: Vec<Outcome> = outcomes.iter().copied().filter(|o| *o != NotApplicable).collect();
            if applicable.is_empty() {
                return NotApplicable;
            }
            first_of(&applicable, &[Denied, NotSatisfied, Unknown, OutOfScope]).unwrap_or(Satisfied)
        }
        Rule::Any(rules) => {
            let outcomes: Vec<Outcome> = rules.iter().map(|r| outcome(r, subject, pool, trace)).collect();
            first_of(&outcomes, &[Satisfied, Denied, Unknown, NotSatisfied, NotApplicable, OutOfScope])
                .unwrap_or(OutOfScope)
        }
        Rule::Not(rule) => match outcome(rule, subject, pool, trace) {
            Satisfied => NotSatisfied,
            NotSatisfied | Denied => Satisfied,
            other => other,
        },
        Rule::Confirms(rule) => {
            let from = trace.len();
            match outcome(rule, subject, pool, trace) {
                NotSatisfied => {
                    // What was not found may be kept elsewhere than the evidence looked at.
                    for t in &mut trace[from..] {
                        if t.verdict == Verdict::NotSatisfied {
                            t.verdict = Verdict::OutOfScope;
                            t.found = format!("{} (which does not show it missing: it may be kept elsewhere)", t.found);
                        }
                    }
                    OutOfScope
                }
                other => other,
            }
        }
        Rule::When { condition, then } => {
            // The condition's leaves are traced apart, so that a practice's reason names
            // what decided it, not the condition that let it speak.
            let mut condition_trace = Vec::new();
            let held = outcome(condition, subject, pool, &mut condition_trace);
            if held == Satisfied {
                return outcome(then, subject, pool, trace);
            }
            let result = match held {
                NotSatisfied | Denied | NotApplicable => NotApplicable,
                other => other,
            };
            for mut t in condition_trace {
                if result == NotApplicable {
                    t.verdict = Verdict::NotApplicable;
                    t.found = format!("{} (so the evidence does not apply)", t.found);
                }
                trace.push(t);
            }
            result
        }
        leaf => {
            if let Some(pool) = pool {
                return super::system::pooled_leaf(leaf, subject, pool, trace);
            }
            let (verdict, found, locations) = leaf_verdict(leaf, subject);
            // Said by the people asked: an answer, or a DORA band taken from the answers.
            let answer = match leaf {
                Rule::Answer { question, .. } => Some(subject.answers.contains_key(question)),
                Rule::Dora { key, .. } => Some(subject.dora.key(*key).is_some_and(|k| k.source == "answers")),
                _ => None,
            };
            trace.push(Trace { rule: leaf.to_string(), verdict, found, locations, member: None });
            leaf_outcome(verdict, answer == Some(true))
        }
    }
}

/// A leaf's verdict as an outcome: "not satisfied" said by an answer is a denial.
pub(super) fn leaf_outcome(verdict: Verdict, answered: bool) -> Outcome {
    match verdict {
        Verdict::Satisfied => Outcome::Satisfied,
        Verdict::NotSatisfied if answered => Outcome::Denied,
        Verdict::NotSatisfied => Outcome::NotSatisfied,
        Verdict::Unknown => Outcome::Unknown,
        Verdict::NotApplicable => Outcome::NotApplicable,
        Verdict::OutOfScope => Outcome::OutOfScope,
    }
}

pub(super) fn leaf_verdict(rule: &Rule, s: Subject<'_>) -> (Verdict, String, Vec<Evidence>) {
    match rule {
        Rule::Check { plugin, check, statuses, min_score } => {
            let finding = s.target.findings.iter().find(|f| &f.plugin == plugin && &f.check == check);
            let Some(f) = finding else {
                if let Some(e) = s.target.errors.iter().find(|e| &e.plugin == plugin) {
                    let found = format!("plugin {plugin} failed on this target ({}): {}", e.kind.name(), e.message);
                    return (Verdict::Unknown, found, Vec::new());
                }
                if !s.target.judged_by(plugin) {
                    return (Verdict::OutOfScope, format!("plugin {plugin} did not judge this target"), Vec::new());
                }
                return (Verdict::Unknown, format!("{plugin}/{check} was not reported for this target"), Vec::new());
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
                return (Verdict::NotApplicable, found, evidence);
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
            None => match s.model.fact_plugins.get(name) {
                Some(plugin) if !s.target.judged_by(plugin) => (
                    Verdict::OutOfScope,
                    format!("fact {name} was not reported: plugin {plugin} did not judge this target"),
                    Vec::new(),
                ),
                _ => (Verdict::Unknown, format!("fact {name} was not reported"), Vec::new()),
            },
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
            _ if s.interviewed => {
                (Verdict::OutOfScope, format!("{}: no figure and no answer", key.title()), Vec::new())
            }
            _ => (
                Verdict::OutOfScope,
                format!("{}: no figure from the history or pipeline runs, and no interview", key.title()),
                Vec::new(),
            ),
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
                    if s.interviewed {
                        (Verdict::OutOfScope, format!("not answered: “{text}”"), Vec::new())
                    } else {
                        (Verdict::OutOfScope, format!("needs an interview: “{text}”"), Vec::new())
                    }
                }
            }
        }
        Rule::All(_) | Rule::Any(_) | Rule::Not(_) | Rule::Confirms(_) | Rule::When { .. } => {
            (Verdict::Unknown, String::new(), Vec::new())
        }
    }
}

/// Compares a fact or answer value. `position` is a choice answer's position, which
/// `at_least`/`at_most` compare (the model stores those bounds as positions).
pub(super) fn compare(value: &Value, test: &Test, position: Option<f64>) -> Verdict {
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
pub(super) fn short(value: &Value) -> String {
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
