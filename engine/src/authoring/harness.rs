//! `kaizen plugin test`: runs a plugin on fixture repositories and compares what it
//! reports with what each fixture expects.
//!
//! A case is a folder `tests/fixtures/<case>/`:
//!
//! - `repo/`: the repository to judge (copied to a temporary folder named after the case,
//!   so the target's name is the case's name);
//! - `expected.toml`: the findings by check id, the facts, or the error expected;
//! - optional `history.sh`: run with `bash` inside the copy to give it git history;
//! - optional `repo.bundle`: a git bundle cloned instead of `repo/`;
//! - optional `pipelines.json` (any export `--pipelines` reads) and `cloud.json` (an
//!   inventory of `kaizen collect aws`; the case is then a cloud target);
//! - optional `config.toml`: the plugin's configuration, as in the assessment file.
//!
//! The plugin runs through [`crate::judge::judge`], the code of `kaizen assess`, with a
//! fixed clock ([`FIXED_NOW`]) so git facts and time-reading plugins are reproducible.

use crate::collect::git::GitOptions;
use crate::collect::pipelines::{self, DeployPatterns, FetchSettings, PipelineInput};
use crate::collect::Target;
use crate::diag::{Diagnostic, Diagnostics};
use crate::judge::{self, Options};
use crate::judge::{ErrorRecord, FindingRecord};
use crate::plugin::{ErrorKind, Plugin, Registry, Runtime, Status};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The clock of every case: 2025-06-01T00:00:00Z, in seconds since the Unix epoch. Git
/// history windows and plugins' wall clocks read this, so a fixture gives the same result
/// whenever it runs; date the commits of `history.sh` before it.
pub const FIXED_NOW: i64 = 1_748_736_000;

/// The file of a case's expectation.
pub const EXPECTED: &str = "expected.toml";

/// One fixture case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its folder's name.
    pub name: String,
    /// Its folder.
    pub dir: PathBuf,
}

/// A case that could not be set up or read.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The fixtures folder cannot be read.
    #[error("cannot read fixtures folder {path}: {source}")]
    Unreadable {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The fixtures folder holds no case.
    #[error("{0} holds no case: add tests/fixtures/<case>/ with repo/ and expected.toml")]
    NoCases(PathBuf),
    /// An input of the case is broken or could not be prepared.
    #[error("case {case}: {message}")]
    Input {
        /// The case.
        case: String,
        /// What went wrong.
        message: String,
    },
    /// `expected.toml` is invalid.
    #[error("{0}")]
    Expected(Diagnostics),
}

/// The cases under `fixtures`, by name: every sub-folder.
pub fn cases(fixtures: &Path) -> Result<Vec<Case>, HarnessError> {
    let unreadable = |source| HarnessError::Unreadable { path: fixtures.to_path_buf(), source };
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(fixtures).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        if entry.path().is_dir() {
            cases.push(Case { name: entry.file_name().to_string_lossy().into_owned(), dir: entry.path() });
        }
    }
    if cases.is_empty() {
        return Err(HarnessError::NoCases(fixtures.to_path_buf()));
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

/// What the plugin reported on a case, after the host's checks.
#[derive(Debug, Clone, Default)]
pub struct Actual {
    /// Its findings, in the order it reported them.
    pub findings: Vec<FindingRecord>,
    /// Its facts.
    pub facts: BTreeMap<String, Value>,
    /// Its error, when it failed.
    pub errors: Vec<ErrorRecord>,
    /// What the host dropped or corrected, and input warnings.
    pub warnings: Vec<String>,
}

/// Runs `plugin` on a case, as `kaizen assess` would run it on that repository.
pub fn run(plugin: &Plugin, runtime: &Runtime, case: &Case) -> Result<Actual, HarnessError> {
    let input = |message: String| HarnessError::Input { case: case.name.clone(), message };
    let work = tempfile::tempdir().map_err(|e| input(format!("cannot create a temporary folder: {e}")))?;
    let root = work.path().join(&case.name);
    let bundle = case.dir.join("repo.bundle");
    let repo = case.dir.join("repo");
    if bundle.is_file() {
        git(work.path(), &["clone", "--quiet", &bundle.display().to_string(), &root.display().to_string()])
            .map_err(|e| input(format!("cannot clone repo.bundle: {e}")))?;
    } else if repo.is_dir() {
        copy_tree(&repo, &root).map_err(|e| input(format!("cannot copy repo/: {e}")))?;
    } else {
        std::fs::create_dir_all(&root).map_err(|e| input(format!("cannot create {}: {e}", root.display())))?;
    }
    let history = case.dir.join("history.sh");
    if history.is_file() {
        // Absolute paths: the script runs from inside the copy of the repository.
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let out = git_env(
            Command::new("bash").arg(absolute(&history)).current_dir(&root).env("FIXTURE", absolute(&case.dir)),
        )
        .output()
        .map_err(|e| input(format!("cannot run history.sh with bash: {e}")))?;
        if !out.status.success() {
            return Err(input(format!(
                "history.sh failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            )));
        }
    }

    let cloud = case.dir.join("cloud.json");
    let mut target = if cloud.is_file() {
        let inventory = crate::collect::aws::load(&cloud).map_err(|e| input(e.to_string()))?;
        Target::cloud(&cloud.display().to_string(), case.name.clone(), inventory, &root)
    } else {
        Target::local(&root.display().to_string()).map_err(|e| input(e.to_string()))?
    };
    let runs = case.dir.join("pipelines.json");
    if runs.is_file() {
        let since = jiff::Timestamp::from_second(FIXED_NOW - 365 * 86_400).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let gathered = pipelines::gather(
            &[&PipelineInput::File(runs)],
            &DeployPatterns::default(),
            &FetchSettings::from_env(since),
        )
        .map_err(|e| input(e.to_string()))?;
        target.pipelines = gathered.runs;
        target.warnings.extend(gathered.warnings);
    }
    let mut options = Options { git: Some(GitOptions::new(FIXED_NOW)), ..Options::default() };
    let config = case.dir.join("config.toml");
    if config.is_file() {
        let text = std::fs::read_to_string(&config).map_err(|e| input(format!("cannot read config.toml: {e}")))?;
        let value: Value = toml::from_str::<toml::Value>(&text)
            .map_err(|e| {
                HarnessError::Expected(Diagnostics(vec![Diagnostic::at_span(
                    crate::diag::FixtureCode::Syntax,
                    &config,
                    &text,
                    e.span(),
                    e.message(),
                )]))
            })
            .and_then(|v| serde_json::to_value(v).map_err(|e| input(e.to_string())))?;
        options.plugin_config.insert(plugin.manifest.id.clone(), value);
    }

    let mut registry = Registry::empty();
    registry.add(plugin.clone());
    let mut judged = judge::judge(&registry, runtime, &[target], &options, &|_| {});
    let target = judged.targets.pop().unwrap_or_else(|| unreachable!("one target in, one out"));
    Ok(Actual { findings: target.findings, facts: target.facts, errors: target.errors, warnings: target.warnings })
}

fn git_env(cmd: &mut Command) -> &mut Command {
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.com")
        .env("GIT_COMMITTER_NAME", "Fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.com")
        .env("GIT_AUTHOR_DATE", "2025-01-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-01-01T12:00:00Z")
}

fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = git_env(Command::new("git").args(args).current_dir(dir)).output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim_end().to_owned())
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// What a case expects, from its `expected.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expected {
    /// The findings of each check, in order.
    pub findings: BTreeMap<String, Vec<ExpectedFinding>>,
    /// The facts; a fact not listed must be absent or null.
    pub facts: BTreeMap<String, Value>,
    /// The error the plugin must fail with.
    pub error: Option<ExpectedError>,
}

/// One expected finding.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    /// The status.
    pub status: Status,
    /// The score, when given.
    #[serde(default)]
    pub score: Option<f64>,
    /// A part of the message, when given.
    #[serde(default)]
    pub message: Option<String>,
    /// The evidence, as `path` or `path:line`, when given.
    #[serde(default)]
    pub evidence: Option<Vec<String>>,
}

/// The error a case expects.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    /// The kind (`exit`, `timeout`, `api_mismatch`, …).
    pub kind: ErrorKind,
    /// A part of the message, when given.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpected {
    #[serde(default)]
    findings: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    facts: BTreeMap<String, toml::Value>,
    #[serde(default)]
    error: Option<ExpectedError>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Status(Status),
    One(ExpectedFinding),
    Many(Vec<StatusOrFinding>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum StatusOrFinding {
    Status(Status),
    Finding(ExpectedFinding),
}

impl From<StatusOrFinding> for ExpectedFinding {
    fn from(one: StatusOrFinding) -> Self {
        match one {
            StatusOrFinding::Status(status) => ExpectedFinding { status, score: None, message: None, evidence: None },
            StatusOrFinding::Finding(finding) => finding,
        }
    }
}

impl Expected {
    /// Reads an `expected.toml`; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Expected, Diagnostics> {
        let raw: RawExpected = toml::from_str(text).map_err(|e| {
            let message = if e.message().contains("did not match any variant") {
                "a finding is a status (\"pass\", \"fail\", \"warn\", \"not_applicable\"), a table \
                 { status, score, message, evidence } or a list of these"
                    .to_owned()
            } else {
                e.message().to_owned()
            };
            Diagnostics(vec![Diagnostic::at_span(crate::diag::FixtureCode::Syntax, path, text, e.span(), message)])
        })?;
        let findings = raw
            .findings
            .into_iter()
            .map(|(check, expected)| {
                let list = match expected {
                    OneOrMany::Status(s) => vec![StatusOrFinding::Status(s).into()],
                    OneOrMany::One(f) => vec![f],
                    OneOrMany::Many(list) => list.into_iter().map(Into::into).collect(),
                };
                (check, list)
            })
            .collect();
        let facts = raw
            .facts
            .into_iter()
            .map(|(name, value)| (name, serde_json::to_value(value).unwrap_or(Value::Null)))
            .collect();
        Ok(Expected { findings, facts, error: raw.error })
    }

    /// Reads a case's `expected.toml`; `None` when it has none.
    pub fn load(case: &Case) -> Result<Option<Expected>, HarnessError> {
        let path = case.dir.join(EXPECTED);
        match std::fs::read_to_string(&path) {
            Ok(text) => Expected::parse(&path, &text).map(Some).map_err(HarnessError::Expected),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => {
                Err(HarnessError::Input { case: case.name.clone(), message: format!("cannot read {EXPECTED}: {e}") })
            }
        }
    }
}

/// One difference between what a case expects and what the plugin reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// What differs, e.g. `findings.codeowners.status` or `facts."ci.systems"`.
    pub what: String,
    /// The expected value, `None` when nothing was expected.
    pub expected: Option<String>,
    /// The actual value, `None` when the plugin reported nothing.
    pub actual: Option<String>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.what)?;
        writeln!(f, "  - expected: {}", self.expected.as_deref().unwrap_or("(nothing)"))?;
        write!(f, "  + actual:   {}", self.actual.as_deref().unwrap_or("(nothing)"))
    }
}

/// Every difference between `expected` and `actual`, in a stable order.
pub fn compare(expected: &Expected, actual: &Actual) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut push = |what: String, expected: Option<String>, actual: Option<String>| {
        out.push(Mismatch { what, expected, actual });
    };
    match (&expected.error, actual.errors.first()) {
        (None, None) => {}
        (Some(e), Some(a)) => {
            if e.kind != a.kind {
                push("error.kind".into(), Some(e.kind.to_string()), Some(format!("{} ({})", a.kind, a.message)));
            }
            if let Some(part) = e.message.as_ref().filter(|m| !a.message.contains(m.as_str())) {
                push("error.message".into(), Some(format!("containing {}", quote(part))), Some(quote(&a.message)));
            }
        }
        (Some(e), None) => push("error".into(), Some(e.kind.to_string()), None),
        (None, Some(a)) => {
            let stderr = if a.stderr.is_empty() { String::new() } else { format!("; stderr: {}", a.stderr) };
            push("error".into(), None, Some(format!("{}: {}{stderr}", a.kind, a.message)));
        }
    }

    let mut by_check: BTreeMap<&str, Vec<&FindingRecord>> = BTreeMap::new();
    for f in &actual.findings {
        by_check.entry(f.check.as_str()).or_default().push(f);
    }
    let checks: BTreeSet<&str> = expected.findings.keys().map(String::as_str).chain(by_check.keys().copied()).collect();
    for check in checks {
        let wanted = expected.findings.get(check).map(Vec::as_slice).unwrap_or_default();
        let got = by_check.get(check).map(Vec::as_slice).unwrap_or_default();
        let key = format!("findings.{}", toml_key(check));
        if wanted.len() != got.len() {
            let list = |items: Vec<String>| if items.is_empty() { None } else { Some(items.join(", ")) };
            push(
                key,
                list(wanted.iter().map(|w| w.status.name().to_owned()).collect()),
                list(got.iter().map(|g| format!("{} ({})", g.status.name(), quote(&g.message))).collect()),
            );
            continue;
        }
        for (i, (w, g)) in wanted.iter().zip(got).enumerate() {
            let key = if wanted.len() == 1 { key.clone() } else { format!("{key}[{i}]") };
            if w.status != g.status {
                push(
                    format!("{key}.status"),
                    Some(w.status.name().into()),
                    Some(format!("{} ({})", g.status.name(), quote(&g.message))),
                );
            }
            if let Some(score) = w.score {
                if g.score.is_none_or(|s| (s - score).abs() > 1e-9) {
                    push(format!("{key}.score"), Some(score.to_string()), g.score.map(|s| s.to_string()));
                }
            }
            if let Some(part) = w.message.as_ref().filter(|m| !g.message.contains(m.as_str())) {
                push(format!("{key}.message"), Some(format!("containing {}", quote(part))), Some(quote(&g.message)));
            }
            if let Some(evidence) = &w.evidence {
                let got = evidence_list(g);
                if *evidence != got {
                    push(format!("{key}.evidence"), Some(format!("{evidence:?}")), Some(format!("{got:?}")));
                }
            }
        }
    }

    let expected_facts: BTreeMap<&str, Value> =
        expected.facts.iter().filter_map(|(k, v)| without_nulls(v).map(|v| (k.as_str(), v))).collect();
    let actual_facts: BTreeMap<&str, Value> =
        actual.facts.iter().filter_map(|(k, v)| without_nulls(v).map(|v| (k.as_str(), v))).collect();
    let names: BTreeSet<&str> = expected_facts.keys().chain(actual_facts.keys()).copied().collect();
    for name in names {
        let (e, a) = (expected_facts.get(name), actual_facts.get(name));
        if !matches!((e, a), (Some(e), Some(a)) if same_value(e, a)) {
            push(format!("facts.{}", toml_key(name)), e.map(Value::to_string), a.map(Value::to_string));
        }
    }
    out
}

fn quote(s: &str) -> String {
    format!("{s:?}")
}

fn evidence_list(f: &FindingRecord) -> Vec<String> {
    f.evidence
        .iter()
        .map(|e| match e.line {
            Some(line) => format!("{}:{line}", e.path),
            None => e.path.clone(),
        })
        .collect()
}

/// TOML has no null: a null is compared as absent, in facts and inside their values.
fn without_nulls(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(Value::Array(items.iter().filter_map(without_nulls).collect())),
        Value::Object(map) => {
            Some(Value::Object(map.iter().filter_map(|(k, v)| without_nulls(v).map(|v| (k.clone(), v))).collect()))
        }
        other => Some(other.clone()),
    }
}

/// Equality with numbers compared by value (TOML's `2` and JSON's `2.0` are the same).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        key.to_owned()
    } else {
        quote(key)
    }
}

/// `actual` written as an `expected.toml` (what `--bless` writes).
pub fn render(actual: &Actual) -> String {
    let mut out = String::from(
        "# What the plugin must report on this case: findings by check id, and facts.\n\
         # Written by `kaizen plugin test --bless`; edit freely (a finding may be just its status,\n\
         # `message` matches a part of the message, a fact left out must be absent or null).\n",
    );
    if let Some(error) = actual.errors.first() {
        out.push_str(&format!(
            "\n[error]\nkind = {}\nmessage = {}\n",
            toml_str(error.kind.name()),
            toml_str(&error.message)
        ));
    }
    let mut by_check: BTreeMap<&str, Vec<&FindingRecord>> = BTreeMap::new();
    for f in &actual.findings {
        by_check.entry(f.check.as_str()).or_default().push(f);
    }
    if !by_check.is_empty() {
        out.push_str("\n[findings]\n");
    }
    for (check, findings) in by_check {
        let tables: Vec<String> = findings.iter().map(|f| finding_table(f)).collect();
        let value = if tables.len() == 1 { tables[0].clone() } else { format!("[\n  {},\n]", tables.join(",\n  ")) };
        out.push_str(&format!("{} = {value}\n", toml_key(check)));
    }
    let facts: Vec<(&String, toml::Value)> =
        actual.facts.iter().filter_map(|(k, v)| without_nulls(v).and_then(|v| to_toml(&v)).map(|v| (k, v))).collect();
    if !facts.is_empty() {
        out.push_str("\n[facts]\n");
    }
    for (name, value) in facts {
        out.push_str(&format!("{} = {}\n", toml_key(name), inline(&value)));
    }
    out
}

fn finding_table(f: &FindingRecord) -> String {
    let mut parts = vec![format!("status = {}", toml_str(f.status.name()))];
    if let Some(score) = f.score {
        parts.push(format!("score = {}", toml::Value::Float(score)));
    }
    parts.push(format!("message = {}", toml_str(&f.message)));
    let evidence = evidence_list(f);
    if !evidence.is_empty() {
        let items: Vec<String> = evidence.iter().map(|e| toml_str(e)).collect();
        parts.push(format!("evidence = [{}]", items.join(", ")));
    }
    format!("{{ {} }}", parts.join(", "))
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn to_toml(value: &Value) -> Option<toml::Value> {
    toml::Value::try_from(value).ok()
}

/// A TOML value on one line (inline tables and arrays).
fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(table) => {
            if table.is_empty() {
                return "{}".into();
            }
            let parts: Vec<String> = table.iter().map(|(k, v)| format!("{} = {}", toml_key(k), inline(v))).collect();
            format!("{{ {} }}", parts.join(", "))
        }
        toml::Value::Array(items) => format!("[{}]", items.iter().map(inline).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::Evidence;

    fn finding(check: &str, status: Status, message: &str) -> FindingRecord {
        FindingRecord {
            plugin: "p".into(),
            check: check.into(),
            status,
            score: None,
            message: message.into(),
            evidence: vec![Evidence { path: "a.yml".into(), line: Some(3), message: None, snippet: None }],
            exemption: None,
        }
    }

    fn actual() -> Actual {
        let mut facts = BTreeMap::new();
        facts.insert("x.count".to_owned(), serde_json::json!(2));
        facts.insert("x.detail".to_owned(), serde_json::json!({"a": [1, null], "b": null, "c": "q\"uote"}));
        facts.insert("x.none".to_owned(), Value::Null);
        Actual {
            findings: vec![
                finding("one", Status::Pass, "all good"),
                finding("two", Status::Warn, "so so"),
                finding("two", Status::Fail, "bad"),
            ],
            facts,
            ..Actual::default()
        }
    }

    #[test]
    fn a_rendered_expectation_matches_what_it_was_rendered_from() {
        let text = render(&actual());
        let expected = Expected::parse(Path::new("expected.toml"), &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(compare(&expected, &actual()), [], "{text}");
        assert!(!text.contains("x.none"), "{text}");
        assert_eq!(expected.findings["two"].len(), 2);
    }

    #[test]
    fn short_forms_and_differences() {
        let text = r#"
[findings]
one = "fail"
two = ["warn", { status = "fail", message = "worse" }]
three = "pass"

[facts]
"x.count" = 3
"x.detail" = { a = [1], c = "q\"uote" }
"#;
        let expected = Expected::parse(Path::new("expected.toml"), text).unwrap();
        let found: Vec<String> = compare(&expected, &actual()).iter().map(|m| m.what.clone()).collect();
        assert_eq!(found, ["findings.one.status", "findings.three", "findings.two[1].message", "facts.\"x.count\""]);
        let first = &compare(&expected, &actual())[0];
        assert_eq!(first.to_string(), "findings.one.status\n  - expected: fail\n  + actual:   pass (\"all good\")");
    }

    #[test]
    fn the_books_example_expectation_parses() {
        let page = include_str!("../../../book/src/authors/testing.md");
        let block = page.split("```toml\n").nth(1).and_then(|b| b.split("```").next()).unwrap();
        let expected = Expected::parse(Path::new("testing.md"), block).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(expected.findings["secret-found"].len(), 2);
        assert_eq!(
            expected.findings["runs-tests"][0].evidence.as_deref(),
            Some(&[".github/workflows/ci.yml:26".into()][..])
        );
        assert_eq!(expected.error.map(|e| e.kind), Some(ErrorKind::Exit));
        assert_eq!(expected.facts["dora.lead_time_hours"]["unit"], "hours");
    }

    #[test]
    fn a_bad_expectation_is_positioned() {
        let err = Expected::parse(Path::new("e.toml"), "[findings]\none = \"maybe\"\n").unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].code), (Some(2), "fixture-syntax"));
        let err = Expected::parse(Path::new("e.toml"), "[finding]\n").unwrap_err();
        assert!(err.0[0].message.contains("unknown field `finding`"), "{}", err.0[0].message);
    }
}
