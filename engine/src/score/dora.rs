//! The four DORA keys of a target, with band and source, and its performance cluster.
//!
//! A key's figure comes from the `delivery` plugin's `dora.*` facts (measured from pipeline
//! runs or git); when there is none, from a self-reported answer (a question with `dora =
//! KEY`, whose choices carry bands). The cluster is the mean of the known bands (low 1,
//! medium 2, high 3, elite 4) rounded down, given when at least two keys are known: a team
//! elite in lead time but deploying rarely is not elite.

use crate::model::answers::{Answer, AnswerValue};
use crate::model::{Band, DoraKey, Model, QuestionKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One DORA key of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoraKeyResult {
    /// Which key.
    pub key: DoraKey,
    /// The band, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
    /// The measured figure, when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Its unit (`per_week`, `hours`, `ratio`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// Where it came from: `pipeline`, `git`, `answers`, or `none`.
    pub source: String,
    /// How it was measured, or the answer given.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basis: String,
}

/// A target's DORA keys and cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetDora {
    /// The four keys, in DORA's order.
    pub keys: Vec<DoraKeyResult>,
    /// The performance cluster, when at least two keys are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Band>,
    /// How the cluster was derived.
    pub cluster_basis: String,
}

impl TargetDora {
    /// A key, if present.
    pub fn key(&self, key: DoraKey) -> Option<&DoraKeyResult> {
        self.keys.iter().find(|k| k.key == key)
    }

    /// The keys from facts (measured) or, failing that, from answers.
    pub fn compute(model: &Model, facts: &BTreeMap<String, Value>, answers: &BTreeMap<String, Answer>) -> TargetDora {
        let keys: Vec<DoraKeyResult> = DoraKey::ALL
            .into_iter()
            .map(|key| measured(key, facts).unwrap_or_else(|| answered(key, model, answers)))
            .collect();
        let bands: Vec<Band> = keys.iter().filter_map(|k| k.band).collect();
        let (cluster, cluster_basis) = cluster(&bands);
        TargetDora { keys, cluster, cluster_basis }
    }
}

/// The mean of the known bands rounded down, when at least two are known.
pub fn cluster(bands: &[Band]) -> (Option<Band>, String) {
    if bands.len() < 2 {
        return (None, format!("{} of 4 keys known; a cluster needs at least 2", bands.len()));
    }
    let rank = |b: Band| Band::ALL.iter().position(|x| *x == b).unwrap_or(0);
    let mean = bands.iter().map(|b| rank(*b)).sum::<usize>() / bands.len();
    (Some(Band::ALL[mean]), format!("mean of {} of 4 keys, rounded down", bands.len()))
}

pub(super) fn measured(key: DoraKey, facts: &BTreeMap<String, Value>) -> Option<DoraKeyResult> {
    let fact = facts.get(key.fact())?;
    let band = fact.get("band").and_then(Value::as_str).and_then(Band::parse)?;
    Some(DoraKeyResult {
        key,
        band: Some(band),
        value: fact.get("value").and_then(Value::as_f64),
        unit: fact.get("unit").and_then(Value::as_str).unwrap_or("").to_owned(),
        source: fact.get("source").and_then(Value::as_str).unwrap_or("plugin").to_owned(),
        basis: fact.get("basis").and_then(Value::as_str).unwrap_or("").to_owned(),
    })
}

pub(super) fn answered(key: DoraKey, model: &Model, answers: &BTreeMap<String, Answer>) -> DoraKeyResult {
    let chosen = model.questions.iter().filter(|q| q.dora == Some(key)).find_map(|q| {
        let answer = answers.get(&q.id)?;
        let QuestionKind::Choice { choices } = &q.kind else { return None };
        let AnswerValue::Text(value) = &answer.value else { return None };
        let choice = choices.iter().find(|c| &c.value == value)?;
        Some((choice.band?, format!("answered “{}” to {}", choice.label, q.id)))
    });
    match chosen {
        Some((band, basis)) => {
            DoraKeyResult { key, band: Some(band), value: None, unit: String::new(), source: "answers".into(), basis }
        }
        None => DoraKeyResult {
            key,
            band: None,
            value: None,
            unit: String::new(),
            source: "none".into(),
            basis: String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_is_the_mean_of_at_least_two_keys_rounded_down() {
        assert_eq!(cluster(&[Band::Elite]).0, None);
        // (4 + 1) / 2 = 2.5: medium.
        assert_eq!(cluster(&[Band::Elite, Band::Low]).0, Some(Band::Medium));
        // (4 + 4 + 1) / 3 = 3: high, not elite.
        assert_eq!(cluster(&[Band::Elite, Band::Elite, Band::Low]).0, Some(Band::High));
        assert_eq!(cluster(&[Band::Elite, Band::Elite, Band::High, Band::Low]).0, Some(Band::High));
        assert_eq!(cluster(&[Band::Elite, Band::Elite, Band::Elite, Band::High]).0, Some(Band::High));
        assert_eq!(cluster(&[Band::Elite; 4]).0, Some(Band::Elite));
    }
}
