//! The repository's CI definitions as the host understood them.
//!
//! The host finds the pipeline definitions each CI system would itself read (a workflow
//! under the root's `.github/workflows/`, a root `.gitlab-ci.yml`, a `Jenkinsfile` that is
//! not an example or a fixture...), splits every shell step into commands with their
//! arguments (quoting, `&&`, pipes, line continuations, `sudo`/`env`/`bash -c` seen
//! through), follows one level of indirection (`make test`, `npm run lint`, `tox -e py`, a
//! repository script), and matches commands, actions, templates, orbs, tasks, images,
//! pre-commit hooks and linter-aggregator flags against the tool catalogue. Plugins read
//! the result instead of grepping pipeline text: a tool is recognised by its executable
//! and subcommand, never by a substring of an argument or a path.

use serde::{Deserialize, Serialize};

/// What the host found of a repository's continuous integration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ci {
    /// The pipeline definitions, in path order.
    #[serde(default)]
    pub pipelines: Vec<Pipeline>,
    /// Files that look like CI definitions but that no CI system reads as the repository's
    /// own (an example pipeline, a fixture, a `buildspec.yml` nothing refers to).
    #[serde(default)]
    pub ignored: Vec<Ignored>,
    /// Every tool the pipelines run, in pipeline order.
    #[serde(default)]
    pub tools: Vec<ToolUse>,
}

/// One pipeline definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// The file, relative to the repository root.
    pub path: String,
    /// The CI system reading it: `github-actions`, `gitlab-ci`, `jenkins`, `circleci`,
    /// `azure-pipelines`, `bitbucket-pipelines`, `travis`, `buildkite`, `drone`, `tekton`,
    /// `aws-codebuild`.
    pub system: String,
    /// Why it could not be read, when it could not (it still names its system).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Broken>,
    /// Its jobs (stages for Jenkins, tasks for Tekton, the whole file for systems without jobs).
    #[serde(default)]
    pub jobs: Vec<Job>,
}

/// Why a pipeline definition could not be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Broken {
    /// What the parser said.
    pub message: String,
    /// Where, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// One job of a pipeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Its id in the pipeline (the key of a GitHub or GitLab job, a Jenkins stage's name).
    pub id: String,
    /// Its display name, when it has one besides its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The line it starts on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The deployment environment it targets (GitHub and GitLab `environment`, an Azure
    /// deployment job's, a Bitbucket step's `deployment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Its id, name or stage says it deploys or releases (`deploy-prod`, `release`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deploy_name: bool,
    /// It starts a throwaway Kubernetes cluster (kind, k3d, minikube, chart-testing's
    /// `ct install`): what it applies or installs there is a test, not a deployment.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub throwaway_cluster: bool,
    /// What it runs, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// One step of a job: a script, or a reference to an action, template, orb, task, pipe or
/// Jenkins step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The line it starts on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What it refers to by name (`actions/checkout@v4`, `Security/SAST.gitlab-ci.yml`,
    /// `node/test`, `Maven@4`, `junit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The commands of its script, split and unwrapped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<Command>,
}

/// One simple command of a script.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// Its words after quoting is removed, wrappers (`sudo`, `env A=b`, `time`, `bash -c`)
    /// taken off, the program first.
    pub argv: Vec<String>,
    /// The line it is on, in the file that holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The command as written, trimmed (for messages).
    pub text: String,
}

/// A tool a pipeline runs, recognised through the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolUse {
    /// The tool's id in the catalogue (`pytest`, `codeql`, `trivy`).
    pub tool: String,
    /// Its display name (`pytest`, `CodeQL`, `Trivy`).
    pub name: String,
    /// What this use of it does (see [`kinds`]): `trivy image` is `container-scan`, `trivy
    /// config` is `iac-scan`.
    pub kinds: Vec<String>,
    /// The pipeline file that runs it.
    pub path: String,
    /// The line of the pipeline that runs it (the `make test`, not the Makefile's recipe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The id of the job that runs it, in that pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// How it showed up: `command`, `action`, `image`, `template`, `orb`, `task`, `step`
    /// (Jenkins), `pipe` (Bitbucket), `hook` (pre-commit), `linter` (a Super-Linter or
    /// MegaLinter switch), `goal` (a build tool's goal or task).
    pub form: String,
    /// The command, reference or setting as written.
    pub text: String,
    /// The indirections followed from the pipeline to it, outermost first: the `make`
    /// target, package script, tox or nox session, recipe or repository script whose
    /// body runs it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<Via>,
    /// Why its kinds differ from the catalogue's, when they do (a `kubectl apply` into a
    /// throwaway cluster is a test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ToolUse {
    /// Whether this use is of the given kind.
    pub fn is(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }

    /// Whether it is a security scanner ([`kinds::SECURITY_SCANS`]).
    pub fn is_security_scan(&self) -> bool {
        self.kinds.iter().any(|k| kinds::SECURITY_SCANS.contains(&k.as_str()))
    }

    /// Where it runs, for a message: `.github/workflows/ci.yml:31`, with the indirection
    /// when there is one (`Makefile:12 (make test)`).
    pub fn location(&self) -> String {
        let mut out = match self.line {
            Some(line) => format!("{}:{}", self.path, line),
            None => self.path.clone(),
        };
        for via in &self.via {
            out.push_str(&format!(", via `{}` ({})", via.name, via.location()));
        }
        out
    }
}

/// One indirection between a pipeline and a tool.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Via {
    /// `make`, `npm-script`, `tox`, `nox`, `just`, `task`, `script`, `pre-commit`,
    /// `super-linter`, `megalinter`, `build-file`.
    pub kind: String,
    /// The target, script, session, recipe or file name (`test`, `lint`, `scripts/ci.sh`).
    pub name: String,
    /// The file that defines it.
    pub path: String,
    /// The line of the command inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Via {
    /// `Makefile:12`.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{}", self.path, line),
            None => self.path.clone(),
        }
    }
}

/// A CI definition that is not judged as the repository's own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ignored {
    /// The file.
    pub path: String,
    /// The system whose definition it looks like.
    pub system: String,
    /// Why it is not the repository's: its role (`example`, `test-fixture`, `vendored`,
    /// `docs`, `generated`), or `not-read` when the system would not read it there.
    pub reason: String,
}

/// Whether the name of a job, stage or step says it deploys or releases: `deploy-prod`,
/// `Release`, `publish to staging` (not `publish-docs`, not `undeployed`).
pub fn is_deploy_name(name: &str) -> bool {
    const DEPLOY: &[&str] = &["deploy", "deploys", "deployment", "deployments", "release", "releases", "rollout"];
    const ENVIRONMENTS: &[&str] =
        &["prod", "production", "staging", "stage", "preprod", "live", "qa", "uat", "dev", "env", "environment"];
    let words = words_of_name(name);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    has(DEPLOY) || (has(&["publish"]) && has(ENVIRONMENTS))
}

/// The lower-case words of a name, split on punctuation and camel case: `withSonarQubeEnv`
/// gives `with`, `sonar`, `qube`, `env`; `VSTest` gives `vs`, `test`.
pub fn words_of_name(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase()
                        && matches!(chars.get(i + 1), Some(n) if n.is_ascii_lowercase())));
            if boundary && !current.is_empty() {
                out.push(current.to_ascii_lowercase());
                current.clear();
            }
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current.to_ascii_lowercase());
        }
    }
    out
}

/// The kinds of tools, as the catalogue names them.
pub mod kinds {
    /// Runs automated tests.
    pub const TEST: &str = "test";
    /// A linter or other static analysis that is not a security scanner.
    pub const LINT: &str = "lint";
    /// Checks or applies formatting.
    pub const FORMAT: &str = "format";
    /// Measures or reports test coverage.
    pub const COVERAGE: &str = "coverage";
    /// Static application security testing.
    pub const SAST: &str = "sast";
    /// Software composition analysis: vulnerable dependencies.
    pub const SCA: &str = "sca";
    /// Finds committed secrets.
    pub const SECRETS: &str = "secrets";
    /// Scans container images for vulnerabilities.
    pub const CONTAINER_SCAN: &str = "container-scan";
    /// Scans infrastructure code for misconfigurations.
    pub const IAC_SCAN: &str = "iac-scan";
    /// Validates or lints infrastructure code (`terraform validate`, `tflint`, `helm lint`).
    pub const IAC_LINT: &str = "iac-lint";
    /// Dynamic application security testing.
    pub const DAST: &str = "dast";
    /// Fuzzes the code.
    pub const FUZZ: &str = "fuzz";
    /// Produces a software bill of materials.
    pub const SBOM: &str = "sbom";
    /// Signs artifacts or attests their provenance.
    pub const SIGN: &str = "sign";
    /// Deploys to an environment.
    pub const DEPLOY: &str = "deploy";
    /// Publishes a release: packages, images, binaries, a website.
    pub const RELEASE: &str = "release";
    /// Starts a throwaway Kubernetes cluster for tests.
    pub const THROWAWAY_CLUSTER: &str = "throwaway-cluster";

    /// Every kind, in the order the book lists them.
    pub const ALL: [&str; 17] = [
        TEST,
        LINT,
        FORMAT,
        COVERAGE,
        SAST,
        SCA,
        SECRETS,
        CONTAINER_SCAN,
        IAC_SCAN,
        IAC_LINT,
        DAST,
        FUZZ,
        SBOM,
        SIGN,
        DEPLOY,
        RELEASE,
        THROWAWAY_CLUSTER,
    ];

    /// The kinds that make a tool a security scanner (the `security.scanners` fact).
    pub const SECURITY_SCANS: [&str; 6] = [SAST, SCA, SECRETS, CONTAINER_SCAN, IAC_SCAN, DAST];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_case_and_punctuation_and_say_when_they_deploy() {
        assert_eq!(words_of_name("withSonarQubeEnv"), vec!["with", "sonar", "qube", "env"]);
        assert_eq!(words_of_name("VSTest"), vec!["vs", "test"]);
        assert_eq!(words_of_name("run_tests-e2e"), vec!["run", "tests", "e2e"]);
        for name in ["deploy", "Deploy to production", "deploy:prod", "release", "publish-to-staging", "k8sDeploy"] {
            assert!(is_deploy_name(name), "{}", name);
        }
        for name in ["build", "test", "publish-docs", "undeployed", "lint"] {
            assert!(!is_deploy_name(name), "{}", name);
        }
    }

    #[test]
    fn a_tool_use_says_where_it_runs_through_its_indirections() {
        let use_ = ToolUse {
            tool: "pytest".into(),
            name: "pytest".into(),
            kinds: vec![kinds::TEST.into()],
            path: ".github/workflows/ci.yml".into(),
            line: Some(31),
            form: "command".into(),
            text: "pytest -q".into(),
            via: vec![Via { kind: "make".into(), name: "make test".into(), path: "Makefile".into(), line: Some(12) }],
            ..ToolUse::default()
        };
        assert_eq!(use_.location(), ".github/workflows/ci.yml:31, via `make test` (Makefile:12)");
        assert!(use_.is("test") && !use_.is_security_scan());
        let json = serde_json::to_value(&use_).unwrap();
        assert!(json.get("note").is_none() && json.get("job").is_none(), "{}", json);
        let back: ToolUse = serde_json::from_value(json).unwrap();
        assert_eq!(back, use_);
    }
}
