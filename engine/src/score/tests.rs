//! Scoring with small hand-written models: exact figures.

use super::*;
use crate::judge::{ExemptionRecord, FindingRecord, JudgedTarget};
use crate::model::answers::Answers;
use crate::model::{load, Catalogue, Rule};
use crate::plugin::Status;
use rule::Verdict;
use serde_json::json;
use std::path::Path;

/// Two areas: `build` with one practice per level (b2 … b5), `ops` with two at level 2.
const MODEL: &str = r#"
[model]
id = "tiny"
name = "Tiny"
version = "1"

[[level]]
number = 1
name = "Initial"
[[level]]
number = 2
name = "Managed"
[[level]]
number = 3
name = "Defined"
[[level]]
number = 4
name = "Measured"
[[level]]
number = 5
name = "Optimizing"

[[area]]
id = "build"
name = "Build"
[[area]]
id = "ops"
name = "Operations"

[[practice]]
id = "b2"
area = "build"
level = 2
title = "Pipeline"
guidance = "Have one."
effort = "S"
impact = 3
evidence = { check = "p/pipeline" }

[[practice]]
id = "b3"
area = "build"
level = 3
title = "Tests"
guidance = "Run them."
effort = "M"
impact = 3
depends_on = ["b2"]
evidence = { any = [{ check = "p/tests" }, { answer = "tests-run", equals = true }] }

[[practice]]
id = "b4"
area = "build"
level = 4
title = "Coverage"
guidance = "Measure it."
effort = "M"
impact = 2
evidence = { fact = "p.coverage", at_least = 0.8 }

[[practice]]
id = "b5"
area = "build"
level = 5
title = "Fast"
guidance = "Be fast."
effort = "L"
impact = 1
evidence = { dora = "lead_time", at_least = "high" }

[[practice]]
id = "o2a"
area = "ops"
level = 2
title = "Alerts"
guidance = "Alert."
effort = "S"
impact = 2
evidence = { check = "p/alerts", min_score = 0.5 }

[[practice]]
id = "o2b"
area = "ops"
level = 2
title = "On call"
guidance = "Rota."
effort = "S"
impact = 2
evidence = { answer = "on-call", equals = true }

[[practice]]
id = "o3"
area = "ops"
level = 3
title = "Tools"
guidance = "Tools."
effort = "S"
impact = 1
evidence = { not = { fact = "p.tools", contains = "none" } }

[[practice]]
id = "o4"
area = "ops"
level = 4
title = "Deploys"
guidance = "Deploy."
effort = "S"
impact = 1
evidence = { answer = "deploys", at_least = "weekly" }

[[practice]]
id = "o5"
area = "ops"
level = 5
title = "Restore"
guidance = "Restore."
effort = "S"
impact = 1
evidence = { answer = "restore", at_most = "1d" }

[[question]]
id = "tests-run"
practice = "b3"
text = "Do tests run on every change?"
kind = "yes_no"
suggest = { check = "p/tests" }

[[question]]
id = "on-call"
area = "ops"
text = "Is there an on-call rota?"
kind = "yes_no"

[[question]]
id = "deploys"
area = "ops"
text = "How often do you deploy?"
kind = "choice"
dora = "deployment_frequency"
choices = [
  { value = "monthly", label = "Monthly", band = "medium" },
  { value = "weekly", label = "Weekly", band = "high" },
  { value = "daily", label = "On demand", band = "elite" },
]

[[question]]
id = "restore"
area = "ops"
text = "How long does a restore take?"
kind = "duration"
"#;

fn model() -> Model {
    let mut catalogue = Catalogue::default();
    catalogue.checks.insert("p".into(), ["pipeline", "tests", "alerts"].into_iter().map(String::from).collect());
    catalogue.facts.extend(["p.coverage", "p.tools", "dora.lead_time_hours"].into_iter().map(String::from));
    for fact in &catalogue.facts {
        catalogue.fact_plugins.insert(fact.clone(), "p".into());
    }
    load(Path::new("tiny.toml"), MODEL, &catalogue).unwrap_or_else(|e| panic!("{e}"))
}

fn target(name: &str, findings: &[(&str, Status, Option<f64>)], facts: serde_json::Value) -> JudgedTarget {
    JudgedTarget {
        name: name.into(),
        path: name.into(),
        kind: "git".into(),
        labels: BTreeMap::new(),
        files: 1,
        facts: facts.as_object().map(|o| o.clone().into_iter().collect()).unwrap_or_default(),
        findings: findings
            .iter()
            .map(|(check, status, score)| FindingRecord {
                plugin: "p".into(),
                check: (*check).into(),
                status: *status,
                score: *score,
                message: format!("{check} said so"),
                evidence: vec![crate::plugin::Evidence {
                    path: "ci.yml".into(),
                    line: Some(3),
                    message: None,
                    snippet: None,
                }],
                exemption: None,
            })
            .collect(),
        errors: Vec::new(),
        warnings: Vec::new(),
        skipped: Vec::new(),
        sources: vec![crate::model::Source::Repository, crate::model::Source::History],
        plugins: vec!["p".into()],
    }
}

fn answers(model: &Model, text: &str) -> BTreeMap<String, Answer> {
    Answers::parse(Path::new("answers.toml"), text, model).unwrap_or_else(|e| panic!("{e}")).global
}

fn state(a: &TargetAssessment, id: &str) -> PracticeState {
    a.practice(id).unwrap().state
}

#[test]
fn levels_are_staged_and_progress_counts_the_next_level() {
    let m = model();
    let t = target(
        "svc",
        &[("pipeline", Status::Pass, None), ("tests", Status::Fail, None), ("alerts", Status::Warn, Some(0.5))],
        json!({ "p.coverage": 0.9, "p.tools": ["prometheus"], "dora.lead_time_hours": { "value": 10.0, "band": "elite", "source": "pipeline" } }),
    );
    let a =
        score_target(&m, &t, answers(&m, "[answers]\ntests-run = false\non-call = true\n"), &[], &Profile::default());
    assert_eq!(state(&a, "b2"), PracticeState::Satisfied);
    assert_eq!(state(&a, "b3"), PracticeState::NotSatisfied);
    // b4 and b5 are in place, but b3 is not: the level stops at 2.
    assert_eq!(state(&a, "b4"), PracticeState::Satisfied);
    assert_eq!(state(&a, "b5"), PracticeState::Satisfied);
    let build = a.area("build").unwrap();
    assert_eq!((build.figures.level, build.figures.progress, build.figures.potential_level), (2, 0.0, 2));
    assert_eq!(build.blocking.len(), 1);
    assert_eq!(build.blocking[0].practice, "b3");
    assert_eq!(build.explanation, "Level 2 (Managed): every considered practice up to level 2 is in place. Level 3 (Defined) needs b3 (not satisfied: check p/tests: fail: tests said so; answer to tests-run = true: answered no (given)). 4 of 4 practices considered.");
    // Impact-weighted share of the considered practices in place: b2 (3), b4 (2), b5 (1)
    // of b2, b3 (3), b4, b5.
    assert_eq!(build.figures.score, Some(6.0 / 9.0));
    // Warn with score 0.5 meets `min_score = 0.5` (a minimum score accepts a warning);
    // a lower score does not.
    assert_eq!(state(&a, "o2a"), PracticeState::Satisfied);
    let low = target("low", &[("alerts", Status::Warn, Some(0.4))], json!({}));
    let b = score_target(&m, &low, BTreeMap::new(), &[], &Profile::default());
    assert_eq!(state(&b, "o2a"), PracticeState::NotSatisfied);
    assert_eq!(state(&a, "o3"), PracticeState::Satisfied);
    let ops = a.area("ops").unwrap();
    // o4 and o5 have no answers though the interview was held: out of scope (nobody
    // answered), so the level is 3 of what was shown, and could be 5.
    assert_eq!(state(&a, "o4"), PracticeState::OutOfScope);
    assert_eq!(a.practice("o4").unwrap().reason, "answer to deploys ≥ 1: not answered: “How often do you deploy?”");
    assert_eq!((ops.figures.level, ops.figures.progress, ops.figures.potential_level), (3, 1.0, 5));
    assert_eq!((ops.assessed, ops.considered, ops.out_of_scope, ops.practices), (3, 3, 2, 5));
    assert!(a.scope.sources.contains(&crate::model::Source::Interview));
    assert_eq!(ops.figures.coverage, 0.6);
    assert_eq!(a.coverage, 7.0 / 9.0);
}

#[test]
fn unknowns_are_not_failures_and_coverage_says_so() {
    let m = model();
    // The plugin judged the target and reported nothing: what it could have shown is
    // unknown; what only an interview or pipeline runs could show is out of scope.
    let t = target("empty", &[], json!({}));
    let a = score_target(&m, &t, BTreeMap::new(), &[], &Profile::default());
    for (id, expected) in [
        ("b2", PracticeState::Unknown),
        ("b3", PracticeState::Unknown),
        ("b4", PracticeState::Unknown),
        ("b5", PracticeState::OutOfScope),
        ("o2b", PracticeState::OutOfScope),
        ("o3", PracticeState::Unknown),
        ("o4", PracticeState::OutOfScope),
    ] {
        assert_eq!(state(&a, id), expected, "{id}: {}", a.practice(id).unwrap().reason);
    }
    let build = a.area("build").unwrap();
    assert_eq!((build.figures.level, build.figures.potential_level, build.figures.coverage), (1, 5, 0.0));
    assert_eq!(build.figures.score, Some(0.0));
    assert_eq!(build.blocking[0].state, PracticeState::Unknown);
    assert_eq!(build.blocking[0].reason, "check p/pipeline: p/pipeline was not reported for this target");
    assert_eq!(a.coverage, 0.0);
    assert_eq!(a.scope.missing.get(&crate::model::Source::Interview), Some(&4));
    // A check that does not apply makes its practice not applicable, not a failure.
    let t = target("na", &[("pipeline", Status::NotApplicable, None)], json!({}));
    let a = score_target(&m, &t, BTreeMap::new(), &[], &Profile::default());
    assert_eq!(state(&a, "b2"), PracticeState::NotApplicable);
    // A plugin that did not judge the target (a cloud account's plugin on a repository):
    // what it would have shown is out of scope, and an area with nothing else is not
    // assessed at all.
    let mut t = target("elsewhere", &[], json!({}));
    t.plugins.clear();
    let a = score_target(&m, &t, BTreeMap::new(), &[], &Profile::default());
    assert!(a.practices.iter().all(|p| p.state == PracticeState::OutOfScope), "{:?}", a.practices);
    let build = a.area("build").unwrap();
    assert_eq!((build.considered, build.out_of_scope, build.figures.score), (0, 4, None));
    assert!(!build.is_assessed());
    assert!(
        build.explanation.starts_with("Not assessed: 4 need evidence the assessment did not have"),
        "{}",
        build.explanation
    );
    assert_eq!((a.score, a.mean_level), (None, None));
}

#[test]
fn an_unanswered_question_does_not_hide_a_failed_check() {
    let m = model();
    // b3 = any(check p/tests, answer tests-run = true).
    let failed = target("svc", &[("tests", Status::Fail, None)], json!({}));
    let a = score_target(&m, &failed, BTreeMap::new(), &[], &Profile::default());
    assert_eq!(state(&a, "b3"), PracticeState::NotSatisfied);
    assert_eq!(a.practice("b3").unwrap().reason, "check p/tests: fail: tests said so");
    // The answer can still say otherwise.
    let a = score_target(&m, &failed, answers(&m, "[answers]\ntests-run = true\n"), &[], &Profile::default());
    assert_eq!(state(&a, "b3"), PracticeState::Satisfied);
    // A check the plugin did not report and no interview: unknown.
    let a = score_target(&m, &target("svc", &[], json!({})), BTreeMap::new(), &[], &Profile::default());
    assert_eq!(state(&a, "b3"), PracticeState::Unknown);
    // A check that does not apply, and no interview: the practice does not apply.
    let na = target("svc", &[("tests", Status::NotApplicable, None)], json!({}));
    let a = score_target(&m, &na, BTreeMap::new(), &[], &Profile::default());
    assert_eq!(state(&a, "b3"), PracticeState::NotApplicable);
    // But a "no" from the interview decides: the people asked know.
    let a = score_target(&m, &na, answers(&m, "[answers]\ntests-run = false\n"), &[], &Profile::default());
    assert_eq!(state(&a, "b3"), PracticeState::NotSatisfied);
    assert_eq!(a.practice("b3").unwrap().reason, "answer to tests-run = true: answered no (given)");
}

#[test]
fn answers_compare_choices_by_order_and_durations_in_hours() {
    let m = model();
    let t = target("svc", &[], json!({}));
    let a = score_target(
        &m,
        &t,
        answers(&m, "[answers]\ndeploys = \"daily\"\nrestore = \"12h\"\n"),
        &[],
        &Profile::default(),
    );
    assert_eq!(state(&a, "o4"), PracticeState::Satisfied);
    assert_eq!(state(&a, "o5"), PracticeState::Satisfied);
    let a = score_target(
        &m,
        &t,
        answers(&m, "[answers]\ndeploys = \"monthly\"\nrestore = \"2d\"\n"),
        &[],
        &Profile::default(),
    );
    assert_eq!(state(&a, "o4"), PracticeState::NotSatisfied);
    assert_eq!(state(&a, "o5"), PracticeState::NotSatisfied);
    // The self-reported deployment frequency gives the DORA key its band, from answers.
    let k = a.dora.key(crate::model::DoraKey::DeploymentFrequency).unwrap();
    assert_eq!((k.band, k.source.as_str()), (Some(crate::model::Band::Medium), "answers"));
}

#[test]
fn exemptions_count_towards_the_level_with_their_reason() {
    let m = model();
    let t = target("legacy-app", &[("pipeline", Status::Pass, None), ("tests", Status::Fail, None)], json!({}));
    let exemption = PracticeExemption {
        target: globset::Glob::new("legacy-*").unwrap().compile_matcher(),
        practice: "b3".into(),
        reason: "frozen, replaced next year".into(),
    };
    let a = score_target(&m, &t, BTreeMap::new(), std::slice::from_ref(&exemption), &Profile::default());
    assert_eq!(state(&a, "b3"), PracticeState::Exempt);
    assert!(a.practice("b3").unwrap().reason.starts_with("exempted by the assessor: frozen, replaced next year"));
    assert_eq!(a.area("build").unwrap().figures.level, 3);
    // Another target is not matched by the glob.
    let other = target("shop", &[("pipeline", Status::Pass, None), ("tests", Status::Fail, None)], json!({}));
    let a = score_target(&m, &other, BTreeMap::new(), &[exemption], &Profile::default());
    // (the check failed and the question that could say otherwise is unanswered: a gap)
    assert_eq!(state(&a, "b3"), PracticeState::NotSatisfied);
    // A check exempted in the assessment file satisfies its rule, with the reason.
    let mut t = target("svc", &[("pipeline", Status::NotApplicable, None)], json!({}));
    t.findings[0].exemption = Some(ExemptionRecord { reason: "no CI by design".into(), original_status: Status::Fail });
    let a = score_target(&m, &t, BTreeMap::new(), &[], &Profile::default());
    assert_eq!(state(&a, "b2"), PracticeState::Satisfied);
    assert_eq!(a.practice("b2").unwrap().reason, "check p/pipeline: exempted by the assessor (fail): no CI by design");
}

#[test]
fn a_profile_adjusts_beside_the_raw_figures() {
    let m = model();
    let t = target("svc", &[("alerts", Status::Pass, None)], json!({ "p.tools": ["none"] }));
    let profile = Profile {
        weights: [("o2a".to_owned(), 3.0)].into_iter().collect(),
        disabled: ["o3".to_owned()].into_iter().collect(),
        organisation_share: 0.8,
    };
    let a = score_target(&m, &t, BTreeMap::new(), &[], &profile);
    let ops = a.area("ops").unwrap();
    // Raw: o2a met, o2b out of scope (no interview): level 2; o3 not satisfied stops the
    // next level. The score weighs impact: o2a (2) of o2a and o3 (1).
    assert_eq!((ops.figures.level, ops.figures.progress), (2, 0.0));
    assert_eq!(ops.figures.score, Some(2.0 / 3.0));
    // Adjusted: o3 is switched off and nothing else is considered above level 2.
    let adjusted = ops.adjusted.unwrap();
    assert_eq!((adjusted.level, adjusted.progress, adjusted.score), (2, 1.0, Some(1.0)));
    // With answers, o2b and o4 are in place and o5 unknown: the raw level stays at 2 (o3),
    // the adjusted one passes over level 3, where nothing is left, to 4.
    let a = score_target(&m, &t, answers(&m, "[answers]\non-call = true\ndeploys = \"daily\"\n"), &[], &profile);
    let ops = a.area("ops").unwrap();
    assert_eq!(state(&a, "o3"), PracticeState::NotSatisfied);
    assert!(a.practice("o3").unwrap().disabled);
    assert_eq!(ops.figures.level, 2);
    assert_eq!(ops.adjusted.unwrap().level, 4);
    // No profile: no adjusted figures.
    let a = score_target(&m, &t, BTreeMap::new(), &[], &Profile::default());
    assert_eq!(a.area("ops").unwrap().adjusted, None);
}

#[test]
fn the_organisation_level_is_reached_by_the_configured_share() {
    let m = model();
    let level2 = target("a", &[("pipeline", Status::Pass, None), ("tests", Status::Fail, None)], json!({}));
    let level3 = target("b", &[("pipeline", Status::Pass, None), ("tests", Status::Pass, None)], json!({}));
    let level1 = target("c", &[("pipeline", Status::Fail, None)], json!({}));
    let mut none = target("d", &[], json!({}));
    none.plugins.clear();
    let p = Profile::default();
    let scored: Vec<(JudgedTarget, TargetAssessment)> = [level2, level3.clone(), level3, level1, none]
        .into_iter()
        .map(|t| {
            let a = score_target(&m, &t, BTreeMap::new(), &[], &p);
            (t, a)
        })
        .collect();
    let mut labels = Vec::new();
    for (i, _) in scored.iter().enumerate() {
        let mut l = BTreeMap::new();
        l.insert("team".to_owned(), if i < 2 { "red".to_owned() } else { "blue".to_owned() });
        labels.push(l);
    }
    let rows: Vec<(&str, &BTreeMap<String, String>, &TargetAssessment)> =
        scored.iter().zip(&labels).map(|((t, a), l)| (t.name.as_str(), l, a)).collect();
    let org = organisation(&m, &rows, &p);
    let build = org.areas.iter().find(|a| a.id == "build").unwrap();
    // Four targets assessed in build (d has no evidence): levels 2, 3, 3, 1.
    assert_eq!(build.assessed_targets, 4);
    assert_eq!(build.distribution, [1, 1, 2, 0, 0]);
    // 80 %: 3 of 4 reach level 2 (75 %), so the organisation is at level 1.
    assert_eq!(build.level, 1);
    let half = Profile { organisation_share: 0.5, ..Profile::default() };
    let org_half = organisation(&m, &rows, &half);
    assert_eq!(org_half.areas.iter().find(|a| a.id == "build").unwrap().level, 3);
    let b2 = org.practices.iter().find(|p| p.id == "b2").unwrap();
    assert_eq!((b2.satisfied, b2.not_satisfied, b2.unknown, b2.out_of_scope, b2.share), (3, 1, 0, 1, Some(0.75)));
    let b4 = org.practices.iter().find(|p| p.id == "b4").unwrap();
    assert_eq!((b4.unknown, b4.out_of_scope, b4.share), (4, 1, None));
    let red = org.groups.iter().find(|g| g.value == "red").unwrap();
    assert_eq!(red.targets, vec!["a", "b"]);
    assert_eq!(red.areas.iter().find(|a| a.id == "build").unwrap().level, 2);
}

#[test]
fn suggestions_come_from_the_evidence_not_the_answers() {
    let m = model();
    let t = target(
        "svc",
        &[("tests", Status::Pass, None)],
        json!({ "dora.deployment_frequency": { "value": 3.0, "unit": "per_week", "band": "high", "source": "pipeline", "basis": "12 runs" } }),
    );
    let q = m.question("tests-run").unwrap();
    let s = suggestion(&m, q, &t).unwrap();
    assert_eq!(s.value, AnswerValue::Bool(true));
    assert_eq!(s.evidence, "check p/tests: pass: tests said so (ci.yml:3)");
    // No evidence: no suggestion.
    assert_eq!(suggestion(&m, q, &target("x", &[], json!({}))), None);
    // A DORA question: the choice of the measured band.
    let s = suggestion(&m, m.question("deploys").unwrap(), &t).unwrap();
    assert_eq!(s.value, AnswerValue::Text("weekly".into()));
    assert_eq!(s.evidence, "dora.deployment_frequency: 3 per_week high from pipeline (12 runs)");
    // No suggestion for a question without `suggest` or `dora`.
    assert_eq!(suggestion(&m, m.question("on-call").unwrap(), &t), None);
}

#[test]
fn a_when_rule_speaks_only_when_its_condition_holds() {
    use crate::model::Test;
    let m = model();
    let rule = Rule::When {
        condition: Box::new(Rule::Fact { name: "p.coverage".into(), test: Test::AtMost(1.0) }),
        then: Box::new(Rule::Check {
            plugin: "p".into(),
            check: "pipeline".into(),
            statuses: vec![Status::Pass],
            min_score: None,
        }),
    };
    let verdict = |t: &JudgedTarget| {
        let no_answers = BTreeMap::new();
        let dora = dora::TargetDora::default();
        let subject = rule::Subject { model: &m, target: t, answers: &no_answers, dora: &dora, interviewed: false };
        let mut trace = Vec::new();
        (rule::evaluate(&rule, subject, &mut trace), trace)
    };
    let (v, _) = verdict(&target("a", &[("pipeline", Status::Fail, None)], json!({ "p.coverage": 0.5 })));
    assert_eq!(v, Verdict::NotSatisfied);
    let (v, _) = verdict(&target("a", &[("pipeline", Status::Pass, None)], json!({ "p.coverage": 0.5 })));
    assert_eq!(v, Verdict::Satisfied);
    let (v, trace) = verdict(&target("a", &[("pipeline", Status::Fail, None)], json!({ "p.coverage": 7 })));
    assert_eq!(v, Verdict::NotApplicable);
    assert_eq!(trace[0].found, "p.coverage = 7 (so the evidence does not apply)");
    assert_eq!(trace[0].verdict, Verdict::NotApplicable);
    let (v, _) = verdict(&target("a", &[("pipeline", Status::Pass, None)], json!({})));
    assert_eq!(v, Verdict::Unknown);
}

#[test]
fn answers_never_lower_a_level_unless_they_say_no() {
    let m = model();
    let t = target(
        "svc",
        &[("pipeline", Status::Pass, None), ("tests", Status::Pass, None), ("alerts", Status::Pass, None)],
        json!({ "p.coverage": 0.9, "p.tools": ["prometheus"] }),
    );
    let levels = |text: &str| {
        let a = score_target(&m, &t, answers(&m, text), &[], &Profile::default());
        a.areas.iter().map(|x| (x.id.clone(), x.figures.level)).collect::<Vec<_>>()
    };
    let evidence_alone = levels("[answers]\n");
    assert_eq!(evidence_alone, [("build".to_owned(), 4), ("ops".to_owned(), 3)]);
    // Every answer that is not a "no" keeps or raises each level.
    for text in [
        "[answers]\ntests-run = true\n",
        "[answers]\non-call = true\n",
        "[answers]\ndeploys = \"daily\"\n",
        "[answers]\non-call = true\ndeploys = \"weekly\"\nrestore = \"4h\"\n",
    ] {
        let with = levels(text);
        for ((area, before), (_, after)) in evidence_alone.iter().zip(&with) {
            assert!(after >= before, "{text}: {area} went from {before} to {after}");
        }
    }
    assert_eq!(levels("[answers]\non-call = true\ndeploys = \"daily\"\nrestore = \"4h\"\n")[1].1, 5);
    // A "no" lowers it: the people asked know.
    assert_eq!(levels("[answers]\non-call = false\n")[1].1, 1);
    // The evidence keeps what it shows against an answer: the tests run.
    assert_eq!(levels("[answers]\ntests-run = false\n")[0].1, 4);
}

#[test]
fn nothing_unknown_or_out_of_scope_counts_as_satisfied() {
    let m = model();
    // Everything unknown or out of scope: level 1, a score of nothing, however much could
    // turn out to be in place.
    let t = target("svc", &[], json!({}));
    let a = score_target(&m, &t, BTreeMap::new(), &[], &Profile::default());
    assert!(a.practices.iter().all(|p| !p.state.is_met()));
    for area in &a.areas {
        assert_eq!(area.figures.level, 1, "{}", area.id);
        assert!(area.figures.score.is_none_or(|s| s == 0.0), "{}", area.id);
    }
    assert_eq!(a.area("build").unwrap().figures.potential_level, 5);
    // `confirms`: a rule that can show a practice in place and, failing, shows nothing.
    use crate::model::Test;
    let rule = Rule::Confirms(Box::new(Rule::Fact { name: "p.tools".into(), test: Test::Contains(json!("runbooks")) }));
    let verdict = |facts: serde_json::Value| {
        let t = target("svc", &[], facts);
        let (no_answers, dora) = (BTreeMap::new(), dora::TargetDora::default());
        let subject = rule::Subject { model: &m, target: &t, answers: &no_answers, dora: &dora, interviewed: false };
        let mut trace = Vec::new();
        let v = rule::evaluate(&rule, subject, &mut trace);
        (v, trace)
    };
    assert_eq!(verdict(json!({ "p.tools": ["runbooks"] })).0, Verdict::Satisfied);
    let (v, trace) = verdict(json!({ "p.tools": ["none"] }));
    assert_eq!(v, Verdict::OutOfScope);
    assert_eq!(trace[0].verdict, Verdict::OutOfScope);
    assert!(
        trace[0].found.ends_with("(which does not show it missing: it may be kept elsewhere)"),
        "{}",
        trace[0].found
    );
    // A DORA band from git is evidence that can only confirm; one the team gave is an answer,
    // and a low one says no.
    use crate::model::{Band, DoraKey};
    let rule = Rule::Confirms(Box::new(Rule::Dora { key: DoraKey::DeploymentFrequency, at_least: Band::Medium }));
    let band = |source: &str| {
        let t = target("svc", &[], json!({}));
        let key = dora::DoraKeyResult {
            key: DoraKey::DeploymentFrequency,
            band: Some(Band::Low),
            value: None,
            unit: String::new(),
            source: source.into(),
            basis: String::new(),
        };
        let dora = dora::TargetDora { keys: vec![key], cluster: None, cluster_basis: String::new() };
        let no_answers = BTreeMap::new();
        let subject = rule::Subject { model: &m, target: &t, answers: &no_answers, dora: &dora, interviewed: true };
        rule::evaluate(&rule, subject, &mut Vec::new())
    };
    assert_eq!(band("git"), Verdict::OutOfScope);
    assert_eq!(band("answers"), Verdict::NotSatisfied);
}
