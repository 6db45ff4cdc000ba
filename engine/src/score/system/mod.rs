//! Systems: targets grouped by the assessment file (`[[systems]]`) into what a team runs as
//! one service, such as an application repository, its infrastructure repository and its
//! AWS account. A system's practices are scored on the pooled evidence of its members, leaf
//! by leaf, and every trace names the member whose evidence it is.
//!
//! How each kind of leaf pools:
//!
//! - **A check** is judged on each member whose plugins include the check's plugin (the
//!   `aws` plugin judges the account, the `ci` plugin the repositories); the other members
//!   are not concerned, and a check no member was judged for is out of scope. Most checks
//!   ask whether something exists (a scanner in CI, alert rules, a runbook): one member
//!   that shows it is enough for the system (their plugins declare them `pooled = "any"`,
//!   [`Pooling`]). The others judge
//!   every item a member holds (no committed secret, every action pinned, every Dockerfile
//!   non-root, every account's root user with MFA): every member where the check applies
//!   must pass it, so a secret in any member still fails the system. Members where a check
//!   does not apply are left out either way; an exemption of a check for a member counts
//!   for that member only.
//! - **A fact** is tested on the members' values pooled: lists are joined, booleans are
//!   true when one member's is, numbers are the highest member's (so `at_least` holds when
//!   one member reaches it and `at_most` when every member stays within it), a figure with a
//!   DORA band is the member's with the lowest band, anything else is the first member's.
//! - **A DORA key** is the lowest band measured on a member (a system delivers no faster
//!   than its slowest measured part); without a measured one, the system's own answer; then
//!   the lowest band answered for a member.
//! - **An answer** is the system's own (answers scoped to the system's name or to its
//!   labels, and the answers for everything); a question the system's scope leaves
//!   unanswered takes the answers given for its members, and every member that answered
//!   must satisfy it.
//! - **A practice exemption** applies when its target glob matches the system's name; a
//!   member's exemption does not exempt the system.

use super::dora::{self, DoraKeyResult, TargetDora};
use super::rule::{self, Outcome, Subject, Trace, Verdict};
use crate::judge::JudgedTarget;
use crate::model::answers::Answer;
use crate::model::{Band, DoraKey, Model, Rule, Source};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A system as the assessment file defines it: a name and its members, by target name or
/// by labels.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SystemSpec {
    /// The system's name, e.g. `payments`.
    pub name: String,
    /// Members by target name (`payments-app`, `aws-123456789012`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// Members by labels: every target carrying all of them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

impl SystemSpec {
    /// Whether the target named `name` with `labels` is a member: named by the system, or
    /// carrying every one of its labels.
    pub fn has_member(&self, name: &str, labels: &BTreeMap<String, String>) -> bool {
        self.targets.iter().any(|t| t == name)
            || (!self.labels.is_empty() && self.labels.iter().all(|(k, v)| labels.get(k) == Some(v)))
    }

    /// The target names the system gives that none of `names` is.
    pub fn missing<'a>(&self, names: impl IntoIterator<Item = &'a str> + Clone) -> Vec<String> {
        self.targets.iter().filter(|t| !names.clone().into_iter().any(|n| n == t.as_str())).cloned().collect()
    }
}

/// One member of a system: what its plugins found and the answers given for it.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The member's findings and facts.
    pub target: &'a JudgedTarget,
    /// The answers that apply to the member.
    pub answers: &'a BTreeMap<String, Answer>,
}

/// The members of a system being scored, for the leaves of its rules.
#[derive(Debug)]
pub struct Pool<'a> {
    members: Vec<(Member<'a>, TargetDora)>,
    /// How each check pools over the members.
    pooling: &'a Pooling,
    /// The member each DORA key of the system comes from.
    dora_members: BTreeMap<DoraKey, String>,
}

/// The checks one member is enough for: those their plugins declare `pooled = "any"`,
/// asking whether something exists anywhere (a pipeline, a scanner in CI, alert rules, a
/// runbook, a backup plan). Every other check judges every item of a member (secrets,
/// pinned actions and images, non-root containers, an account's settings), which every
/// member where the check applies must pass: the stricter reading, and the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pooling {
    any: BTreeSet<(String, String)>,
}

impl Pooling {
    /// The pooling the plugins that ran declare for their checks.
    pub fn of(plugins: &[crate::judge::PluginRecord]) -> Pooling {
        Pooling::any(plugins.iter().flat_map(|p| {
            p.checks
                .iter()
                .filter(|c| c.pooled == crate::plugin::manifest::Pooled::Any)
                .map(move |c| (p.id.as_str(), c.id.as_str()))
        }))
    }

    /// One member is enough for these checks, `(plugin, check)`.
    pub fn any<'s>(checks: impl IntoIterator<Item = (&'s str, &'s str)>) -> Pooling {
        Pooling { any: checks.into_iter().map(|(p, c)| (p.to_owned(), c.to_owned())).collect() }
    }

    /// Whether one member that passes the check is enough for the system.
    pub fn shown_by_any_member(&self, plugin: &str, check: &str) -> bool {
        self.any.contains(&(plugin.to_owned(), check.to_owned()))
    }
}

impl<'a> Pool<'a> {
    /// The pool of `members`, with the system's DORA keys (`answers`: the system's own).
    pub(super) fn new(
        model: &Model,
        members: &[Member<'a>],
        pooling: &'a Pooling,
        answers: &BTreeMap<String, Answer>,
    ) -> (Pool<'a>, TargetDora) {
        let members: Vec<(Member<'a>, TargetDora)> =
            members.iter().map(|m| (*m, TargetDora::compute(model, &m.target.facts, m.answers))).collect();
        let mut dora_members = BTreeMap::new();
        let keys: Vec<DoraKeyResult> = DoraKey::ALL
            .into_iter()
            .map(|key| {
                let measured = members
                    .iter()
                    .filter_map(|(m, _)| Some((m.target.name.as_str(), dora::measured(key, &m.target.facts)?)));
                let own = dora::answered(key, model, answers);
                let from_member = lowest(measured.collect()).or_else(|| {
                    if own.band.is_some() {
                        return None;
                    }
                    lowest(
                        members
                            .iter()
                            .map(|(m, _)| (m.target.name.as_str(), dora::answered(key, model, m.answers)))
                            .collect(),
                    )
                });
                match from_member {
                    Some((name, k)) => {
                        dora_members.insert(key, name.to_owned());
                        DoraKeyResult { basis: format!("{name}: {}", k.basis), ..k }
                    }
                    None => own,
                }
            })
            .collect();
        let bands: Vec<Band> = keys.iter().filter_map(|k| k.band).collect();
        let (cluster, cluster_basis) = dora::cluster(&bands);
        (Pool { members, pooling, dora_members }, TargetDora { keys, cluster, cluster_basis })
    }

    /// The members' evidence as one target: facts pooled, sources and plugins joined. Its
    /// findings are left empty: checks are judged member by member.
    pub(super) fn pooled_target(&self, spec: &SystemSpec) -> JudgedTarget {
        let mut names: Vec<&String> = Vec::new();
        for (m, _) in &self.members {
            for name in m.target.facts.keys() {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        let facts = names
            .into_iter()
            .map(|name| {
                let values: Vec<&Value> = self.members.iter().filter_map(|(m, _)| m.target.facts.get(name)).collect();
                (name.clone(), pool_values(&values))
            })
            .collect();
        let sources: BTreeSet<Source> = self.members.iter().flat_map(|(m, _)| m.target.sources()).collect();
        let mut plugins: Vec<String> = Vec::new();
        for (m, _) in &self.members {
            for p in m.target.plugins.iter().chain(m.target.findings.iter().map(|f| &f.plugin)) {
                if !plugins.contains(p) {
                    plugins.push(p.clone());
                }
            }
        }
        JudgedTarget {
            name: spec.name.clone(),
            path: String::new(),
            kind: "system".into(),
            labels: spec.labels.clone(),
            files: self.members.iter().map(|(m, _)| m.target.files).sum(),
            facts,
            findings: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            skipped: Vec::new(),
            sources: sources.into_iter().collect(),
            plugins,
        }
    }

    /// Whether some member was interviewed.
    pub(super) fn interviewed(&self) -> bool {
        self.members.iter().any(|(m, _)| !m.answers.is_empty())
    }

    fn member_subject<'s>(&'s self, model: &'s Model, member: &'s (Member<'a>, TargetDora)) -> Subject<'s> {
        let (m, dora) = member;
        Subject { model, target: m.target, answers: m.answers, dora, interviewed: !m.answers.is_empty() }
    }
}

/// The key with the lowest band among those of `found` that have one (the first of equals).
fn lowest(found: Vec<(&str, DoraKeyResult)>) -> Option<(&str, DoraKeyResult)> {
    found.into_iter().filter(|(_, k)| k.band.is_some()).min_by_key(|(_, k)| k.band)
}

/// The values of one fact on several members, pooled (see the module's documentation).
fn pool_values(values: &[&Value]) -> Value {
    let Some(first) = values.first() else { return Value::Null };
    if values.len() == 1 {
        return (*first).clone();
    }
    if values.iter().all(|v| v.is_array()) {
        let mut joined: Vec<Value> = Vec::new();
        for item in values.iter().filter_map(|v| v.as_array()).flatten() {
            if !joined.contains(item) {
                joined.push(item.clone());
            }
        }
        return Value::Array(joined);
    }
    if values.iter().all(|v| v.is_boolean()) {
        return Value::Bool(values.iter().any(|v| v.as_bool() == Some(true)));
    }
    if values.iter().all(|v| v.is_number()) {
        let highest = values.iter().copied().reduce(|a, b| if b.as_f64() > a.as_f64() { b } else { a });
        return highest.cloned().unwrap_or(Value::Null);
    }
    let band = |v: &Value| v.get("band").and_then(Value::as_str).and_then(Band::parse);
    if values.iter().all(|v| band(v).is_some()) {
        let lowest = values.iter().copied().reduce(|a, b| if band(b) < band(a) { b } else { a });
        return lowest.cloned().unwrap_or(Value::Null);
    }
    (*first).clone()
}

/// A member's name and what a leaf came to on its evidence: verdict, what was found, where.
type MemberVerdict<'n> = (&'n str, (Verdict, String, Vec<crate::plugin::Evidence>));

fn to_outcome(verdict: Verdict) -> Outcome {
    rule::leaf_outcome(verdict, false)
}

/// The system's verdict on a leaf from its members' verdicts: one member showing it is
/// enough (`any`), or every member where it applies must (`every`).
fn pool_verdicts(verdicts: &[Verdict], any: bool) -> Verdict {
    use Outcome::*;
    let outcomes: Vec<Outcome> = verdicts.iter().map(|v| to_outcome(*v)).collect();
    let pooled = if any {
        // As `any` in a rule: a member that could have shown it and did not say either
        // way keeps the system's verdict open.
        rule::first_of(&outcomes, &[Satisfied, Unknown, NotSatisfied, NotApplicable, OutOfScope])
    } else {
        let applicable: Vec<Outcome> = outcomes.iter().copied().filter(|o| *o != NotApplicable).collect();
        if applicable.is_empty() {
            Some(NotApplicable)
        } else {
            rule::first_of(&applicable, &[NotSatisfied, Unknown, OutOfScope, Satisfied])
        }
    };
    rule::verdict_of(pooled.unwrap_or(OutOfScope))
}

/// Evaluates one leaf of a system's rule on its pooled evidence, appending one trace per
/// member whose evidence it looked at.
pub(super) fn pooled_leaf(leaf: &Rule, subject: Subject<'_>, pool: &Pool<'_>, trace: &mut Vec<Trace>) -> Outcome {
    let rule_text = leaf.to_string();
    match leaf {
        Rule::Check { plugin, check, .. } => {
            let judged: Vec<MemberVerdict<'_>> = pool
                .members
                .iter()
                .filter(|member| member.0.target.judged_by(plugin))
                .map(|member| {
                    (
                        member.0.target.name.as_str(),
                        rule::leaf_verdict(leaf, pool.member_subject(subject.model, member)),
                    )
                })
                .collect();
            if judged.is_empty() {
                trace.push(Trace {
                    rule: rule_text,
                    verdict: Verdict::OutOfScope,
                    found: format!("plugin {plugin} judged no member of this system"),
                    locations: Vec::new(),
                    member: None,
                });
                return Outcome::OutOfScope;
            }
            let verdicts: Vec<Verdict> = judged.iter().map(|(_, (v, _, _))| *v).collect();
            let pooled = pool_verdicts(&verdicts, pool.pooling.shown_by_any_member(plugin, check));
            for (name, (verdict, found, locations)) in judged {
                let found = if verdict == pooled {
                    found
                } else {
                    format!("{found} (outweighed: {} for the system)", pooled.said())
                };
                trace.push(Trace { rule: rule_text.clone(), verdict, found, locations, member: Some(name.to_owned()) });
            }
            to_outcome(pooled)
        }
        Rule::Fact { name, test } => {
            let (verdict, found, locations) = rule::leaf_verdict(leaf, subject);
            let reporting: Vec<(&str, &Value)> = pool
                .members
                .iter()
                .filter_map(|(m, _)| Some((m.target.name.as_str(), m.target.facts.get(name)?)))
                .collect();
            let deciding: Vec<&str> = reporting
                .iter()
                .filter(|(_, v)| verdict == Verdict::Satisfied && rule::compare(v, test, None) == Verdict::Satisfied)
                .map(|(n, _)| *n)
                .collect();
            let members: Vec<&str> =
                if deciding.is_empty() { reporting.iter().map(|(n, _)| *n).collect() } else { deciding };
            let found = if reporting.len() > 1 {
                let each: Vec<String> = reporting.iter().map(|(n, v)| format!("{n}: {}", rule::short(v))).collect();
                format!("{found} (pooled from {})", each.join("; "))
            } else {
                found
            };
            let member = (!members.is_empty()).then(|| members.join(", "));
            trace.push(Trace { rule: rule_text, verdict, found, locations, member });
            to_outcome(verdict)
        }
        Rule::Dora { key, .. } => {
            let (verdict, found, locations) = rule::leaf_verdict(leaf, subject);
            let answered = subject.dora.key(*key).is_some_and(|k| k.source == "answers");
            let member = pool.dora_members.get(key).cloned();
            trace.push(Trace { rule: rule_text, verdict, found, locations, member });
            rule::leaf_outcome(verdict, answered)
        }
        Rule::Answer { question, .. } => {
            let answering: Vec<&(Member<'_>, TargetDora)> =
                pool.members.iter().filter(|(m, _)| m.answers.contains_key(question)).collect();
            if subject.answers.contains_key(question) || answering.is_empty() {
                // The system's own answer, or nobody's.
                let (verdict, found, locations) = rule::leaf_verdict(leaf, subject);
                trace.push(Trace { rule: rule_text, verdict, found, locations, member: None });
                return rule::leaf_outcome(verdict, subject.answers.contains_key(question));
            }
            let judged: Vec<MemberVerdict<'_>> = answering
                .into_iter()
                .map(|member| {
                    (
                        member.0.target.name.as_str(),
                        rule::leaf_verdict(leaf, pool.member_subject(subject.model, member)),
                    )
                })
                .collect();
            let verdicts: Vec<Verdict> = judged.iter().map(|(_, (v, _, _))| *v).collect();
            let pooled = pool_verdicts(&verdicts, false);
            for (name, (verdict, found, locations)) in judged {
                trace.push(Trace { rule: rule_text.clone(), verdict, found, locations, member: Some(name.to_owned()) });
            }
            rule::leaf_outcome(pooled, true)
        }
        Rule::All(_) | Rule::Any(_) | Rule::Not(_) | Rule::Confirms(_) | Rule::When { .. } => Outcome::Unknown,
    }
}

#[cfg(test)]
mod tests;
