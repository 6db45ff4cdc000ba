//! Bad user input (issue 8, item 3): every file a user hands Kaizen, malformed in each way
//! we could think of, through every command that reads it.
//!
//! Each case runs the real `kaizen` in a folder that already holds a previous run's outputs
//! (`out/`: result.json, report.md, report.html, findings.sarif) and a history folder
//! (`history/`), and checks that the file is refused with exit code 2 and a
//! `FILE:LINE:COL: error[CODE]: MESSAGE` naming it (the line and column wherever the problem
//! has a place in the text), with no panic and no backtrace, and that every byte written
//! before is still there, with no temporary file left beside it.
//!
//! Decisions the cases record: a UTF-8 byte-order mark is accepted (Windows editors write
//! one); an empty or blank assessment file or answers file is accepted (every key of both is
//! optional); a result's unknown fields are accepted (results gain fields without a new
//! schema version); a corrupt file in the history folder is skipped with a positioned note,
//! not fatal (one damaged file must not stop every later run of a CI gate).

use crate::support::{copy_tree, fixture, kaizen, root, run, test_plugin};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The bad file.
enum Bad {
    /// This text.
    Text(String),
    /// These bytes (not UTF-8, or with a NUL).
    Bytes(Vec<u8>),
    /// A folder where the file should be.
    Folder,
    /// No file at all.
    Missing,
}

/// What Kaizen must do with it.
enum Expect {
    /// Refuse it at this line and column, with a message containing this text.
    At(usize, usize, &'static str),
    /// Refuse it at the last character of the last occurrence of this text in the file
    /// (where serde_json stops on a bad value), with a message containing the second text.
    AtEndOf(&'static str, &'static str),
    /// Refuse it at the file's last character (where serde_json stops on a truncated file),
    /// with this message.
    AtEndOfFile(&'static str),
    /// Refuse it just past the file's last character (where the TOML parser stops on a
    /// truncated file), with this message.
    PastEndOfFile(&'static str),
    /// Refuse it, naming the file, with this message (the problem has no place in the text).
    Refuse(&'static str),
    /// Take it.
    Accept,
}

struct Case {
    what: &'static str,
    file: Bad,
    expect: Expect,
}

fn case(what: &'static str, file: Bad, expect: Expect) -> Case {
    Case { what, file, expect }
}

/// A command that reads a file of one kind.
struct Use {
    /// Where the file goes, relative to the folder the command runs in.
    file: &'static str,
    /// The arguments; `FILE` stands for the file.
    args: &'static [&'static str],
    /// The exit code and a piece of stderr of a run that took the file: 0 for most; a
    /// questionnaire without a terminal, or a merge of a result that is not a shard's, stop
    /// after reading it.
    accepted: (i32, &'static str),
}

/// `base` with `from` (which must be there) replaced, once, by `to`.
fn edit(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "the base has no {from:?}");
    base.replacen(from, to, 1)
}

/// `base` with `from` replaced by raw bytes.
fn edit_bytes(base: &str, from: &str, to: &[u8]) -> Vec<u8> {
    let at = base.find(from).unwrap_or_else(|| panic!("the base has no {from:?}"));
    [&base.as_bytes()[..at], to, &base.as_bytes()[at + from.len()..]].concat()
}

/// `base` cut in the middle (at a character boundary).
fn truncated(base: &str) -> String {
    let mut cut = base.len() / 2;
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    // Not right after a decimal point: `1.` is a malformed number before it is a short file.
    if base[..cut].ends_with('.') {
        cut -= 1;
    }
    base[..cut].to_owned()
}

fn with_bom(base: &str) -> Vec<u8> {
    [b"\xEF\xBB\xBF", base.as_bytes()].concat()
}

/// The previous run every case starts from: a target, its outputs in every format and a
/// history of two results, made once by the real binary.
fn previous() -> &'static Path {
    static PREVIOUS: OnceLock<PathBuf> = OnceLock::new();
    PREVIOUS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-input-previous-run");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("repo")).unwrap();
        std::fs::write(dir.join("repo/README.md"), "# A service\n").unwrap();
        let output = run(kaizen().current_dir(&dir).args([
            "assess",
            "repo",
            "--out",
            "out",
            "--format",
            "json,md,html,sarif",
            "--history",
            "history",
            "--quiet",
        ]));
        assert_eq!(output.status.code(), Some(0));
        let kept = std::fs::read_dir(dir.join("history")).unwrap().next().unwrap().unwrap().path();
        std::fs::copy(&kept, dir.join("history/2025-01-01T00-00-00Z.json")).unwrap();
        // What the commands need besides the bad file: a model with questions, a plugin's module.
        std::fs::copy(fixture("interview/model.toml"), dir.join("interview-model.toml")).unwrap();
        std::fs::create_dir_all(dir.join("plugin")).unwrap();
        std::fs::copy(test_plugin("evidence_echo/evidence_echo.wasm"), dir.join("plugin/evidence_echo.wasm")).unwrap();
        dir
    })
}

/// Every file under `out/` and `history/` with its bytes.
fn written(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for folder in ["out", "history"] {
        for entry in walkdir::WalkDir::new(dir.join(folder)) {
            let entry = entry.unwrap();
            let path = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            let bytes = if entry.file_type().is_file() { std::fs::read(entry.path()).unwrap() } else { Vec::new() };
            files.insert(path, bytes);
        }
    }
    files
}

/// The 1-based line and column of a byte offset of `text`, counting characters.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
    (line, column)
}

/// Runs one case through one use; what went wrong, if anything.
fn check_one(using: &Use, case: &Case) -> Result<(), String> {
    let scene = tempfile::tempdir().unwrap();
    let dir = scene.path();
    copy_tree(previous(), dir);
    let path = dir.join(using.file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = match &case.file {
        Bad::Text(text) => {
            std::fs::write(&path, text).unwrap();
            text.clone()
        }
        Bad::Bytes(bytes) => {
            std::fs::write(&path, bytes).unwrap();
            String::from_utf8_lossy(bytes).into_owned()
        }
        Bad::Folder => {
            std::fs::create_dir_all(path.join("inside")).unwrap();
            String::new()
        }
        Bad::Missing => String::new(),
    };
    let before = written(dir);
    let args: Vec<String> = using.args.iter().map(|a| a.replace("FILE", using.file)).collect();
    let output = kaizen().current_dir(dir).args(&args).output().expect("kaizen runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output.status.code();
    let fail = |why: String| Err(format!("{why}\n  kaizen {}\n  exit {code:?}, stderr:\n{stderr}", args.join(" ")));
    if stderr.contains("panicked") || stderr.contains("backtrace") {
        return fail("a panic".into());
    }
    let (expected_code, says) = match case.expect {
        Expect::Accept => using.accepted,
        _ => (2, ""),
    };
    if code != Some(expected_code) || !stderr.contains(says) {
        return fail(format!("expected exit {expected_code} saying {says:?}"));
    }
    let after = written(dir);
    if expected_code != 0 && after != before {
        return fail("the previous outputs or the history changed".into());
    }
    if let Some(stray) =
        after.keys().find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".kaizen-")))
    {
        return fail(format!("a temporary file was left: {}", stray.display()));
    }
    // The place, and the line quoted under the message (an empty file has none to quote).
    let at = |(line, column): (usize, usize)| {
        if text.lines().nth(line - 1).is_some() && !stderr.contains(&format!("\n{line} | ")) {
            return format!("{}:{line}:{column}: error[ with line {line} quoted under it", using.file);
        }
        format!("{}:{line}:{column}: error[", using.file)
    };
    let (place, message) = match case.expect {
        Expect::Accept => return Ok(()),
        Expect::At(line, column, message) => (at((line, column)), message),
        Expect::AtEndOf(needle, message) => {
            let offset = text.rfind(needle).unwrap() + needle.len() - 1;
            (at(line_column(&text, offset)), message)
        }
        Expect::AtEndOfFile(message) => (at(line_column(&text, text.len() - 1)), message),
        Expect::PastEndOfFile(message) => (at(line_column(&text, text.len())), message),
        Expect::Refuse(message) => {
            // The file, or for a plugin folder without its manifest, the folder.
            let folder = Path::new(using.file).parent().unwrap().to_str().unwrap();
            let named = if stderr.contains(using.file) { using.file } else { folder };
            (named.to_owned(), message)
        }
    };
    if place.is_empty() || !stderr.contains(&place) {
        return fail(format!("stderr does not name {place:?}"));
    }
    if !stderr.contains(message) {
        return fail(format!("stderr does not say {message:?}"));
    }
    Ok(())
}

/// Runs every case through every use and reports all that fail at once.
fn check(uses: &[Use], cases: &[Case]) {
    let failures: Vec<String> = uses
        .iter()
        .flat_map(|using| cases.iter().map(move |case| (using, case)))
        .filter_map(|(using, case)| {
            check_one(using, case).err().map(|e| format!("{} / {}: {e}", using.args.join(" "), case.what))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        uses.len() * cases.len(),
        failures.join("\n\n")
    );
}

/// The previous run's result.json.
fn result_text() -> String {
    std::fs::read_to_string(previous().join("out/result.json")).unwrap()
}

fn model_text() -> String {
    std::fs::read_to_string(fixture("interview/model.toml")).unwrap()
}

/// Files of other kinds, for "a file of another kind" cases.
fn config_text() -> String {
    CONFIG.to_owned()
}

const CONFIG: &str = r#"# Acme's assessment
[organisation]
name = "Acme"

[[targets]]
path = "repo"
labels = { team = "platform" }

[assess]
max_commits = 1000
"#;

#[test]
fn the_assessment_file() {
    let uses = [Use {
        file: "kaizen.toml",
        args: &["assess", "--config", "FILE", "--out", "out", "--history", "history", "--quiet"],
        accepted: (0, ""),
    }];
    let base = CONFIG;
    check(
        &uses,
        &[
            case("as written", Bad::Text(base.into()), Expect::Accept),
            case("empty (every key is optional)", Bad::Text(String::new()), Expect::Accept),
            case("blank", Bad::Text(" \n\t\n".into()), Expect::Accept),
            case("with a byte-order mark", Bad::Bytes(with_bom(base)), Expect::Accept),
            case(
                "an unclosed string",
                Bad::Text(edit(base, r#"name = "Acme""#, r#"name = "Acme"#)),
                Expect::At(3, 13, "invalid basic string, expected `\"`"),
            ),
            case(
                "an unclosed inline table",
                Bad::Text(edit(base, r#"{ team = "platform" }"#, r#"{ team = "platform""#)),
                Expect::At(9, 1, "missing key for inline table element, expected `,`"),
            ),
            case("truncated", Bad::Text(truncated(base)), Expect::PastEndOfFile("string values must be quoted")),
            case(
                "invalid UTF-8",
                Bad::Bytes(edit_bytes(base, "Acme\"", b"Ac\xFFme\"")),
                Expect::At(3, 11, "invalid UTF-8 (byte 0xFF)"),
            ),
            case("a NUL byte", Bad::Bytes(edit_bytes(base, "Acme\"", b"Ac\0me\"")), Expect::At(3, 11, "NUL byte")),
            case(
                "a string for a number",
                Bad::Text(edit(base, "max_commits = 1000", r#"max_commits = "many""#)),
                Expect::At(10, 15, r#"invalid type: string "many", expected a whole number"#),
            ),
            case(
                "a string for a table",
                Bad::Text(edit(base, "[organisation]\nname = \"Acme\"", "organisation = \"Acme\"")),
                Expect::At(2, 16, r#"invalid type: string "Acme", expected a table"#),
            ),
            case(
                "a misspelt key",
                Bad::Text(edit(base, "max_commits", "max_comits")),
                Expect::At(10, 1, "unknown field `max_comits`, expected one of"),
            ),
            case(
                "a key twice",
                Bad::Text(edit(base, "name = \"Acme\"\n", "name = \"Acme\"\nname = \"Acme Ltd\"\n")),
                Expect::At(4, 1, "duplicate key `name`"),
            ),
            case(
                "a table twice",
                Bad::Text(format!("{base}\n[assess]\nmax_file_mb = 5\n")),
                Expect::At(12, 2, "duplicate key `assess`"),
            ),
            case(
                "a target with neither path nor url",
                Bad::Text(edit(base, "path = \"repo\"\n", "")),
                Expect::At(5, 1, "a target needs `path`"),
            ),
            case(
                "a target that is not there",
                Bad::Text(edit(base, "path = \"repo\"", "path = \"nowhere\"")),
                Expect::At(6, 8, "target `nowhere` matches no folder"),
            ),
            case(
                "a negative number",
                Bad::Text(edit(base, "max_commits = 1000", "max_commits = -1")),
                Expect::At(10, 15, "invalid value: integer `-1`"),
            ),
            case(
                "a capacity of zero",
                Bad::Text(format!("{base}\n[roadmap]\ncapacity = 0\n")),
                Expect::At(13, 12, "capacity must be at least 1"),
            ),
            case(
                "arrays nested 100,000 deep",
                Bad::Text(format!("max_commits = {}{}\n", "[".repeat(100_000), "]".repeat(100_000))),
                Expect::At(1, 95, "cannot recurse further; max recursion depth met"),
            ),
            case("a folder", Bad::Folder, Expect::Refuse("this is a folder; a file is expected here")),
            case("missing", Bad::Missing, Expect::Refuse("no such file")),
            case(
                "a result.json",
                Bad::Text(result_text()),
                Expect::At(1, 1, "this looks like JSON; this file must be TOML"),
            ),
            case("a model", Bad::Text(model_text()), Expect::At(26, 3, "unknown field `area`")),
        ],
    );
}

#[test]
fn a_model() {
    let uses = [
        Use {
            file: "model.toml",
            args: &["assess", "repo", "--model", "FILE", "--out", "out", "--history", "history", "--quiet"],
            accepted: (0, ""),
        },
        Use { file: "model.toml", args: &["model", "check", "FILE"], accepted: (0, "") },
        Use {
            file: "model.toml",
            args: &["questionnaire", "--model", "FILE", "--out", "out/answers.toml"],
            accepted: (2, "the interview needs a terminal"),
        },
    ];
    let base = &model_text();
    check(
        &uses,
        &[
            case("as written", Bad::Text(base.clone()), Expect::Accept),
            case("with a byte-order mark", Bad::Bytes(with_bom(base)), Expect::Accept),
            case("empty", Bad::Text(String::new()), Expect::At(1, 1, "missing field `model`")),
            case("blank", Bad::Text(" \n\t\n".into()), Expect::At(1, 1, "missing field `model`")),
            case(
                "an unclosed string",
                Bad::Text(edit(base, r#"name = "Interview test model""#, r#"name = "Interview test model"#)),
                Expect::At(6, 29, "invalid basic string"),
            ),
            case("truncated", Bad::Text(truncated(base)), Expect::PastEndOfFile("")),
            case(
                "invalid UTF-8",
                Bad::Bytes(edit_bytes(base, "Interview test model", b"Inter\xC3view test model")),
                Expect::At(6, 14, "invalid UTF-8 (byte 0xC3)"),
            ),
            case(
                "a NUL byte",
                Bad::Bytes(edit_bytes(base, "Interview test model", b"Inter\0view test model")),
                Expect::At(6, 14, "NUL byte"),
            ),
            case(
                "a number for a string",
                Bad::Text(edit(base, "version = \"1\"", "version = 1")),
                Expect::At(7, 11, "invalid type: integer `1`, expected a string"),
            ),
            case(
                "a misspelt key",
                Bad::Text(edit(base, "version = \"1\"", "verison = \"1\"")),
                Expect::At(7, 1, "unknown field `verison`"),
            ),
            case(
                "a key twice",
                Bad::Text(edit(base, "version = \"1\"\n", "version = \"1\"\nversion = \"2\"\n")),
                Expect::At(8, 1, "duplicate key `version`"),
            ),
            case(
                "a table twice",
                Bad::Text(format!("[model]\nid = \"x\"\n{base}")),
                Expect::At(6, 2, "duplicate key `model`"),
            ),
            case(
                "no id",
                Bad::Text(edit(base, "id = \"interview-test\"\n", "")),
                Expect::At(4, 1, "missing field `id`"),
            ),
            case(
                "a level out of range",
                Bad::Text(edit(base, "number = 1\n", "number = 9\n")),
                Expect::At(11, 10, "level number 9 out of order"),
            ),
            case("a folder", Bad::Folder, Expect::Refuse("this is a folder; a file is expected here")),
            case("missing", Bad::Missing, Expect::Refuse("no such file")),
            case(
                "a result.json",
                Bad::Text(result_text()),
                Expect::At(1, 1, "this looks like JSON; this file must be TOML"),
            ),
            case("an assessment file", Bad::Text(config_text()), Expect::At(9, 2, "unknown field `assess`")),
        ],
    );
}

const ANSWERS: &str = r#"# Answers from the interview
[answers]
tests-before-merge = true
team-autonomy = 3

[[scope]]
target = "repo"
[scope.answers]
game-days = false
"#;

#[test]
fn the_answers_file() {
    let uses = [
        Use {
            file: "answers.toml",
            args: &[
                "assess",
                "repo",
                "--model",
                "interview-model.toml",
                "--answers",
                "FILE",
                "--out",
                "out",
                "--history",
                "history",
                "--quiet",
            ],
            accepted: (0, ""),
        },
        // Resuming an interview: the file is read (and refused) before the terminal is needed.
        Use {
            file: "answers.toml",
            args: &["questionnaire", "--model", "interview-model.toml", "--answers", "FILE"],
            accepted: (2, "the interview needs a terminal"),
        },
    ];
    let base = ANSWERS;
    check(
        &uses,
        &[
            case("as written", Bad::Text(base.into()), Expect::Accept),
            case("empty (no answers yet)", Bad::Text(String::new()), Expect::Accept),
            case("blank", Bad::Text(" \n\t\n".into()), Expect::Accept),
            case("with a byte-order mark", Bad::Bytes(with_bom(base)), Expect::Accept),
            case(
                "no value",
                Bad::Text(edit(base, "team-autonomy = 3", "team-autonomy =")),
                Expect::At(4, 16, "expected"),
            ),
            case("truncated", Bad::Text(truncated(base)), Expect::PastEndOfFile("")),
            case(
                "invalid UTF-8",
                Bad::Bytes(edit_bytes(base, "\"repo\"", b"\"re\xFFpo\"")),
                Expect::At(7, 13, "invalid UTF-8 (byte 0xFF)"),
            ),
            case("a NUL byte", Bad::Bytes(edit_bytes(base, "\"repo\"", b"\"re\0po\"")), Expect::At(7, 13, "NUL byte")),
            case(
                "a string for yes or no",
                Bad::Text(edit(base, "tests-before-merge = true", "tests-before-merge = \"perhaps\"")),
                Expect::At(3, 22, "`tests-before-merge` is a yes_no question: expected true or false"),
            ),
            case(
                "a question the model does not have",
                Bad::Text(edit(base, "team-autonomy", "team-autonomie")),
                Expect::At(4, 1, "model `interview-test` has no question `team-autonomie`"),
            ),
            case(
                "a misspelt table",
                Bad::Text(edit(base, "[answers]", "[answer]")),
                Expect::At(2, 2, "unknown field `answer`, expected `answers` or `scope`"),
            ),
            case(
                "an answer twice",
                Bad::Text(edit(base, "team-autonomy = 3\n", "team-autonomy = 3\nteam-autonomy = 4\n")),
                Expect::At(5, 1, "duplicate key `team-autonomy`"),
            ),
            case(
                "a table twice",
                Bad::Text(format!("{base}\n[answers]\ngame-days = true\n")),
                Expect::At(11, 2, "duplicate key `answers`"),
            ),
            case(
                "an answer without its value",
                Bad::Text(edit(base, "team-autonomy = 3\n", "[answers.team-autonomy]\norigin = \"interview\"\n")),
                Expect::At(4, 1, "the answer to `team-autonomy` has no `value`"),
            ),
            case(
                "out of the scale",
                Bad::Text(edit(base, "team-autonomy = 3", "team-autonomy = 9")),
                Expect::At(4, 17, "`team-autonomy` is a scale from 1 to 5; 9 is outside it"),
            ),
            case("a folder", Bad::Folder, Expect::Refuse("this is a folder; a file is expected here")),
            case("missing", Bad::Missing, Expect::Refuse("no such file")),
            case(
                "a result.json",
                Bad::Text(result_text()),
                Expect::At(1, 1, "this looks like JSON; this file must be TOML"),
            ),
            case("a model", Bad::Text(model_text()), Expect::At(26, 3, "unknown field `area`")),
        ],
    );

    // The interview also resumes the file its answers go to, when it exists (and starts
    // afresh when it does not): the same reading.
    let dir = scene();
    let bad = edit(ANSWERS, "team-autonomy = 3", "team-autonomy = 9");
    std::fs::write(dir.path().join("out/answers.toml"), &bad).unwrap();
    let output = run(kaizen().current_dir(dir.path()).args([
        "questionnaire",
        "--model",
        "interview-model.toml",
        "--out",
        "out/answers.toml",
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("out/answers.toml:4:17: error[answers-out-of-range]"));
    assert_eq!(std::fs::read_to_string(dir.path().join("out/answers.toml")).unwrap(), bad);
}

#[test]
fn a_plugin_manifest() {
    let uses = [Use {
        file: "plugin/plugin.toml",
        args: &["assess", "repo", "--plugins", "plugin", "--out", "out", "--history", "history", "--quiet"],
        accepted: (0, ""),
    }];
    let base = &std::fs::read_to_string(test_plugin("evidence_echo/plugin.toml")).unwrap();
    check(
        &uses,
        &[
            case("as written", Bad::Text(base.clone()), Expect::Accept),
            case("with a byte-order mark", Bad::Bytes(with_bom(base)), Expect::Accept),
            case("empty", Bad::Text(String::new()), Expect::At(1, 1, "missing field `id`")),
            case("blank", Bad::Text(" \n\t\n".into()), Expect::At(1, 1, "missing field `id`")),
            case(
                "an unclosed string",
                Bad::Text(edit(base, "version = \"0.1.0\"", "version = \"0.1.0")),
                Expect::At(3, 17, "invalid basic string"),
            ),
            case("truncated", Bad::Text(truncated(base)), Expect::PastEndOfFile("")),
            case(
                "invalid UTF-8",
                Bad::Bytes(edit_bytes(base, "\"0.1.0\"", b"\"0.\xFF1.0\"")),
                Expect::At(3, 14, "invalid UTF-8 (byte 0xFF)"),
            ),
            case(
                "a NUL byte",
                Bad::Bytes(edit_bytes(base, "\"0.1.0\"", b"\"0.\x001.0\"")),
                Expect::At(3, 14, "NUL byte"),
            ),
            case(
                "a string for a number",
                Bad::Text(edit(base, "api = 1", "api = \"one\"")),
                Expect::At(4, 7, r#"invalid type: string "one", expected a whole number"#),
            ),
            case(
                "a misspelt key",
                Bad::Text(edit(base, "[inputs]\npipelines", "[inputs]\npipeline")),
                Expect::At(9, 1, "unknown field `pipeline`"),
            ),
            case(
                "a key twice",
                Bad::Text(edit(base, "api = 1\n", "api = 1\napi = 2\n")),
                Expect::At(5, 1, "duplicate key `api`"),
            ),
            case(
                "a table twice",
                Bad::Text(format!("{base}\n[inputs]\ngit = true\n")),
                Expect::At(35, 2, "duplicate key `inputs`"),
            ),
            case(
                "no id",
                Bad::Text(edit(base, "id = \"evidence_echo\"\n", "")),
                Expect::At(1, 1, "missing field `id`"),
            ),
            case(
                "a limit of zero",
                Bad::Text(edit(base, "timeout_ms = 2000", "timeout_ms = 0")),
                Expect::AtEndOf("timeout_ms = 0", "timeout_ms"),
            ),
            case("a folder", Bad::Folder, Expect::Refuse("this is a folder; a file is expected here")),
            case("missing", Bad::Missing, Expect::Refuse("plugin holds no plugin.toml")),
            case(
                "a result.json",
                Bad::Text(result_text()),
                Expect::At(1, 1, "this looks like JSON; this file must be TOML"),
            ),
            case("a model", Bad::Text(model_text()), Expect::At(26, 3, "unknown field `area`")),
        ],
    );
}

/// Every command that reads a result.json.
const RESULT_USES: &[Use] = &[
    Use { file: "given/result.json", args: &["report", "FILE", "--out", "out"], accepted: (0, "") },
    Use {
        file: "given/result.json",
        args: &["compare", "history/2025-01-01T00-00-00Z.json", "FILE"],
        accepted: (0, ""),
    },
    Use { file: "given/result.json", args: &["merge", "FILE", "--out", "out"], accepted: (2, "not a shard's result") },
    Use {
        file: "given/result.json",
        args: &["assess", "repo", "--baseline", "FILE", "--out", "out", "--history", "history", "--quiet"],
        accepted: (0, ""),
    },
    Use {
        file: "given/result.json",
        args: &["questionnaire", "--model", "interview-model.toml", "--result", "FILE", "--out", "out/answers.toml"],
        accepted: (2, "the interview needs a terminal"),
    },
];

#[test]
fn a_result_file() {
    let base = &result_text();
    // The first `"files": N` and `"status": "…"` of the result, whatever their values.
    let field = |name: &str| {
        let start = base.find(&format!("\"{name}\": ")).unwrap();
        &base[start..start + base[start..].find(',').unwrap()]
    };
    let (files, status) = (field("files"), field("status"));
    check(
        RESULT_USES,
        &[
            case("as written", Bad::Text(base.clone()), Expect::Accept),
            case("with a byte-order mark", Bad::Bytes(with_bom(base)), Expect::Accept),
            case(
                "a field from a later version (results gain fields freely)",
                Bad::Text(edit(base, "\"schema_version\": 1,", "\"schema_version\": 1,\n  \"colour\": \"blue\",")),
                Expect::Accept,
            ),
            case("empty", Bad::Text(String::new()), Expect::Refuse("the file is empty; expected a result.json")),
            case("blank", Bad::Text(" \n\t\n".into()), Expect::Refuse("the file is empty; expected a result.json")),
            case(
                "a missing comma",
                Bad::Text(edit(base, "\"kaizen_version\": \"0.1.0\",", "\"kaizen_version\": \"0.1.0\"")),
                Expect::At(4, 3, "expected `,` or `}`"),
            ),
            case("truncated", Bad::Text(truncated(base)), Expect::AtEndOfFile("EOF while parsing")),
            case(
                "invalid UTF-8",
                Bad::Bytes(edit_bytes(base, "\"0.1.0\"", b"\"0.\xFF1.0\"")),
                Expect::At(3, 24, "invalid UTF-8 (byte 0xFF)"),
            ),
            case(
                "a NUL byte",
                Bad::Bytes(edit_bytes(base, "\"0.1.0\"", b"\"0.\x001.0\"")),
                Expect::At(3, 24, "NUL byte"),
            ),
            case(
                "a string for a number, deep inside",
                Bad::Text(edit(base, files, "\"files\": \"many\"")),
                Expect::AtEndOf("\"files\": \"many\"", "invalid type: string \"many\", expected a whole number"),
            ),
            case(
                "a string for a number inside the model record",
                Bad::Text(edit(base, "\"number\": 1,", "\"number\": \"one\",")),
                Expect::AtEndOf("\"number\": \"one\"", "invalid type: string \"one\", expected a whole number"),
            ),
            case(
                "an unknown status, deep inside",
                Bad::Text(edit(base, status, "\"status\": \"great\"")),
                Expect::AtEndOf("\"status\": \"great\"", "unknown variant `great`, expected one of `pass`, `fail`"),
            ),
            case(
                "an accent colour that would end the report's style sheet",
                Bad::Text(edit(
                    base,
                    "\"schema_version\": 1,",
                    "\"schema_version\": 1,\n  \"branding\": { \"accent\": \"red; } </style>\" },",
                )),
                // serde_json places an error of a value's own checks at the end of its object.
                Expect::At(3, 45, "`red; } </style>` is not a colour"),
            ),
            case(
                "a string for the schema version",
                Bad::Text(edit(base, "\"schema_version\": 1", "\"schema_version\": \"1\"")),
                Expect::At(2, 23, "invalid type: string \"1\""),
            ),
            case(
                "a field twice",
                Bad::Text(edit(
                    base,
                    "\"kaizen_version\": \"0.1.0\",",
                    "\"kaizen_version\": \"0.1.0\",\n  \"kaizen_version\": \"0.1.0\",",
                )),
                Expect::At(4, 18, "duplicate field `kaizen_version`"),
            ),
            case(
                "a required field missing",
                Bad::Text(edit(base, "  \"kaizen_version\": \"0.1.0\",\n", "")),
                Expect::AtEndOf("}", "missing field `kaizen_version`"),
            ),
            case(
                "another schema version",
                Bad::Text(edit(base, "\"schema_version\": 1", "\"schema_version\": 99")),
                Expect::Refuse(
                    "result has schema version 99; this Kaizen (0.1.0) reads schema version 1; upgrade Kaizen",
                ),
            ),
            case(
                "arrays nested 100,000 deep (in a field skipped)",
                Bad::Text(format!("{{\"schema_version\": 1, \"x\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000))),
                Expect::AtEndOfFile("missing field `kaizen_version`"),
            ),
            case(
                "JSON that is not an object",
                Bad::Text("[1, 2]\n".into()),
                Expect::At(1, 1, "not a Kaizen result: the file holds an array, not an object"),
            ),
            case(
                "an object without a schema version",
                Bad::Text("{\"targets\": []}".into()),
                Expect::Refuse("no `schema_version`"),
            ),
            case("a folder", Bad::Folder, Expect::Refuse("this is a folder; a file is expected here")),
            case("missing", Bad::Missing, Expect::Refuse("no such file")),
            case("a model (TOML)", Bad::Text(model_text()), Expect::At(1, 1, "not JSON")),
            case("an assessment file (TOML)", Bad::Text(config_text()), Expect::At(1, 1, "not JSON")),
            case(
                "a pipeline export",
                Bad::Text(std::fs::read_to_string(fixture("pipelines/gh-run-list/runs.json")).unwrap()),
                Expect::At(1, 1, "the file holds an array"),
            ),
            case(
                "an AWS inventory",
                Bad::Text(std::fs::read_to_string(fixture("pipelines/aws-inventory/inventory.json")).unwrap()),
                Expect::Refuse("not a Kaizen result: no `schema_version`"),
            ),
        ],
    );
}

#[test]
fn a_pipeline_export() {
    let uses = [Use {
        file: "runs.json",
        args: &["assess", "repo", "--pipelines", "FILE", "--out", "out", "--history", "history", "--quiet"],
        accepted: (0, ""),
    }];
    let base = &std::fs::read_to_string(fixture("pipelines/gh-run-list/runs.json")).unwrap();
    check(
        &uses,
        &[
            case("as written", Bad::Text(base.clone()), Expect::Accept),
            case("with a byte-order mark", Bad::Bytes(with_bom(base)), Expect::Accept),
            case("empty", Bad::Text(String::new()), Expect::Refuse("the file holds no JSON value")),
            case("blank", Bad::Text(" \n\t\n".into()), Expect::Refuse("the file holds no JSON value")),
            case(
                "a missing comma",
                Bad::Text(edit(base, "\"attempt\": 1,", "\"attempt\": 1")),
                Expect::At(4, 5, "expected `,` or `}`"),
            ),
            case("truncated", Bad::Text(truncated(base)), Expect::AtEndOfFile("EOF while parsing")),
            case(
                "invalid UTF-8",
                Bad::Bytes(edit_bytes(base, "Bump serde", b"Bump \xFFserde")),
                Expect::At(7, 27, "invalid UTF-8 (byte 0xFF)"),
            ),
            case(
                "a NUL byte",
                Bad::Bytes(edit_bytes(base, "Bump serde", b"Bump \0serde")),
                Expect::At(7, 27, "NUL byte"),
            ),
            case(
                "a date that is not one",
                Bad::Text(edit(base, "\"createdAt\": \"2024-05-04T08:30:00Z\"", "\"createdAt\": \"yesterday\"")),
                Expect::AtEndOf("\"createdAt\": \"yesterday\"", "yesterday"),
            ),
            case(
                "JSON that is no export",
                Bad::Text("42\n".into()),
                Expect::Refuse("not a recognised pipeline export"),
            ),
            case("a folder", Bad::Folder, Expect::Refuse("this is a folder; a file is expected here")),
            case("missing", Bad::Missing, Expect::Refuse("no such file")),
            case("a model (TOML)", Bad::Text(model_text()), Expect::At(1, 1, "not JSON (expected value)")),
            case("a result.json", Bad::Text(result_text()), Expect::Refuse("not a recognised pipeline export")),
        ],
    );
}

#[test]
fn a_cloud_inventory() {
    let uses = [Use {
        file: "cloud.json",
        args: &["assess", "repo", "--cloud", "FILE", "--out", "out", "--history", "history", "--quiet"],
        accepted: (0, ""),
    }];
    let base = &std::fs::read_to_string(root().join("plugins/aws/tests/fixtures/mature-account/cloud.json")).unwrap();
    check(
        &uses,
        &[
            case("as written", Bad::Text(base.clone()), Expect::Accept),
            case("with a byte-order mark", Bad::Bytes(with_bom(base)), Expect::Accept),
            case("empty", Bad::Text(String::new()), Expect::Refuse("not a Kaizen AWS inventory")),
            case("blank", Bad::Text(" \n\t\n".into()), Expect::Refuse("not a Kaizen AWS inventory")),
            case(
                "a missing comma",
                Bad::Text(edit(base, "\"version\": 1,", "\"version\": 1")),
                Expect::At(4, 3, "expected `,` or `}`"),
            ),
            case("truncated", Bad::Text(truncated(base)), Expect::AtEndOfFile("EOF while parsing")),
            case(
                "invalid UTF-8",
                Bad::Bytes(edit_bytes(base, "123456789012", b"1234\xFF56789012")),
                Expect::At(4, 22, "invalid UTF-8 (byte 0xFF)"),
            ),
            case(
                "a NUL byte",
                Bad::Bytes(edit_bytes(base, "123456789012", b"1234\x0056789012")),
                Expect::At(4, 22, "NUL byte"),
            ),
            case(
                "a string for a list",
                Bad::Text(edit(
                    base,
                    "\"regions\": [\n    \"eu-west-1\",\n    \"us-east-1\"\n  ]",
                    "\"regions\": \"eu-west-1\"",
                )),
                Expect::AtEndOf("\"regions\": \"eu-west-1\"", "invalid type: string \"eu-west-1\", expected an array"),
            ),
            case(
                "another version",
                Bad::Text(edit(base, "\"version\": 1", "\"version\": 2")),
                Expect::Refuse("AWS inventory version 2 is not supported"),
            ),
            case(
                "arrays nested 100,000 deep (in a field skipped)",
                Bad::Text(format!("{{\"schema_version\": 1, \"x\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000))),
                Expect::Refuse("not a Kaizen AWS inventory: `kind` is missing"),
            ),
            case(
                "JSON that is not an object",
                Bad::Text("[1, 2]\n".into()),
                Expect::Refuse("not a Kaizen AWS inventory"),
            ),
            case("a folder", Bad::Folder, Expect::Refuse("this is a folder; a file is expected here")),
            case("missing", Bad::Missing, Expect::Refuse("no such file")),
            case("a result.json", Bad::Text(result_text()), Expect::Refuse("`kind` is missing")),
        ],
    );
}

/// A scene for the tests below: the previous run copied into a fresh folder.
fn scene() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(previous(), dir.path());
    dir
}

#[test]
fn a_corrupt_result_in_the_history_is_skipped_with_its_position_and_left_alone() {
    let dir = scene();
    let broken = truncated(&result_text());
    std::fs::write(dir.path().join("history/2025-06-01T00-00-00Z.json"), &broken).unwrap();
    let before = written(dir.path());
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "repo", "--out", "out", "--history", "history"]));
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (line, column) = line_column(&broken, broken.len() - 1);
    let note = format!("note: history: history/2025-06-01T00-00-00Z.json:{line}:{column}: error[result-syntax]: EOF");
    assert!(stderr.contains(&note), "{stderr}");
    let history = |files: BTreeMap<PathBuf, Vec<u8>>| -> BTreeMap<PathBuf, Vec<u8>> {
        files.into_iter().filter(|(p, _)| p.starts_with("history")).collect()
    };
    let (before, after) = (history(before), history(written(dir.path())));
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    assert_eq!(after.len(), before.len() + 1, "this run's result is added");
}

#[test]
fn an_output_that_cannot_be_written_is_refused_before_anything_is_written() {
    for args in [
        &["assess", "repo", "--out", "out", "--format", "json,md,html,sarif", "--history", "history"][..],
        &["report", "out/result.json", "--out", "out", "--format", "json,md,html,sarif"],
    ] {
        let dir = scene();
        std::fs::remove_file(dir.path().join("out/report.html")).unwrap();
        std::fs::create_dir_all(dir.path().join("out/report.html/inside")).unwrap();
        let before = written(dir.path());
        let output = run(kaizen().current_dir(dir.path()).args(args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("error: cannot write out/report.html: it is a folder"), "{stderr}");
        assert_eq!(written(dir.path()), before, "{args:?}: every previous output intact, nothing new");
    }

    // The output folder is a file; the history folder is a file.
    let dir = scene();
    std::fs::write(dir.path().join("not-a-folder"), "x").unwrap();
    let before = written(dir.path());
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "repo", "--out", "not-a-folder"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write the reports to not-a-folder: it is a file"));
    let output =
        run(kaizen().current_dir(dir.path()).args(["assess", "repo", "--out", "out", "--history", "not-a-folder"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the history folder not-a-folder is a file"));
    assert_eq!(written(dir.path()), before);
    assert_eq!(std::fs::read(dir.path().join("not-a-folder")).unwrap(), b"x");
}

#[test]
fn bad_inputs_are_refused_before_any_work_and_leave_no_output_folder() {
    let dir = scene();
    std::fs::write(dir.path().join("bad.json"), "{").unwrap();
    std::fs::write(dir.path().join("bad.toml"), "[answers\n").unwrap();
    std::fs::create_dir_all(dir.path().join("brand")).unwrap();
    std::fs::write(dir.path().join("brand/report.html.j2"), "<h1>{{ result.organisation }}</h1>\n{% if %}\n").unwrap();
    // Read before the targets are even looked at: the target does not exist, and the error
    // is about the file.
    for (extra, names) in [
        (&["--baseline", "bad.json"][..], "bad.json:1:"),
        (&["--model", "interview-model.toml", "--answers", "bad.toml"], "bad.toml:1:"),
        (&["--model", "bad.toml"], "bad.toml:1:"),
        (&["--cloud", "bad.json"], "bad.json:1:"),
        (&["--templates", "no-such-folder"], "no-such-folder"),
        (&["--templates", "brand"], "brand/report.html.j2:2:7: error[template-syntax]"),
        (&["--plugins", "no-such-folder"], "no-such-folder"),
    ] {
        let output = run(kaizen()
            .current_dir(dir.path())
            .args(["assess", "no-such-target", "--out", "fresh", "--history", "new-history"])
            .args(extra));
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(names) && !stderr.contains("no-such-target"), "{extra:?}: {stderr}");
        assert!(!dir.path().join("fresh").exists(), "{extra:?} left an output folder");
        assert!(!dir.path().join("new-history").exists(), "{extra:?} left a history folder");
    }
    // Pipeline runs belong to a target, so they are read once the targets are known, but
    // still before any plugin runs or anything is written.
    let output =
        run(kaizen().current_dir(dir.path()).args(["assess", "repo", "--pipelines", "bad.json", "--out", "fresh"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join("fresh").exists());
    let output = run(kaizen().current_dir(dir.path()).args(["merge", "out/result.json", "bad.json", "--out", "fresh"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join("fresh").exists());
}

/// Every user-file problem reads the same way, whatever reads it: one line
/// `FILE:LINE:COL: error[CODE]: MESSAGE` (no `error:` before it), the line quoted under it
/// with a caret at the column.
#[test]
fn every_positioned_problem_has_the_same_form() {
    let dir = scene();
    std::fs::write(dir.path().join("broken.json"), "{\n  \"schema_version\": 1,\n  oops\n}\n").unwrap();
    let output = run(kaizen().current_dir(dir.path()).args(["report", "broken.json"]));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "broken.json:3:3: error[result-syntax]: key must be a string\n  |\n3 |   oops\n  |   ^\n"
    );
}

/// The files an assessment file points to are read as if given on the command line, and
/// named by the path they resolve to (relative to the assessment file's folder).
#[test]
fn files_the_assessment_file_points_to() {
    let broken_model = edit(&model_text(), "version = \"1\"", "version = 1");
    let runs = std::fs::read_to_string(fixture("pipelines/gh-run-list/runs.json")).unwrap();
    let cloud = std::fs::read_to_string(root().join("plugins/aws/tests/fixtures/mature-account/cloud.json")).unwrap();
    let manifest = std::fs::read_to_string(test_plugin("evidence_echo/plugin.toml")).unwrap();
    let cases: [(&str, &str, String, &str); 5] = [
        ("[assess]\nmodel = \"model.toml\"\n", "model.toml", broken_model, "conf/model.toml:7:11: error[model-syntax]"),
        (
            "[assess]\nmodel = \"../interview-model.toml\"\nanswers = \"answers.toml\"\n",
            "answers.toml",
            edit(ANSWERS, "team-autonomy = 3", "team-autonomy = 9"),
            "conf/answers.toml:4:17: error[answers-out-of-range]",
        ),
        (
            "[[pipelines]]\ntarget = \"repo\"\nfile = \"runs.json\"\n",
            "runs.json",
            edit(&runs, "\"attempt\": 1,", "\"attempt\": 1"),
            "conf/runs.json:4:5: error[pipelines-syntax]",
        ),
        (
            "[[cloud]]\nfile = \"cloud.json\"\n",
            "cloud.json",
            edit(&cloud, "\"version\": 1,", "\"version\": 1"),
            "conf/cloud.json:4:3: error[inventory-syntax]",
        ),
        (
            "[plugins]\ndirs = [\"../plugin\"]\n",
            "../plugin/plugin.toml",
            edit(&manifest, "api = 1", "api = \"one\""),
            "conf/../plugin/plugin.toml:4:7: error[manifest-syntax]",
        ),
    ];
    for (points_to, file, text, expected) in cases {
        let dir = scene();
        let config = format!("[[targets]]\npath = \"../repo\"\n\n{points_to}");
        std::fs::create_dir_all(dir.path().join("conf")).unwrap();
        std::fs::write(dir.path().join("conf/kaizen.toml"), config).unwrap();
        std::fs::write(dir.path().join("conf").join(file), text).unwrap();
        let before = written(dir.path());
        let output = run(kaizen().current_dir(dir.path()).args([
            "assess",
            "--config",
            "conf/kaizen.toml",
            "--out",
            "out",
            "--history",
            "history",
        ]));
        assert_eq!(output.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(expected), "{file}: expected {expected:?} in\n{stderr}");
        assert_eq!(written(dir.path()), before, "{file}: the previous outputs or the history changed");
    }
}
