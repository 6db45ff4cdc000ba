//! The CI systems the plugin knows: where their pipeline definitions live, how to tell a
//! pipeline from another file at the same path, and where in a pipeline its commands, the
//! actions or tasks it uses, and its deployments are.

mod features;

pub use features::{Feature, Kind, Trigger};

use kaizen_plugin_sdk::{evidence, Ci, Document, Value};

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
    #[cfg(test)]
    pub fn globs(self) -> &'static [&'static str] {
        match self {
            System::GithubActions => &[".github/workflows/*.{yml,yaml}"],
            System::GitlabCi => &[".gitlab-ci.yml", ".gitlab/ci/**/*.{yml,yaml}"],
            System::Jenkins => {
                &["**/Jenkinsfile", "**/Jenkinsfile.*", "**/Jenkinsfile-*", "**/Jenkinsfile_*", "**/*.jenkinsfile"]
            }
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
            System::Drone => &[".drone*.{yml,yaml}"],
            System::Tekton => &["**/tekton/**/*.{yml,yaml}", "**/.tekton/**/*.{yml,yaml}"],
            System::AwsCodebuild => &["**/buildspec*.{yml,yaml}"],
        }
    }

    /// The format the host parses its files as.
    #[cfg(test)]
    pub fn format(self) -> &'static str {
        match self {
            System::Jenkins => "jenkinsfile",
            _ => "yaml",
        }
    }
}

/// One pipeline definition the host recognised, with how it is organised.
#[derive(Debug)]
pub struct Pipeline<'a> {
    pub path: &'a str,
    pub system: System,
    /// What triggers it and how it is organised (caches, matrices, environments...).
    pub features: Vec<Feature>,
}

/// The pipelines of a request: the host's CI model, with each pipeline's features read
/// from its parsed documents.
#[derive(Debug)]
pub struct Scan<'a> {
    pub ci: &'a Ci,
    pub pipelines: Vec<Pipeline<'a>>,
    /// Definitions that do not parse.
    pub broken: Vec<&'a evidence::ci::Pipeline>,
}

/// Reads the pipelines of a request.
pub fn scan<'a>(ci: &'a Ci, documents: &'a [Document]) -> Scan<'a> {
    let mut scan = Scan { ci, pipelines: Vec::new(), broken: Vec::new() };
    for pipeline in &ci.pipelines {
        if pipeline.error.is_some() {
            scan.broken.push(pipeline);
            continue;
        }
        let system = match SYSTEMS.iter().copied().find(|s| s.name() == pipeline.system) {
            Some(system) => system,
            None => continue,
        };
        let mut features = Vec::new();
        for document in documents.iter().filter(|d| d.path == pipeline.path) {
            if let Some(value) = document.value.as_ref().filter(|v| is_pipeline(system, v)) {
                features.extend(features::features(system, value));
                if system == System::GithubActions {
                    features.extend(features::local_action_caches(value, documents));
                }
            }
        }
        features.sort();
        features.dedup();
        scan.pipelines.push(Pipeline { path: &pipeline.path, system, features });
    }
    scan
}

/// Whether a document is a pipeline of the system and not another file at the same path
/// (a workflow without `jobs`, a Kubernetes manifest under `tekton/`, an empty file).
pub fn is_pipeline(system: System, value: &Value) -> bool {
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
}
