//! Per-invocation overhead of the sandbox: a trivial plugin (`friendly`, which reads its
//! request, looks for a README and answers) run again and again on a tiny repository.
//! Everything but the store, the instance and the plugin's own work is done once, outside
//! the measured loop, as in an assessment.
//!
//! Run with `cargo bench --bench invoke` (scripts/bench.sh runs it with the others).

use criterion::{criterion_group, criterion_main, Criterion};
use kaizen::plugin::registry::load_plugin_dir;
use kaizen::plugin::{Runtime, RuntimeOptions};
use std::path::Path;

fn invoke(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let plugin = load_plugin_dir(&root.join("tests/plugins/dist/friendly")).expect("friendly plugin");
    let runtime = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let compiled = runtime.compile(plugin.wasm.as_ref().expect("module")).expect("compiles");
    let repo = tempfile::tempdir().expect("temp dir");
    std::fs::write(repo.path().join("README.md"), "# Bench\n").expect("write");
    let request = serde_json::json!({
        "api": 1,
        "kaizen_version": env!("CARGO_PKG_VERSION"),
        "plugin": {"id": "friendly", "version": "0.1.0"},
        "target": {"name": "bench", "kind": "directory", "root": "/repo"},
        "files": [{"path": "README.md", "size": 8}],
        "documents": [],
        "config": {}
    });
    let request = serde_json::to_vec(&request).expect("json");
    let limits = plugin.manifest.limits;

    let mut group = c.benchmark_group("plugin");
    group.sample_size(200);
    group.bench_function("invoke_trivial_plugin", |b| {
        b.iter(|| {
            let out = runtime.invoke(&compiled, &request, repo.path(), &limits).expect("plugin runs");
            assert!(!out.stdout.is_empty());
        })
    });
    group.bench_function("compile_ci_plugin_uncached", |b| {
        let ci = kaizen::plugin::Registry::builtin().expect("built-ins");
        let wasm = ci.get("ci").expect("ci plugin").wasm.as_ref().expect("module").clone();
        b.iter(|| runtime.compile(&wasm).expect("compiles"))
    });
    group.finish();
}

criterion_group!(benches, invoke);
criterion_main!(benches);
