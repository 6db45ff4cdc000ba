//! The pipeline-run importers (GitHub, GitLab, CodePipeline, Kaizen's own files): any text
//! is imported or refused with a positioned error; never a panic.
#![no_main]
use kaizen::collect::pipelines::{import_text, DeployMatcher, DeployPatterns};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn matcher() -> &'static DeployMatcher {
    static MATCHER: OnceLock<DeployMatcher> = OnceLock::new();
    MATCHER.get_or_init(|| DeployPatterns::default().compile().expect("the default patterns compile"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = import_text(Path::new("runs.json"), text, matcher());
    }
});
