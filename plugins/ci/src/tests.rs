//! The plugin judged from what the host hands it: the CI model (built here by hand, as the
//! host's tests show it is built from real files), the parsed pipeline documents for how the
//! pipelines are organised, and the raw files on disk for the lines of those features.
//! Recognising pipelines and the tools they run is the host's, tested in the engine
//! (`engine/src/ci/tests.rs`, `tests/ci.rs`).

use super::*;
use kaizen_plugin_sdk::evidence::ci::{Broken, Ignored, Job, Pipeline, Via};
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

    fn request(&self, ci: &Ci, documents: &[Value]) -> Request {
        let request = json!({
            "api": 1,
            "kaizen_version": "0.1.0",
            "plugin": {"id": "ci", "version": "0.1.0"},
            "target": {"name": "t", "kind": "directory", "root": self.root.to_str().unwrap()},
            "documents": documents,
            "ci": ci,
        });
        Request::from_json(&request.to_string()).unwrap()
    }

    /// Judges the documents, each a pipeline of the system its path says, with these tools.
    fn judge(&self, documents: &[Value], tools: Vec<ToolUse>) -> Response {
        let mut ci = pipelines_of(documents);
        ci.tools = tools;
        judge(&self.request(&ci, documents)).unwrap()
    }

    fn judge_ci(&self, ci: &Ci) -> Response {
        judge(&self.request(ci, &[])).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn yaml(path: &str, value: Value) -> Value {
    json!({"path": path, "format": "yaml", "index": 0, "value": value})
}

/// A CI model with one pipeline per document, of the system whose globs match its path.
fn pipelines_of(documents: &[Value]) -> Ci {
    let mut ci = Ci::default();
    for document in documents {
        let path = document["path"].as_str().unwrap();
        let system = systems::SYSTEMS
            .iter()
            .find(|s| s.globs().iter().any(|g| kaizen_plugin_sdk::glob_match(g, path)))
            .unwrap_or_else(|| panic!("no system reads {}", path));
        if !ci.pipelines.iter().any(|p| p.path == path) {
            ci.pipelines.push(Pipeline { path: path.into(), system: system.name().into(), ..Pipeline::default() });
        }
    }
    ci
}

fn tool(id: &str, kinds: &[&str], path: &str, line: u32, text: &str) -> ToolUse {
    ToolUse {
        tool: id.into(),
        name: id.into(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        path: path.into(),
        line: Some(line),
        form: "command".into(),
        text: text.into(),
        ..ToolUse::default()
    }
}

fn finding<'a>(response: &'a Response, check: &str) -> &'a Finding {
    response.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no {} finding", check))
}

/// Each piece of evidence as (path, line, message).
fn evidence(finding: &Finding) -> Vec<(&str, Option<u32>, &str)> {
    finding.evidence.iter().map(|e| (e.path.as_str(), e.line, e.message.as_deref().unwrap_or(""))).collect()
}

const ALL_CHECKS: [&str; 7] =
    [PIPELINE_PRESENT, RUNS_TESTS, STATIC_ANALYSIS, RUNS_ON_CHANGES, CACHING, COVERAGE, DEPLOYMENTS_GATED];

#[test]
fn practices_are_judged_from_the_tools_the_host_found_with_their_lines() {
    let ci_path = ".github/workflows/ci.yml";
    let mut ci = Ci {
        pipelines: vec![
            Pipeline { path: ci_path.into(), system: "github-actions".into(), ..Pipeline::default() },
            Pipeline {
                path: "Jenkinsfile".into(),
                system: "jenkins".into(),
                error: Some(Broken { message: "unclosed `{`".into(), line: Some(3) }),
                jobs: Vec::new(),
            },
        ],
        ignored: vec![
            Ignored { path: "examples/buildspec.yml".into(), system: "aws-codebuild".into(), reason: "example".into() },
            Ignored {
                path: "testdata/.gitlab-ci.yml".into(),
                system: "gitlab-ci".into(),
                reason: "test-fixture".into(),
            },
            Ignored { path: "docs/.travis.yml".into(), system: "travis".into(), reason: "example".into() },
        ],
        tools: vec![
            tool("go-test", &["test"], ci_path, 36, "go test -race ./..."),
            tool("golangci-lint", &["lint"], ci_path, 18, "golangci/golangci-lint-action@v6"),
            ToolUse {
                via: vec![Via {
                    kind: "make".into(),
                    name: "make cover".into(),
                    path: "Makefile".into(),
                    line: Some(12),
                }],
                ..tool("coverage-tools", &["coverage"], ci_path, 40, "make cover")
            },
        ],
    };
    ci.tools[1].form = "action".into();
    let repo = Repo::new(&[]);
    let response = repo.judge_ci(&ci);
    let present = finding(&response, PIPELINE_PRESENT);
    assert_eq!(present.status, Status::Warn);
    assert_eq!(
        present.message,
        "1 CI pipeline definition found (github-actions), but 1 file where a pipeline definition was expected could not \
         be parsed; 2 example pipelines and 1 test-fixture pipeline ignored"
    );
    assert!(evidence(present).contains(&(
        "Jenkinsfile",
        Some(3),
        "jenkins pipeline definition expected here, but it does not parse: unclosed `{`"
    )));
    assert!(evidence(present).contains(&(
        "examples/buildspec.yml",
        None,
        "aws-codebuild pipeline ignored: example file, not the repository's own"
    )));
    let tests = finding(&response, RUNS_TESTS);
    assert_eq!(tests.status, Status::Pass);
    assert_eq!(evidence(tests), vec![(ci_path, Some(36), "runs tests: `go test -race ./...` (go-test)")]);
    let lint = finding(&response, STATIC_ANALYSIS);
    assert_eq!(
        evidence(lint),
        vec![(ci_path, Some(18), "runs static analysis: action `golangci/golangci-lint-action@v6`")]
    );
    let coverage = finding(&response, COVERAGE);
    assert_eq!(coverage.status, Status::Pass);
    assert_eq!(
        coverage.message,
        "test coverage is measured: `make cover` (coverage-tools, via `make cover` at Makefile:12) in .github/workflows/ci.yml"
    );
    assert_eq!(response.facts["ci.systems"], json!(["github-actions"]));
    assert_eq!(response.facts["ci.runs_tests"], json!(true));
    assert_eq!(response.facts["ci.deploys"], json!(false));
}

#[test]
fn deployments_are_deploy_and_release_tools_or_environments() {
    let path = ".github/workflows/ci.yml";
    let base = || Ci {
        pipelines: vec![Pipeline { path: path.into(), system: "github-actions".into(), ..Pipeline::default() }],
        ..Ci::default()
    };
    let repo = Repo::new(&[]);
    // A `kubectl apply` the host made a test (a throwaway cluster in its job) is no deployment.
    let mut ci = base();
    ci.tools.push(ToolUse {
        note: Some("in a job that starts a throwaway cluster".into()),
        ..tool("kubectl-apply", &["test"], path, 9, "kubectl apply -f k8s/")
    });
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys"], json!(false));
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(false));
    // Publishing an image is a release, not a service deployed.
    let mut ci = base();
    ci.tools.push(tool("docker-push", &["release"], path, 9, "docker push app"));
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys"], json!(true));
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(false));
    // An image pushed from a job in an environment named for its registry is a release.
    let mut ci = base();
    ci.pipelines[0].jobs.push(Job { id: "build".into(), environment: Some("docker".into()), ..Job::default() });
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(false));
    let mut ci = base();
    ci.pipelines[0].jobs.push(Job { id: "publish".into(), environment: Some("pypi".into()), ..Job::default() });
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys"], json!(true));
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(false));
    let mut ci = base();
    ci.tools.push(tool("helm-deploy", &["deploy"], path, 9, "helm upgrade --install app ./chart"));
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(true));
    let mut ci = base();
    ci.pipelines[0].jobs.push(Job { id: "deploy".into(), environment: Some("production".into()), ..Job::default() });
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys"], json!(true));
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(true));
    assert_eq!(
        finding(&repo.judge_ci(&ci), DEPLOYMENTS_GATED).status,
        Status::Warn,
        "no environment feature in a document"
    );
    // A `production` environment whose job only publishes a crate ships a package.
    ci.tools
        .push(ToolUse { job: Some("deploy".into()), ..tool("cargo-publish", &["release"], path, 12, "cargo publish") });
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(false));
    ci.tools.push(ToolUse {
        job: Some("deploy".into()),
        ..tool("aws-ecs", &["deploy"], path, 14, "aws ecs update-service")
    });
    assert_eq!(repo.judge_ci(&ci).facts["ci.deploys_service"], json!(true));
}

#[test]
fn no_pipeline_at_all() {
    let response = Repo::new(&[]).judge(&[], Vec::new());
    let present = finding(&response, PIPELINE_PRESENT);
    assert_eq!(present.status, Status::Fail);
    assert_eq!(present.message, "no CI pipeline definition found");
    for check in &ALL_CHECKS[1..] {
        assert_eq!(finding(&response, check).status, Status::NotApplicable, "{}", check);
    }
    assert_eq!(response.facts["ci.systems"], json!([]));
}

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
    // The repository's own composite actions, read for what the workflows using them do.
    expected.push((".github/actions/**/action.{yml,yaml}".to_string(), "yaml".to_string()));
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
    assert!(manifest.contains("\nci = true\n"), "the plugin reads the host's CI model");

    let checks: Vec<String> = manifest.split("[[checks]]").skip(1).map(|c| quoted(c, "id =").unwrap()).collect();
    assert_eq!(checks, ALL_CHECKS);
    assert_eq!(manifest.split("[[checks]]").skip(1).filter(|c| c.contains("](https://")).count(), ALL_CHECKS.len());

    let mut facts: Vec<String> = manifest.split("[[facts]]").skip(1).map(|f| quoted(f, "name =").unwrap()).collect();
    facts.sort();
    let reported: Vec<String> = Repo::new(&[]).judge(&[], Vec::new()).facts.keys().cloned().collect();
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
    let nightly = ".github/workflows/nightly.yml";
    let tools = vec![
        tool("docker-push", &["release"], nightly, 15, "docker push ghcr.io/acme/app:latest"),
        tool("kubectl-apply", &["deploy"], nightly, 20, "kubectl apply -f k8s/"),
    ];
    let response = repo.judge(&[yaml(nightly, value)], tools);
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
    let tools = vec![
        tool("npm-script:test", &["test"], ".gitlab-ci.yml", 13, "npm test"),
        tool("helm-deploy", &["deploy"], ".gitlab-ci.yml", 19, "helm upgrade --install app chart/"),
    ];
    let response = repo.judge(&[yaml(".gitlab-ci.yml", value)], tools);
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
        // The host reads `go test -cover` as a test that measures coverage.
        let tools = match path {
            ".drone.yml" => vec![tool("go-test", &["test", "coverage"], path, 1, "go test -cover ./...")],
            _ => Vec::new(),
        };
        let response = repo.judge(&[yaml(path, value)], tools);
        assert_eq!(response.facts["ci.triggers"], triggers, "{}", path);
        assert_eq!(response.facts["ci.features"], features, "{}", path);
    }
}

fn element(name: &str, line: u32, text: &str, children: Vec<Value>) -> Value {
    json!({"name": name, "attributes": {}, "children": children, "text": text, "line": line})
}

#[test]
fn build_files_run_what_the_pipeline_calls_indirectly() {
    let workflow = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./mvnw -B verify\n      - run: ./gradlew build\n";
    let repo = Repo::new(&[
        (".github/workflows/build.yml", workflow),
        ("pom.xml", PETCLINIC_POM),
        ("build.gradle", PETCLINIC_GRADLE),
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
    let documents = [json!({"path": "pom.xml", "format": "xml", "index": 0, "value": pom})];
    let path = ".github/workflows/build.yml";
    let command = |text: &str, line: u32| kaizen_plugin_sdk::evidence::ci::Command {
        argv: text.split_whitespace().map(String::from).collect(),
        line: Some(line),
        text: text.into(),
    };
    let step = |text: &str, line: u32| kaizen_plugin_sdk::evidence::ci::Step {
        line: Some(line),
        reference: None,
        commands: vec![command(text, line)],
    };
    let ci = Ci {
        pipelines: vec![Pipeline {
            path: path.into(),
            system: "github-actions".into(),
            error: None,
            jobs: vec![Job {
                id: "build".into(),
                steps: vec![step("./mvnw -B verify", 5), step("./gradlew build", 6)],
                ..Job::default()
            }],
        }],
        tools: vec![tool("maven-test", &["test"], path, 5, "./mvnw -B verify")],
        ..Ci::default()
    };
    let response = judge(&repo.request(&ci, &documents)).unwrap();
    let lint = finding(&response, STATIC_ANALYSIS);
    assert_eq!(lint.status, Status::Pass);
    assert_eq!(
        evidence(lint),
        vec![
            ("build.gradle", Some(3), "runs static analysis: Gradle plugin `checkstyle`, run by `./gradlew build`"),
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

#[test]
fn setup_go_caches_by_default_since_v4() {
    let path = ".github/workflows/ci.yml";
    let workflow = |uses: &str, with: Value| json!({"on": "push", "jobs": {"test": {"runs-on": "x", "steps": [{"uses": uses, "with": with}]}}});
    let text = "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - uses: actions/setup-go\n";
    let repo = Repo::new(&[(path, text)]);
    let caching = |value: Value| finding(&repo.judge(&[yaml(path, value)], Vec::new()), CACHING).status;
    assert_eq!(caching(workflow("actions/setup-go@v5", json!({"go-version": "1.23"}))), Status::Pass);
    assert_eq!(caching(workflow("actions/setup-go@0aaccfd150d50ccaeb58ebd88d36e91967a5f35b", json!({}))), Status::Pass);
    assert_eq!(caching(workflow("actions/setup-go@v5", json!({"cache": false}))), Status::Warn);
    assert_eq!(caching(workflow("actions/setup-go@v3", json!({}))), Status::Warn);
    assert_eq!(caching(workflow("actions/setup-node@v4", json!({"node-version": 20}))), Status::Warn);
    assert_eq!(caching(workflow("actions/setup-node@v4", json!({"cache": "npm"}))), Status::Pass);
}
