//! The repository's CI definitions as the host understands them, for every plugin that
//! declares `ci = true` (the types are [`kaizen_evidence::ci`]).
//!
//! 1. **Which files are pipelines.** A file at a path some CI system reads
//!    ([`systems::System::globs`]) is a pipeline when the system would read it as the
//!    repository's own: its role is `own` (not an example, a fixture, vendored…), it is where
//!    the system looks (a `.travis.yml` at the root, not in a sub-folder; a GitLab file the
//!    root `.gitlab-ci.yml` includes; a `buildspec.yml` at the root or named by the
//!    repository's own infrastructure code), and its content is a pipeline of that system.
//!    Every other candidate is listed as ignored, with why.
//! 2. **Jobs and steps**, per system ([`systems`]), with their lines.
//! 3. **Commands** of every script, split and unwrapped ([`shell`]), followed through one or
//!    two runners ([`indirect`]: `make`, package scripts, tox, nox, just, task, repository
//!    scripts, pre-commit).
//! 4. **Tools**: commands, actions, images, templates, orbs, tasks, steps, pipes, hooks and
//!    linter switches matched against the [`crate::catalogue`]. In a job that starts a
//!    throwaway cluster (kind, k3d, minikube, `ct install`), what is applied or installed is
//!    a test, not a deployment.

mod indirect;
pub mod shell;
mod systems;
mod tree;

use crate::catalogue::{Catalogue, Reference};
use crate::parse::{Format, Located};
use indirect::{Call, Runners};
use kaizen_evidence::ci::{self as model, kinds, Ci};
use kaizen_evidence::roles::Role;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use systems::{StepDraft, System, SYSTEMS};

/// How many runners deep a command is followed (`make test` → `./scripts/test.sh`).
const MAX_VIAS: usize = 2;

/// A file the CI model may read, with the format it is parsed as.
pub fn documents_wanted<'a>(files: impl Iterator<Item = (&'a str, Role)>) -> Vec<(String, Format)> {
    let mut out = Vec::new();
    for (path, _) in files {
        if let Some(system) = candidate_systems(path).first() {
            out.push((path.to_owned(), if system.is_jenkins() { Format::Jenkinsfile } else { Format::Yaml }));
        }
    }
    out
}

fn candidate_systems(path: &str) -> Vec<System> {
    SYSTEMS.iter().copied().filter(|s| s.globs().iter().any(|g| kaizen_glob(g, path))).collect()
}

/// The SDK's glob semantics (`*` within a segment, `**` any segments, `{a,b}`), compiled
/// once per pattern.
fn kaizen_glob(pattern: &str, path: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, globset::GlobMatcher>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let matcher = {
        let mut cache = cache.lock().expect("the glob cache is never poisoned");
        cache
            .entry(pattern.to_owned())
            .or_insert_with(|| {
                globset::GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .expect("the systems' globs are valid")
                    .compile_matcher()
            })
            .clone()
    };
    matcher.is_match(path)
}

/// What the CI model reads of a target.
#[allow(missing_debug_implementations)]
pub struct Inputs<'a> {
    /// The target's folder.
    pub root: &'a Path,
    /// Every file of the inventory with its role.
    pub files: Vec<(&'a str, Role)>,
    /// The parsed documents of a file ([`documents_wanted`] lists what is asked).
    pub document: &'a dyn Fn(&str, Format) -> Option<&'a [Located]>,
}

/// Understands a target's CI definitions.
pub fn understand(inputs: &Inputs<'_>, catalogue: &Catalogue) -> Ci {
    let own: HashSet<&str> = inputs.files.iter().filter(|(_, r)| r.is_own()).map(|(p, _)| *p).collect();
    // Files the root `.gitlab-ci.yml` includes, whatever their names, parsed here when the
    // conventional paths did not cover them.
    let (gitlab_included, extra_documents) = gitlab_includes(inputs);
    let mut referenced_buildspecs: Option<HashSet<String>> = None;
    let mut ci = Ci::default();
    let mut files = inputs.files.clone();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for &(path, role) in &files {
        let mut candidates = candidate_systems(path);
        if gitlab_included.contains(path) && !candidates.contains(&System::GitlabCi) {
            candidates.insert(0, System::GitlabCi);
        }
        if candidates.is_empty() {
            continue;
        }
        let format = if candidates[0].is_jenkins() { Format::Jenkinsfile } else { Format::Yaml };
        let docs: &[Located] = match (inputs.document)(path, format) {
            Some(docs) => docs,
            None => extra_documents.iter().find(|(p, _)| p == path).map(|(_, d)| d.as_slice()).unwrap_or_default(),
        };
        let recognised: Vec<System> = candidates
            .iter()
            .copied()
            .filter(|s| docs.iter().any(|d| matches!(d, Ok((v, _)) if systems::is_pipeline(*s, v))))
            .collect();
        let broken = docs.iter().find_map(|d| d.as_ref().err()).filter(|_| recognised.is_empty());
        let Some(&system) = recognised
            .first()
            .or_else(|| broken.and_then(|_| candidates.iter().find(|s| s.named_by_path() && s.reads_at(path))))
        else {
            continue;
        };
        if !role.is_own() {
            ci.ignored.push(model::Ignored {
                path: path.to_owned(),
                system: system.name().into(),
                reason: role.name().into(),
            });
            continue;
        }
        let read = match system {
            System::GitlabCi => system.reads_at(path) || gitlab_included.contains(path),
            System::AwsCodebuild if !system.reads_at(path) => {
                referenced_buildspecs.get_or_insert_with(|| buildspec_references(inputs, &own)).contains(path)
            }
            _ => system.reads_at(path),
        };
        if !read {
            ci.ignored.push(model::Ignored {
                path: path.to_owned(),
                system: system.name().into(),
                reason: "not-read".into(),
            });
            continue;
        }
        let mut pipeline =
            model::Pipeline { path: path.to_owned(), system: system.name().into(), ..Default::default() };
        if let Some(failure) = broken {
            pipeline.error = Some(model::Broken { message: failure.message.clone(), line: failure.line });
            ci.pipelines.push(pipeline);
            continue;
        }
        let text = std::fs::read_to_string(inputs.root.join(path)).unwrap_or_default();
        let text_lines: Vec<&str> = text.lines().collect();
        let first_line_of = |node: tree::Node<'_>| -> Option<u32> {
            // A block scalar's text starts on the line after its key.
            let line = node.line()?;
            let written = text_lines.get(line as usize - 1)?.trim_end();
            let block = written.ends_with('|')
                || written.ends_with('>')
                || ["|-", "|+", ">-", ">+", "|2", "|4"].iter().any(|s| written.ends_with(s));
            Some(if block { line + 1 } else { line })
        };
        let mut drafts = Vec::new();
        for doc in docs.iter().flatten() {
            let (value, lines) = doc;
            if !systems::is_pipeline(system, value) {
                continue;
            }
            if system == System::Jenkins {
                drafts.extend(jenkins_jobs(value));
            } else {
                drafts.extend(systems::jobs(system, tree::Node::root(value, lines), &first_line_of));
            }
        }
        let runners = Runners::new(inputs.root, &own);
        let understander = Understander { catalogue, runners: &runners, path };
        for draft in drafts {
            let mut job = model::Job {
                id: draft.id.clone(),
                name: draft.name.clone(),
                line: draft.line,
                environment: draft.environment.clone(),
                deploy_name: systems::is_deploy_name(&draft.id)
                    || draft.name.as_deref().is_some_and(systems::is_deploy_name),
                ..Default::default()
            };
            let mut uses = Vec::new();
            for step in &draft.steps {
                job.steps.push(understander.step(step, &draft.id, &draft.matrix, &mut uses));
            }
            if uses.iter().any(|u: &model::ToolUse| u.is(kinds::THROWAWAY_CLUSTER)) {
                job.throwaway_cluster = true;
                for u in uses.iter_mut().filter(|u| u.is(kinds::DEPLOY)) {
                    u.kinds.retain(|k| k != kinds::DEPLOY);
                    if !u.kinds.iter().any(|k| k == kinds::TEST) {
                        u.kinds.push(kinds::TEST.into());
                    }
                    u.note = Some("in a job that starts a throwaway cluster: a test, not a deployment".into());
                }
            }
            ci.tools.extend(uses);
            pipeline.jobs.push(job);
        }
        ci.pipelines.push(pipeline);
    }
    pre_commit_ci(inputs, &own, catalogue, &mut ci);
    ci
}

/// The GitLab files the root `.gitlab-ci.yml` includes (`include: local:`), recursively,
/// and the documents of those the assessment had not parsed.
fn gitlab_includes(inputs: &Inputs<'_>) -> (HashSet<String>, Vec<(String, Vec<Located>)>) {
    let mut out: HashSet<String> = HashSet::new();
    let mut parsed: Vec<(String, Vec<Located>)> = Vec::new();
    let mut queue = vec![".gitlab-ci.yml".to_owned()];
    while let Some(path) = queue.pop() {
        let docs: Vec<Located> = match (inputs.document)(&path, Format::Yaml) {
            Some(docs) => docs.to_vec(),
            None if path != ".gitlab-ci.yml" => {
                let bytes = std::fs::read(inputs.root.join(&path)).unwrap_or_default();
                let docs = crate::parse::parse_located(Format::Yaml, &bytes);
                parsed.push((path.clone(), docs.clone()));
                docs
            }
            None => continue,
        };
        for (value, _) in docs.iter().flatten() {
            for local in local_includes(value.get("include")) {
                let local = local.trim_start_matches('/');
                for (file, _) in &inputs.files {
                    if (*file == local || (local.contains('*') && kaizen_glob(local, file)))
                        && out.insert((*file).to_owned())
                    {
                        queue.push((*file).to_owned());
                    }
                }
            }
        }
        if out.len() > 500 {
            break;
        }
    }
    (out, parsed)
}

fn local_includes(include: Option<&serde_json::Value>) -> Vec<String> {
    use serde_json::Value;
    match include {
        Some(Value::String(s)) if !s.contains("://") && (s.ends_with(".yml") || s.ends_with(".yaml")) => {
            vec![s.clone()]
        }
        Some(Value::Array(items)) => items.iter().flat_map(|i| local_includes(Some(i))).collect(),
        Some(Value::Object(map)) => match map.get("local") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(String::from).collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The `buildspec*.yml` files below the root that the repository's own infrastructure code
/// or configuration names (CodeBuild reads a buildspec where a project points it).
fn buildspec_references(inputs: &Inputs<'_>, own: &HashSet<&str>) -> HashSet<String> {
    const EXTENSIONS: &[&str] =
        &[".yml", ".yaml", ".json", ".tf", ".ts", ".js", ".py", ".go", ".java", ".cs", ".template", ".hcl"];
    let nested: Vec<&str> = own
        .iter()
        .copied()
        .filter(|p| p.contains('/') && candidate_systems(p).contains(&System::AwsCodebuild))
        .collect();
    let mut out = HashSet::new();
    if nested.is_empty() {
        return out;
    }
    for file in own.iter().filter(|p| EXTENSIONS.iter().any(|e| p.ends_with(e)) && !nested.contains(p)) {
        let full = inputs.root.join(file);
        if std::fs::metadata(&full).map_or(true, |m| m.len() > 1 << 20) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&full) else { continue };
        if !text.contains("buildspec") {
            continue;
        }
        for spec in &nested {
            // Named by its path from the root, or from the referring file's folder.
            let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
            let relative = spec.strip_prefix(&format!("{dir}/")).unwrap_or(spec);
            if text.contains(spec) || (!dir.is_empty() && text.contains(relative)) {
                out.insert((*spec).to_owned());
            }
        }
    }
    out
}

/// Jenkins stages as jobs, from the host's Jenkinsfile outline.
fn jenkins_jobs(value: &serde_json::Value) -> Vec<systems::JobDraft> {
    use serde_json::Value;
    const SHELL: &[&str] = &["sh", "bat", "powershell", "pwsh"];
    let mut jobs: Vec<systems::JobDraft> = Vec::new();
    let steps = value.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
    for step in &steps {
        let Some(name) = step.get("name").and_then(Value::as_str) else { continue };
        let stage = step.get("stage").and_then(Value::as_str).unwrap_or("pipeline");
        let line = step.get("line").and_then(Value::as_u64).map(|l| l as u32);
        if jobs.last().is_none_or(|j| j.id != stage) {
            let stage_line = value
                .get("stages")
                .and_then(Value::as_array)
                .and_then(|s| s.iter().find(|x| x.get("name").and_then(Value::as_str) == Some(stage)))
                .and_then(|s| s.get("line"))
                .and_then(Value::as_u64)
                .map(|l| l as u32);
            jobs.push(systems::JobDraft { id: stage.to_owned(), line: stage_line, ..Default::default() });
        }
        let job = jobs.last_mut().expect("pushed above");
        let draft = if SHELL.contains(&name) {
            let args = step.get("args").and_then(Value::as_str).unwrap_or("");
            let text = step.get("text").and_then(Value::as_str).unwrap_or("");
            StepDraft { line, script: Some((jenkins_script(args, text), line)), ..Default::default() }
        } else {
            StepDraft { line, reference: Some((Some(Reference::Jenkins), name.to_owned())), ..Default::default() }
        };
        job.steps.push(draft);
    }
    jobs
}

/// The script of a Jenkins shell step: its `script:` argument when it has one (the host
/// joins every string literal of the call, label included).
fn jenkins_script(args: &str, text: &str) -> String {
    if let Some(at) = args.find("script:") {
        let rest = args[at + "script:".len()..].trim_start();
        for quote in ["'''", "\"\"\"", "'", "\""] {
            if let Some(body) = rest.strip_prefix(quote) {
                if let Some(end) = body.find(quote) {
                    return body[..end].to_owned();
                }
            }
        }
    }
    text.to_owned()
}

/// pre-commit.ci runs the hooks of a configuration with a `ci:` section.
fn pre_commit_ci(inputs: &Inputs<'_>, own: &HashSet<&str>, catalogue: &Catalogue, ci: &mut Ci) {
    for path in [".pre-commit-config.yaml", ".pre-commit-config.yml"] {
        if !own.contains(path) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(inputs.root.join(path)) else { continue };
        if !indirect::pre_commit_ci(&text) {
            continue;
        }
        for (id, line) in indirect::pre_commit_hooks(&text) {
            for m in catalogue.reference(Reference::PreCommit, &id) {
                ci.tools.push(model::ToolUse {
                    tool: m.tool.id.clone(),
                    name: m.tool.name.clone(),
                    kinds: m.kinds.to_vec(),
                    path: path.to_owned(),
                    line,
                    job: None,
                    form: Reference::PreCommit.form().into(),
                    text: id.clone(),
                    via: vec![model::Via {
                        kind: "pre-commit.ci".into(),
                        name: "pre-commit.ci".into(),
                        path: path.to_owned(),
                        line: None,
                    }],
                    note: None,
                });
            }
        }
    }
}

/// Understands the steps of one pipeline file.
struct Understander<'a> {
    catalogue: &'a Catalogue,
    runners: &'a Runners<'a>,
    path: &'a str,
}

impl Understander<'_> {
    /// The uses of the tools the catalogue matched, at `line` of this file in `job`.
    fn uses_of(
        &self,
        matches: Vec<crate::catalogue::Match<'_>>,
        line: Option<u32>,
        job: &str,
        form: &str,
        text: &str,
        via: &[model::Via],
    ) -> Vec<model::ToolUse> {
        matches
            .into_iter()
            .map(|m| model::ToolUse {
                tool: m.tool.id.clone(),
                name: m.tool.name.clone(),
                kinds: m.kinds.to_vec(),
                path: self.path.to_owned(),
                line,
                job: Some(job.to_owned()),
                form: form.to_owned(),
                text: text.to_owned(),
                via: via.to_vec(),
                note: None,
            })
            .collect()
    }

    fn step(
        &self,
        step: &StepDraft,
        job: &str,
        matrix: &[(String, Vec<String>)],
        uses: &mut Vec<model::ToolUse>,
    ) -> model::Step {
        let mut out = model::Step {
            line: step.line,
            reference: step.reference.as_ref().map(|(_, n)| n.clone()),
            commands: Vec::new(),
        };
        let found = |matches: Vec<crate::catalogue::Match<'_>>,
                     form: &str,
                     text: &str,
                     line: Option<u32>,
                     via: &[model::Via]| { self.uses_of(matches, line, job, form, text, via) };
        if let Some((how, name)) = &step.reference {
            match how {
                Some(how) => {
                    let matched = self.catalogue.reference(*how, name);
                    if matched.is_empty()
                        && matches!(
                            how,
                            Reference::Action
                                | Reference::Orb
                                | Reference::Azure
                                | Reference::Bitbucket
                                | Reference::Tekton
                        )
                    {
                        uses.extend(self.named_reference(*how, name, step.line, job));
                    }
                    uses.extend(found(matched, how.form(), name, step.line, &[]));
                    let lower = name.to_ascii_lowercase();
                    if *how == Reference::Action
                        && (lower.starts_with("pre-commit/action") || lower.starts_with("pre-commit-ci/lite-action"))
                    {
                        // The action runs `pre-commit run --all-files` unless told otherwise.
                        self.follow(
                            &["pre-commit".into(), "run".into(), "--all-files".into()],
                            "",
                            step.line,
                            job,
                            &[],
                            0,
                            uses,
                        );
                    }
                    let aggregator = name.split('@').next().unwrap_or(name).to_owned();
                    for linter in &step.linters {
                        let via = [model::Via {
                            kind: "super-linter".into(),
                            name: aggregator.clone(),
                            path: self.path.to_owned(),
                            line: step.line,
                        }];
                        uses.extend(found(
                            self.catalogue.reference(Reference::Linter, linter),
                            Reference::Linter.form(),
                            &format!("VALIDATE_{linter}"),
                            step.line,
                            &via,
                        ));
                    }
                }
                None => uses.extend(self.named("step", name, step.line, job, &[])),
            }
        }
        if let Some(image) = &step.image {
            uses.extend(found(self.catalogue.reference(Reference::Image, image), "image", image, step.line, &[]));
        }
        let mut scripts: Vec<(String, Option<u32>)> = Vec::new();
        if let Some((script, line)) = &step.script {
            scripts.push((script.clone(), *line));
        }
        if let Some(assembled) = &step.assembled {
            scripts.push((assembled.clone(), step.line));
        }
        for (script, line) in scripts {
            let mut dir = String::new();
            for command in shell::commands(&script, line.unwrap_or(0)) {
                let line = (command.line > 0).then_some(command.line).or(step.line);
                if command.argv.first().is_some_and(|p| p == "cd") {
                    if let Some(target) =
                        command.argv.get(1).filter(|t| !t.starts_with('$') && !t.starts_with('/') && *t != "-")
                    {
                        dir = indirect_join(&dir, target);
                    }
                    continue;
                }
                out.commands.push(model::Command { argv: command.argv.clone(), line, text: command.text.clone() });
                for argv in expand_matrix(&command.argv, matrix) {
                    let expanded = shell::Command { argv, ..command.clone() };
                    self.command(&expanded, &dir, line, job, &[], 0, uses);
                }
            }
        }
        out
    }

    /// The tools one command runs, following runners.
    #[allow(clippy::too_many_arguments)]
    fn command(
        &self,
        command: &shell::Command,
        dir: &str,
        line: Option<u32>,
        job: &str,
        via: &[model::Via],
        depth: usize,
        uses: &mut Vec<model::ToolUse>,
    ) {
        let push = |uses: &mut Vec<model::ToolUse>, matches: Vec<crate::catalogue::Match<'_>>, form: &str| {
            uses.extend(self.uses_of(matches, line, job, form, &short(&command.text), via));
        };
        if let Some(image) = &command.image {
            push(uses, self.catalogue.reference(Reference::Image, image), "image");
        }
        if command.argv.is_empty() {
            return;
        }
        let argv = self.named_program(&command.argv);
        let matched = self.catalogue.command(&argv);
        let call = if depth < MAX_VIAS { self.runners.call(&argv, dir) } else { Call::Plain };
        match call {
            Call::Plain => {
                // `python -m snappy.test`: a module whose name says what it runs.
                let module =
                    matched.is_empty() && argv[0].contains('.') && !argv[0].contains('/') && !argv[0].starts_with('$');
                let is_file = [".sh", ".py", ".js", ".rb", ".pl", ".exe", ".cmd", ".bat", ".ps1"]
                    .iter()
                    .any(|e| argv[0].ends_with(e));
                if module && !is_file {
                    let last = argv[0].rsplit('.').next().unwrap_or("");
                    uses.extend(self.named("module", last, line, job, via).into_iter().map(|mut u| {
                        u.text = short(&command.text);
                        u
                    }));
                }
                push(uses, matched, "command")
            }
            Call::Resolved(resolved) => {
                // What the runner runs replaces what its own name would say (`tox -e lint`).
                let runner = crate::catalogue::program_name(&argv[0]);
                push(uses, matched.into_iter().filter(|m| m.tool.id != runner).collect(), "command");
                for r in resolved {
                    let before = uses.len();
                    let mut inner_via = via.to_vec();
                    inner_via.push(model::Via {
                        kind: r.kind.into(),
                        name: r.name.clone(),
                        path: r.path.clone(),
                        line: r.line,
                    });
                    for inner in &r.commands {
                        let inner_line = (inner.line > 0).then_some(inner.line);
                        if let Some(last) = inner_via.last_mut() {
                            last.line = inner_line.or(r.line);
                            last.path = inner.file.clone().unwrap_or_else(|| r.path.clone());
                        }
                        let dir = r
                            .dir
                            .clone()
                            .unwrap_or_else(|| r.path.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned()));
                        self.command(inner, &dir, line, job, &inner_via, depth + 1, uses);
                    }
                    // A custom script runs nothing the catalogue knows: its name still says
                    // what it is for (`./scripts/migrate-db_test.sh`), unless it is npm's
                    // placeholder (`echo "Error: no test specified" && exit 1`).
                    let placeholder = !r.commands.is_empty()
                        && r.commands.iter().all(|c| {
                            c.argv
                                .first()
                                .is_some_and(|p| matches!(p.as_str(), "echo" | "exit" | "true" | ":" | "printf"))
                        });
                    if uses.len() == before && r.hooks.is_empty() && !placeholder {
                        let called = r.name.rsplit(' ').next().unwrap_or(&r.name).to_owned();
                        uses.extend(self.named(r.kind, &called, line, job, via).into_iter().map(|mut u| {
                            u.note = Some("runs nothing the catalogue knows: what its name says".into());
                            u
                        }));
                    }
                    for (hook, hook_line) in &r.hooks {
                        let hook_via = [
                            via.to_vec(),
                            vec![model::Via {
                                kind: "pre-commit".into(),
                                name: hook.clone(),
                                path: r.path.clone(),
                                line: *hook_line,
                            }],
                        ]
                        .concat();
                        let matches = self.catalogue.reference(Reference::PreCommit, hook);
                        uses.extend(self.uses_of(matches, line, job, Reference::PreCommit.form(), hook, &hook_via));
                    }
                }
            }
            Call::Unresolved(unresolved) => {
                push(uses, matched, "command");
                for name in &unresolved.names {
                    uses.extend(self.named(unresolved.kind, name, line, job, via).into_iter().map(|mut u| {
                        u.text = short(&command.text);
                        u
                    }));
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn follow(
        &self,
        argv: &[String],
        dir: &str,
        line: Option<u32>,
        job: &str,
        via: &[model::Via],
        depth: usize,
        uses: &mut Vec<model::ToolUse>,
    ) {
        let command = shell::Command {
            argv: argv.to_vec(),
            line: line.unwrap_or(0),
            text: argv.join(" "),
            image: None,
            file: None,
        };
        self.command(&command, dir, line, job, via, depth, uses);
    }

    /// What the name of a target, script, session or catalog task says it runs, when its
    /// definition is not in the repository.
    fn named(&self, kind: &str, name: &str, line: Option<u32>, job: &str, via: &[model::Via]) -> Vec<model::ToolUse> {
        let clean = !name.is_empty()
            && name.len() <= 80
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "._/:@+-".contains(c));
        if !clean {
            return Vec::new();
        }
        let stem = name.rsplit('/').next().unwrap_or(name);
        let stem = stem.split('.').next().unwrap_or(stem);
        // A target or script named exactly as a tool's program (`make govulncheck`,
        // `npm run eslint`) runs that tool.
        let tool = self.catalogue.command(&[stem.to_owned()]);
        if !tool.is_empty() {
            let mut uses = self.uses_of(tool, line, job, "name", name, via);
            for u in &mut uses {
                u.note = Some("named for the tool it runs".into());
            }
            return uses;
        }
        let mut found: BTreeSet<&'static str> = self.catalogue.names.kinds_of(stem).into_iter().collect();
        if found.is_empty() {
            // `run_integration_tests`, `golang-test`: a word of the name that can only mean
            // one thing (not `check`, which `doctoc:check` shows can mean anything).
            const TELLING: &[&str] = &[
                "test",
                "tests",
                "unittest",
                "unittests",
                "e2e",
                "spec",
                "specs",
                "integration",
                "lint",
                "linter",
                "linters",
                "linting",
                "coverage",
                "deploy",
                "release",
                "publish",
            ];
            for word in systems::words_of_name(stem).iter().filter(|w| TELLING.contains(&w.as_str())) {
                found.extend(self.catalogue.names.kinds_of(word));
            }
        }
        // A script or target named for a release (`release-tools.sh`, `verify-release`) may
        // only prepare or check one: names say too little to count as publishing.
        found.remove(kinds::RELEASE);
        if found.is_empty() {
            return Vec::new();
        }
        vec![model::ToolUse {
            tool: format!("{kind}:{name}"),
            name: format!("{kind} `{name}`"),
            kinds: found.into_iter().map(String::from).collect(),
            path: self.path.to_owned(),
            line,
            job: Some(job.to_owned()),
            form: "name".into(),
            text: name.to_owned(),
            via: via.to_vec(),
            note: Some("its definition is not in the repository: what its name says".into()),
        }]
    }

    /// What the name of an action, orb, task or pipe the catalogue does not know says it
    /// does: only words that cannot mean anything else (`prometheus/promci/publish_release`
    /// publishes, `deploy-to-ecs` deploys; `release-drafter` drafts notes and says nothing).
    fn named_reference(&self, how: Reference, name: &str, line: Option<u32>, job: &str) -> Vec<model::ToolUse> {
        let bare = name.split('@').next().unwrap_or(name);
        // Another repository's reusable workflow is named for what it runs
        // (`sigstore/community/.github/workflows/reusable-dependency-review.yml`).
        if how == Reference::Action {
            if let Some((_, file)) = bare.split_once("/.github/workflows/") {
                let stem = file.trim_end_matches(".yml").trim_end_matches(".yaml");
                let named = self.catalogue.named_in(stem);
                if !named.is_empty() {
                    return named
                        .into_iter()
                        .map(|tool| model::ToolUse {
                            tool: tool.id.clone(),
                            name: tool.name.clone(),
                            kinds: tool.kinds.clone(),
                            path: self.path.to_owned(),
                            line,
                            job: Some(job.to_owned()),
                            form: "workflow".into(),
                            text: name.to_owned(),
                            via: Vec::new(),
                            note: Some("a reusable workflow of another repository: what its name says".into()),
                        })
                        .collect();
                }
            }
        }
        // The owner says nothing about what an action does (`testspace-com/...`).
        let own = match how {
            Reference::Action => bare.split_once('/').map_or(bare, |(_, rest)| rest),
            _ => bare,
        };
        let words = systems::words_of_name(own);
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        let mut found: Vec<String> = Vec::new();
        if has(&[
            "test", "tests", "junit", "xunit", "nunit", "testng", "pytest", "rspec", "jest", "vitest", "phpunit", "e2e",
        ]) {
            found.push(kinds::TEST.into());
        }
        if has(&["lint", "linter", "linters", "linting"]) {
            found.push(kinds::LINT.into());
        }
        // Deploying documentation or a static site (`docs-deploy`, `deploy-pages`) publishes
        // it, as the catalogue's `pages-deploy` does: no service runs.
        // Continuous delivery of a package (`maven-cd`, `npm-deploy`) publishes it as well.
        let site = has(&["docs", "doc", "documentation", "pages", "site", "website", "storybook"])
            || has(&["maven", "gradle", "npm", "pypi", "gem", "gems", "nuget", "crates", "cargo", "plugin", "library"]);
        if has(&["deploy", "deployment", "deployments", "cd"]) {
            found.push(if site { kinds::RELEASE } else { kinds::DEPLOY }.into());
        }
        // `PublishBuildArtifacts`, `publish-artifacts`: artifacts kept by the CI system
        // are not a release.
        if has(&["publish"]) && !has(&["artifact", "artifacts", "test", "results", "coverage", "report", "reports"]) {
            found.push(kinds::RELEASE.into());
        }
        if found.is_empty() {
            return Vec::new();
        }
        vec![model::ToolUse {
            tool: format!("{}:{bare}", how.form()),
            name: format!("{} `{bare}`", how.form()),
            kinds: found,
            path: self.path.to_owned(),
            line,
            job: Some(job.to_owned()),
            form: "name".into(),
            text: name.to_owned(),
            via: Vec::new(),
            note: Some("not in the catalogue: what its name says".into()),
        }]
    }

    /// A program named by a variable (`$CARGO test`, `${{env.CARGO}} test`,
    /// `$(GO) test`): the word of the variable's name that is a program the catalogue knows.
    fn named_program(&self, argv: &[String]) -> Vec<String> {
        let first = &argv[0];
        if !first.starts_with('$') || first.starts_with("$(") && first.ends_with(')') && first.contains(' ') {
            return argv.to_vec();
        }
        let name = first.trim_start_matches('$').trim_matches(|c| matches!(c, '{' | '}' | '(' | ')'));
        let name = name.rsplit('.').next().unwrap_or(name);
        let known = systems::words_of_name(name).into_iter().find(|w| {
            self.catalogue.knows_program(w)
                || matches!(w.as_str(), "make" | "npm" | "yarn" | "pnpm" | "tox" | "nox" | "python")
        });
        match known {
            Some(program) => std::iter::once(program).chain(argv[1..].iter().cloned()).collect(),
            None => argv.to_vec(),
        }
    }
}

/// A command once for each value of the matrix keys it names (`nox -s ${{matrix.env}}`),
/// at most 16 variants; unchanged when it names none.
fn expand_matrix(argv: &[String], matrix: &[(String, Vec<String>)]) -> Vec<Vec<String>> {
    let mut variants = vec![argv.to_vec()];
    for (key, values) in matrix {
        let marker = format!("${{{{matrix.{key}}}}}");
        if !variants[0].iter().any(|w| w.contains(&marker)) || values.is_empty() {
            continue;
        }
        let mut next = Vec::new();
        for variant in &variants {
            for value in values {
                next.push(variant.iter().map(|w| w.replace(&marker, value)).collect());
                if next.len() >= 16 {
                    break;
                }
            }
        }
        variants = next;
    }
    variants
}

fn indirect_join(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// A command for messages: at most 120 characters.
fn short(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= 120 {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(119).collect::<String>())
    }
}

#[cfg(test)]
mod tests;
