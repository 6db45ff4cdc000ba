//! Judging: every plugin runs, sandboxed, on the evidence of every target it judges, and
//! what they report becomes one [`JudgedTarget`] per target. Targets and plugins run in
//! parallel; a plugin that fails is recorded, never a reason to stop.
//!
//! For each target the evidence is collected once ([`crate::collect::Evidence`]), the
//! files each plugin declared are selected in one pass over the inventory, the structured
//! ones parsed once, and each plugin gets its request.

mod documents;
mod judged;
mod request;
mod select;

pub use judged::{CheckRecord, ErrorRecord, ExemptionRecord, FindingRecord, Judged, JudgedTarget, PluginRecord};
pub use select::judges;

use crate::collect::git::GitOptions;
use crate::collect::roles::RoleOverride;
use crate::collect::{Evidence, EvidenceOptions, Target, WalkOptions};
use crate::config::RoleRule;
use crate::plugin::{self, Compiled, ErrorKind, Plugin, PluginError, Registry, Runtime};
use documents::Documents;
use kaizen_evidence::ci::Ci;
use rayon::prelude::*;
use select::{Selection, Selector};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

/// Progress of an assessment, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// This many plugin runs are planned.
    Planned(usize),
    /// One plugin run finished.
    Finished,
}

/// Options of one judgement.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Per-plugin configuration (from the assessment file), by plugin id: JSON, as the
    /// protocol hands it over.
    pub plugin_config: BTreeMap<String, Value>,
    /// How to walk each target.
    pub walk: WalkOptions,
    /// How much git history to read (`None`: the defaults, relative to the clock).
    pub git: Option<GitOptions>,
    /// Checks marked not applicable by the assessor.
    pub exemptions: Vec<Exemption>,
    /// Roles the assessment file gives to paths of some targets, before the conventions.
    pub roles: Vec<RoleRule>,
    /// Folders Kaizen itself writes (outputs, history, cache), canonical: never part of a
    /// target, even inside one.
    pub kaizen_folders: Vec<std::path::PathBuf>,
}

impl Options {
    fn evidence(&self, target: &Target) -> EvidenceOptions {
        let roles: Vec<RoleOverride> = self
            .roles
            .iter()
            .filter(|r| r.applies_to(&target.name))
            .flat_map(|r| r.overrides.iter().cloned())
            .collect();
        EvidenceOptions { walk: self.walk, git: self.git, roles, kaizen_folders: self.kaizen_folders.clone() }
    }
}

/// A check marked not applicable for some targets by the assessor (the assessment file's
/// `[[exemptions]]`).
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
}

impl Exemption {
    /// Whether this exemption applies to the named target.
    pub fn applies_to(&self, target_name: &str) -> bool {
        self.target.is_match(target_name)
    }
}

/// A plugin ready to run: its registry entry and its compiled module, or why not.
struct Prepared<'a> {
    plugin: &'a Plugin,
    compiled: Result<Compiled, PluginError>,
    selector: Selector,
}

/// Runs every plugin of `registry` on every target it judges. Plugin failures are recorded
/// in the targets' errors, never returned: the judgement always completes. Exempted checks
/// are marked not applicable, with the reason.
pub fn judge(
    registry: &Registry,
    runtime: &Runtime,
    targets: &[Target],
    options: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> Judged {
    let started = Instant::now();
    let started_at = jiff::Timestamp::now().round(jiff::Unit::Second).unwrap_or_else(|_| jiff::Timestamp::now());
    let prepared: Vec<Prepared> = registry.plugins().par_iter().map(|p| prepare(p, runtime)).collect();
    let planned = targets.iter().map(|t| prepared.iter().filter(|p| judges(&p.plugin.manifest, t)).count()).sum();
    progress(Progress::Planned(planned));

    let mut judged: Vec<JudgedTarget> =
        targets.par_iter().map(|t| judge_target(t, &prepared, runtime, options, progress)).collect();
    apply_exemptions(&mut judged, &options.exemptions);
    Judged {
        started_at: started_at.to_string(),
        duration_ms: started.elapsed().as_millis() as u64,
        plugins: registry.plugins().iter().map(record).collect(),
        targets: judged,
    }
}

/// Marks exempted findings `not_applicable`, keeping the plugin's status and the reason.
fn apply_exemptions(targets: &mut [JudgedTarget], exemptions: &[Exemption]) {
    for target in targets {
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
                pooled: c.pooled,
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

/// The request `plugin` would receive for `target` in an assessment with `options`, as
/// JSON: for running a plugin by hand, with Kaizen or any WASI runtime.
pub fn request_for(plugin: &Plugin, target: &Target, options: &Options) -> Vec<u8> {
    let selector = Selector::new(&plugin.manifest);
    let wants_ci = plugin.manifest.inputs.ci;
    let collected = Evidence::collect(target, &options.evidence(target), plugin.manifest.inputs.git, |inventory| {
        let selections = select::select(inventory, &[&selector]);
        let extra = documents::ci_documents(inventory, wants_ci);
        let documents = documents::parse_documents(&target.root, inventory, &selections, extra);
        let ci = wants_ci.then(|| documents::understand_ci(&target.root, inventory, &documents));
        (selections, documents, ci)
    });
    let (selections, documents, ci) = collected.after_walk;
    let config = options.plugin_config.get(&plugin.manifest.id);
    request::request_bytes(&plugin.manifest, &selections[0], &collected.evidence, &documents, ci.as_ref(), config)
}

fn judge_target(
    target: &Target,
    prepared: &[Prepared],
    runtime: &Runtime,
    options: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> JudgedTarget {
    let prepared: Vec<&Prepared> = prepared.iter().filter(|p| judges(&p.plugin.manifest, target)).collect();
    let wants_git = prepared.iter().any(|p| p.compiled.is_ok() && p.plugin.manifest.inputs.git);
    let wants_ci = prepared.iter().any(|p| p.compiled.is_ok() && p.plugin.manifest.inputs.ci);
    // The files of each plugin are selected, their documents parsed and the CI model
    // understood as soon as the tree is walked, while the git history is still being read.
    let collected = Evidence::collect(target, &options.evidence(target), wants_git, |inventory| {
        let selectors: Vec<&Selector> = prepared.iter().map(|p| &p.selector).collect();
        let selections = select::select(inventory, &selectors);
        let usable = prepared.iter().zip(&selections).filter(|(p, _)| p.compiled.is_ok());
        let extra = documents::ci_documents(inventory, wants_ci);
        let documents = documents::parse_documents(&target.root, inventory, usable.map(|(_, s)| s), extra);
        let ci = wants_ci.then(|| documents::understand_ci(&target.root, inventory, &documents));
        (selections, documents, ci)
    });
    let (selections, documents, ci) = &collected.after_walk;
    let evidence = &collected.evidence;
    // Where a target's time goes (`-vv` or `KAIZEN_LOG=kaizen=debug`), for scripts/bench.sh.
    tracing::debug!(
        target = %target.name,
        files = evidence.inventory.files.len(),
        documents = documents.len(),
        walk_ms = collected.walk_time.as_millis() as u64,
        parse_ms = collected.after_walk_time.as_millis() as u64,
        git_ms = collected.git_time.as_millis() as u64,
        "evidence collected"
    );
    let runs: Vec<(&Prepared, Result<plugin::Judgement, PluginError>)> = prepared
        .par_iter()
        .zip(selections)
        .map(|(&p, selection)| {
            let outcome = run_plugin(p, selection, evidence, documents, ci.as_ref(), runtime, options);
            progress(Progress::Finished);
            (p, outcome)
        })
        .collect();

    let mut sources = Vec::new();
    if target.cloud.is_none() {
        sources.push(crate::model::Source::Repository);
    }
    if evidence.git.is_some() {
        sources.push(crate::model::Source::History);
    }
    if target.pipelines.is_some() {
        sources.push(crate::model::Source::Runs);
    }
    if target.cloud.is_some() {
        sources.push(crate::model::Source::Cloud);
    }
    let mut judged = JudgedTarget {
        name: target.name.clone(),
        path: target.given.clone(),
        kind: evidence.kind.into(),
        labels: target.labels.clone(),
        files: evidence.inventory.files.len(),
        facts: BTreeMap::new(),
        findings: Vec::new(),
        errors: Vec::new(),
        warnings: evidence.warnings.clone(),
        skipped: evidence.inventory.skipped.clone(),
        sources,
        plugins: runs.iter().map(|(p, _)| p.plugin.manifest.id.clone()).collect(),
    };
    for (p, outcome) in runs {
        let id = &p.plugin.manifest.id;
        match outcome {
            Ok(judgement) => {
                for (name, value) in judgement.facts {
                    if judged.facts.insert(name.clone(), value).is_some() {
                        judged
                            .warnings
                            .push(format!("fact `{name}` reported by more than one plugin; `{id}`'s value kept"));
                    }
                }
                judged.warnings.extend(judgement.warnings.into_iter().map(|w| format!("{id}: {w}")));
                judged.findings.extend(judgement.findings.into_iter().map(|f| FindingRecord {
                    plugin: id.clone(),
                    check: f.check,
                    status: f.status,
                    score: f.score,
                    message: f.message,
                    evidence: f.evidence,
                    exemption: None,
                }));
            }
            Err(e) => judged.errors.push(ErrorRecord {
                plugin: id.clone(),
                kind: e.kind,
                message: e.message,
                stderr: e.stderr,
            }),
        }
    }
    judged
}

fn run_plugin(
    p: &Prepared,
    selection: &Selection,
    evidence: &Evidence,
    documents: &Documents,
    ci: Option<&Ci>,
    runtime: &Runtime,
    options: &Options,
) -> Result<plugin::Judgement, PluginError> {
    let compiled = p.compiled.as_ref().map_err(Clone::clone)?;
    let m = &p.plugin.manifest;
    let clock = Instant::now();
    let bytes = request::request_bytes(m, selection, evidence, documents, ci, options.plugin_config.get(&m.id));
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
