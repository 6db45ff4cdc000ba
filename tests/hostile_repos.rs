//! Hostile repositories, assessed end to end with every built-in plugin by the `kaizen`
//! binary: the assessment finishes with every target's result, reports what it skipped and
//! why, and nothing outside a target is read (files outside hold a canary that would show
//! in result.json or report.md, or change a fact, if anything read them).

use crate::support::{git_at, kaizen, run, target, write_files};
use serde_json::Value;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;

const CANARY: &str = "CANARY-OUTSIDE-THE-TARGET";
const T0: i64 = 1_700_000_000;

/// Files outside every target: a workflow, a Dockerfile and a secret, each with the canary.
fn outside(dir: &Path) {
    write_files(
        dir,
        &[
            (
                "outside/.github/workflows/ci.yml",
                &format!("name: {CANARY}\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test # {CANARY}\n"),
            ),
            ("outside/Dockerfile", &format!("FROM {CANARY}:latest\n")),
            ("outside/secret.txt", &format!("{CANARY}\n")),
        ],
    );
}

struct Assessed {
    result: Value,
    report: String,
    stderr: String,
}

fn assess(targets: &[&Path]) -> Assessed {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = kaizen();
    cmd.arg("assess").arg("--quiet").arg("--out").arg(out.path());
    cmd.args(targets);
    let output = run(&mut cmd);
    assert_eq!(output.status.code(), Some(0), "the assessment finishes");
    let result = serde_json::from_slice(&std::fs::read(out.path().join("result.json")).unwrap()).unwrap();
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    Assessed { result, report, stderr: String::from_utf8_lossy(&output.stderr).into_owned() }
}

fn skipped(t: &Value) -> Vec<(&str, &str)> {
    t["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect()
}

fn no_plugin_errors(t: &Value) {
    assert_eq!(t["errors"].as_array().unwrap().len(), 0, "{}: {:#}", t["name"], t["errors"]);
}

#[test]
fn symlinks_names_nesting_sparse_files_and_deep_documents() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    outside(root);

    // Symbolic links: out of the target (a file, a folder, /etc/passwd) and loops.
    let links = root.join("links");
    write_files(&links, &[("README.md", "# links\n"), ("a/keep.txt", "kept\n")]);
    symlink("../outside/.github", links.join(".github")).unwrap();
    symlink(root.join("outside/Dockerfile"), links.join("Dockerfile")).unwrap();
    symlink("/etc/passwd", links.join("passwd")).unwrap();
    symlink("/etc", links.join("etc")).unwrap();
    symlink(".", links.join("self")).unwrap();
    symlink("../a", links.join("a/loop")).unwrap();
    symlink("missing", links.join("dangling")).unwrap();

    // File names made to break reports and parsers.
    let names = root.join("names");
    let workflow = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n";
    write_files(
        &names,
        &[
            (".github/workflows/<script>alert(1)<script>.yml", workflow),
            (".github/workflows/new\nline.yml", workflow),
            (".github/workflows/| table | break |.yml", workflow),
            ("[link](javascript:alert(1)).md", "x\n"),
        ],
    );
    let invalid = std::ffi::OsStr::from_bytes(b"bad-\xff\xfe.yml");
    std::fs::write(names.join(".github/workflows").join(invalid), workflow).unwrap();

    // 1,000 levels of folders, with a Dockerfile at the bottom.
    let nesting = root.join("nesting");
    let deep: std::path::PathBuf = std::iter::repeat_n("d", 1000).collect();
    write_files(&nesting, &[("README.md", "# deep\n")]);
    write_files(&nesting.join(&deep), &[("Dockerfile", "FROM alpine:3.20\nUSER app\n")]);

    // A 2 GiB sparse file under names plugins read and parse.
    let sparse = root.join("sparse");
    write_files(&sparse, &[("README.md", "# sparse\n")]);
    for name in ["main.tf", "huge.log"] {
        std::fs::File::create(sparse.join(name)).unwrap().set_len(2 << 30).unwrap();
    }

    // Deeply nested documents: a CloudFormation template, a workflow, Terraform.
    let documents = root.join("documents");
    let n = 100_000;
    let cfn = format!(
        r#"{{"AWSTemplateFormatVersion":"2010-09-09","Resources":{{"B":{{"Type":"AWS::S3::Bucket","Properties":{{"Tags":{}{}}}}}}}}}"#,
        "[".repeat(n),
        "]".repeat(n)
    );
    let flow = format!("on: push\njobs: {}{}\n", "{a: ".repeat(n), "}".repeat(n));
    let hcl = format!("resource \"aws_s3_bucket\" \"b\" {{\n  tags = {}{}\n}}\n", "[".repeat(n), "]".repeat(n));
    write_files(
        &documents,
        &[
            ("template.yaml", &cfn), // JSON is YAML: CloudFormation reads it as either
            ("cfn/template.json", &cfn),
            (".github/workflows/deep.yml", &flow),
            ("main.tf", &hcl),
            ("Dockerfile", "FROM alpine:3.20\n"),
        ],
    );

    let a = assess(&[&links, &names, &nesting, &sparse, &documents]);
    let all = format!("{}\n{}\n{}", a.result, a.report, a.stderr);
    assert!(!all.contains(CANARY), "something outside a target was read");
    assert!(!all.contains("root:x:0:0"), "/etc/passwd was read");
    assert_eq!(a.result["targets"].as_array().unwrap().len(), 5, "every target has its result");

    let t = target(&a.result, "links");
    no_plugin_errors(t);
    let mut links_skipped = skipped(t);
    links_skipped.sort();
    let not_followed = "symbolic link (not followed)";
    assert_eq!(
        links_skipped,
        [
            (".github", not_followed),
            ("Dockerfile", not_followed),
            ("a/loop", not_followed),
            ("dangling", not_followed),
            ("etc", not_followed),
            ("passwd", not_followed),
            ("self", not_followed)
        ]
    );
    assert_eq!(t["files"], 2);
    assert_eq!(t["facts"]["ci.systems"], serde_json::json!([]), "the outside workflow is not seen");
    assert_eq!(t["facts"]["container.dockerfiles"], 0, "the outside Dockerfile is not seen");

    let t = target(&a.result, "names");
    no_plugin_errors(t);
    assert_eq!(skipped(t), [(".github/workflows/bad-\u{fffd}\u{fffd}.yml", "file name is not valid UTF-8")]);
    assert_eq!(t["files"], 4);
    assert_eq!(t["facts"]["ci.systems"], serde_json::json!(["github-actions"]));
    let cited: Vec<_> = t["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert!(cited.contains(&".github/workflows/new\nline.yml"), "{cited:?}");
    assert!(cited.contains(&".github/workflows/<script>alert(1)<script>.yml"), "{cited:?}");
    // Raw `<script>` only inside code spans, where Markdown shows it as text.
    let outside_code: String = a.report.lines().flat_map(|l| l.split('`').step_by(2)).collect();
    assert!(a.report.contains("`.github/workflows/<script>alert(1)<script>.yml"));
    assert!(!outside_code.contains("<script>"), "no raw HTML in report.md");
    assert!(a.report.contains("\\<script\\>alert(1)\\<script\\>.yml"), "the name is shown, escaped");
    assert!(!a.report.contains("| table | break |"), "no table broken by a file name");

    let t = target(&a.result, "nesting");
    no_plugin_errors(t);
    assert_eq!(t["files"], 2);
    assert_eq!(t["facts"]["container.dockerfiles"], 1, "the Dockerfile 1,000 folders down is read");
    assert_eq!(skipped(t), []);

    let t = target(&a.result, "sparse");
    no_plugin_errors(t);
    let sparse_skipped = skipped(t);
    assert_eq!(sparse_skipped.len(), 2);
    for (path, reason) in sparse_skipped {
        assert!(["huge.log", "main.tf"].contains(&path));
        assert_eq!(reason, "2147483648 bytes, above the 10485760-byte size cap");
    }
    assert_eq!(t["files"], 1);

    let t = target(&a.result, "documents");
    no_plugin_errors(t);
    assert_eq!(t["files"], 5);
    assert_eq!(t["facts"]["container.dockerfiles"], 1, "the other files are still judged");
}

#[test]
fn a_hundred_thousand_files_are_walked_once_and_assessed() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("many");
    for d in 0..100 {
        let folder = repo.join(format!("src/m{d:03}"));
        std::fs::create_dir_all(&folder).unwrap();
        for f in 0..1000 {
            std::fs::write(folder.join(format!("f{f:04}.rs")), "").unwrap();
        }
    }
    write_files(&repo, &[("Dockerfile", "FROM alpine:3.20\n"), ("README.md", "# many\n")]);
    let a = assess(&[&repo]);
    let t = target(&a.result, "many");
    // `security` opens every text file through the sandbox to look for secrets: 100,000
    // of them take it close to its 10 s ceiling on a loaded machine (see
    // book/src/performance.md). If it runs out, that is its own timeout, reported as such;
    // every other plugin must succeed.
    for e in t["errors"].as_array().unwrap() {
        assert_eq!((&e["plugin"], &e["kind"]), (&"security".into(), &"timeout".into()), "{e:#}");
    }
    assert_eq!(t["files"], 100_002);
    assert_eq!(t["facts"]["container.dockerfiles"], 1);
    assert_eq!(skipped(t), []);
}

/// A repository with two commits, for corrupting.
fn repository(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    git_at(dir, T0, &["init", "-q", "-b", "main"]);
    write_files(dir, &[("README.md", "# r\n"), ("Dockerfile", "FROM alpine:3.20\n")]);
    git_at(dir, T0, &["add", "."]);
    git_at(dir, T0, &["commit", "-q", "-m", "first"]);
    write_files(dir, &[("README.md", "# r, again\n")]);
    git_at(dir, T0 + 60, &["commit", "-q", "-am", "second"]);
}

#[test]
fn corrupt_empty_submodule_and_worktree_repositories_are_assessed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();

    let missing = root.join("missing-objects");
    repository(&missing);
    let first = git_at(&missing, T0, &["rev-parse", "HEAD~1"]);
    let object = missing.join(".git/objects").join(&first[..2]).join(&first[2..]);
    std::fs::remove_file(object).unwrap();

    let broken = root.join("broken-head");
    repository(&broken);
    std::fs::write(broken.join(".git/HEAD"), "this is not a ref\n").unwrap();

    let empty = root.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    git_at(&empty, T0, &["init", "-q"]);

    let main = root.join("main");
    repository(&main);
    let worktree = root.join("worktree");
    git_at(&main, T0, &["worktree", "add", "-q", worktree.to_str().unwrap()]);

    let sup = root.join("super");
    repository(&sup);
    git_at(&sup, T0, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", main.to_str().unwrap(), "sub"]);
    let submodule = sup.join("sub");
    assert!(submodule.join(".git").is_file(), "a submodule's .git is a file");

    let a = assess(&[&missing, &broken, &empty, &worktree, &submodule]);
    assert_eq!(a.result["targets"].as_array().unwrap().len(), 5);
    for name in ["missing-objects", "broken-head", "empty", "worktree", "sub"] {
        let t = target(&a.result, name);
        no_plugin_errors(t);
        assert_eq!(t["kind"], "git", "{name}");
    }
    let warnings = |name: &str| target(&a.result, name)["warnings"].to_string();
    assert!(warnings("missing-objects").contains("git facts unavailable"), "{}", warnings("missing-objects"));
    assert!(warnings("broken-head").contains("git facts unavailable"), "{}", warnings("broken-head"));
    for name in ["worktree", "sub"] {
        let t = target(&a.result, name);
        assert_eq!(t["facts"]["container.dockerfiles"], 1, "{name}");
        assert!(!warnings(name).contains("git facts unavailable"), "{name}: {}", warnings(name));
    }
}
