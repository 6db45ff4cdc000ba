//! How a pipeline is organised, from its structure: what triggers it, and whether it
//! caches, builds a matrix, reuses shared definitions, deploys to named environments and
//! waits for a person's approval. What the pipelines run is the host's CI model.

use super::{is_gitlab_job, System};
use kaizen_plugin_sdk::evidence::ci::is_deploy_name;
use kaizen_plugin_sdk::serde_json::Map;
use kaizen_plugin_sdk::Value;

/// What starts a pipeline, named in the `ci.triggers` fact by [`Trigger::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trigger {
    /// A push to a branch.
    Push,
    /// A pull or merge request.
    PullRequest,
    /// A schedule.
    Schedule,
    /// A person, by hand (a button, an API call).
    Manual,
}

impl Trigger {
    pub fn name(self) -> &'static str {
        match self {
            Trigger::Push => "push",
            Trigger::PullRequest => "pull_request",
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
        }
    }
}

/// A structural feature of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Started by this. `all_branches`: a push trigger that runs on every branch, so a change
    /// is checked on its branch before it merges (GitLab, CircleCI and Buildkite by default;
    /// GitHub's `push` without a branch filter).
    Trigger { trigger: Trigger, all_branches: bool },
    /// Dependencies or build outputs are cached between runs.
    Cache,
    /// Jobs run over a matrix of versions or platforms.
    Matrix,
    /// It uses or offers shared definitions: reusable workflows, includes, templates, orbs.
    Reusable,
    /// A job deploys to a named environment.
    Environment,
    /// A person approves before it goes on.
    Approval,
}

/// A feature and what shows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Feature {
    pub kind: Kind,
    /// What to say about it ("job `deploy` uses environment `production`").
    pub detail: String,
    /// Text to look for in the raw file for its line; empty for what a system does by
    /// default, which no line shows.
    pub needle: String,
    /// The line, when the parser gave it (Jenkinsfiles).
    pub line: Option<u32>,
}

fn feature(kind: Kind, detail: impl Into<String>, needle: impl Into<String>) -> Feature {
    Feature { kind, detail: detail.into(), needle: needle.into(), line: None }
}

fn trigger(trigger: Trigger, all_branches: bool, detail: impl Into<String>, needle: impl Into<String>) -> Feature {
    feature(Kind::Trigger { trigger, all_branches }, detail, needle)
}

/// The features of a pipeline of `system`.
pub(super) fn features(system: System, value: &Value) -> Vec<Feature> {
    let empty = Map::new();
    let map = value.as_object().unwrap_or(&empty);
    let mut out = Vec::new();
    match system {
        System::GithubActions => github(map, &mut out),
        System::GitlabCi => gitlab(map, &mut out),
        System::Jenkins => jenkins(map, &mut out),
        System::Circleci => circleci(map, &mut out),
        System::AzurePipelines => azure(value, map, &mut out),
        System::BitbucketPipelines => bitbucket(value, map, &mut out),
        System::Travis => travis(map, &mut out),
        System::Buildkite => buildkite(value, &mut out),
        System::Drone => drone(value, map, &mut out),
        System::Tekton => {
            if has_key(value, "matrix") {
                out.push(feature(Kind::Matrix, "a task runs over a matrix", "matrix:"));
            }
        }
        System::AwsCodebuild => {
            if map.contains_key("cache") {
                out.push(feature(Kind::Cache, "the build caches paths", "cache:"));
            }
            if map.get("batch").map_or(false, |b| b.get("build-matrix").is_some()) {
                out.push(feature(Kind::Matrix, "a batch build matrix", "build-matrix:"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn github(map: &Map<String, Value>, out: &mut Vec<Feature>) {
    // YAML 1.1 readers turn the key `on` into `true`.
    let on = map.get("on").or_else(|| map.get("true"));
    let events: Vec<(String, Option<&Value>)> = match on {
        Some(Value::String(event)) => vec![(event.clone(), None)],
        Some(Value::Array(events)) => events.iter().filter_map(Value::as_str).map(|e| (e.to_string(), None)).collect(),
        Some(Value::Object(events)) => events.iter().map(|(e, v)| (e.clone(), Some(v))).collect(),
        _ => Vec::new(),
    };
    for (event, settings) in &events {
        let branch_filter =
            settings.map_or(false, |s| s.get("branches").is_some() || s.get("branches-ignore").is_some());
        let tags_only = settings.map_or(false, |s| s.get("tags").is_some() && s.get("branches").is_none());
        match event.as_str() {
            "push" if tags_only => out.push(trigger(Trigger::Push, false, "on pushed tags", "push")),
            "push" => out.push(trigger(
                Trigger::Push,
                !branch_filter,
                if branch_filter { "on pushes to some branches" } else { "on pushes to any branch" },
                "push",
            )),
            "pull_request" | "pull_request_target" | "merge_group" => {
                out.push(trigger(Trigger::PullRequest, false, format!("on `{event}`"), event.clone()))
            }
            "schedule" => out.push(trigger(Trigger::Schedule, false, "on a schedule", "schedule")),
            "workflow_dispatch" | "repository_dispatch" => {
                out.push(trigger(Trigger::Manual, false, format!("on `{event}`"), event.clone()))
            }
            "workflow_call" => {
                out.push(feature(Kind::Reusable, "a reusable workflow other workflows call", "workflow_call"))
            }
            _ => {}
        }
    }
    for (id, job) in map.get("jobs").and_then(Value::as_object).into_iter().flatten() {
        if job.get("strategy").and_then(|s| s.get("matrix")).is_some() {
            out.push(feature(Kind::Matrix, format!("job `{id}` runs over a matrix"), "matrix:"));
        }
        if let Some(uses) = job.get("uses").and_then(Value::as_str) {
            out.push(feature(Kind::Reusable, format!("job `{id}` calls the workflow `{uses}`"), uses));
        }
        if let Some(environment) = job.get("environment") {
            let name = environment_name(environment);
            out.push(feature(Kind::Environment, format!("job `{id}` deploys to environment `{name}`"), "environment:"));
        }
        for step in job.get("steps").and_then(Value::as_array).into_iter().flatten() {
            let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
            let action = uses.split('@').next().unwrap_or("").to_ascii_lowercase();
            let cache_input = step.get("with").and_then(|w| w.get("cache"));
            let cache_asked = cache_input.map_or(false, |c| c != false && c != "" && c != "false");
            // actions/setup-go caches modules and the build cache by default since v4 (March
            // 2023). A commit pin says no version; pins are a practice of the years since,
            // so one counts as v4 or later.
            let setup_go_default = action == "actions/setup-go"
                && major_version(uses).map_or(is_commit(uses), |v| v >= 4)
                && cache_input.map_or(true, |c| c != false && c != "false");
            if action.starts_with("actions/cache")
                || CACHING_ACTIONS.contains(&action.as_str())
                || cache_asked
                || setup_go_default
                || asks_cache(step, &action)
            {
                out.push(feature(Kind::Cache, format!("job `{id}` caches with `{uses}`"), uses));
            }
            if action.contains("manual-approval") {
                out.push(feature(Kind::Approval, format!("job `{id}` waits for approval with `{uses}`"), uses));
            }
        }
    }
}

/// The caches of the repository's own composite actions that a workflow's steps use
/// (`uses: ./.github/actions/setup`): their steps cache as a job's would.
pub(super) fn local_action_caches(workflow: &Value, documents: &[kaizen_plugin_sdk::Document]) -> Vec<Feature> {
    let mut out = Vec::new();
    for (id, job) in workflow.get("jobs").and_then(Value::as_object).into_iter().flatten() {
        for step in job.get("steps").and_then(Value::as_array).into_iter().flatten() {
            let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
            let local = match uses.strip_prefix("./") {
                Some(local) => local.trim_end_matches('/'),
                None => continue,
            };
            let action = documents.iter().find(|d| {
                d.path.strip_prefix(local).map_or(false, |rest| rest == "/action.yml" || rest == "/action.yaml")
            });
            let steps = action.and_then(|d| d.value.as_ref()).and_then(|v| v.get("runs")).and_then(|r| r.get("steps"));
            if let Some(steps) = steps {
                let job = kaizen_plugin_sdk::json!({"jobs": {id: {"steps": steps}}});
                let mut found = Vec::new();
                github(job.as_object().expect("an object"), &mut found);
                for cache in found.into_iter().filter(|f| f.kind == Kind::Cache) {
                    out.push(feature(Kind::Cache, format!("{} (through `{uses}`)", cache.detail), uses));
                }
            }
        }
    }
    out
}

/// Actions that cache dependencies or build outputs between runs by default: Rust's
/// dependency cache, compiler caches (ccache, sccache), Gradle's setup (its caches are on
/// unless switched off), npm install with its cache, mise's tool cache.
const CACHING_ACTIONS: &[&str] = &[
    "swatinem/rust-cache",
    "hendrikmuhs/ccache-action",
    "mozilla-actions/sccache-action",
    "gradle/actions/setup-gradle",
    "gradle/gradle-build-action",
    "bahmutov/npm-install",
    "jdx/mise-action",
];

/// A step whose action caches when asked by an input of its own: Ruby's `bundler-cache`,
/// uv's `enable-cache`, Docker builds with `cache-from` or `cache-to`.
fn asks_cache(step: &Value, action: &str) -> bool {
    let with = |key: &str| step.get("with").and_then(|w| w.get(key));
    let on = |v: Option<&Value>| v.map_or(false, |v| v == true || v == "true");
    match action {
        "ruby/setup-ruby" => on(with("bundler-cache")),
        "astral-sh/setup-uv" => on(with("enable-cache")),
        "docker/build-push-action" | "docker/bake-action" => {
            with("cache-from").map_or(false, |v| v != "") || with("cache-to").map_or(false, |v| v != "")
        }
        _ => false,
    }
}

fn gitlab(map: &Map<String, Value>, out: &mut Vec<Feature>) {
    // GitLab runs a branch pipeline on every push unless `workflow: rules` says otherwise,
    // and a merge request shows its branch's pipeline.
    let words = strings(&Value::Object(map.clone()));
    let mentions = |text: &str| words.iter().any(|w| w.contains(text));
    let listed = |name: &str| words.iter().any(|w| w == name);
    let restricted = map.get("workflow").map_or(false, |w| w.get("rules").is_some());
    out.push(trigger(
        Trigger::Push,
        !restricted,
        if restricted { "on pushes the workflow rules allow" } else { "on pushes to any branch (GitLab's default)" },
        "",
    ));
    if mentions("merge_request_event") || listed("merge_requests") {
        out.push(trigger(Trigger::PullRequest, false, "in merge request pipelines", "merge_request"));
    }
    if mentions("\"schedule\"") || listed("schedules") || listed("schedule") {
        out.push(trigger(Trigger::Schedule, false, "in scheduled pipelines", "schedule"));
    }
    if mentions("\"web\"") || listed("web") || listed("api") {
        out.push(trigger(Trigger::Manual, false, "when run by hand", "web"));
    }
    if map.get("include").is_some() {
        out.push(feature(Kind::Reusable, "it includes shared definitions", "include:"));
    }
    // A cache set at the top, in `default`, on a job, or on a hidden template jobs
    // `extends` (`.go-cache:`); an empty `cache: {}` turns caching off.
    let caches = |v: Option<&Value>| v.map_or(false, |c| !c.is_null() && c != &Value::Object(Map::new()));
    if caches(map.get("cache")) || caches(map.get("default").and_then(|d| d.get("cache"))) {
        out.push(feature(Kind::Cache, "jobs cache between pipelines", "cache:"));
    }
    for (id, template) in map.iter().filter(|(k, _)| k.starts_with('.')) {
        if caches(template.get("cache")) {
            out.push(feature(Kind::Cache, format!("template `{id}` caches between pipelines"), format!("{id}:")));
        }
    }
    for (id, job) in map.iter().filter(|(k, v)| is_gitlab_job(k, v)) {
        if caches(job.get("cache")) {
            out.push(feature(Kind::Cache, format!("job `{id}` caches between pipelines"), "cache:"));
        }
        if job.get("parallel").and_then(|p| p.get("matrix")).is_some() {
            out.push(feature(Kind::Matrix, format!("job `{id}` runs over a matrix"), "matrix:"));
        }
        if job.get("trigger").is_some() {
            out.push(feature(Kind::Reusable, format!("job `{id}` triggers another pipeline"), "trigger:"));
        }
        let environment = job.get("environment");
        if let Some(environment) = environment {
            let name = environment_name(environment);
            out.push(feature(Kind::Environment, format!("job `{id}` deploys to environment `{name}`"), "environment:"));
        }
        let stage = job.get("stage").and_then(Value::as_str).unwrap_or("");
        let manual = job.get("when") == Some(&Value::from("manual"))
            || strings(job.get("rules").unwrap_or(&Value::Null)).iter().any(|w| w == "manual");
        if manual && (environment.is_some() || is_deploy_name(id) || is_deploy_name(stage)) {
            out.push(feature(Kind::Approval, format!("job `{id}` waits to be started by hand"), "when: manual"));
        }
    }
}

fn jenkins(map: &Map<String, Value>, out: &mut Vec<Feature>) {
    for t in map.get("triggers").and_then(Value::as_array).into_iter().flatten() {
        let name = t.get("name").and_then(Value::as_str).unwrap_or("");
        let found = match name {
            "cron" | "parameterizedCron" => Some((Trigger::Schedule, "on a schedule")),
            "pollSCM" | "githubPush" | "gitlab" | "bitbucketPush" | "GenericTrigger" => {
                Some((Trigger::Push, "on pushes"))
            }
            _ => None,
        };
        if let Some((kind, detail)) = found {
            let mut found = trigger(kind, false, format!("{detail} (`{name}`)"), name);
            found.line = t.get("line").and_then(Value::as_u64).map(|l| l as u32);
            out.push(found);
        }
    }
    for step in map.get("steps").and_then(Value::as_array).into_iter().flatten() {
        if step.get("name").and_then(Value::as_str) == Some("input") {
            let mut found = feature(Kind::Approval, "an `input` step waits for a person", "input");
            found.line = step.get("line").and_then(Value::as_u64).map(|l| l as u32);
            out.push(found);
        }
    }
}

fn circleci(map: &Map<String, Value>, out: &mut Vec<Feature>) {
    out.push(trigger(Trigger::Push, true, "on pushes to any branch (CircleCI's default)", ""));
    if map.get("orbs").map_or(false, |o| o.as_object().map_or(false, |o| !o.is_empty())) {
        out.push(feature(Kind::Reusable, "it uses orbs", "orbs:"));
    }
    // Jobs' steps, and those of reusable commands that jobs run.
    let jobs = map.get("jobs").and_then(Value::as_object).into_iter().flatten();
    let commands = map.get("commands").and_then(Value::as_object).into_iter().flatten();
    for (_, job) in jobs.chain(commands) {
        for step in job.get("steps").and_then(Value::as_array).into_iter().flatten() {
            let name = step.as_str().or_else(|| step.as_object().and_then(|o| o.keys().next()).map(String::as_str));
            if let Some(name @ ("save_cache" | "restore_cache")) = name {
                out.push(feature(Kind::Cache, "jobs save and restore caches", name));
            }
        }
    }
    for (_, workflow) in map.get("workflows").and_then(Value::as_object).into_iter().flatten() {
        for t in workflow.get("triggers").and_then(Value::as_array).into_iter().flatten() {
            if t.get("schedule").is_some() {
                out.push(trigger(Trigger::Schedule, false, "on a schedule", "schedule:"));
            }
        }
        for job in workflow.get("jobs").and_then(Value::as_array).into_iter().flatten() {
            for (name, settings) in job.as_object().into_iter().flatten() {
                if settings.get("type") == Some(&Value::from("approval")) {
                    out.push(feature(Kind::Approval, format!("job `{name}` is an approval"), "type: approval"));
                }
                if settings.get("matrix").is_some() {
                    out.push(feature(Kind::Matrix, format!("job `{name}` runs over a matrix"), "matrix:"));
                }
            }
        }
    }
}

fn azure(value: &Value, map: &Map<String, Value>, out: &mut Vec<Feature>) {
    match map.get("trigger") {
        Some(Value::String(none)) if none == "none" => {}
        None => out.push(trigger(Trigger::Push, true, "on pushes to any branch (the default CI trigger)", "")),
        Some(t) => {
            let all = t.get("branches").is_none() && !t.is_array();
            out.push(trigger(Trigger::Push, all, "on pushes", "trigger:"));
        }
    }
    match map.get("pr") {
        Some(Value::String(none)) if none == "none" => {}
        Some(_) => out.push(trigger(Trigger::PullRequest, false, "on pull requests", "pr:")),
        None => {}
    }
    if map.contains_key("schedules") {
        out.push(trigger(Trigger::Schedule, false, "on a schedule", "schedules:"));
    }
    if has_key(value, "template") || map.contains_key("extends") {
        out.push(feature(Kind::Reusable, "it uses templates", "template:"));
    }
    if has_key(value, "matrix") {
        out.push(feature(Kind::Matrix, "a job runs over a matrix", "matrix:"));
    }
    if has_key(value, "environment") {
        out.push(feature(Kind::Environment, "a deployment job targets an environment", "environment:"));
    }
    for task in strings_of_key(value, "task") {
        let name = task.to_ascii_lowercase();
        if name.starts_with("cache@") {
            out.push(feature(Kind::Cache, format!("the `{task}` task"), task.clone()));
        }
        if name.starts_with("manualvalidation@") {
            out.push(feature(Kind::Approval, format!("the `{task}` task waits for a person"), task.clone()));
        }
    }
}

fn bitbucket(value: &Value, map: &Map<String, Value>, out: &mut Vec<Feature>) {
    let pipelines = map.get("pipelines").and_then(Value::as_object);
    for (key, _) in pipelines.into_iter().flatten() {
        match key.as_str() {
            "default" => out.push(trigger(Trigger::Push, true, "on pushes to any branch", "default:")),
            "branches" => out.push(trigger(Trigger::Push, false, "on pushes to some branches", "branches:")),
            "pull-requests" => out.push(trigger(Trigger::PullRequest, false, "on pull requests", "pull-requests:")),
            "custom" => out.push(trigger(Trigger::Manual, false, "when run by hand", "custom:")),
            _ => {}
        }
    }
    if has_key(value, "caches") {
        out.push(feature(Kind::Cache, "steps use caches", "caches:"));
    }
    if strings_of_key(value, "trigger").iter().any(|t| t == "manual") {
        out.push(feature(Kind::Approval, "a step waits to be started by hand", "trigger: manual"));
    }
    if has_key(value, "deployment") {
        out.push(feature(Kind::Environment, "a step deploys to an environment", "deployment:"));
    }
}

fn travis(map: &Map<String, Value>, out: &mut Vec<Feature>) {
    out.push(trigger(Trigger::Push, true, "on pushes to any branch (Travis's default)", ""));
    out.push(trigger(Trigger::PullRequest, false, "on pull requests (Travis's default)", ""));
    if map.contains_key("cache") {
        out.push(feature(Kind::Cache, "it caches between builds", "cache:"));
    }
    if map.contains_key("import") {
        out.push(feature(Kind::Reusable, "it imports shared configuration", "import:"));
    }
    let versions = ["rust", "python", "node_js", "go", "jdk", "ruby", "php", "os", "env"]
        .iter()
        .any(|k| map.get(*k).and_then(Value::as_array).map_or(false, |v| v.len() > 1));
    let included = ["jobs", "matrix"]
        .iter()
        .filter_map(|k| map.get(*k))
        .any(|j| j.get("include").and_then(Value::as_array).map_or(false, |i| i.len() > 1));
    if versions || included {
        out.push(feature(Kind::Matrix, "builds run over several versions or platforms", "matrix"));
    }
}

fn buildkite(value: &Value, out: &mut Vec<Feature>) {
    out.push(trigger(Trigger::Push, true, "on pushes to any branch (Buildkite's default)", ""));
    for step in value.get("steps").and_then(Value::as_array).into_iter().flatten() {
        if step.get("block").is_some() || step.get("input").is_some() || step.as_str() == Some("block") {
            out.push(feature(Kind::Approval, "a block step waits for a person", "block"));
        }
        if step.get("matrix").is_some() {
            out.push(feature(Kind::Matrix, "a step runs over a matrix", "matrix:"));
        }
        if strings(step.get("plugins").unwrap_or(&Value::Null)).iter().any(|p| p.contains("cache"))
            || step.get("plugins").map_or(false, |p| has_key_containing(p, "cache"))
        {
            out.push(feature(Kind::Cache, "a step uses a cache plugin", "cache"));
        }
    }
}

fn drone(value: &Value, map: &Map<String, Value>, out: &mut Vec<Feature>) {
    let events = map.get("trigger").map(|t| strings(t.get("event").unwrap_or(&Value::Null))).unwrap_or_default();
    if events.is_empty() {
        out.push(trigger(Trigger::Push, true, "on pushes (Drone's default)", ""));
        out.push(trigger(Trigger::PullRequest, false, "on pull requests (Drone's default)", ""));
    }
    for event in &events {
        match event.as_str() {
            "push" => out.push(trigger(Trigger::Push, true, "on pushes", "push")),
            "pull_request" => out.push(trigger(Trigger::PullRequest, false, "on pull requests", "pull_request")),
            "cron" => out.push(trigger(Trigger::Schedule, false, "on a schedule", "cron")),
            "promote" | "custom" => out.push(trigger(Trigger::Manual, false, "when promoted by hand", event.clone())),
            _ => {}
        }
    }
    for image in strings_of_key(value, "image") {
        if image.contains("cache") {
            out.push(feature(Kind::Cache, format!("a step caches with `{image}`"), image.clone()));
        }
    }
}

fn environment_name(environment: &Value) -> String {
    match environment {
        Value::String(name) => name.clone(),
        other => other.get("name").and_then(Value::as_str).unwrap_or("?").to_string(),
    }
}

/// The nesting depth [`strings`] and [`has_key`] look to: pipelines are shallow, and a
/// hostile document must not make the plugin recurse without end.
const MAX_DEPTH: usize = 32;

/// Every string in a value (values and array items, not keys).
fn strings(value: &Value) -> Vec<String> {
    fn walk(value: &Value, depth: usize, out: &mut Vec<String>) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| walk(v, depth + 1, out)),
            Value::Object(map) => map.values().for_each(|v| walk(v, depth + 1, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, 0, &mut out);
    out
}

/// Whether an object anywhere in a value has this key.
fn has_key(value: &Value, key: &str) -> bool {
    fn walk(value: &Value, key: &str, depth: usize) -> bool {
        depth <= MAX_DEPTH
            && match value {
                Value::Array(items) => items.iter().any(|v| walk(v, key, depth + 1)),
                Value::Object(map) => map.contains_key(key) || map.values().any(|v| walk(v, key, depth + 1)),
                _ => false,
            }
    }
    walk(value, key, 0)
}

/// Whether an object anywhere in a value has a key containing this text.
fn has_key_containing(value: &Value, text: &str) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|v| has_key_containing(v, text)),
        Value::Object(map) => map.keys().any(|k| k.contains(text)),
        _ => false,
    }
}

/// The string values of a key wherever it appears.
fn strings_of_key(value: &Value, key: &str) -> Vec<String> {
    fn walk(value: &Value, key: &str, depth: usize, out: &mut Vec<String>) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Array(items) => items.iter().for_each(|v| walk(v, key, depth + 1, out)),
            Value::Object(map) => {
                for (k, v) in map {
                    if k == key {
                        if let Some(s) = v.as_str() {
                            out.push(s.to_string());
                        }
                    }
                    walk(v, key, depth + 1, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, key, 0, &mut out);
    out
}

/// Whether an action reference is pinned to a commit.
fn is_commit(uses: &str) -> bool {
    uses.rsplit_once('@').map_or(false, |(_, r)| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The major version of an action reference (`actions/setup-go@v5.0.1` is 5); `None` for a
/// commit or a branch.
fn major_version(uses: &str) -> Option<u32> {
    let reference = uses.rsplit_once('@')?.1;
    let digits: String = reference.trim_start_matches('v').chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || is_commit(uses) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaizen_plugin_sdk::json;

    fn caches(system: System, value: Value) -> Vec<String> {
        features(system, &value).into_iter().filter(|f| f.kind == Kind::Cache).map(|f| f.detail).collect()
    }

    fn steps(steps: Value) -> Value {
        json!({"on": "push", "jobs": {"build": {"runs-on": "ubuntu-latest", "steps": steps}}})
    }

    #[test]
    fn actions_that_cache_by_default_or_when_asked_are_caches() {
        for step in [
            json!({"uses": "hendrikmuhs/ccache-action@v1.2"}),
            json!({"uses": "mozilla-actions/sccache-action@v0.0.9"}),
            json!({"uses": "gradle/actions/setup-gradle@v4"}),
            json!({"uses": "ruby/setup-ruby@v1", "with": {"ruby-version": "3.3", "bundler-cache": true}}),
            json!({"uses": "astral-sh/setup-uv@v6", "with": {"enable-cache": "true"}}),
            json!({"uses": "docker/build-push-action@v6", "with": {"cache-from": "type=gha", "cache-to": "type=gha"}}),
            json!({"uses": "actions/setup-node@v4", "with": {"cache": "npm"}}),
        ] {
            assert_eq!(caches(System::GithubActions, steps(json!([step]))).len(), 1, "{step}");
        }
        for step in [
            json!({"uses": "ruby/setup-ruby@v1", "with": {"ruby-version": "3.3"}}),
            json!({"uses": "astral-sh/setup-uv@v6"}),
            json!({"uses": "docker/build-push-action@v6", "with": {"push": true}}),
            json!({"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}}),
            json!({"uses": "actions/setup-go@v5", "with": {"cache": false}}),
        ] {
            assert_eq!(caches(System::GithubActions, steps(json!([step]))), Vec::<String>::new(), "{step}");
        }
    }

    #[test]
    fn the_repository_s_own_composite_actions_are_followed_for_caches() {
        let action: kaizen_plugin_sdk::Document = kaizen_plugin_sdk::serde_json::from_value(json!({
            "path": ".github/actions/setup-php/action.yml",
            "format": "yaml",
            "value": {"runs": {"using": "composite", "steps": [
                {"uses": "shivammathur/setup-php@v2"},
                {"uses": "actions/cache@v4", "with": {"path": "vendor", "key": "composer"}},
            ]}},
        }))
        .unwrap();
        let workflow = steps(json!([{"uses": "actions/checkout@v4"}, {"uses": "./.github/actions/setup-php"}]));
        let found = local_action_caches(&workflow, &[action]);
        let details: Vec<&str> = found.iter().map(|f| f.detail.as_str()).collect();
        assert_eq!(details, ["job `build` caches with `actions/cache@v4` (through `./.github/actions/setup-php`)"]);
        assert_eq!(found[0].needle, "./.github/actions/setup-php");
        assert!(local_action_caches(&workflow, &[]).is_empty(), "an action that is not there caches nothing");
    }

    #[test]
    fn circleci_commands_that_jobs_run_cache_too() {
        let config = json!({
            "version": 2.1,
            "commands": {"deps": {"steps": [{"restore_cache": {"keys": ["v1-deps"]}}, {"run": "cargo fetch"}]}},
            "jobs": {"test": {"steps": ["checkout", "deps", {"run": "cargo test"}]}},
        });
        assert_eq!(caches(System::Circleci, config), ["jobs save and restore caches"]);
    }
}
