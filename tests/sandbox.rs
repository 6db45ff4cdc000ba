//! The sandbox's promises, each kept against a real misbehaving plugin built from source in
//! plugins/test-programs/: the exact error kind, within twice its limit, while a friendly plugin in
//! the same run still produces its findings.

use crate::support::{self, test_plugin};
use kaizen::collect::Target;
use kaizen::judge;
use kaizen::plugin::registry::load_plugin_dir;
use kaizen::plugin::{ErrorKind, Registry, Runtime, RuntimeOptions, Status};
use std::time::{Duration, Instant};

const HOSTILE: &[(&str, ErrorKind)] = &[
    ("sandbox_infinite_loop", ErrorKind::Timeout),
    ("sandbox_sleep", ErrorKind::Timeout),
    ("sandbox_memory_grow", ErrorKind::Memory),
    ("sandbox_stdout_flood", ErrorKind::OutputLimit),
    ("sandbox_stderr_flood", ErrorKind::OutputLimit),
    ("sandbox_exit_3", ErrorKind::Exit),
    ("sandbox_trap", ErrorKind::Trap),
    ("sandbox_invalid_json", ErrorKind::InvalidOutput),
    ("sandbox_api_mismatch", ErrorKind::ApiMismatch),
    ("sandbox_manifest_api_99", ErrorKind::ApiMismatch),
    ("sandbox_undeclared_check", ErrorKind::UndeclaredCheck),
    ("sandbox_stack_overflow", ErrorKind::Trap),
    ("sandbox_alloc_then_flood", ErrorKind::OutputLimit),
    ("sandbox_spin_read", ErrorKind::Timeout),
    ("sandbox_poll_oneoff", ErrorKind::Timeout),
    ("sandbox_million_findings", ErrorKind::OutputLimit),
    ("sandbox_invalid_utf8", ErrorKind::InvalidOutput),
];

/// Hostile plugins that run to a clean exit: the host refuses what they try, or sanitises
/// what they return, and their run counts as a success.
const SURVIVED: &[&str] =
    &["sandbox_read_outside", "sandbox_write_repo", "sandbox_sock_symlink", "sandbox_evidence_outside"];

/// A request as `assess` would write it, for invoking a plugin directly.
const REQUEST: &[u8] =
    br#"{"api":1,"plugin":{"id":"p","version":"0"},"target":{"name":"t","kind":"directory","root":"/repo"}}"#;

/// A repository with a README, a file beside it (outside) and a symlink pointing there.
fn repo_with_outside() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    support::write_files(
        dir.path(),
        &[("repo/README.md", "# Hello\n"), ("outside.txt", "secret outside the target\n")],
    );
    std::os::unix::fs::symlink("../outside.txt", repo.join("escape")).unwrap();
    (dir, repo)
}

fn registry_of(names: &[&str]) -> Registry {
    let mut registry = Registry::empty();
    for name in names {
        registry.add_dir(&test_plugin(name)).unwrap();
    }
    registry
}

fn runtime() -> Runtime {
    Runtime::new(RuntimeOptions { cache_dir: Some(support::cache_dir().join("modules")), fixed_clock: None }).unwrap()
}

#[test]
fn every_hostile_plugin_fails_with_its_own_kind_and_the_friendly_one_still_works() {
    let (_dir, repo) = repo_with_outside();
    let mut names: Vec<&str> = HOSTILE.iter().map(|(n, _)| *n).collect();
    names.push("friendly");
    names.extend(SURVIVED);
    let registry = registry_of(&names);
    let target = Target::local(repo.to_str().unwrap()).unwrap();
    let result = judge::judge(&registry, &runtime(), &[target], &Default::default(), &|_| {});
    let t = &result.targets[0];

    for (name, kind) in HOSTILE {
        let errors: Vec<_> = t.errors.iter().filter(|e| e.plugin == *name).collect();
        assert_eq!(errors.len(), 1, "{name} must fail exactly once: {:#?}", t.errors);
        assert_eq!(errors[0].kind, *kind, "{name}: {:#?}", errors[0]);
        assert!(t.findings.iter().all(|f| f.plugin != *name), "{name} must contribute no findings");
    }
    assert_eq!(t.errors.len(), HOSTILE.len(), "only the hostile plugins fail: {:#?}", t.errors);

    let friendly: Vec<_> = t.findings.iter().filter(|f| f.plugin == "friendly").collect();
    assert_eq!(friendly.len(), 1);
    assert_eq!(friendly[0].status, Status::Pass);
    assert_eq!(friendly[0].evidence[0].path, "README.md");
    assert_eq!(friendly[0].evidence[0].line, Some(1));
    assert_eq!(t.facts["friendly.target"], "repo");
}

#[test]
fn errors_carry_the_plugin_id_and_the_tail_of_stderr() {
    let (_dir, repo) = repo_with_outside();
    let registry = registry_of(&["sandbox_exit_3", "sandbox_trap", "sandbox_api_mismatch", "sandbox_manifest_api_99"]);
    let result = judge::judge(
        &registry,
        &runtime(),
        &[Target::local(repo.to_str().unwrap()).unwrap()],
        &Default::default(),
        &|_| {},
    );
    let error = |id: &str| result.targets[0].errors.iter().find(|e| e.plugin == id).unwrap().clone();
    let exit = error("sandbox_exit_3");
    assert_eq!(exit.message, "exited with code 3");
    assert_eq!(exit.stderr, "sandbox_exit_3: giving up on purpose");
    assert!(error("sandbox_trap").message.contains("unreachable"), "{:?}", error("sandbox_trap"));
    assert!(error("sandbox_trap").stderr.contains("about to trap"));
    let api = error("sandbox_api_mismatch").message;
    assert!(api.contains("99") && api.contains("protocol version 1"), "{api}");
    let manifest = error("sandbox_manifest_api_99").message;
    assert!(manifest.contains("manifest declares protocol version 99"), "{manifest}");
}

#[test]
fn nothing_outside_the_repository_is_visible_and_nothing_inside_can_change() {
    let (_dir, repo) = repo_with_outside();
    let registry = registry_of(&["sandbox_read_outside", "sandbox_write_repo", "sandbox_sock_symlink"]);
    let result = judge::judge(
        &registry,
        &runtime(),
        &[Target::local(repo.to_str().unwrap()).unwrap()],
        &Default::default(),
        &|_| {},
    );
    let t = &result.targets[0];
    assert!(t.errors.is_empty(), "{:#?}", t.errors);
    let count = |id: &str| t.findings.iter().filter(|f| f.plugin == id).count();
    assert_eq!(count("sandbox_read_outside"), 8, "every attempt reported: {:#?}", t.findings);
    assert_eq!(count("sandbox_write_repo"), 7, "every attempt reported: {:#?}", t.findings);
    // Four socket calls on six descriptors, four symbolic links and one hard link.
    assert_eq!(count("sandbox_sock_symlink"), 6 * 4 + 4 + 1, "every attempt reported: {:#?}", t.findings);
    for f in &t.findings {
        assert_eq!(f.status, Status::Pass, "{}: {}", f.plugin, f.message);
    }
    assert_eq!(t.facts["sandbox.repo_readable"], true, "the repository itself stays readable");
    assert_repo_unchanged(&repo);
}

/// The repository of [`repo_with_outside`] as it was made: no file changed, none planted.
fn assert_repo_unchanged(repo: &std::path::Path) {
    assert_eq!(std::fs::read_to_string(repo.join("README.md")).unwrap(), "# Hello\n");
    let mut names: Vec<_> = std::fs::read_dir(repo).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["README.md", "escape"], "no file planted");
}

#[test]
fn evidence_outside_the_repository_is_dropped_with_a_warning_and_the_finding_kept() {
    let (_dir, repo) = repo_with_outside();
    let registry = registry_of(&["sandbox_evidence_outside"]);
    let result = judge::judge(
        &registry,
        &runtime(),
        &[Target::local(repo.to_str().unwrap()).unwrap()],
        &Default::default(),
        &|_| {},
    );
    let t = &result.targets[0];
    assert!(t.errors.is_empty(), "{:#?}", t.errors);
    assert_eq!(t.findings.len(), 2);
    let evidence = &t.findings[0].evidence;
    assert_eq!(evidence.len(), 1, "only the inside path is kept: {evidence:#?}");
    assert_eq!(evidence[0].path, "README.md");
    let dropped: Vec<_> = t.warnings.iter().filter(|w| w.contains("pointing outside the target")).collect();
    assert_eq!(dropped.len(), 10, "one warning per outside path: {:#?}", t.warnings);
    assert!(dropped.iter().all(|w| w.starts_with("sandbox_evidence_outside: dropped evidence of check `probe`")));
    assert!(dropped.iter().any(|w| w.contains("\"/etc/passwd\"")), "{dropped:#?}");
}

#[test]
fn a_million_findings_is_an_output_limit_and_fewer_are_cut_to_the_cap() {
    let (_dir, repo) = repo_with_outside();
    let registry = registry_of(&["sandbox_million_findings", "friendly"]);
    let target = Target::local(repo.to_str().unwrap()).unwrap();
    let million = judge::judge(&registry, &runtime(), std::slice::from_ref(&target), &Default::default(), &|_| {});
    let t = &million.targets[0];
    assert_eq!(t.errors.len(), 1, "{:#?}", t.errors);
    assert_eq!(t.errors[0].kind, ErrorKind::OutputLimit);
    assert_eq!(t.errors[0].message, "wrote more than 16777216 bytes to stdout");
    assert_eq!(t.findings.iter().filter(|f| f.plugin == "friendly").count(), 1);

    let mut options = judge::Options::default();
    options.plugin_config.insert("sandbox_million_findings".into(), serde_json::json!({"count": 100_000}));
    let fewer = judge::judge(&registry, &runtime(), &[target], &options, &|_| {});
    let t = &fewer.targets[0];
    assert!(t.errors.is_empty(), "{:#?}", t.errors);
    let kept: Vec<_> = t.findings.iter().filter(|f| f.plugin == "sandbox_million_findings").collect();
    assert_eq!(kept.len(), kaizen::plugin::MAX_FINDINGS);
    assert_eq!(
        kept.last().unwrap().message,
        (kaizen::plugin::MAX_FINDINGS - 1).to_string(),
        "the first ones, in order"
    );
    assert_eq!(
        t.warnings,
        ["sandbox_million_findings: dropped 90000 of its 100000 findings: Kaizen keeps at most 10000 per plugin and target"]
    );
    assert_eq!(t.findings.iter().filter(|f| f.plugin == "friendly").count(), 1);
}

#[test]
fn invalid_utf8_output_is_invalid_output_with_a_readable_stderr_tail() {
    let (_dir, repo) = repo_with_outside();
    let registry = registry_of(&["sandbox_invalid_utf8"]);
    let result = judge::judge(
        &registry,
        &runtime(),
        &[Target::local(repo.to_str().unwrap()).unwrap()],
        &Default::default(),
        &|_| {},
    );
    let e = &result.targets[0].errors[0];
    assert_eq!(e.kind, ErrorKind::InvalidOutput);
    assert_eq!(e.message, "stdout is not UTF-8 (invalid byte at offset 65)");
    assert_eq!(e.stderr, "sandbox_invalid_utf8: \u{fffd}\u{fffd}\u{fffd}(");
}

#[test]
fn each_limit_stops_its_plugin_within_twice_the_limit() {
    let (_dir, repo) = repo_with_outside();
    let runtime = runtime();
    let names = [
        "sandbox_infinite_loop",
        "sandbox_sleep",
        "sandbox_memory_grow",
        "sandbox_stdout_flood",
        "sandbox_stack_overflow",
        "sandbox_alloc_then_flood",
        "sandbox_spin_read",
        "sandbox_poll_oneoff",
        "sandbox_million_findings",
    ];
    for name in names {
        let plugin = load_plugin_dir(&test_plugin(name)).unwrap();
        let compiled = runtime.compile(plugin.wasm.as_ref().unwrap()).unwrap();
        let limits = plugin.manifest.limits;
        let started = Instant::now();
        let error = runtime.invoke(&compiled, REQUEST, &repo, &limits).unwrap_err();
        let elapsed = started.elapsed();
        assert!(
            elapsed < limits.timeout * 2,
            "{name} ended as {} after {elapsed:?}, beyond twice its {:?} limit",
            error.kind,
            limits.timeout
        );
        if error.kind == ErrorKind::Timeout {
            assert!(elapsed >= limits.timeout - Duration::from_millis(50), "{name} stopped early: {elapsed:?}");
        }
    }
}

#[test]
fn a_module_that_is_not_valid_or_lacks_start_or_imports_outside_wasi_is_a_load_error() {
    let (_dir, repo) = repo_with_outside();
    let plugins = tempfile::tempdir().unwrap();
    let manifest = |id: &str| {
        format!("id = \"{id}\"\nname = \"{id}\"\nversion = \"1\"\napi = 1\nwasm = \"{id}.wasm\"\n[[checks]]\nid = \"probe\"\ntitle = \"p\"\narea = \"testing\"\n")
    };
    let env_import = wat::parse_str(
        r#"(module (import "env" "system" (func)) (memory (export "memory") 1) (func (export "_start")))"#,
    )
    .unwrap();
    let cases: &[(&str, &[u8])] =
        &[("garbage", b"this is not wasm"), ("no_start", b"\0asm\x01\0\0\0"), ("env_import", &env_import)];
    for (id, wasm) in cases {
        support::write_files(plugins.path(), &[(&format!("{id}/plugin.toml"), &manifest(id))]);
        std::fs::write(plugins.path().join(id).join(format!("{id}.wasm")), wasm).unwrap();
    }
    support::write_files(plugins.path(), &[("missing/plugin.toml", &manifest("missing"))]);
    let mut registry = registry_of(&["friendly"]);
    registry.add_dir(plugins.path()).unwrap();
    let result = judge::judge(
        &registry,
        &runtime(),
        &[Target::local(repo.to_str().unwrap()).unwrap()],
        &Default::default(),
        &|_| {},
    );
    let t = &result.targets[0];
    let kinds: Vec<_> = t.errors.iter().map(|e| (e.plugin.as_str(), e.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("env_import", ErrorKind::Load),
            ("garbage", ErrorKind::Load),
            ("missing", ErrorKind::Load),
            ("no_start", ErrorKind::Load)
        ]
    );
    let message = |id: &str| &t.errors.iter().find(|e| e.plugin == id).unwrap().message;
    assert!(message("env_import").contains("env::system"));
    assert!(message("no_start").contains("_start"));
    assert!(message("missing").contains("missing.wasm"));
    assert!(t.findings.iter().any(|f| f.plugin == "friendly"));
}

#[test]
fn limits_hold_with_eight_targets_and_every_hostile_plugin_in_parallel() {
    let dirs: Vec<_> = (0..8).map(|_| repo_with_outside()).collect();
    let targets: Vec<_> = dirs.iter().map(|(_, repo)| Target::local(repo.to_str().unwrap()).unwrap()).collect();
    let mut names: Vec<&str> = HOSTILE.iter().map(|(n, _)| *n).collect();
    names.push("friendly");
    names.extend(SURVIVED);
    let registry = registry_of(&names);
    let result = judge::judge(&registry, &runtime(), &targets, &Default::default(), &|_| {});
    assert_eq!(result.targets.len(), 8);
    for ((_, repo), t) in dirs.iter().zip(&result.targets) {
        // Every plugin accounted for: the hostile ones failed with their own kind...
        let mut kinds: Vec<_> = t.errors.iter().map(|e| (e.plugin.as_str(), e.kind)).collect();
        kinds.sort_by_key(|(plugin, _)| *plugin);
        let mut expected = HOSTILE.to_vec();
        expected.sort_by_key(|(plugin, _)| *plugin);
        assert_eq!(kinds, expected, "target {}", t.name);
        // ... each within its limit ...
        for e in &t.errors {
            let limits = load_plugin_dir(&test_plugin(&e.plugin)).unwrap().manifest.limits;
            match e.kind {
                ErrorKind::Timeout => {
                    let stopped: u128 =
                        e.message.rsplit("after ").next().unwrap().trim_end_matches(" ms)").parse().unwrap();
                    assert!(stopped < limits.timeout.as_millis() * 2, "{}: {}", e.plugin, e.message);
                }
                ErrorKind::Memory => {
                    assert!(e.message.contains(&format!("{} MiB", limits.memory_bytes >> 20)), "{}", e.message)
                }
                ErrorKind::OutputLimit => assert!(
                    e.message.contains(&format!("more than {} bytes", limits.stdout_bytes))
                        || e.message.contains(&format!("more than {} bytes", limits.stderr_bytes)),
                    "{}",
                    e.message
                ),
                _ => {}
            }
        }
        // ... and the others completed: the friendly one judged, the sandbox held.
        assert_eq!(t.findings.iter().filter(|f| f.plugin == "friendly").count(), 1, "target {}", t.name);
        assert_eq!(t.facts["friendly.target"], "repo");
        for plugin in ["sandbox_read_outside", "sandbox_write_repo", "sandbox_sock_symlink"] {
            let findings: Vec<_> = t.findings.iter().filter(|f| f.plugin == plugin).collect();
            assert!(!findings.is_empty(), "{plugin} on {}", t.name);
            assert!(findings.iter().all(|f| f.status == Status::Pass), "{plugin}: {findings:#?}");
        }
        let outside = t.findings.iter().find(|f| f.plugin == "sandbox_evidence_outside").unwrap();
        assert_eq!(outside.evidence.len(), 1);
        assert_repo_unchanged(repo);
    }
}

#[test]
fn the_guest_clock_can_be_fixed_for_reproducible_runs() {
    let (_dir, repo) = repo_with_outside();
    let registry = registry_of(&["sandbox_clock"]);
    let fixed = Runtime::new(RuntimeOptions { cache_dir: None, fixed_clock: Some(1_700_000_000) }).unwrap();
    let target = Target::local(repo.to_str().unwrap()).unwrap();
    let result = judge::judge(&registry, &fixed, std::slice::from_ref(&target), &Default::default(), &|_| {});
    assert_eq!(result.targets[0].facts["sandbox.wall_clock_secs"], 1_700_000_000u64);
    let real = judge::judge(&registry, &runtime(), &[target], &Default::default(), &|_| {});
    assert!(real.targets[0].facts["sandbox.wall_clock_secs"].as_u64().unwrap() > 1_700_000_000);
}

#[test]
fn compiled_modules_are_cached_by_hash_and_a_corrupt_entry_is_recompiled() {
    let cache = tempfile::tempdir().unwrap();
    let runtime =
        Runtime::new(RuntimeOptions { cache_dir: Some(cache.path().to_path_buf()), fixed_clock: None }).unwrap();
    let plugin = load_plugin_dir(&test_plugin("friendly")).unwrap();
    let wasm = plugin.wasm.as_ref().unwrap();
    runtime.compile(wasm).unwrap();
    let entries: Vec<_> = std::fs::read_dir(cache.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let name = entries[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.starts_with(&plugin.sha256) && name.ends_with(".cwasm"), "{name}");

    std::fs::write(&entries[0], b"not native code").unwrap();
    let (_dir, repo) = repo_with_outside();
    let compiled = runtime.compile(wasm).unwrap();
    let request = br#"{"api":1,"plugin":{"id":"friendly","version":"0"},"target":{"name":"t","kind":"directory","root":"/repo"}}"#;
    let out = runtime.invoke(&compiled, request, &repo, &plugin.manifest.limits).unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"findings\""));
    assert!(std::fs::metadata(&entries[0]).unwrap().len() > 1000, "the corrupt entry is replaced");
}
