//! Interviews: `kaizen questionnaire` driven through a real pseudo-terminal (answering,
//! skipping, going back, help, resuming a partial file, confirming and overriding what the
//! evidence suggests), the commented template, and positioned errors in answers files. The
//! model is `tests/interview/model.toml`.

use crate::support::{fixture, kaizen, run, write_files};
use kaizen::model::answers::{AnswerValue, Answers, Origin};
use kaizen::model::{load, Catalogue, Model};
use rexpect::session::PtySession;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn model_path() -> PathBuf {
    fixture("interview/model.toml")
}

fn model() -> Model {
    let path = model_path();
    load(&path, &std::fs::read_to_string(&path).unwrap(), &Catalogue::builtin().unwrap()).unwrap()
}

/// `kaizen questionnaire --model tests/interview/model.toml ARGS` in a pseudo-terminal, in `dir`.
fn interview(dir: &Path, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaizen"));
    cmd.current_dir(dir)
        .arg("questionnaire")
        .arg("--model")
        .arg(model_path())
        .args(args)
        .env("CLICOLOR", "0")
        .env("TERM", "xterm")
        .env_remove("KAIZEN_LOG");
    rexpect::session::spawn_command(cmd, Some(30_000)).expect("kaizen starts in a pseudo-terminal")
}

/// Waits for `text` on the terminal, then types `keys`.
fn expect_then(p: &mut PtySession, text: &str, keys: &str) {
    if let Err(e) = p.exp_string(text) {
        panic!("waiting for {text:?}: {e}");
    }
    p.send(keys).unwrap();
    p.flush().unwrap();
}

/// Arrow-free menu keys: `j` moves down, Enter picks.
const DOWN: &str = "j";
const ENTER: &str = "\r";

fn down(n: usize) -> String {
    DOWN.repeat(n) + ENTER
}

fn parse(path: &Path) -> Answers {
    Answers::load(path, &model()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn answering_skipping_going_back_and_help_write_the_scope_after_every_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = interview(dir.path(), &["--scope-target", "payments-api"]);
    p.exp_string("Answers go to [[scope]] target = \"payments-api\" in answers.toml").unwrap();
    // tests-before-merge: no.
    expect_then(&mut p, "[1/6] Do automated tests run", &down(1));
    // deploy-frequency: skip (after its four choices).
    expect_then(&mut p, "[2/6] How often does the team deploy", &down(4));
    // team-autonomy: 4.
    expect_then(&mut p, "[3/6] How far can the team release", &down(3));
    // The first answer is on disk before the interview ends.
    expect_then(&mut p, "[4/6] Does the team run game days", "");
    let early = std::fs::read_to_string(dir.path().join("answers.toml")).unwrap();
    assert!(early.contains("tests-before-merge = false\n"), "{early}");
    // game-days: back (yes, no, skip, < back) to team-autonomy, which shows its answer and
    // has the cursor on it: one down is 5.
    p.send(&down(3)).unwrap();
    p.flush().unwrap();
    expect_then(&mut p, "Answered before: 4 (given)", "");
    expect_then(&mut p, "[3/6] How far can the team release", &down(1));
    // game-days: yes.
    expect_then(&mut p, "[4/6] Does the team run game days", ENTER);
    // on-call-engineers: a wrong answer is refused with what the question takes, then 6.
    expect_then(&mut p, "[5/6] How many engineers", "x\r");
    expect_then(&mut p, "answer a number (engineers) of at least 0", "\x7f6\r");
    // restore-time: help, then 2d.
    expect_then(&mut p, "[6/6] How long does it take", "?\r");
    expect_then(&mut p, "The typical time from detection to recovery", "");
    expect_then(&mut p, "[6/6] How long does it take", "2d\r");
    p.exp_string("Done. 5 of 6 questions answered, saved in answers.toml.").unwrap();
    p.exp_eof().unwrap();

    let text = std::fs::read_to_string(dir.path().join("answers.toml")).unwrap();
    assert_eq!(
        text,
        "# Interview answers for the model `interview-test` (Interview test model 1).
# Read by `kaizen assess --answers FILE`; `kaizen questionnaire --answers FILE` resumes it.

[answers]

[[scope]]
target = \"payments-api\"
[scope.answers]
# Do automated tests run on every change before it is merged?
tests-before-merge = false
# How far can the team release without asking anyone outside it?
team-autonomy = 5
# Does the team run game days and write blameless post-mortems?
game-days = true
# How many engineers share the on-call rotation?
on-call-engineers = 6
# How long does it take to restore service after an incident?
restore-time = \"2d\"
"
    );
    let answers = parse(&dir.path().join("answers.toml"));
    assert!(answers.global.is_empty());
    assert_eq!(answers.scopes[0].answers["restore-time"].value, AnswerValue::Text("2d".into()));
}

#[test]
fn resuming_a_partial_file_asks_only_the_rest_and_keeps_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answers.toml");
    write_files(
        dir.path(),
        &[(
            "answers.toml",
            "[answers]
tests-before-merge = true
team-autonomy = 3
game-days = { value = true, note = \"seen the runbook\" }
on-call-engineers = 4

[[scope]]
labels = { team = \"payments\" }
[scope.answers]
game-days = false
",
        )],
    );
    let mut p = interview(dir.path(), &["--answers", "answers.toml"]);
    p.exp_string("4 already answered: asking the other 2").unwrap();
    // deploy-frequency: daily (the third choice).
    expect_then(&mut p, "[1/2] How often does the team deploy", &down(2));
    // restore-time: save and quit.
    expect_then(&mut p, "[2/2] How long does it take", "q\r");
    p.exp_string("Saved answers.toml: 5 of 6 questions answered.").unwrap();
    p.exp_eof().unwrap();

    let answers = parse(&file);
    let values: Vec<(&str, &AnswerValue)> = answers.global.iter().map(|(k, a)| (k.as_str(), &a.value)).collect();
    assert_eq!(
        values,
        [
            ("deploy-frequency", &AnswerValue::Text("daily".into())),
            ("game-days", &AnswerValue::Bool(true)),
            ("on-call-engineers", &AnswerValue::Number(4.0)),
            ("team-autonomy", &AnswerValue::Number(3.0)),
            ("tests-before-merge", &AnswerValue::Bool(true)),
        ]
    );
    assert_eq!(answers.global["game-days"].note.as_deref(), Some("seen the runbook"));
    assert_eq!(answers.scopes.len(), 1, "the labels scope is kept");
    assert_eq!(answers.scopes[0].answers["game-days"].value, AnswerValue::Bool(false));
}

/// A repository whose pipeline runs tests and which has a game-day runbook and a
/// post-mortem; its result.json from `kaizen assess --only ci,resilience`.
fn assessed_repository(dir: &Path) -> PathBuf {
    let repo = dir.join("shop");
    write_files(
        &repo,
        &[
            (
                ".github/workflows/ci.yml",
                "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n",
            ),
            ("docs/gameday.md", "# Game day: losing the database\n"),
            ("docs/postmortem-2024-03.md", "# Post-mortem: checkout outage\n"),
            ("Cargo.toml", "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n"),
        ],
    );
    let out = dir.join("out");
    let output = run(kaizen().args(["assess", "--only", "ci,resilience", "--quiet", "--out"]).arg(&out).arg(&repo));
    assert_eq!(output.status.code(), Some(0));
    out.join("result.json")
}

#[test]
fn evidence_suggests_answers_to_confirm_or_override() {
    let dir = tempfile::tempdir().unwrap();
    let result = assessed_repository(dir.path());
    write_files(dir.path(), &[("answers.toml", "[answers]\ndeploy-frequency = \"weekly\"\nteam-autonomy = 2\n")]);
    let mut p = interview(dir.path(), &["--answers", "answers.toml", "--result", result.to_str().unwrap()]);
    p.exp_string("Suggestions from the evidence of `shop`").unwrap();
    // tests-before-merge: the evidence says yes; Enter confirms.
    p.exp_string("Evidence suggests: yes (").unwrap();
    p.exp_string("ci/runs-tests").unwrap();
    expect_then(&mut p, "[1/4] Do automated tests run", ENTER);
    // game-days: the evidence says yes; the person says no.
    p.exp_string("Evidence suggests: yes (").unwrap();
    p.exp_string("resilience/game-days-and-post-mortems").unwrap();
    expect_then(&mut p, "[2/4] Does the team run game days", &down(1));
    expect_then(&mut p, "[3/4] How many engineers", "q\r");
    p.exp_eof().unwrap();

    let answers = parse(&dir.path().join("answers.toml"));
    let tests = &answers.global["tests-before-merge"];
    assert_eq!(
        (&tests.value, tests.origin, &tests.suggested),
        (&AnswerValue::Bool(true), Origin::Confirmed, &Some(AnswerValue::Bool(true)))
    );
    let evidence = tests.evidence.as_deref().unwrap();
    assert!(evidence.contains("ci/runs-tests") && evidence.contains(".github/workflows/ci.yml:7"), "{evidence}");
    let game_days = &answers.global["game-days"];
    assert_eq!(
        (&game_days.value, game_days.origin, &game_days.suggested),
        (&AnswerValue::Bool(false), Origin::Overridden, &Some(AnswerValue::Bool(true)))
    );
    let evidence = game_days.evidence.as_deref().unwrap();
    assert!(evidence.contains("resilience/game-days-and-post-mortems") && evidence.contains("docs/"), "{evidence}");
    assert_eq!(answers.global["team-autonomy"].origin, Origin::Given);
}

#[test]
fn without_a_terminal_it_suggests_the_template() {
    let output = run(kaizen().args(["questionnaire", "--model"]).arg(model_path()).stdin(Stdio::null()));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("stdin is not one") && stderr.contains("kaizen questionnaire --template --out answers.toml"),
        "{stderr}"
    );
}

#[test]
fn a_target_missing_from_the_result_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let result = assessed_repository(dir.path());
    let mut p = interview(dir.path(), &["--result", result.to_str().unwrap(), "--target", "nope"]);
    p.exp_string("has no target `nope`; it has `shop`").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn the_template_comments_every_question_and_parses_once_filled() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("answers.toml");
    let output =
        run(kaizen().args(["questionnaire", "--template", "--model"]).arg(model_path()).arg("--out").arg(&out));
    assert_eq!(output.status.code(), Some(0));
    let template = std::fs::read_to_string(&out).unwrap();
    let stdout = run(kaizen().args(["questionnaire", "--template", "--model"]).arg(model_path()));
    assert_eq!(String::from_utf8_lossy(&stdout.stdout), template, "stdout and --out hold the same template");
    insta::assert_snapshot!("template", template);

    // As written, it answers nothing.
    let model = model();
    let empty = Answers::parse(&out, &template, &model).unwrap_or_else(|e| panic!("{e}"));
    assert!(empty.global.is_empty() && empty.scopes.is_empty());
    for q in &model.questions {
        assert!(template.contains(&format!("\n#{} =\n", q.id)), "no answer line for {}", q.id);
    }

    // Filled in by hand.
    let filled = template
        .replace("#tests-before-merge =", "tests-before-merge = true")
        .replace("#deploy-frequency =", "deploy-frequency = \"on-demand\"")
        .replace("#team-autonomy =", "team-autonomy = 2")
        .replace("#on-call-engineers =", "on-call-engineers = { value = 5, note = \"two teams\" }")
        .replace("#restore-time =", "restore-time = \"30m\"");
    let answers = Answers::parse(&out, &filled, &model).unwrap_or_else(|e| panic!("{e}"));
    let values: Vec<(&str, &AnswerValue)> = answers.global.iter().map(|(k, a)| (k.as_str(), &a.value)).collect();
    assert_eq!(
        values,
        [
            ("deploy-frequency", &AnswerValue::Text("on-demand".into())),
            ("on-call-engineers", &AnswerValue::Number(5.0)),
            ("restore-time", &AnswerValue::Text("30m".into())),
            ("team-autonomy", &AnswerValue::Number(2.0)),
            ("tests-before-merge", &AnswerValue::Bool(true)),
        ]
    );
    assert_eq!(answers.global["on-call-engineers"].note.as_deref(), Some("two teams"));
}

#[test]
fn answers_file_errors_name_file_line_and_column() {
    let model = model();
    let path = Path::new("answers.toml");
    let source = "[answers]
no-such-question = true
game-days = \"yes\"
team-autonomy = 7
restore-time = \"soon\"
deploy-frequency = \"hourly\"
on-call-engineers = { value = 3, origin = \"guessed\" }
tests-before-merge = { value = true, seen = \"x\" }

[[scope]]
target = \"api\"
labels = { team = \"x\" }
[scope.answers]
on-call-engineers = -2
";
    let problems = Answers::parse(path, source, &model).unwrap_err();
    let got: Vec<String> = problems.0.iter().map(|d| d.to_string().lines().next().unwrap().to_owned()).collect();
    assert_eq!(
        got,
        [
            "answers.toml:2:1: error[answers-unknown-question]: model `interview-test` has no question `no-such-question`",
            "answers.toml:3:13: error[answers-wrong-kind]: `game-days` is a yes_no question: expected true or false, found \"yes\"",
            "answers.toml:4:17: error[answers-out-of-range]: `team-autonomy` is a scale from 1 to 5; 7 is outside it",
            "answers.toml:5:16: error[answers-invalid-duration]: `restore-time`: \"soon\" is not a duration; write a number and a unit: \"30m\", \"4h\", \"2d\", \"3w\"",
            "answers.toml:6:20: error[answers-unknown-choice]: `deploy-frequency` has no choice \"hourly\"; expected one of \"monthly\", \"weekly\", \"daily\", \"on-demand\"",
            "answers.toml:7:21: error[answers-invalid-origin]: origin \"guessed\" must be \"given\", \"confirmed\" or \"overridden\"",
            "answers.toml:8:22: error[answers-unknown-key]: unknown key `seen` in the answer to `tests-before-merge`; expected value, origin, suggested, evidence or note",
            "answers.toml:10:1: error[answers-invalid-scope]: a [[scope]] names either `target = \"NAME\"` or `labels = { … }`, not both and not neither",
            "answers.toml:14:21: error[answers-out-of-range]: `on-call-engineers` takes a number of at least 0, not -2",
        ]
    );
    // The snippet points at the column.
    assert_eq!(problems.0[2].to_string(), "answers.toml:4:17: error[answers-out-of-range]: `team-autonomy` is a scale from 1 to 5; 7 is outside it\n  |\n4 | team-autonomy = 7\n  |                 ^");

    let syntax = Answers::parse(path, "[answers]\ngame-days = yes\n", &model).unwrap_err();
    assert_eq!(syntax.0[0].code, "answers-syntax");
    assert_eq!((syntax.0[0].line, syntax.0[0].column), (Some(2), Some(13)));
}

#[test]
fn help_text_is_reviewed() {
    let output = run(kaizen().args(["questionnaire", "--help"]));
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("help_questionnaire", String::from_utf8_lossy(&output.stdout));
}

/// An answers file that exists is never replaced without `--force`: not by the template,
/// and not by an interview that resumes another file.
#[test]
fn an_existing_answers_file_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let kept = "[answers]\ntests-before-merge = true\nteam-autonomy = 3\ngame-days = true\non-call-engineers = 4\n";
    write_files(dir.path(), &[("answers.toml", kept), ("other.toml", "[answers]\ngame-days = false\n")]);
    let questionnaire = |args: &[&str]| {
        run(kaizen().current_dir(dir.path()).arg("questionnaire").arg("--model").arg(model_path()).args(args))
    };

    let output = questionnaire(&["--template", "--out", "answers.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("answers.toml already exists; pass --force to replace it"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("answers.toml")).unwrap(), kept, "the four answers are kept");

    // Resuming other.toml into answers.toml would replace answers.toml with other.toml's.
    let output = questionnaire(&["--answers", "other.toml", "--out", "answers.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("answers.toml already exists; pass --force to replace it"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("answers.toml")).unwrap(), kept);

    let output = questionnaire(&["--template", "--out", "answers.toml", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let replaced = std::fs::read_to_string(dir.path().join("answers.toml")).unwrap();
    assert!(replaced.contains("\n#game-days =\n"), "{replaced}");
}

/// Saving and quitting an interview of a scope prints the command that resumes that same
/// scope, of the same model.
#[test]
fn the_resume_hint_keeps_the_scope_and_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = interview(dir.path(), &["--scope-label", "team=payments", "--scope-label", "tier=gold"]);
    expect_then(&mut p, "[1/6] Do automated tests run", &down(1));
    expect_then(&mut p, "[2/6] How often does the team deploy", "q");
    let expected = format!(
        "Resume with: kaizen questionnaire --answers answers.toml --model {} --scope-label team=payments --scope-label tier=gold",
        model_path().display()
    );
    p.exp_string(&expected).unwrap();
    p.exp_eof().unwrap();

    let mut p = interview(dir.path(), &["--scope-target", "payments api"]);
    expect_then(&mut p, "[1/6] Do automated tests run", "q");
    let expected = format!(
        "Resume with: kaizen questionnaire --answers answers.toml --model {} --scope-target 'payments api'",
        model_path().display()
    );
    p.exp_string(&expected).unwrap();
    p.exp_eof().unwrap();
}

/// An answers scope naming a target the assessment does not have is refused at its place,
/// with the targets' names; a shard knows the names of the targets of the other shards.
#[test]
fn a_scope_naming_no_target_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[(
            "answers.toml",
            "[answers]\ngame-days = true\n\n[[scope]]\ntarget = \"no-such-target\"\n[scope.answers]\ngame-days = false\n",
        )],
    );
    let assess = |extra: &[&str]| {
        run(kaizen()
            .current_dir(dir.path())
            .args(["assess", "--only", "ci", "-q", "--answers", "answers.toml", "--model"])
            .arg(model_path())
            .arg(fixture("assess/none"))
            .arg(fixture("assess/jenkins"))
            .args(extra))
    };
    let output = assess(&["--out", "out"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "answers.toml:5:10: error[answers-unknown-target]: no target is named `no-such-target`; the targets are: none, jenkins"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "refused before assessing");

    std::fs::write(
        dir.path().join("answers.toml"),
        "[[scope]]\ntarget = \"jenkins\"\n[scope.answers]\ngame-days = false\n",
    )
    .unwrap();
    for shard in ["1/2", "2/2"] {
        let output = assess(&["--out", "part", "--shard", shard]);
        assert_eq!(output.status.code(), Some(0), "shard {shard}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// The interview's screens in the book (guide/interview.md), which the book's own test
/// cannot run without a terminal: each is run here in a pseudo-terminal, in a home folder
/// with `~/src/shop`, and shows the lines the page shows, in order (`...` skips lines).
#[test]
fn the_book_shows_the_interview_as_it_is() {
    let page = crate::support::root().join("book/src/guide/interview.md");
    let screens: Vec<_> = crate::book::blocks(&page)
        .into_iter()
        .filter(|b| b.lang == "console" && b.mark("not run").is_some_and(|r| r.contains("tests/interview.rs")))
        .collect();
    assert_eq!(screens.len(), 2, "the interview and the interview with suggestions");
    for block in &screens {
        let home = tempfile::tempdir().unwrap();
        crate::support::copy_tree(&fixture("assess/github-actions"), &home.path().join("src/shop"));
        for step in crate::book::session(block) {
            let command = step.command.replace("~/", &format!("{}/", home.path().display()));
            let words: Vec<&str> = command.split_whitespace().collect();
            assert_eq!(words[0], "kaizen", "{command}");
            if words[1] != "questionnaire" {
                let output = run(kaizen().current_dir(home.path()).args(&words[1..]));
                assert!(output.status.success(), "{command}");
                continue;
            }
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaizen"));
            cmd.current_dir(home.path())
                .args(&words[1..])
                .env("CLICOLOR", "0")
                .env("TERM", "xterm")
                .env_remove("KAIZEN_LOG");
            let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
            // rexpect reads the terminal byte by byte as Latin-1: the ASCII runs of each line
            // (`›` and `❯` aside) are what can be waited for.
            for line in step.expected.iter().filter(|l| l.trim() != "...") {
                for part in line.split(|c: char| !c.is_ascii()).map(str::trim).filter(|p| !p.is_empty()) {
                    if let Err(e) = p.exp_string(part) {
                        panic!("{command}: the page shows {line:?}, which did not come: {e}");
                    }
                }
            }
            p.send("q").unwrap();
            p.flush().unwrap();
            p.exp_eof().unwrap();
        }
    }
}
