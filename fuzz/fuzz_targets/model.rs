//! The maturity-model loader (`--model`, `kaizen model check`): any text loads or is
//! refused with diagnostics that render and point inside the text; never a panic. A model
//! that loads has what scoring relies on: unique practice ids, dependencies that exist.
#![no_main]
mod diagnostics;

use kaizen::model::Catalogue;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::builtin().expect("the built-in plugins load"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match kaizen::model::load(Path::new("model.toml"), text, catalogue()) {
        Ok(model) => {
            let ids: BTreeSet<_> = model.practices.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(ids.len(), model.practices.len(), "duplicate practice ids accepted");
            for practice in &model.practices {
                for dependency in &practice.depends_on {
                    assert!(ids.contains(dependency.as_str()), "unknown dependency {dependency} accepted");
                }
            }
        }
        Err(diagnostics) => diagnostics::assert_inside(text, &diagnostics),
    }
});
