//! The answers-file loader (`--answers`, the interview's resume): any text, read against
//! the default model, loads or is refused with diagnostics that render and point inside
//! the text; never a panic.
#![no_main]
use kaizen::model::{answers::Answers, Catalogue, Model};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let source = include_str!("../../questionnaires/devops.toml");
        let catalogue = Catalogue::builtin().expect("the built-in plugins load");
        kaizen::model::load(Path::new("devops.toml"), source, &catalogue).expect("the default model is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(diagnostics) = Answers::parse(Path::new("answers.toml"), text, model()) {
        assert!(!diagnostics.0.is_empty());
        let lines = text.lines().count().max(1) + 1;
        for d in &diagnostics.0 {
            if let Some(line) = d.line {
                assert!((1..=lines).contains(&line), "line {line} outside the text: {d}");
            }
        }
        let _ = diagnostics.to_string();
    }
});
