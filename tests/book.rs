//! The book's examples are tests. Every `console` block of README.md and book/src/**/*.md
//! runs here, in a home folder of fixture repositories made for each page, and must print
//! what the page shows; every TOML and YAML snippet is read by Kaizen's loader of its kind
//! (assessment file, answers, plugin manifest, plugin test expectation) or assessed by
//! Kaizen (CI workflows, Kubernetes manifests). The command synopses of the README and the
//! option tables of the reference pages name exactly the flags each command has.
//!
//! A page says how to run a block in an HTML comment on the lines just above it (invisible
//! in the rendered book):
//!
//! | comment | before | meaning |
//! | --- | --- | --- |
//! | `<!-- not run: REASON -->` | `console` | it cannot run here (a live API, a WebAssembly toolchain): why |
//! | `<!-- setup: SHELL -->` | `console` | commands run first, unseen: files the example expects, a folder to start in |
//! | `<!-- check: KIND -->` | `toml`, `yaml` | the loader that reads it (see [`check_snippet`]) |
//! | `<!-- not checked: REASON -->` | `toml`, `yaml` | not a file of Kaizen's: why |
//!
//! A `console` block is a shell session: `$ COMMAND` lines (a line ending in `\` goes on to
//! the next), each followed by what it prints, stdout and stderr together as a terminal
//! shows them. In that output `…` stands for any text within a line, and a line that is
//! only `...` or `…` for any number of lines; the home folder prints as `~`. A command shown
//! without output must succeed. The blocks of a page run in order in one home folder
//! (`~/src/payments-service`, `~/src/acme/*`, `~/src/shop`, `~/src/web`, exports and an AWS
//! inventory; see [`home`]), each from `~`, with `kaizen` on the PATH and nothing of the
//! user's environment (no AWS credentials, no instance metadata service). `$KAIZEN_SOURCE`
//! is the checkout, for examples that run in it.
//!
//! `KAIZEN_BOOK_SHOW=1 cargo test --test tests -- book::` prints what every command printed,
//! to update a page.

use crate::support::{self, copy_tree, root};
use kaizen::config::AssessmentFile;
use kaizen::model::answers::Answers;
use kaizen::model::Model;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A fenced block of a page, with the comments just above it.
#[derive(Debug)]
pub(crate) struct Block {
    /// The page, relative to the repository.
    page: String,
    /// The line of the opening fence, from 1.
    line: usize,
    /// The info string's first word: `console`, `toml`, `yaml`…
    pub(crate) lang: String,
    /// `(key, value)` of each `<!-- key: value -->` above the block, top first.
    marks: Vec<(String, String)>,
    /// Its text, with mdBook's `{{#include FILE}}` resolved.
    text: String,
    /// The file an `{{#include}}` names, when the block is one.
    included: Option<PathBuf>,
}

impl Block {
    pub(crate) fn mark(&self, key: &str) -> Option<&str> {
        self.marks.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn place(&self) -> String {
        format!("{}:{}", self.page, self.line)
    }
}

/// The keys a comment above a block may have.
const MARKS: &[&str] = &["not run", "setup", "check", "not checked"];

/// README.md and every page of the book, sorted.
fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(root().join("book/src"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.insert(0, root().join("README.md"));
    pages
}

/// The fenced blocks of a page.
pub(crate) fn blocks(page: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(page).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let name = page.strip_prefix(root()).unwrap().display().to_string();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let indent = lines[i].len() - lines[i].trim_start().len();
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim() == "```")
            .unwrap_or_else(|| panic!("{name}:{}: a fence that is never closed", i + 1));
        let body: Vec<&str> = lines[i + 1..end].iter().map(|l| l.get(indent..).unwrap_or(l.trim_start())).collect();
        let mut text = body.join("\n") + "\n";
        let mut included = None;
        if let Some(file) = text.trim().strip_prefix("{{#include ").and_then(|t| t.strip_suffix("}}")) {
            let path = page.parent().unwrap().join(file.trim());
            text =
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}:{}: {}: {e}", i + 1, path.display()));
            included = Some(path);
        }
        blocks.push(Block {
            page: name.clone(),
            line: i + 1,
            lang: info.split([',', ' ']).next().unwrap_or_default().to_owned(),
            marks: marks_above(&lines, i, &name),
            text,
            included,
        });
        i = end + 1;
    }
    blocks
}

/// The `<!-- key: value -->` comments on the lines just above line `fence` (0-based).
fn marks_above(lines: &[&str], fence: usize, page: &str) -> Vec<(String, String)> {
    let mut marks = Vec::new();
    let mut end = fence;
    while end > 0 && lines[end - 1].trim_end().ends_with("-->") {
        let start = (0..end).rev().find(|&k| lines[k].contains("<!--")).unwrap();
        let comment = lines[start..end].join("\n");
        let inner = comment.trim().trim_start_matches("<!--").trim_end_matches("-->").trim();
        let (key, value) = inner.split_once(':').unwrap_or((inner, ""));
        assert!(MARKS.contains(&key.trim()), "{page}:{}: unknown mark `{}`; known: {MARKS:?}", start + 1, key.trim());
        marks.insert(0, (key.trim().to_owned(), value.trim().to_owned()));
        end = start;
    }
    marks
}

/// The home folder of a page's examples: fixture repositories and the files the book's
/// commands name, plus `tests/book/home/`.
fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    for (fixture, to) in [
        ("tests/assess/github-actions", "src/payments-service"),
        ("tests/assess/github-actions", "src/shop"),
        ("tests/assess/jenkins", "src/web"),
        ("tests/assess/gitlab-ci", "src/acme/billing"),
        ("tests/assess/jenkins", "src/acme/ledger"),
        ("tests/assess/none", "src/acme/notify"),
        ("tests/book/home", ""),
    ] {
        copy_tree(&root().join(fixture), &home.join(to));
    }
    // team-rules/: a usable plugin (the test plugin `friendly`, renamed); sneaky/: one whose
    // module imports a function outside WASI preview 1.
    let friendly = root().join("tests/plugins/dist/friendly");
    std::fs::create_dir_all(home.join("team-rules")).unwrap();
    let manifest = std::fs::read_to_string(friendly.join("plugin.toml")).unwrap();
    let manifest = manifest.replace("\"friendly\"", "\"team-rules\"").replace("friendly.wasm", "team-rules.wasm");
    std::fs::write(home.join("team-rules/plugin.toml"), manifest).unwrap();
    std::fs::copy(friendly.join("friendly.wasm"), home.join("team-rules/team-rules.wasm")).unwrap();
    let sneaky = wat::parse_str(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (import "env" "open_socket" (func (param i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start")))"#,
    )
    .unwrap();
    std::fs::create_dir_all(home.join("sneaky")).unwrap();
    std::fs::write(home.join("sneaky/sneaky.wasm"), sneaky).unwrap();
    std::fs::write(
        home.join("sneaky/plugin.toml"),
        "id = \"sneaky\"\nname = \"sneaky\"\nversion = \"1\"\napi = 1\nwasm = \"sneaky.wasm\"\n\
         [[checks]]\nid = \"x\"\ntitle = \"x\"\narea = \"testing\"\n",
    )
    .unwrap();
    for (file, to) in [
        ("tests/pipelines/gh-run-list/runs.json", "runs.json"),
        ("tests/pipelines/gitlab/pipelines.json", "gitlab.json"),
        ("tests/pipelines/codepipeline/shop-deploy.json", "shop-deploy.json"),
        ("plugins/aws/tests/fixtures/neglected-account/cloud.json", "aws-inventory-123456789012.json"),
    ] {
        std::fs::copy(root().join(file), home.join(to)).unwrap();
    }
    dir
}

/// A command of a session and what the page shows it prints.
#[derive(Debug)]
pub(crate) struct Step {
    pub(crate) command: String,
    pub(crate) expected: Vec<String>,
}

/// The steps of a `console` block.
pub(crate) fn session(block: &Block) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continued = false;
    for line in block.text.lines() {
        if continued {
            let step = steps.last_mut().unwrap();
            step.command.push('\n');
            step.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step { command: command.to_owned(), expected: Vec::new() });
            continued = command.ends_with('\\');
        } else {
            let step = steps.last_mut().unwrap_or_else(|| panic!("{}: output before any `$ ` command", block.place()));
            step.expected.push(line.to_owned());
        }
    }
    steps
}

const SEPARATOR: &str = "<<<kaizen-book-step";

/// Runs the `console` blocks of one page in a fresh home folder; the differences found.
fn run_page(blocks: &[&Block]) -> Vec<String> {
    let home = home();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kaizen"), bin.path().join("kaizen")).unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let show = std::env::var_os("KAIZEN_BOOK_SHOW").is_some();
    let mut problems = Vec::new();
    for block in blocks {
        let steps = session(block);
        // Each step's output ends with a separator line carrying its exit status; `$?` is
        // kept for the next step (`echo $?`).
        let mut script = String::from("exec 2>&1\ncd \"$HOME\"\n");
        if let Some(setup) = block.mark("setup") {
            // A setup command that fails stops the block, which is then reported with what
            // the setup printed.
            script.push_str(&format!("set -e\n{setup}\nset +e\n"));
        }
        script.push_str(&format!("printf '%s start>>>\\n' '{SEPARATOR}'\n"));
        for step in &steps {
            script.push_str(&step.command);
            script.push_str(&format!(
                "\n__status=$?; printf '\\n%s %d>>>\\n' '{SEPARATOR}' \"$__status\"; (exit $__status)\n"
            ));
        }
        let output = Command::new("bash")
            .args(["--noprofile", "--norc", "-c", &script])
            .current_dir(home.path())
            .env_clear()
            .env("PATH", &path)
            .env("HOME", home.path())
            .env("LANG", "C.UTF-8")
            .env("EDITOR", "true")
            .env("KAIZEN_SOURCE", root())
            .env("KAIZEN_CACHE_DIR", support::cache_dir())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            // No AWS credentials, and no instance metadata service to ask for them.
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .output()
            .expect("bash runs");
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        for form in [home.path().to_path_buf(), std::fs::canonicalize(home.path()).unwrap()] {
            text = text.replace(&form.display().to_string(), "~");
        }
        let Some((setup_output, rest)) = text.split_once(&format!("{SEPARATOR} start>>>\n")) else {
            problems.push(format!("{}: the setup did not finish:\n{text}", block.place()));
            continue;
        };
        problems.extend(compare_steps(block, &steps, rest, setup_output, show));
    }
    problems
}

/// Splits what a block printed into its steps and compares each with the page.
fn compare_steps(block: &Block, steps: &[Step], printed: &str, setup_output: &str, show: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = printed;
    for step in steps {
        let marker = format!("\n{SEPARATOR} ");
        let Some(at) = rest.find(&marker) else {
            problems.push(format!("{}: `{}` did not finish:\n{rest}", block.place(), step.command));
            break;
        };
        let actual = &rest[..at];
        let after = &rest[at + marker.len()..];
        let (status, next) = after.split_once(">>>\n").unwrap_or((after, ""));
        rest = next;
        let status: i32 = status.trim().parse().unwrap_or(-1);
        let actual: Vec<&str> = trim_blank(actual.lines().map(str::trim_end).collect());
        let expected: Vec<&str> = trim_blank(step.expected.iter().map(|l| l.trim_end()).collect());
        if show {
            eprintln!("--- {} $ {} (exit {status})\n{}", block.place(), step.command, actual.join("\n"));
        }
        if expected.is_empty() {
            if status != 0 {
                problems.push(format!(
                    "{}: `{}` exited with {status} (a command shown without output must succeed):\n{}{}",
                    block.place(),
                    step.command,
                    setup_output,
                    actual.join("\n")
                ));
            }
        } else if !lines_match(&expected, &actual) {
            problems.push(format!(
                "{}: `{}` printed something else (exit {status}).\n--- the page shows\n{}\n--- it printed\n{}\n",
                block.place(),
                step.command,
                expected.join("\n"),
                actual.join("\n")
            ));
        }
    }
    problems
}

fn trim_blank(mut lines: Vec<&str>) -> Vec<&str> {
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    lines
}

/// Whether printed lines match a page's: `…` is any text in a line, a line of `...` or
/// `…` any number of lines.
fn lines_match(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if matches!(first.trim(), "..." | "…") => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((first, rest)) => {
            actual.split_first().is_some_and(|(line, others)| line_matches(first, line) && lines_match(rest, others))
        }
    }
}

/// Whether a printed line matches a page's line, where `…` is any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split('…').collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() || !actual.ends_with(last) {
        return false;
    }
    let mut middle = &actual[first.len()..actual.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match middle.find(part) {
            Some(at) => middle = &middle[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn wildcards_match_what_they_say() {
    assert!(line_matches("wrote kaizen-report in … s", "wrote kaizen-report in 0.3 s"));
    assert!(line_matches("a … b … c", "a x b y c"));
    assert!(!line_matches("a … b … c", "a x c"));
    assert!(!line_matches("exact", "exact, and more"));
    assert!(lines_match(&["one", "...", "four"], &["one", "two", "three", "four"]));
    assert!(lines_match(&["one", "…", "two"], &["one", "two"]));
    assert!(!lines_match(&["one", "two"], &["one", "two", "three"]));
}

/// Every `console` block of the README and the book runs here and prints what its page
/// shows, or its page says why it cannot run here.
#[test]
fn every_console_block_runs_or_says_why_not() {
    let pages: Vec<Vec<Block>> = pages().iter().map(|p| blocks(p)).collect();
    let mut problems = Vec::new();
    let mut runnable: Vec<Vec<&Block>> = Vec::new();
    let (mut ran, mut not_run) = (0, 0);
    for page in &pages {
        let mut here = Vec::new();
        for block in page.iter().filter(|b| b.lang == "console") {
            match block.mark("not run") {
                Some("") => problems.push(format!("{}: `not run` without a reason", block.place())),
                Some(_) => not_run += 1,
                None => {
                    here.push(block);
                    ran += 1;
                }
            }
        }
        if !here.is_empty() {
            runnable.push(here);
        }
    }
    // Pages in parallel, two at a time per core at most: each runs its blocks in order.
    let results: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = runnable.iter().map(|blocks| scope.spawn(|| run_page(blocks))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    problems.extend(results.into_iter().flatten());
    assert!(ran >= 20 && not_run >= 10, "ran {ran} console blocks, {not_run} not run: fewer than the book has");
    assert!(problems.is_empty(), "{} problems:\n\n{}", problems.len(), problems.join("\n"));
}

/// The flags of a command, from its `--help` (without `--help`, `--version` and the global
/// `--verbose`).
fn help_flags(command: &[&str]) -> BTreeSet<String> {
    let output = support::run(support::kaizen().args(command).arg("--help"));
    assert!(output.status.success(), "kaizen {command:?} --help");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut flags = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim_start();
        let line =
            line.strip_prefix("-").filter(|l| l.chars().nth(1) == Some(',')).map_or(line, |l| l[2..].trim_start());
        if let Some(flag) = line.strip_prefix("--") {
            let name: String = flag.chars().take_while(|c| c.is_ascii_lowercase() || *c == '-').collect();
            if !["help", "version", "verbose"].contains(&name.as_str()) {
                flags.insert(format!("--{name}"));
            }
        }
    }
    flags
}

/// The `--flags` written in a text.
fn flags_in(text: &str) -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("--") {
        let after = &rest[at + 2..];
        let name: String = after.chars().take_while(|c| c.is_ascii_lowercase() || *c == '-').collect();
        let before = rest[..at].chars().last();
        if !name.is_empty() && before.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-') {
            flags.insert(format!("--{}", name.trim_end_matches('-')));
        }
        rest = &after[name.len()..];
    }
    flags.remove("--verbose");
    flags
}

/// A command's words (`["plugin", "run"]`) and its synopsis.
type Synopsis = (Vec<String>, String);

/// The synopses of a page's `text` blocks: `kaizen COMMAND…` lines with their indented
/// continuation lines, comments (`# …`) left out.
fn synopses(page: &Path) -> Vec<Synopsis> {
    let mut found: Vec<Synopsis> = Vec::new();
    for block in blocks(page).iter().filter(|b| b.lang == "text") {
        for line in block.text.lines() {
            let code = line.split(" # ").next().unwrap_or(line).trim_end();
            if let Some(rest) = code.strip_prefix("kaizen ") {
                let command: Vec<String> = rest
                    .split_whitespace()
                    .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase()))
                    .map(str::to_owned)
                    .collect();
                found.push((command, rest.to_owned()));
            } else if line.starts_with(' ') && !code.trim().is_empty() && !code.trim().starts_with('#') {
                if let Some((_, text)) = found.last_mut() {
                    text.push(' ');
                    text.push_str(code.trim());
                }
            }
        }
    }
    found
}

/// The flags of a page's option tables: rows whose first cell starts with a flag.
fn table_flags(page: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(page).unwrap();
    let cells: Vec<&str> =
        text.lines().filter(|l| l.starts_with("| `-")).map(|l| l.split(" | ").next().unwrap_or_default()).collect();
    flags_in(&cells.join("\n"))
}

/// The README's command synopses and the reference pages name every flag each command has,
/// and no other.
#[test]
fn synopses_and_option_tables_name_every_flag_and_no_other() {
    let commands: &[&[&str]] = &[
        &["init"],
        &["assess"],
        &["report"],
        &["compare"],
        &["merge"],
        &["model", "check"],
        &["questionnaire"],
        &["schema"],
        &["completions"],
        &["man"],
        &["collect", "aws"],
        &["collect", "pipelines"],
        &["plugin", "list"],
        &["plugin", "check"],
        &["plugin", "run"],
        &["plugin", "new"],
        &["plugin", "build"],
        &["plugin", "test"],
    ];
    let mut problems = Vec::new();
    // What `written` lacks of `actual` (unless it may), and what it has that is not in it.
    let compare = |place: String, written: BTreeSet<String>, actual: &BTreeSet<String>, may_lack: bool| {
        let missing: Vec<_> = if may_lack { Vec::new() } else { actual.difference(&written).collect() };
        let unknown: Vec<_> = written.difference(actual).collect();
        (!missing.is_empty() || !unknown.is_empty())
            .then(|| format!("{place}: missing {missing:?}, not a flag of the command {unknown:?}"))
    };
    let readme = synopses(&root().join("README.md"));
    let reference = |page: &str| synopses(&root().join("book/src/reference").join(page));
    let pages: Vec<(&str, Vec<Synopsis>)> = [
        "init.md",
        "assess.md",
        "report.md",
        "compare.md",
        "merge.md",
        "model-command.md",
        "questionnaire.md",
        "schema.md",
        "completions.md",
        "collect.md",
        "plugin.md",
    ]
    .into_iter()
    .map(|page| (page, reference(page)))
    .collect();
    // Pages that document a command's options in a table, as well as (or instead of) its
    // synopsis.
    let tables: &[(&str, &[&str])] = &[
        ("reference/assess.md", &["assess"]),
        ("reference/merge.md", &["merge"]),
        ("guide/interview.md", &["questionnaire"]),
        ("guide/aws.md", &["collect", "aws"]),
        ("guide/pipelines.md", &["collect", "pipelines"]),
    ];
    for command in commands {
        let actual = help_flags(command);
        let name = command.join(" ");
        let of = |synopses: &[Synopsis]| -> Option<BTreeSet<String>> {
            let texts: Vec<&String> = synopses.iter().filter(|(c, _)| c == command).map(|(_, t)| t).collect();
            (!texts.is_empty()).then(|| texts.iter().flat_map(|t| flags_in(t)).collect())
        };
        match of(&readme) {
            Some(written) => problems.extend(compare(format!("README.md, `kaizen {name}`"), written, &actual, false)),
            None => problems.push(format!("README.md has no synopsis of `kaizen {name}`")),
        }
        // A synopsis beside an options table may leave the options to the table.
        let tabled = tables.iter().any(|(_, c)| c == command);
        match pages.iter().find_map(|(page, synopses)| of(synopses).map(|w| (page, w))) {
            Some((page, written)) => {
                let place = format!("book/src/reference/{page}, `kaizen {name}`");
                problems.extend(compare(place, written, &actual, tabled));
            }
            None => problems.push(format!("no reference page has a synopsis of `kaizen {name}`")),
        }
    }
    for (page, command) in tables {
        let written = table_flags(&root().join("book/src").join(page));
        problems.extend(compare(format!("book/src/{page} (options table)"), written, &help_flags(command), false));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The problems an assessment file's text has, apart from paths that do not exist on this
/// machine (a snippet names the reader's folders and files).
fn assessment_file_problems(text: &str, model: &Model) -> Vec<String> {
    let here = tempfile::tempdir().unwrap();
    let path = here.path().join("kaizen.toml");
    // The target folders a snippet names exist, so that what names them can be checked.
    let targets = toml::from_str::<toml::Table>(text).ok().and_then(|t| t.get("targets").cloned());
    for target in targets.iter().flat_map(|t| t.as_array().cloned().unwrap_or_default()) {
        if let Some(folder) = target.get("path").and_then(|p| p.as_str()).filter(|p| !p.contains(['*', '?', '[', '~']))
        {
            std::fs::create_dir_all(here.path().join(folder)).unwrap();
        }
    }
    let machine = ["config-target-missing", "config-file-missing", "config-plugin-dir-missing"];
    let diagnostics = match AssessmentFile::parse(&path, text) {
        Ok(file) => file.check_model_references(model).err().map(|d| d.0).unwrap_or_default(),
        Err(diagnostics) => diagnostics.0,
    };
    diagnostics.iter().filter(|d| !machine.contains(&d.code)).map(ToString::to_string).collect()
}

/// The text with its commented-out TOML lines (`# key = value`, `# [table]`) uncommented.
fn uncommented(text: &str) -> String {
    text.lines()
        .map(|line| {
            let Some(code) = line.strip_prefix("# ") else { return line.to_owned() };
            let key = code.split(" = ").next().unwrap_or_default();
            let is_key = code.contains(" = ") && key.chars().all(|c| c.is_ascii_alphanumeric() || "_-.\"".contains(c));
            if code.starts_with('[') || is_key {
                code.to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What Kaizen's `plugin` says about a folder holding one file: the request's parsed
/// documents and the plugin's facts.
fn judged(plugin: &str, file: &str, text: &str) -> (Value, Value) {
    let dir = tempfile::tempdir().unwrap();
    support::write_files(dir.path(), &[(file, text)]);
    let request = dir.path().join("request.json");
    let output = support::run(
        support::kaizen()
            .args(["plugin", "run", plugin, "--target"])
            .arg(dir.path())
            .arg("--request-out")
            .arg(&request),
    );
    assert!(output.status.success());
    let request: Value = serde_json::from_slice(&std::fs::read(&request).unwrap()).unwrap();
    let output = support::run(support::kaizen().args(["plugin", "run", plugin, "--target"]).arg(dir.path()));
    assert!(output.status.success());
    let response: Value = serde_json::from_slice(&output.stdout).unwrap();
    (request["documents"].clone(), response["facts"].clone())
}

/// What keeps a recommended workflow from being one Kaizen approves of: a security check
/// about workflows that does not pass, or (`gated`) no regression gate on a baseline.
fn not_as_recommended(file: &str, text: &str, gated: bool) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    support::write_files(dir.path(), &[(file, text)]);
    let output = support::run(support::kaizen().args(["plugin", "run", "security", "--target"]).arg(dir.path()));
    assert!(output.status.success());
    let response: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut problems = Vec::new();
    for check in ["pinned-actions", "workflow-permissions", "dangerous-workflow"] {
        let finding = response["findings"].as_array().unwrap().iter().find(|f| f["check"] == check);
        match finding.map(|f| f["status"].as_str().unwrap_or_default()) {
            Some("pass" | "not_applicable") => {}
            status => problems.push(format!("security/{check} is {status:?}: {}", finding.unwrap_or(&Value::Null))),
        }
    }
    // Gated by Kaizen's action (action.yml), or by the flags of `kaizen assess`.
    let action = text.contains("uses: kaizen-dev/kaizen@") && text.contains("fail-on-regression: true");
    for flag in ["--baseline", "--fail-on-regression"] {
        if gated && !action && !text.contains(flag) {
            problems.push(format!("the workflow never runs `kaizen assess {flag}` nor Kaizen's action with the gate"));
        }
    }
    problems
}

/// The documents of a request that did not parse, and `Some(value)` of each that did.
fn parsed(documents: &Value, file: &str) -> Result<Vec<Value>, String> {
    let mine: Vec<&Value> = documents.as_array().unwrap().iter().filter(|d| d["path"] == file).collect();
    if mine.is_empty() {
        return Err(format!("{file} was not handed to the plugin"));
    }
    mine.iter()
        .map(|d| match d.get("error").filter(|e| !e.is_null()) {
            Some(error) => Err(format!("{file} does not parse: {error}")),
            None => Ok(d["value"].clone()),
        })
        .collect()
}

/// The strings a CI file must hold as plain strings (a `: ` unquoted in a command makes
/// YAML read a mapping there), with where.
fn not_strings(value: &Value, keys: &[&str], path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{path}.{key}");
                if keys.contains(&key.as_str()) {
                    let items: Vec<&Value> = match v {
                        Value::Array(items) => items.iter().collect(),
                        other => vec![other],
                    };
                    for item in items.into_iter().filter(|i| !i.is_string()) {
                        found.push(format!("{here}: {item} is not a string"));
                    }
                } else {
                    not_strings(v, keys, &here, found);
                }
            }
        }
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| not_strings(v, keys, &format!("{path}[{i}]"), found))
        }
        _ => {}
    }
}

/// Checks a snippet with the loader its `check` mark names; the problems found.
///
/// | kind | how |
/// | --- | --- |
/// | `kaizen.toml` | the assessment file's loader, and its practice ids against the built-in model; paths that do not exist here are not problems. `, and with its commented-out lines uncommented`: the same again with them uncommented |
/// | `answers.toml` | the answers loader with the built-in model; `, under [answers]`: lines of `[answers]` |
/// | `plugin.toml` | the manifest loader (`{{id}}` of the scaffold's template reads `team-rules`) |
/// | `expected.toml` | the plugin test harness's loader |
/// | `questionnaire --template` | a part of what `kaizen questionnaire --template` writes, word for word |
/// | `github-actions`, `gitlab-ci` | a workflow Kaizen parses and the `ci` plugin recognises, whose commands are strings; `, as Kaizen recommends`: also one that Kaizen's own `security` checks approve (pinned actions, least-privilege permissions, no dangerous pattern); `, as Kaizen recommends, with the gate`: and that gates on a baseline |
/// | `kubernetes` | manifests Kaizen parses and the `iac` plugin recognises |
fn check_snippet(block: &Block, kind: &str, model: &Model) -> Vec<String> {
    let text = &block.text;
    let (kind, option) = kind.split_once(", ").unwrap_or((kind, ""));
    let path = Path::new("snippet.toml");
    let diagnostics = |d: kaizen::diag::Diagnostics| d.0.iter().map(ToString::to_string).collect::<Vec<_>>();
    match (kind, option) {
        ("kaizen.toml", "") => assessment_file_problems(text, model),
        ("kaizen.toml", "and with its commented-out lines uncommented") => {
            let mut problems = assessment_file_problems(text, model);
            let open = uncommented(text);
            assert_ne!(&open, text, "{}: nothing is commented out", block.place());
            problems.extend(assessment_file_problems(&open, model).into_iter().map(|p| format!("uncommented: {p}")));
            problems
        }
        ("answers.toml", "") => Answers::parse(path, text, model).err().map(diagnostics).unwrap_or_default(),
        ("answers.toml", "under [answers]") => {
            Answers::parse(path, &format!("[answers]\n{text}"), model).err().map(diagnostics).unwrap_or_default()
        }
        ("plugin.toml", "") => {
            let text = text.replace("{{id}}", "team-rules");
            kaizen::plugin::Manifest::parse(Path::new("plugin.toml"), &text).err().map(diagnostics).unwrap_or_default()
        }
        ("expected.toml", "") => kaizen::authoring::harness::Expected::parse(Path::new("expected.toml"), text)
            .err()
            .map(diagnostics)
            .unwrap_or_default(),
        ("questionnaire --template", "") => {
            let output = support::run(support::kaizen().args(["questionnaire", "--template"]));
            let template = String::from_utf8_lossy(&output.stdout);
            if template.contains(text.as_str()) {
                Vec::new()
            } else {
                vec!["not a part of what `kaizen questionnaire --template` writes".into()]
            }
        }
        ("github-actions" | "gitlab-ci", option)
            if matches!(option, "" | "as Kaizen recommends" | "as Kaizen recommends, with the gate") =>
        {
            let (file, system, commands): (&str, &str, &[&str]) = if kind == "gitlab-ci" {
                (".gitlab-ci.yml", "gitlab-ci", &["script", "before_script", "after_script"])
            } else {
                (".github/workflows/kaizen.yml", "github-actions", &["run"])
            };
            let (documents, facts) = judged("ci", file, text);
            let mut problems = Vec::new();
            match parsed(&documents, file) {
                Err(problem) => problems.push(problem),
                Ok(values) => values.iter().for_each(|v| not_strings(v, commands, "", &mut problems)),
            }
            if !facts["ci.systems"].as_array().is_some_and(|s| s.iter().any(|x| x == system)) {
                problems.push(format!("the ci plugin does not see a {system} pipeline: {}", facts["ci.systems"]));
            }
            if !option.is_empty() {
                problems.extend(not_as_recommended(file, text, option.ends_with("with the gate")));
            }
            problems
        }
        ("kubernetes", "") => {
            let (documents, facts) = judged("iac", "deploy/kaizen.yaml", text);
            let mut problems = Vec::new();
            match parsed(&documents, "deploy/kaizen.yaml") {
                Err(problem) => problems.push(problem),
                Ok(values) => {
                    for value in values.iter().flat_map(|v| v.as_array().cloned().unwrap_or_else(|| vec![v.clone()])) {
                        if !(value["apiVersion"].is_string() && value["kind"].is_string()) {
                            problems.push(format!("a document without apiVersion and kind: {value}"));
                        }
                    }
                }
            }
            if !facts["iac.tools"].as_array().is_some_and(|t| t.iter().any(|x| x == "kubernetes")) {
                problems.push(format!("the iac plugin does not see Kubernetes manifests: {}", facts["iac.tools"]));
            }
            problems
        }
        _ => vec![format!("unknown check `{kind}{}{option}`", if option.is_empty() { "" } else { ", " })],
    }
}

/// Every TOML and YAML snippet of the README and the book is read by Kaizen's loader of its
/// kind, or its page says why it is not Kaizen's.
#[test]
fn every_toml_and_yaml_snippet_loads() {
    let model = Model::builtin().unwrap();
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in pages() {
        for block in blocks(&page).iter().filter(|b| b.lang == "toml" || b.lang == "yaml") {
            match (block.mark("check"), block.mark("not checked")) {
                (Some(kind), None) => {
                    checked += 1;
                    let found = check_snippet(block, kind, &model);
                    let from = block.included.as_ref().map(|p| format!(" (from {})", p.display())).unwrap_or_default();
                    problems.extend(found.into_iter().map(|p| format!("{}{from}: {p}", block.place())));
                }
                (None, Some(reason)) if !reason.is_empty() => {}
                _ => problems.push(format!(
                    "{}: a {} block needs `<!-- check: KIND -->` or `<!-- not checked: REASON -->`",
                    block.place(),
                    block.lang
                )),
            }
        }
    }
    assert!(checked >= 19, "checked {checked} snippets: fewer than the book has");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The reference page of result.json has a row for every field of a result and of a
/// target, as the JSON Schema the binary prints names them.
#[test]
fn the_result_page_describes_every_field() {
    let page = std::fs::read_to_string(root().join("book/src/reference/result.md")).unwrap();
    let schema = kaizen::result::json_schema();
    let rows: Vec<&str> =
        page.lines().filter(|l| l.starts_with("| `")).map(|l| l.split(" | ").next().unwrap()).collect();
    let described = |name: &str| rows.iter().any(|cell| cell.contains(&format!("`{name}`")));
    let mut missing = Vec::new();
    for field in schema["properties"].as_object().unwrap().keys() {
        if !described(field) && !described(&format!("{field}[]")) {
            missing.push(field.clone());
        }
    }
    for field in schema["$defs"]["TargetResult"]["properties"].as_object().unwrap().keys() {
        if !described(&format!("targets[].{field}")) && !rows.iter().any(|c| c.contains(&format!("`targets[].{field}")))
        {
            missing.push(format!("targets[].{field}"));
        }
    }
    assert!(missing.is_empty(), "book/src/reference/result.md has no row for {missing:?}");
}

/// The catalogue page's lists are the catalogue's: every tool with its kinds and the ways
/// it shows up, and the names of targets and scripts. `KAIZEN_BLESS=1` rewrites them.
#[test]
fn the_catalogue_page_lists_every_tool() {
    let catalogue = kaizen::catalogue::Catalogue::builtin();
    let cell = |s: &str| s.replace('|', "\\|");
    let mut names = String::from("| kind | names |\n| --- | --- |\n");
    for (kind, list) in [
        ("test", &catalogue.names.test),
        ("lint", &catalogue.names.lint),
        ("coverage", &catalogue.names.coverage),
        ("deploy", &catalogue.names.deploy),
        ("release", &catalogue.names.release),
    ] {
        let list: Vec<String> = list.iter().map(|n| format!("`{}`", cell(n))).collect();
        names.push_str(&format!("| `{kind}` | {} |\n", list.join(", ")));
    }
    let order = |kind: &str| kaizen_evidence::ci::kinds::ALL.iter().position(|k| *k == kind).unwrap_or(usize::MAX);
    let mut tools: Vec<&kaizen::catalogue::Tool> = catalogue.tools().iter().collect();
    tools.sort_by_key(|t| (t.kinds.iter().map(|k| order(k)).min().unwrap_or(usize::MAX), t.name.to_lowercase()));
    let mut list =
        format!("{} tools.\n\n| tool | id | kinds | how it shows up |\n| --- | --- | --- | --- |\n", tools.len());
    for tool in tools {
        let name = match &tool.url {
            Some(url) => format!("[{}]({url})", cell(&tool.name)),
            None => cell(&tool.name),
        };
        let kinds: Vec<String> = tool.kinds.iter().map(|k| format!("`{k}`")).collect();
        let forms: Vec<String> = tool.forms().iter().map(|(form, value)| format!("{form} `{}`", cell(value))).collect();
        list.push_str(&format!("| {name} | `{}` | {} | {} |\n", tool.id, kinds.join(", "), forms.join(", ")));
    }
    let path = root().join("book/src/reference/catalogue.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let mut expected = page.clone();
    for (marker, body) in [("names", &names), ("tools", &list)] {
        let start = format!("<!-- generated: {marker} -->\n");
        let end = format!("<!-- end of generated {marker} -->");
        let from = expected.find(&start).unwrap_or_else(|| panic!("no `{start}` in the page")) + start.len();
        let to = expected.find(&end).unwrap_or_else(|| panic!("no `{end}` in the page"));
        expected.replace_range(from..to, body);
    }
    if std::env::var_os("KAIZEN_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert!(
            page == expected,
            "book/src/reference/catalogue.md lists another catalogue than catalogue/tools.toml: \
             rewrite it with KAIZEN_BLESS=1 cargo test --test tests -- book::the_catalogue_page_lists_every_tool"
        );
    }
}

/// The anchor mdBook gives a heading: lower case, spaces as `-`, only letters, digits, `-`
/// and `_` kept.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A page's links (destination, line) and the anchors of its headings.
fn links_and_anchors(page: &Path) -> (Vec<(String, usize)>, BTreeSet<String>) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let text = std::fs::read_to_string(page).unwrap();
    let line_of = |offset: usize| text[..offset].lines().count().max(1);
    let (mut links, mut anchors) = (Vec::new(), BTreeSet::new());
    let mut heading: Option<String> = None;
    for (event, range) in Parser::new(&text).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => links.push((dest_url.to_string(), line_of(range.start))),
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let id = anchor(&heading.take().unwrap_or_default());
                // mdBook numbers a repeated heading's anchor: `id`, `id-1`, `id-2`...
                let mut unique = id.clone();
                let mut n = 0;
                while anchors.contains(&unique) {
                    n += 1;
                    unique = format!("{id}-{n}");
                }
                anchors.insert(unique);
            }
            _ => {}
        }
    }
    (links, anchors)
}

/// What is wrong with the internal links and includes of `pages` (README.md and the book):
/// a file that does not exist, an anchor no heading of the page has, an include of a
/// missing file.
fn broken_links(pages: &[PathBuf]) -> Vec<String> {
    let anchors: std::collections::BTreeMap<PathBuf, BTreeSet<String>> =
        pages.iter().map(|p| (p.canonicalize().unwrap(), links_and_anchors(p).1)).collect();
    let mut problems = Vec::new();
    for page in pages {
        let name = page.strip_prefix(root()).unwrap_or(page).display().to_string();
        let dir = page.parent().unwrap();
        for (destination, line) in links_and_anchors(page).0 {
            if destination.contains("://") || destination.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = destination.split_once('#').unwrap_or((&destination, ""));
            let target = if file.is_empty() { page.clone() } else { dir.join(file) };
            let Ok(target) = target.canonicalize() else {
                problems.push(format!("{name}:{line}: a link to {destination}: {file} does not exist"));
                continue;
            };
            if !fragment.is_empty() && target.extension().is_some_and(|e| e == "md") {
                match anchors.get(&target) {
                    Some(ids) if ids.contains(fragment) => {}
                    Some(_) => problems
                        .push(format!("{name}:{line}: a link to {destination}: no heading has the anchor #{fragment}")),
                    None => problems.push(format!("{name}:{line}: a link to {destination}: not a page of the book")),
                }
            }
        }
        let text = std::fs::read_to_string(page).unwrap();
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("{{#include ") {
                let after = &rest[at + "{{#include ".len()..];
                let Some(end) = after.find("}}") else { break };
                // `{{#include file.rs:anchor}}` or `{{#include file.rs:10:20}}`.
                let file = after[..end].trim().split(':').next().unwrap_or_default();
                if !dir.join(file).is_file() {
                    problems.push(format!("{name}:{}: {{{{#include {file}}}}}: no such file", i + 1));
                }
                rest = &after[end..];
            }
        }
    }
    problems
}

/// Every internal link of the README and the book leads to a file that exists, and to a
/// heading of that page when it names an anchor; every include names a file. (`mdbook
/// build` only warns on a broken include, and does not check links at all.)
#[test]
fn every_link_and_include_resolves() {
    let pages = pages();
    let links: usize = pages.iter().map(|p| links_and_anchors(p).0.len()).sum();
    assert!(links > 150, "{links} links: fewer than the book has");
    let problems = broken_links(&pages);
    assert!(problems.is_empty(), "{} broken:\n{}", problems.len(), problems.join("\n"));
    // And the check finds what it is for.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.md");
    std::fs::write(
        &page,
        "# A page\n\n## Its part\n\n[here](#its-part) [gone](missing.md) [where](page.md#nowhere)\n\n{{#include nothing.rs}}\n",
    )
    .unwrap();
    let found = broken_links(std::slice::from_ref(&page));
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].ends_with("page.md:5: a link to missing.md: missing.md does not exist"), "{found:?}");
    assert!(found[1].ends_with("no heading has the anchor #nowhere"), "{found:?}");
    assert!(found[2].ends_with("page.md:7: {{#include nothing.rs}}: no such file"), "{found:?}");
}
