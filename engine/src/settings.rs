//! The settings of an assessment, decided once: the command line ([`Arguments`], plain data
//! with nothing resolved) over the assessment file ([`AssessmentFile`]) over the defaults,
//! in [`Settings::resolve`] and nowhere else.
//!
//! # Example
//!
//! ```
//! use kaizen::settings::{Arguments, Settings};
//!
//! let args = Arguments { targets: vec![".".into()], max_commits: Some(500), ..Arguments::default() };
//! let settings = Settings::resolve(args, None, 1_767_225_600)?;
//! assert_eq!(settings.git.max_commits, 500);
//! assert_eq!(settings.git.since_days, 365);
//! # Ok::<(), kaizen::settings::SettingsError>(())
//! ```

use crate::collect::forge::listing::{valid_owner, Filter, Source};
use crate::collect::forge::Forge;
use crate::collect::git::GitOptions;
use crate::collect::pipelines::{DeployPatterns, PipelineInput};
use crate::collect::remote::RemoteUrl;
use crate::collect::WalkOptions;
use crate::config::{AssessmentFile, Location};
use crate::history::Gate;
use crate::report::Format;
use crate::shard::Shard;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The git history window of `--since`: a number of days back, or a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// This many days before now.
    Days(u32),
    /// From this date (UTC midnight).
    Date(jiff::civil::Date),
}

/// Reads `--since`: a positive number of days, or a date like `2025-01-31`.
pub fn parse_since(text: &str) -> Result<Since, String> {
    if let Ok(days) = text.parse::<u32>() {
        return if days == 0 { Err("the window must be at least one day".into()) } else { Ok(Since::Days(days)) };
    }
    text.parse::<jiff::civil::Date>()
        .map(Since::Date)
        .map_err(|_| format!("`{text}` is neither a number of days nor a date like 2025-01-31"))
}

/// Reads `--as-of`: a date like `2025-01-31` (the end of that day, UTC) or an RFC 3339
/// timestamp, in seconds since the Unix epoch.
pub fn parse_as_of(text: &str) -> Result<i64, String> {
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Ok(timestamp.as_second());
    }
    let date = text
        .parse::<jiff::civil::Date>()
        .map_err(|_| format!("`{text}` is neither a date like 2025-01-31 nor a timestamp like 2025-01-31T12:00:00Z"))?;
    let start = date.to_zoned(jiff::tz::TimeZone::UTC).map_err(|e| e.to_string())?.timestamp().as_second();
    Ok(start + 86_399)
}

impl Since {
    /// The start of the window, for a clock reading `now`.
    pub fn start(self, now: jiff::Timestamp) -> Result<jiff::Timestamp, jiff::Error> {
        match self {
            Since::Days(days) => Ok(now - jiff::SignedDuration::from_hours(24 * i64::from(days))),
            Since::Date(date) => Ok(date.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp()),
        }
    }
}

/// The command line of `kaizen assess`, as given: nothing resolved, no defaults applied.
#[derive(Debug, Clone, Default)]
pub struct Arguments {
    /// Folders or git URLs to assess.
    pub targets: Vec<String>,
    /// The assessment file (`--config`).
    pub config: Option<PathBuf>,
    /// Plugin folders (`--plugins`).
    pub plugins: Vec<PathBuf>,
    /// Plugins to run alone (`--only`).
    pub only: Vec<String>,
    /// Where to write the outputs (`--out`).
    pub out: Option<PathBuf>,
    /// Output formats (`--format`).
    pub formats: Vec<Format>,
    /// A folder of templates (`--templates`).
    pub templates: Option<PathBuf>,
    /// Plugin runs in parallel (`--jobs`).
    pub jobs: Option<usize>,
    /// The cache folder (`--cache`).
    pub cache: Option<PathBuf>,
    /// Assess remote targets from their cached clones (`--offline`).
    pub offline: bool,
    /// Pipeline-run exports, `[TARGET=]FILE` (`--pipelines`).
    pub pipelines: Vec<String>,
    /// GitHub repositories to fetch runs from, `[TARGET=]OWNER/REPO` (`--github`).
    pub github: Vec<String>,
    /// The GitHub API address (`--github-api`).
    pub github_api: Option<String>,
    /// GitHub organisations (or users) whose repositories are assessed (`--github-org`).
    pub github_orgs: Vec<String>,
    /// GitLab groups whose projects, subgroups included, are assessed (`--gitlab-group`).
    pub gitlab_groups: Vec<String>,
    /// The GitLab API address (`--gitlab-api`).
    pub gitlab_api: Option<String>,
    /// Globs over repository paths to assess, of the organisations given (`--include`).
    pub include: Vec<String>,
    /// Globs over repository paths to leave out (`--exclude`).
    pub exclude: Vec<String>,
    /// Archived repositories too (`--include-archived`).
    pub include_archived: bool,
    /// Forks too (`--include-forks`).
    pub include_forks: bool,
    /// At most this many repositories per organisation (`--max-repos`).
    pub max_repos: Option<usize>,
    /// Fetch the workflow runs of every repository listed from GitHub (`--with-runs`).
    pub with_runs: bool,
    /// Cloud inventories (`--cloud`).
    pub cloud: Vec<PathBuf>,
    /// The git history window (`--since`).
    pub since: Option<Since>,
    /// The moment the assessment is as of (`--as-of`), in seconds since the Unix epoch.
    pub as_of: Option<i64>,
    /// Most commits walked per repository (`--max-commits`).
    pub max_commits: Option<usize>,
    /// Size cap of files, MiB (`--max-file-mb`).
    pub max_file_mb: Option<u64>,
    /// Assess ignored files too (`--no-ignore`).
    pub no_ignore: bool,
    /// The maturity model (`--model`).
    pub model: Option<PathBuf>,
    /// Interview answers (`--answers`).
    pub answers: Option<PathBuf>,
    /// The history folder (`--history`).
    pub history: Option<PathBuf>,
    /// A previous result to compare with (`--baseline`).
    pub baseline: Option<PathBuf>,
    /// What regressions fail the run (`--fail-on-regression`).
    pub fail_on_regression: Option<Gate>,
    /// The shard to assess (`--shard`).
    pub shard: Option<Shard>,
}

/// A target as given: a local folder or a git URL, with its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    /// Where it is.
    pub location: Location,
    /// Labels such as team or service.
    pub labels: BTreeMap<String, String>,
    /// Its name in results, when not the folder's or the repository's (two repositories of
    /// one group may share a name).
    pub name: Option<String>,
}

impl TargetSpec {
    /// The target as given, which identifies it for sharding.
    pub fn id(&self) -> String {
        match &self.location {
            Location::Path(path) => path.display().to_string(),
            Location::Url(url) => url.redacted().to_owned(),
        }
    }

    /// The target's name in results, known before it is collected.
    pub fn name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.location.target_name())
    }

    /// A target of the command line: a folder that exists is a folder, even when its name
    /// looks like `host:path`; otherwise a git URL, if it is one.
    pub fn of(text: &str) -> TargetSpec {
        let location = match RemoteUrl::parse(text) {
            Some(url) if !Path::new(text).exists() => Location::Url(url),
            _ => Location::Path(PathBuf::from(text)),
        };
        TargetSpec { location, labels: BTreeMap::new(), name: None }
    }
}

/// Pipeline runs given for one target: by the assessment file for a named target, or by
/// `--pipelines`/`--github` as written (`[TARGET=]VALUE`), which names its target once the
/// targets are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineSpec {
    /// From the assessment file's `[[pipelines]]`.
    Named {
        /// The target's name.
        target: String,
        /// The source.
        input: PipelineInput,
    },
    /// `--pipelines [TARGET=]FILE`.
    FileFlag(String),
    /// `--github [TARGET=]OWNER/REPO`.
    GithubFlag(String),
}

/// A cloud inventory to assess as a target of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudSpec {
    /// The inventory file.
    pub path: PathBuf,
    /// Labels such as team or environment.
    pub labels: BTreeMap<String, String>,
}

/// Where the model comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// The built-in model, questionnaires/devops.toml.
    BuiltIn,
    /// A model file.
    File(PathBuf),
}

/// Everything an assessment needs to know, each value decided once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The assessment file, if one was read: checked against the plugins and the model once
    /// they are loaded.
    pub file: Option<AssessmentFile>,
    /// Plugin folders: the file's, then `--plugins`.
    pub plugin_dirs: Vec<PathBuf>,
    /// Plugins to run alone (empty: all).
    pub only: Vec<String>,
    /// Where the outputs go: `--out`, else the file's, else `kaizen-report`.
    pub out: PathBuf,
    /// Output formats.
    pub formats: Vec<Format>,
    /// A folder of templates over the built-in ones.
    pub templates: Option<PathBuf>,
    /// Plugin runs in parallel (0: one per core).
    pub jobs: usize,
    /// The cache folder: `--cache`, else `$KAIZEN_CACHE_DIR`, else the user's cache folder.
    pub cache_dir: Option<PathBuf>,
    /// Remote targets are assessed from their cached clones.
    pub offline: bool,
    /// Targets: the command line's, else the file's, else none when cloud inventories are
    /// given, else the current folder.
    pub targets: Vec<TargetSpec>,
    /// Cloud inventories: the file's, then `--cloud`.
    pub clouds: Vec<CloudSpec>,
    /// Organisations and groups to list repositories from: the command line's, else the
    /// file's.
    pub sources: Vec<Source>,
    /// Pipeline-run sources: the file's, then `--pipelines`, then `--github`.
    pub pipelines: Vec<PipelineSpec>,
    /// Patterns marking a run as a deployment: the file's, else the defaults.
    pub deploy_patterns: DeployPatterns,
    /// The GitHub API address: `--github-api`, else the file's (`None`: the public API).
    pub github_api: Option<String>,
    /// The GitLab API address: `--gitlab-api`, else the file's (`None`: gitlab.com).
    pub gitlab_api: Option<String>,
    /// "Now", in seconds since the Unix epoch.
    pub now: i64,
    /// The git window and commit cap: `--since`/`--max-commits`, else the file's, else 365
    /// days and 100,000 commits.
    pub git: GitOptions,
    /// How targets are walked: `--no-ignore` and `--max-file-mb` over the file's, else the
    /// targets' ignore files are honoured and files over 10 MiB left out.
    pub walk: WalkOptions,
    /// The model: `--model`, else the file's, else the built-in one.
    pub model: ModelSource,
    /// Interview answers: `--answers`, else the file's.
    pub answers: Option<PathBuf>,
    /// The history folder: `--history`, else the file's.
    pub history: Option<PathBuf>,
    /// A previous result to compare with.
    pub baseline: Option<PathBuf>,
    /// What regressions since the baseline fail the run.
    pub gate: Option<Gate>,
    /// The roadmap's capacity, effort points per quarter: the file's, else the default.
    pub capacity: u32,
    /// The shard to assess.
    pub shard: Option<Shard>,
}

/// Why the settings cannot be resolved.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The assessment file cannot be read or has problems.
    #[error(transparent)]
    File(#[from] crate::diag::Diagnostics),
    /// `--since` names a date after now.
    #[error("--since {0} is in the future")]
    SinceInFuture(jiff::civil::Date),
    /// `--since` names a date that cannot be placed in time.
    #[error(transparent)]
    Since(#[from] jiff::Error),
    /// `--github-org` or `--gitlab-group` is not a name.
    #[error("{flag} {value}: not {what}")]
    Owner {
        /// The flag.
        flag: &'static str,
        /// Its value.
        value: String,
        /// What it should be.
        what: &'static str,
    },
    /// `--include` or `--exclude` is not a glob.
    #[error("{flag} {value}: invalid glob: {message}")]
    Glob {
        /// The flag.
        flag: &'static str,
        /// Its value.
        value: String,
        /// Why.
        message: String,
    },
}

/// The default output folder.
pub const DEFAULT_OUT: &str = "kaizen-report";

impl Settings {
    /// Reads the assessment file (`--config`, else `./kaizen.toml` when it exists) and
    /// resolves the command line over it, for a clock reading `now`.
    pub fn load(args: Arguments, now: i64) -> Result<Settings, SettingsError> {
        let file = config_path(args.config.as_deref()).map(|path| AssessmentFile::load(&path)).transpose()?;
        let now = args.as_of.unwrap_or(now);
        Settings::resolve(args, file, now)
    }

    /// Resolves the command line over the assessment file over the defaults, for a clock
    /// reading `now` (seconds since the Unix epoch).
    pub fn resolve(args: Arguments, file: Option<AssessmentFile>, now: i64) -> Result<Settings, SettingsError> {
        let f = file.as_ref();
        let since_days = match args.since {
            None => f.and_then(|f| f.since_days).unwrap_or(365),
            Some(Since::Days(days)) => days,
            Some(Since::Date(date)) => {
                let start = date.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp().as_second();
                if start >= now {
                    return Err(SettingsError::SinceInFuture(date));
                }
                ((now - start) / 86_400).max(1) as u32
            }
        };
        let clouds: Vec<CloudSpec> = f
            .into_iter()
            .flat_map(|f| f.cloud.iter().map(|c| CloudSpec { path: c.path.clone(), labels: c.labels.clone() }))
            .chain(args.cloud.iter().map(|p| CloudSpec { path: p.clone(), labels: BTreeMap::new() }))
            .collect();
        // Targets and organisations on the command line replace the file's.
        let given = !args.targets.is_empty() || !args.github_orgs.is_empty() || !args.gitlab_groups.is_empty();
        let sources =
            if given { command_line_sources(&args)? } else { f.map(|f| f.sources.clone()).unwrap_or_default() };
        let targets = match (f, given) {
            (Some(file), false) if !file.targets.is_empty() || !file.sources.is_empty() => file
                .targets
                .iter()
                .map(|t| TargetSpec { location: t.location.clone(), labels: t.labels.clone(), name: None })
                .collect(),
            // Only cloud inventories given: they are the assessment.
            (_, false) if !clouds.is_empty() => Vec::new(),
            (_, false) => vec![TargetSpec::of(".")],
            (_, true) => args.targets.iter().map(|t| TargetSpec::of(t)).collect(),
        };
        let pipelines = f
            .into_iter()
            .flat_map(|f| {
                f.pipelines.iter().map(|p| PipelineSpec::Named { target: p.target.clone(), input: p.input.clone() })
            })
            .chain(args.pipelines.into_iter().map(PipelineSpec::FileFlag))
            .chain(args.github.into_iter().map(PipelineSpec::GithubFlag))
            .collect();
        let defaults = DeployPatterns::default();
        let deploy_patterns = DeployPatterns {
            workflow: f.and_then(|f| f.deployment_workflows.clone()).unwrap_or(defaults.workflow.clone()),
            environment: f.and_then(|f| f.deployment_environments.clone()).unwrap_or(defaults.environment.clone()),
            ..defaults
        };
        let max_file_size = args
            .max_file_mb
            .or(f.and_then(|f| f.max_file_mb))
            .map(|mib| mib.saturating_mul(1 << 20))
            .unwrap_or(crate::collect::DEFAULT_MAX_FILE_SIZE);
        Ok(Settings {
            plugin_dirs: f.map(|f| f.plugin_dirs.clone()).unwrap_or_default().into_iter().chain(args.plugins).collect(),
            only: args.only,
            out: args.out.or(f.and_then(|f| f.out.clone())).unwrap_or_else(|| PathBuf::from(DEFAULT_OUT)),
            formats: args.formats,
            templates: args.templates,
            jobs: args.jobs.unwrap_or(0),
            cache_dir: args.cache.or_else(crate::default_cache_dir),
            offline: args.offline,
            targets,
            clouds,
            sources,
            pipelines,
            deploy_patterns,
            github_api: args.github_api.or_else(|| f.and_then(|f| f.github_api.clone())),
            gitlab_api: args.gitlab_api.or_else(|| f.and_then(|f| f.gitlab_api.clone())),
            now,
            git: GitOptions {
                since_days,
                max_commits: args.max_commits.or(f.and_then(|f| f.max_commits)).unwrap_or(100_000),
                now,
            },
            walk: WalkOptions {
                respect_gitignore: !args.no_ignore && f.and_then(|f| f.respect_gitignore).unwrap_or(true),
                max_file_size,
            },
            model: match args.model.or_else(|| f.and_then(|f| f.model.clone())) {
                Some(path) => ModelSource::File(path),
                None => ModelSource::BuiltIn,
            },
            answers: args.answers.or_else(|| f.and_then(|f| f.answers.clone())),
            history: args.history.or_else(|| f.and_then(|f| f.history.clone())),
            baseline: args.baseline,
            gate: args.fail_on_regression,
            capacity: f.and_then(|f| f.capacity).unwrap_or(crate::roadmap::DEFAULT_CAPACITY),
            shard: args.shard,
            file,
        })
    }

    /// The start of the git history window, in seconds since the Unix epoch.
    pub fn since(&self) -> i64 {
        self.now - i64::from(self.git.since_days) * 86_400
    }

    /// The folders Kaizen writes that exist (the outputs, the history, the cache),
    /// canonical. A target never includes them: the report of one run is not evidence on
    /// the next.
    pub fn kaizen_folders(&self) -> Vec<PathBuf> {
        [Some(&self.out), self.history.as_ref(), self.cache_dir.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|folder| std::fs::canonicalize(folder).ok())
            .collect()
    }

    /// The organisation's name, from the assessment file.
    pub fn organisation(&self) -> Option<&str> {
        self.file.as_ref().and_then(|f| f.organisation.as_deref())
    }
}

/// The organisations and groups of the command line, with its filters.
fn command_line_sources(args: &Arguments) -> Result<Vec<Source>, SettingsError> {
    for (flag, value) in
        args.include.iter().map(|v| ("--include", v)).chain(args.exclude.iter().map(|v| ("--exclude", v)))
    {
        if let Err(e) = globset::GlobBuilder::new(value).literal_separator(true).build() {
            return Err(SettingsError::Glob { flag, value: value.clone(), message: e.kind().to_string() });
        }
    }
    let filter = Filter {
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        archived: args.include_archived,
        forks: args.include_forks,
        max_repos: args.max_repos,
    };
    let orgs = args.github_orgs.iter().map(|o| (Forge::Github, o));
    let groups = args.gitlab_groups.iter().map(|g| (Forge::Gitlab, g));
    orgs.chain(groups)
        .map(|(forge, owner)| {
            let owner = owner.trim_matches('/');
            let nested = forge == Forge::Gitlab;
            if !valid_owner(owner, nested) {
                return Err(SettingsError::Owner {
                    flag: if nested { "--gitlab-group" } else { "--github-org" },
                    value: owner.to_owned(),
                    what: if nested {
                        "a GitLab group path like acme/platform"
                    } else {
                        "a GitHub organisation or user"
                    },
                });
            }
            Ok(Source {
                forge,
                owner: owner.to_owned(),
                filter: filter.clone(),
                labels: BTreeMap::new(),
                topics: true,
                topic_labels: Vec::new(),
                pipelines: args.with_runs,
            })
        })
        .collect()
}

/// The assessment file of a run: `--config`, else `./kaizen.toml` when it exists.
pub fn config_path(config: Option<&Path>) -> Option<PathBuf> {
    match config {
        Some(path) => Some(path.to_path_buf()),
        None if Path::new(crate::config::DEFAULT_FILE).is_file() => Some(PathBuf::from(crate::config::DEFAULT_FILE)),
        None => None,
    }
}

#[cfg(test)]
mod tests;
