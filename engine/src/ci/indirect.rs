//! What a pipeline runs through a runner: a `make` target, a package script, a tox or nox
//! session, a just or task recipe, a repository script, pre-commit's hooks. The runner's
//! definition is read from the repository and the commands it runs are returned with their
//! file and line, so the catalogue judges them as if the pipeline ran them itself.

use super::shell;
use crate::catalogue::program_name;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Files larger than this are not read as runner definitions.
const MAX_BYTES: u64 = 512 << 10;

/// A repository script larger than this is the project's program, not a CI helper: it is
/// judged by its name only.
const MAX_SCRIPT_BYTES: usize = 64 << 10;

/// One indirection resolved: what it is, and what it runs.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// `make`, `npm-script`, `tox`, `nox`, `just`, `task`, `projen`, `script`, `pre-commit`.
    pub kind: &'static str,
    /// What was called, for messages (`make test`, `npm run lint`, `scripts/ci.sh`).
    pub name: String,
    /// The file that defines it.
    pub path: String,
    /// Where the definition starts.
    pub line: Option<u32>,
    /// The commands it runs, with their lines in `path`.
    pub commands: Vec<shell::Command>,
    /// Hook ids, for pre-commit: (id, line).
    pub hooks: Vec<(String, Option<u32>)>,
    /// The folder its commands run in, when not the folder of `path` (a target of a file
    /// the Makefile includes runs in the Makefile's folder).
    pub dir: Option<String>,
}

/// A call of a runner that could not be followed (its definition is not in the
/// repository): what its name says is all there is.
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub kind: &'static str,
    /// The target, script or session names called.
    pub names: Vec<String>,
}

/// What a command turned out to be.
#[derive(Debug, Clone)]
pub enum Call {
    /// Not a runner (or a runner this module does not follow).
    Plain,
    /// Followed.
    Resolved(Vec<Resolved>),
    /// A runner whose definition is missing.
    Unresolved(Unresolved),
}

/// Reads runner definitions from a repository, each file once.
#[derive(Debug)]
pub struct Runners<'a> {
    root: &'a Path,
    /// The repository's own files.
    files: &'a HashSet<&'a str>,
    texts: RefCell<HashMap<String, Option<String>>>,
}

impl<'a> Runners<'a> {
    pub fn new(root: &'a Path, files: &'a HashSet<&'a str>) -> Runners<'a> {
        Runners { root, files, texts: RefCell::new(HashMap::new()) }
    }

    fn text(&self, path: &str) -> Option<String> {
        if let Some(cached) = self.texts.borrow().get(path) {
            return cached.clone();
        }
        let text = if self.files.contains(path) {
            let full = self.root.join(path);
            std::fs::metadata(&full)
                .ok()
                .filter(|m| m.len() <= MAX_BYTES)
                .and_then(|_| std::fs::read(&full).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        } else {
            None
        };
        self.texts.borrow_mut().insert(path.to_owned(), text.clone());
        text
    }

    fn first_existing(&self, dir: &str, names: &[&str]) -> Option<(String, String)> {
        names.iter().find_map(|n| {
            let path = join(dir, n);
            self.text(&path).map(|t| (path, t))
        })
    }

    /// What `argv` runs through a runner. `dir` is the folder it runs in, relative to the
    /// repository root (`""` for the root).
    pub fn call(&self, argv: &[String], dir: &str) -> Call {
        let Some(first) = argv.first() else { return Call::Plain };
        let program = program_name(first);
        let args = &argv[1..];
        match program.as_str() {
            "make" | "gmake" => self.make(args, dir),
            "npm" | "pnpm" | "yarn" | "bun" => self.package_script(&program, args, dir),
            "tox" => self.tox(args, dir),
            "projen" => self.projen(args, dir),
            "rake" => self.rake(args, dir),
            "nox" => self.nox(args, dir),
            "just" => self.just(args, dir),
            "task" | "go-task" => self.taskfile(args, dir),
            "pre-commit" | "prek" if args.first().is_some_and(|a| a == "run") => self.pre_commit(&args[1..]),
            _ if is_script_path(first) => self.script(first, dir),
            _ => Call::Plain,
        }
    }

    fn make(&self, args: &[String], dir: &str) -> Call {
        let mut dir = dir.to_owned();
        let mut file: Option<String> = None;
        let mut targets = Vec::new();
        let mut overrides: HashMap<String, String> = HashMap::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            match a.as_str() {
                "-C" | "--directory" => {
                    dir = join(&dir, args.get(i + 1).map(String::as_str).unwrap_or(""));
                    i += 1;
                }
                "-f" | "--file" | "--makefile" => {
                    file = args.get(i + 1).cloned();
                    i += 1;
                }
                "-j" | "-l" | "-o" | "-W" | "-I" => i += 1,
                _ if a.starts_with("-C") && a.len() > 2 => dir = join(&dir, &a[2..]),
                _ if a.contains('=') && !a.starts_with('-') => {
                    if let Some((name, value)) = a.split_once('=') {
                        overrides.insert(name.to_owned(), value.to_owned());
                    }
                }
                _ if a.starts_with('-') => {}
                _ => targets.push(a.clone()),
            }
            i += 1;
        }
        let found = match &file {
            Some(f) => self.text(&join(&dir, f)).map(|t| (join(&dir, f), t)),
            None => self.first_existing(&dir, &["GNUmakefile", "makefile", "Makefile"]),
        };
        let Some((path, text)) = found else {
            return Call::Unresolved(Unresolved { kind: "make", names: targets });
        };
        let mut makefile = Makefile::parse(&text);
        // `include Makefile.common`: its targets are the Makefile's too.
        let mut pending: Vec<String> = makefile.includes.clone();
        let mut seen_includes = 0;
        let base = path.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        while let Some(include) = pending.pop() {
            // `-include make/_shared/*/01_mod.mk`: every file the glob matches.
            let included: Vec<String> = if include.contains('*') {
                let pattern = join(&base, &include);
                let mut matched: Vec<String> = self
                    .files
                    .iter()
                    .filter(|f| {
                        crate::catalogue::word_glob(&pattern, f)
                            && f.matches('/').count() == pattern.matches('/').count()
                    })
                    .map(|f| f.to_string())
                    .collect();
                matched.sort();
                matched
            } else {
                vec![join(&base, &include)]
            };
            for included in included {
                seen_includes += 1;
                if seen_includes > 24 {
                    break;
                }
                let Some(text) = self.text(&included) else { continue };
                let other = Makefile::parse(&text);
                pending.extend(other.includes.iter().cloned());
                for (name, mut target) in other.targets {
                    target.file = Some(included.clone());
                    makefile.targets.entry(name).or_insert(target);
                }
                for (name, value) in other.variables {
                    makefile.variables.entry(name).or_insert(value);
                }
                if makefile.default.is_none() {
                    makefile.default = other.default;
                }
            }
        }
        if targets.is_empty() {
            match &makefile.default {
                Some(t) => targets.push(t.clone()),
                None => return Call::Plain,
            }
        }
        let mut out = Vec::new();
        for target in &targets {
            let mut commands = Vec::new();
            let mut seen = HashSet::new();
            let Some(defined) = makefile.targets.get(target) else {
                return Call::Unresolved(Unresolved { kind: "make", names: targets });
            };
            let line = Some(defined.line);
            let defined_in = defined.file.clone().unwrap_or_else(|| path.clone());
            makefile.recipe(target, &overrides, 0, &mut seen, &mut commands);
            let makefile_dir = path.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
            out.push(Resolved {
                kind: "make",
                name: format!("make {target}"),
                path: defined_in,
                line,
                commands,
                hooks: Vec::new(),
                dir: Some(makefile_dir),
            });
        }
        Call::Resolved(out)
    }

    fn package_script(&self, program: &str, args: &[String], dir: &str) -> Call {
        const BUILTINS: &[&str] = &[
            "install",
            "i",
            "ci",
            "add",
            "remove",
            "rm",
            "uninstall",
            "audit",
            "publish",
            "pack",
            "link",
            "unlink",
            "init",
            "create",
            "exec",
            "dlx",
            "x",
            "why",
            "outdated",
            "update",
            "upgrade",
            "up",
            "config",
            "set",
            "cache",
            "login",
            "logout",
            "version",
            "info",
            "view",
            "list",
            "ls",
            "dedupe",
            "prune",
            "rebuild",
            "global",
            "workspaces",
            "import",
            "patch",
            "node",
            "plugin",
            "help",
            "install-test",
            "it",
            "cit",
            "clean-install",
            "fund",
            "doctor",
            "pkg",
            "query",
            "sbom",
            "owner",
            "team",
            "token",
            "whoami",
            "deprecate",
            "dist-tag",
            "explain",
            "explore",
            "ping",
            "prefix",
            "root",
            "bin",
            "edit",
            "docs",
            "repo",
            "bugs",
            "search",
            "shrinkwrap",
            "star",
            "stars",
            "unpublish",
            "unstar",
            "fetch",
            "store",
            "setup",
            "env",
            "licenses",
            "constraints",
            "npm",
            "dedupe",
            "build",
        ];
        let mut dir = dir.to_owned();
        let mut words = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            match a.as_str() {
                "--prefix" | "-C" | "--cwd" | "--dir" => {
                    dir = join(&dir, args.get(i + 1).map(String::as_str).unwrap_or(""));
                    i += 1;
                }
                "--" => break,
                _ if a.starts_with("--prefix=") || a.starts_with("--cwd=") || a.starts_with("--dir=") => {
                    dir = join(&dir, a.split_once('=').map(|(_, d)| d).unwrap_or(""));
                }
                _ if a.starts_with('-') => {
                    // `-w pkg`, `--filter pkg`, `--workspace pkg`: a workspace, not a script.
                    if matches!(a.as_str(), "-w" | "--workspace" | "--filter" | "-F" | "--scope") {
                        i += 1;
                    }
                }
                _ => words.push(a.clone()),
            }
            i += 1;
        }
        let script = match (program, words.first().map(String::as_str)) {
            (_, Some("run" | "run-script" | "rum" | "urn")) => words.get(1).cloned(),
            (_, Some("test" | "t" | "tst")) => Some("test".to_owned()),
            (_, Some("start")) => Some("start".to_owned()),
            (_, Some("stop")) => Some("stop".to_owned()),
            ("npm", _) => None,
            (_, Some(word)) if !BUILTINS.contains(&word) => Some(word.to_owned()),
            _ => None,
        };
        let Some(script) = script else { return Call::Plain };
        let Some((path, text)) = self.first_existing(&dir, &["package.json"]) else {
            return Call::Unresolved(Unresolved { kind: "npm-script", names: vec![script] });
        };
        let Ok(package) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Call::Unresolved(Unresolved { kind: "npm-script", names: vec![script] });
        };
        let scripts = package.get("scripts").and_then(|s| s.as_object());
        let mut out = Vec::new();
        let mut queue = vec![format!("pre{script}"), script.clone(), format!("post{script}")];
        let mut seen = HashSet::new();
        let mut commands = Vec::new();
        let mut found = false;
        while let Some(name) = queue.pop() {
            if !seen.insert(name.clone()) || seen.len() > 20 {
                continue;
            }
            let Some(body) = scripts.and_then(|s| s.get(&name)).and_then(|b| b.as_str()) else { continue };
            found |= name == script;
            let line = key_line(&text, &name);
            for command in shell::commands(body, line.unwrap_or(0)) {
                // `npm run lint && npm run test:unit`: the package's own scripts are
                // followed inside the same file.
                if let Some(inner) = script_called(&command.argv) {
                    queue.push(inner);
                    continue;
                }
                commands.push(shell::Command { line: line.unwrap_or(0), ..command });
            }
        }
        if !found {
            return Call::Unresolved(Unresolved { kind: "npm-script", names: vec![script] });
        }
        let line = key_line(&text, &script);
        out.push(Resolved {
            kind: "npm-script",
            name: format!("{program} run {script}"),
            path,
            line,
            commands,
            hooks: Vec::new(),
            dir: None,
        });
        Call::Resolved(out)
    }

    /// `projen <task>` (`npx projen build`): the task's steps in `.projen/tasks.json`, the
    /// file projen writes from `.projenrc`: `exec` commands, and `spawn`ed tasks followed.
    fn projen(&self, args: &[String], dir: &str) -> Call {
        let task = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_else(|| "default".to_owned());
        let Some((path, text)) = self.first_existing(dir, &[".projen/tasks.json"]) else {
            return Call::Unresolved(Unresolved { kind: "projen", names: vec![task] });
        };
        let Ok(file) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Call::Unresolved(Unresolved { kind: "projen", names: vec![task] });
        };
        let Some(tasks) = file.get("tasks").and_then(|t| t.as_object()) else {
            return Call::Unresolved(Unresolved { kind: "projen", names: vec![task] });
        };
        if !tasks.contains_key(&task) {
            return Call::Unresolved(Unresolved { kind: "projen", names: vec![task] });
        }
        let mut commands = Vec::new();
        let mut queue = vec![task.clone()];
        let mut seen = HashSet::new();
        while let Some(name) = queue.pop() {
            if !seen.insert(name.clone()) || seen.len() > 40 {
                continue;
            }
            let steps = tasks.get(&name).and_then(|t| t.get("steps")).and_then(|s| s.as_array());
            // Spawned tasks run in order: pushed last first.
            let mut spawned = Vec::new();
            for step in steps.into_iter().flatten() {
                if let Some(exec) = step.get("exec").and_then(|e| e.as_str()) {
                    let quoted = serde_json::to_string(exec).unwrap_or_default();
                    let line = text.lines().position(|l| l.contains(&quoted)).map_or(0, |i| i as u32 + 1);
                    commands.extend(shell::commands(exec, line));
                }
                if let Some(inner) = step.get("spawn").and_then(|s| s.as_str()) {
                    spawned.push(inner.to_owned());
                }
            }
            queue.extend(spawned.into_iter().rev());
        }
        Call::Resolved(vec![Resolved {
            kind: "projen",
            name: format!("projen {task}"),
            line: key_line(&text, &task),
            path,
            commands,
            hooks: Vec::new(),
            dir: None,
        }])
    }

    /// `rake` runs its default task; its tasks are Ruby, so only their names say what they
    /// do (`task default: :spec`).
    fn rake(&self, args: &[String], dir: &str) -> Call {
        let tasks: Vec<String> = args.iter().filter(|a| !a.starts_with('-') && !a.contains('=')).cloned().collect();
        if !tasks.is_empty() {
            return Call::Unresolved(Unresolved { kind: "rake", names: tasks });
        }
        let Some((_, text)) = self.first_existing(dir, &["Rakefile", "rakefile", "Rakefile.rb"]) else {
            return Call::Plain;
        };
        // `task default: :test`, `task default: %i[spec rubocop]`, `task :default => [:test]`.
        let mut names = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            let rest = line
                .strip_prefix("task default:")
                .or_else(|| line.strip_prefix("task :default =>"))
                .or_else(|| line.strip_prefix("task(default:"));
            if let Some(rest) = rest {
                names.extend(
                    rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                        .map(|w| w.trim_matches(':'))
                        .filter(|w| !w.is_empty() && *w != "i" && *w != "w")
                        .map(String::from),
                );
            }
        }
        if names.is_empty() {
            return Call::Plain;
        }
        Call::Unresolved(Unresolved { kind: "rake", names })
    }

    fn tox(&self, args: &[String], dir: &str) -> Call {
        let mut envs: Vec<String> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-e" | "--env" => {
                    envs.extend(
                        args.get(i + 1).map(|e| e.split(',').map(String::from).collect::<Vec<_>>()).unwrap_or_default(),
                    );
                    i += 1;
                }
                a if a.starts_with("-e") && a.len() > 2 => envs.extend(a[2..].split(',').map(String::from)),
                "-c" | "--conf" | "-p" | "--parallel" | "-x" | "--override" | "-m" | "--labels" => i += 1,
                _ => {}
            }
            i += 1;
        }
        if let Some(call) = self.tox_toml(&envs, dir) {
            return call;
        }
        let found = self
            .first_existing(dir, &["tox.ini"])
            .or_else(|| {
                self.first_existing(dir, &["setup.cfg"])
                    .filter(|(_, t)| t.contains("[tox:tox]") || t.contains("[testenv"))
            })
            .or_else(|| {
                self.first_existing(dir, &["pyproject.toml"])
                    .filter(|(_, t)| t.contains("legacy_tox_ini") || t.contains("[tool.tox"))
            });
        let Some((path, text)) = found else {
            return Call::Unresolved(Unresolved { kind: "tox", names: envs });
        };
        let ini = Ini::parse(&text);
        if envs.is_empty() {
            envs = ini
                .get("tox", "envlist")
                .or_else(|| ini.get("tox:tox", "envlist"))
                .map(|(list, _)| {
                    list.split(|c: char| c == ',' || c.is_whitespace())
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_else(|| vec!["py".to_owned()]);
        }
        let mut out = Vec::new();
        for env in envs.iter().filter(|e| !e.contains('{')).take(12) {
            let section = format!("testenv:{env}");
            let commands = ini.get(&section, "commands").or_else(|| ini.get("testenv", "commands"));
            let Some((body, line)) = commands else { continue };
            let mut parsed = Vec::new();
            for (offset, command_line) in body.lines().enumerate() {
                let cleaned = strip_braces(command_line).trim_start_matches('-').to_owned();
                for c in shell::commands(&cleaned, line + offset as u32) {
                    parsed.push(c);
                }
            }
            out.push(Resolved {
                kind: "tox",
                name: format!("tox -e {env}"),
                path: path.clone(),
                line: Some(line),
                commands: parsed,
                hooks: Vec::new(),
                dir: None,
            });
        }
        if out.is_empty() {
            return Call::Unresolved(Unresolved { kind: "tox", names: envs });
        }
        Call::Resolved(out)
    }

    /// tox 4's own TOML configuration: `tox.toml`, or `[tool.tox]` in `pyproject.toml`
    /// without `legacy_tox_ini` (which is ini, read by [`Indirection::tox`]). `None` when
    /// neither is there, so the ini files are tried.
    fn tox_toml(&self, wanted: &[String], dir: &str) -> Option<Call> {
        let (path, text, config) = match self.first_existing(dir, &["tox.toml"]) {
            Some((path, text)) => {
                let config: ToxToml = toml::from_str(&text).ok()?;
                (path, text, config)
            }
            None => {
                let (path, text) = self.first_existing(dir, &["pyproject.toml"])?;
                let project: PyProject = toml::from_str(&text).ok()?;
                let config = project.tool?.tox?;
                if config.legacy_tox_ini.is_some() {
                    return None;
                }
                (path, text, config)
            }
        };
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() as u32 + 1;
        let envs: Vec<String> = if wanted.is_empty() {
            // tox-gh runs the environments mapped to each Python of the CI's matrix.
            let mut envs = config.env_list.clone().unwrap_or_default();
            for mapped in config.gh.iter().flat_map(|gh| gh.python.values()) {
                for env in mapped {
                    if !envs.contains(env) {
                        envs.push(env.clone());
                    }
                }
            }
            if envs.is_empty() {
                vec!["py".to_owned()]
            } else {
                envs
            }
        } else {
            wanted.to_vec()
        };
        let mut out = Vec::new();
        for env in envs.iter().filter(|e| !e.contains('{')).take(12) {
            let own = config.env.get(env).and_then(|e| e.commands.as_ref());
            let Some(commands) = own.or_else(|| config.env_run_base.as_ref().and_then(|b| b.commands.as_ref())) else {
                continue;
            };
            let mut parsed = Vec::new();
            let mut first = None;
            for command in commands {
                let line = line_of(command.span().start);
                first.get_or_insert(line);
                let mut words = Vec::new();
                for word in command.get_ref() {
                    match word {
                        toml::Value::String(s) => words.push(s.clone()),
                        // `{ replace = "posargs", default = [...] }`: the defaults.
                        toml::Value::Table(t) => words.extend(
                            t.get("default")
                                .and_then(toml::Value::as_array)
                                .into_iter()
                                .flatten()
                                .filter_map(toml::Value::as_str)
                                .map(String::from),
                        ),
                        _ => {}
                    }
                }
                let joined: Vec<String> = words.iter().map(|w| super::systems::shell_quote(w)).collect();
                parsed.extend(shell::commands(&joined.join(" "), line));
            }
            out.push(Resolved {
                kind: "tox",
                name: format!("tox -e {env}"),
                path: path.clone(),
                line: first,
                commands: parsed,
                hooks: Vec::new(),
                dir: None,
            });
        }
        Some(if out.is_empty() {
            Call::Unresolved(Unresolved { kind: "tox", names: envs })
        } else {
            Call::Resolved(out)
        })
    }

    fn nox(&self, args: &[String], dir: &str) -> Call {
        let mut sessions: Vec<String> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-s" | "--session" | "--sessions" | "-e" => {
                    let mut j = i + 1;
                    while j < args.len() && !args[j].starts_with('-') {
                        sessions.push(args[j].clone());
                        j += 1;
                    }
                    i = j;
                    continue;
                }
                "-f" | "--noxfile" | "-p" | "--python" | "-t" | "--tags" => i += 1,
                _ => {}
            }
            i += 1;
        }
        let Some((path, text)) = self.first_existing(dir, &["noxfile.py"]) else {
            return Call::Unresolved(Unresolved { kind: "nox", names: sessions });
        };
        let defined = noxfile_sessions(&text);
        let chosen: Vec<&NoxSession> = if sessions.is_empty() {
            defined.iter().collect()
        } else {
            defined
                .iter()
                .filter(|(name, ..)| sessions.iter().any(|s| s == name || s.split('-').next() == Some(name.as_str())))
                .collect()
        };
        if chosen.is_empty() {
            return Call::Unresolved(Unresolved { kind: "nox", names: sessions });
        }
        Call::Resolved(
            chosen
                .into_iter()
                .map(|(name, line, runs)| Resolved {
                    kind: "nox",
                    name: format!("nox -s {name}"),
                    path: path.clone(),
                    line: Some(*line),
                    commands: runs
                        .iter()
                        .map(|(argv, l)| shell::Command {
                            argv: argv.clone(),
                            line: *l,
                            text: argv.join(" "),
                            image: None,
                            file: None,
                        })
                        .collect(),
                    hooks: Vec::new(),
                    dir: None,
                })
                .collect(),
        )
    }

    fn just(&self, args: &[String], dir: &str) -> Call {
        let recipes: Vec<String> = args.iter().filter(|a| !a.starts_with('-') && !a.contains('=')).cloned().collect();
        let Some((path, text)) = self.first_existing(dir, &["justfile", "Justfile", ".justfile"]) else {
            return Call::Unresolved(Unresolved { kind: "just", names: recipes });
        };
        let defined = justfile_recipes(&text);
        let wanted: Vec<String> = if recipes.is_empty() {
            defined.first().map(|r| vec![r.0.clone()]).unwrap_or_default()
        } else {
            recipes.iter().take(1).cloned().collect()
        };
        let mut out = Vec::new();
        for name in &wanted {
            let Some((_, line, body)) = defined.iter().find(|(n, ..)| n == name) else {
                return Call::Unresolved(Unresolved { kind: "just", names: wanted });
            };
            let mut commands = Vec::new();
            for (text, l) in body {
                let cleaned = text.trim_start_matches(['@', '-']);
                commands.extend(shell::commands(cleaned, *l));
            }
            out.push(Resolved {
                kind: "just",
                name: format!("just {name}"),
                path: path.clone(),
                line: Some(*line),
                commands,
                hooks: Vec::new(),
                dir: None,
            });
        }
        Call::Resolved(out)
    }

    fn taskfile(&self, args: &[String], dir: &str) -> Call {
        let tasks: Vec<String> = args.iter().filter(|a| !a.starts_with('-') && !a.contains('=')).cloned().collect();
        let Some((path, text)) =
            self.first_existing(dir, &["Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml"])
        else {
            return Call::Unresolved(Unresolved { kind: "task", names: tasks });
        };
        let Some(Ok((value, lines))) = crate::parse::yaml::parse(&text).into_iter().next() else {
            return Call::Unresolved(Unresolved { kind: "task", names: tasks });
        };
        let root = super::tree::Node::root(&value, &lines);
        let wanted = if tasks.is_empty() { vec!["default".to_owned()] } else { tasks };
        let mut out = Vec::new();
        for name in &wanted {
            let Some(task) = root.get("tasks").and_then(|t| t.get(name)) else {
                return Call::Unresolved(Unresolved { kind: "task", names: wanted });
            };
            let mut commands = Vec::new();
            let cmds = task.get("cmds").map(|c| c.items()).unwrap_or_default();
            for cmd in cmds {
                let (text, node) = match cmd.as_str() {
                    Some(t) => (t, cmd),
                    None => match cmd.get("cmd") {
                        Some(c) => (c.as_str().unwrap_or(""), c),
                        None => continue,
                    },
                };
                commands.extend(shell::commands(&strip_braces(text), node.line().unwrap_or(0)));
            }
            out.push(Resolved {
                kind: "task",
                name: format!("task {name}"),
                path: path.clone(),
                line: task.line(),
                commands,
                hooks: Vec::new(),
                dir: None,
            });
        }
        Call::Resolved(out)
    }

    /// pre-commit's hooks, when CI runs pre-commit: all of them, or the one named.
    pub fn pre_commit(&self, args: &[String]) -> Call {
        let mut only = None;
        let mut config = None;
        // Without these, `pre-commit run` checks the staged files: none, in a fresh CI
        // checkout, so every hook is skipped.
        let mut some_files = false;
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            match arg {
                "-a" | "--all-files" => some_files = true,
                "--files" => {
                    some_files = true;
                    // The files follow, up to the next option.
                    while args.get(i + 1).is_some_and(|a| !a.starts_with('-')) {
                        i += 1;
                    }
                }
                "-s" | "--source" | "--from-ref" | "-o" | "--origin" | "--to-ref" => {
                    some_files = true;
                    i += 1;
                }
                "-c" | "--config" => {
                    config = args.get(i + 1).cloned();
                    i += 1;
                }
                "--hook-stage"
                | "--color"
                | "--remote-branch"
                | "--local-branch"
                | "--checkout-type"
                | "--commit-msg-filename"
                | "--commit-object-name" => i += 1,
                _ if arg.starts_with("--from-ref=") || arg.starts_with("--source=") || arg.starts_with("--files=") => {
                    some_files = true
                }
                _ if arg.starts_with("--config=") => config = Some(arg["--config=".len()..].to_owned()),
                _ if !arg.starts_with('-') && only.is_none() => only = Some(arg.to_owned()),
                _ => {}
            }
            i += 1;
        }
        if !some_files {
            return Call::Plain;
        }
        let names: Vec<&str> = match &config {
            Some(c) => vec![c.as_str()],
            None => vec![".pre-commit-config.yaml", ".pre-commit-config.yml"],
        };
        let Some((path, text)) = self.first_existing("", &names) else {
            return Call::Plain;
        };
        let hooks =
            pre_commit_hooks(&text).into_iter().filter(|(id, _)| only.as_ref().is_none_or(|o| o == id)).collect();
        Call::Resolved(vec![Resolved {
            kind: "pre-commit",
            name: "pre-commit run".into(),
            path,
            line: None,
            commands: Vec::new(),
            hooks,
            dir: None,
        }])
    }

    fn script(&self, program: &str, dir: &str) -> Call {
        let relative = program.trim_start_matches("./");
        let path = join(dir, relative);
        let name = relative.rsplit('/').next().unwrap_or(relative).to_owned();
        let Some(text) = self.text(&path).filter(|t| t.len() <= MAX_SCRIPT_BYTES) else {
            // Missing, or too large to be a CI helper (the project's own program, say).
            return Call::Unresolved(Unresolved { kind: "script", names: vec![name] });
        };
        let first = text.lines().next().unwrap_or("");
        let is_shell = path.ends_with(".sh")
            || path.ends_with(".bash")
            || (first.starts_with("#!") && (first.contains("sh") || first.contains("bash")));
        if !is_shell {
            return Call::Unresolved(Unresolved { kind: "script", names: vec![name] });
        }
        let commands = shell::commands(&text, 1);
        Call::Resolved(vec![Resolved {
            kind: "script",
            name: relative.to_owned(),
            path,
            line: Some(1),
            commands,
            hooks: Vec::new(),
            dir: None,
        }])
    }
}

/// Whether a program word names a repository script (`./ci/test.sh`, `scripts/lint`).
fn is_script_path(word: &str) -> bool {
    const EXTENSIONS: &[&str] = &[".sh", ".bash", ".ps1", ".bat", ".cmd", ".py", ".rb", ".pl"];
    !word.starts_with('$')
        && !word.starts_with('/')
        && (word.contains('/') || EXTENSIONS.iter().any(|e| word.ends_with(e)))
}

/// The package script a command inside a script calls (`npm run lint`, `yarn test`).
fn script_called(argv: &[String]) -> Option<String> {
    let program = program_name(argv.first()?);
    if !matches!(program.as_str(), "npm" | "yarn" | "pnpm" | "bun") {
        return None;
    }
    let words: Vec<&String> = argv[1..].iter().filter(|w| !w.starts_with('-')).collect();
    match words.first().map(|w| w.as_str()) {
        Some("run" | "run-script") => words.get(1).map(|w| w.to_string()),
        Some("test" | "t") => Some("test".to_owned()),
        Some(w)
            if program != "npm"
                && !matches!(w, "install" | "add" | "exec" | "dlx" | "x" | "audit" | "publish" | "build") =>
        {
            Some(w.to_string())
        }
        _ => None,
    }
}

fn join(dir: &str, path: &str) -> String {
    let path = path.trim_start_matches("./");
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
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

/// The 1-based line of a JSON key (`"test":`), for package scripts.
fn key_line(text: &str, key: &str) -> Option<u32> {
    let needle = format!("\"{key}\"");
    text.lines().position(|l| l.trim_start().starts_with(&needle) && l.contains(':')).map(|i| i as u32 + 1)
}

/// Removes tox's `{posargs}`, Taskfile's `{{.VAR}}` and similar substitutions.
fn strip_braces(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A Makefile's targets with their prerequisites and recipe lines.
#[derive(Debug, Default)]
pub struct Makefile {
    pub targets: BTreeMap<String, Target>,
    pub default: Option<String>,
    variables: HashMap<String, String>,
    /// Files it includes (`include`, `-include`, `sinclude`), as written.
    includes: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct Target {
    /// The included file that defines it; `None` for the Makefile itself.
    pub file: Option<String>,
    pub line: u32,
    pub prerequisites: Vec<String>,
    pub recipe: Vec<(String, u32)>,
}

impl Makefile {
    pub fn parse(text: &str) -> Makefile {
        let mut makefile = Makefile::default();
        let mut current: Vec<String> = Vec::new();
        let mut continued: Option<(String, u32)> = None;
        for (i, raw) in text.lines().enumerate() {
            let number = i as u32 + 1;
            if let Some((mut body, start)) = continued.take() {
                body.push(' ');
                body.push_str(raw.trim_start_matches('\t').trim_end_matches('\\'));
                if raw.ends_with('\\') {
                    continued = Some((body, start));
                } else {
                    for t in &current {
                        makefile.targets.entry(t.clone()).or_default().recipe.push((body.clone(), start));
                    }
                }
                continue;
            }
            if let Some(recipe) = raw.strip_prefix('\t') {
                if current.is_empty() {
                    continue;
                }
                let recipe = recipe.trim_start_matches(['@', '-', '+', ' ']);
                if recipe.ends_with('\\') {
                    continued = Some((recipe.trim_end_matches('\\').to_owned(), number));
                    continue;
                }
                for t in &current {
                    makefile.targets.entry(t.clone()).or_default().recipe.push((recipe.to_owned(), number));
                }
                continue;
            }
            let line = raw.split('#').next().unwrap_or("");
            if line.trim().is_empty() {
                continue;
            }
            if let Some(rest) = line
                .strip_prefix("include ")
                .or_else(|| line.strip_prefix("-include "))
                .or_else(|| line.strip_prefix("sinclude "))
            {
                makefile.includes.extend(rest.split_whitespace().filter(|w| !w.contains('$')).map(String::from));
                current.clear();
                continue;
            }
            // Variables: `A = b`, `A := b`, `A ?= b`, `A += b`, `export A = b`.
            if let Some((name, value)) = assignment(line) {
                makefile.variables.entry(name.to_owned()).or_insert_with(|| value.trim().to_owned());
                current.clear();
                continue;
            }
            if let Some(colon) = line.find(':') {
                if line.starts_with(".PHONY") || line.starts_with(".DEFAULT_GOAL") || line.starts_with(".SUFFIXES") {
                    current.clear();
                    continue;
                }
                let names: Vec<String> = line[..colon].split_whitespace().map(String::from).collect();
                let rest = line[colon + 1..].trim_start_matches(':');
                let (prerequisites, inline) = match rest.split_once(';') {
                    Some((p, r)) => (p, Some(r.trim())),
                    None => (rest, None),
                };
                current = names.iter().filter(|n| !n.contains('%')).cloned().collect();
                for name in &current {
                    let target = makefile.targets.entry(name.clone()).or_default();
                    if target.line == 0 {
                        target.line = number;
                    }
                    target.prerequisites.extend(prerequisites.split_whitespace().map(String::from));
                    if let Some(inline) = inline.filter(|r| !r.is_empty()) {
                        target.recipe.push((inline.to_owned(), number));
                    }
                    if makefile.default.is_none() && !name.starts_with('.') {
                        makefile.default = Some(name.clone());
                    }
                }
                continue;
            }
            current.clear();
        }
        if let Some(goal) = text.lines().find_map(|l| l.strip_prefix(".DEFAULT_GOAL")).and_then(|r| r.split('=').nth(1))
        {
            makefile.default = Some(goal.trim().to_owned());
        }
        makefile
    }

    /// The commands `make target` runs: its prerequisites' recipes first, then its own,
    /// with `$(MAKE) other` followed inside the same Makefile.
    fn recipe(
        &self,
        target: &str,
        overrides: &HashMap<String, String>,
        depth: usize,
        seen: &mut HashSet<String>,
        out: &mut Vec<shell::Command>,
    ) {
        if depth > 8 || !seen.insert(target.to_owned()) {
            return;
        }
        let Some(t) = self.targets.get(target) else { return };
        for p in &t.prerequisites {
            self.recipe(p, overrides, depth + 1, seen, out);
        }
        for (line, number) in &t.recipe {
            let expanded = self.expand(line, overrides);
            for command in shell::commands(&expanded, *number) {
                let program = command.argv.first().map(|p| program_name(p)).unwrap_or_default();
                if program == "make"
                    || program == "gmake"
                    || command.argv.first().is_some_and(|p| p == "$(MAKE)" || p == "${MAKE}")
                {
                    let inner: Vec<&String> =
                        command.argv[1..].iter().filter(|a| !a.starts_with('-') && !a.contains('=')).collect();
                    let changes_dir = command.argv.iter().any(|a| a == "-C" || a.starts_with("-C") || a == "-f");
                    if !changes_dir && !inner.is_empty() {
                        // `$(MAKE) run ARGS="--help"`: the recursive call's own variables.
                        let mut inner_overrides = overrides.clone();
                        for a in command.argv[1..].iter().filter(|a| a.contains('=') && !a.starts_with('-')) {
                            if let Some((name, value)) = a.split_once('=') {
                                inner_overrides.insert(name.to_owned(), value.to_owned());
                            }
                        }
                        for name in inner {
                            self.recipe(name, &inner_overrides, depth + 1, seen, out);
                        }
                        continue;
                    }
                }
                out.push(shell::Command { file: t.file.clone(), ..command });
            }
        }
    }

    /// Substitutes simple variables (`$(GO)`, `${GO}`) once, those set on the command line
    /// (`make run ARGS=--help`) first.
    fn expand(&self, line: &str, overrides: &HashMap<String, String>) -> String {
        let mut out = String::new();
        let mut rest = line;
        while let Some(start) = rest.find('$') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let (close, open_len) = match after.chars().next() {
                Some('(') => (')', 1),
                Some('{') => ('}', 1),
                _ => {
                    out.push('$');
                    rest = after;
                    continue;
                }
            };
            match after.find(close) {
                Some(end) => {
                    let name = &after[open_len..end];
                    match overrides.get(name).or_else(|| self.variables.get(name)) {
                        Some(value) if !value.contains('$') => out.push_str(value),
                        _ if name == "MAKE" => out.push_str("make"),
                        _ => out.push_str(&rest[start..start + 2 + end]),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// A Makefile variable assignment: its name and value.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let body = line.trim_start();
    let body = body.strip_prefix("export ").or_else(|| body.strip_prefix("override ")).unwrap_or(body);
    let eq = body.find('=')?;
    let head = &body[..eq];
    let name_end = head.find(|c: char| c.is_whitespace() || matches!(c, '?' | ':' | '+' | '!')).unwrap_or(head.len());
    let (name, operator) = head.split_at(name_end);
    let is_operator = operator.chars().all(|c| c.is_whitespace() || matches!(c, '?' | ':' | '+' | '!'))
        && operator.matches(':').count() <= 2;
    if name.is_empty() || !is_operator || name.contains(['$', '%', '(', ')']) {
        return None;
    }
    // `a: b` with a later `=` is a rule whose prerequisite has one, not an assignment.
    if operator.trim_start().starts_with(':') && !operator.trim_end().ends_with(':') && !operator.contains(":=") {
        return None;
    }
    Some((name, &body[eq + 1..]))
}

/// An INI file (tox.ini, setup.cfg), with multi-line values and their lines.
struct Ini {
    /// (section, key) → (value, line of its first value line).
    values: HashMap<(String, String), (String, u32)>,
}

impl Ini {
    fn parse(text: &str) -> Ini {
        let mut values: HashMap<(String, String), (String, u32)> = HashMap::new();
        let mut section = String::new();
        let mut key: Option<String> = None;
        // pyproject's `legacy_tox_ini = """ … """` holds an INI text.
        let text = match text.find("legacy_tox_ini") {
            Some(at) => {
                let offset_lines = text[..at].matches('\n').count();
                let body =
                    text[at..].split_once("\"\"\"").map(|(_, b)| b.split("\"\"\"").next().unwrap_or("")).unwrap_or("");
                format!("{}{}", "\n".repeat(offset_lines + 1), body)
            }
            None => text.to_owned(),
        };
        for (i, raw) in text.lines().enumerate() {
            let number = i as u32 + 1;
            let trimmed = raw.trim();
            if trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                section = name.trim().to_owned();
                key = None;
                continue;
            }
            if raw.starts_with([' ', '\t']) && !trimmed.is_empty() {
                if let Some(k) = &key {
                    let entry = values.entry((section.clone(), k.clone())).or_insert((String::new(), number));
                    if entry.0.is_empty() {
                        entry.1 = number;
                    }
                    entry.0.push_str(trimmed);
                    entry.0.push('\n');
                }
                continue;
            }
            if trimmed.is_empty() {
                // configparser keeps a value going over blank lines.
                continue;
            }
            if let Some((k, v)) = trimmed.split_once('=') {
                let k = k.trim().to_owned();
                let v = v.trim();
                values.insert(
                    (section.clone(), k.clone()),
                    (if v.is_empty() { String::new() } else { format!("{v}\n") }, number),
                );
                key = Some(k);
            } else {
                key = None;
            }
        }
        Ini { values }
    }

    fn get(&self, section: &str, key: &str) -> Option<(String, u32)> {
        self.values.get(&(section.to_owned(), key.to_owned())).cloned()
    }
}

/// The sessions of a noxfile: name, line of its `def`, and the argument vectors of its
/// `session.run(…)` calls (string literals only) with their lines.
#[allow(clippy::type_complexity)]
/// A nox session: its name, the line of its definition, and the argv of each
/// `session.run(...)` with its line.
type NoxSession = (String, u32, Vec<(Vec<String>, u32)>);

fn noxfile_sessions(text: &str) -> Vec<NoxSession> {
    let mut out: Vec<NoxSession> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut decorated: Option<Option<String>> = None;
    let mut strings: Vec<(String, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("@nox.session") || trimmed.starts_with("@session") {
            let name = trimmed
                .split_once("name=")
                .and_then(|(_, rest)| rest.trim_start().strip_prefix(['"', '\'']))
                .and_then(|rest| rest.split(['"', '\'']).next())
                .map(String::from);
            decorated = Some(name);
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("def ") {
            if decorated.is_some() && !line.starts_with([' ', '\t']) {
                // `@nox.session(name="python")` names the session; else the function does.
                let name = decorated
                    .take()
                    .flatten()
                    .unwrap_or_else(|| rest.split('(').next().unwrap_or("").trim().to_owned());
                out.push((name, i as u32 + 1, Vec::new()));
            }
            decorated = None;
            strings.clear();
            continue;
        }
        if !line.starts_with([' ', '\t'])
            && !trimmed.is_empty()
            && !trimmed.starts_with('@')
            && !trimmed.starts_with('#')
        {
            decorated = None;
        }
        // `cmd = "pytest -x tests"` … `session.run(*cmd.split(), …)`: a command kept in a
        // variable first.
        if let Some((name, value)) =
            trimmed.split_once(" = ").filter(|(n, _)| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            let literal = value.trim();
            if let Some(text) = literal
                .strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .or_else(|| literal.strip_prefix('\'').and_then(|l| l.strip_suffix('\'')))
            {
                strings.retain(|(n, _)| n != name);
                strings.push((name.to_owned(), text.to_owned()));
            }
        }
        if let (Some(at), Some(session)) = (trimmed.find("session.run("), out.last_mut()) {
            // The call may go on over the next lines: read to its closing parenthesis.
            let mut call = trimmed[at + "session.run(".len()..].to_owned();
            let mut j = i;
            while call.matches('(').count() >= call.matches(')').count() && j + 1 < lines.len() && j < i + 10 {
                j += 1;
                call.push(' ');
                call.push_str(lines[j].trim());
            }
            let mut argv = Vec::new();
            if let Some(variable) = call.trim_start().strip_prefix('*').and_then(|c| c.split(".split()").next()) {
                if let Some((_, text)) = strings.iter().find(|(n, _)| n == variable.trim()) {
                    argv.extend(text.split_whitespace().map(String::from));
                }
            }
            if argv.is_empty() {
                argv = string_literals(&call);
            }
            if !argv.is_empty() {
                session.2.push((argv, i as u32 + 1));
            }
        }
    }
    out
}

/// The string literals of a Python argument list, up to its closing parenthesis or the
/// first keyword argument.
fn string_literals(call: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = call.chars().collect();
    let mut i = 0;
    let mut depth = 0;
    while i < chars.len() {
        match chars[i] {
            '(' | '[' => depth += 1,
            ')' | ']' if depth == 0 => break,
            ')' | ']' => depth -= 1,
            '=' if depth == 0 => break,
            '*' if depth == 0 => {
                // `*session.posargs`: the caller's words.
            }
            q @ ('"' | '\'') => {
                let end = chars[i + 1..].iter().position(|&c| c == q).map_or(chars.len(), |p| i + 1 + p);
                out.push(chars[i + 1..end].iter().collect());
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A justfile's recipes: name, line, and body lines with their numbers.
#[allow(clippy::type_complexity)]
fn justfile_recipes(text: &str) -> Vec<(String, u32, Vec<(String, u32)>)> {
    let mut out: Vec<(String, u32, Vec<(String, u32)>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i as u32 + 1;
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                if !line.trim().is_empty() && !line.trim().starts_with('#') {
                    last.2.push((line.trim().to_owned(), number));
                }
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.starts_with('[')
            || trimmed.starts_with("set ")
            || trimmed.starts_with("import ")
            || trimmed.starts_with("mod ")
        {
            continue;
        }
        if let Some(colon) = trimmed.find(':') {
            if trimmed[colon..].starts_with(":=") {
                continue;
            }
            let head = trimmed[..colon].trim_start_matches('@');
            let name = head.split_whitespace().next().unwrap_or("").to_owned();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                let mut body = Vec::new();
                // Dependencies after the colon run first, as `just` does.
                for dep in trimmed[colon + 1..].split_whitespace().filter(|d| !d.contains('(')) {
                    body.push((format!("just {dep}"), number));
                }
                out.push((name, number, body));
            }
        }
    }
    out
}

/// The hook ids of a pre-commit configuration, with their lines.
pub fn pre_commit_hooks(text: &str) -> Vec<(String, Option<u32>)> {
    let Some(Ok((value, lines))) = crate::parse::yaml::parse(text).into_iter().next() else { return Vec::new() };
    let root = super::tree::Node::root(&value, &lines);
    let mut out = Vec::new();
    for repo in root.get("repos").map(|r| r.items()).unwrap_or_default() {
        for hook in repo.get("hooks").map(|h| h.items()).unwrap_or_default() {
            if let Some(id) = hook.str("id") {
                out.push((id.to_owned(), hook.line()));
            }
        }
    }
    out
}

/// Whether a pre-commit configuration asks pre-commit.ci to run it (a `ci:` section).
pub fn pre_commit_ci(text: &str) -> bool {
    crate::parse::yaml::parse(text)
        .into_iter()
        .next()
        .and_then(Result::ok)
        .is_some_and(|(value, _)| value.get("ci").is_some())
}

#[cfg(test)]
mod tests;

/// tox 4's TOML configuration (`tox.toml`, or `[tool.tox]` of `pyproject.toml`).
#[derive(serde::Deserialize, Default)]
struct ToxToml {
    env_list: Option<Vec<String>>,
    env_run_base: Option<ToxEnv>,
    #[serde(default)]
    env: BTreeMap<String, ToxEnv>,
    /// tox-gh's mapping from the CI's Python versions to environments.
    gh: Option<ToxGh>,
    legacy_tox_ini: Option<String>,
}

#[derive(serde::Deserialize)]
struct ToxEnv {
    commands: Option<Vec<toml::Spanned<Vec<toml::Value>>>>,
}

#[derive(serde::Deserialize)]
struct ToxGh {
    #[serde(default)]
    python: BTreeMap<String, Vec<String>>,
}

#[derive(serde::Deserialize)]
struct PyProject {
    tool: Option<PyTools>,
}

#[derive(serde::Deserialize)]
struct PyTools {
    tox: Option<ToxToml>,
}
