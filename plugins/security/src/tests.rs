//! The plugin judged end to end on repositories written to a temporary folder: the request
//! as the host sends it (file inventory, parsed documents), the response it answers.
//!
//! Secret-looking values are built by concatenation at run time, so this file holds none.

use super::*;
use kaizen_plugin_sdk::{json, Status, ToolUse};
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Repo {
    root: PathBuf,
    files: Vec<(String, u64)>,
    /// Roles the host would give (every other file is `own`).
    roles: Vec<(String, String)>,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("kaizen-security-plugin-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let root = std::env::temp_dir().join(name);
        fs::create_dir_all(&root).unwrap();
        let mut listed = Vec::new();
        for (path, text) in files {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
            listed.push((path.to_string(), text.len() as u64));
        }
        listed.sort();
        Repo { root, files: listed, roles: Vec::new() }
    }

    /// Gives a file a role, as the host does from its conventions.
    fn with_role(mut self, path: &str, role: &str) -> Repo {
        self.roles.push((path.to_string(), role.to_string()));
        self
    }

    fn judge(&self, documents: &[Value]) -> Response {
        self.judge_with(documents, &[])
    }

    /// Judges with the host's CI model: a pipeline per CI document, and these tools.
    fn judge_with(&self, documents: &[Value], tools: &[ToolUse]) -> Response {
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|(p, s)| match self.roles.iter().find(|(path, _)| path == p) {
                Some((_, role)) => json!({"path": p, "size": s, "role": role}),
                None => json!({"path": p, "size": s}),
            })
            .collect();
        let mut ci = Ci::default();
        for d in documents {
            let path = d["path"].as_str().unwrap();
            let system = if path.starts_with(".github/workflows/") {
                "github-actions"
            } else if path.contains("gitlab") {
                "gitlab-ci"
            } else {
                continue;
            };
            ci.pipelines.push(kaizen_plugin_sdk::evidence::ci::Pipeline {
                path: path.into(),
                system: system.into(),
                ..Default::default()
            });
        }
        ci.tools = tools.to_vec();
        let request = json!({
            "api": 1,
            "kaizen_version": "0.1.0",
            "plugin": {"id": "security", "version": "0.1.0"},
            "target": {"name": "t", "kind": "directory", "root": self.root.to_str().unwrap()},
            "files": files,
            "documents": documents,
            "ci": ci,
        });
        judge(&Request::from_json(&request.to_string()).unwrap()).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// A tool the host found in a pipeline.
fn tool(id: &str, kinds: &[&str], path: &str, line: u32, form: &str, text: &str) -> ToolUse {
    ToolUse {
        tool: id.into(),
        name: id.into(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        path: path.into(),
        line: Some(line),
        form: form.into(),
        text: text.into(),
        ..ToolUse::default()
    }
}

fn doc(path: &str, value: Value) -> Value {
    json!({"path": path, "format": if path.ends_with(".json") { "json" } else { "yaml" }, "index": 0, "value": value})
}

fn finding<'a>(response: &'a Response, check: &str) -> &'a Finding {
    response.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no {} finding", check))
}

fn lines(finding: &Finding) -> Vec<(&str, Option<u32>)> {
    finding.evidence.iter().map(|e| (e.path.as_str(), e.line)).collect()
}

const SHA: &str = "b4ffde65f46336ab88eb53be808477a3936bae11";

const RELEASE: &str = "\
name: release
on:
  push:
    tags: ['v*']
permissions:
  contents: read
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4
      - uses: anchore/sbom-action@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: cosign sign-blob --yes dist/app.tar.gz
";

fn release() -> Value {
    json!({
        "name": "release",
        "on": {"push": {"tags": ["v*"]}},
        "permissions": {"contents": "read"},
        "jobs": {"release": {
            "runs-on": "ubuntu-latest",
            "permissions": {"id-token": "write"},
            "steps": [
                {"uses": format!("actions/checkout@{}", SHA)},
                {"uses": format!("anchore/sbom-action@{}", SHA)},
                {"run": "cosign sign-blob --yes dist/app.tar.gz"}
            ]
        }}
    })
}

const CODEQL: &str = "\
on: [push]
jobs:
  analyze:
    permissions:
      security-events: write
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - uses: github/codeql-action/init@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: |
          go build ./...
          trivy fs --exit-code 1 .
";

fn codeql() -> Value {
    json!({
        "on": ["push"],
        "jobs": {"analyze": {
            "permissions": {"security-events": "write"},
            "runs-on": "ubuntu-latest",
            "steps": [
                {"uses": format!("actions/checkout@{}", SHA)},
                {"uses": format!("github/codeql-action/init@{}", SHA)},
                {"run": "go build ./...\ntrivy fs --exit-code 1 .\n"}
            ]
        }}
    })
}

#[test]
fn a_mature_repository() {
    let repo = Repo::new(&[
        (".github/SECURITY.md", "# Reporting\nMail security@example.org\n"),
        (".github/CODEOWNERS", "* @team\n"),
        (".github/dependabot.yml", "version: 2\n"),
        (".github/workflows/release.yml", RELEASE),
        (".github/workflows/codeql.yml", CODEQL),
        (".pre-commit-config.yaml", "repos: []\n"),
        ("LICENSE-MIT", "MIT\n"),
        ("parse/parse_test.go", "package parse\nfunc FuzzParse(f *testing.F) {}\n"),
        ("README.md", "# x\n"),
    ]);
    let codeql_path = ".github/workflows/codeql.yml";
    let release_path = ".github/workflows/release.yml";
    let r = repo.judge_with(
        &[
            doc(release_path, release()),
            doc(codeql_path, codeql()),
            doc(".github/dependabot.yml", json!({"version": 2, "updates": [{"package-ecosystem": "gomod"}]})),
        ],
        &[
            tool("codeql", &["sast"], codeql_path, 9, "action", "github/codeql-action/init@x"),
            tool("trivy", &["sca"], codeql_path, 12, "command", "trivy fs --exit-code 1 ."),
            tool("syft", &["sbom"], release_path, 14, "action", "anchore/sbom-action@x"),
            tool("cosign", &["sign"], release_path, 15, "command", "cosign sign-blob --yes dist/app.tar.gz"),
        ],
    );
    assert_eq!(r.facts["security.policy"], json!(true));
    assert_eq!(r.facts["security.codeowners"], json!(true));
    assert_eq!(r.facts["security.dependency_updates"], json!("dependabot"));
    assert_eq!(r.facts["security.scanners"], json!(["codeql", "trivy"]));
    assert_eq!(r.facts["security.actions_pinned"], json!("all"));
    assert_eq!(r.facts["security.workflow_permissions"], json!("all"));
    assert_eq!(r.facts["security.pre_commit"], json!(true));
    assert_eq!(r.facts["security.secrets_found"], json!(0));
    for check in [
        "security-policy",
        "codeowners",
        "dependency-update-tool",
        "sast",
        "vulnerability-scanning",
        "pinned-actions",
        "workflow-permissions",
        "dangerous-workflow",
        "pre-commit-hooks",
        "sbom",
        "signed-releases",
        "license",
        "fuzzing",
        "binary-artifacts",
        "no-committed-secrets",
    ] {
        assert_eq!(finding(&r, check).status, Status::Pass, "{}: {:?}", check, finding(&r, check));
    }
    assert_eq!(finding(&r, "secret-scanning").status, Status::Fail);
    assert!(lines(finding(&r, "sast")).contains(&(".github/workflows/codeql.yml", Some(9))));
    assert!(lines(finding(&r, "vulnerability-scanning")).contains(&(".github/workflows/codeql.yml", Some(12))));
    assert_eq!(lines(finding(&r, "signed-releases")), vec![(".github/workflows/release.yml", Some(15))]);
    assert_eq!(
        finding(&r, "sast").evidence[0].message.as_deref(),
        Some("runs codeql: action `github/codeql-action/init@x`")
    );
}

#[test]
fn a_bare_repository_reports_every_fact() {
    let repo = Repo::new(&[("main.py", "print('hello')\n")]);
    let r = repo.judge(&[]);
    assert_eq!(r.facts["security.dependency_updates"], json!("none"));
    assert_eq!(r.facts["security.dependency_update_tools"], json!([]));
    assert_eq!(r.facts["security.policy"], json!(false));
    assert_eq!(r.facts["security.codeowners"], json!(false));
    assert_eq!(r.facts["security.scanners"], json!([]));
    assert_eq!(r.facts["security.actions_pinned"], json!("n/a"));
    assert_eq!(r.facts["security.workflow_permissions"], json!("n/a"));
    assert_eq!(r.facts["security.pre_commit"], json!(false));
    assert_eq!(r.facts["security.secrets_found"], json!(0));
    for check in ["pinned-actions", "workflow-permissions"] {
        assert_eq!(finding(&r, check).status, Status::NotApplicable, "{}", check);
    }
    // Without CI nothing scans in CI: missing, not inapplicable.
    for check in ["sast", "vulnerability-scanning", "secret-scanning"] {
        assert_eq!(finding(&r, check).status, Status::Fail, "{}", check);
        assert!(finding(&r, check).message.ends_with("runs in CI: no CI definition found"), "{}", check);
    }
    for check in ["dangerous-workflow", "sbom", "signed-releases"] {
        assert_eq!(finding(&r, check).status, Status::NotApplicable, "{}", check);
    }
    for check in ["security-policy", "codeowners", "dependency-update-tool", "license", "fuzzing", "pre-commit-hooks"] {
        assert_eq!(finding(&r, check).status, Status::Fail, "{}", check);
    }
    assert_eq!(finding(&r, "binary-artifacts").status, Status::Pass);
}

#[test]
fn seven_of_ten_actions_pinned_is_a_warning_with_score() {
    let mut steps = Vec::new();
    let mut text = String::from("on: push\njobs:\n  build:\n    steps:\n");
    for i in 0..10 {
        let uses = if i < 7 { format!("org/action{}@{}", i, SHA) } else { format!("org/action{}@v{}", i, i) };
        text.push_str(&format!("      - uses: {}\n", uses));
        steps.push(json!({"uses": uses}));
    }
    let repo = Repo::new(&[(".github/workflows/ci.yml", &text)]);
    let r = repo.judge(&[doc(".github/workflows/ci.yml", json!({"on": "push", "jobs": {"build": {"steps": steps}}}))]);
    let f = finding(&r, "pinned-actions");
    assert_eq!((f.status, f.score), (Status::Warn, Some(0.7)));
    assert_eq!(
        lines(f),
        vec![
            (".github/workflows/ci.yml", Some(12)),
            (".github/workflows/ci.yml", Some(13)),
            (".github/workflows/ci.yml", Some(14))
        ]
    );
    assert_eq!(r.facts["security.actions_pinned"], json!("some"));
    assert_eq!(r.facts["security.workflow_permissions"], json!("none"));
    assert_eq!(finding(&r, "workflow-permissions").status, Status::Fail);
}

#[test]
fn pinning_rules() {
    assert!(workflows::is_pinned("./.github/actions/setup"));
    assert!(workflows::is_pinned(&format!("docker://alpine@sha256:{}", "ab".repeat(32))));
    assert!(!workflows::is_pinned("docker://alpine:3.20"));
    assert!(!workflows::is_pinned("actions/checkout@v4"));
    assert!(!workflows::is_pinned("actions/checkout@b4ffde6"), "a short SHA is not pinned");
    assert!(workflows::is_pinned(&format!("org/repo/.github/workflows/x.yml@{}", SHA)));
}

const PWN: &str = "\
on:
  pull_request_target:
permissions: read-all
jobs:
  test:
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make test
      - name: greet
        run: |
          echo hello
          echo \"${{ github.event.pull_request.title }}\"
      - env:
          TITLE: ${{ github.event.issue.title }}
        run: echo \"$TITLE\"
";

#[test]
fn dangerous_workflows_are_found_with_their_lines() {
    let value = json!({
        "on": {"pull_request_target": null},
        "permissions": "read-all",
        "jobs": {"test": {"steps": [
            {"uses": "actions/checkout@v4", "with": {"ref": "${{ github.event.pull_request.head.sha }}"}},
            {"run": "make test"},
            {"name": "greet", "run": "echo hello\necho \"${{ github.event.pull_request.title }}\"\n"},
            {"env": {"TITLE": "${{ github.event.issue.title }}"}, "run": "echo \"$TITLE\""}
        ]}}
    });
    let repo = Repo::new(&[(".github/workflows/pr.yml", PWN)]);
    let r = repo.judge(&[doc(".github/workflows/pr.yml", value)]);
    let f = finding(&r, "dangerous-workflow");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(lines(f), vec![(".github/workflows/pr.yml", Some(9)), (".github/workflows/pr.yml", Some(14))]);
    assert!(f.evidence[1].message.as_deref().unwrap().contains("github.event.pull_request.title"));
    assert_eq!(r.facts["security.workflow_permissions"], json!("all"));
}

#[test]
fn untrusted_contexts() {
    assert!(workflows::untrusted_context("echo ${{ github.event.commits[0].message }}").is_some());
    assert!(workflows::untrusted_context("echo ${{github.head_ref}}").is_some());
    assert!(workflows::untrusted_context("echo ${{ github.event.pages[1].page_name }}").is_some());
    assert!(workflows::untrusted_context("echo ${{ github.event.pull_request.number }}").is_none());
    assert!(workflows::untrusted_context("echo ${{ github.sha }} $TITLE").is_none());
}

#[test]
fn scanners_are_the_security_tools_the_host_found() {
    let gitlab = json!({"include": [{"template": "Security/SAST.gitlab-ci.yml"}]});
    let repo = Repo::new(&[(".gitlab-ci.yml", "include:\n  - template: Security/SAST.gitlab-ci.yml\n")]);
    let path = ".gitlab-ci.yml";
    let r = repo.judge_with(
        &[doc(path, gitlab)],
        &[
            tool("gitlab-sast", &["sast"], path, 2, "template", "Security/SAST.gitlab-ci.yml"),
            tool("gitlab-secret-detection", &["secrets"], path, 3, "template", "Jobs/Secret-Detection.gitlab-ci.yml"),
            ToolUse {
                via: vec![kaizen_plugin_sdk::evidence::ci::Via {
                    kind: "make".into(),
                    name: "make audit".into(),
                    path: "Makefile".into(),
                    line: Some(7),
                }],
                ..tool("dependency-check", &["sca"], path, 9, "command", "make audit")
            },
            tool("pytest", &["test"], path, 12, "command", "pytest"),
        ],
    );
    assert_eq!(r.facts["security.scanners"], json!(["dependency-check", "gitlab-sast", "gitlab-secret-detection"]));
    assert_eq!(finding(&r, "secret-scanning").status, Status::Pass);
    assert_eq!(lines(finding(&r, "sast")), vec![(".gitlab-ci.yml", Some(2))]);
    assert_eq!(
        finding(&r, "vulnerability-scanning").evidence[0].message.as_deref(),
        Some("runs dependency-check: `make audit` via `make audit` (Makefile:7)")
    );
}

#[test]
fn a_security_page_is_a_policy_only_when_it_says_how_to_report() {
    for (text, policy) in [
        ("# Security\nPlease report vulnerabilities to security@example.org.\n", true),
        ("# Reporting\nUse GitHub's private vulnerability reporting.\n", true),
        ("See our organisation's [security policy](https://example.org/security).\n", true),
        ("# Security\nThis page lists the hardening exceptions of the default deployment: the node exporter runs as root.\n", false),
        ("# Security considerations\nAll traffic is encrypted with TLS 1.3.\n", false),
    ] {
        assert_eq!(repo::is_disclosure_policy(text), policy, "{}", text);
    }
    let repo = Repo::new(&[("docs/security.md", "# Security\nThe pods run with a read-only root filesystem.\n")]);
    let r = repo.judge(&[]);
    assert_eq!(r.facts["security.policy"], json!(false));
    let f = finding(&r, "security-policy");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("does not say how to report a vulnerability"), "{}", f.message);
}

#[test]
fn both_update_tools_choose_the_fuller_one() {
    let repo = Repo::new(&[(".github/dependabot.yml", "x"), ("renovate.json", "{}")]);
    let r = repo.judge(&[
        doc(".github/dependabot.yml", json!({"version": 2, "updates": [{"package-ecosystem": "github-actions"}]})),
        doc("renovate.json", json!({"$schema": "x", "extends": ["config:recommended"], "packageRules": []})),
    ]);
    assert_eq!(r.facts["security.dependency_updates"], json!("renovate"));
    assert_eq!(r.facts["security.dependency_update_tools"], json!(["dependabot", "renovate"]));
}

#[test]
fn committed_secrets_are_found_by_line_and_never_reported_by_value() {
    let aws = format!("AKIA{}", "Q3ZL7RTW2XNB5KJD");
    let password = format!("{}{}", "Zt8kW2qLx9", "Vb4Nc7Md0Kf3");
    let config = format!("[prod]\nregion = eu-west-1\naws_access_key_id = {}\ndb_password = \"{}\"\n", aws, password);
    let lock = format!("[[package]]\nchecksum = \"{}\"\ntoken = \"{}\"\n", "ab".repeat(32), password);
    let minified = format!("var a=1;{}token=\"{}\";\n", "x=1;".repeat(2000), password);
    let example = format!("aws_access_key_id = AKIA{}\npassword: ${{DB_PASSWORD}}\n", "IOSFODNN7EXAMPLE");
    let repo = Repo::new(&[
        ("config/prod.ini", &config),
        ("Cargo.lock", &lock),
        ("static/app.min.js", &minified),
        ("static/bundle.js", &minified),
        ("docs/example.md", &example),
        ("logo.png", "\u{0}\u{1}binary"),
    ]);
    let r = repo.judge(&[]);
    assert_eq!(r.facts["security.secrets_found"], json!(2));
    let f = finding(&r, "no-committed-secrets");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(lines(f), vec![("config/prod.ini", Some(3)), ("config/prod.ini", Some(4))]);
    assert_eq!(f.evidence[0].snippet.as_deref(), Some("AKIA…(redacted aws-access-key-id)"));
    let all = serde_json::to_string(&r).unwrap();
    assert!(!all.contains(&aws) && !all.contains(&password), "{}", all);
}

#[test]
fn binary_artifacts_and_the_gradle_wrapper() {
    let jar = "PK\u{3}\u{4}\u{0}\u{0}";
    let repo = Repo::new(&[
        ("lib/tool.jar", jar),
        ("gradle/wrapper/gradle-wrapper.jar", jar),
        ("src/a.java", "x"),
        // A text file with a binary extension is not a binary (Scorecard's printable.lib).
        ("testdata/printable.lib", "just text\n"),
    ]);
    let f = repo.judge(&[]);
    let f = finding(&f, "binary-artifacts");
    assert_eq!((f.status, f.score), (Status::Fail, Some(0.8)));
    let validated = json!({"on": "push", "jobs": {"v": {"steps": [{"uses": "gradle/actions/wrapper-validation@v4"}]}}});
    let r = repo.judge(&[doc(".github/workflows/gradle.yml", validated)]);
    assert_eq!(lines(finding(&r, "binary-artifacts")), vec![("lib/tool.jar", None)]);
}

#[test]
fn documentation_examples_and_test_keys_are_told_apart() {
    let password = format!("{}{}", "Zt8kW2qLx9", "Vb4Nc7Md0Kf3");
    let github = format!("ghp_{}", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU");
    let docs = format!("Set the key:\n\n    SECRET_KEY = '{}'\n", password);
    let test = format!("package x\nconst token = \"{}\"\n", github);
    let repo =
        Repo::new(&[("docs/config.rst", &docs), ("pkg/auth_test.go", &test)]).with_role("pkg/auth_test.go", "test");
    let r = repo.judge(&[]);
    let f = finding(&r, "no-committed-secrets");
    assert_eq!(f.status, Status::Warn, "{:?}", f);
    assert_eq!(lines(f), vec![("pkg/auth_test.go", Some(2))]);
    assert_eq!(r.facts["security.secrets_found"], json!(0));
    // A token of a well-known format counts in documentation too.
    let repo = Repo::new(&[("README.md", &format!("token: {}\n", github))]);
    assert_eq!(repo.judge(&[]).facts["security.secrets_found"], json!(1));
}

#[test]
fn a_caller_of_a_local_reusable_workflow_declares_what_the_called_one_declares() {
    let caller = json!({"on": "push", "jobs": {"build": {"uses": "./.github/workflows/build.yml"}}});
    let undeclared =
        json!({"on": {"workflow_call": null}, "jobs": {"b": {"runs-on": "x", "steps": [{"run": "make"}]}}});
    let declared = json!({"on": {"workflow_call": null}, "permissions": {"contents": "read"},
        "jobs": {"b": {"runs-on": "x", "steps": [{"run": "make"}]}}});
    let doc = |path: &str, value: &Value| json!({"path": path, "format": "yaml", "value": value});
    let repo = Repo::new(&[]);
    let r = repo.judge(&[doc(".github/workflows/ci.yml", &caller), doc(".github/workflows/build.yml", &undeclared)]);
    assert_eq!(r.facts["security.workflow_permissions"], json!("none"));
    let r = repo.judge(&[doc(".github/workflows/ci.yml", &caller), doc(".github/workflows/build.yml", &declared)]);
    assert_eq!(r.facts["security.workflow_permissions"], json!("all"));
}

#[test]
fn keys_in_the_tests_are_reported_apart_by_the_role_the_host_gave() {
    // The host marks tests and their helpers with the role `test` (engine/src/collect/roles.rs
    // holds the conventions); the plugin asks the role, never the path.
    let key = format!("package x\nconst token = \"ghp_{}\"\n", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU");
    let repo = Repo::new(&[("helpers/ssh/server.go", &key), ("pkg/signer/signer.go", &key)])
        .with_role("helpers/ssh/server.go", "test");
    let r = repo.judge(&[]);
    assert_eq!(r.facts["security.secrets_found"], json!(1));
    let f = finding(&r, "no-committed-secrets");
    assert_eq!(f.status, Status::Fail, "{:?}", f);
    assert_eq!(lines(f), vec![("pkg/signer/signer.go", Some(2))]);
    let r = Repo::new(&[("helpers/ssh/server.go", &key)]).with_role("helpers/ssh/server.go", "test").judge(&[]);
    assert_eq!(r.facts["security.secrets_found"], json!(0));
    assert_eq!(finding(&r, "no-committed-secrets").status, Status::Warn);
}

#[test]
fn documentation_comments_docstrings_and_test_modules_show_examples() {
    let kotlin = "package okhttp3.tls\n/**\n * -----BEGIN PRIVATE KEY-----\n */\nval key = load()\n// key = old one\n// for example token:abc\n";
    let lines = repo::example_lines("okhttp-tls/HeldCertificate.kt", kotlin);
    assert_eq!(lines[1..], [false, true, true, true, false, false, true, false]);
    let python = "def get():\n    \"\"\"Fetch a secret.\n\n    value='{\"password\": \"s3cr3t\"}'\n    \"\"\"\n    password = load()\n";
    let lines = repo::example_lines("utilities/parameters/secrets.py", python);
    assert_eq!(lines[1..], [false, true, true, true, true, false, false]);
    let rust = "/// let token = \"abc\";\nconst KEY: &str = \"x\";\n#[cfg(test)]\nmod tests {\n    const T: &str = \"eyJ\";\n}\n";
    let lines = repo::example_lines("src/uplink/license.rs", rust);
    assert_eq!(lines[1..], [true, false, false, true, true, true, true]);
    // The same text in a file of another language: no test module.
    assert!(!repo::example_lines("src/license.go", rust)[5]);
}

const COMPOSITE: &str = "\
name: setup
runs:
  using: composite
  steps:
    - uses: actions/setup-node@v4
    - shell: bash
      run: echo \"${{ github.event.pull_request.title }}\"
";

#[test]
fn the_repository_s_own_composite_actions_are_judged_with_its_workflows() {
    let workflow = format!("on: push\npermissions: {{}}\njobs:\n  build:\n    steps:\n      - uses: org/a@{}\n      - uses: ./.github/actions/setup\n", SHA);
    let action = json!({"name": "setup", "runs": {"using": "composite", "steps": [
        {"uses": "actions/setup-node@v4"},
        {"shell": "bash", "run": "echo \"${{ github.event.pull_request.title }}\"\n"}
    ]}});
    let steps = json!([{"uses": format!("org/a@{}", SHA)}, {"uses": "./.github/actions/setup"}]);
    let files = [
        (".github/workflows/ci.yml", workflow.as_str()),
        (".github/actions/setup/action.yml", COMPOSITE),
        ("examples/action.yml", COMPOSITE),
    ];
    let repo = Repo::new(&files).with_role("examples/action.yml", "example");
    let documents = [
        doc(".github/workflows/ci.yml", json!({"on": "push", "permissions": {}, "jobs": {"build": {"steps": steps}}})),
        doc(".github/actions/setup/action.yml", action.clone()),
        {
            let mut example = doc("examples/action.yml", action);
            example["role"] = json!("example");
            example
        },
    ];
    let r = repo.judge(&documents);
    // Three references: two in the workflow (pinned, local), one in the action (a tag); the
    // example's are not the repository's own.
    let pinned = finding(&r, "pinned-actions");
    assert_eq!((pinned.status, pinned.score), (Status::Warn, Some(2.0 / 3.0)));
    assert_eq!(lines(pinned), vec![(".github/actions/setup/action.yml", Some(5))]);
    let dangerous = finding(&r, "dangerous-workflow");
    assert_eq!(dangerous.status, Status::Fail);
    assert_eq!(lines(dangerous), vec![(".github/actions/setup/action.yml", Some(7))]);
    assert_eq!(finding(&r, "workflow-permissions").status, Status::Pass, "an action has no permissions of its own");

    // A repository that is only an action is judged on it.
    let only =
        Repo::new(&[("action.yml", "runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n")]);
    let r = only.judge(&[doc(
        "action.yml",
        json!({"runs": {"using": "composite", "steps": [{"run": "make", "shell": "bash"}]}}),
    )]);
    let dangerous = finding(&r, "dangerous-workflow");
    assert_eq!(
        (dangerous.status, dangerous.message.as_str()),
        (Status::Pass, "no dangerous pattern in 0 workflows and 1 composite action")
    );
    assert_eq!(finding(&r, "pinned-actions").status, Status::NotApplicable);
}
