//! Each kind of evidence reaches the plugins that declare it, and only those: pipeline runs
//! go to plugins with `pipelines = true`; a cloud inventory is a target of its own, judged
//! only by plugins with `cloud = true`.

use crate::support::{self, test_plugin};
use kaizen::collect::aws::Inventory;
use kaizen::collect::pipelines::PipelineRuns;
use kaizen::collect::Target;
use kaizen::judge;
use kaizen::plugin::{Registry, Runtime, RuntimeOptions};
use serde_json::json;

fn registry() -> Registry {
    let mut registry = Registry::empty();
    for plugin in ["evidence_echo", "git_echo", "friendly"] {
        registry.add_dir(&test_plugin(plugin)).unwrap();
    }
    registry
}

fn runtime() -> Runtime {
    Runtime::new(RuntimeOptions { cache_dir: Some(support::cache_dir().join("modules")), fixed_clock: None }).unwrap()
}

#[test]
fn pipeline_runs_reach_the_plugins_that_declare_them() {
    let dir = support::copy_fixture("assess/none");
    let runs: PipelineRuns = serde_json::from_value(json!({ "sources": [], "summary": {
        "runs": { "total": 1, "unfinished": 0, "success": 1, "failure": 0, "cancelled": 0, "skipped": 0, "timed_out": 0,
                  "action_required": 0, "neutral": 0 },
        "deployments": { "total": 0, "unfinished": 0, "success": 0, "failure": 0, "cancelled": 0, "skipped": 0,
                         "timed_out": 0, "action_required": 0, "neutral": 0 } },
      "runs": [{ "source": "github-actions", "id": "1", "workflow": "Deploy", "status": "completed",
                 "conclusion": "success", "created_at": "2026-01-01T00:00:00Z", "deployment": false }] }))
    .unwrap();
    let mut with_runs = Target::local(dir.path().to_str().unwrap()).unwrap();
    with_runs.pipelines = Some(runs.clone());
    let without = Target { name: "no-runs".into(), pipelines: None, ..with_runs.clone() };
    let result = judge::judge(&registry(), &runtime(), &[with_runs, without], &Default::default(), &|_| {});
    let [a, b] = &result.targets[..] else { panic!("two targets") };
    assert!(a.errors.is_empty() && b.errors.is_empty(), "{:#?}", (&a.errors, &b.errors));
    assert_eq!(a.facts["echo.pipelines"], serde_json::to_value(&runs).unwrap());
    assert_eq!(b.facts["echo.pipelines"], serde_json::Value::Null, "no source: the field is absent");
    assert_eq!(a.facts["echo.cloud"], serde_json::Value::Null);
    assert!(a.facts.contains_key("friendly.target"), "file plugins still run on repositories: {:?}", a.facts.keys());
}

#[test]
fn a_cloud_inventory_is_a_target_judged_only_by_cloud_plugins() {
    let empty = tempfile::tempdir().unwrap();
    let inventory = Inventory {
        kind: "kaizen-aws-inventory".into(),
        version: 1,
        account_id: "123456789012".into(),
        ..Inventory::default()
    };
    let target = Target::cloud("inventories/prod.json", "aws-123456789012".into(), inventory.clone(), empty.path());
    let mut planned = std::sync::atomic::AtomicUsize::new(0);
    let count = |p: judge::Progress| {
        if let judge::Progress::Planned(n) = p {
            planned.store(n, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let result = judge::judge(&registry(), &runtime(), &[target], &Default::default(), &count);
    assert_eq!(*planned.get_mut(), 1, "only evidence_echo runs on a cloud account");
    let t = &result.targets[0];
    assert_eq!(
        (t.name.as_str(), t.kind.as_str(), t.path.as_str()),
        ("aws-123456789012", "cloud", "inventories/prod.json")
    );
    assert_eq!(t.facts["echo.cloud"], serde_json::to_value(&inventory).unwrap());
    assert_eq!(t.facts["echo.kind"], "cloud");
    let plugins: std::collections::BTreeSet<_> = t.facts.keys().map(|k| k.split('.').next().unwrap()).collect();
    assert_eq!(plugins.into_iter().collect::<Vec<_>>(), ["echo"], "{:?}", t.facts.keys());
    assert!(!t.facts.contains_key("echo.git"));
}
