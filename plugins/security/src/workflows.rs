//! GitHub Actions workflows: pinned actions, token permissions and dangerous patterns.

use kaizen_plugin_sdk::{Document, Value};

/// One workflow document (a file under `.github/workflows/` with `jobs`), or one of the
/// repository's own composite actions (an `action.yml` whose `runs.using` is `composite`),
/// whose steps run in the workflows that use it.
pub struct Workflow<'a> {
    pub path: &'a str,
    pub value: &'a Value,
    /// The document it was read from, for the lines of its nodes.
    pub document: &'a Document,
}

impl<'a> Workflow<'a> {
    pub fn jobs(&self) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.value.get("jobs").and_then(Value::as_object).into_iter().flatten().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether this is a composite action rather than a workflow.
    pub fn is_action(&self) -> bool {
        self.value.get("runs").and_then(|r| r.get("using")).and_then(Value::as_str) == Some("composite")
    }

    /// Every step of every job; a composite action's steps.
    pub fn steps(&self) -> impl Iterator<Item = &'a Value> + 'a {
        let action = self.value.get("runs").and_then(|r| r.get("steps")).and_then(Value::as_array);
        self.jobs()
            .flat_map(|(_, job)| job.get("steps").and_then(Value::as_array).into_iter().flatten())
            .chain(action.into_iter().flatten())
    }

    /// Every `uses:` of a step or of a job (a reusable workflow).
    pub fn uses(&self) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, job) in self.jobs() {
            out.extend(job.get("uses").and_then(Value::as_str));
            let steps = job.get("steps").and_then(Value::as_array).into_iter().flatten();
            out.extend(steps.filter_map(|step| step.get("uses").and_then(Value::as_str)));
        }
        if self.is_action() {
            out.extend(self.steps().filter_map(|step| step.get("uses").and_then(Value::as_str)));
        }
        out
    }

    /// The events that trigger it (`on` as a string, a list or a map). YAML 1.1 parsers
    /// read `on` as `true`; the host's parser keeps it a string, but both are accepted.
    pub fn triggers(&self) -> Vec<&'a str> {
        let on = match self.value.get("on").or_else(|| self.value.get("true")) {
            Some(on) => on,
            None => return Vec::new(),
        };
        match on {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            Value::Object(map) => map.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// Whether a `uses:` reference is pinned: a full commit SHA, a local action, or a Docker
/// image by digest.
pub fn is_pinned(uses: &str) -> bool {
    let uses = uses.trim();
    if uses.starts_with("./") || uses.starts_with(".\\") {
        return true;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        return image.contains("@sha256:");
    }
    match uses.rsplit_once('@') {
        Some((_, reference)) => reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// How a workflow declares its token permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permissions {
    /// At the top level, or on every job, and not `write-all`.
    Declared,
    /// `write-all` at the top level (or on a job without a top-level restriction).
    WriteAll,
    /// Not at the top level, and not on every job.
    Missing,
}

pub fn permissions(workflow: &Workflow, all_workflows: &[Workflow]) -> Permissions {
    permissions_within(workflow, all_workflows, 0)
}

fn permissions_within(workflow: &Workflow, all_workflows: &[Workflow], depth: usize) -> Permissions {
    let write_all = |v: &Value| v.as_str().map_or(false, |s| s.trim() == "write-all");
    if let Some(top) = workflow.value.get("permissions") {
        return if write_all(top) { Permissions::WriteAll } else { Permissions::Declared };
    }
    let jobs: Vec<&Value> = workflow.jobs().map(|(_, job)| job).collect();
    if jobs.is_empty() {
        return Permissions::Missing;
    }
    // A job that calls a reusable workflow of this repository without `permissions` of its
    // own passes the default token on; the called workflow can only narrow it. So the job
    // declares what the called workflow declares.
    let mut all = true;
    for job in jobs {
        match job.get("permissions") {
            Some(p) if write_all(p) => return Permissions::WriteAll,
            Some(_) => {}
            None => {
                let local = job.get("uses").and_then(Value::as_str).and_then(|u| u.strip_prefix("./"));
                let called = local.and_then(|path| all_workflows.iter().find(|w| w.path == path));
                match called {
                    Some(called) if depth < 4 && called.path != workflow.path => {
                        match permissions_within(called, all_workflows, depth + 1) {
                            Permissions::Declared => {}
                            // The called workflow's `write-all` is reported in its file.
                            Permissions::WriteAll | Permissions::Missing => all = false,
                        }
                    }
                    _ => all = false,
                }
            }
        }
    }
    if all {
        Permissions::Declared
    } else {
        Permissions::Missing
    }
}

/// One dangerous pattern found in a workflow, with the text to find its line by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Danger {
    pub what: String,
    pub needle: String,
}

/// Contexts an attacker controls, as (prefix, suffix) of the expression: a pull request's
/// title, an issue's body, a commit message, a branch name.
const UNTRUSTED: &[(&str, &str)] = &[
    ("github.event.issue.title", ""),
    ("github.event.issue.body", ""),
    ("github.event.pull_request.title", ""),
    ("github.event.pull_request.body", ""),
    ("github.event.pull_request.head.ref", ""),
    ("github.event.pull_request.head.label", ""),
    ("github.event.pull_request.head.repo.default_branch", ""),
    ("github.event.comment.body", ""),
    ("github.event.review.body", ""),
    ("github.event.review_comment.body", ""),
    ("github.event.discussion.title", ""),
    ("github.event.discussion.body", ""),
    ("github.event.pages", ".page_name"),
    ("github.event.commits", ".message"),
    ("github.event.commits", ".author.email"),
    ("github.event.commits", ".author.name"),
    ("github.event.head_commit.message", ""),
    ("github.event.head_commit.author.email", ""),
    ("github.event.head_commit.author.name", ""),
    ("github.event.workflow_run.head_branch", ""),
    ("github.event.workflow_run.head_commit.message", ""),
    ("github.event.workflow_run.head_commit.author.email", ""),
    ("github.event.workflow_run.head_commit.author.name", ""),
    ("github.event.workflow_run.pull_requests", ".head.ref"),
    ("github.head_ref", ""),
];

/// The untrusted context an expression `${{ … }}` of a script uses, if any.
pub fn untrusted_context(script: &str) -> Option<String> {
    let mut rest = script;
    while let Some(open) = rest.find("${{") {
        let after = &rest[open + 3..];
        let close = after.find("}}").unwrap_or(after.len());
        let expression: String = after[..close].chars().filter(|c| !c.is_whitespace()).collect();
        for (prefix, suffix) in UNTRUSTED {
            if let Some(at) = expression.find(prefix) {
                let tail = &expression[at + prefix.len()..];
                // `github.event.issue.title` but not `github.event.issue.titles_count`.
                let ends_word = tail.chars().next().map_or(true, |c| !(c.is_ascii_alphanumeric() || c == '_'));
                if (suffix.is_empty() && ends_word) || (!suffix.is_empty() && tail.contains(suffix)) {
                    return Some(format!("{}{}", prefix, if suffix.is_empty() { "" } else { "…" }) + suffix);
                }
            }
        }
        rest = &after[close.min(after.len())..];
    }
    None
}

/// Refs that name the untrusted head of a pull request, in a checkout's `ref`.
const HEAD_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "github.head_ref",
    "refs/pull/",
];

/// Script injections and privileged checkouts of untrusted code in a workflow.
pub fn dangers(workflow: &Workflow) -> Vec<Danger> {
    let mut out = Vec::new();
    let privileged: Vec<&str> =
        workflow.triggers().into_iter().filter(|t| *t == "pull_request_target" || *t == "workflow_run").collect();
    for step in workflow.steps() {
        let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
        if !privileged.is_empty() && uses.starts_with("actions/checkout") {
            if let Some(reference) = step.get("with").and_then(|w| w.get("ref")).and_then(Value::as_str) {
                let compact: String = reference.chars().filter(|c| !c.is_whitespace()).collect();
                if HEAD_REFS.iter().any(|h| compact.contains(h)) {
                    out.push(Danger {
                        what: format!(
                            "`{}` workflow checks out the untrusted pull request head (`ref: {}`)",
                            privileged[0],
                            reference.trim()
                        ),
                        needle: reference.trim().to_string(),
                    });
                }
            }
        }
        let mut scripts: Vec<&str> = Vec::new();
        if let Some(run) = step.get("run").and_then(Value::as_str) {
            scripts.push(run);
        }
        if uses.starts_with("actions/github-script") {
            if let Some(script) = step.get("with").and_then(|w| w.get("script")).and_then(Value::as_str) {
                scripts.push(script);
            }
        }
        for script in scripts {
            if let Some(context) = untrusted_context(script) {
                let needle = script
                    .lines()
                    .find(|l| untrusted_context(l).is_some())
                    .unwrap_or_else(|| script.lines().next().unwrap_or(""))
                    .trim()
                    .to_string();
                out.push(Danger { what: format!("script injection: a script expands `{}`", context), needle });
            }
        }
    }
    out
}
