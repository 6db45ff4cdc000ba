//! `kaizen assess`.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use kaizen::assess::{self, Progress, Target};
use kaizen::collect::pipelines::{self, DeployPatterns, GithubSettings, PipelineInput};
use kaizen::collect::remote::{self, History, RemoteUrl};
use kaizen::config::{self, AssessmentFile, Location};
use kaizen::result::UnavailableTarget;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::report::Format;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folders or git URLs to assess (default: the assessment file's targets, else the
    /// current folder). A URL is cloned into the cache folder, and fetched on later runs.
    targets: Vec<String>,
    /// The assessment file (default: ./kaizen.toml when it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Also load the plugin in this folder, or every plugin one level below it (repeatable).
    /// A plugin with a built-in plugin's id replaces it.
    #[arg(long = "plugins", value_name = "DIR")]
    plugins: Vec<PathBuf>,
    /// Run only these plugins (comma-separated ids).
    #[arg(long = "only", value_name = "IDS", value_delimiter = ',')]
    only: Vec<String>,
    /// Where to write the outputs [default: kaizen-report].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Output formats (comma-separated): json, md, html, sarif.
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "json,md,html")]
    format: Vec<Format>,
    /// A folder of templates replacing the built-in ones of the same name (report.md.j2,
    /// report.html.j2), for your own branding.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Plugin runs in parallel (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Cache folder (compiled plugins, clones of remote targets); default: the user's cache
    /// folder, or $KAIZEN_CACHE_DIR.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Assess remote targets from their cached clones, without fetching.
    #[arg(long)]
    offline: bool,
    /// Pipeline runs of a target: an export file (gh run list JSON, GitHub REST actions/runs,
    /// GitLab pipelines, CodePipeline executions, a Kaizen runs file or AWS inventory).
    /// Write TARGET=FILE when there are several targets (repeatable).
    #[arg(long = "pipelines", value_name = "[TARGET=]FILE")]
    pipelines: Vec<String>,
    /// Fetch a target's workflow runs from the GitHub API (token in GITHUB_TOKEN or GH_TOKEN).
    /// Write TARGET=OWNER/REPO when there are several targets (repeatable).
    #[arg(long = "github", value_name = "[TARGET=]OWNER/REPO")]
    github: Vec<String>,
    /// The GitHub API address, for GitHub Enterprise (https://HOST/api/v3).
    #[arg(long, value_name = "URL")]
    github_api: Option<String>,
    /// An AWS inventory from `kaizen collect aws`, assessed as a target of its own by the
    /// plugins that read cloud inventories (repeatable).
    #[arg(long = "cloud", value_name = "FILE")]
    cloud: Vec<PathBuf>,
    /// Git history to read: a number of days back, or a date (YYYY-MM-DD) [default: 365].
    #[arg(long, value_name = "DAYS|DATE", value_parser = parse_since)]
    since: Option<Since>,
    /// Most commits walked per repository for git facts, newest first [default: 100000].
    #[arg(long, value_name = "N")]
    max_commits: Option<usize>,
    /// Leave out files larger than this many MiB [default: 10].
    #[arg(long, value_name = "MIB")]
    max_file_mb: Option<u64>,
    /// Also assess files the targets' .gitignore files ignore (build output, dependencies).
    #[arg(long)]
    no_ignore: bool,
    /// The maturity model to score against [default: the built-in model,
    /// questionnaires/devops.toml].
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Interview answers (answers.toml, from `kaizen questionnaire`).
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Keep this result in a history folder too, named after its date (for `compare` and
    /// trends).
    #[arg(long, value_name = "DIR")]
    history: Option<PathBuf>,
    /// A previous result to compare with: what changed is printed after the assessment.
    #[arg(long, value_name = "RESULT")]
    baseline: Option<PathBuf>,
    /// With --baseline: exit 1 when something regressed: `levels` (an area level dropped,
    /// the organisation's or a target's), `practices` (a practice was lost), or both
    /// (the default).
    #[arg(long, value_name = "WHAT", value_delimiter = ',', num_args = 0.., default_missing_value = "levels,practices", requires = "baseline")]
    fail_on_regression: Option<Vec<Regression>>,
    /// Assess only shard I of N: a deterministic, balanced slice of the targets (by a hash
    /// of each target as given), written as a partial result for `kaizen merge`.
    #[arg(long, value_name = "I/N")]
    shard: Option<kaizen::shard::Shard>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// What `--fail-on-regression` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Regression {
    /// An area level dropped.
    Levels,
    /// A practice was lost.
    Practices,
}

/// The start of the git history window.
#[derive(Debug, Clone, Copy)]
pub enum Since {
    /// This many days before now.
    Days(u32),
    /// From this date (UTC midnight).
    Date(jiff::civil::Date),
}

pub(super) fn parse_since(text: &str) -> Result<Since, String> {
    if let Ok(days) = text.parse::<u32>() {
        return if days == 0 { Err("the window must be at least one day".into()) } else { Ok(Since::Days(days)) };
    }
    text.parse::<jiff::civil::Date>()
        .map(Since::Date)
        .map_err(|_| format!("`{text}` is neither a number of days nor a date like 2025-01-31"))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let file = match &args.config {
        Some(path) => Some(AssessmentFile::load(path)?),
        None if Path::new(config::DEFAULT_FILE).is_file() => {
            Some(AssessmentFile::load(Path::new(config::DEFAULT_FILE))?)
        }
        None => None,
    };
    let mut plugin_dirs: Vec<PathBuf> = file.as_ref().map(|f| f.plugin_dirs.clone()).unwrap_or_default();
    plugin_dirs.extend(args.plugins.iter().cloned());
    let mut registry = super::registry(&plugin_dirs)?;
    if let Some(file) = &file {
        file.check_references(&registry)?;
    }
    let scoring = scoring(&args, file.as_ref(), &registry)?;
    // Read every input and check where the outputs go before assessing: a mistake in any
    // should not cost a whole run, nor leave a half-written output folder.
    let baseline = args.baseline.as_deref().map(super::compare::read).transpose()?;
    let out = args
        .out
        .clone()
        .or(file.as_ref().and_then(|f| f.out.clone()))
        .unwrap_or_else(|| PathBuf::from("kaizen-report"));
    let templates = super::report::prepare(&args.format, args.templates.as_deref(), &out)?;
    let history_dir = args.history.clone().or_else(|| file.as_ref().and_then(|f| f.history.clone()));
    if let Some(dir) = history_dir.as_ref().filter(|d| d.exists() && !d.is_dir()) {
        anyhow::bail!("the history folder {} is a file, not a folder", dir.display());
    }
    if !args.only.is_empty() {
        for id in &args.only {
            anyhow::ensure!(registry.get(id).is_some(), "--only names plugin `{id}`, which is not loaded");
        }
        registry.retain_ids(&args.only);
    }
    for note in registry.notes() {
        eprintln!("note: {note}");
    }
    let cache_dir = args.cache.clone().or_else(kaizen::default_cache_dir);
    let runtime = super::runtime(cache_dir.clone())?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.jobs.unwrap_or(0)).build()?;

    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{spinner} assessing [{bar:30}] {pos}/{len} plugin runs {elapsed}")
                .expect("valid template")
                .progress_chars("=> "),
        )
    };
    let progress = |p: Progress| match p {
        Progress::Planned(n) => bar.set_length(n as u64),
        Progress::Finished => bar.inc(1),
    };
    let now = jiff::Timestamp::now().as_second();
    let since_days = match args.since {
        None => file.as_ref().and_then(|f| f.since_days).unwrap_or(365),
        Some(Since::Days(days)) => days,
        Some(Since::Date(date)) => {
            let start = date.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp().as_second();
            anyhow::ensure!(start < now, "--since {date} is in the future");
            ((now - start) / 86_400).max(1) as u32
        }
    };
    let specs: Vec<(Spec, BTreeMap<String, String>)> = match (&file, args.targets.is_empty()) {
        (Some(file), true) if !file.targets.is_empty() => file
            .targets
            .iter()
            .map(|t| {
                let spec = match &t.location {
                    Location::Path(path) => Spec::Path(path.display().to_string()),
                    Location::Url(url) => Spec::Url(url.clone()),
                };
                (spec, t.labels.clone())
            })
            .collect(),
        // Only cloud inventories given: they are the assessment.
        (_, true) if !args.cloud.is_empty() || file.as_ref().is_some_and(|f| !f.cloud.is_empty()) => Vec::new(),
        (_, true) => vec![(Spec::Path(".".into()), BTreeMap::new())],
        (_, false) => args.targets.iter().map(|t| (Spec::of(t), BTreeMap::new())).collect(),
    };
    let history = if registry.plugins().iter().any(|p| p.manifest.inputs.git) {
        History::Since(now - i64::from(since_days) * 86_400)
    } else {
        History::Tip
    };
    let sync = remote::SyncOptions {
        cache_dir: cache_dir.context("no cache folder for remote targets: give one with --cache DIR")?,
        history,
        offline: args.offline,
    };
    // Every target as given, in order: folders and URLs, then cloud inventories. A shard
    // keeps its slice, and records each target's position for `kaizen merge`.
    let clouds = cloud_sources(&args, file.as_ref());
    let ids: Vec<String> =
        specs.iter().map(|(spec, _)| spec.id()).chain(clouds.iter().map(|(p, _)| p.display().to_string())).collect();
    let keep: Option<std::collections::BTreeSet<usize>> = args.shard.map(|s| s.positions(&ids).into_iter().collect());
    let kept = |i: &usize| keep.as_ref().is_none_or(|k| k.contains(i));
    let n_specs = specs.len();
    let specs: Vec<(usize, Spec, BTreeMap<String, String>)> =
        specs.into_iter().enumerate().filter(|(i, _)| kept(i)).map(|(i, (s, l))| (i, s, l)).collect();
    let clouds: Vec<(usize, PathBuf, BTreeMap<String, String>)> =
        clouds.into_iter().enumerate().map(|(i, (p, l))| (n_specs + i, p, l)).filter(|(i, ..)| kept(i)).collect();
    // Cloud inventories are user files: read them before cloning anything.
    let empty_root = tempfile::tempdir().context("cannot create an empty folder for cloud targets")?;
    let cloud = cloud_targets(clouds, empty_root.path())?;
    let (mut targets, unavailable) = pool.install(|| resolve_targets(specs, &sync, args.quiet))?;
    targets.extend(cloud);
    if args.shard.is_none() && targets.is_empty() {
        let reasons: Vec<String> = unavailable.iter().map(|(_, u)| format!("\n  {}: {}", u.target, u.reason)).collect();
        anyhow::bail!("no target could be assessed{}", reasons.concat());
    }
    let target_positions: Vec<usize> = targets.iter().map(|(i, _)| *i).collect();
    let unavailable_positions: Vec<usize> = unavailable.iter().map(|(i, _)| *i).collect();
    let mut targets: Vec<Target> = targets.into_iter().map(|(_, t)| t).collect();
    let unavailable: Vec<UnavailableTarget> = unavailable.into_iter().map(|(_, u)| u).collect();

    attach_pipelines(&args, file.as_ref(), &mut targets, now - i64::from(since_days) * 86_400)?;

    let max_commits = args.max_commits.or(file.as_ref().and_then(|f| f.max_commits)).unwrap_or(100_000);
    let respect_gitignore = !args.no_ignore && file.as_ref().and_then(|f| f.respect_gitignore).unwrap_or(true);
    let options = assess::Options {
        walk: kaizen::collect::WalkOptions {
            respect_gitignore,
            max_file_size: args
                .max_file_mb
                .or(file.as_ref().and_then(|f| f.max_file_mb))
                .map(|mib| mib.saturating_mul(1 << 20))
                .unwrap_or(kaizen::collect::DEFAULT_MAX_FILE_SIZE),
        },
        git: Some(kaizen::collect::git::GitOptions { since_days, max_commits, now }),
        organisation: file.as_ref().and_then(|f| f.organisation.clone()),
        plugin_config: file.as_ref().map(|f| f.plugin_config.clone()).unwrap_or_default(),
        exemptions: file.as_ref().map(|f| f.exemptions.clone()).unwrap_or_default(),
        roles: Vec::new(),
    };
    let mut result = pool.install(|| assess::assess(&registry, &runtime, &targets, &options, &progress));
    bar.finish_and_clear();
    result.unavailable = unavailable;
    assess::score(&mut result, &scoring);
    if let Some(shard) = args.shard {
        result.shard = Some(kaizen::result::ShardRecord {
            index: shard.index,
            count: shard.count,
            targets: target_positions,
            unavailable: unavailable_positions,
        });
    }

    if let Some(dir) = history_dir.as_ref().filter(|d| d.is_dir()) {
        // The trend: every past result of the history, then this one.
        let past = kaizen::history::load(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for note in &past.skipped {
            eprintln!("note: history: {note}");
        }
        result.trend = past.results.iter().filter_map(|(_, r)| kaizen::result::TrendPoint::of(r)).collect();
        result.trend.extend(kaizen::result::TrendPoint::of(&result));
    }
    super::report::write(&result, &args.format, &templates, &out)?;
    if let Some(dir) = &history_dir {
        let path =
            kaizen::history::store(dir, &result).with_context(|| format!("cannot write to {}", dir.display()))?;
        if !args.quiet {
            eprintln!("kept in the history as {}", path.display());
        }
    }
    let mut code = ExitCode::SUCCESS;
    if let Some(old) = &baseline {
        let comparison = kaizen::history::compare(old, &result);
        if !args.quiet {
            eprint!("{}", comparison.markdown());
        }
        if let Some(what) = &args.fail_on_regression {
            let gate = kaizen::history::Gate {
                levels: what.contains(&Regression::Levels),
                practices: what.contains(&Regression::Practices),
            };
            let regressions = comparison.regressions(gate);
            if !regressions.is_empty() {
                eprintln!("regressed since the baseline ({}):", old.started_at);
                for r in &regressions {
                    eprintln!("  {r}");
                }
                code = ExitCode::from(1);
            }
        }
    }
    if !args.quiet {
        for t in &result.targets {
            let count = |s| t.findings.iter().filter(|f| f.status == s).count();
            use kaizen::plugin::Status::*;
            eprintln!(
                "{}: {} pass, {} warn, {} fail, {} n/a{}",
                t.name,
                count(Pass),
                count(Warn),
                count(Fail),
                count(NotApplicable),
                if t.errors.is_empty() { String::new() } else { format!(", {} plugin errors", t.errors.len()) }
            );
            for e in &t.errors {
                eprintln!("  plugin {} failed ({}): {}", e.plugin, e.kind, e.message);
            }
            if let Some(a) = &t.assessment {
                let levels: Vec<String> = a.areas.iter().map(|x| format!("{} {}", x.id, x.figures.level)).collect();
                eprintln!("  levels: {} · {:.0} % assessed", levels.join(" · "), a.coverage * 100.0);
            }
        }
        for u in &result.unavailable {
            eprintln!("{}: not assessed: {}", u.target, u.reason);
        }
        eprintln!("wrote {} in {:.1} s", out.display(), result.duration_ms as f64 / 1000.0);
    }
    Ok(code)
}

/// The model, answers, exemptions and profile to score with: `--model`/`--answers` over
/// the assessment file's, the built-in model by default. The model is checked against every
/// plugin loaded (before `--only` narrows them).
fn scoring(
    args: &Args,
    file: Option<&AssessmentFile>,
    registry: &kaizen::plugin::Registry,
) -> anyhow::Result<assess::Scoring> {
    use kaizen::model::{self, answers::Answers, Catalogue};
    let catalogue = Catalogue::from_registry(registry);
    let (path, source, text) = match args.model.clone().or_else(|| file.and_then(|f| f.model.clone())) {
        Some(path) => {
            let text = kaizen::diag::read_text("model-unreadable", &path)?;
            (path.clone(), path.display().to_string(), text)
        }
        None => (PathBuf::from(model::DEFAULT_PATH), "built-in".to_owned(), model::DEFAULT_SOURCE.to_owned()),
    };
    let model = model::load(&path, &text, &catalogue)?;
    if let Some(file) = file {
        file.check_model_references(&model)?;
    }
    let answers = match args.answers.clone().or_else(|| file.and_then(|f| f.answers.clone())) {
        Some(path) => Some(Answers::load(&path, &model)?),
        None => None,
    };
    Ok(assess::Scoring {
        model_sha256: kaizen::plugin::registry::sha256_hex(text.as_bytes()),
        model,
        model_source: source,
        answers,
        exemptions: file
            .map(|f| f.practice_exemptions.iter().map(|e| e.exemption.clone()).collect())
            .unwrap_or_default(),
        exemption_records: file
            .map(|f| {
                f.practice_exemptions
                    .iter()
                    .map(|e| kaizen::result::PracticeExemptionRecord {
                        practice: e.exemption.practice.clone(),
                        target: e.target_glob.clone(),
                        reason: e.exemption.reason.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        profile: file.map(|f| f.profile.clone()).unwrap_or_default(),
        capacity: file.and_then(|f| f.capacity).unwrap_or(kaizen::roadmap::DEFAULT_CAPACITY),
    })
}

/// A target as given: a local folder or a git URL.
enum Spec {
    Path(String),
    Url(RemoteUrl),
}

impl Spec {
    /// The target as given, which identifies it for sharding.
    fn id(&self) -> String {
        match self {
            Spec::Path(path) => path.clone(),
            Spec::Url(url) => url.redacted().to_owned(),
        }
    }

    /// A folder that exists is a folder, even when its name looks like `host:path`.
    fn of(text: &str) -> Spec {
        match RemoteUrl::parse(text) {
            Some(url) if !Path::new(text).exists() => Spec::Url(url),
            _ => Spec::Path(text.to_owned()),
        }
    }
}

/// Resolves local targets and brings remote ones into the cache, several at a time. A local
/// folder that cannot be read stops the run (the command line or the file is wrong); a
/// remote that cannot be cloned is reported in the result, and the others are assessed.
#[allow(clippy::type_complexity)]
fn resolve_targets(
    specs: Vec<(usize, Spec, BTreeMap<String, String>)>,
    sync: &remote::SyncOptions,
    quiet: bool,
) -> anyhow::Result<(Vec<(usize, Target)>, Vec<(usize, UnavailableTarget)>)> {
    let resolved: Vec<(usize, Result<Target, UnavailableTarget>)> = specs
        .into_par_iter()
        .map(|(position, spec, labels)| -> anyhow::Result<_> {
            let target = match spec {
                Spec::Path(path) => Target::local(&path)?,
                Spec::Url(url) => match remote::sync(&url, sync) {
                    Ok(synced) => {
                        if !quiet {
                            let done = match synced.action {
                                remote::Action::Cloned => "cloned",
                                remote::Action::Fetched => "fetched",
                                remote::Action::Reused => "using the cached clone of",
                            };
                            eprintln!("{done} {}", url.redacted());
                        }
                        Target { warnings: synced.notes, ..Target::remote(&url, &synced.path) }
                    }
                    Err(e) => {
                        return Ok((
                            position,
                            Err(UnavailableTarget { target: url.redacted().to_owned(), reason: e.to_string() }),
                        ))
                    }
                },
            };
            Ok((position, Ok(Target { labels, ..target })))
        })
        .collect::<anyhow::Result<_>>()?;
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

/// Gathers each target's pipeline runs from the assessment file's `[[pipelines]]` and the
/// `--pipelines` and `--github` flags; runs are fetched from GitHub back to `since`.
fn attach_pipelines(
    args: &Args,
    file: Option<&AssessmentFile>,
    targets: &mut [Target],
    since: i64,
) -> anyhow::Result<()> {
    let mut sources: Vec<(String, PipelineInput)> =
        file.map(|f| f.pipelines.iter().map(|p| (p.target.clone(), p.input.clone())).collect()).unwrap_or_default();
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    let for_target = |flag: &str, value: &str| -> anyhow::Result<(String, String)> {
        match value.split_once('=') {
            Some((name, rest)) if names.iter().any(|n| n == name) => Ok((name.to_owned(), rest.to_owned())),
            _ if names.len() == 1 => Ok((names[0].clone(), value.to_owned())),
            _ => anyhow::bail!(
                "{flag} {value}: with several targets, name the target: {flag} TARGET={value} (targets: {})",
                names.join(", ")
            ),
        }
    };
    for value in &args.pipelines {
        let (name, path) = for_target("--pipelines", value)?;
        sources.push((name, PipelineInput::File(path.into())));
    }
    for value in &args.github {
        let (name, repo) = for_target("--github", value)?;
        sources.push((name, PipelineInput::Github(repo)));
    }
    if sources.is_empty() {
        return Ok(());
    }
    for (name, _) in &sources {
        if !names.contains(name) {
            eprintln!("note: pipeline runs given for `{name}`, which is not among the targets assessed");
        }
    }
    let defaults = DeployPatterns::default();
    let patterns = DeployPatterns {
        workflow: file.and_then(|f| f.deployment_workflows.clone()).unwrap_or(defaults.workflow.clone()),
        environment: file.and_then(|f| f.deployment_environments.clone()).unwrap_or(defaults.environment.clone()),
        ..defaults
    };
    let mut github = GithubSettings::from_env(jiff::Timestamp::from_second(since)?);
    if let Some(api) = args.github_api.clone().or_else(|| file.and_then(|f| f.github_api.clone())) {
        github.api_base = api;
    }
    if github.token.is_none() && sources.iter().any(|(_, s)| matches!(s, PipelineInput::Github(_))) {
        eprintln!("note: no GITHUB_TOKEN or GH_TOKEN: GitHub allows 60 unauthenticated requests an hour");
    }
    for target in targets.iter_mut() {
        let inputs: Vec<&PipelineInput> = sources.iter().filter(|(n, _)| *n == target.name).map(|(_, s)| s).collect();
        if inputs.is_empty() {
            continue;
        }
        let gathered = pipelines::gather(&inputs, &patterns, &github)?;
        target.pipelines = gathered.value;
        target.warnings.extend(gathered.warnings);
    }
    Ok(())
}

/// The cloud inventories of `--cloud` and the assessment file's `[[cloud]]`.
fn cloud_sources(args: &Args, file: Option<&AssessmentFile>) -> Vec<(PathBuf, BTreeMap<String, String>)> {
    let mut sources: Vec<(PathBuf, BTreeMap<String, String>)> =
        file.map(|f| f.cloud.iter().map(|c| (c.path.clone(), c.labels.clone())).collect()).unwrap_or_default();
    sources.extend(args.cloud.iter().map(|p| (p.clone(), BTreeMap::new())));
    sources
}

/// Each cloud inventory a target named after its account (with its position among all
/// targets); a file that is not a valid inventory stops the run.
fn cloud_targets(
    sources: Vec<(usize, PathBuf, BTreeMap<String, String>)>,
    empty_root: &Path,
) -> anyhow::Result<Vec<(usize, Target)>> {
    let mut targets = Vec::new();
    for (position, path, labels) in sources {
        let inventory = kaizen::collect::aws::load(&path)?;
        let name = format!("aws-{}", inventory.account_id);
        let value = serde_json::to_value(&inventory)?;
        let mut target = Target::cloud(&path.display().to_string(), name, value, empty_root);
        target.labels = labels;
        targets.push((position, target));
    }
    Ok(targets)
}
