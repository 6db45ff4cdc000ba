//! The flags of `kaizen assess`, as clap reads them, and the plain [`Arguments`] they
//! become for the library (which resolves them over the assessment file).

use kaizen::history::Gate;
use kaizen::report::Format;
use kaizen::settings::{Arguments, Since};
use std::path::PathBuf;

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
    /// Output formats (comma-separated): json, md, html, sarif, pdf, xlsx.
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
    /// Assess every repository of a GitHub organisation (or user), listed through the API
    /// with GITHUB_TOKEN or GH_TOKEN, cloned into the cache (repeatable). Archived
    /// repositories and forks are left out unless asked for.
    #[arg(long = "github-org", value_name = "ORG", help_heading = "Organisations")]
    github_org: Vec<String>,
    /// Assess every project of a GitLab group and its subgroups, listed through the API with
    /// GITLAB_TOKEN (repeatable).
    #[arg(long = "gitlab-group", value_name = "GROUP", help_heading = "Organisations")]
    gitlab_group: Vec<String>,
    /// The GitLab API address, for self-managed GitLab [default: https://gitlab.com/api/v4].
    #[arg(long, value_name = "URL", help_heading = "Organisations")]
    gitlab_api: Option<String>,
    /// Only the repositories whose path below the organisation matches this glob
    /// (repeatable; `svc-*`, `platform/**`).
    #[arg(long, value_name = "GLOB", help_heading = "Organisations")]
    include: Vec<String>,
    /// Leave out the repositories whose path matches this glob (repeatable).
    #[arg(long, value_name = "GLOB", help_heading = "Organisations")]
    exclude: Vec<String>,
    /// Assess archived repositories too.
    #[arg(long, help_heading = "Organisations")]
    include_archived: bool,
    /// Assess forks too.
    #[arg(long, help_heading = "Organisations")]
    include_forks: bool,
    /// At most this many repositories per organisation: the most recently pushed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Organisations")]
    max_repos: Option<u32>,
    /// Fetch the workflow runs (GitHub) or pipelines (GitLab) of every repository listed, for
    /// the DORA keys.
    #[arg(long, help_heading = "Organisations")]
    with_runs: bool,
    /// An AWS inventory from `kaizen collect aws`, assessed as a target of its own by the
    /// plugins that read cloud inventories (repeatable).
    #[arg(long = "cloud", value_name = "FILE")]
    cloud: Vec<PathBuf>,
    /// Git history to read: a number of days back, or a date (YYYY-MM-DD) [default: 365].
    #[arg(long, value_name = "DAYS|DATE", value_parser = kaizen::settings::parse_since)]
    since: Option<Since>,
    /// Assess as of this moment rather than now (YYYY-MM-DD or an RFC 3339 timestamp): the
    /// git history window and the ages of branches and releases are counted back from it.
    /// For a snapshot taken earlier, or a repository pinned to an old commit.
    #[arg(long, value_name = "DATE", value_parser = kaizen::settings::parse_as_of)]
    as_of: Option<i64>,
    /// Most commits walked per repository for git facts, newest first [default: 100000].
    #[arg(long, value_name = "N")]
    max_commits: Option<usize>,
    /// Leave out files larger than this many MiB [default: 10].
    #[arg(long, value_name = "MIB")]
    max_file_mb: Option<u64>,
    /// Also assess files the targets' .gitignore files ignore (build output, dependencies).
    #[arg(long)]
    no_ignore: bool,
    /// The maturity model to score against: a file, or a built-in model by name (devops,
    /// dora-capabilities, aws-devops-guidance) [default: devops].
    #[arg(long, value_name = "FILE|NAME")]
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
    /// the organisation's or a target's), `practices` (a practice was lost), `score` (a
    /// score dropped: the organisation's, a target's or an area's), or all three (the
    /// default); `exemptions` adds an exemption of the assessment file past its `expires`
    /// day. A value is written after `=` (`--fail-on-regression=levels`), so the argument
    /// after the flag is never taken for one.
    #[arg(
        long,
        value_name = "WHAT",
        value_delimiter = ',',
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "levels,practices,score",
        requires = "baseline"
    )]
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
    /// A score dropped.
    Score,
    /// An exemption of the assessment file expired.
    Exemptions,
}

impl Args {
    /// Whether to print nothing but errors.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// The plain arguments the library resolves.
    pub fn into_arguments(self) -> Arguments {
        Arguments {
            targets: self.targets,
            config: self.config,
            plugins: self.plugins,
            only: self.only,
            out: self.out,
            formats: self.format,
            templates: self.templates,
            jobs: self.jobs,
            cache: self.cache,
            offline: self.offline,
            pipelines: self.pipelines,
            github: self.github,
            github_api: self.github_api,
            github_orgs: self.github_org,
            gitlab_groups: self.gitlab_group,
            gitlab_api: self.gitlab_api,
            include: self.include,
            exclude: self.exclude,
            include_archived: self.include_archived,
            include_forks: self.include_forks,
            max_repos: self.max_repos.map(|n| n as usize),
            with_runs: self.with_runs,
            cloud: self.cloud,
            since: self.since,
            as_of: self.as_of,
            max_commits: self.max_commits,
            max_file_mb: self.max_file_mb,
            no_ignore: self.no_ignore,
            model: self.model,
            answers: self.answers,
            history: self.history,
            baseline: self.baseline,
            fail_on_regression: self.fail_on_regression.map(|what| Gate {
                levels: what.contains(&Regression::Levels),
                practices: what.contains(&Regression::Practices),
                score: what.contains(&Regression::Score),
                exemptions: what.contains(&Regression::Exemptions),
            }),
            shard: self.shard,
        }
    }
}
