//! The plugin response parser: any stdout a plugin writes is either accepted, with every
//! evidence path inside the target and the caps held, or refused with an error kind; never
//! a panic.
#![no_main]
use kaizen::plugin::{protocol, read_response, Manifest, MAX_EVIDENCE, MAX_FINDINGS};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        Manifest::parse(
            Path::new("plugin.toml"),
            "id = \"f\"\nname = \"f\"\nversion = \"1\"\napi = 1\nwasm = \"f.wasm\"\n\
             [[facts]]\nname = \"f.count\"\n[[checks]]\nid = \"ok\"\ntitle = \"ok\"\narea = \"testing\"\n",
        )
        .expect("the fuzz manifest is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let (stdout, stderr) = data.split_at(data.len() / 8 * 7);
    if let Ok(judgement) = read_response(manifest(), stdout, stderr) {
        assert!(judgement.findings.len() <= MAX_FINDINGS);
        for finding in &judgement.findings {
            assert!(finding.evidence.len() <= MAX_EVIDENCE);
            for evidence in &finding.evidence {
                assert!(protocol::is_inside_path(&evidence.path), "{:?}", evidence.path);
            }
        }
    }
});
