//! `assess`: collect each target once, run every plugin on it in the sandbox, gather the
//! findings into an [`AssessmentResult`]. Targets and plugins run in parallel.

use crate::collect::git::{self, GitOptions};
use crate::collect::remote::RemoteUrl;
use crate::collect::{Inventory, WalkOptions};
use crate::config::Exemption;
use crate::parse::{self, Format, Located};
use crate::plugin::protocol::{self, DocumentRef, FileEntry, PluginRef, Request, TargetRef};
use crate::plugin::{self, Compiled, ErrorKind, Plugin, PluginError, Registry, Runtime};
use crate::result::{
    AssessmentResult, CheckRecord, ErrorRecord, ExemptionRecord, FindingRecord, PluginRecord, TargetResult,
    SCHEMA_VERSION,
};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A target to assess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The path as the user gave it (kept for the result).
    pub given: String,
    /// The canonical path of the folder.
    pub root: PathBuf,
    /// Display name.
    pub name: String,
    /// Labels such as team or service.
    pub labels: BTreeMap<String, String>,
    /// Its pipeline runs, as plugins that declare `pipelines = true` receive them.
    pub pipelines: Option<Value>,
    /// A cloud inventory: the target is a cloud account, judged by the plugins that declare
    /// `cloud = true` (and only by them).
    pub cloud: Option<Value>,
    /// What went wrong collecting its evidence without stopping the assessment (a pipeline
    /// source that could not be fetched), copied to the result's warnings.
    pub warnings: Vec<String>,
}

/// A target that cannot be assessed.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The path does not exist or cannot be read.
    #[error("cannot read target {path}: {source}")]
    Unreadable {
        /// The path given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The path is not a folder.
    #[error("target {0} is not a folder")]
    NotAFolder(String),
}

impl Target {
    /// Resolves a local folder given on the command line.
    pub fn local(given: &str) -> Result<Target, TargetError> {
        let root =
            std::fs::canonicalize(given).map_err(|source| TargetError::Unreadable { path: given.into(), source })?;
        if !root.is_dir() {
            return Err(TargetError::NotAFolder(given.into()));
        }
        std::fs::read_dir(&root).map_err(|source| TargetError::Unreadable { path: given.into(), source })?;
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "/".into());
        Ok(Target {
            given: given.into(),
            root,
            name,
            labels: BTreeMap::new(),
            pipelines: None,
            cloud: None,
            warnings: Vec::new(),
        })
    }

    /// A remote repository brought into the cache at `path` (see
    /// [`crate::collect::remote::sync`]); the result names it by its URL, credentials removed.
    pub fn remote(url: &RemoteUrl, path: &Path) -> Target {
        Target {
            given: url.redacted().to_owned(),
            root: path.to_path_buf(),
            name: url.name(),
            labels: BTreeMap::new(),
            pipelines: None,
            cloud: None,
            warnings: Vec::new(),
        }
    }

    /// A cloud account described by an inventory read from `given`. Plugins still get a
    /// folder mounted at `/repo`: `empty_root`, an empty folder.
    pub fn cloud(given: &str, name: String, inventory: Value, empty_root: &Path) -> Target {
        Target {
            given: given.into(),
            root: empty_root.to_path_buf(),
            name,
            labels: BTreeMap::new(),
            pipelines: None,
            cloud: Some(inventory),
            warnings: Vec::new(),
        }
    }

    /// Whether `plugin` runs on this target: plugins that read cloud inventories run on
    /// cloud accounts, the others on repositories and folders; a plugin that reads both
    /// runs on both.
    pub fn is_judged_by(&self, plugin: &plugin::Manifest) -> bool {
        let i = &plugin.inputs;
        if self.cloud.is_some() {
            i.cloud
        } else {
            !i.cloud || i.git || i.pipelines || !i.files.is_empty() || !i.parse.is_empty()
        }
    }

    fn kind(&self) -> &'static str {
        if self.cloud.is_some() {
            "cloud"
        } else if self.root.join(".git").exists() {
            "git"
        } else {
            "directory"
        }
    }
}

/// Progress of an assessment, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// This many plugin runs are planned.
    Planned(usize),
    /// One plugin run finished.
    Finished,
}

/// Options of one assessment.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Per-plugin configuration (from the assessment file), by plugin id.
    pub plugin_config: BTreeMap<String, Value>,
    /// How to walk each target.
    pub walk: WalkOptions,
    /// How much git history to read (`None`: the defaults, relative to the clock).
    pub git: Option<GitOptions>,
    /// The organisation's name, for the result.
    pub organisation: Option<String>,
    /// Checks marked not applicable by the assessor.
    pub exemptions: Vec<Exemption>,
    /// Roles the assessment file gives to paths, before the conventions.
    pub roles: Vec<crate::collect::roles::RoleOverride>,
}

/// A plugin ready to run: its registry entry and its compiled module, or why not.
struct Prepared<'a> {
    plugin: &'a Plugin,
    compiled: Result<Compiled, PluginError>,
    selector: Selector,
}

/// The globs of the files a plugin is given (`files`) and of those parsed for it
/// (`parse`), in one set, so that each path of a target is matched once per plugin.
struct Selector {
    globs: GlobSet,
    /// For each glob of `globs`, in order: `None` for a `files` glob, its format for a
    /// `parse` glob (in the manifest's order, after the `files` globs).
    formats: Vec<Option<Format>>,
}

/// The files of one target a plugin is given: their index in the inventory, and the
/// formats each is parsed in for it (in the order of the manifest's `parse` globs).
type Selection = Vec<(usize, Vec<Format>)>;

/// Runs every plugin of `registry` on every target. Plugin failures are recorded in the
/// result, never returned: the assessment always completes.
pub fn assess(
    registry: &Registry,
    runtime: &Runtime,
    targets: &[Target],
    options: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> AssessmentResult {
    let started = Instant::now();
    let started_at = jiff::Timestamp::now().round(jiff::Unit::Second).unwrap_or_else(|_| jiff::Timestamp::now());
    let prepared: Vec<Prepared> = registry.plugins().par_iter().map(|p| prepare(p, runtime)).collect();
    let planned = targets.iter().map(|t| prepared.iter().filter(|p| t.is_judged_by(&p.plugin.manifest)).count()).sum();
    progress(Progress::Planned(planned));

    let results = targets.par_iter().map(|t| assess_target(t, &prepared, runtime, options, progress)).collect();
    let mut result = AssessmentResult {
        schema_version: SCHEMA_VERSION,
        kaizen_version: env!("CARGO_PKG_VERSION").into(),
        organisation: options.organisation.clone(),
        started_at: started_at.to_string(),
        duration_ms: started.elapsed().as_millis() as u64,
        plugins: registry.plugins().iter().map(record).collect(),
        targets: results,
        unavailable: Vec::new(),
        model: None,
        scoring: None,
        organisation_assessment: None,
        roadmap: None,
        trend: Vec::new(),
        shard: None,
    };
    apply_exemptions(&mut result, &options.exemptions);
    result
}

/// How to score an assessment against a model.
#[derive(Debug, Clone)]
pub struct Scoring {
    /// The model.
    pub model: crate::model::Model,
    /// `built-in`, or the file the model was read from.
    pub model_source: String,
    /// SHA-256 of the model's text.
    pub model_sha256: String,
    /// Interview answers, if any.
    pub answers: Option<crate::model::answers::Answers>,
    /// Practices exempted by the assessment file.
    pub exemptions: Vec<crate::score::PracticeExemption>,
    /// Their globs as written, for the result.
    pub exemption_records: Vec<crate::result::PracticeExemptionRecord>,
    /// The scoring profile.
    pub profile: crate::score::Profile,
    /// The roadmap's capacity, effort points per quarter.
    pub capacity: u32,
}

/// Scores every target of `result` against the model, aggregates the organisation and plans
/// the roadmap, all into `result`. Pure: the same result and scoring give the same figures.
pub fn score(result: &mut AssessmentResult, scoring: &Scoring) {
    use crate::score::score_target;
    let model = &scoring.model;
    for target in &mut result.targets {
        let answers = scoring.answers.as_ref().map(|a| a.for_target(&target.name, &target.labels)).unwrap_or_default();
        target.assessment = Some(score_target(model, target, answers, &scoring.exemptions, &scoring.profile));
    }
    result.model = Some(crate::result::ModelRecord {
        source: scoring.model_source.clone(),
        sha256: scoring.model_sha256.clone(),
        model: model.clone(),
    });
    result.scoring = Some(crate::result::ScoringRecord {
        answers: scoring.answers.as_ref().and_then(|a| a.path.as_ref()).map(|p| p.display().to_string()),
        organisation_share: scoring.profile.organisation_share,
        weights: scoring.profile.weights.clone(),
        disabled: scoring.profile.disabled.iter().cloned().collect(),
        exemptions: scoring.exemption_records.clone(),
        capacity: scoring.capacity,
    });
    aggregate(result);
}

/// Aggregates the scored targets of `result` into the organisation's figures and plans the
/// roadmap, with the model and profile `result` records (nothing when it was not scored).
/// `merge` calls it again over the targets of every shard.
pub fn aggregate(result: &mut AssessmentResult) {
    let (Some(model), Some(scoring)) = (&result.model, &result.scoring) else { return };
    let profile = crate::score::Profile {
        weights: scoring.weights.clone(),
        disabled: scoring.disabled.iter().cloned().collect(),
        organisation_share: scoring.organisation_share,
    };
    let scored: Vec<(&str, &BTreeMap<String, String>, &crate::score::TargetAssessment)> =
        result.targets.iter().filter_map(|t| t.assessment.as_ref().map(|a| (t.name.as_str(), &t.labels, a))).collect();
    let org = crate::score::organisation(&model.model, &scored, &profile);
    let named: Vec<(&str, &crate::score::TargetAssessment)> = scored.iter().map(|(n, _, a)| (*n, *a)).collect();
    let roadmap = crate::roadmap::plan(&model.model, &named, &org, scoring.capacity);
    result.organisation_assessment = Some(org);
    result.roadmap = Some(roadmap);
}

/// Marks exempted findings `not_applicable`, keeping the plugin's status and the reason.
pub fn apply_exemptions(result: &mut AssessmentResult, exemptions: &[Exemption]) {
    for target in &mut result.targets {
        for finding in &mut target.findings {
            let exemption = exemptions
                .iter()
                .find(|e| e.plugin == finding.plugin && e.check == finding.check && e.applies_to(&target.name));
            if let Some(e) = exemption {
                finding.exemption = Some(ExemptionRecord { reason: e.reason.clone(), original_status: finding.status });
                finding.status = plugin::Status::NotApplicable;
            }
        }
    }
}

fn record(plugin: &Plugin) -> PluginRecord {
    let m = &plugin.manifest;
    PluginRecord {
        id: m.id.clone(),
        name: m.name.clone(),
        version: m.version.clone(),
        api: m.api,
        source: plugin.source.to_string(),
        sha256: plugin.sha256.clone(),
        checks: m
            .checks
            .iter()
            .map(|c| CheckRecord {
                id: c.id.clone(),
                title: c.title.clone(),
                area: c.area.clone(),
                description: c.description.clone(),
                remediation: c.remediation.clone(),
            })
            .collect(),
    }
}

fn prepare<'a>(plugin: &'a Plugin, runtime: &Runtime) -> Prepared<'a> {
    let m = &plugin.manifest;
    let compiled = if !m.api_supported() {
        Err(plugin::manifest_api_mismatch(m))
    } else {
        match &plugin.wasm {
            Ok(wasm) => runtime.compile(wasm),
            Err(reason) => Err(PluginError::new(ErrorKind::Load, reason.clone())),
        }
    };
    Prepared { plugin, compiled, selector: Selector::new(m) }
}

impl Selector {
    fn new(m: &plugin::Manifest) -> Selector {
        let globs = m.inputs.files.iter().map(|g| (g.as_str(), None));
        let globs = globs.chain(m.inputs.parse.iter().map(|p| (p.glob.as_str(), Some(p.format))));
        let mut builder = GlobSetBuilder::new();
        let mut formats = Vec::new();
        for (glob, format) in globs {
            // Manifests are validated on load, so every glob here compiles.
            if let Ok(glob) = GlobBuilder::new(glob).literal_separator(true).build() {
                builder.add(glob);
                formats.push(format);
            }
        }
        match builder.build() {
            Ok(globs) => Selector { globs, formats },
            Err(_) => Selector { globs: GlobSet::empty(), formats: Vec::new() },
        }
    }
}

/// For each plugin of `prepared`, the files of `inventory` it is given: one pass over the
/// inventory, each path prepared for matching once and matched once per plugin, shared by
/// the parsing and by every plugin's request.
fn select(inventory: &Inventory, prepared: &[&Prepared]) -> Vec<Selection> {
    let mut selections = vec![Selection::new(); prepared.len()];
    let mut hits = Vec::new();
    for (index, file) in inventory.files.iter().enumerate() {
        let candidate = globset::Candidate::new(&file.path);
        for (p, selection) in prepared.iter().zip(&mut selections) {
            p.selector.globs.matches_candidate_into(&candidate, &mut hits);
            if !hits.is_empty() {
                selection.push((index, hits.iter().filter_map(|&h| p.selector.formats[h]).collect()));
            }
        }
    }
    selections
}

/// The request `plugin` would receive for `target` in an assessment with `options`, as
/// JSON: for running a plugin by hand, with Kaizen or any WASI runtime.
pub fn request_for(plugin: &Plugin, target: &Target, options: &Options) -> Vec<u8> {
    let compiled = Err(PluginError::new(ErrorKind::Load, "not compiled"));
    let p = Prepared { plugin, compiled, selector: Selector::new(&plugin.manifest) };
    let inventory = walk(target, options);
    let selections = select(&inventory, &[&p]);
    let wants_ci = plugin.manifest.inputs.ci;
    let documents = parse_documents(&target.root, &inventory, &selections, ci_documents(&inventory, wants_ci));
    let kind = target.kind();
    let git_facts = git_facts(target, kind, plugin.manifest.inputs.git, options).ok().flatten();
    let ci = wants_ci.then(|| understand_ci(target, &inventory, &documents));
    let evidence = Evidence {
        target,
        kind,
        inventory: &inventory,
        documents: &documents,
        git: git_facts.as_ref(),
        ci: ci.as_ref(),
    };
    request_bytes(&p, &selections[0], &evidence, options)
}

/// The documents the CI model reads, when a plugin wants it.
fn ci_documents(inventory: &Inventory, wanted: bool) -> Vec<(String, Format)> {
    if !wanted {
        return Vec::new();
    }
    crate::ci::documents_wanted(inventory.files.iter().map(|f| (f.path.as_str(), f.role)))
}

/// The repository's CI definitions, understood once for every plugin that reads them.
fn understand_ci(target: &Target, inventory: &Inventory, documents: &Documents) -> kaizen_evidence::ci::Ci {
    let lookup = |path: &str, format: Format| documents.get(&(path.to_owned(), format)).map(Vec::as_slice);
    let inputs = crate::ci::Inputs {
        root: &target.root,
        files: inventory.files.iter().map(|f| (f.path.as_str(), f.role)).collect(),
        document: &lookup,
    };
    crate::ci::understand(&inputs, crate::catalogue::Catalogue::builtin())
}

/// The file inventory of a target, each file with its role.
fn walk(target: &Target, options: &Options) -> Inventory {
    let mut inventory = Inventory::walk(&target.root, options.walk);
    let paths: Vec<&str> = inventory.files.iter().map(|f| f.path.as_str()).collect();
    let roles = crate::collect::roles::assign(&target.root, &paths, &options.roles);
    for (file, role) in inventory.files.iter_mut().zip(roles) {
        file.role = role;
    }
    inventory
}

/// The git facts of a target, when it is a repository and a plugin wants them.
fn git_facts(target: &Target, kind: &str, wanted: bool, options: &Options) -> Result<Option<Value>, git::GitError> {
    if kind != "git" || !wanted {
        return Ok(None);
    }
    let git_options = options.git.unwrap_or_else(|| GitOptions::new(jiff::Timestamp::now().as_second()));
    let deployments = target.pipelines.as_ref().map(deployments).unwrap_or_default();
    Ok(serde_json::to_value(git::collect_with_deployments(&target.root, git_options, &deployments)?).ok())
}

/// The successful deployments among a target's pipeline runs that name their commit, for
/// the lead time from commit to deployment.
fn deployments(pipelines: &Value) -> Vec<git::Deployment> {
    let runs = pipelines.get("runs").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    runs.iter()
        .filter(|r| r["deployment"] == true && r["conclusion"] == "success")
        .filter_map(|r| {
            let sha = r["head_sha"].as_str()?;
            let when = r["finished_at"].as_str().or(r["created_at"].as_str())?;
            Some(git::Deployment { sha: sha.to_owned(), time: when.parse::<jiff::Timestamp>().ok()?.as_second() })
        })
        .collect()
}

/// The parsed documents of one target, shared by all its plugins.
type Documents = BTreeMap<(String, Format), Vec<Located>>;

fn assess_target(
    target: &Target,
    prepared: &[Prepared],
    runtime: &Runtime,
    options: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> TargetResult {
    let prepared: Vec<&Prepared> = prepared.iter().filter(|p| target.is_judged_by(&p.plugin.manifest)).collect();
    let kind = target.kind();
    let wants_git = prepared.iter().any(|p| p.compiled.is_ok() && p.plugin.manifest.inputs.git);
    let wants_ci = prepared.iter().any(|p| p.compiled.is_ok() && p.plugin.manifest.inputs.ci);
    // The git history is read while the tree is walked and its documents parsed: neither
    // needs the other, and the walk keeps only one core busy.
    let ((inventory, selections, documents, walked, parsed), (git, git_read)) = rayon::join(
        || {
            let clock = Instant::now();
            let inventory = walk(target, options);
            let walked = clock.elapsed();
            let selections = select(&inventory, &prepared);
            let usable = prepared.iter().zip(&selections).filter(|(p, _)| p.compiled.is_ok());
            let documents =
                parse_documents(&target.root, &inventory, usable.map(|(_, s)| s), ci_documents(&inventory, wants_ci));
            (inventory, selections, documents, walked, clock.elapsed() - walked)
        },
        || {
            let clock = Instant::now();
            (git_facts(target, kind, wants_git, options), clock.elapsed())
        },
    );
    let ci = wants_ci.then(|| understand_ci(target, &inventory, &documents));
    let mut warnings = target.warnings.clone();
    let git_facts = git.unwrap_or_else(|e| {
        warnings.push(format!("git facts unavailable: {e}"));
        None
    });
    // Where a target's time goes (`-vv` or `KAIZEN_LOG=kaizen=debug`), for scripts/bench.sh.
    tracing::debug!(
        target = %target.name,
        files = inventory.files.len(),
        documents = documents.len(),
        walk_ms = walked.as_millis() as u64,
        parse_ms = parsed.as_millis() as u64,
        git_ms = git_read.as_millis() as u64,
        "evidence collected"
    );
    let runs: Vec<(&Prepared, Result<plugin::Judgement, PluginError>)> = prepared
        .par_iter()
        .zip(&selections)
        .map(|(&p, selection)| {
            let evidence = Evidence {
                target,
                kind,
                inventory: &inventory,
                documents: &documents,
                git: git_facts.as_ref(),
                ci: ci.as_ref(),
            };
            let outcome = run_plugin(p, selection, &evidence, runtime, options);
            progress(Progress::Finished);
            (p, outcome)
        })
        .collect();

    let mut result = TargetResult {
        name: target.name.clone(),
        path: target.given.clone(),
        kind: kind.into(),
        labels: target.labels.clone(),
        files: inventory.files.len(),
        facts: BTreeMap::new(),
        findings: Vec::new(),
        errors: Vec::new(),
        warnings,
        skipped: inventory.skipped,
        assessment: None,
    };
    for (p, outcome) in runs {
        let id = &p.plugin.manifest.id;
        match outcome {
            Ok(judgement) => {
                for (name, value) in judgement.facts {
                    if result.facts.insert(name.clone(), value).is_some() {
                        result
                            .warnings
                            .push(format!("fact `{name}` reported by more than one plugin; `{id}`'s value kept"));
                    }
                }
                result.warnings.extend(judgement.warnings.into_iter().map(|w| format!("{id}: {w}")));
                result.findings.extend(judgement.findings.into_iter().map(|f| FindingRecord {
                    plugin: id.clone(),
                    check: f.check,
                    status: f.status,
                    score: f.score,
                    message: f.message,
                    evidence: f.evidence,
                    exemption: None,
                }));
            }
            Err(e) => result.errors.push(ErrorRecord {
                plugin: id.clone(),
                kind: e.kind,
                message: e.message,
                stderr: e.stderr,
            }),
        }
    }
    result
}

fn parse_documents<'a>(
    root: &Path,
    inventory: &Inventory,
    selections: impl IntoIterator<Item = &'a Selection>,
    extra: Vec<(String, Format)>,
) -> Documents {
    let templates = helm_templates(inventory);
    let mut wanted: Vec<(String, Format)> = extra;
    for selection in selections {
        for (index, formats) in selection {
            wanted.extend(formats.iter().map(|&format| (inventory.files[*index].path.clone(), format)));
        }
    }
    wanted.sort();
    wanted.dedup();
    wanted
        .into_par_iter()
        .map(|(path, format)| {
            let parsed = match read_bounded(&root.join(&path)) {
                Ok(bytes) if format == Format::Yaml && templates.contains(path.as_str()) => {
                    parse::parse_helm_template(&bytes)
                }
                Ok(bytes) => parse::parse_located(format, &bytes),
                Err(e) => vec![Err(parse::Failure { message: e, line: None, column: None })],
            };
            ((path, format), parsed)
        })
        .collect()
}

/// The files of a target that are Helm chart templates: below `templates/` beside a
/// `Chart.yaml`. They are YAML only once rendered, so the host reads them with their
/// template actions masked.
fn helm_templates(inventory: &Inventory) -> std::collections::HashSet<&str> {
    let charts: Vec<String> = inventory
        .files
        .iter()
        .filter_map(|f| {
            let dir = f.path.strip_suffix("Chart.yaml").or_else(|| f.path.strip_suffix("Chart.yml"))?;
            (dir.is_empty() || dir.ends_with('/')).then(|| format!("{dir}templates/"))
        })
        .collect();
    if charts.is_empty() {
        return Default::default();
    }
    inventory
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| (p.ends_with(".yaml") || p.ends_with(".yml")) && charts.iter().any(|c| p.starts_with(c.as_str())))
        .collect()
}

/// Reads a file for parsing, refusing one larger than the parse limit without reading it.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(parse::MAX_PARSE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    Ok(bytes)
}

/// What the host collected about one target, shared by its plugin runs.
struct Evidence<'a> {
    target: &'a Target,
    kind: &'a str,
    inventory: &'a Inventory,
    documents: &'a Documents,
    git: Option<&'a Value>,
    ci: Option<&'a kaizen_evidence::ci::Ci>,
}

fn run_plugin(
    p: &Prepared,
    selection: &Selection,
    evidence: &Evidence,
    runtime: &Runtime,
    options: &Options,
) -> Result<plugin::Judgement, PluginError> {
    let compiled = p.compiled.as_ref().map_err(Clone::clone)?;
    let m = &p.plugin.manifest;
    let clock = Instant::now();
    let bytes = request_bytes(p, selection, evidence, options);
    let requested = clock.elapsed();
    let output = runtime.invoke(compiled, &bytes, &evidence.target.root, &m.limits);
    let ran = clock.elapsed();
    let judgement = output.and_then(|output| plugin::read_response(m, &output.stdout, &output.stderr));
    tracing::debug!(
        target = %evidence.target.name,
        plugin = %m.id,
        request_bytes = bytes.len(),
        request_ms = requested.as_millis() as u64,
        run_ms = (ran - requested).as_millis() as u64,
        response_ms = (clock.elapsed() - ran).as_millis() as u64,
        ok = judgement.is_ok(),
        "plugin ran"
    );
    judgement
}

fn request_bytes(p: &Prepared, selection: &Selection, evidence: &Evidence, options: &Options) -> Vec<u8> {
    let Evidence { target, kind, inventory, documents, git: git_facts, ci } = *evidence;
    let templates = helm_templates(inventory);
    let m = &p.plugin.manifest;
    // A file is listed when a `files` or a `parse` glob matches it (see [`select`]), and its
    // documents are added for each `parse` glob that does.
    let mut files: Vec<&FileEntry> = Vec::with_capacity(selection.len());
    let mut docs = Vec::new();
    for (index, formats) in selection {
        let file = &inventory.files[*index];
        files.push(file);
        for format in formats {
            let parsed = documents.get(&(file.path.clone(), *format)).into_iter().flatten();
            docs.extend(parsed.enumerate().map(|(index, doc)| DocumentRef {
                path: &file.path,
                format: *format,
                index,
                role: file.role,
                templated: templates.contains(file.path.as_str()),
                value: doc.as_ref().ok().map(|(value, _)| value),
                lines: doc.as_ref().ok().map(|(_, lines)| lines.as_slice()).filter(|l| !l.is_empty()),
                error: doc.as_ref().err(),
            }));
        }
    }
    let empty = Value::Object(Default::default());
    let request = Request {
        api: protocol::API_VERSION,
        kaizen_version: env!("CARGO_PKG_VERSION"),
        plugin: PluginRef { id: &m.id, version: &m.version },
        target: TargetRef { name: &target.name, kind, root: protocol::GUEST_ROOT },
        files,
        documents: docs,
        git: if m.inputs.git { git_facts } else { None },
        pipelines: if m.inputs.pipelines { target.pipelines.as_ref() } else { None },
        cloud: if m.inputs.cloud { target.cloud.as_ref() } else { None },
        ci: if m.inputs.ci { ci } else { None },
        config: options.plugin_config.get(&m.id).unwrap_or(&empty),
    };
    serde_json::to_vec(&request).expect("a request always serialises")
}
