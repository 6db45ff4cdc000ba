//! The answers-file loader (`--answers`, the interview's resume): any text, read against
//! the default model, loads or is refused with diagnostics that render and point inside
//! the text; never a panic.
#![no_main]
mod diagnostics;

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
        diagnostics::assert_inside(text, &diagnostics);
    }
});
