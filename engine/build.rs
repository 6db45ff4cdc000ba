//! Embeds the built-in plugins of `plugins/dist/` (manifest and module of each) so that
//! `cargo run` and `cargo test` need no WebAssembly toolchain.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut plugins = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dist) {
        for entry in entries.flatten() {
            let manifest = entry.path().join("plugin.toml");
            let Ok(text) = std::fs::read_to_string(&manifest) else {
                continue;
            };
            println!("cargo:rerun-if-changed={}", entry.path().display());
            println!("cargo:rerun-if-changed={}", manifest.display());
            // The full manifest is validated at run time; here only the module's name is needed.
            let wasm = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("wasm").map(|r| r.trim_start()).and_then(|r| r.strip_prefix('=')))
                .map(|v| v.trim().trim_matches('"').to_owned())
                .unwrap_or_else(|| panic!("{} has no `wasm = \"…\"` line", manifest.display()));
            let module = entry.path().join(&wasm);
            println!("cargo:rerun-if-changed={}", module.display());
            assert!(
                module.is_file(),
                "{} names {wasm}, which is missing: run scripts/build-plugins.sh",
                manifest.display()
            );
            let id = entry.file_name().to_string_lossy().into_owned();
            plugins.push((id, manifest, module));
        }
    }
    plugins.sort();
    let mut out = String::from("/// The built-in plugins: id, manifest text and module bytes.\n");
    out.push_str("pub static PLUGINS: &[(&str, &str, &[u8])] = &[\n");
    for (id, manifest, module) in &plugins {
        writeln!(
            out,
            "    ({id:?}, include_str!({:?}), include_bytes!({:?})),",
            manifest.display().to_string(),
            module.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_plugins.rs");
    std::fs::write(target, out).unwrap();
}
