//! The CI systems: which files each reads as pipelines, how to tell a pipeline from
//! another file at the same path, and where in a pipeline its jobs, scripts, references and
//! images are.

use super::tree::Node;
use serde_json::Value;

/// A CI system, named as in the `ci.systems` fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// The name in the `ci.systems` fact.
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

    /// Where its definitions may be. Files found here are candidates; whether the system
    /// reads them as the repository's own is decided by [`super::discover`].
    pub fn globs(self) -> &'static [&'static str] {
        match self {
            System::GithubActions => &[".github/workflows/*.{yml,yaml}"],
            System::GitlabCi => {
                &[".gitlab-ci.yml", "**/.gitlab-ci.yml", "**/*.gitlab-ci.yml", ".gitlab/ci/**/*.{yml,yaml}"]
            }
            System::Jenkins => &[
                "**/Jenkinsfile",
                "**/Jenkinsfile.*",
                "**/Jenkinsfile-*",
                "**/Jenkinsfile_*",
                "**/*.jenkinsfile",
                "**/*.Jenkinsfile",
            ],
            System::Circleci => &[".circleci/config.{yml,yaml}", "**/.circleci/config.{yml,yaml}"],
            System::AzurePipelines => &[
                "**/azure-pipelines*.{yml,yaml}",
                "**/azure-pipelines/**/*.{yml,yaml}",
                "**/.azure-pipelines/**/*.{yml,yaml}",
                "**/.azuredevops/**/*.{yml,yaml}",
                "**/.pipelines/**/*.{yml,yaml}",
            ],
            System::BitbucketPipelines => &["bitbucket-pipelines.yml", "**/bitbucket-pipelines.yml"],
            System::Travis => &[".travis.yml", "**/.travis.yml"],
            System::Buildkite => {
                &[".buildkite/**/*.{yml,yaml}", "buildkite.{yml,yaml}", "**/.buildkite/**/*.{yml,yaml}"]
            }
            System::Drone => &[".drone*.{yml,yaml}", "**/.drone*.{yml,yaml}"],
            System::Tekton => &["**/tekton/**/*.{yml,yaml}", "**/.tekton/**/*.{yml,yaml}"],
            System::AwsCodebuild => &["**/buildspec*.{yml,yaml}"],
        }
    }

    /// Where the system itself reads the definition: the root-only systems read only their
    /// file at the repository's root (a `.travis.yml` in a sub-folder is nobody's
    /// pipeline). Jenkins, Azure Pipelines, Tekton and CodeBuild read any path a job is
    /// configured with; that is judged by role (and, for CodeBuild, by reference).
    pub fn reads_at(self, path: &str) -> bool {
        match self {
            System::GithubActions => path.starts_with(".github/workflows/") && path.matches('/').count() == 2,
            System::GitlabCi => path == ".gitlab-ci.yml",
            System::Circleci => path == ".circleci/config.yml" || path == ".circleci/config.yaml",
            System::BitbucketPipelines => path == "bitbucket-pipelines.yml",
            System::Travis => path == ".travis.yml",
            System::Buildkite => path.starts_with(".buildkite/") || path == "buildkite.yml" || path == "buildkite.yaml",
            // Drone reads `.drone.yml` unless the repository's settings name another file at
            // the root (`.drone-v1.yml`); one named for running on a laptop or as an example
            // (`.drone-local.yml`, for `drone exec`) is not the repository's CI.
            System::Drone => {
                let lower = path.to_ascii_lowercase();
                !path.contains('/')
                    && path.starts_with(".drone")
                    && (path.ends_with(".yml") || path.ends_with(".yaml"))
                    && !["local", "example", "sample", "test", "dev", "exec"].iter().any(|w| lower.contains(w))
            }
            System::Jenkins | System::AzurePipelines | System::Tekton => true,
            System::AwsCodebuild => !path.contains('/'),
        }
    }

    /// Whether a file at one of its paths is meant to be a pipeline, so that one which does
    /// not parse is a broken pipeline (a Helm template under a `tekton/` folder does not
    /// parse either, and is not one).
    pub fn named_by_path(self) -> bool {
        self != System::Tekton
    }

    /// Whether its definitions are Jenkinsfiles (else YAML).
    pub fn is_jenkins(self) -> bool {
        self == System::Jenkins
    }
}

/// Whether a document is a pipeline of the system and not another file at the same path
/// (a workflow without `jobs`, a Kubernetes manifest under `tekton/`, an empty file).
pub fn is_pipeline(system: System, value: &Value) -> bool {
    let Some(map) = value.as_object() else { return false };
    let is_object = |key: &str| map.get(key).is_some_and(Value::is_object);
    let is_array = |key: &str| map.get(key).is_some_and(Value::is_array);
    let has_any = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    match system {
        System::GithubActions => is_object("jobs"),
        System::GitlabCi => map.contains_key("include") || map.iter().any(|(k, v)| is_gitlab_job(k, v)),
        System::Jenkins => {
            map.get("stages").and_then(Value::as_array).is_some_and(|s| !s.is_empty())
                || map.get("steps").and_then(Value::as_array).is_some_and(|s| !s.is_empty())
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
            map.get("kind").is_none_or(|k| k == "pipeline") && (is_array("steps") || is_object("pipeline"))
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
pub const GITLAB_KEYWORDS: &[&str] = &[
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
    "pages:deploy",
];

pub fn is_gitlab_job(key: &str, value: &Value) -> bool {
    !GITLAB_KEYWORDS.contains(&key)
        && value
            .as_object()
            .is_some_and(|job| ["script", "trigger", "extends", "run"].iter().any(|k| job.contains_key(*k)))
}

pub use kaizen_evidence::ci::{is_deploy_name, words_of_name};

/// A job as read from a pipeline, before its scripts are understood.
#[derive(Debug, Default)]
pub struct JobDraft {
    pub id: String,
    pub name: Option<String>,
    pub line: Option<u32>,
    pub environment: Option<String>,
    pub steps: Vec<StepDraft>,
    /// A build matrix's values by key (`matrix.nox_env: [lint, bandit]`), for commands that
    /// name them (`nox -s ${{ matrix.nox_env }}`).
    pub matrix: Vec<(String, Vec<String>)>,
}

/// A step as read from a pipeline.
#[derive(Debug, Default, Clone)]
pub struct StepDraft {
    pub line: Option<u32>,
    /// What it refers to by name, and how.
    pub reference: Option<(Option<crate::catalogue::Reference>, String)>,
    /// A script, with the line of its first line of text.
    pub script: Option<(String, Option<u32>)>,
    /// A command assembled from a task's or action's inputs (`mvn clean verify -B`).
    pub assembled: Option<String>,
    /// A container image it runs in.
    pub image: Option<String>,
    /// Linter switches set on (Super-Linter `VALIDATE_X: true`).
    pub linters: Vec<String>,
}

impl StepDraft {
    fn reference(how: crate::catalogue::Reference, name: &str, line: Option<u32>) -> StepDraft {
        StepDraft { line, reference: Some((Some(how), name.to_owned())), ..StepDraft::default() }
    }

    fn script(script: &str, line: Option<u32>) -> StepDraft {
        StepDraft { line, script: Some((script.to_owned(), line)), ..StepDraft::default() }
    }

    fn image(image: &str, line: Option<u32>) -> StepDraft {
        StepDraft { line, image: Some(image.to_owned()), ..StepDraft::default() }
    }
}

/// Reads the jobs of a YAML pipeline. `first_line_of` says on which line a scalar's text
/// starts (the line after its key for a block scalar).
pub fn jobs(system: System, root: Node<'_>, first_line_of: &dyn Fn(Node<'_>) -> Option<u32>) -> Vec<JobDraft> {
    let mut reader = Reader { system, first_line_of, jobs: Vec::new() };
    reader.read(root);
    reader.jobs
}

struct Reader<'f> {
    system: System,
    first_line_of: &'f dyn Fn(Node<'_>) -> Option<u32>,
    jobs: Vec<JobDraft>,
}

use crate::catalogue::Reference as R;

impl Reader<'_> {
    fn job(&mut self, id: impl Into<String>, node: Node<'_>) -> usize {
        let map = node.value;
        let name = map.get("name").and_then(Value::as_str).map(String::from);
        let environment = map.get("environment").or_else(|| map.get("deployment")).and_then(environment_name);
        self.jobs.push(JobDraft { id: id.into(), name, line: node.line(), environment, ..JobDraft::default() });
        self.jobs.len() - 1
    }

    fn push(&mut self, job: usize, step: StepDraft) {
        self.jobs[job].steps.push(step);
    }

    fn read(&mut self, root: Node<'_>) {
        match self.system {
            System::GithubActions => self.github(root),
            System::GitlabCi => self.gitlab(root),
            System::Circleci => self.circleci(root),
            System::AzurePipelines => {
                let job = self.job("pipeline", root);
                self.azure(root, job);
            }
            System::BitbucketPipelines => {
                if let Some(pipelines) = root.get("pipelines") {
                    self.bitbucket(pipelines);
                }
            }
            System::Buildkite => {
                for (i, step) in root.get("steps").map(|s| s.items()).unwrap_or_default().into_iter().enumerate() {
                    let id = step
                        .str("key")
                        .or(step.str("label"))
                        .map(String::from)
                        .unwrap_or_else(|| format!("step {}", i + 1));
                    let job = self.job(id, step);
                    self.generic(step, job, &["command", "commands"], &[]);
                    for plugin in step.get("plugins").map(|p| p.items()).unwrap_or_default() {
                        for (name, config) in plugin.entries() {
                            self.push(job, StepDraft::reference(R::Action, name, plugin.line()));
                            if let Some(image) = config.str("image") {
                                self.push(job, StepDraft::image(image, config.line()));
                            }
                        }
                    }
                }
            }
            System::Drone => {
                for step in root.get("steps").map(|s| s.items()).unwrap_or_default() {
                    let id = step.str("name").unwrap_or("step").to_owned();
                    let job = self.job(id, step);
                    if let Some(image) = step.str("image") {
                        self.push(job, StepDraft::image(image, step.get("image").and_then(|n| n.line())));
                    }
                    self.generic(step, job, &["commands"], &[]);
                }
            }
            System::Tekton => self.tekton(root),
            System::Travis => {
                let job = self.job("travis", root);
                self.generic(
                    root,
                    job,
                    &[
                        "script",
                        "before_script",
                        "install",
                        "before_install",
                        "after_success",
                        "before_deploy",
                        "after_deploy",
                    ],
                    &[],
                );
                if root.get("deploy").is_some() {
                    self.jobs[job].environment.get_or_insert_with(|| "travis deploy".to_owned());
                }
                // Without a `script`, Travis runs the language's default build script.
                if root.get("script").is_none() {
                    let language = root.get("language");
                    if let Some(default) = language.and_then(|l| l.as_str()).and_then(travis_default_script) {
                        let line = language.and_then(|l| l.line());
                        self.push(job, StepDraft::script(default, line));
                    }
                }
            }
            System::AwsCodebuild => {
                let job = self.job("build", root);
                self.generic(root, job, &["commands", "finally"], &[]);
            }
            System::Jenkins => {}
        }
    }

    fn github(&mut self, root: Node<'_>) {
        let workflow_linters = linters_in(root.get("env"));
        for (id, job_node) in root.get("jobs").map(|j| j.entries()).unwrap_or_default() {
            let job = self.job(id, job_node);
            self.jobs[job].matrix = matrix_of(job_node.value.get("strategy").and_then(|s| s.get("matrix")));
            if let Some(uses) = job_node.get("uses") {
                // A reusable workflow.
                if let Some(name) = uses.as_str() {
                    self.push(job, StepDraft::reference(R::Action, name, uses.line()));
                }
            }
            if let Some(container) = job_node.get("container") {
                let image = container.as_str().or_else(|| container.str("image"));
                if let Some(image) = image {
                    self.push(job, StepDraft::image(image, container.line()));
                }
            }
            let job_linters = linters_in(job_node.get("env"));
            for step in job_node.get("steps").map(|s| s.items()).unwrap_or_default() {
                let mut draft = StepDraft { line: step.line(), ..StepDraft::default() };
                if let Some(uses) = step.get("uses") {
                    if let Some(name) = uses.as_str() {
                        draft.reference = Some(if let Some(image) = name.strip_prefix("docker://") {
                            (Some(R::Image), image.to_owned())
                        } else {
                            (Some(R::Action), name.to_owned())
                        });
                        let is_linter = name.to_ascii_lowercase().contains("super-linter")
                            || name.to_ascii_lowercase().contains("megalinter");
                        if is_linter {
                            let mut set = workflow_linters.clone();
                            set.extend(job_linters.iter().cloned());
                            set.extend(linters_in(step.get("env")));
                            set.extend(linters_in(step.get("with")));
                            draft.linters = set;
                        }
                    }
                }
                if let Some(run) = step.get("run") {
                    if let Some(script) = run.as_str() {
                        draft.script = Some((script.to_owned(), (self.first_line_of)(run)));
                    }
                }
                // Actions that wrap a command: `nick-fields/retry`'s `command`, and
                // `actions-rs/cargo`, which runs `cargo <command> <args>`.
                if let (Some(uses), Some(command)) = (step.str("uses"), step.get("with").and_then(|w| w.get("command")))
                {
                    if let Some(text) = command.as_str() {
                        if uses.to_ascii_lowercase().starts_with("actions-rs/cargo@") {
                            let args = step.get("with").and_then(|w| w.str("args")).unwrap_or("");
                            draft.assembled = Some(format!("cargo {text} {args}"));
                        } else if draft.script.is_none() {
                            draft.script = Some((text.to_owned(), (self.first_line_of)(command)));
                        }
                    }
                }
                self.push(job, draft);
            }
        }
    }

    fn gitlab(&mut self, root: Node<'_>) {
        // Includes: templates, components, project files. Local files are pipelines of
        // their own (see `discover`), so only their names are kept here.
        if let Some(include) = root.get("include") {
            let job = self.job("include", root);
            self.gitlab_include(include, job);
        }
        let default_before =
            root.get("default").and_then(|d| d.get("before_script")).or_else(|| root.get("before_script"));
        let default_image = root.get("default").and_then(|d| d.get("image")).or_else(|| root.get("image"));
        let entries = root.entries();
        let templates: Vec<(&str, Node)> =
            entries.iter().filter(|(k, v)| is_gitlab_job(k, v.value)).map(|(k, v)| (*k, *v)).collect();
        for (id, job_node) in templates.iter().copied() {
            let job = self.job(id, job_node);
            if let Some(stage) = job_node.str("stage") {
                if self.jobs[job].name.is_none() && is_deploy_name(stage) {
                    self.jobs[job].name = Some(format!("{id} (stage {stage})"));
                }
            }
            // `extends`: what the job does not set comes from its templates.
            let mut sources = vec![job_node];
            let mut extends: Vec<String> = match job_node.get("extends") {
                Some(e) => e
                    .as_str()
                    .map(|s| vec![s.to_owned()])
                    .unwrap_or_else(|| e.items().iter().filter_map(|i| i.as_str().map(String::from)).collect()),
                None => Vec::new(),
            };
            let mut seen = 0;
            while let Some(name) = extends.pop() {
                seen += 1;
                if seen > 10 {
                    break;
                }
                if let Some((_, t)) = templates.iter().find(|(k, _)| *k == name) {
                    sources.push(*t);
                    if let Some(more) = t.get("extends").and_then(|e| e.as_str()) {
                        extends.push(more.to_owned());
                    }
                }
            }
            let pick = |key: &str| sources.iter().find_map(|s| s.get(key));
            if let Some(image) = pick("image").or(default_image) {
                if let Some(name) = image.as_str().or_else(|| image.str("name")) {
                    self.push(job, StepDraft::image(name, image.line()));
                }
            }
            for key in ["before_script", "script", "after_script"] {
                let node = if key == "before_script" { pick(key).or(default_before) } else { pick(key) };
                if let Some(node) = node {
                    self.scripts(node, job);
                }
            }
            if self.jobs[job].environment.is_none() {
                if let Some(environment) = pick("environment").and_then(|e| environment_name(e.value)) {
                    self.jobs[job].environment = Some(environment);
                }
            }
            if let Some(trigger) = job_node.get("trigger") {
                if let Some(include) = trigger.get("include") {
                    self.gitlab_include(include, job);
                }
            }
            // The job named `pages` (or one with `pages:` set) publishes GitLab Pages.
            let pages_key = job_node.get("pages").is_some_and(|p| p.value != &Value::Bool(false));
            if id == "pages" || pages_key {
                self.push(job, StepDraft::reference(R::Gitlab, "pages", job_node.line()));
            }
        }
    }

    fn gitlab_include(&mut self, include: Node<'_>, job: usize) {
        if let Some(name) = include.as_str() {
            self.push(job, StepDraft::reference(R::Gitlab, name, include.line()));
            return;
        }
        if include.value.is_array() {
            for item in include.items() {
                self.gitlab_include(item, job);
            }
            return;
        }
        for key in ["template", "component", "local", "file", "remote"] {
            if let Some(value) = include.get(key) {
                for name in value
                    .as_str()
                    .map(|s| vec![s.to_owned()])
                    .unwrap_or_else(|| value.items().iter().filter_map(|i| i.as_str().map(String::from)).collect())
                {
                    self.push(job, StepDraft::reference(R::Gitlab, &name, value.line()));
                }
            }
        }
    }

    /// CircleCI steps: `run`s, orb commands, the repository's own `commands` (followed),
    /// and the steps nested in `when`/`unless` and in an orb command's `steps` parameter
    /// (`go/with-cache: {steps: [...]}`).
    fn circleci_steps(&mut self, job: usize, steps: &[Node<'_>], commands: Option<Node<'_>>, depth: usize) {
        let is_orb = |name: &str| name.contains('/') && !name.contains(char::is_whitespace);
        if depth > 4 {
            return;
        }
        for step in steps {
            if let Some(name) = step.as_str() {
                if is_orb(name) {
                    self.push(job, StepDraft::reference(R::Orb, name, step.line()));
                } else if let Some(own) = commands.and_then(|c| c.get(name)) {
                    let inner = own.get("steps").map(|s| s.items()).unwrap_or_default();
                    self.circleci_steps(job, &inner, commands, depth + 1);
                }
                continue;
            }
            for (key, value) in step.entries() {
                if key == "run" {
                    let script = value
                        .as_str()
                        .map(|s| (s, value))
                        .or_else(|| value.get("command").and_then(|c| c.as_str().map(|s| (s, c))));
                    if let Some((script, node)) = script {
                        self.push(
                            job,
                            StepDraft {
                                line: step.line(),
                                script: Some((script.to_owned(), (self.first_line_of)(node))),
                                ..StepDraft::default()
                            },
                        );
                    }
                    continue;
                }
                if is_orb(key) {
                    self.push(job, StepDraft::reference(R::Orb, key, step.line()));
                } else if let Some(own) = commands.and_then(|c| c.get(key)) {
                    let inner = own.get("steps").map(|s| s.items()).unwrap_or_default();
                    self.circleci_steps(job, &inner, commands, depth + 1);
                }
                let nested = value.get("steps").map(|s| s.items()).unwrap_or_default();
                if matches!(key, "when" | "unless") || is_orb(key) {
                    self.circleci_steps(job, &nested, commands, depth + 1);
                }
            }
        }
    }

    fn circleci(&mut self, root: Node<'_>) {
        let is_orb = |name: &str| name.contains('/') && !name.contains(char::is_whitespace);
        for (id, job_node) in root.get("jobs").map(|j| j.entries()).unwrap_or_default() {
            let job = self.job(id, job_node);
            for executor in ["docker"] {
                for image in job_node.get(executor).map(|d| d.items()).unwrap_or_default() {
                    if let Some(name) = image.str("image") {
                        self.push(job, StepDraft::image(name, image.line()));
                    }
                }
            }
            // Steps given as parameters with defaults (`publish_steps: {type: steps,
            // default: [...]}`) run where the job says `- steps: << parameters.x >>`.
            let mut all_steps = job_node.get("steps").map(|s| s.items()).unwrap_or_default();
            for (_, parameter) in job_node.get("parameters").map(|p| p.entries()).unwrap_or_default() {
                if parameter.str("type") == Some("steps") {
                    all_steps.extend(parameter.get("default").map(|d| d.items()).unwrap_or_default());
                }
            }
            let commands = root.get("commands");
            self.circleci_steps(job, &all_steps, commands, 0);
        }
        for (_, workflow) in root.get("workflows").map(|w| w.entries()).unwrap_or_default() {
            for item in workflow.get("jobs").map(|j| j.items()).unwrap_or_default() {
                let (name, config) = match item.as_str() {
                    Some(name) => (name.to_owned(), None),
                    None => match item.entries().into_iter().next() {
                        Some((name, config)) => (name.to_owned(), Some(config)),
                        None => continue,
                    },
                };
                if is_orb(&name) {
                    let job = self.job(name.clone(), item);
                    self.push(job, StepDraft::reference(R::Orb, &name, item.line()));
                    if let Some(context) = config.and_then(|c| c.str("name")) {
                        self.jobs[job].name = Some(context.to_owned());
                    }
                }
            }
        }
    }

    fn azure(&mut self, node: Node<'_>, job: usize) {
        match node.value {
            Value::Object(_) => {
                let mut job = job;
                let key_job = node.str("job").or_else(|| node.str("deployment"));
                if let Some(id) = key_job {
                    job = self.job(id, node);
                    if node.get("deployment").is_some() && self.jobs[job].environment.is_none() {
                        self.jobs[job].environment =
                            node.get("environment").and_then(|e| environment_name(e.value)).or(Some(id.to_owned()));
                    } else {
                        self.jobs[job].environment = node.get("environment").and_then(|e| environment_name(e.value));
                    }
                }
                if let Some(task) = node.str("task") {
                    let mut draft = StepDraft::reference(R::Azure, task, node.line());
                    draft.assembled = azure_command(task, node);
                    if let Some(inputs) = node.get("inputs") {
                        for key in ["script", "inlineScript", "Inline"] {
                            if let Some(script) = inputs.get(key) {
                                if let Some(text) = script.as_str() {
                                    draft.script = Some((text.to_owned(), (self.first_line_of)(script)));
                                }
                            }
                        }
                    }
                    self.push(job, draft);
                }
                if let Some(template) = node.str("template") {
                    self.push(job, StepDraft::reference(R::Azure, template, node.line()));
                }
                for (key, value) in node.entries() {
                    match key {
                        "script" | "bash" | "pwsh" | "powershell" => {
                            if let Some(text) = value.as_str() {
                                self.push(
                                    job,
                                    StepDraft {
                                        line: value.line(),
                                        script: Some((text.to_owned(), (self.first_line_of)(value))),
                                        ..StepDraft::default()
                                    },
                                );
                            }
                        }
                        "container" => {
                            if let Some(image) = value.as_str() {
                                self.push(job, StepDraft::image(image, value.line()));
                            }
                        }
                        "task" | "template" | "inputs" => {}
                        _ => self.azure(value, job),
                    }
                }
            }
            Value::Array(_) => {
                for item in node.items() {
                    self.azure(item, job);
                }
            }
            _ => {}
        }
    }

    fn bitbucket(&mut self, node: Node<'_>) {
        match node.value {
            Value::Object(_) => {
                if let Some(step) = node.get("step") {
                    let id = step.str("name").unwrap_or("step").to_owned();
                    let j = self.job(id, step);
                    if let Some(deployment) = step.str("deployment") {
                        self.jobs[j].environment = Some(deployment.to_owned());
                    }
                    if let Some(image) = step.get("image") {
                        if let Some(name) = image.as_str().or_else(|| image.str("name")) {
                            self.push(j, StepDraft::image(name, image.line()));
                        }
                    }
                    if let Some(script) = step.get("script") {
                        for item in script.items() {
                            if let Some(text) = item.as_str() {
                                self.push(j, StepDraft::script(text, item.line()));
                            } else if let Some(pipe) = item.get("pipe") {
                                if let Some(name) = pipe.as_str() {
                                    self.push(j, StepDraft::reference(R::Bitbucket, name, pipe.line()));
                                }
                            }
                        }
                    }
                    return;
                }
                for (_, value) in node.entries() {
                    self.bitbucket(value);
                }
            }
            Value::Array(_) => {
                for item in node.items() {
                    self.bitbucket(item);
                }
            }
            _ => {}
        }
    }

    fn tekton(&mut self, root: Node<'_>) {
        let Some(spec) = root.get("spec") else { return };
        let spec = spec.get("pipelineSpec").or_else(|| spec.get("taskSpec")).unwrap_or(spec);
        if spec.get("steps").is_some() {
            let id = root.get("metadata").and_then(|m| m.str("name")).unwrap_or("task").to_owned();
            let job = self.job(id, root);
            self.tekton_steps(spec, job);
        }
        for key in ["tasks", "finally"] {
            for task in spec.get(key).map(|t| t.items()).unwrap_or_default() {
                let id = task.str("name").unwrap_or("task").to_owned();
                let job = self.job(id, task);
                if let Some((name, line)) = task.get("taskRef").and_then(tekton_task_name) {
                    // A task defined elsewhere (Tekton Hub, a bundle, another repository):
                    // the catalogue knows some by name, and otherwise only its name says
                    // what it does (`golang-test`).
                    self.push(
                        job,
                        StepDraft {
                            line: line.or(task.line()),
                            reference: Some((Some(R::Tekton), name.to_owned())),
                            ..StepDraft::default()
                        },
                    );
                }
                if let Some(inner) = task.get("taskSpec") {
                    self.tekton_steps(inner, job);
                }
            }
        }
    }

    fn tekton_steps(&mut self, spec: Node<'_>, job: usize) {
        for step in spec.get("steps").map(|s| s.items()).unwrap_or_default() {
            if let Some(image) = step.str("image") {
                self.push(job, StepDraft::image(image, step.line()));
            }
            if let Some(script) = step.get("script") {
                if let Some(text) = script.as_str() {
                    self.push(
                        job,
                        StepDraft {
                            line: step.line(),
                            script: Some((text.to_owned(), (self.first_line_of)(script))),
                            ..StepDraft::default()
                        },
                    );
                }
            }
            let strings = |key: &str| -> Vec<String> {
                step.get(key)
                    .map(|v| match v.value {
                        Value::Array(items) => items.iter().filter_map(Value::as_str).map(shell_quote).collect(),
                        Value::String(s) => vec![shell_quote(s)],
                        _ => Vec::new(),
                    })
                    .unwrap_or_default()
            };
            let words: Vec<String> = strings("command").into_iter().chain(strings("args")).collect();
            if !words.is_empty() {
                self.push(
                    job,
                    StepDraft { line: step.line(), assembled: Some(words.join(" ")), ..StepDraft::default() },
                );
            }
        }
    }

    /// Scripts under the given keys anywhere below `node` (the systems whose steps have no
    /// other structure the plugins need).
    fn generic(&mut self, node: Node<'_>, job: usize, shell_keys: &[&str], reference_keys: &[&str]) {
        match node.value {
            Value::Object(_) => {
                for (key, value) in node.entries() {
                    if shell_keys.contains(&key) {
                        self.scripts(value, job);
                    } else if reference_keys.contains(&key) {
                        if let Some(name) = value.as_str() {
                            self.push(job, StepDraft::reference(R::Action, name, value.line()));
                        }
                    } else {
                        self.generic(value, job, shell_keys, reference_keys);
                    }
                }
            }
            Value::Array(_) => {
                for item in node.items() {
                    self.generic(item, job, shell_keys, reference_keys);
                }
            }
            _ => {}
        }
    }

    /// A script: a string, or a list of strings (GitLab, Travis, CodeBuild), each its own.
    fn scripts(&mut self, node: Node<'_>, job: usize) {
        match node.value {
            Value::String(text) => {
                let first = (self.first_line_of)(node);
                self.push(
                    job,
                    StepDraft { line: node.line(), script: Some((text.clone(), first)), ..StepDraft::default() },
                );
            }
            Value::Array(_) => {
                for item in node.items() {
                    self.scripts(item, job);
                }
            }
            // CircleCI-like `{command: …}`; anything else is not a script.
            Value::Object(_) => {
                if let Some(command) = node.get("command") {
                    self.scripts(command, job);
                }
            }
            _ => {}
        }
    }
}

/// The literal values of a GitHub build matrix, by key, `include` entries added.
fn matrix_of(matrix: Option<&Value>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let Some(Value::Object(map)) = matrix else { return out };
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let mut add = |key: &str, value: String| match out.iter_mut().find(|(k, _)| k == key) {
        Some((_, values)) if !values.contains(&value) => values.push(value),
        Some(_) => {}
        None => out.push((key.to_owned(), vec![value])),
    };
    for (key, values) in map {
        match (key.as_str(), values) {
            ("include", Value::Array(entries)) => {
                for entry in entries.iter().filter_map(Value::as_object) {
                    for (k, v) in entry {
                        if let Some(v) = scalar(v) {
                            add(k, v);
                        }
                    }
                }
            }
            ("exclude", _) => {}
            (key, Value::Array(items)) => {
                for v in items.iter().filter_map(scalar) {
                    add(key, v);
                }
            }
            _ => {}
        }
    }
    out
}

pub(super) fn shell_quote(word: &str) -> String {
    if word.is_empty() || word.contains(|c: char| c.is_whitespace() || "'\"\\$`;&|<>()".contains(c)) {
        format!("'{}'", word.replace('\'', r"'\''"))
    } else {
        word.to_owned()
    }
}

fn environment_name(environment: &Value) -> Option<String> {
    match environment {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) => {
            map.get("name").and_then(Value::as_str).map(String::from).or_else(|| Some("environment".to_owned()))
        }
        _ => None,
    }
}

/// Super-Linter `VALIDATE_X: true` and MegaLinter `ENABLE_LINTERS: A,B` in an `env` or
/// `with` mapping.
fn linters_in(node: Option<Node<'_>>) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in node.map(|n| n.entries()).unwrap_or_default() {
        let on = match value.value {
            Value::Bool(b) => *b,
            Value::String(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        };
        if let Some(name) = key.strip_prefix("VALIDATE_") {
            if on && name != "ALL_CODEBASE" {
                out.push(name.to_owned());
            }
        } else if key == "ENABLE_LINTERS" || key == "ENABLE" {
            if let Some(list) = value.as_str() {
                out.extend(list.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()));
            }
        }
    }
    out
}

/// The command an Azure task's inputs say it runs (`Maven@4` with `goals: clean verify`).
fn azure_command(task: &str, node: Node<'_>) -> Option<String> {
    let input = |key: &str| node.get("inputs").and_then(|i| i.str(key));
    let name = task.split('@').next().unwrap_or(task).to_ascii_lowercase();
    Some(match name.as_str() {
        "dotnetcorecli" => {
            format!("dotnet {} {}", input("command").unwrap_or("build"), input("arguments").unwrap_or(""))
        }
        "maven" => format!("mvn {} {}", input("goals").unwrap_or("package"), input("options").unwrap_or("")),
        "gradle" => format!("gradle {} {}", input("tasks").unwrap_or("build"), input("options").unwrap_or("")),
        "ant" => format!("ant {}", input("targets").unwrap_or("")),
        "xcode" => format!("xcodebuild {}", input("actions").unwrap_or("build")),
        "npm" => match input("command").unwrap_or("install") {
            "custom" => format!("npm {}", input("customCommand").unwrap_or("")),
            command => format!("npm {command}"),
        },
        _ => return None,
    })
}

/// The name of the task a Tekton `taskRef` refers to, with its line: `name:` for a task in
/// the cluster, or the `name` parameter of a resolver (`resolver: bundles`, `hub`, `git`,
/// `cluster`).
fn tekton_task_name<'a>(task_ref: Node<'a>) -> Option<(&'a str, Option<u32>)> {
    if let Some(name) = task_ref.get("name") {
        return name.as_str().map(|n| (n, name.line()));
    }
    let params = task_ref.get("params")?;
    params.items().into_iter().find(|p| p.str("name") == Some("name")).and_then(|p| {
        let value = p.get("value")?;
        value.as_str().map(|n| (n, value.line()))
    })
}

/// The script Travis CI runs for a language when `.travis.yml` gives none (its documented
/// defaults; those that depend on which build file exists are left out).
fn travis_default_script(language: &str) -> Option<&'static str> {
    Some(match language.trim().to_ascii_lowercase().as_str() {
        "ruby" => "bundle exec rake",
        "node_js" | "node" => "npm test",
        "go" => "go test -v ./...",
        "rust" => "cargo build --verbose\ncargo test --verbose",
        "php" => "phpunit",
        "elixir" => "mix test",
        "clojure" => "lein test",
        "scala" => "sbt test",
        "perl" => "prove -lr t",
        "c" | "cpp" | "c++" => "./configure\nmake\nmake test",
        "haskell" => "cabal test",
        "crystal" => "crystal spec",
        "d" => "dub test",
        "dart" => "pub run test",
        "julia" => "julia -e 'using Pkg; Pkg.test()'",
        "r" => "R CMD check *tar.gz",
        _ => return None,
    })
}
