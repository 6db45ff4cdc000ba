//! The assessment file (`kaizen.toml`): an organisation described once — its targets with
//! labels, plugin folders, pins and configuration, exemptions, and assessment defaults.
//!
//! Loaded in two phases, like every user file: [`AssessmentFile::parse`] deserialises with
//! spans and rejects unknown keys, then validates, collecting every problem with its line
//! and column. References to plugins and checks are checked once the plugins are loaded
//! ([`AssessmentFile::check_references`]), still with positions.

pub use crate::collect::pipelines::PipelineInput;
use crate::collect::remote::RemoteUrl;
use crate::diag::{Diagnostic, Diagnostics};
use crate::plugin::Registry;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file `kaizen assess` reads from the current folder when no `--config` is given.
pub const DEFAULT_FILE: &str = "kaizen.toml";

/// The commented template `kaizen init` writes.
pub const TEMPLATE: &str = include_str!("config_template.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    organisation: RawOrganisation,
    #[serde(default)]
    targets: Vec<Spanned<RawTarget>>,
    #[serde(default)]
    pipelines: Vec<Spanned<RawPipelines>>,
    #[serde(default)]
    deployments: RawDeployments,
    #[serde(default)]
    github: RawGithub,
    #[serde(default)]
    cloud: Vec<RawCloud>,
    #[serde(default)]
    assess: RawAssess,
    #[serde(default)]
    plugins: RawPlugins,
    #[serde(default)]
    exemptions: Vec<RawExemption>,
    #[serde(default)]
    scoring: RawScoring,
    #[serde(default)]
    roadmap: RawRoadmap,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    organisation_share: Option<Spanned<f64>>,
    #[serde(default)]
    weights: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    disabled: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoadmap {
    capacity: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    path: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPipelines {
    target: Spanned<String>,
    file: Option<Spanned<String>>,
    github: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeployments {
    workflows: Option<Vec<Spanned<String>>>,
    environments: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGithub {
    api: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCloud {
    file: Spanned<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssess {
    out: Option<String>,
    since_days: Option<Spanned<u32>>,
    max_commits: Option<Spanned<usize>>,
    respect_gitignore: Option<bool>,
    max_file_mb: Option<Spanned<u64>>,
    model: Option<String>,
    answers: Option<String>,
    history: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugins {
    #[serde(default)]
    dirs: Vec<Spanned<String>>,
    #[serde(default)]
    pins: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    config: BTreeMap<Spanned<String>, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExemption {
    target: Spanned<String>,
    check: Option<Spanned<String>>,
    practice: Option<Spanned<String>>,
    reason: Spanned<String>,
}

/// A validated assessment file.
#[derive(Debug, Clone)]
pub struct AssessmentFile {
    /// Where it was read from.
    pub path: PathBuf,
    source: String,
    /// The organisation's name, for the report.
    pub organisation: Option<String>,
    /// Targets: folders (globs expanded) and git URLs, in the order written.
    pub targets: Vec<ConfiguredTarget>,
    /// Pipeline-run sources, each for one target.
    pub pipelines: Vec<PipelineSource>,
    /// Patterns over workflow names that mark a run as a deployment (`None`: the defaults).
    pub deployment_workflows: Option<Vec<String>>,
    /// Patterns over environment names that mark a run as a deployment.
    pub deployment_environments: Option<Vec<String>>,
    /// The GitHub API base URL, for GitHub Enterprise.
    pub github_api: Option<String>,
    /// Cloud inventories (from `kaizen collect aws`), each assessed as a target of its own.
    pub cloud: Vec<CloudSource>,
    /// Where to write outputs, relative to the file's folder.
    pub out: Option<PathBuf>,
    /// Git history window in days.
    pub since_days: Option<u32>,
    /// Commit cap for git facts.
    pub max_commits: Option<usize>,
    /// Whether to honour the targets' .gitignore files.
    pub respect_gitignore: Option<bool>,
    /// Size cap of files handed to plugins, in MiB.
    pub max_file_mb: Option<u64>,
    /// Plugin folders, relative to the file's folder.
    pub plugin_dirs: Vec<PathBuf>,
    /// Required SHA-256 of plugin modules, by plugin id.
    pub pins: Vec<Pin>,
    /// Per-plugin configuration, by plugin id, as JSON.
    pub plugin_config: BTreeMap<String, Value>,
    config_spans: Vec<(String, Range<usize>)>,
    /// Checks marked not applicable for some targets, with the reason.
    pub exemptions: Vec<Exemption>,
    /// Practices exempted for some targets, with the reason.
    pub practice_exemptions: Vec<PracticeExemptionSpec>,
    /// The maturity model to score against, relative to the file's folder.
    pub model: Option<PathBuf>,
    /// Interview answers, relative to the file's folder.
    pub answers: Option<PathBuf>,
    /// The history folder, relative to the file's folder.
    pub history: Option<PathBuf>,
    /// The scoring profile.
    pub profile: crate::score::Profile,
    /// Practice ids the profile names, with where, to check against the model.
    profile_spans: Vec<(String, Range<usize>)>,
    /// The roadmap's capacity in effort points per quarter.
    pub capacity: Option<u32>,
}

/// A practice exempted for matching targets.
#[derive(Debug, Clone)]
pub struct PracticeExemptionSpec {
    /// The exemption.
    pub exemption: crate::score::PracticeExemption,
    /// The target glob as written.
    pub target_glob: String,
    span: Range<usize>,
}

/// A target from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredTarget {
    /// A folder, or a git URL.
    pub location: Location,
    /// Labels such as team or service.
    pub labels: BTreeMap<String, String>,
}

/// Where a target is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local folder.
    Path(PathBuf),
    /// A git repository to clone into the cache, or fetch.
    Url(RemoteUrl),
}

impl ConfiguredTarget {
    /// The target's name in results: the folder's or the repository's name.
    pub fn name(&self) -> String {
        match &self.location {
            Location::Path(path) => std::fs::canonicalize(path)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| path.display().to_string()),
            Location::Url(url) => url.name(),
        }
    }
}

/// Where a target's pipeline runs come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineSource {
    /// The name of the target the runs belong to.
    pub target: String,
    /// The export file or the repository to fetch.
    pub input: PipelineInput,
}

/// A cloud inventory file, assessed as a target of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudSource {
    /// The inventory (from `kaizen collect aws`).
    pub path: PathBuf,
    /// Labels such as team or environment.
    pub labels: BTreeMap<String, String>,
}

/// A required module hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The plugin id.
    pub plugin: String,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    span: Range<usize>,
}

/// A check marked not applicable for matching targets.
#[derive(Debug, Clone)]
pub struct Exemption {
    /// Glob over target names, compiled once.
    pub target: globset::GlobMatcher,
    /// Plugin id of the check.
    pub plugin: String,
    /// Check id.
    pub check: String,
    /// Why, in the assessor's words (shown in the report).
    pub reason: String,
    check_span: Range<usize>,
}

impl Exemption {
    /// Whether this exemption applies to the named target.
    pub fn applies_to(&self, target_name: &str) -> bool {
        self.target.is_match(target_name)
    }
}

impl AssessmentFile {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<AssessmentFile, Diagnostics> {
        let source = crate::diag::read_text("config-unreadable", path)?;
        AssessmentFile::parse(path, &source)
    }

    /// Validates the text of an assessment file; relative paths are resolved against the
    /// folder of `path`.
    pub fn parse(path: &Path, source: &str) -> Result<AssessmentFile, Diagnostics> {
        let raw: Raw = toml::from_str(source)
            .map_err(|e| Diagnostics(vec![Diagnostic::from_toml("config-syntax", path, source, &e)]))?;
        let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut problems = Vec::new();
        let mut problem = |code, span: Range<usize>, message: String| {
            problems.push(Diagnostic::at(code, path, source, span.start, message));
        };

        let mut targets = Vec::new();
        for spanned in &raw.targets {
            let target = spanned.get_ref();
            let (path, url) = match (&target.path, &target.url) {
                (Some(path), None) => (path, None),
                (None, Some(url)) => (url, RemoteUrl::parse(url.get_ref())),
                (Some(_), Some(url)) => {
                    problem("config-target-both", url.span(), "a target has either `path` or `url`, not both".into());
                    continue;
                }
                (None, None) => {
                    problem(
                        "config-target-empty",
                        spanned.span(),
                        "a target needs `path` (a folder or a glob) or `url` (a git URL)".into(),
                    );
                    continue;
                }
            };
            if target.url.is_some() {
                match url {
                    Some(url) => {
                        targets.push(ConfiguredTarget { location: Location::Url(url), labels: target.labels.clone() })
                    }
                    None => problem(
                        "config-invalid-url",
                        path.span(),
                        format!(
                            "`{}` is not a git URL (https://, ssh://, git://, file:// or user@host:path)",
                            path.get_ref()
                        ),
                    ),
                }
                continue;
            }
            let pattern = resolve(base, path.get_ref());
            match expand_glob(&pattern) {
                Ok(found) if found.is_empty() => problem(
                    "config-target-missing",
                    path.span(),
                    format!("target `{}` matches no folder", path.get_ref()),
                ),
                Ok(found) => targets.extend(
                    found
                        .into_iter()
                        .map(|p| ConfiguredTarget { location: Location::Path(p), labels: target.labels.clone() }),
                ),
                Err(message) => problem("config-invalid-glob", path.span(), message),
            }
        }
        let names: Vec<String> = targets.iter().map(ConfiguredTarget::name).collect();

        let mut pipelines = Vec::new();
        for spanned in &raw.pipelines {
            let source = spanned.get_ref();
            if !names.contains(source.target.get_ref()) {
                problem(
                    "config-unknown-target",
                    source.target.span(),
                    format!(
                        "no target is named `{}`; the targets are: {}",
                        source.target.get_ref(),
                        if names.is_empty() { "(none)".to_owned() } else { names.join(", ") }
                    ),
                );
            }
            let input = match (&source.file, &source.github) {
                (Some(file), None) => {
                    let full = PathBuf::from(resolve(base, file.get_ref()));
                    if !full.is_file() {
                        problem(
                            "config-file-missing",
                            file.span(),
                            format!("pipeline export `{}` does not exist", file.get_ref()),
                        );
                    }
                    PipelineInput::File(full)
                }
                (None, Some(repo)) => {
                    let valid = repo
                        .get_ref()
                        .split_once('/')
                        .is_some_and(|(owner, name)| !owner.is_empty() && !name.is_empty() && !name.contains('/'));
                    if !valid {
                        problem(
                            "config-invalid-repository",
                            repo.span(),
                            format!("`{}` is not a GitHub repository; write it `owner/name`", repo.get_ref()),
                        );
                    }
                    PipelineInput::Github(repo.get_ref().clone())
                }
                (Some(_), Some(repo)) => {
                    problem(
                        "config-pipelines-both",
                        repo.span(),
                        "a pipeline source has either `file` or `github`, not both".into(),
                    );
                    continue;
                }
                (None, None) => {
                    problem(
                        "config-pipelines-empty",
                        spanned.span(),
                        "a pipeline source needs `file` (an export) or `github` (`owner/name`)".into(),
                    );
                    continue;
                }
            };
            pipelines.push(PipelineSource { target: source.target.get_ref().clone(), input });
        }

        let mut patterns = |list: &Option<Vec<Spanned<String>>>| -> Option<Vec<String>> {
            let list = list.as_ref()?;
            for pattern in list {
                let alone = crate::collect::pipelines::DeployPatterns {
                    workflow: vec![pattern.get_ref().clone()],
                    environment: Vec::new(),
                    events: Vec::new(),
                    exclude_events: Vec::new(),
                    sources: Vec::new(),
                };
                if let Err(e) = alone.compile() {
                    problem("config-invalid-pattern", pattern.span(), e.to_string());
                }
            }
            Some(list.iter().map(|p| p.get_ref().clone()).collect())
        };
        let deployment_workflows = patterns(&raw.deployments.workflows);
        let deployment_environments = patterns(&raw.deployments.environments);

        let github_api = raw.github.api.as_ref().map(|api| {
            if !(api.get_ref().starts_with("https://") || api.get_ref().starts_with("http://")) {
                problem(
                    "config-invalid-url",
                    api.span(),
                    format!("`{}` is not an http(s) URL, e.g. https://github.example.com/api/v3", api.get_ref()),
                );
            }
            api.get_ref().trim_end_matches('/').to_owned()
        });

        let mut cloud = Vec::new();
        for source in &raw.cloud {
            let full = PathBuf::from(resolve(base, source.file.get_ref()));
            if !full.is_file() {
                problem(
                    "config-file-missing",
                    source.file.span(),
                    format!(
                        "cloud inventory `{}` does not exist (write one with `kaizen collect aws`)",
                        source.file.get_ref()
                    ),
                );
            }
            cloud.push(CloudSource { path: full, labels: source.labels.clone() });
        }

        let mut plugin_dirs = Vec::new();
        for dir in &raw.plugins.dirs {
            let full = base.join(expand_home(dir.get_ref()));
            if full.is_dir() {
                plugin_dirs.push(full);
            } else {
                problem(
                    "config-plugin-dir-missing",
                    dir.span(),
                    format!("plugin folder `{}` does not exist", dir.get_ref()),
                );
            }
        }

        let mut pins = Vec::new();
        for (id, hash) in &raw.plugins.pins {
            let sha = hash.get_ref().to_ascii_lowercase();
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                problem(
                    "config-invalid-pin",
                    hash.span(),
                    format!("pin of `{}` must be 64 hex digits (a SHA-256)", id.get_ref()),
                );
            }
            pins.push(Pin { plugin: id.get_ref().clone(), sha256: sha, span: id.span() });
        }

        let mut plugin_config = BTreeMap::new();
        let mut config_spans = Vec::new();
        for (id, value) in &raw.plugins.config {
            match serde_json::to_value(value) {
                Ok(json) => {
                    plugin_config.insert(id.get_ref().clone(), json);
                    config_spans.push((id.get_ref().clone(), id.span()));
                }
                Err(e) => problem("config-invalid-plugin-config", id.span(), e.to_string()),
            }
        }

        let mut exemptions = Vec::new();
        let mut practice_exemptions = Vec::new();
        for e in &raw.exemptions {
            let target = match globset::Glob::new(e.target.get_ref()) {
                Ok(glob) => glob.compile_matcher(),
                Err(err) => {
                    problem("config-invalid-glob", e.target.span(), format!("invalid target glob: {err}"));
                    continue;
                }
            };
            if e.reason.get_ref().trim().len() < 10 {
                problem(
                    "config-exemption-reason",
                    e.reason.span(),
                    "an exemption needs a written reason (at least a short sentence), shown in the report".into(),
                );
            }
            let check = match (&e.check, &e.practice) {
                (Some(check), None) => check,
                (None, Some(practice)) => {
                    practice_exemptions.push(PracticeExemptionSpec {
                        exemption: crate::score::PracticeExemption {
                            target: target.clone(),
                            practice: practice.get_ref().clone(),
                            reason: e.reason.get_ref().trim().to_owned(),
                        },
                        target_glob: e.target.get_ref().clone(),
                        span: practice.span(),
                    });
                    continue;
                }
                (Some(_), Some(practice)) => {
                    problem(
                        "config-exemption-both",
                        practice.span(),
                        "an exemption names either a `check` or a `practice`, not both".into(),
                    );
                    continue;
                }
                (None, None) => {
                    problem(
                        "config-exemption-empty",
                        e.target.span(),
                        "an exemption needs `check = \"plugin/check\"` or `practice = \"id\"`".into(),
                    );
                    continue;
                }
            };
            let Some((plugin, check_id)) = check.get_ref().split_once('/') else {
                problem(
                    "config-invalid-check",
                    check.span(),
                    format!("check `{}` must be written `plugin/check`, e.g. `ci/runs-tests`", check.get_ref()),
                );
                continue;
            };
            exemptions.push(Exemption {
                target,
                plugin: plugin.to_owned(),
                check: check_id.to_owned(),
                reason: e.reason.get_ref().trim().to_owned(),
                check_span: check.span(),
            });
        }

        let mut profile = crate::score::Profile::default();
        let mut profile_spans = Vec::new();
        if let Some(share) = &raw.scoring.organisation_share {
            if *share.get_ref() > 0.0 && *share.get_ref() <= 1.0 {
                profile.organisation_share = *share.get_ref();
            } else {
                problem(
                    "config-invalid-share",
                    share.span(),
                    format!("organisation_share {} must be above 0 and at most 1 (0.8 is 80 %)", share.get_ref()),
                );
            }
        }
        for (practice, weight) in &raw.scoring.weights {
            if !(*weight.get_ref() >= 0.0 && weight.get_ref().is_finite()) {
                problem(
                    "config-invalid-weight",
                    weight.span(),
                    format!("weight {} must be 0 or more", weight.get_ref()),
                );
            }
            profile.weights.insert(practice.get_ref().clone(), *weight.get_ref());
            profile_spans.push((practice.get_ref().clone(), practice.span()));
        }
        for practice in &raw.scoring.disabled {
            profile.disabled.insert(practice.get_ref().clone());
            profile_spans.push((practice.get_ref().clone(), practice.span()));
        }
        let capacity = at_least_one(&raw.roadmap.capacity, "capacity", &mut problem);

        let since_days = at_least_one(&raw.assess.since_days, "since_days", &mut problem);
        let max_commits = at_least_one(&raw.assess.max_commits, "max_commits", &mut problem);
        let max_file_mb = at_least_one(&raw.assess.max_file_mb, "max_file_mb", &mut problem);

        if !problems.is_empty() {
            problems.sort_by_key(|d| (d.line, d.column));
            return Err(Diagnostics(problems));
        }
        Ok(AssessmentFile {
            path: path.to_path_buf(),
            source: source.to_owned(),
            organisation: raw.organisation.name,
            targets,
            pipelines,
            deployment_workflows,
            deployment_environments,
            github_api,
            cloud,
            out: raw.assess.out.map(|o| base.join(expand_home(&o))),
            since_days,
            max_commits,
            respect_gitignore: raw.assess.respect_gitignore,
            max_file_mb,
            plugin_dirs,
            pins,
            plugin_config,
            config_spans,
            exemptions,
            practice_exemptions,
            model: raw.assess.model.map(|m| base.join(expand_home(&m))),
            answers: raw.assess.answers.map(|a| base.join(expand_home(&a))),
            history: raw.assess.history.map(|h| base.join(expand_home(&h))),
            profile,
            profile_spans,
            capacity,
        })
    }

    /// Checks the practices the file names (exemptions, weights, switched off) against the
    /// model.
    pub fn check_model_references(&self, model: &crate::model::Model) -> Result<(), Diagnostics> {
        let mut problems = Vec::new();
        let named = self
            .practice_exemptions
            .iter()
            .map(|e| (&e.exemption.practice, &e.span))
            .chain(self.profile_spans.iter().map(|(id, span)| (id, span)));
        for (id, span) in named {
            if model.practice(id).is_none() {
                problems.push(Diagnostic::at(
                    "config-unknown-practice",
                    &self.path,
                    &self.source,
                    span.start,
                    format!("model `{}` has no practice `{id}`", model.id),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Checks what the file says about plugins against the loaded registry: pinned and
    /// configured plugins exist, pins match the modules' SHA-256 (a mismatch refuses the
    /// run), exempted checks are declared.
    pub fn check_references(&self, registry: &Registry) -> Result<(), Diagnostics> {
        let at = |code, span: &Range<usize>, message: String| {
            Diagnostic::at(code, &self.path, &self.source, span.start, message)
        };
        let mut problems = Vec::new();
        for pin in &self.pins {
            match registry.get(&pin.plugin) {
                None => problems.push(at(
                    "config-unknown-plugin",
                    &pin.span,
                    format!("pinned plugin `{}` is not loaded", pin.plugin),
                )),
                Some(p) if p.sha256 != pin.sha256 => problems.push(at(
                    "config-pin-mismatch",
                    &pin.span,
                    format!(
                        "plugin `{}` from {} has SHA-256 {}, but the file pins {}; refusing to load it",
                        pin.plugin,
                        p.source,
                        if p.sha256.is_empty() { "(module unreadable)" } else { &p.sha256 },
                        pin.sha256
                    ),
                )),
                Some(_) => {}
            }
        }
        for (id, span) in &self.config_spans {
            if registry.get(id).is_none() {
                problems.push(at(
                    "config-unknown-plugin",
                    span,
                    format!("configuration for plugin `{id}`, which is not loaded"),
                ));
            }
        }
        for e in &self.exemptions {
            match registry.get(&e.plugin) {
                None => problems.push(at(
                    "config-unknown-plugin",
                    &e.check_span,
                    format!("exemption names plugin `{}`, which is not loaded", e.plugin),
                )),
                Some(p) if p.manifest.check(&e.check).is_none() => problems.push(at(
                    "config-unknown-check",
                    &e.check_span,
                    format!("plugin `{}` declares no check `{}`", e.plugin, e.check),
                )),
                Some(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(problems))
        }
    }
}

/// A count from the file that must be at least 1; a zero is reported at its position.
fn at_least_one<T: Copy + Default + PartialEq>(
    value: &Option<Spanned<T>>,
    name: &str,
    problem: &mut impl FnMut(&'static str, Range<usize>, String),
) -> Option<T> {
    let value = value.as_ref()?;
    if *value.get_ref() == T::default() {
        problem("config-invalid-value", value.span(), format!("{name} must be at least 1"));
    }
    Some(*value.get_ref())
}

/// A path from the file: `~/` expanded, relative paths taken from the file's folder.
fn resolve(base: &Path, path: &str) -> String {
    let path = expand_home(path);
    if Path::new(&path).is_absolute() {
        path
    } else {
        base.join(&path).display().to_string()
    }
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => path.to_owned(),
    }
}

/// The folders matching a path that may contain glob characters, sorted.
fn expand_glob(pattern: &str) -> Result<Vec<PathBuf>, String> {
    if !pattern.contains(['*', '?', '[', '{']) {
        let path = PathBuf::from(pattern);
        return Ok(if path.is_dir() { vec![path] } else { Vec::new() });
    }
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid glob: {e}"))?
        .compile_matcher();
    // Walk from the longest folder prefix without glob characters.
    let root: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[', '{']))
        .collect();
    let depth = Path::new(pattern).components().count() - root.components().count();
    let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(&root)
        .standard_filters(false)
        .max_depth(if pattern.contains("**") { None } else { Some(depth) })
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_dir()) && glob.is_match(e.path()))
        .map(|e| e.into_path())
        .collect();
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kaizen.toml");
        let file = AssessmentFile::parse(&path, TEMPLATE).unwrap();
        assert_eq!(file.organisation.as_deref(), Some("Example Corp"));
        assert_eq!(file.targets.len(), 1, "the template assesses its own folder");
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repos/a")).unwrap();
        let src = r#"
[[targets]]
path = "repos/*"
labels = { team = "payments" }

[[targets]]
path = "missing/*"

[plugins]
pins = { ci = "abc" }

[[exemptions]]
target = "a"
check = "runs-tests"
reason = "legacy"
"#;
        let err = AssessmentFile::parse(&dir.path().join("kaizen.toml"), src).unwrap_err();
        let found: Vec<_> = err.0.iter().map(|d| (d.code, d.line.unwrap())).collect();
        assert_eq!(
            found,
            [
                ("config-target-missing", 7),
                ("config-invalid-pin", 10),
                ("config-invalid-check", 14),
                ("config-exemption-reason", 15)
            ]
        );
    }

    #[test]
    fn remote_targets_pipelines_and_cloud_are_validated_with_positions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repos/a")).unwrap();
        std::fs::write(dir.path().join("runs.json"), "[]").unwrap();
        let src = r#"
[[targets]]
url = "not a url"

[[targets]]
path = "repos/*"
url = "https://git.example.com/acme/b.git"

[[targets]]
labels = { team = "x" }

[[targets]]
path = "repos/*"

[[targets]]
url = "git@github.com:acme/api.git"

[[pipelines]]
target = "nope"
file = "missing.json"

[[pipelines]]
target = "a"
github = "justname"

[[pipelines]]
target = "api"

[deployments]
workflows = ["[bad"]

[github]
api = "github.example.com"

[[cloud]]
file = "nope.json"
"#;
        let err = AssessmentFile::parse(&dir.path().join("kaizen.toml"), src).unwrap_err();
        let found: Vec<_> = err.0.iter().map(|d| (d.code, d.line.unwrap())).collect();
        assert_eq!(
            found,
            [
                ("config-invalid-url", 3),
                ("config-target-both", 7),
                ("config-target-empty", 9),
                ("config-unknown-target", 19),
                ("config-file-missing", 20),
                ("config-invalid-repository", 24),
                ("config-pipelines-empty", 26),
                ("config-invalid-pattern", 30),
                ("config-invalid-url", 33),
                ("config-file-missing", 36),
            ]
        );
        assert!(err.0[3].message.contains("the targets are: a, api"), "{}", err.0[3].message);

        let good = "[[targets]]\nurl = \"git@github.com:acme/api.git\"\n\n[[pipelines]]\ntarget = \"api\"\nfile = \"runs.json\"\n\n[[pipelines]]\ntarget = \"api\"\ngithub = \"acme/api\"\n";
        let file = AssessmentFile::parse(&dir.path().join("kaizen.toml"), good).unwrap();
        assert_eq!(file.targets[0].name(), "api");
        assert_eq!(file.pipelines[0].input, PipelineInput::File(dir.path().join("runs.json")));
        assert_eq!(file.pipelines[1].input, PipelineInput::Github("acme/api".into()));
    }

    #[test]
    fn unknown_keys_are_refused_with_their_position() {
        let err =
            AssessmentFile::parse(Path::new("kaizen.toml"), "[organisation]\nname = \"x\"\ncolour = 1\n").unwrap_err();
        assert_eq!((err.0[0].code, err.0[0].line, err.0[0].column), ("config-syntax", Some(3), Some(1)));
    }

    #[test]
    fn globs_expand_to_folders_in_order_with_labels() {
        let dir = tempfile::tempdir().unwrap();
        for d in ["src/b", "src/a", "src/file-not-dir"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::remove_dir(dir.path().join("src/file-not-dir")).unwrap();
        std::fs::write(dir.path().join("src/file-not-dir"), "x").unwrap();
        let src = "[[targets]]\npath = \"src/*\"\nlabels = { team = \"core\" }\n";
        let file = AssessmentFile::parse(&dir.path().join("kaizen.toml"), src).unwrap();
        let names: Vec<_> = file.targets.iter().map(ConfiguredTarget::name).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(file.targets[0].labels["team"], "core");
    }

    #[test]
    fn exemptions_match_target_names_by_glob() {
        let e = Exemption {
            target: globset::Glob::new("legacy-*").unwrap().compile_matcher(),
            plugin: "ci".into(),
            check: "runs-tests".into(),
            reason: "r".into(),
            check_span: 0..0,
        };
        assert!(e.applies_to("legacy-billing"));
        assert!(!e.applies_to("payments"));
    }
}
