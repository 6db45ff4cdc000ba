//! `--shard I/N` and `kaizen merge`: the merged shards give the unsharded result.

use crate::support::{copy_tree, kaizen, root, run};
use serde_json::Value;
use std::path::Path;

fn organisation() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::from("[organisation]\nname = \"Example Corp\"\n");
    // Twenty-two targets from the four CI fixtures, two teams, and one remote that fails.
    let fixtures = ["github-actions", "gitlab-ci", "jenkins", "none"];
    for (i, fixture) in (0..22).map(|i| (i, fixtures[i % fixtures.len()])) {
        let name = format!("svc-{i}-{fixture}");
        let from = root().join("tests/assess").join(fixture);
        copy_tree(&from, &dir.path().join(&name));
        let team = if i % 2 == 0 { "red" } else { "blue" };
        toml.push_str(&format!("\n[[targets]]\npath = \"{name}\"\nlabels = {{ team = \"{team}\" }}\n"));
    }
    // A remote that cannot be cloned: listed as not assessed, in its place.
    let missing = dir.path().join("missing.git");
    toml.push_str(&format!("\n[[targets]]\nurl = \"file://{}\"\n", missing.display()));
    std::fs::write(dir.path().join("kaizen.toml"), toml).unwrap();
    dir
}

fn assess(dir: &Path, out: &str, extra: &[&str]) {
    let output =
        run(kaizen().current_dir(dir).args(["assess", "--only", "ci,security", "-q", "--out", out]).args(extra));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The result without what differs between runs: when and how long.
fn without_timings(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("started_at");
    o.remove("duration_ms");
    v
}

/// The `coverage`, `progress` and `score` figures of a result whose shortest decimal form
/// has 16 or more significant digits.
fn long_ratios(value: &Value, found: &mut Vec<f64>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::Number(n) if ["coverage", "progress", "score"].contains(&key.as_str()) => {
                        let digits = n.to_string().chars().filter(char::is_ascii_digit).count();
                        if digits >= 17 {
                            found.push(n.as_f64().unwrap());
                        }
                    }
                    other => long_ratios(other, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| long_ratios(v, found)),
        _ => {}
    }
}

#[test]
fn merging_the_shards_gives_the_unsharded_result() {
    let dir = organisation();
    assess(dir.path(), "all", &[]);
    for i in 1..=3 {
        assess(dir.path(), &format!("part-{i}"), &["--shard", &format!("{i}/3")]);
    }
    let parts: Vec<Value> = (1..=3).map(|i| read(&dir.path().join(format!("part-{i}/result.json")))).collect();
    let sizes: Vec<usize> = parts
        .iter()
        .map(|p| p["targets"].as_array().unwrap().len() + p["unavailable"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 23);
    assert!(sizes.iter().all(|n| (7..=8).contains(n)), "balanced: {sizes:?}");
    assert_eq!(parts[1]["shard"]["index"], 2);

    // Merged in any order of the parts.
    let output = run(kaizen().current_dir(dir.path()).args([
        "merge",
        "part-3/result.json",
        "part-1/result.json",
        "part-2/result.json",
        "--out",
        "merged",
    ]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let all = read(&dir.path().join("all/result.json"));
    let merged = read(&dir.path().join("merged/result.json"));
    assert_eq!(all["unavailable"].as_array().unwrap().len(), 1);
    assert!(merged.get("shard").is_none());
    // Ratios such as 5/11 read back from the parts must be the very figures written (issue
    // 21: `0.45454545454545453` came back as `0.4545454545454546`): the comparison below
    // covers such figures only if the result has some.
    let mut long = Vec::new();
    long_ratios(&all, &mut long);
    let read_back: f64 = serde_json::from_str(&serde_json::to_string(&(5.0_f64 / 11.0)).unwrap()).unwrap();
    assert_eq!(read_back, 5.0 / 11.0, "serde_json reads floats back exactly (its float_roundtrip feature)");
    assert!(long.len() >= 5, "figures that need 16 or more digits: {long:?}");
    assert_eq!(without_timings(merged), without_timings(all));
    // The reports too, apart from the line with the date and duration.
    let report = |p: &str| -> Vec<String> {
        std::fs::read_to_string(dir.path().join(p))
            .unwrap()
            .lines()
            .filter(|l| !l.contains(" assessed by Kaizen "))
            .map(String::from)
            .collect()
    };
    assert_eq!(report("merged/report.md"), report("all/report.md"));
}

#[test]
fn merge_refuses_incomplete_or_mixed_shards() {
    let dir = organisation();
    assess(dir.path(), "a1", &["--shard", "1/2"]);
    assess(dir.path(), "a2", &["--shard", "2/2"]);
    assess(dir.path(), "b1", &["--shard", "1/3"]);
    assess(dir.path(), "whole", &[]);
    let merge = |parts: &[&str]| {
        let output = run(kaizen().current_dir(dir.path()).arg("merge").args(parts).args(["--out", "m"]));
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    assert!(merge(&["a1/result.json"]).contains("shards 2 of 2 are missing"));
    assert!(merge(&["a1/result.json", "a1/result.json", "a2/result.json"])
        .contains("a1/result.json: shard 1 is given twice"));
    assert!(merge(&["a1/result.json", "b1/result.json"])
        .contains("b1/result.json: the number of shards differs from a1/result.json's; the shards are not from the same assessment"));
    assert!(merge(&["whole/result.json"]).contains("whole/result.json: not a shard's result"));
    let bad = run(kaizen().current_dir(dir.path()).args(["assess", "--shard", "3/2"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`3/2` is not a shard: write I/N with 1 ≤ I ≤ N"));
}

/// More shards than targets: a shard with nothing to assess writes an empty part (all its
/// reports), and the parts still merge into the unsharded result, as the Kubernetes
/// example's `completions: 8` does with fewer targets.
#[test]
fn a_shard_with_no_target_writes_an_empty_part_that_merges() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = ["github-actions", "gitlab-ci", "jenkins", "none", "github-actions"];
    let mut names = Vec::new();
    for (i, fixture) in fixtures.iter().enumerate() {
        let name = format!("svc-{i}");
        copy_tree(&root().join("tests/assess").join(fixture), &dir.path().join(&name));
        names.push(name);
    }
    let assess = |out: &str, extra: &[&str]| {
        let output = run(kaizen()
            .current_dir(dir.path())
            .args(["assess", "--only", "ci", "-q", "--out", out])
            .args(&names)
            .args(extra));
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    };
    assess("all", &[]);
    for i in 1..=6 {
        assess(&format!("part-{i}"), &["--shard", &format!("{i}/6")]);
    }
    let empty = read(&dir.path().join("part-6/result.json"));
    assert_eq!(empty["targets"].as_array().map(Vec::len), Some(0), "five targets, six shards: the sixth is empty");
    let md = std::fs::read_to_string(dir.path().join("part-6/report.md")).unwrap();
    assert!(md.contains("0 targets assessed by Kaizen"), "{md}");
    assert!(dir.path().join("part-6/report.html").is_file());

    let mut merge = kaizen();
    merge.current_dir(dir.path()).arg("merge");
    for i in (1..=6).rev() {
        merge.arg(format!("part-{i}/result.json"));
    }
    let output = run(merge.args(["--out", "merged"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        without_timings(read(&dir.path().join("merged/result.json"))),
        without_timings(read(&dir.path().join("all/result.json")))
    );
}
