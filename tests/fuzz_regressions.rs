//! Inputs the fuzzers (and the hostile-input tests) found, kept as regression inputs:
//! `fuzz/regressions/<target>/<case>` holds the bytes a fuzz target of `fuzz/` was given,
//! replayed here on stable Rust through the same library calls, so a fix stays fixed
//! without nightly. Add a file when a fuzzer finds something (see book/src/contributing.md).

use crate::support::root;
use std::path::Path;

fn cases(target: &str) -> Vec<(String, Vec<u8>)> {
    files(&root().join("fuzz/regressions").join(target))
}

/// The seed inputs of a target (`fuzz/seeds/<target>/`).
fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let seeds = files(&root().join("fuzz/seeds").join(target));
    assert!(!seeds.is_empty(), "no seeds for {target}");
    seeds
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
    use kaizen::parse::{parse, Format};
    let all = cases("parse_documents");
    assert!(!all.is_empty());
    for (name, data) in all {
        on_worker_stack(&name.clone(), move || {
            let Some((&pick, bytes)) = data.split_first() else { return };
            let docs = parse(Format::ALL[usize::from(pick) % Format::ALL.len()], bytes);
            assert!(!docs.is_empty(), "{name}");
        });
    }
}

#[test]
fn plugin_response() {
    let manifest = kaizen::plugin::Manifest::parse(
        Path::new("plugin.toml"),
        "id = \"f\"\nname = \"f\"\nversion = \"1\"\napi = 1\nwasm = \"f.wasm\"\n\
         [[facts]]\nname = \"f.count\"\n[[checks]]\nid = \"ok\"\ntitle = \"ok\"\narea = \"testing\"\n",
    )
    .unwrap();
    for (name, data) in cases("plugin_response") {
        let (stdout, stderr) = data.split_at(data.len() / 8 * 7);
        if let Ok(judgement) = kaizen::plugin::read_response(&manifest, stdout, stderr) {
            for evidence in judgement.findings.iter().flat_map(|f| &f.evidence) {
                assert!(kaizen::plugin::protocol::is_inside_path(&evidence.path), "{name}");
            }
        }
    }
}

#[test]
fn pipeline_import() {
    let matcher = kaizen::collect::pipelines::DeployPatterns::default().compile().unwrap();
    for (name, data) in cases("pipeline_import") {
        if let Ok(text) = std::str::from_utf8(&data) {
            let _ = kaizen::collect::pipelines::import_text(Path::new(&name), text, &matcher);
        }
    }
}

#[test]
fn assessment_file() {
    for (name, data) in cases("assessment_file") {
        if let Ok(text) = std::str::from_utf8(&data) {
            if let Err(diagnostics) = kaizen::config::AssessmentFile::parse(Path::new(&name), text) {
                assert!(!diagnostics.to_string().is_empty(), "{name}");
            }
        }
    }
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
    for (name, data) in cases("model") {
        let Ok(text) = std::str::from_utf8(&data) else { continue };
        if let Err(diagnostics) = kaizen::model::load(Path::new(&name), text, &catalogue) {
            assert_positioned(&name, text, &diagnostics);
        }
    }
    // The seeds are valid models: the fuzzer starts from inputs that get past the syntax.
    for (name, data) in seeds("model") {
        let text = String::from_utf8(data).unwrap();
        kaizen::model::load(Path::new(&name), &text, &catalogue).unwrap_or_else(|e| panic!("seed {name}: {e}"));
    }
}

#[test]
fn answers() {
    let catalogue = kaizen::model::Catalogue::builtin().unwrap();
    let path = root().join("questionnaires/devops.toml");
    let model = kaizen::model::load(&path, &std::fs::read_to_string(&path).unwrap(), &catalogue).unwrap();
    for (name, data) in cases("answers") {
        let Ok(text) = std::str::from_utf8(&data) else { continue };
        if let Err(diagnostics) = kaizen::model::answers::Answers::parse(Path::new(&name), text, &model) {
            assert_positioned(&name, text, &diagnostics);
        }
    }
    for (name, data) in seeds("answers") {
        let text = String::from_utf8(data).unwrap();
        kaizen::model::answers::Answers::parse(Path::new(&name), &text, &model)
            .unwrap_or_else(|e| panic!("seed {name}: {e}"));
    }
}

#[test]
fn redact() {
    for (name, data) in cases("redact") {
        let text = String::from_utf8_lossy(&data);
        let once = kaizen_secrets::redact(&text);
        assert_eq!(kaizen_secrets::redact(&once), once, "{name}: redaction is not idempotent");
    }
}
