//! The assessment-file loader (`kaizen.toml`): any text loads or is refused with
//! diagnostics that render; never a panic. (The maturity model and the answers file have
//! their own targets, `model` and `answers`.)
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(diagnostics) = kaizen::config::AssessmentFile::parse(Path::new("kaizen.toml"), text) {
            let _ = diagnostics.to_string();
        }
    }
});
