//! The CI model on small repositories written by the tests, one per class of mistake the
//! corpus of real repositories showed (see `tests/corpus/expected.toml`).

use super::*;
use crate::collect::{roles, Inventory, WalkOptions};
use std::collections::BTreeMap;

/// Writes `files` into a fresh folder and understands its CI as an assessment would.
fn understand_files(files: &[(&str, &str)]) -> Ci {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let root = dir.path();
    let mut inventory = Inventory::walk(root, WalkOptions::default());
    let paths: Vec<&str> = inventory.files.iter().map(|f| f.path.as_str()).collect();
    let assigned = roles::assign(root, &paths, &[]);
    for (f, r) in inventory.files.iter_mut().zip(assigned) {
        f.role = r;
    }
    let mut documents: BTreeMap<(String, Format), Vec<Located>> = BTreeMap::new();
    for (path, format) in documents_wanted(inventory.files.iter().map(|f| (f.path.as_str(), f.role))) {
        let bytes = std::fs::read(root.join(&path)).unwrap();
        documents.insert((path, format), crate::parse::parse_located(format, &bytes));
    }
    let lookup = |path: &str, format: Format| documents.get(&(path.to_owned(), format)).map(Vec::as_slice);
    let inputs =
        Inputs { root, files: inventory.files.iter().map(|f| (f.path.as_str(), f.role)).collect(), document: &lookup };
    understand(&inputs, Catalogue::builtin())
}

fn tools(ci: &Ci) -> Vec<(String, String, Option<u32>)> {
    ci.tools.iter().map(|t| (t.tool.clone(), t.kinds.join(","), t.line)).collect()
}

fn has(ci: &Ci, tool: &str) -> bool {
    ci.tools.iter().any(|t| t.tool == tool)
}

fn has_kind(ci: &Ci, kind: &str) -> bool {
    ci.tools.iter().any(|t| t.is(kind))
}

#[test]
fn only_files_the_system_reads_as_the_repositorys_own_are_pipelines() {
    let ci = understand_files(&[
        (".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: cargo test\n"),
        ("examples/codebuild/buildspec.yml", "version: 0.2\nphases:\n  build:\n    commands: [make]\n"),
        ("fuzz/seeds/parse_documents/Jenkinsfile", "pipeline { stages { stage('a') { steps { sh 'make' } } } }\n"),
        ("testdata/.gitlab-ci.yml", "test:\n  script: [rspec]\n"),
        ("vendor/x/.travis.yml", "language: go\nscript: go test\n"),
        ("sub/.travis.yml", "language: go\nscript: go test\n"),
        ("infra/buildspec-deploy.yml", "version: 0.2\nphases:\n  build:\n    commands: [cdk deploy]\n"),
        (
            "infra/pipeline.tf",
            "resource \"aws_codebuild_project\" \"p\" {\n  source { buildspec = \"infra/buildspec-deploy.yml\" }\n}\n",
        ),
        ("tools/buildspec-unused.yml", "version: 0.2\nphases:\n  build:\n    commands: [make]\n"),
    ]);
    let pipelines: Vec<(&str, &str)> = ci.pipelines.iter().map(|p| (p.path.as_str(), p.system.as_str())).collect();
    assert_eq!(
        pipelines,
        [(".github/workflows/ci.yml", "github-actions"), ("infra/buildspec-deploy.yml", "aws-codebuild")]
    );
    let ignored: Vec<(&str, &str)> = ci.ignored.iter().map(|i| (i.path.as_str(), i.reason.as_str())).collect();
    assert_eq!(
        ignored,
        [
            ("examples/codebuild/buildspec.yml", "example"),
            ("fuzz/seeds/parse_documents/Jenkinsfile", "test-fixture"),
            ("sub/.travis.yml", "not-read"),
            ("testdata/.gitlab-ci.yml", "test-fixture"),
            ("tools/buildspec-unused.yml", "not-read"),
            ("vendor/x/.travis.yml", "vendored"),
        ]
    );
}

#[test]
fn a_mention_of_a_scanner_is_not_running_it() {
    let ci = understand_files(&[(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  build:\n    runs-on: x\n    steps:\n      - name: Free disk space\n        run: |\n          sudo rm -rf /opt/hostedtoolcache/CodeQL\n          echo \"run trivy later\"\n      - uses: github/codeql-action/upload-sarif@v3\n      - run: trivy --version\n",
    )]);
    assert!(ci.tools.is_empty(), "{:?}", tools(&ci));
}

#[test]
fn scanners_are_recognised_in_every_form_with_their_lines() {
    let ci = understand_files(&[
        (
            ".github/workflows/security.yml",
            "on: push\njobs:\n  scan:\n    runs-on: x\n    steps:\n      - uses: github/codeql-action/init@v3\n      - uses: ossf/scorecard-action@v2\n      - uses: actions/dependency-review-action@v4\n      - run: |\n          go run golang.org/x/vuln/cmd/govulncheck@latest ./...\n          docker run --rm aquasec/trivy:0.50 image app\n      - uses: super-linter/super-linter@v7\n        env:\n          VALIDATE_GITLEAKS: true\n          VALIDATE_CHECKOV: false\n",
        ),
        (".gitlab-ci.yml", "include:\n  - template: Jobs/SAST.gitlab-ci.yml\n  - template: Security/SAST-IaC.latest.gitlab-ci.yml\n"),
    ]);
    let found = tools(&ci);
    for (tool, line) in [
        ("codeql", 6),
        ("scorecard", 7),
        ("dependency-review", 8),
        ("govulncheck", 10),
        ("trivy", 11),
        ("gitleaks", 12),
        ("gitlab-sast", 2),
        ("gitlab-iac-sast", 3),
    ] {
        assert!(found.iter().any(|(t, _, l)| t == tool && *l == Some(line)), "{tool} at line {line}: {found:?}");
    }
    assert!(!has(&ci, "checkov"), "switched off: {found:?}");
}

#[test]
fn runners_are_followed_into_what_they_run() {
    let ci = understand_files(&[
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  test:\n    runs-on: x\n    strategy:\n      matrix:\n        session: [bandit, tests]\n    steps:\n      - run: make test\n      - run: npm run lint\n      - run: tox -e py\n      - run: nox -s ${{ matrix.session }}\n      - run: just check\n      - run: task ci:test\n      - run: ./scripts/run_integration.sh\n      - run: bundle exec rake\n",
        ),
        ("Makefile", "include common.mk\nGO ?= go\ntest: vet\n\t$(GO) test ./...\n"),
        ("common.mk", "vet:\n\t@$(MAKE) -s run ARGS=\"--help\"\nrun:\n\tgosec $(ARGS)\n"),
        ("package.json", "{\n  \"scripts\": {\n    \"lint\": \"npm run lint:js && npm run lint:css\",\n    \"lint:js\": \"eslint .\",\n    \"lint:css\": \"stylelint '**/*.css'\"\n  }\n}\n"),
        ("tox.ini", "[tox]\nenvlist = py\n\n[testenv]\ncommands =\n    coverage run -m pytest {posargs}\n\n    pre-commit run --all-files\n"),
        (".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8\n    hooks:\n      - id: gitleaks\n"),
        ("noxfile.py", "import nox\n\n@nox.session()\ndef bandit(session):\n    cmd = \"bandit -r src\"\n    session.run(*cmd.split())\n\n@nox.session(name=\"tests\")\ndef unit(session):\n    session.run(\"pytest\", \"-x\")\n"),
        ("justfile", "check: lint\n    cargo test\nlint:\n    cargo clippy\n"),
        ("Taskfile.yml", "version: '3'\ntasks:\n  ci:test:\n    cmds:\n      - go tool gotestsum -- ./...\n"),
        ("scripts/run_integration.sh", "#!/bin/sh\nset -e\n./bin/custom-harness --all\n"),
        ("Rakefile", "task default: %i[spec rubocop]\n"),
    ]);
    let found = tools(&ci);
    for tool in
        ["go-test", "eslint", "pytest", "coverage-tools", "gitleaks", "bandit", "cargo-test", "clippy", "go-test"]
    {
        assert!(has(&ci, tool), "{tool}: {found:?}");
    }
    assert!(!has(&ci, "gosec"), "`gosec --help` runs nothing: {found:?}");
    assert!(has(&ci, "stylelint"), "{found:?}");
    // A custom script runs nothing the catalogue knows: its name says it tests.
    assert!(ci.tools.iter().any(|t| t.tool == "script:scripts/run_integration.sh" && t.is("test")), "{found:?}");
    assert!(ci.tools.iter().any(|t| t.tool == "rake:spec" && t.is("test")), "{found:?}");
    // Every use found through a runner names the pipeline line and the runner's line.
    let make = ci.tools.iter().find(|t| t.tool == "go-test" && t.via.iter().any(|v| v.kind == "make")).unwrap();
    assert_eq!(make.location(), ".github/workflows/ci.yml:9, via `make test` (Makefile:4)");
}

#[test]
fn a_throwaway_cluster_makes_applying_a_test_not_a_deployment() {
    let ci = understand_files(&[(
        ".github/workflows/e2e.yml",
        "on: push\njobs:\n  e2e:\n    runs-on: x\n    steps:\n      - uses: helm/kind-action@v1\n      - run: kubectl apply -f deploy/\n      - run: helm install app ./chart\n  deploy:\n    runs-on: x\n    environment: production\n    steps:\n      - run: kubectl apply -f deploy/\n",
    )]);
    let e2e: Vec<&model::ToolUse> = ci.tools.iter().filter(|t| t.job.as_deref() == Some("e2e")).collect();
    assert!(e2e.iter().filter(|t| t.tool != "kind").all(|t| t.is("test") && !t.is("deploy")), "{e2e:?}");
    let deploy = ci.tools.iter().find(|t| t.job.as_deref() == Some("deploy")).unwrap();
    assert!(deploy.is("deploy"), "{deploy:?}");
    let job = &ci.pipelines[0].jobs.iter().find(|j| j.id == "deploy").unwrap();
    assert_eq!(job.environment.as_deref(), Some("production"));
}

#[test]
fn jenkinsfiles_of_every_name_and_circleci_step_parameters() {
    let ci = understand_files(&[
        ("Jenkinsfile-owasp", "pipeline {\n  agent any\n  stages {\n    stage('scan') {\n      steps {\n        sh 'mvn -B dependency-check:check'\n      }\n    }\n  }\n}\n"),
        (
            ".circleci/config.yml",
            "version: 2.1\njobs:\n  deploy:\n    parameters:\n      publish_steps:\n        type: steps\n        default:\n          - run: goreleaser release --clean\n    steps:\n      - steps: << parameters.publish_steps >>\n",
        ),
    ]);
    assert!(has(&ci, "dependency-check"), "{:?}", tools(&ci));
    assert!(has(&ci, "github-release"), "{:?}", tools(&ci));
}

#[test]
fn names_of_unknown_actions_say_what_they_do_and_artifacts_are_not_releases() {
    let ci = understand_files(&[
        (
            ".github/workflows/release.yml",
            "on: push\njobs:\n  publish:\n    runs-on: x\n    steps:\n      - uses: example/promci/publish_release@v1\n      - uses: release-drafter/release-drafter@v6\n",
        ),
        ("azure-pipelines.yml", "steps:\n  - task: PublishBuildArtifacts@1\n"),
    ]);
    let found = tools(&ci);
    assert!(
        ci.tools.iter().any(|t| t.text.starts_with("example/promci/publish_release") && t.is("release")),
        "{found:?}"
    );
    assert!(
        !ci.tools.iter().any(|t| t.text.contains("release-drafter") || t.text.contains("PublishBuildArtifacts")),
        "{found:?}"
    );
}

#[test]
fn deploying_documentation_or_a_site_publishes_it_and_runs_no_service() {
    let ci = understand_files(&[(
        ".github/workflows/docs.yml",
        "on: push\njobs:\n  docs:\n    uses: example/docs-actions/.github/workflows/docs-deploy.yml@v1\n  \
         plugin:\n    uses: example/workflows/.github/workflows/maven-cd.yml@v1\n  \
         app:\n    runs-on: x\n    steps:\n      - uses: example/deploy-to-ecs@v2\n",
    )]);
    let kinds = |text: &str| -> Vec<String> {
        ci.tools.iter().filter(|t| t.text.contains(text)).flat_map(|t| t.kinds.clone()).collect()
    };
    assert_eq!(kinds("docs-deploy"), ["release"], "{:?}", tools(&ci));
    assert_eq!(kinds("maven-cd"), ["release"], "{:?}", tools(&ci));
    assert_eq!(kinds("deploy-to-ecs"), ["deploy"], "{:?}", tools(&ci));
}

#[test]
fn pre_commit_ci_runs_the_hooks_of_a_configuration_that_asks_it_to() {
    let ci = understand_files(&[(
        ".pre-commit-config.yaml",
        "ci:\n  autofix_prs: true\nrepos:\n  - repo: https://github.com/Yelp/detect-secrets\n    rev: v1\n    hooks:\n      - id: detect-secrets\n",
    )]);
    assert!(has(&ci, "detect-secrets") && has_kind(&ci, "secrets"), "{:?}", tools(&ci));
    let without = understand_files(&[(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/Yelp/detect-secrets\n    rev: v1\n    hooks:\n      - id: detect-secrets\n",
    )]);
    assert!(without.tools.is_empty(), "hooks nobody runs in CI: {:?}", tools(&without));
}

#[test]
fn gitlab_files_count_where_the_root_pipeline_includes_them_and_extends_is_followed() {
    let ci = understand_files(&[
        (
            ".gitlab-ci.yml",
            "include:\n  - local: .gitlab/ci/test.yml\n  - local: /ci/images.yml\n.base:\n  script: [make lint]\nlint:\n  extends: .base\n",
        ),
        ("ci/images.yml", "images:\n  script:\n    - docker push registry.example.com/app\n"),
        (".gitlab/ci/test.yml", "unit:\n  image: golang:1.22\n  script:\n    - go test ./...\n"),
        (".gitlab/ci/unused.yml", "other:\n  script: [pytest]\n"),
        ("Makefile", "lint:\n\tgolangci-lint run\n"),
    ]);
    let paths: Vec<&str> = ci.pipelines.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, [".gitlab-ci.yml", ".gitlab/ci/test.yml", "ci/images.yml"]);
    assert!(has(&ci, "docker-push"), "an include by any name is the pipeline's: {:?}", tools(&ci));
    assert!(has(&ci, "go-test") && has(&ci, "golangci-lint") && !has(&ci, "pytest"), "{:?}", tools(&ci));
    assert!(ci.tools.iter().any(|t| t.tool == "golangci-lint" && t.job.as_deref() == Some("lint")), "{:?}", tools(&ci));
}

#[test]
fn tekton_tasks_are_known_by_name_directly_or_through_a_resolver() {
    let ci = understand_files(&[(
        ".tekton/push.yaml",
        "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: app-on-push\nspec:\n  pipelineSpec:\n    tasks:\n      - name: build\n        taskRef:\n          resolver: bundles\n          params:\n            - name: name\n              value: buildah-remote-oci-ta\n            - name: bundle\n              value: quay.io/example/task-buildah:0.1\n      - name: scan\n        taskRef:\n          resolver: bundles\n          params:\n            - name: bundle\n              value: quay.io/example/task-snyk:0.5\n            - name: name\n              value: sast-snyk-check-oci-ta\n      - name: unit\n        taskRef:\n          name: golang-test\n      - name: notify\n        taskRef:\n          name: send-to-slack\n",
    )]);
    let found = tools(&ci);
    assert!(found.contains(&("docker-push".into(), "release".into(), Some(13))), "{found:?}");
    assert!(found.contains(&("snyk".into(), "sast".into(), Some(23))), "{found:?}");
    assert!(found.contains(&("go-test".into(), "test".into(), Some(26))), "{found:?}");
    // A task the catalogue does not know and whose name says nothing is nothing.
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn tox_reads_its_own_toml_and_tox_gh_runs_the_environments_it_maps() {
    let workflow = "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: tox\n";
    let pyproject = "[project]\nname = \"x\"\n\n[tool.tox]\nenv_list = [\"py312\"]\n\n[tool.tox.env_run_base]\ncommands = [\n  [\"coverage\", \"run\", \"-m\", \"pytest\", { replace = \"posargs\", default = [\"tests\"], extend = true }],\n]\n\n[tool.tox.env.style]\ncommands = [[\"pre-commit\", \"run\", \"--all-files\"]]\n\n[tool.tox.gh.python]\n\"3.12\" = [\"py312\", \"style\"]\n";
    let hooks = "repos:\n  - repo: https://github.com/PyCQA/bandit\n    rev: 1.7.9\n    hooks:\n      - id: bandit\n";
    let ci = understand_files(&[
        (".github/workflows/ci.yml", workflow),
        ("pyproject.toml", pyproject),
        (".pre-commit-config.yaml", hooks),
    ]);
    let pytest = ci.tools.iter().find(|t| t.tool == "pytest").expect("pytest through tox");
    assert_eq!(pytest.location(), ".github/workflows/ci.yml:6, via `tox -e py312` (pyproject.toml:9)");
    // `style` is not in env_list, but tox-gh runs it for Python 3.12.
    let bandit = ci.tools.iter().find(|t| t.tool == "bandit").expect("bandit through tox and pre-commit");
    assert!(bandit.via.iter().any(|v| v.name == "tox -e style" && v.line == Some(13)), "{:?}", bandit.via);

    // The same in tox.toml, where the keys are at the top.
    let ci = understand_files(&[
        (".github/workflows/ci.yml", workflow),
        ("tox.toml", "env_list = [\"lint\"]\n[env.lint]\ncommands = [[\"ruff\", \"check\", \".\"]]\n"),
    ]);
    assert!(has(&ci, "ruff"), "{:?}", tools(&ci));
}

#[test]
fn pre_commit_run_without_files_checks_nothing_in_ci() {
    let hooks =
        "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8\n    hooks:\n      - id: gitleaks\n";
    let run = |command: &str| {
        let workflow = format!("on: push\njobs:\n  lint:\n    runs-on: x\n    steps:\n      - run: {command}\n");
        understand_files(&[(".github/workflows/ci.yml", workflow.as_str()), (".pre-commit-config.yaml", hooks)])
    };
    // Staged files only: none in a fresh checkout.
    assert!(!has(&run("pre-commit run --show-diff-on-failure"), "gitleaks"));
    assert!(!has(&run("pre-commit run gitleaks"), "gitleaks"));
    for command in [
        "pre-commit run --all-files",
        "pre-commit run -a --show-diff-on-failure",
        "pre-commit run gitleaks --from-ref origin/main --to-ref HEAD",
        "pre-commit run --files src/a.py src/b.py",
    ] {
        assert!(has(&run(command), "gitleaks"), "{command}");
    }
    assert!(!has(&run("pre-commit run other-hook --all-files"), "gitleaks"));
    // pre-commit/action passes --all-files itself.
    assert!(has(&run("echo\n      - uses: pre-commit/action@v3.0.1"), "gitleaks"));
}

#[test]
fn projen_tasks_are_followed_through_their_spawned_tasks() {
    let tasks = r#"{
  "tasks": {
    "build": {
      "name": "build",
      "steps": [
        { "spawn": "compile" },
        { "spawn": "test" }
      ]
    },
    "compile": {
      "name": "compile",
      "steps": [{ "exec": "tsc --build" }]
    },
    "test": {
      "name": "test",
      "steps": [
        { "exec": "jest --passWithNoTests --updateSnapshot", "receiveArgs": true },
        { "spawn": "eslint" }
      ]
    },
    "eslint": {
      "name": "eslint",
      "steps": [{ "exec": "eslint --ext .ts src test" }]
    }
  }
}
"#;
    let ci = understand_files(&[
        (
            ".github/workflows/build.yml",
            "on: push\njobs:\n  build:\n    runs-on: x\n    steps:\n      - run: npx projen build\n",
        ),
        (".projen/tasks.json", tasks),
    ]);
    let jest = ci.tools.iter().find(|t| t.tool == "jest").expect("jest through projen");
    assert_eq!(jest.location(), ".github/workflows/build.yml:6, via `projen build` (.projen/tasks.json:17)");
    assert_eq!(jest.line, Some(6));
    assert!(has(&ci, "eslint"), "{:?}", tools(&ci));
}

#[test]
fn targets_of_included_makefiles_are_named_in_their_own_file() {
    let ci = understand_files(&[
        (".github/workflows/vuln.yml", "on: push\njobs:\n  vuln:\n    runs-on: x\n    steps:\n      - run: make verify-govulncheck\n"),
        ("Makefile", "all: build\n\n-include make/00_mod.mk\n-include make/_shared/*/01_mod.mk\n"),
        ("make/00_mod.mk", "GOVULNCHECK := $(bin_dir)/tools/govulncheck\n"),
        (
            "make/_shared/go/01_mod.mk",
            "# shared\n\n.PHONY: verify-govulncheck\nverify-govulncheck: | $(NEEDS_GOVULNCHECK)\n\t@find . -name go.mod | while read d; do \\\n\t\tpushd \"$$(dirname $$d)\"; \\\n\t\t$(GOVULNCHECK) ./... || exit; \\\n\t\tpopd; \\\n\tdone\n",
        ),
        ("make/_shared/go/sub/01_mod.mk", "verify-other:\n\tgosec ./...\n"),
    ]);
    let found = tools(&ci);
    let vuln = ci.tools.iter().find(|t| t.tool == "govulncheck").unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(
        vuln.location(),
        ".github/workflows/vuln.yml:6, via `make verify-govulncheck` (make/_shared/go/01_mod.mk:5)"
    );
    // The glob is one folder deep, as make's is.
    assert!(!has(&ci, "gosec"), "{found:?}");
}

#[test]
fn travis_runs_its_default_script_when_the_file_gives_none() {
    let ci = understand_files(&[
        (".travis.yml", "language: ruby\nrvm:\n  - 3.2\n"),
        ("Rakefile", "require 'rspec/core/rake_task'\nRSpec::Core::RakeTask.new(:spec)\ntask default: :spec\n"),
    ]);
    let found = tools(&ci);
    assert!(ci.tools.iter().any(|t| t.tool == "rake:spec" && t.is("test") && t.line == Some(1)), "{found:?}");
    let ci = understand_files(&[(".travis.yml", "language: rust\n")]);
    assert!(has(&ci, "cargo-test"), "{:?}", tools(&ci));
    // A script of its own replaces the default.
    let ci = understand_files(&[(".travis.yml", "language: node_js\nscript: npm run build\n")]);
    assert!(!has_kind(&ci, "test"), "{:?}", tools(&ci));
}

#[test]
fn gitlab_pages_and_circleci_nested_steps_are_followed() {
    let ci = understand_files(&[(
        ".gitlab-ci.yml",
        "build:\n  script: make\n.pages-common:\n  script: ./build-docs.sh\npages:\n  extends: .pages-common\n  artifacts:\n    paths: [public]\n",
    )]);
    let pages = ci.tools.iter().find(|t| t.tool == "pages-deploy").unwrap_or_else(|| panic!("{:?}", tools(&ci)));
    assert_eq!((pages.line, pages.job.as_deref()), (Some(5), Some("pages")));
    let ci = understand_files(&[
        (
            ".circleci/config.yml",
            "version: 2.1\norbs:\n  go: circleci/go@1\ncommands:\n  setup:\n    steps:\n      - run: go mod download\n      - run: go test ./...\njobs:\n  deploy:\n    docker: [{image: cimg/go:1.23}]\n    steps:\n      - setup\n      - go/with-cache:\n          steps:\n            - run: task deploy\n      - when:\n          condition: true\n          steps:\n            - run: golangci-lint run\n",
        ),
        ("Taskfile.yml", "version: '3'\ntasks:\n  deploy:\n    cmds:\n      - aws s3 sync ./build s3://bucket/ --delete\n"),
    ]);
    let found = tools(&ci);
    assert!(has(&ci, "go-test") && has(&ci, "golangci-lint"), "{found:?}");
    assert!(ci.tools.iter().any(|t| t.tool == "cloud-deploy" && t.line == Some(16)), "{found:?}");
}

#[test]
fn drone_reads_the_file_its_settings_name_at_the_root() {
    let drone = "kind: pipeline\nname: default\nsteps:\n  - name: test\n    image: sbt\n    commands: [sbt test]\n";
    let ci = understand_files(&[(".drone-v1.yml", drone), ("sub/.drone.yml", drone), (".drone-local.yml", drone)]);
    let pipelines: Vec<(&str, &str)> = ci.pipelines.iter().map(|p| (p.path.as_str(), p.system.as_str())).collect();
    assert_eq!(pipelines, [(".drone-v1.yml", "drone")]);
    assert!(has_kind(&ci, "test"), "{:?}", tools(&ci));
}

#[test]
fn a_target_named_for_a_tool_runs_it_when_its_recipe_says_nothing_readable() {
    // `make govulncheck` fans out over modules through a target with only prerequisites:
    // what it runs cannot be read, but it is named for the scanner.
    let ci = understand_files(&[
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  vuln:\n    runs-on: x\n    steps:\n      - run: make govulncheck\n      - run: make tidy\n",
        ),
        ("Makefile", "govulncheck:\n\t@$(MAKE) for-all-target TARGET=\"vulncheck\"\nfor-all-target: $(GOMODULES)\ntidy:\n\t@$(MAKE) for-all-target TARGET=\"tidy\"\n"),
    ]);
    let found = tools(&ci);
    let use_ = ci.tools.iter().find(|t| t.tool == "govulncheck").unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(use_.location(), ".github/workflows/ci.yml:6");
    assert_eq!(use_.text, "govulncheck");
    assert_eq!(ci.tools.len(), 1, "`make tidy` is named for no tool: {found:?}");
}
