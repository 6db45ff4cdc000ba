//! The plugin judged end to end: a request as the host sends it (parsed documents, and the
//! raw files on disk for line numbers), the response it answers.
//!
//! Each YAML fixture sits next to the value the host parses it into (YAML 1.2, so `on` stays
//! a string).

use super::*;
use kaizen_plugin_sdk::{json, Status};
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A target repository on disk, removed when dropped.
struct Repo {
    root: PathBuf,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("kaizen-ci-plugin-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let root = std::env::temp_dir().join(name);
        fs::create_dir_all(&root).unwrap();
        for (path, text) in files {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        Repo { root }
    }

    fn request(&self, documents: &[Value]) -> Request {
        let request = json!({
            "api": 1,
            "kaizen_version": "0.1.0",
            "plugin": {"id": "ci", "version": "0.1.0"},
            "target": {"name": "t", "kind": "directory", "root": self.root.to_str().unwrap()},
            "documents": documents,
        });
        Request::from_json(&request.to_string()).unwrap()
    }

    fn judge(&self, documents: &[Value]) -> Response {
        judge(&self.request(documents)).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn yaml(path: &str, value: Value) -> Value {
    yaml_at(path, 0, value)
}

fn yaml_at(path: &str, index: usize, value: Value) -> Value {
    json!({"path": path, "format": "yaml", "index": index, "value": value})
}

fn finding<'a>(response: &'a Response, check: &str) -> &'a Finding {
    response.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no {} finding", check))
}

/// Each piece of evidence as (path, line, message).
fn evidence(finding: &Finding) -> Vec<(&str, Option<u32>, &str)> {
    finding.evidence.iter().map(|e| (e.path.as_str(), e.line, e.message.as_deref().unwrap_or(""))).collect()
}

const GITHUB_CI: &str = "\
name: CI

on:
  push:
    branches: [main]
  pull_request:

jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - name: Run go vet ./...
        run: go vet ./...
      - uses: golangci/golangci-lint-action@v6
        with:
          version: v1.59

  test:
    needs: lint
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - name: Build and test
        run: |
          go build ./...
          go test -race -coverprofile=coverage.out ./...
      - uses: codecov/codecov-action@v4
        with:
          files: coverage.out

  docker:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          push: false
";

fn github_ci() -> Value {
    json!({
        "name": "CI",
        "on": {"push": {"branches": ["main"]}, "pull_request": null},
        "jobs": {
            "lint": {
                "runs-on": "ubuntu-latest",
                "steps": [
                    {"uses": "actions/checkout@v4"},
                    {"uses": "actions/setup-go@v5", "with": {"go-version-file": "go.mod"}},
                    {"name": "Run go vet ./...", "run": "go vet ./..."},
                    {"uses": "golangci/golangci-lint-action@v6", "with": {"version": "v1.59"}}
                ]
            },
            "test": {
                "needs": "lint",
                "runs-on": "${{ matrix.os }}",
                "strategy": {"matrix": {"os": ["ubuntu-latest", "windows-latest"]}},
                "steps": [
                    {"uses": "actions/checkout@v4"},
                    {"uses": "actions/setup-go@v5", "with": {"go-version-file": "go.mod"}},
                    {"name": "Build and test", "run": "go build ./...\ngo test -race -coverprofile=coverage.out ./...\n"},
                    {"uses": "codecov/codecov-action@v4", "with": {"files": "coverage.out"}}
                ]
            },
            "docker": {
                "needs": "test",
                "runs-on": "ubuntu-latest",
                "steps": [
                    {"uses": "actions/checkout@v4"},
                    {"uses": "docker/build-push-action@v6", "with": {"push": false}}
                ]
            }
        }
    })
}

const GITHUB_RELEASE: &str = "\
name: Release
on:
  push:
    tags: ['v*']
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/publish.sh
";

fn github_release() -> Value {
    json!({
        "name": "Release",
        "on": {"push": {"tags": ["v*"]}},
        "jobs": {
            "publish": {
                "runs-on": "ubuntu-latest",
                "environment": "production",
                "steps": [{"uses": "actions/checkout@v4"}, {"run": "./scripts/publish.sh"}]
            }
        }
    })
}

#[test]
fn github_actions_workflows() {
    let ci = ".github/workflows/ci.yml";
    let release = ".github/workflows/release.yml";
    let repo = Repo::new(&[(ci, GITHUB_CI), (release, GITHUB_RELEASE)]);
    let response = repo.judge(&[yaml(ci, github_ci()), yaml(release, github_release())]);

    assert_eq!(response.facts["ci.systems"], json!(["github-actions"]));
    assert_eq!(response.facts["ci.runs_tests"], json!(true));
    // Only through release.yml's environment: its script's name says nothing.
    assert_eq!(response.facts["ci.deploys"], json!(true));

    let present = finding(&response, PIPELINE_PRESENT);
    assert_eq!(present.status, Status::Pass);
    assert_eq!(present.message, "2 CI pipeline definitions found (github-actions)");
    assert_eq!(
        evidence(present),
        vec![(ci, None, "github-actions pipeline"), (release, None, "github-actions pipeline")]
    );

    let tests = finding(&response, RUNS_TESTS);
    assert_eq!(tests.status, Status::Pass);
    assert_eq!(
        tests.message,
        "tests run in CI: `go test -race -coverprofile=coverage.out ./...` in .github/workflows/ci.yml"
    );
    // The second line of the block scalar, where the test command is, not `go build`.
    assert_eq!(evidence(tests), vec![(ci, Some(36), "runs tests: `go test -race -coverprofile=coverage.out ./...`")]);

    let lint = finding(&response, STATIC_ANALYSIS);
    assert_eq!(lint.status, Status::Pass);
    assert_eq!(lint.message, "static analysis runs in CI: `go vet ./...` in .github/workflows/ci.yml and 1 more");
    // Line 16 names the step after its command; the evidence is the command on line 17.
    assert_eq!(
        evidence(lint),
        vec![
            (ci, Some(17), "runs static analysis: `go vet ./...`"),
            (ci, Some(18), "runs static analysis: action `golangci/golangci-lint-action@v6`"),
        ]
    );

    let ci_only = repo.judge(&[yaml(ci, github_ci())]);
    assert_eq!(ci_only.facts["ci.deploys"], json!(false));
}

const GITLAB_CI: &str = "\
include:
  - template: Jobs/SAST.gitlab-ci.yml

stages:
  - build
  - test
  - deploy

variables:
  CARGO_HOME: $CI_PROJECT_DIR/.cargo

default:
  image: rust:1.79

build:
  stage: build
  script:
    - cargo build --locked

test:
  stage: test
  script:
    - cargo test --locked
    - cargo clippy --locked -- -D warnings

deploy-production:
  stage: deploy
  environment:
    name: production
    url: https://example.com
  script:
    - ./scripts/release.sh
  rules:
    - if: $CI_COMMIT_BRANCH == \"main\"
";

fn gitlab_ci() -> Value {
    json!({
        "include": [{"template": "Jobs/SAST.gitlab-ci.yml"}],
        "stages": ["build", "test", "deploy"],
        "variables": {"CARGO_HOME": "$CI_PROJECT_DIR/.cargo"},
        "default": {"image": "rust:1.79"},
        "build": {"stage": "build", "script": ["cargo build --locked"]},
        "test": {"stage": "test", "script": ["cargo test --locked", "cargo clippy --locked -- -D warnings"]},
        "deploy-production": {
            "stage": "deploy",
            "environment": {"name": "production", "url": "https://example.com"},
            "script": ["./scripts/release.sh"],
            "rules": [{"if": "$CI_COMMIT_BRANCH == \"main\""}]
        }
    })
}

#[test]
fn gitlab_ci_with_stages_and_a_deploy_job() {
    let path = ".gitlab-ci.yml";
    let repo = Repo::new(&[(path, GITLAB_CI)]);
    let request = repo.request(&[yaml(path, gitlab_ci())]);
    let response = judge(&request).unwrap();

    assert_eq!(response.facts["ci.systems"], json!(["gitlab-ci"]));
    assert_eq!(response.facts["ci.runs_tests"], json!(true));
    assert_eq!(response.facts["ci.deploys"], json!(true));
    // The deployment is seen in the job's structure, whatever its script is called.
    let scan = systems::scan(&request.documents);
    assert_eq!(
        scan.pipelines[0].deploys,
        vec!["job `deploy-production` uses environment `production`", "job `deploy-production` in stage `deploy`"]
    );

    assert_eq!(evidence(finding(&response, RUNS_TESTS)), vec![(path, Some(23), "runs tests: `cargo test --locked`")]);
    let lint = finding(&response, STATIC_ANALYSIS);
    assert_eq!(lint.status, Status::Pass);
    assert_eq!(
        evidence(lint),
        vec![
            (path, Some(2), "runs static analysis: included template `Jobs/SAST.gitlab-ci.yml`"),
            (path, Some(24), "runs static analysis: `cargo clippy --locked -- -D warnings`"),
        ]
    );
}

/// The host's view of this Jenkinsfile:
///
/// ```groovy
/// pipeline {                                                   // 1
///   agent any
///   triggers { cron('H 2 * * *') }
///   stages {
///     stage('Build') {                                         // 5
///       steps {
///         sh './mvnw -B -DskipTests package'
///       }
///     }
///     stage('Test') {                                          // 10
///       steps {
///         sh label: 'Unit tests', script: './mvnw -B verify'
///       }
///       post {
///         always {                                             // 15
///           junit 'target/surefire-reports/*.xml'
///         }
///       }
///     }
///     stage('Deploy') {                                        // 20
///       when { branch 'main' }
///       steps {
///         sh 'kubectl apply -f k8s/'
///       }
///     }                                                        // 25
///   }
/// }
/// ```
fn jenkinsfile() -> Value {
    let build = json!({"name": "sh", "args": "'./mvnw -B -DskipTests package'", "text": "./mvnw -B -DskipTests package", "line": 7});
    let test = json!({"name": "sh", "args": "label: 'Unit tests', script: './mvnw -B verify'", "text": "./mvnw -B verify", "line": 12});
    let junit = json!({"name": "junit", "args": "'target/surefire-reports/*.xml'", "text": "target/surefire-reports/*.xml", "line": 16});
    let deploy = json!({"name": "sh", "args": "'kubectl apply -f k8s/'", "text": "kubectl apply -f k8s/", "line": 23});
    let in_stage = |step: &Value, stage: &str| {
        let mut step = step.clone();
        step["stage"] = json!(stage);
        step
    };
    json!({
        "kind": "declarative",
        "stages": [
            {"name": "Build", "line": 5, "steps": [build]},
            {"name": "Test", "line": 10, "steps": [test, junit]},
            {"name": "Deploy", "line": 20, "steps": [deploy]}
        ],
        "steps": [
            in_stage(&build, "Build"),
            in_stage(&test, "Test"),
            in_stage(&junit, "Test"),
            in_stage(&deploy, "Deploy")
        ],
        "triggers": [{"name": "cron", "args": "'H 2 * * *'", "text": "H 2 * * *", "line": 3}]
    })
}

#[test]
fn jenkins_declarative_pipeline() {
    // No raw file: the lines come from the parsed document.
    let repo = Repo::new(&[]);
    let document = json!({"path": "Jenkinsfile", "format": "jenkinsfile", "index": 0, "value": jenkinsfile()});
    let response = repo.judge(&[document]);

    assert_eq!(response.facts["ci.systems"], json!(["jenkins"]));
    assert_eq!(response.facts["ci.runs_tests"], json!(true));
    assert_eq!(response.facts["ci.deploys"], json!(true));

    let tests = finding(&response, RUNS_TESTS);
    // `-DskipTests package` on line 7 does not run the tests; the label on line 12 is not
    // part of the command.
    assert_eq!(
        evidence(tests),
        vec![
            ("Jenkinsfile", Some(12), "runs tests: `./mvnw -B verify`"),
            ("Jenkinsfile", Some(16), "runs tests: Jenkins step `junit`"),
        ]
    );

    let lint = finding(&response, STATIC_ANALYSIS);
    assert_eq!(lint.status, Status::Fail);
    assert_eq!(lint.message, "1 CI pipeline definition, but none runs a linter or other static analysis");
    assert_eq!(evidence(lint), vec![("Jenkinsfile", None, "no step here runs static analysis")]);
}

const CIRCLECI: &str = "\
version: 2.1

orbs:
  node: circleci/node@5.2.0

jobs:
  lint:
    docker:
      - image: cimg/node:20.11
    steps:
      - checkout
      - node/install-packages
      - run:
          name: Lint
          command: npx eslint .

workflows:
  main:
    jobs:
      - lint
      - node/test:
          version: '20.11'
";

fn circleci() -> Value {
    json!({
        "version": 2.1,
        "orbs": {"node": "circleci/node@5.2.0"},
        "jobs": {
            "lint": {
                "docker": [{"image": "cimg/node:20.11"}],
                "steps": ["checkout", "node/install-packages", {"run": {"name": "Lint", "command": "npx eslint ."}}]
            }
        },
        "workflows": {"main": {"jobs": ["lint", {"node/test": {"version": "20.11"}}]}}
    })
}

#[test]
fn circleci_with_an_orb_job() {
    let path = ".circleci/config.yml";
    let repo = Repo::new(&[(path, CIRCLECI)]);
    let response = repo.judge(&[yaml(path, circleci())]);

    assert_eq!(response.facts["ci.systems"], json!(["circleci"]));
    assert_eq!(response.facts["ci.deploys"], json!(false));
    assert_eq!(evidence(finding(&response, RUNS_TESTS)), vec![(path, Some(21), "runs tests: orb `node/test`")]);
    assert_eq!(
        evidence(finding(&response, STATIC_ANALYSIS)),
        vec![(path, Some(15), "runs static analysis: `npx eslint .`")]
    );
}

const AZURE: &str = "\
trigger:
  - main

pool:
  vmImage: ubuntu-latest

steps:
  - task: DotNetCoreCLI@2
    displayName: Restore
    inputs:
      command: restore
  - task: DotNetCoreCLI@2
    displayName: Test
    inputs:
      command: test
      projects: '**/*Tests.csproj'
      arguments: --configuration Release
  - script: dotnet format --verify-no-changes
    displayName: Check formatting
";

fn azure() -> Value {
    json!({
        "trigger": ["main"],
        "pool": {"vmImage": "ubuntu-latest"},
        "steps": [
            {"task": "DotNetCoreCLI@2", "displayName": "Restore", "inputs": {"command": "restore"}},
            {
                "task": "DotNetCoreCLI@2",
                "displayName": "Test",
                "inputs": {"command": "test", "projects": "**/*Tests.csproj", "arguments": "--configuration Release"}
            },
            {"script": "dotnet format --verify-no-changes", "displayName": "Check formatting"}
        ]
    })
}

#[test]
fn azure_pipelines_with_a_dotnet_test_task() {
    let path = "azure-pipelines.yml";
    let repo = Repo::new(&[(path, AZURE)]);
    let response = repo.judge(&[yaml(path, azure())]);

    assert_eq!(response.facts["ci.systems"], json!(["azure-pipelines"]));
    assert_eq!(response.facts["ci.runs_tests"], json!(true));
    assert_eq!(response.facts["ci.deploys"], json!(false));
    // The second `DotNetCoreCLI@2`, whose command is `test`; the first only restores.
    assert_eq!(
        evidence(finding(&response, RUNS_TESTS)),
        vec![(path, Some(12), "runs tests: `dotnet test --configuration Release`")]
    );
    assert_eq!(
        evidence(finding(&response, STATIC_ANALYSIS)),
        vec![(path, Some(18), "runs static analysis: `dotnet format --verify-no-changes`")]
    );
}

#[test]
fn other_systems_are_recognised_by_content() {
    let cases = vec![
        (
            "travis",
            vec![yaml(
                ".travis.yml",
                json!({"language": "python", "install": ["pip install -r requirements.txt"], "script": ["pytest"]}),
            )],
        ),
        (
            "bitbucket-pipelines",
            vec![yaml(
                "bitbucket-pipelines.yml",
                json!({"pipelines": {"default": [{"step": {"name": "Test", "script": ["npm ci", "npm test"]}}]}}),
            )],
        ),
        (
            "buildkite",
            vec![yaml(
                ".buildkite/pipeline.yml",
                json!({"steps": [{"label": ":test_tube: Test", "command": "make test"}]}),
            )],
        ),
        (
            "drone",
            vec![
                yaml_at(
                    ".drone.yml",
                    0,
                    json!({"kind": "pipeline", "type": "docker", "name": "default",
                           "steps": [{"name": "test", "image": "golang:1.22", "commands": ["go test ./..."]}]}),
                ),
                yaml_at(".drone.yml", 1, json!({"kind": "signature", "hmac": "0123"})),
            ],
        ),
        (
            "tekton",
            vec![
                yaml_at(
                    "tekton/unit.yaml",
                    0,
                    json!({"apiVersion": "tekton.dev/v1", "kind": "Task", "metadata": {"name": "unit"},
                           "spec": {"steps": [{"name": "unit", "image": "golang:1.22", "command": ["go"], "args": ["test", "./..."]}]}}),
                ),
                yaml_at(
                    "tekton/unit.yaml",
                    1,
                    json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"script": "make test"}}),
                ),
            ],
        ),
        (
            "aws-codebuild",
            vec![yaml("buildspec.yml", json!({"version": 0.2, "phases": {"build": {"commands": ["mvn -B verify"]}}}))],
        ),
    ];
    for (system, documents) in cases {
        let response = Repo::new(&[]).judge(&documents);
        assert_eq!(response.facts["ci.systems"], json!([system]), "{}", system);
        assert_eq!(response.facts["ci.runs_tests"], json!(true), "{}", system);
        let tests = finding(&response, RUNS_TESTS);
        assert_eq!(tests.evidence.len(), 1, "{}: {:?}", system, tests.evidence);
        // There is no raw file to find the line in: the evidence is the file.
        assert_eq!(tests.evidence[0].line, None, "{}", system);
    }
}

#[test]
fn look_alikes_are_not_pipelines() {
    let documents = [
        // A workflow file without jobs.
        yaml(".github/workflows/labels.yml", json!({"name": "Labels", "on": {"label": {"types": ["created"]}}})),
        yaml(".gitlab-ci.yml", json!({"variables": {"GIT_DEPTH": "10"}})),
        yaml("azure-pipelines.yml", json!({"variables": [{"name": "buildConfiguration", "value": "Release"}]})),
        yaml("deploy/tekton/configmap.yaml", json!({"apiVersion": "v1", "kind": "ConfigMap"})),
        yaml("tools/buildspec-notes.yml", json!({"notes": "not a build"})),
        yaml(".drone.yml", json!({"kind": "secret", "name": "token"})),
        yaml(".circleci/config.yml", Value::Null),
        json!({"path": "Jenkinsfile", "format": "jenkinsfile", "index": 0,
               "value": {"kind": "scripted", "stages": [], "steps": [], "triggers": []}}),
    ];
    let response = Repo::new(&[]).judge(&documents);
    assert_eq!(response.facts["ci.systems"], json!([]));
    assert_eq!(finding(&response, PIPELINE_PRESENT).status, Status::Fail);
    assert_eq!(finding(&response, RUNS_TESTS).status, Status::NotApplicable);
    assert_eq!(finding(&response, STATIC_ANALYSIS).status, Status::NotApplicable);
}

#[test]
fn a_pipeline_file_that_does_not_parse_is_reported() {
    let broken = json!({"path": ".gitlab-ci.yml", "format": "yaml", "index": 0,
                        "error": {"message": "did not find expected key", "line": 7, "column": 3}});
    let response = Repo::new(&[]).judge(std::slice::from_ref(&broken));
    let present = finding(&response, PIPELINE_PRESENT);
    assert_eq!(present.status, Status::Warn);
    assert_eq!(
        present.message,
        "no CI pipeline definition could be read: 1 file where a pipeline definition was expected could not be parsed"
    );
    assert_eq!(
        evidence(present),
        vec![(
            ".gitlab-ci.yml",
            Some(7),
            "gitlab-ci pipeline definition expected here, but it does not parse: did not find expected key"
        )]
    );
    let tests = finding(&response, RUNS_TESTS);
    assert_eq!(tests.status, Status::NotApplicable);
    assert_eq!(tests.message, "no CI pipeline definition could be read");
    assert_eq!(response.facts["ci.systems"], json!([]));
    assert_eq!(response.facts["ci.runs_tests"], json!(false));

    // Beside a pipeline that parses, the broken file is still worth a look.
    let release = ".github/workflows/release.yml";
    let repo = Repo::new(&[(release, GITHUB_RELEASE)]);
    let response = repo.judge(&[yaml(release, github_release()), broken]);
    let present = finding(&response, PIPELINE_PRESENT);
    assert_eq!(present.status, Status::Warn);
    assert_eq!(
        present.message,
        "1 CI pipeline definition found (github-actions), but 1 file where a pipeline definition was expected could not be parsed"
    );
    assert_eq!(present.evidence.len(), 2);
    let tests = finding(&response, RUNS_TESTS);
    assert_eq!(tests.status, Status::Fail);
    assert_eq!(tests.message, "1 CI pipeline definition, but none runs tests");
    assert_eq!(evidence(tests), vec![(release, None, "no step here runs tests")]);
}

#[test]
fn no_pipeline_at_all() {
    let response = Repo::new(&[]).judge(&[]);
    let present = finding(&response, PIPELINE_PRESENT);
    assert_eq!(present.status, Status::Fail);
    assert_eq!(present.message, "no CI pipeline definition found");
    assert!(present.evidence.is_empty());
    for check in &ALL_CHECKS[1..] {
        let f = finding(&response, check);
        assert_eq!(f.status, Status::NotApplicable, "{}", check);
        assert_eq!(f.message, "no CI pipeline definition found", "{}", check);
    }
    assert_eq!(response.facts["ci.systems"], json!([]));
    assert_eq!(response.facts["ci.triggers"], json!([]));
    assert_eq!(response.facts["ci.features"], json!([]));
    assert_eq!(response.facts["ci.runs_tests"], json!(false));
    assert_eq!(response.facts["ci.deploys"], json!(false));
}

#[test]
fn output_does_not_depend_on_document_order() {
    let files = [
        (".github/workflows/ci.yml", GITHUB_CI),
        (".gitlab-ci.yml", GITLAB_CI),
        (".circleci/config.yml", CIRCLECI),
        ("azure-pipelines.yml", AZURE),
    ];
    let repo = Repo::new(&files);
    let mut documents = vec![
        yaml(files[0].0, github_ci()),
        yaml(files[1].0, gitlab_ci()),
        yaml(files[2].0, circleci()),
        yaml(files[3].0, azure()),
        json!({"path": "Jenkinsfile", "format": "jenkinsfile", "index": 0, "value": jenkinsfile()}),
    ];
    let forward = repo.judge(&documents);
    documents.reverse();
    let backward = repo.judge(&documents);
    assert_eq!(
        kaizen_plugin_sdk::serde_json::to_string(&forward).unwrap(),
        kaizen_plugin_sdk::serde_json::to_string(&backward).unwrap()
    );
    assert_eq!(
        forward.facts["ci.systems"],
        json!(["azure-pipelines", "circleci", "github-actions", "gitlab-ci", "jenkins"])
    );
    let checks: Vec<&str> = forward.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(checks, ALL_CHECKS);
}

const ALL_CHECKS: [&str; 7] =
    [PIPELINE_PRESENT, RUNS_TESTS, STATIC_ANALYSIS, RUNS_ON_CHANGES, CACHING, COVERAGE, DEPLOYMENTS_GATED];

/// `plugin.toml` must ask for exactly the files the systems are looked for in, and declare
/// every check and fact the plugin reports.
#[test]
fn manifest_matches_the_code() {
    let manifest = include_str!("../plugin.toml");
    let first_quoted = |text: &str| -> Option<String> {
        let start = text.find('"')? + 1;
        let end = start + text[start..].find('"')?;
        Some(text[start..end].to_string())
    };
    let quoted = |text: &str, key: &str| first_quoted(text.split(key).nth(1)?);
    let mut parsed: Vec<(String, String)> = manifest
        .lines()
        .filter(|l| l.trim_start().starts_with("{ glob"))
        .map(|l| (quoted(l, "glob").unwrap(), quoted(l, "format").unwrap()))
        .collect();
    let mut expected: Vec<(String, String)> = systems::SYSTEMS
        .iter()
        .flat_map(|s| s.globs().iter().map(move |g| (g.to_string(), s.format().to_string())))
        .collect();
    expected.push(("pom.xml".to_string(), "xml".to_string()));
    expected.push(("package.json".to_string(), "json".to_string()));
    parsed.sort();
    expected.sort();
    assert_eq!(parsed, expected);

    let files_section = manifest.split("files = [").nth(1).unwrap().split(']').next().unwrap();
    let mut files: Vec<String> = files_section.lines().filter_map(first_quoted).collect();
    let mut globs: Vec<String> = expected.into_iter().map(|(glob, _)| glob).collect();
    globs.retain(|g| !build_files::FILES.contains(&g.as_str()));
    globs.extend(build_files::FILES.iter().map(|f| f.to_string()));
    files.sort();
    globs.sort();
    assert_eq!(files, globs);

    let checks: Vec<String> = manifest.split("[[checks]]").skip(1).map(|c| quoted(c, "id =").unwrap()).collect();
    assert_eq!(checks, ALL_CHECKS);
    assert_eq!(manifest.split("[[checks]]").skip(1).filter(|c| c.contains("](https://")).count(), ALL_CHECKS.len());

    let mut facts: Vec<String> = manifest.split("[[facts]]").skip(1).map(|f| quoted(f, "name =").unwrap()).collect();
    facts.sort();
    let reported: Vec<String> = Repo::new(&[]).judge(&[]).facts.keys().cloned().collect();
    assert_eq!(facts, reported);
}

const GITHUB_NIGHTLY: &str = "\
on:
  push:
    branches: [main]
  schedule:
    - cron: '0 3 * * *'
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cargo
          key: cargo
      - run: cargo build --release
      - run: docker push ghcr.io/acme/app:latest
  deploy:
    environment: production
    runs-on: ubuntu-latest
    steps:
      - run: kubectl apply -f k8s/
";

#[test]
fn pipelines_that_run_only_after_merge_warn_and_their_features_are_found() {
    let repo = Repo::new(&[(".github/workflows/nightly.yml", GITHUB_NIGHTLY)]);
    let value = json!({
        "on": {"push": {"branches": ["main"]}, "schedule": [{"cron": "0 3 * * *"}]},
        "jobs": {
            "build": {"runs-on": "ubuntu-latest", "steps": [
                {"uses": "actions/cache@v4", "with": {"path": "~/.cargo", "key": "cargo"}},
                {"run": "cargo build --release"},
                {"run": "docker push ghcr.io/acme/app:latest"},
            ]},
            "deploy": {"environment": "production", "runs-on": "ubuntu-latest", "steps": [{"run": "kubectl apply -f k8s/"}]},
        },
    });
    let response = repo.judge(&[yaml(".github/workflows/nightly.yml", value)]);
    let path = ".github/workflows/nightly.yml";
    let on_changes = finding(&response, RUNS_ON_CHANGES);
    assert_eq!(on_changes.status, Status::Warn);
    assert_eq!(
        on_changes.message,
        "pipelines run only on pushes to some branches, on a schedule, not on pull requests: changes are checked after they land"
    );
    assert_eq!(
        evidence(on_changes),
        vec![(path, Some(2), "on pushes to some branches"), (path, Some(4), "on a schedule")]
    );
    let caching = finding(&response, CACHING);
    assert_eq!(caching.status, Status::Pass);
    assert_eq!(evidence(caching), vec![(path, Some(10), "job `build` caches with `actions/cache@v4`")]);
    assert_eq!(finding(&response, COVERAGE).status, Status::NotApplicable, "no tests run");
    let gated = finding(&response, DEPLOYMENTS_GATED);
    assert_eq!(gated.status, Status::Pass);
    assert_eq!(evidence(gated), vec![(path, Some(17), "job `deploy` deploys to environment `production`")]);
    assert_eq!(response.facts["ci.triggers"], json!(["push", "schedule"]));
    assert_eq!(response.facts["ci.features"], json!(["artifacts", "caching", "environments"]));
}

const GITLAB_GATED: &str = "\
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
default:
  cache:
    paths: [node_modules/]
test:
  parallel:
    matrix:
      - NODE: ['20', '22']
  script:
    - npm test
deploy-prod:
  stage: deploy
  environment: production
  when: manual
  script:
    - helm upgrade --install app chart/
";

#[test]
fn gitlab_merge_request_pipelines_manual_deployments_and_matrices() {
    let repo = Repo::new(&[(".gitlab-ci.yml", GITLAB_GATED)]);
    let value = json!({
        "workflow": {"rules": [
            {"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""},
            {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"},
        ]},
        "default": {"cache": {"paths": ["node_modules/"]}},
        "test": {"parallel": {"matrix": [{"NODE": ["20", "22"]}]}, "script": ["npm test"]},
        "deploy-prod": {"stage": "deploy", "environment": "production", "when": "manual", "script": ["helm upgrade --install app chart/"]},
    });
    let response = repo.judge(&[yaml(".gitlab-ci.yml", value)]);
    assert_eq!(finding(&response, RUNS_ON_CHANGES).status, Status::Pass);
    assert_eq!(response.facts["ci.triggers"], json!(["pull_request", "push"]));
    assert_eq!(response.facts["ci.features"], json!(["approvals", "caching", "environments", "matrix"]));
    let gated = finding(&response, DEPLOYMENTS_GATED);
    assert_eq!(gated.status, Status::Pass);
    assert!(!gated.message.contains("outside the repository"), "an approval is visible: {}", gated.message);
    assert_eq!(
        evidence(gated),
        vec![
            (".gitlab-ci.yml", Some(16), "job `deploy-prod` deploys to environment `production`"),
            (".gitlab-ci.yml", Some(17), "job `deploy-prod` waits to be started by hand"),
        ]
    );
    let coverage = finding(&response, COVERAGE);
    assert_eq!(
        (coverage.status, coverage.message.as_str()),
        (Status::Warn, "tests run in CI, but no step measures or reports their coverage")
    );
}

#[test]
fn each_system_s_triggers_and_gates() {
    let bitbucket = json!({"pipelines": {
        "pull-requests": {"**": [{"step": {"script": ["make test"], "caches": ["node"]}}]},
        "custom": {"release": [{"step": {"trigger": "manual", "deployment": "production", "script": ["make deploy"]}}]},
    }});
    let azure = json!({
        "trigger": {"branches": {"include": ["main"]}}, "pr": "none",
        "schedules": [{"cron": "0 0 * * *", "branches": {"include": ["main"]}}],
        "steps": [{"task": "Cache@2", "inputs": {"key": "npm"}}, {"task": "ManualValidation@1"}, {"script": "npm test"}],
    });
    let drone = json!({"kind": "pipeline", "trigger": {"event": ["cron", "promote"]}, "steps": [{"name": "test", "image": "golang", "commands": ["go test -cover ./..."]}]});
    let circle = json!({
        "version": 2.1,
        "orbs": {"node": "circleci/node@5"},
        "jobs": {"build": {"steps": ["checkout", {"restore_cache": {"key": "deps"}}, {"run": "npm test"}]}},
        "workflows": {"main": {"jobs": ["build", {"hold": {"type": "approval"}}, {"deploy": {"requires": ["hold"]}}]}},
    });
    let gitlab_templates = json!({
        ".no_cache": {"cache": {}},
        ".go-cache": {"variables": {"GOCACHE": ".gocache"}, "cache": {"key": "go", "paths": [".gocache/"]}},
        "unit": {"extends": [".go-cache"], "script": ["go test ./..."]},
    });
    let cases: Vec<(&str, Value, Value, Value)> = vec![
        (".gitlab-ci.yml", gitlab_templates, json!(["push"]), json!(["caching"])),
        (
            "bitbucket-pipelines.yml",
            bitbucket,
            json!(["manual", "pull_request"]),
            json!(["approvals", "caching", "environments"]),
        ),
        ("azure-pipelines.yml", azure, json!(["push", "schedule"]), json!(["approvals", "caching"])),
        (".drone.yml", drone, json!(["manual", "schedule"]), json!(["coverage"])),
        (".circleci/config.yml", circle, json!(["push"]), json!(["approvals", "caching", "reusable"])),
    ];
    for (path, value, triggers, features) in cases {
        let repo = Repo::new(&[(path, "")]);
        let response = repo.judge(&[yaml(path, value)]);
        assert_eq!(response.facts["ci.triggers"], triggers, "{}", path);
        assert_eq!(response.facts["ci.features"], features, "{}", path);
    }
}

const PETCLINIC_POM: &str = "\
<project>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-checkstyle-plugin</artifactId>
        <executions>
          <execution><goals><goal>check</goal></goals></execution>
        </executions>
      </plugin>
      <plugin>
        <artifactId>maven-pmd-plugin</artifactId>
      </plugin>
      <plugin>
        <artifactId>jacoco-maven-plugin</artifactId>
        <executions><execution><goals><goal>report</goal></goals></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
";

const PETCLINIC_GRADLE: &str = "\
plugins {
  id 'java'
  id 'checkstyle'
  id 'org.springframework.boot' version '4.0.3'
}
";

fn element(name: &str, line: u32, text: &str, children: Vec<Value>) -> Value {
    json!({"name": name, "attributes": {}, "children": children, "text": text, "line": line})
}

/// spring-petclinic runs `./mvnw -B verify` and `./gradlew build`; Checkstyle runs through
/// the POM and the Gradle `check` task, coverage through JaCoCo, and a script of
/// package.json lints.
#[test]
fn build_files_run_what_the_pipeline_calls_indirectly() {
    let workflow = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./mvnw -B verify\n      - run: ./gradlew build\n      - run: npm run check\n";
    let package = "{\n  \"scripts\": {\n    \"check\": \"eslint . && prettier --check .\"\n  }\n}\n";
    let repo = Repo::new(&[
        (".github/workflows/build.yml", workflow),
        ("pom.xml", PETCLINIC_POM),
        ("build.gradle", PETCLINIC_GRADLE),
        ("package.json", package),
    ]);
    let pom = element(
        "project",
        1,
        "",
        vec![element(
            "build",
            2,
            "",
            vec![element(
                "plugins",
                3,
                "",
                vec![
                    element(
                        "plugin",
                        4,
                        "",
                        vec![
                            element("groupId", 5, "org.apache.maven.plugins", vec![]),
                            element("artifactId", 6, "maven-checkstyle-plugin", vec![]),
                            element("executions", 7, "", vec![element("execution", 8, "", vec![])]),
                        ],
                    ),
                    element("plugin", 11, "", vec![element("artifactId", 12, "maven-pmd-plugin", vec![])]),
                    element(
                        "plugin",
                        14,
                        "",
                        vec![
                            element("artifactId", 15, "jacoco-maven-plugin", vec![]),
                            element("executions", 16, "", vec![element("execution", 16, "", vec![])]),
                        ],
                    ),
                ],
            )],
        )],
    );
    let documents = [
        yaml(
            ".github/workflows/build.yml",
            json!({"jobs": {"build": {"runs-on": "ubuntu-latest", "steps": [
                {"run": "./mvnw -B verify"}, {"run": "./gradlew build"}, {"run": "npm run check"},
            ]}}}),
        ),
        json!({"path": "pom.xml", "format": "xml", "index": 0, "value": pom}),
        json!({"path": "package.json", "format": "json", "index": 0, "value": {"scripts": {"check": "eslint . && prettier --check ."}}}),
    ];
    let response = repo.judge(&documents);
    let lint = finding(&response, STATIC_ANALYSIS);
    assert_eq!(lint.status, Status::Pass);
    assert_eq!(
        evidence(lint),
        vec![
            ("build.gradle", Some(3), "runs static analysis: Gradle plugin `checkstyle`, run by `./gradlew build`"),
            ("package.json", Some(3), "runs static analysis: `eslint .` in the `check` script that `npm run check` runs"),
            ("package.json", Some(3), "runs static analysis: `prettier --check .` in the `check` script that `npm run check` runs"),
            ("pom.xml", Some(6), "runs static analysis: `maven-checkstyle-plugin` bound into the Maven build that `./mvnw -B verify` runs"),
        ],
        "maven-pmd-plugin has no executions: it runs only when called by name"
    );
    let coverage = finding(&response, COVERAGE);
    assert_eq!(coverage.status, Status::Pass);
    assert_eq!(
        evidence(coverage),
        vec![(
            "pom.xml",
            Some(15),
            "measures coverage: `jacoco-maven-plugin` bound into the Maven build that `./mvnw -B verify` runs"
        )]
    );
}
