//! The CI systems the plugin knows: where their pipeline definitions live, how to tell a
//! pipeline from another file at the same path, and where in a pipeline its commands, the
//! actions or tasks it uses, and its deployments are.

mod deploys;
mod features;
mod steps;

pub use features::{Feature, Kind, Trigger};

use kaizen_plugin_sdk::{glob_match, Document, Value};

/// A CI system, named in the `ci.systems` fact by [`System::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum System {
    GithubActions,
    GitlabCi,
    Jenkins,
    Circleci,
    AzurePipelines,
    BitbucketPipelines,
    Travis,
    Buildkite,
    Drone,
    Tekton,
    AwsCodebuild,
}

/// Every system, in the order a path matching several systems' globs is tried.
pub const SYSTEMS: [System; 11] = [
    System::GithubActions,
    System::GitlabCi,
    System::Jenkins,
    System::Circleci,
    System::AzurePipelines,
    System::BitbucketPipelines,
    System::Travis,
    System::Buildkite,
    System::Drone,
    System::Tekton,
    System::AwsCodebuild,
];

impl System {
    /// The name reported in the `ci.systems` fact.
    pub fn name(self) -> &'static str {
        match self {
            System::GithubActions => "github-actions",
            System::GitlabCi => "gitlab-ci",
            System::Jenkins => "jenkins",
            System::Circleci => "circleci",
            System::AzurePipelines => "azure-pipelines",
            System::BitbucketPipelines => "bitbucket-pipelines",
            System::Travis => "travis",
            System::Buildkite => "buildkite",
            System::Drone => "drone",
            System::Tekton => "tekton",
            System::AwsCodebuild => "aws-codebuild",
        }
    }

    /// Where its pipeline definitions live. `plugin.toml` asks the host to parse exactly
    /// these (a test keeps the two in step).
    pub fn globs(self) -> &'static [&'static str] {
        match self {
            System::GithubActions => &[".github/workflows/*.{yml,yaml}"],
            System::GitlabCi => &[".gitlab-ci.yml", ".gitlab/ci/**/*.{yml,yaml}"],
            System::Jenkins => &["**/Jenkinsfile", "**/Jenkinsfile.*", "**/*.jenkinsfile"],
            System::Circleci => &[".circleci/config.{yml,yaml}"],
            System::AzurePipelines => &[
                "**/azure-pipelines*.{yml,yaml}",
                "**/azure-pipelines/**/*.{yml,yaml}",
                ".azure-pipelines/**/*.{yml,yaml}",
                ".azuredevops/**/*.{yml,yaml}",
            ],
            System::BitbucketPipelines => &["bitbucket-pipelines.yml"],
            System::Travis => &[".travis.yml"],
            System::Buildkite => &[".buildkite/pipeline*.{yml,yaml}", "buildkite.{yml,yaml}"],
            System::Drone => &[".drone.{yml,yaml}"],
            System::Tekton => &["**/tekton/**/*.{yml,yaml}", "**/.tekton/**/*.{yml,yaml}"],
            System::AwsCodebuild => &["**/buildspec*.{yml,yaml}"],
        }
    }

    /// Whether a file at one of its paths is meant to be a pipeline, so that one which does
    /// not parse is a broken pipeline. Tekton resources are only known by their content: a
    /// Helm template under a `tekton/` folder does not parse either.
    fn named_by_path(self) -> bool {
        self != System::Tekton
    }

    /// The format the host parses its files as.
    pub fn format(self) -> &'static str {
        match self {
            System::Jenkins => "jenkinsfile",
            _ => "yaml",
        }
    }

    /// What the system calls a reusable unit a pipeline refers to by name.
    pub fn reference_kind(self) -> &'static str {
        match self {
            System::GithubActions => "action",
            System::GitlabCi => "included template",
            System::Jenkins => "Jenkins step",
            System::Circleci => "orb",
            System::AzurePipelines => "task",
            System::BitbucketPipelines => "pipe",
            System::Tekton => "task",
            _ => "step",
        }
    }
}

/// One pipeline definition: a parsed document recognised as a system's pipeline.
#[derive(Debug)]
pub struct Pipeline {
    pub path: String,
    pub system: System,
    /// The commands it runs and what it refers to, in document order.
    pub steps: Vec<Step>,
    /// Why it looks like it deploys, from its structure (environments, deploy jobs); the
    /// commands it runs are judged separately.
    pub deploys: Vec<String>,
    /// What triggers it and how it is organised (caches, matrices, environments...).
    pub features: Vec<Feature>,
}

/// Something a pipeline runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub run: Run,
    pub place: Place,
}

/// What a step runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    /// A shell script (one or more lines).
    Shell(String),
    /// An action, task, orb, pipe, template or step referred to by name.
    Reference(String),
}

/// How to find a step's line in the raw file.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// The parser reported it (Jenkinsfiles).
    Line(u32),
    /// Search for the command, or the reference, as written.
    Search,
    /// The command was assembled from a task's inputs: the line of the first `anchor`
    /// (`DotNetCoreCLI@2`) whose YAML item has `key: value` (`command: test`).
    Item { anchor: String, key: String, value: String },
    /// Search for the command, then for these texts.
    Also(Vec<String>),
}

impl Step {
    fn shell(script: &str) -> Step {
        Step { run: Run::Shell(script.to_string()), place: Place::Search }
    }

    fn reference(name: &str) -> Step {
        Step { run: Run::Reference(name.to_string()), place: Place::Search }
    }
}

/// A document at a pipeline path that the host could not parse.
#[derive(Debug)]
pub struct Broken {
    pub path: String,
    pub systems: Vec<System>,
    pub message: String,
    pub line: Option<u32>,
}

/// What the plugin made of the documents.
#[derive(Debug, Default)]
pub struct Scan {
    pub pipelines: Vec<Pipeline>,
    pub broken: Vec<Broken>,
}

/// Recognises the pipelines among the parsed documents.
pub fn scan(documents: &[Document]) -> Scan {
    let mut scan = Scan::default();
    for document in documents {
        let candidates: Vec<System> = SYSTEMS
            .iter()
            .copied()
            .filter(|s| s.format() == document.format && s.globs().iter().any(|g| glob_match(g, &document.path)))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        if let Some(error) = &document.error {
            let systems: Vec<System> = candidates.into_iter().filter(|s| s.named_by_path()).collect();
            if !systems.is_empty() {
                scan.broken.push(Broken {
                    path: document.path.clone(),
                    systems,
                    message: error.message.clone(),
                    line: error.line,
                });
            }
            continue;
        }
        let value = match &document.value {
            Some(value) => value,
            None => continue,
        };
        if let Some(system) = candidates.into_iter().find(|s| is_pipeline(*s, value)) {
            scan.pipelines.push(Pipeline {
                path: document.path.clone(),
                system,
                steps: steps::steps(system, value),
                deploys: deploys::deploys(system, value),
                features: features::features(system, value),
            });
        }
    }
    scan
}

/// Whether a document is a pipeline of the system and not another file at the same path
/// (a workflow without `jobs`, a Kubernetes manifest under `tekton/`, an empty file).
fn is_pipeline(system: System, value: &Value) -> bool {
    let map = match value.as_object() {
        Some(map) => map,
        None => return false,
    };
    let is_object = |key: &str| map.get(key).map_or(false, Value::is_object);
    let is_array = |key: &str| map.get(key).map_or(false, Value::is_array);
    let has_any = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    match system {
        System::GithubActions => is_object("jobs"),
        System::GitlabCi => map.contains_key("include") || map.iter().any(|(k, v)| is_gitlab_job(k, v)),
        System::Jenkins => {
            map.get("stages").and_then(Value::as_array).map_or(false, |s| !s.is_empty())
                || map.get("steps").and_then(Value::as_array).map_or(false, |s| !s.is_empty())
        }
        System::Circleci => is_object("jobs") || is_object("workflows"),
        System::AzurePipelines => has_any(&["stages", "jobs", "steps", "extends"]),
        System::BitbucketPipelines => is_object("pipelines"),
        System::Travis => has_any(&[
            "language",
            "script",
            "jobs",
            "matrix",
            "install",
            "before_install",
            "os",
            "dist",
            "stages",
            "import",
        ]),
        System::Buildkite => is_array("steps"),
        System::Drone => {
            map.get("kind").map_or(true, |k| k == "pipeline") && (is_array("steps") || is_object("pipeline"))
        }
        System::Tekton => {
            let api = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
            let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
            api.starts_with("tekton.dev/")
                && ["Pipeline", "Task", "PipelineRun", "TaskRun", "ClusterTask"].contains(&kind)
        }
        System::AwsCodebuild => map.contains_key("version") && is_object("phases"),
    }
}

/// GitLab's top-level keywords; every other top-level key is a job (or a hidden template).
const GITLAB_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

fn is_gitlab_job(key: &str, value: &Value) -> bool {
    !GITLAB_KEYWORDS.contains(&key)
        && value
            .as_object()
            .map_or(false, |job| ["script", "trigger", "extends", "run"].iter().any(|k| job.contains_key(*k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaizen_plugin_sdk::json;

    #[test]
    fn recognised_by_content() {
        let tekton = json!({"apiVersion": "tekton.dev/v1", "kind": "Pipeline", "spec": {"tasks": []}});
        assert!(is_pipeline(System::Tekton, &tekton));
        assert!(!is_pipeline(System::Tekton, &json!({"apiVersion": "apps/v1", "kind": "Deployment"})));
        assert!(!is_pipeline(System::Tekton, &json!({"apiVersion": "tekton.dev/v1", "kind": "EventListener"})));
        assert!(is_pipeline(System::GitlabCi, &json!({"include": [{"local": "ci/build.yml"}]})));
        assert!(is_pipeline(System::GitlabCi, &json!({".template": {"script": ["make"]}})));
        assert!(!is_pipeline(System::GitlabCi, &json!({"variables": {"A": "1"}, "stages": ["build"]})));
        assert!(is_pipeline(System::Drone, &json!({"kind": "pipeline", "steps": []})));
        assert!(!is_pipeline(System::Drone, &json!({"kind": "secret", "steps": []})));
        assert!(!is_pipeline(System::AwsCodebuild, &json!({"version": 0.2})));
        assert!(!is_pipeline(System::GithubActions, &json!(["jobs"])));
    }

    #[test]
    fn only_files_meant_as_pipelines_are_broken_pipelines() {
        let error = |path: &str| {
            let document = json!({"path": path, "format": "yaml", "index": 0, "error": {"message": "bad"}});
            kaizen_plugin_sdk::serde_json::from_value::<Document>(document).unwrap()
        };
        let documents = [error("build/azure-pipelines/product.yml"), error("charts/tekton/templates/run.yaml")];
        let broken: Vec<(String, Vec<System>)> =
            scan(&documents).broken.into_iter().map(|b| (b.path, b.systems)).collect();
        assert_eq!(broken, vec![("build/azure-pipelines/product.yml".to_string(), vec![System::AzurePipelines])]);
    }
}
