//! Terraform and OpenTofu: stacks, state backends, provider and module pinning, lock files.
//!
//! The host parses `.tf` files as HCL (blocks grouped by type, then labels, each a list) and
//! `.tf.json` files as JSON, Terraform's JSON syntax, where a block may be an object or a
//! list of objects; [`blocks`] reads both.

use crate::text::Sources;
use crate::tools::{dir_of, file_name, normalise};
use crate::{graded, Graded, Item};
use kaizen_plugin_sdk::{Evidence, Finding, Request, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const REMOTE_STATE: &str = "terraform-remote-state";
pub const PROVIDERS_PINNED: &str = "terraform-providers-pinned";
pub const MODULES_PINNED: &str = "terraform-modules-pinned";
pub const LOCKFILE: &str = "terraform-lockfile";

/// Folder names that hold reusable modules, examples or tests rather than deployed stacks.
const NOT_DEPLOYED: &[&str] =
    &["modules", "module", "examples", "example", "test", "tests", "fixtures", "fixture", "testdata", "test-fixtures"];

/// Git refs that name a branch, which moves, rather than a release.
const BRANCHES: &[&str] = &["main", "master", "develop", "development", "dev", "trunk", "head", "latest"];

/// One folder of `.tf` files: a Terraform module.
#[derive(Default, Debug)]
pub struct Stack {
    /// The folder, `""` at the repository root.
    pub dir: String,
    /// A file of the folder, for evidence about the folder as a whole.
    pub first_file: String,
    /// The backend type (`s3`, `local`...) or `cloud`, with the file that declares it.
    pub backend: Option<(String, String)>,
    /// Whether a `provider` block configures a provider here.
    pub configures_providers: bool,
    /// Providers this module requires, by name: whether a version constraint is given, and where.
    pub providers: BTreeMap<String, (bool, String)>,
    /// Module calls: name, source, version constraint, file.
    pub modules: Vec<(String, String, Option<String>, String)>,
    /// Whether `.terraform.lock.hcl` is committed here.
    pub lockfile: bool,
    /// Managed by Terragrunt (a `terragrunt.hcl` here).
    pub terragrunt: bool,
}

/// The Terraform code of a repository.
#[derive(Default)]
pub struct Terraform {
    pub stacks: Vec<Stack>,
    /// Whether a Terragrunt configuration sets `remote_state` for the stacks it manages.
    pub terragrunt_remote_state: bool,
}

impl Terraform {
    pub fn is_empty(&self) -> bool {
        self.stacks.is_empty()
    }

    /// Folders with `.tf` files (not Terragrunt-only folders).
    pub fn folders(&self) -> usize {
        self.stacks.iter().filter(|s| !s.first_file.ends_with("terragrunt.hcl")).count()
    }

    /// The stacks that are deployed on their own (root modules): those with a backend,
    /// those managed by Terragrunt, and those that configure providers outside folders of
    /// reusable modules, examples and tests, unless another module calls them.
    pub fn roots(&self) -> Vec<&Stack> {
        let called: BTreeSet<String> = self
            .stacks
            .iter()
            .flat_map(|s| s.modules.iter().filter_map(move |(_, source, _, _)| local_target(&s.dir, source)))
            .collect();
        self.stacks
            .iter()
            .filter(|s| {
                s.backend.is_some()
                    || s.terragrunt
                    || (s.configures_providers
                        && !called.contains(&s.dir)
                        && !s.dir.split('/').any(|segment| NOT_DEPLOYED.contains(&segment)))
            })
            .collect()
    }
}

/// Reads the Terraform files of a request.
pub fn scan(request: &Request) -> Terraform {
    let mut stacks: BTreeMap<String, Stack> = BTreeMap::new();
    let mut terraform = Terraform::default();
    for doc in &request.documents {
        let path = doc.path.as_str();
        let is_tf = path.ends_with(".tf") || path.ends_with(".tf.json");
        let is_terragrunt = file_name(path) == "terragrunt.hcl";
        if (!is_tf && !is_terragrunt) || path.split('/').any(|s| s == ".terraform" || s == ".terragrunt-cache") {
            continue;
        }
        let dir = dir_of(path).to_string();
        let stack = stacks.entry(dir.clone()).or_insert_with(|| Stack { dir, ..Stack::default() });
        if stack.first_file.is_empty() || (is_tf && stack.first_file.ends_with("terragrunt.hcl")) {
            stack.first_file = path.to_string();
        }
        let value = match &doc.value {
            Some(value) => value,
            None => continue,
        };
        if is_terragrunt {
            stack.terragrunt = value.get("terraform").is_some() || value.get("include").is_some();
            if value.get("remote_state").is_some() || value.get("generate").map_or(false, generates_backend) {
                terraform.terragrunt_remote_state = true;
            }
            continue;
        }
        read_module(value, path, stack);
    }
    for file in &request.files {
        if file_name(&file.path) == ".terraform.lock.hcl" {
            if let Some(stack) = stacks.get_mut(dir_of(&file.path)) {
                stack.lockfile = true;
            }
        }
    }
    terraform.stacks = stacks.into_values().collect();
    terraform
}

fn generates_backend(generate: &Value) -> bool {
    generate.to_string().contains("backend")
}

/// The bodies of a block: Terraform's JSON syntax allows an object or a list of objects.
fn blocks(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(object @ Value::Object(_)) => vec![object],
        _ => Vec::new(),
    }
}

/// The labelled blocks of a type: `provider "aws" {}` as `("aws", body)`.
fn labelled<'a>(value: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    let mut out = Vec::new();
    for group in blocks(value.get(kind)) {
        if let Some(map) = group.as_object() {
            for (label, bodies) in map {
                for body in blocks(Some(bodies)) {
                    out.push((label.as_str(), body));
                }
            }
        }
    }
    out
}

fn read_module(value: &Value, path: &str, stack: &mut Stack) {
    for settings in blocks(value.get("terraform")) {
        for backend in blocks(settings.get("backend")) {
            if let Some(kind) = backend.as_object().and_then(|m| m.keys().next()) {
                stack.backend = Some((kind.clone(), path.to_string()));
            }
        }
        if !blocks(settings.get("cloud")).is_empty() {
            stack.backend = Some(("cloud".to_string(), path.to_string()));
        }
        for required in blocks(settings.get("required_providers")) {
            for (name, spec) in required.as_object().into_iter().flatten() {
                let version = match spec {
                    Value::String(s) => !s.trim().is_empty(),
                    other => other.get("version").and_then(Value::as_str).map_or(false, |v| !v.trim().is_empty()),
                };
                let entry = stack.providers.entry(name.clone()).or_insert((false, path.to_string()));
                if version {
                    *entry = (true, path.to_string());
                }
            }
        }
    }
    for (name, body) in labelled(value, "provider") {
        stack.configures_providers = true;
        // The pre-0.13 way: `version` inside the provider block.
        let version = body.get("version").and_then(Value::as_str).map_or(false, |v| !v.trim().is_empty());
        let entry = stack.providers.entry(name.to_string()).or_insert((false, path.to_string()));
        if version {
            *entry = (true, path.to_string());
        }
    }
    for (name, body) in labelled(value, "module") {
        let source = body.get("source").and_then(Value::as_str).unwrap_or("").to_string();
        let version = body.get("version").and_then(Value::as_str).map(String::from);
        stack.modules.push((name.to_string(), source, version, path.to_string()));
    }
}

/// The folder a local module source points at.
fn local_target(dir: &str, source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    if dir.is_empty() {
        normalise(source)
    } else {
        normalise(&format!("{}/{}", dir, source))
    }
}

/// How a module source is pinned.
#[derive(Debug, PartialEq, Eq)]
pub enum Pin {
    /// A local path: versioned with the caller.
    Local,
    /// Pinned: a registry version constraint, or a git tag or commit.
    Pinned(String),
    /// Not pinned, with why.
    Floating(String),
    /// Some other source (an archive over HTTP or in a bucket), not judged.
    Other,
}

/// Judges a module call's `source` and `version`.
pub fn module_pin(source: &str, version: Option<&str>) -> Pin {
    let source = source.trim();
    if source.starts_with("./") || source.starts_with("../") {
        return Pin::Local;
    }
    let git = source.starts_with("git::")
        || source.starts_with("git@")
        || source.starts_with("github.com/")
        || source.starts_with("bitbucket.org/")
        || source.contains(".git?")
        || source.ends_with(".git");
    if git {
        let query = source.split('?').nth(1).unwrap_or("");
        let reference = query.split('&').find_map(|p| p.strip_prefix("ref=")).unwrap_or("");
        return if reference.is_empty() {
            Pin::Floating("git source without `?ref=`: it follows the default branch".into())
        } else if BRANCHES.contains(&reference.to_ascii_lowercase().as_str())
            || !reference.chars().any(|c| c.is_ascii_digit())
        {
            Pin::Floating(format!("`?ref={}` names a branch, which moves", reference))
        } else {
            Pin::Pinned(format!("`?ref={}`", reference))
        };
    }
    if source.contains("::") || source.starts_with("http://") || source.starts_with("https://") {
        return Pin::Other;
    }
    // A registry address: [host/]namespace/name/provider[//subdir].
    let address = source.split("//").next().unwrap_or(source);
    let parts = address.split('/').count();
    if parts == 3 || parts == 4 {
        match version.map(str::trim) {
            Some(v) if !v.is_empty() => Pin::Pinned(format!("version `{}`", v)),
            _ => Pin::Floating("registry module without `version`: it takes the newest release".into()),
        }
    } else {
        Pin::Other
    }
}

/// Whether a backend keeps state outside the working copy.
fn remote(kind: &str) -> bool {
    kind != "local"
}

pub fn findings(tf: &Terraform, sources: &mut Sources) -> Vec<Finding> {
    if tf.is_empty() {
        return [REMOTE_STATE, PROVIDERS_PINNED, MODULES_PINNED, LOCKFILE]
            .iter()
            .map(|check| Finding::not_applicable(*check, "no Terraform configuration found"))
            .collect();
    }
    let roots = tf.roots();
    vec![remote_state(tf, &roots, sources), providers(tf, sources), modules(tf, sources), lockfile(&roots)]
}

fn where_(dir: &str) -> String {
    if dir.is_empty() {
        "the repository root".to_string()
    } else {
        format!("`{}`", dir)
    }
}

const NO_ROOTS: &str = "the Terraform here is reusable modules or examples (no backend, and no provider \
    configuration outside modules/, examples/ and tests/ folders); whoever deploys them chooses";

fn remote_state(tf: &Terraform, roots: &[&Stack], sources: &mut Sources) -> Finding {
    if roots.is_empty() {
        return Finding::not_applicable(REMOTE_STATE, format!("{} where state lives", NO_ROOTS));
    }
    let items = roots
        .iter()
        .map(|stack| match &stack.backend {
            Some((kind, path)) => {
                let needle = if kind == "cloud" { "cloud".to_string() } else { format!("\"{}\"", kind) };
                let evidence = sources.evidence(path, 0, &["backend", &needle]);
                let evidence = if evidence.line.is_none() { sources.evidence(path, 0, &[&needle]) } else { evidence };
                if remote(kind) {
                    Item::good(evidence.with_message(format!("state kept remotely: {} backend", kind)))
                } else {
                    Item::bad(evidence.with_message("`local` backend: state is a file on one machine"))
                }
            }
            None if stack.terragrunt && tf.terragrunt_remote_state => Item::good(
                Evidence::file(stack.first_file.as_str())
                    .with_message("Terragrunt's `remote_state` configures the backend"),
            ),
            None => Item::bad(
                Evidence::file(stack.first_file.as_str())
                    .with_message(format!("no backend in {}: state is kept locally", where_(&stack.dir))),
            ),
        })
        .collect();
    graded(
        REMOTE_STATE,
        items,
        Graded {
            subject: "Terraform root module",
            pass: "keep state in a remote backend",
            singular: "keeps state remotely",
        },
    )
}

fn providers(tf: &Terraform, sources: &mut Sources) -> Finding {
    let mut items = Vec::new();
    for stack in &tf.stacks {
        for (name, (pinned, path)) in &stack.providers {
            let needle = format!("{} ", name);
            let evidence = sources.evidence(path, 0, &[needle.trim_end()]);
            items.push(if *pinned {
                Item::good(evidence.with_message(format!("provider `{}` has a version constraint", name)))
            } else {
                Item::bad(evidence.with_message(format!(
                    "provider `{}` in {} has no version constraint",
                    name,
                    where_(&stack.dir)
                )))
            });
        }
    }
    if items.is_empty() {
        return Finding::not_applicable(PROVIDERS_PINNED, "the Terraform code requires and configures no provider");
    }
    graded(
        PROVIDERS_PINNED,
        items,
        Graded {
            subject: "provider requirement",
            pass: "have a version constraint",
            singular: "has a version constraint",
        },
    )
}

fn modules(tf: &Terraform, sources: &mut Sources) -> Finding {
    let mut items = Vec::new();
    for stack in &tf.stacks {
        for (name, source, version, path) in &stack.modules {
            let needle = format!("module \"{}\"", name);
            let evidence = sources.evidence(path, 0, &[&needle]);
            match module_pin(source, version.as_deref()) {
                Pin::Local | Pin::Other => {}
                Pin::Pinned(how) => {
                    items.push(Item::good(evidence.with_message(format!("module `{}` pinned by {}", name, how))))
                }
                Pin::Floating(why) => {
                    items.push(Item::bad(evidence.with_message(format!("module `{}`: {}", name, why))))
                }
            }
        }
    }
    if items.is_empty() {
        return Finding::not_applicable(MODULES_PINNED, "no module is called from a registry or a git repository");
    }
    graded(
        MODULES_PINNED,
        items,
        Graded { subject: "remote module call", pass: "are pinned", singular: "is pinned to a version, tag or commit" },
    )
}

fn lockfile(roots: &[&Stack]) -> Finding {
    if roots.is_empty() {
        return Finding::not_applicable(LOCKFILE, format!("{} whether to commit a lock file", NO_ROOTS));
    }
    let items = roots
        .iter()
        .map(|stack| {
            let lock = if stack.dir.is_empty() {
                ".terraform.lock.hcl".to_string()
            } else {
                format!("{}/.terraform.lock.hcl", stack.dir)
            };
            if stack.lockfile {
                Item::good(Evidence::file(lock).with_message("dependency lock file committed"))
            } else {
                Item::bad(
                    Evidence::file(stack.first_file.as_str())
                        .with_message(format!("no `.terraform.lock.hcl` committed in {}", where_(&stack.dir))),
                )
            }
        })
        .collect();
    graded(
        LOCKFILE,
        items,
        Graded {
            subject: "Terraform root module",
            pass: "commit `.terraform.lock.hcl`",
            singular: "commits its lock file",
        },
    )
}
