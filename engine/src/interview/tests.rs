use super::*;
use crate::model::{load, Catalogue};
use std::path::Path;

fn model() -> Model {
    let source = include_str!("../../../tests/interview/model.toml");
    load(Path::new("tests/interview/model.toml"), source, &Catalogue::builtin().unwrap()).unwrap()
}

fn ids<'a>(model: &'a Model, interview: &Interview) -> Option<&'a str> {
    interview.current().map(|p| model.question(&p.question.id).unwrap().id.as_str())
}

#[test]
fn asks_area_by_area_and_goes_back_to_the_question_before() {
    let model = model();
    let mut i = Interview::new(&model, BTreeMap::new(), BTreeMap::new(), Mode::Unanswered);
    let first = i.current().unwrap();
    assert_eq!(
        (first.question.id.as_str(), first.number, first.total, first.starts_area),
        ("tests-before-merge", 1, 6, true)
    );
    assert!(!i.back(), "nothing before the first question");
    i.answer(AnswerValue::Bool(true));
    assert_eq!(ids(&model, &i), Some("deploy-frequency"));
    assert!(!i.current().unwrap().starts_area);
    i.skip();
    i.answer(AnswerValue::Number(4.0));
    let p = i.current().unwrap();
    assert_eq!((p.question.id.as_str(), p.area.id.as_str(), p.starts_area), ("game-days", "resilience", true));
    assert!(i.back());
    assert_eq!(ids(&model, &i), Some("team-autonomy"));
    assert_eq!(i.current().unwrap().current.unwrap().value, AnswerValue::Number(4.0));
    assert!(i.back());
    assert_eq!(ids(&model, &i), Some("deploy-frequency"), "back returns to a skipped question");
    assert!(i.current().unwrap().current.is_none());
    i.answer(AnswerValue::Text("weekly".into()));
    i.skip();
    i.skip();
    i.skip();
    i.answer(AnswerValue::Text("2d".into()));
    assert!(i.current().is_none());
    let answers: Vec<(&str, &AnswerValue)> = i.answers().iter().map(|(k, v)| (k.as_str(), &v.value)).collect();
    assert_eq!(
        answers,
        vec![
            ("deploy-frequency", &AnswerValue::Text("weekly".into())),
            ("restore-time", &AnswerValue::Text("2d".into())),
            ("team-autonomy", &AnswerValue::Number(4.0)),
            ("tests-before-merge", &AnswerValue::Bool(true)),
        ]
    );
    assert!(i.answers().values().all(|a| a.origin == Origin::Given));
}

#[test]
fn records_confirmed_and_overridden_suggestions() {
    let model = model();
    let suggestion = |v: bool, e: &str| Suggestion { value: AnswerValue::Bool(v), evidence: e.into() };
    let suggestions = BTreeMap::from([
        ("tests-before-merge".to_string(), suggestion(true, "ci/runs-tests: pass (.github/workflows/ci.yml:12)")),
        ("game-days".to_string(), suggestion(true, "resilience/game-days-and-post-mortems: pass (docs/gameday.md:1)")),
    ]);
    let mut i = Interview::new(&model, BTreeMap::new(), suggestions, Mode::All);
    assert_eq!(i.current().unwrap().default(), Some(&AnswerValue::Bool(true)));
    let a = i.answer(AnswerValue::Bool(true)).unwrap().clone();
    assert_eq!(a.origin, Origin::Confirmed);
    assert_eq!(a.suggested, Some(AnswerValue::Bool(true)));
    assert_eq!(a.evidence.as_deref(), Some("ci/runs-tests: pass (.github/workflows/ci.yml:12)"));
    i.skip();
    i.skip();
    let a = i.answer(AnswerValue::Bool(false)).unwrap().clone();
    assert_eq!(
        a.to_toml(),
        r#"{ value = false, origin = "overridden", suggested = true, evidence = "resilience/game-days-and-post-mortems: pass (docs/gameday.md:1)" }"#
    );
}

#[test]
fn resuming_asks_only_the_unanswered_and_keeps_what_was_there() {
    let model = model();
    let mut existing = BTreeMap::new();
    existing.insert(
        "game-days".to_string(),
        Answer { note: Some("from the workshop".into()), ..Answer::given(AnswerValue::Bool(true)) },
    );
    existing.insert("tests-before-merge".to_string(), Answer::given(AnswerValue::Bool(false)));
    let i = Interview::new(&model, existing.clone(), BTreeMap::new(), Mode::Unanswered);
    assert_eq!(i.current().unwrap().total, 4);
    assert_eq!(ids(&model, &i), Some("deploy-frequency"));
    assert_eq!(i.answered(), 2);

    let mut all = Interview::new(&model, existing, BTreeMap::new(), Mode::All);
    all.skip();
    all.skip();
    all.skip();
    assert_eq!(all.current().unwrap().default(), Some(&AnswerValue::Bool(true)));
    let kept = all.answer(AnswerValue::Bool(true)).unwrap();
    assert_eq!(kept.note.as_deref(), Some("from the workshop"));
    let changed = all.answers()["game-days"].clone();
    assert_eq!(changed.origin, Origin::Given);
    all.back();
    let changed = all.answer(AnswerValue::Bool(false)).unwrap();
    assert_eq!((changed.value.clone(), changed.note.as_deref()), (AnswerValue::Bool(false), Some("from the workshop")));
    all.back();
    all.clear();
    assert!(!all.answers().contains_key("game-days"));
}

#[test]
fn sections_find_or_add_their_scope() {
    let mut answers = Answers::default();
    let team = Section::Labels(BTreeMap::from([("team".to_string(), "payments".to_string())]));
    team.answers_mut(&mut answers).insert("game-days".into(), Answer::given(AnswerValue::Bool(true)));
    Section::Target("api".into()).answers_mut(&mut answers);
    team.answers_mut(&mut answers).insert("on-call-engineers".into(), Answer::given(AnswerValue::Number(3.0)));
    assert_eq!(answers.scopes.len(), 2);
    assert_eq!(answers.scopes[0].answers.len(), 2);
    assert_eq!(answers.scopes[1].target.as_deref(), Some("api"));
    assert!(Section::Global.answers_mut(&mut answers).is_empty());
}

#[test]
fn typed_answers_are_checked_against_the_question() {
    let model = model();
    let q = |id: &str| model.question(id).unwrap();
    assert_eq!(parse_typed(q("restore-time"), " 2 d "), Ok(AnswerValue::Text("2d".into())));
    assert_eq!(parse_typed(q("restore-time"), "soon"), Err("answer a number and a unit: 30m, 4h, 2d or 3w".into()));
    assert_eq!(parse_typed(q("on-call-engineers"), "6"), Ok(AnswerValue::Number(6.0)));
    assert_eq!(parse_typed(q("on-call-engineers"), "-1"), Err("answer a number (engineers) of at least 0".into()));
    assert_eq!(parse_typed(q("team-autonomy"), "6"), Err("answer a whole number from 1 to 5".into()));
    assert_eq!(parse_typed(q("game-days"), "Y"), Ok(AnswerValue::Bool(true)));
    assert_eq!(parse_typed(q("deploy-frequency"), "daily"), Ok(AnswerValue::Text("daily".into())));
    let labels: Vec<String> = options(q("team-autonomy")).into_iter().map(|(_, l)| l).collect();
    assert_eq!(labels, ["1: a board approves", "2", "3", "4", "5: the team decides"]);
    assert!(options(q("restore-time")).is_empty());
}
