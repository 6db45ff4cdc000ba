//! Inputs the fuzzers (and the hostile-input tests) found, kept as regression inputs:
//! `fuzz/regressions/<target>/<case>` holds the bytes a fuzz target of `fuzz/` was given,
//! replayed here on stable Rust through the same library calls and checked for the same
//! property, so a fix stays fixed without nightly. Add a file when a fuzzer finds something
//! (see book/src/contributing.md).
//!
//! Each target is also replayed on its seeds (`fuzz/seeds/<target>/`, and for the pipeline
//! importers the fixtures of tests/pipelines, as `scripts/fuzz.sh` gives them): valid
//! inputs, which must get past the syntax. Every test counts the inputs it ran and fails on
//! none, so an empty folder cannot make a test that checks nothing.

use crate::support::root;
use std::path::{Path, PathBuf};

/// One input of a fuzz target.
struct Input {
    /// The file's name.
    name: String,
    data: Vec<u8>,
    /// A seed (a valid input) rather than a regression input.
    seed: bool,
}

impl Input {
    fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }
}

/// The regression inputs of `target`, then the files of its seed folders.
fn inputs(target: &str, seed_dirs: &[PathBuf]) -> Vec<Input> {
    let mut all: Vec<Input> = files(&root().join("fuzz/regressions").join(target))
        .into_iter()
        .map(|(name, data)| Input { name, data, seed: false })
        .collect();
    for dir in seed_dirs {
        all.extend(files(dir).into_iter().map(|(name, data)| Input { name, data, seed: true }));
    }
    all
}

/// Runs `check` on every input of `target` and returns how many regression inputs and seeds
/// it ran; fails when a folder of seeds is empty or nothing ran at all.
fn replay(target: &str, seed_dirs: &[PathBuf], mut check: impl FnMut(&Input)) -> (usize, usize) {
    for dir in seed_dirs {
        assert!(!files(dir).is_empty(), "no seeds for {target} in {}", dir.display());
    }
    let all = inputs(target, seed_dirs);
    let mut ran = (0, 0);
    for input in &all {
        check(input);
        if input.seed {
            ran.1 += 1;
        } else {
            ran.0 += 1;
        }
    }
    assert!(ran.0 + ran.1 > 0, "{target}: no input was replayed");
    assert_eq!(ran.0 + ran.1, all.len(), "{target}: every input is replayed");
    ran
}

/// `fuzz/seeds/<target>/`.
fn seeds(target: &str) -> Vec<PathBuf> {
    vec![root().join("fuzz/seeds").join(target)]
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    cases.sort();
    cases
}

/// Runs `body` on a thread with the 2 MiB stack of an assessment's worker threads.
fn on_worker_stack(name: &str, body: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(body)
        .unwrap()
        .join()
        .unwrap_or_else(|_| panic!("regression input {name} failed"));
}

#[test]
fn parse_documents() {
    use kaizen::parse::{parse, Format, MAX_DEPTH};
    fn depth(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    let (regressions, seeds) = replay("parse_documents", &seeds("parse_documents"), |input| {
        let (name, data, seed) = (input.name.clone(), input.data.clone(), input.seed);
        on_worker_stack(&name.clone(), move || {
            let Some((&pick, bytes)) = data.split_first() else { return };
            let docs = parse(Format::ALL[usize::from(pick) % Format::ALL.len()], bytes);
            assert!(!docs.is_empty(), "{name}");
            for doc in &docs {
                match doc {
                    Ok(value) => assert!(depth(value) <= MAX_DEPTH + 1, "{name}: nested deeper than the limit"),
                    Err(e) => assert!(!seed, "seed {name} does not parse: {}", e.message),
                }
            }
        });
    });
    assert!(regressions >= 2 && seeds >= 5, "{regressions} regression inputs, {seeds} seeds");
}

#[test]
fn plugin_response() {
    use kaizen::plugin::{protocol, read_response, MAX_EVIDENCE, MAX_FINDINGS};
    let manifest = kaizen::plugin::Manifest::parse(
        Path::new("plugin.toml"),
        "id = \"f\"\nname = \"f\"\nversion = \"1\"\napi = 1\nwasm = \"f.wasm\"\n\
         [[facts]]\nname = \"f.count\"\n[[checks]]\nid = \"ok\"\ntitle = \"ok\"\narea = \"testing\"\n",
    )
    .unwrap();
    let (_, seeds) = replay("plugin_response", &seeds("plugin_response"), |input| {
        // A seed is a response as a plugin writes it: all of it is stdout.
        let cut = if input.seed { input.data.len() } else { input.data.len() / 8 * 7 };
        let (stdout, stderr) = input.data.split_at(cut);
        match read_response(&manifest, stdout, stderr) {
            Ok(judgement) => {
                assert!(judgement.findings.len() <= MAX_FINDINGS, "{}", input.name);
                for finding in &judgement.findings {
                    assert!(finding.evidence.len() <= MAX_EVIDENCE, "{}", input.name);
                    for evidence in &finding.evidence {
                        assert!(protocol::is_inside_path(&evidence.path), "{}: {:?}", input.name, evidence.path);
                    }
                }
            }
            Err(e) => assert!(!input.seed, "seed {} is refused: {e}", input.name),
        }
    });
    assert!(seeds >= 1);
}

#[test]
fn pipeline_import() {
    use kaizen::collect::pipelines::{import_text, DeployPatterns, ImportError};
    let matcher = DeployPatterns::default().compile().unwrap();
    // As scripts/fuzz.sh does, the importers start from the fixtures of tests/pipelines.
    let mut fixtures: Vec<PathBuf> =
        std::fs::read_dir(root().join("tests/pipelines")).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    let (_, seeds) = replay("pipeline_import", &fixtures, |input| {
        let Some(text) = input.text() else {
            assert!(!input.seed, "seed {} is not UTF-8", input.name);
            return;
        };
        match import_text(Path::new(&input.name), text, &matcher) {
            Ok(imported) => assert!(imported.runs.len() <= text.len(), "{}", input.name),
            Err(e) => {
                assert!(!input.seed, "seed {} is refused: {e}", input.name);
                if let ImportError::Json { line, column, .. } = e {
                    let lines = text.lines().count().max(1);
                    assert!((1..=lines).contains(&line) && column >= 1, "{}: {line}:{column}", input.name);
                }
            }
        }
    });
    assert!(seeds >= 7, "{seeds} seeds");
}

#[test]
fn assessment_file() {
    let (_, seeds) = replay("assessment_file", &seeds("assessment_file"), |input| {
        let Some(text) = input.text() else { return };
        match kaizen::config::AssessmentFile::parse(Path::new(&input.name), text) {
            Ok(_) => {}
            Err(diagnostics) => {
                assert!(!input.seed, "seed {} is refused: {diagnostics}", input.name);
                assert_positioned(&input.name, text, &diagnostics);
            }
        }
    });
    assert!(seeds >= 1);
}

/// The model and answers targets' property: refused text gets diagnostics that render and
/// point inside it.
fn assert_positioned(name: &str, text: &str, diagnostics: &kaizen::diag::Diagnostics) {
    assert!(!diagnostics.0.is_empty(), "{name}");
    let lines = text.lines().count().max(1) + 1;
    for d in &diagnostics.0 {
        if let Some(line) = d.line {
            assert!((1..=lines).contains(&line), "{name}: line {line} outside the text: {d}");
        }
    }
    assert!(!diagnostics.to_string().is_empty(), "{name}");
}

#[test]
fn model() {
    let catalogue = kaizen::model::Catalogue::builtin().unwrap();
    // The seeds are valid models: the fuzzer starts from inputs that get past the syntax.
    let (_, seeds) = replay("model", &seeds("model"), |input| {
        let Some(text) = input.text() else { return };
        match kaizen::model::load(Path::new(&input.name), text, &catalogue) {
            Ok(_) => {}
            Err(diagnostics) => {
                assert!(!input.seed, "seed {}: {diagnostics}", input.name);
                assert_positioned(&input.name, text, &diagnostics);
            }
        }
    });
    assert!(seeds >= 3);
}

#[test]
fn answers() {
    let catalogue = kaizen::model::Catalogue::builtin().unwrap();
    let path = root().join("questionnaires/devops.toml");
    let model = kaizen::model::load(&path, &std::fs::read_to_string(&path).unwrap(), &catalogue).unwrap();
    let (_, seeds) = replay("answers", &seeds("answers"), |input| {
        let Some(text) = input.text() else { return };
        match kaizen::model::answers::Answers::parse(Path::new(&input.name), text, &model) {
            Ok(_) => {}
            Err(diagnostics) => {
                assert!(!input.seed, "seed {}: {diagnostics}", input.name);
                assert_positioned(&input.name, text, &diagnostics);
            }
        }
    });
    assert!(seeds >= 2);
}

#[test]
fn redact() {
    // The fuzz target's property, with one planted secret (built by concatenation, so the
    // repository holds no real-looking key): it never survives, and redacting twice changes
    // nothing more.
    let key = format!("{}{}", "AKIA", "Q3ZL7RTW2XNB5KJD");
    let (_, seeds) = replay("redact", &seeds("redact"), |input| {
        let text = String::from_utf8_lossy(&input.data);
        let planted = format!("{text}\naws_access_key_id = {key}\n");
        let once = kaizen_secrets::redact(&planted);
        assert!(!once.contains(&key), "{}: a planted secret survived redaction", input.name);
        assert_eq!(kaizen_secrets::redact(&once), once, "{}: redaction is not idempotent", input.name);
    });
    assert!(seeds >= 1);
}
