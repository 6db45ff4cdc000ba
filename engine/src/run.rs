//! One assessment, stage after stage: the plan of `kaizen assess`.
//!
//! ```text
//! Settings ─ load ─▶ plugins, model, answers, templates, baseline (every input checked first)
//!          ─ collect ─▶ targets (folders, clones, cloud inventories) with their pipeline runs
//!          ─ judge ───▶ Judged       (plugins, sandboxed)
//!          ─ score ───▶ Assessment   (pure)
//!          ─ plan ────▶ Roadmap      (pure)
//!          ─ compose ─▶ AssessmentResult, written with its reports, kept in the history,
//!                       compared with the baseline
//! ```
//!
//! Every value is built once by its stage and handed on; the result is composed at the
//! end ([`AssessmentResult::compose`]). Nothing here prints: what a person should know on
//! the way is an [`Event`], and the rest is in the [`Outcome`].

use crate::collect::forge::listing::{self, LeftOut, Source};
use crate::collect::forge::{self, Forge};
use crate::collect::pipelines::{self, FetchSettings, PipelineInput};
use crate::collect::remote::{self, History as Fetch};
use crate::collect::{aws, Target, TargetError};
use crate::config::Location;
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::{self, Comparison};
use crate::judge::{self, Judged, Progress};
use crate::model::answers::Answers;
use crate::model::{self, Catalogue, Model};
use crate::plugin::registry::RegistryError;
use crate::plugin::{Registry, Runtime, RuntimeOptions};
use crate::report::{self, OutputError};
use crate::result::{
    AssessmentResult, CheckExemptionRecord, LeftOutRecord, ModelRecord, Parts, PracticeExemptionRecord, Scored,
    ScoringRecord, ShardRecord, SourceRecord, TrendPoint, UnavailableTarget,
};
use crate::score::{LevelOver, PracticeExemption, Profile, SystemSpec};
use crate::settings::{CloudSpec, ModelSource, PipelineSpec, Settings, TargetSpec};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Something a person running the assessment should know as it happens.
#[derive(Debug, Clone)]
pub enum Event {
    /// A note: a plugin replaced, pipeline runs given for no target, no GitHub token, a
    /// file of the history folder that is not a result.
    Note(String),
    /// An organisation or group was listed.
    Listed {
        /// `GitHub organisation acme`.
        source: String,
        /// The repositories to assess.
        kept: usize,
        /// Those left out by the filters, with why.
        left_out: Vec<LeftOut>,
    },
    /// Remote targets are about to be brought into the cache, this many.
    Syncing(usize),
    /// A remote target was brought into the cache.
    Synced {
        /// Cloned, fetched or reused.
        action: remote::Action,
        /// Its URL, credentials removed.
        url: String,
        /// About how many bytes were fetched.
        bytes: u64,
    },
    /// Plugin runs planned and finished.
    Progress(Progress),
}

/// What an assessment came to.
#[derive(Debug)]
pub struct Outcome {
    /// The result, as written.
    pub result: AssessmentResult,
    /// Where the result was kept in the history folder.
    pub kept: Option<PathBuf>,
    /// What changed since the baseline, when one was given.
    pub baseline: Option<Baseline>,
}

/// The comparison with a baseline.
#[derive(Debug)]
pub struct Baseline {
    /// When the baseline's assessment started.
    pub started_at: String,
    /// What changed.
    pub comparison: Comparison,
    /// The regressions the gate fails on, each a sentence (empty without a gate).
    pub regressions: Vec<String>,
}

/// Why an assessment could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in a user file (the assessment file, the model, the answers).
    #[error(transparent)]
    Diagnostics(#[from] Diagnostics),
    /// A problem in a user file (an unreadable model, a baseline that is not a result).
    #[error(transparent)]
    Diagnostic(#[from] Diagnostic),
    /// A plugin folder that cannot be loaded.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The outputs cannot be written where asked, or a template is broken.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The history folder is a file.
    #[error("the history folder {} is a file, not a folder", .0.display())]
    HistoryIsAFile(PathBuf),
    /// `--only` names a plugin that is not loaded.
    #[error("--only names plugin `{0}`, which is not loaded")]
    UnknownOnly(String),
    /// The WebAssembly runtime cannot start.
    #[error(transparent)]
    Runtime(anyhow::Error),
    /// The thread pool cannot start.
    #[error(transparent)]
    Pool(#[from] rayon::ThreadPoolBuildError),
    /// Remote targets and no cache folder.
    #[error("no cache folder for remote targets: give one with --cache DIR")]
    NoCache,
    /// No temporary folder for cloud targets.
    #[error("cannot create an empty folder for cloud targets")]
    EmptyRoot(#[source] std::io::Error),
    /// A cloud inventory that cannot be read.
    #[error(transparent)]
    Inventory(#[from] aws::LoadError),
    /// A local target that cannot be read.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// Not one target could be collected.
    #[error("no target could be assessed{0}")]
    NoTarget(String),
    /// `--pipelines` or `--github` naming a target there is not.
    #[error("{flag} {value}: no target is named `{name}`; the targets are: {names}")]
    UnknownTarget {
        /// The flag.
        flag: &'static str,
        /// Its value.
        value: String,
        /// The name before `=`.
        name: String,
        /// The targets' names, comma-separated.
        names: String,
    },
    /// `--pipelines` or `--github` without a target name among several targets.
    #[error("{flag} {value}: with several targets, name the target: {flag} TARGET={value} (targets: {names})")]
    UnnamedTarget {
        /// The flag.
        flag: &'static str,
        /// Its value.
        value: String,
        /// The targets' names, comma-separated.
        names: String,
    },
    /// A time out of range.
    #[error(transparent)]
    Time(#[from] jiff::Error),
    /// A pipeline export that cannot be imported.
    #[error(transparent)]
    Pipelines(#[from] pipelines::ImportError),
    /// The history folder cannot be read.
    #[error("cannot read {}", dir.display())]
    HistoryRead {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The result cannot be kept in the history folder.
    #[error("cannot write to {}", dir.display())]
    HistoryWrite {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs the assessment `settings` describe, reporting `events` on the way.
pub fn assess(settings: &Settings, events: &(dyn Fn(Event) + Sync)) -> Result<Outcome, Error> {
    // Every input is read, and where the outputs go checked, before assessing: a mistake in
    // any should not cost a whole run, nor leave a half-written output folder.
    let mut registry = Registry::with_dirs(&settings.plugin_dirs)?;
    if let Some(file) = &settings.file {
        file.check_references(&registry)?;
    }
    let scoring = Scoring::load(settings, &registry)?;
    let baseline = settings.baseline.as_deref().map(AssessmentResult::load).transpose()?;
    let templates = report::output::prepare(&settings.formats, settings.templates.as_deref(), &settings.out)?;
    if let Some(dir) = settings.history.as_ref().filter(|d| d.exists() && !d.is_dir()) {
        return Err(Error::HistoryIsAFile(dir.clone()));
    }
    if !settings.only.is_empty() {
        if let Some(id) = settings.only.iter().find(|id| registry.get(id).is_none()) {
            return Err(Error::UnknownOnly(id.clone()));
        }
        registry.retain_ids(&settings.only);
    }
    for note in registry.notes() {
        events(Event::Note(note.clone()));
    }
    for note in exemption_notes(settings) {
        events(Event::Note(note));
    }
    let runtime = Runtime::new(RuntimeOptions {
        cache_dir: settings.cache_dir.as_ref().map(|d| d.join("modules")),
        fixed_clock: None,
    })
    .map_err(Error::Runtime)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(settings.jobs).build()?;

    // Collect: the targets, in the order given, then the cloud inventories; a shard keeps
    // its slice.
    let collected = pool.install(|| collect(settings, &registry, scoring.answers.as_ref(), events))?;
    let judge_options = judge::Options {
        walk: settings.walk,
        git: Some(settings.git),
        plugin_config: settings.file.as_ref().map(|f| f.plugin_config.clone()).unwrap_or_default(),
        // An exemption applies through its `expires` day, and no more.
        exemptions: settings
            .file
            .as_ref()
            .map(|f| {
                let today = today(settings);
                let active = f.exemptions.iter().zip(&f.exemption_terms).filter(|(_, t)| !t.expired(today));
                active.map(|(e, _)| e.clone()).collect()
            })
            .unwrap_or_default(),
        roles: settings.file.as_ref().map(|f| f.roles.clone()).unwrap_or_default(),
        kaizen_folders: settings.kaizen_folders(),
    };
    let progress = |p: Progress| events(Event::Progress(p));
    let judged = pool.install(|| judge::judge(&registry, &runtime, &collected.targets, &judge_options, &progress));
    let scored = scoring.score(&judged, settings.shard.is_none());
    for note in system_notes(&scoring, &scored, settings.shard.is_some()) {
        events(Event::Note(note));
    }
    let history = match settings.history.as_ref().filter(|d| d.is_dir()) {
        Some(dir) => {
            let past = history::load(dir).map_err(|source| Error::HistoryRead { dir: dir.clone(), source })?;
            for note in &past.skipped {
                events(Event::Note(format!("history: {note}")));
            }
            Some(past.results.iter().filter_map(|(_, r)| TrendPoint::of(r)).collect())
        }
        None => None,
    };
    let result = AssessmentResult::compose(Parts {
        organisation: settings.organisation().map(str::to_owned),
        branding: settings.file.as_ref().map(|f| f.branding.clone()).filter(|b| !b.is_empty()),
        judged,
        unavailable: collected.unavailable,
        sources: collected.sources,
        scored: Some(scored),
        history,
        shard: settings.shard.map(|shard| ShardRecord {
            index: shard.index,
            count: shard.count,
            targets: collected.target_positions,
            unavailable: collected.unavailable_positions,
        }),
    });

    report::output::write(&result, &settings.formats, &templates, &settings.out)?;
    let kept = match &settings.history {
        Some(dir) => {
            Some(history::store(dir, &result).map_err(|source| Error::HistoryWrite { dir: dir.clone(), source })?)
        }
        None => None,
    };
    let baseline = baseline.map(|old| {
        let comparison = history::compare(&old, &result);
        let mut regressions = settings.gate.map(|gate| comparison.regressions(gate)).unwrap_or_default();
        if settings.gate.is_some_and(|gate| gate.exemptions) {
            regressions.extend(expired_exemptions(&result));
        }
        Baseline { started_at: old.started_at, comparison, regressions }
    });
    Ok(Outcome { result, kept, baseline })
}

/// The targets of an assessment, each with the position it was given at, and those that
/// could not be collected.
struct Collected {
    /// The folder mounted at `/repo` for cloud targets: kept until the assessment ends.
    #[allow(dead_code)]
    empty_root: tempfile::TempDir,
    targets: Vec<Target>,
    target_positions: Vec<usize>,
    unavailable: Vec<UnavailableTarget>,
    unavailable_positions: Vec<usize>,
    sources: Vec<SourceRecord>,
}

/// Resolves local targets, brings remote ones into the cache, reads the cloud inventories,
/// and gathers each target's pipeline runs. What names targets (the answers' scopes, the
/// `NAME=` of `--pipelines` and `--github`) is checked against every target's name first,
/// before anything is cloned.
fn collect(
    settings: &Settings,
    registry: &Registry,
    answers: Option<&Answers>,
    events: &(dyn Fn(Event) + Sync),
) -> Result<Collected, Error> {
    let fetch = if registry.plugins().iter().any(|p| p.manifest.inputs.git) {
        Fetch::Since(settings.since())
    } else {
        Fetch::Tip
    };
    let sync = remote::SyncOptions {
        cache_dir: settings.cache_dir.clone().ok_or(Error::NoCache)?,
        history: fetch,
        offline: settings.offline,
    };
    // The repositories of the organisations given, after the targets given.
    let listed = list_sources(settings, events);
    let listed_records = listed.records;
    let all_specs: Vec<TargetSpec> = settings.targets.iter().cloned().chain(listed.targets).collect();
    let pipeline_specs: Vec<PipelineSpec> = settings.pipelines.iter().cloned().chain(listed.pipelines).collect();
    // Every target as given: folders and URLs, then cloud inventories. A shard keeps its
    // slice, and records each target's position for `kaizen merge`.
    let ids: Vec<String> = all_specs
        .iter()
        .map(TargetSpec::id)
        .chain(settings.clouds.iter().map(|c| c.path.display().to_string()))
        .collect();
    let keep: Option<BTreeSet<usize>> = settings.shard.map(|s| s.positions(&ids).into_iter().collect());
    let kept = |i: &usize| keep.as_ref().is_none_or(|k| k.contains(i));
    let n_specs = all_specs.len();
    let specs: Vec<(usize, &TargetSpec)> = all_specs.iter().enumerate().filter(|(i, _)| kept(i)).collect();
    let clouds: Vec<(usize, &CloudSpec)> =
        settings.clouds.iter().enumerate().map(|(i, c)| (n_specs + i, c)).filter(|(i, _)| kept(i)).collect();
    // Cloud inventories are user files: read them all (a shard too, for their names) before
    // cloning anything.
    let empty_root = tempfile::tempdir().map_err(Error::EmptyRoot)?;
    let mut cloud = Vec::new();
    let mut cloud_names = Vec::new();
    for (position, spec) in settings.clouds.iter().enumerate().map(|(i, c)| (n_specs + i, c)) {
        let inventory = aws::load(&spec.path)?;
        let name = format!("aws-{}", inventory.account_id);
        cloud_names.push(name.clone());
        if clouds.iter().any(|(p, _)| *p == position) {
            let mut target = Target::cloud(&spec.path.display().to_string(), name, inventory, empty_root.path());
            target.labels = spec.labels.clone();
            cloud.push((position, target));
        }
    }
    // Every target's name, whichever shard assesses it.
    let mut names: Vec<String> = Vec::new();
    for name in all_specs.iter().map(TargetSpec::name).chain(cloud_names) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if let Some(answers) = answers {
        // Answers may be scoped to a system as to a target.
        let systems = settings.file.iter().flat_map(|f| f.systems.iter().map(|s| s.name.clone()));
        let scopes: Vec<String> = names.iter().cloned().chain(systems).collect();
        answers.check_targets(&scopes)?;
    }
    let sources = pipeline_sources(&pipeline_specs, &names, events)?;
    let (mut targets, mut unavailable) = resolve_targets(specs, &sync, events)?;
    targets.extend(cloud);
    // An organisation that could not be listed (in full) is recorded once, by the first shard.
    if settings.shard.is_none_or(|s| s.index == 1) {
        let first = n_specs + settings.clouds.len();
        unavailable.extend(listed.failures.into_iter().enumerate().map(|(i, u)| (first + i, u)));
    }
    if settings.shard.is_none() && targets.is_empty() {
        let reasons: Vec<String> = unavailable.iter().map(|(_, u)| format!("\n  {}: {}", u.target, u.reason)).collect();
        return Err(Error::NoTarget(reasons.concat()));
    }
    let target_positions = targets.iter().map(|(i, _)| *i).collect();
    let unavailable_positions = unavailable.iter().map(|(i, _)| *i).collect();
    let mut targets: Vec<Target> = targets.into_iter().map(|(_, t)| t).collect();
    attach_pipelines(settings, &sources, &mut targets, events)?;
    Ok(Collected {
        empty_root,
        targets,
        target_positions,
        unavailable: unavailable.into_iter().map(|(_, u)| u).collect(),
        unavailable_positions,
        sources: listed_records,
    })
}

/// A target and its position among all those given.
type Positioned<T> = Vec<(usize, T)>;

/// Resolves local targets and brings remote ones into the cache, several at a time. A local
/// folder that cannot be read stops the run (the command line or the file is wrong); a
/// remote that cannot be cloned is reported in the result, and the others are assessed.
fn resolve_targets(
    specs: Vec<(usize, &TargetSpec)>,
    sync: &remote::SyncOptions,
    events: &(dyn Fn(Event) + Sync),
) -> Result<(Positioned<Target>, Positioned<UnavailableTarget>), Error> {
    let remotes = specs.iter().filter(|(_, s)| matches!(s.location, Location::Url(_))).count();
    if remotes > 0 {
        events(Event::Syncing(remotes));
    }
    // Clones wait on the network more than on the processor: more at a time than cores.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(SYNC_THREADS.min(remotes.max(1))).build()?;
    let resolved: Vec<(usize, Result<Target, UnavailableTarget>)> = pool.install(|| {
        specs
            .into_par_iter()
            .map(|(position, spec)| -> Result<_, Error> {
                let target = match &spec.location {
                    Location::Path(path) => Target::local(&path.display().to_string())?,
                    Location::Url(url) => match remote::sync(url, sync) {
                        Ok(synced) => {
                            events(Event::Synced {
                                action: synced.action,
                                url: url.redacted().to_owned(),
                                bytes: synced.bytes,
                            });
                            Target { name: spec.name(), warnings: synced.notes, ..Target::remote(url, &synced.path) }
                        }
                        Err(e) => {
                            let reason = e.to_string();
                            let target = url.redacted().to_owned();
                            return Ok((position, Err(UnavailableTarget { target, reason })));
                        }
                    },
                };
                Ok((position, Ok(Target { labels: spec.labels.clone(), ..target })))
            })
            .collect::<Result<_, Error>>()
    })?;
    let mut targets = Vec::new();
    let mut unavailable = Vec::new();
    for (position, outcome) in resolved {
        match outcome {
            Ok(target) => targets.push((position, target)),
            Err(u) => unavailable.push((position, u)),
        }
    }
    Ok((targets, unavailable))
}

/// Remote targets brought into the cache at a time.
const SYNC_THREADS: usize = 8;

/// What the organisations given came to: their repositories as targets (with their
/// pipeline runs where asked), and those that could not be listed.
#[derive(Default)]
struct Listed {
    targets: Vec<TargetSpec>,
    pipelines: Vec<PipelineSpec>,
    failures: Vec<UnavailableTarget>,
    records: Vec<SourceRecord>,
}

/// Lists the repositories of every organisation and group given. A repository's name is
/// its own unless another target has it too; then its path on the forge.
fn list_sources(settings: &Settings, events: &(dyn Fn(Event) + Sync)) -> Listed {
    let mut listed = Listed::default();
    let mut found: Vec<(usize, &Source, listing::Repository, remote::RemoteUrl)> = Vec::new();
    for source in &settings.sources {
        let api = match source.forge {
            Forge::Github => settings.github_api.as_deref().unwrap_or(listing::GITHUB_API),
            Forge::Gitlab => settings.gitlab_api.as_deref().unwrap_or(listing::GITLAB_API),
        };
        let token = source.forge.token_from_env();
        if token.is_none() {
            events(Event::Note(format!(
                "no {}: {} lists public repositories only{}",
                source.forge.token_vars().join(" or "),
                source.forge.name(),
                if source.forge == Forge::Github { ", 60 requests an hour" } else { "" }
            )));
        }
        let waiting = |said: &str| events(Event::Note(format!("{}: {said}", source.describe())));
        let mut record = SourceRecord {
            source: source.describe(),
            api: api.to_owned(),
            listed: 0,
            targets: Vec::new(),
            left_out: Vec::new(),
            incomplete: None,
        };
        let listing = match listing::list(source, api, token.clone(), LIST_MAX_WAIT, &waiting) {
            Ok(listing) => listing,
            Err(e) => {
                let reason = format!("not listed: {e}");
                record.incomplete = Some(reason.clone());
                listed.records.push(record);
                listed.failures.push(UnavailableTarget { target: source.describe(), reason });
                continue;
            }
        };
        record.listed = listing.kept.len() + listing.left_out.len();
        record.left_out = listing
            .left_out
            .iter()
            .map(|l| LeftOutRecord { repository: l.repository.clone(), reason: l.why.to_string() })
            .collect();
        events(Event::Listed { source: source.describe(), kept: listing.kept.len(), left_out: listing.left_out });
        if let Some(e) = listing.incomplete {
            let reason = format!(
                "listed {} repositories, then stopped: {e}; the repositories not listed are not assessed",
                record.listed
            );
            record.incomplete = Some(reason.clone());
            listed.failures.push(UnavailableTarget { target: source.describe(), reason });
        }
        listed.records.push(record);
        let api_host =
            forge::origin(api).map(|o| o.trim_end_matches('/').rsplit("://").next().unwrap_or("").to_owned());
        for repo in listing.kept {
            let Some(url) = remote::RemoteUrl::parse(&repo.clone_url) else {
                listed.failures.push(UnavailableTarget {
                    target: repo.full_path.clone(),
                    reason: format!("the forge gave `{}` as its clone URL, which is not a git URL", repo.clone_url),
                });
                continue;
            };
            // The token goes to git only over HTTPS, and only to the forge's own host.
            let same_host =
                api_host.as_deref().is_some_and(|h| h == url.host() || h.strip_prefix("api.") == Some(url.host()));
            let url = match token.clone().filter(|_| url.is_http() && same_host) {
                Some(token) => {
                    url.with_credential(remote::Credential { username: source.forge.git_username().to_owned(), token })
                }
                None => url,
            };
            found.push((listed.records.len() - 1, source, repo, url));
        }
    }
    // A name shared with another target (given, or of another group) becomes the path.
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for name in
        settings.targets.iter().map(TargetSpec::name).chain(found.iter().map(|(_, _, r, _)| r.name().to_owned()))
    {
        *counts.entry(name).or_default() += 1;
    }
    for (record, source, repo, url) in found {
        let name = if counts.get(repo.name()).copied().unwrap_or(0) > 1 {
            repo.full_path.clone()
        } else {
            repo.name().to_owned()
        };
        listed.records[record].targets.push(name.clone());
        if source.pipelines {
            let input = match source.forge {
                Forge::Github => PipelineInput::Github(repo.full_path.clone()),
                Forge::Gitlab => PipelineInput::Gitlab(repo.full_path.clone()),
            };
            listed.pipelines.push(PipelineSpec::Named { target: name.clone(), input });
        }
        listed.targets.push(TargetSpec { location: Location::Url(url), labels: repo.labels, name: Some(name) });
    }
    listed
}

/// The longest wait for an API's rate limit to reset while listing.
const LIST_MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

/// The pipeline-run sources of each target, by target name: the assessment file's
/// `[[pipelines]]`, then the `--pipelines` and `--github` flags, whose `NAME=` must name one
/// of the targets (`names`); without one, the only target.
fn pipeline_sources(
    specs: &[PipelineSpec],
    names: &[String],
    events: &(dyn Fn(Event) + Sync),
) -> Result<Vec<(String, PipelineInput)>, Error> {
    let for_target = |flag: &'static str, value: &str, may_be_file: bool| -> Result<(String, String), Error> {
        if let Some((name, rest)) = value.split_once('=') {
            if names.iter().any(|n| n == name) {
                return Ok((name.to_owned(), rest.to_owned()));
            }
            // A file whose name holds `=` is a file; a repository never has one.
            if !(may_be_file && Path::new(value).is_file()) {
                return Err(Error::UnknownTarget {
                    flag,
                    value: value.to_owned(),
                    name: name.to_owned(),
                    names: names.join(", "),
                });
            }
        }
        match names {
            [only] => Ok((only.clone(), value.to_owned())),
            _ => Err(Error::UnnamedTarget { flag, value: value.to_owned(), names: names.join(", ") }),
        }
    };
    let mut sources: Vec<(String, PipelineInput)> = Vec::new();
    for spec in specs {
        sources.push(match spec {
            PipelineSpec::Named { target, input } => {
                // The file names its own targets; targets given on the command line replace them.
                if !names.contains(target) {
                    events(Event::Note(format!(
                        "pipeline runs given for `{target}`, which is not among the targets assessed"
                    )));
                }
                (target.clone(), input.clone())
            }
            PipelineSpec::FileFlag(value) => {
                let (name, path) = for_target("--pipelines", value, true)?;
                (name, PipelineInput::File(path.into()))
            }
            PipelineSpec::GithubFlag(value) => {
                let (name, repo) = for_target("--github", value, false)?;
                (name, PipelineInput::Github(repo))
            }
        });
    }
    Ok(sources)
}

/// Gathers each target's pipeline runs from its sources; runs are fetched from GitHub back
/// to the start of the git window.
fn attach_pipelines(
    settings: &Settings,
    sources: &[(String, PipelineInput)],
    targets: &mut [Target],
    events: &(dyn Fn(Event) + Sync),
) -> Result<(), Error> {
    if sources.is_empty() {
        return Ok(());
    }
    let mut live = FetchSettings::from_env(jiff::Timestamp::from_second(settings.since())?);
    if let Some(api) = &settings.github_api {
        live.github_api = api.clone();
    }
    if let Some(api) = &settings.gitlab_api {
        live.gitlab_api = api.clone();
    }
    let fetched_here = |name: &String| targets.iter().any(|t| &t.name == name);
    let fetches = |github: bool| {
        sources.iter().any(|(n, s)| {
            fetched_here(n)
                && matches!((s, github), (PipelineInput::Github(_), true) | (PipelineInput::Gitlab(_), false))
        })
    };
    if live.github_token.is_none() && fetches(true) {
        events(Event::Note("no GITHUB_TOKEN or GH_TOKEN: GitHub allows 60 unauthenticated requests an hour".into()));
    }
    if live.gitlab_token.is_none() && fetches(false) {
        events(Event::Note("no GITLAB_TOKEN: only public projects' pipelines can be fetched".into()));
    }
    // Each target's fetches wait on the network: several targets at a time.
    targets.par_iter_mut().try_for_each(|target| -> Result<(), Error> {
        let inputs: Vec<&PipelineInput> = sources.iter().filter(|(n, _)| *n == target.name).map(|(_, s)| s).collect();
        if inputs.is_empty() {
            return Ok(());
        }
        let gathered = pipelines::gather(&inputs, &settings.deploy_patterns, &live)?;
        target.pipelines = gathered.runs;
        target.warnings.extend(gathered.warnings);
        Ok(())
    })
}

/// The model, answers, exemptions and profile to score with, loaded and checked against
/// every plugin loaded (before `--only` narrows them).
struct Scoring {
    model: Model,
    model_source: String,
    model_sha256: String,
    answers: Option<Answers>,
    exemptions: Vec<PracticeExemption>,
    exemption_records: Vec<PracticeExemptionRecord>,
    check_exemption_records: Vec<CheckExemptionRecord>,
    profile: Profile,
    capacity: u32,
    systems: Vec<SystemSpec>,
    over: LevelOver,
}

impl Scoring {
    fn load(settings: &Settings, registry: &Registry) -> Result<Scoring, Error> {
        let catalogue = Catalogue::from_registry(registry);
        let (path, source, text) = match &settings.model {
            ModelSource::File(path) => model::source_of(path)?,
            ModelSource::BuiltIn => {
                (PathBuf::from(model::DEFAULT_PATH), "built-in".to_owned(), model::DEFAULT_SOURCE.to_owned())
            }
        };
        let model = model::load(&path, &text, &catalogue)?;
        let file = settings.file.as_ref();
        if let Some(file) = file {
            file.check_model_references(&model)?;
        }
        let answers = settings.answers.as_deref().map(|path: &Path| Answers::load(path, &model)).transpose()?;
        let practice_exemptions = file.map(|f| f.practice_exemptions.as_slice()).unwrap_or_default();
        let today = today(settings);
        let check_exemption_records = file
            .map(|f| {
                f.exemptions
                    .iter()
                    .zip(&f.exemption_terms)
                    .map(|(e, t)| CheckExemptionRecord {
                        check: format!("{}/{}", e.plugin, e.check),
                        target: t.target_glob.clone(),
                        reason: e.reason.clone(),
                        owner: t.owner.clone(),
                        expires: t.expires.map(|d| d.to_string()),
                        expired: t.expired(today),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Scoring {
            model_sha256: crate::plugin::registry::sha256_hex(text.as_bytes()),
            model,
            model_source: source,
            answers,
            // An exemption applies through its `expires` day, and no more.
            exemptions: practice_exemptions
                .iter()
                .filter(|e| !e.terms.expired(today))
                .map(|e| e.exemption.clone())
                .collect(),
            exemption_records: practice_exemptions
                .iter()
                .map(|e| PracticeExemptionRecord {
                    practice: e.exemption.practice.clone(),
                    target: e.target_glob.clone(),
                    reason: e.exemption.reason.clone(),
                    owner: e.terms.owner.clone(),
                    expires: e.terms.expires.map(|d| d.to_string()),
                    expired: e.terms.expired(today),
                })
                .collect(),
            check_exemption_records,
            profile: file.map(|f| f.profile.clone()).unwrap_or_default(),
            capacity: settings.capacity,
            systems: file.map(|f| f.systems.clone()).unwrap_or_default(),
            over: file.map(|f| f.organisation_over).unwrap_or_default(),
        })
    }

    /// Scores the judged targets, and the systems when `systems` (a shard holds only some
    /// of their members), and plans the roadmap: pure, the same judgement and scoring give
    /// the same figures.
    fn score(&self, judged: &Judged, systems: bool) -> Scored {
        let pooling = crate::score::system::Pooling::of(&judged.plugins);
        let systems = crate::score::Systems {
            specs: if systems { &self.systems } else { &[] },
            pooling: &pooling,
            over: self.over,
        };
        let assessment = crate::score::score_with_systems(
            &self.model,
            &judged.targets,
            systems,
            self.answers.as_ref(),
            &self.exemptions,
            &self.profile,
        );
        let scored: Vec<_> =
            judged.targets.iter().zip(&assessment.targets).map(|(t, a)| (t.name.as_str(), &t.labels, a)).collect();
        let units = crate::score::units(scored, &assessment.systems, assessment.organisation.over);
        let named: Vec<_> = units.iter().map(|(name, _, a)| (*name, *a)).collect();
        let roadmap = crate::roadmap::plan(&self.model, &named, &assessment.organisation, self.capacity);
        Scored {
            model: ModelRecord {
                source: self.model_source.clone(),
                sha256: self.model_sha256.clone(),
                model: self.model.clone(),
            },
            scoring: ScoringRecord {
                answers: self.answers.as_ref().and_then(|a| a.path.as_ref()).map(|p| p.display().to_string()),
                organisation_share: self.profile.organisation_share,
                weights: self.profile.weights.clone(),
                disabled: self.profile.disabled.iter().cloned().collect(),
                exemptions: self.exemption_records.clone(),
                check_exemptions: self.check_exemption_records.clone(),
                capacity: self.capacity,
                organisation_over: self.over,
            },
            assessment,
            roadmap,
        }
    }
}

/// The gate's sentences for the exemptions past their day.
fn expired_exemptions(result: &AssessmentResult) -> Vec<String> {
    let Some(scoring) = result.scoring.as_ref() else { return Vec::new() };
    scoring
        .all_exemptions()
        .filter(|e| e.expired)
        .map(|e| {
            let what = if e.kind == "check" { e.subject.to_owned() } else { format!("practice {}", e.subject) };
            let owner = e.owner.map(|o| format!(" (owner {o})")).unwrap_or_default();
            format!("the exemption of {what} for `{}`{owner} expired on {}", e.target, e.expires.unwrap_or("?"))
        })
        .collect()
}

/// The day of the assessment (`--as-of`, else today), in UTC: exemptions expire by it.
fn today(settings: &Settings) -> jiff::civil::Date {
    jiff::Timestamp::from_second(settings.now)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or(jiff::civil::Date::MAX)
}

/// What a person should know about the assessment file's exemptions: those past their
/// `expires` day, which no longer apply, and those nobody answers for.
fn exemption_notes(settings: &Settings) -> Vec<String> {
    let Some(file) = settings.file.as_ref() else { return Vec::new() };
    let today = today(settings);
    let checks =
        file.exemptions.iter().zip(&file.exemption_terms).map(|(e, t)| (format!("{}/{}", e.plugin, e.check), t));
    let practices = file.practice_exemptions.iter().map(|e| (format!("practice {}", e.exemption.practice), &e.terms));
    let mut notes = Vec::new();
    for (what, terms) in checks.chain(practices) {
        let owner = terms.owner.as_deref().map(|o| format!(", owner {o}")).unwrap_or_default();
        if let (true, Some(last)) = (terms.expired(today), terms.expires) {
            notes.push(format!(
                "the exemption of {what} for `{}` ({}{owner}) expired on {last}: it no longer applies",
                terms.target_glob, terms.at
            ));
        }
        if terms.owner.is_none() {
            notes.push(format!(
                "the exemption of {what} for `{}` ({}) names no owner: add `owner = \"…\"` so that someone answers for it",
                terms.target_glob, terms.at
            ));
        }
    }
    notes
}

/// What a person should know about the systems: members named that were not assessed, a
/// system with none assessed, systems left unscored in a shard.
fn system_notes(scoring: &Scoring, scored: &Scored, shard: bool) -> Vec<String> {
    if shard {
        return if scoring.systems.is_empty() {
            Vec::new()
        } else {
            vec!["systems are not scored in a shard: a shard holds only some of their members".to_owned()]
        };
    }
    let mut notes = Vec::new();
    for system in &scored.assessment.systems {
        for name in &system.missing {
            notes
                .push(format!("system `{}` names `{name}`, which is not among the targets assessed", system.spec.name));
        }
        if system.assessment.is_none() {
            notes.push(format!(
                "system `{}` has no member among the targets assessed: it is reported, not scored",
                system.spec.name
            ));
        }
    }
    notes
}
