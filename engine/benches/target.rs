//! Where the time of one small repository goes: a repository of the generated organisation
//! (scripts/gen-org.sh) walked, its git history read, and assessed whole with every
//! built-in plugin, the runtime and the compiled modules already in place, as for the
//! second and later targets of an assessment.
//!
//! Run with `cargo bench --bench target` (scripts/bench.sh runs it with the others).

use criterion::{criterion_group, criterion_main, Criterion};
use kaizen::collect::git::{self, GitOptions};
use kaizen::collect::Target;
use kaizen::collect::{Inventory, WalkOptions};
use kaizen::judge;
use kaizen::plugin::{Registry, Runtime, RuntimeOptions};
use std::path::Path;

fn target(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let org = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new(root.join("scripts/gen-org.sh"))
        .arg(org.path())
        .arg("1")
        .status()
        .expect("gen-org.sh runs");
    assert!(status.success());
    let repo = org.path().join("repo-0001");
    let registry = Registry::builtin().expect("built-ins");
    let cache = tempfile::tempdir().expect("temp dir");
    let runtime = Runtime::new(RuntimeOptions { cache_dir: Some(cache.path().to_path_buf()), fixed_clock: None })
        .expect("runtime");
    let targets = [Target::local(repo.to_str().expect("UTF-8 path")).expect("target")];
    let now = jiff::Timestamp::now().as_second();

    let mut group = c.benchmark_group("target");
    group.sample_size(30);
    group.bench_function("walk", |b| b.iter(|| Inventory::walk(&repo, WalkOptions::default())));
    group.bench_function("git_facts", |b| b.iter(|| git::collect(&repo, GitOptions::new(now)).expect("git facts")));
    group.bench_function("assess_all_builtin_plugins", |b| {
        b.iter(|| {
            let result = judge::judge(&registry, &runtime, &targets, &Default::default(), &|_| {});
            assert!(result.targets[0].errors.is_empty(), "{:?}", result.targets[0].errors);
        })
    });
    group.finish();
}

criterion_group!(benches, target);
criterion_main!(benches);
