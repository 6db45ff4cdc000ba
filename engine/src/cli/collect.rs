//! `kaizen collect`: gather evidence that needs credentials or the network now, into a file
//! that `assess` reads later, offline and reproducibly. One sub-subcommand per collector.

use anyhow::Context;
use kaizen::collect::pipelines::{self, DeployPatterns, GithubFetch, Imported};
use kaizen::settings::Since;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Collect a read-only inventory of an AWS account into a JSON snapshot.
    Aws(AwsArgs),
    /// Import pipeline-run exports and fetch runs from GitHub; write them normalised as
    /// one JSON file (kind "kaizen-pipeline-runs") that assessments can read.
    Pipelines(PipelinesArgs),
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Aws(args) => aws(args),
        Command::Pipelines(args) => pipelines_command(args),
    }
}

#[derive(Debug, clap::Args)]
pub struct AwsArgs {
    /// Named profile of the shared AWS config and credentials files [default: $AWS_PROFILE,
    /// else the standard credential chain].
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Region of the regional services (repeatable, or comma-separated) [default: the
    /// profile's or $AWS_REGION, else us-east-1]. IAM and the S3 bucket list are read once.
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
    regions: Vec<String>,
    /// Where to write the snapshot [default: aws-inventory-<ACCOUNT>.json].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// CodePipeline executions read per pipeline, newest first [default: 100].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..=100))]
    max_executions: Option<i32>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct PipelinesArgs {
    /// Export files: gh run list JSON, GitHub REST actions/runs pages, GitLab pipelines,
    /// aws codepipeline list-pipeline-executions output, a Kaizen AWS inventory.
    files: Vec<PathBuf>,
    /// Also fetch this repository's workflow runs from the GitHub API, with the token in
    /// GITHUB_TOKEN (or GH_TOKEN).
    #[arg(long, value_name = "OWNER/REPO")]
    github: Vec<String>,
    /// The GitHub API address, for GitHub Enterprise (https://HOST/api/v3).
    #[arg(long, value_name = "URL", default_value = pipelines::github_api::DEFAULT_API)]
    github_api: String,
    /// Runs to fetch from GitHub: a number of days back, or a date (YYYY-MM-DD) [default: 365].
    #[arg(long, value_name = "DAYS|DATE", value_parser = kaizen::settings::parse_since)]
    since: Option<Since>,
    /// Most runs fetched per GitHub repository, newest first.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_runs: usize,
    /// Longest wait, in seconds, for a GitHub rate limit to reset before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    max_wait: u64,
    /// Where to write the runs [default: standard output].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn pipelines_command(args: PipelinesArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        !args.files.is_empty() || !args.github.is_empty(),
        "nothing to collect: give export files, --github OWNER/REPO, or both"
    );
    // The assessment file's patterns apply when runs are assessed; these mark the file.
    let patterns = DeployPatterns::default();
    let now = jiff::Timestamp::now();
    let mut imports: Vec<Imported> = Vec::new();
    for path in &args.files {
        imports.push(pipelines::import_file(path, &patterns)?);
    }
    if !args.github.is_empty() {
        let since = args.since.unwrap_or(Since::Days(365)).start(now)?;
        let token = pipelines::token_from_env();
        if token.is_none() {
            eprintln!("note: no GITHUB_TOKEN or GH_TOKEN: GitHub allows 60 unauthenticated requests an hour");
        }
        for repo in &args.github {
            let fetch = GithubFetch {
                api_base: args.github_api.clone(),
                token: token.clone(),
                max_runs: args.max_runs,
                max_wait: Duration::from_secs(args.max_wait),
                ..GithubFetch::new(repo, since)
            };
            imports.push(fetch.run(&patterns).with_context(|| format!("cannot fetch the runs of {repo}"))?);
        }
    }
    for import in &imports {
        for warning in &import.warnings {
            eprintln!("warning: {warning}");
        }
        let from = match (&import.source.path, &import.source.url) {
            (Some(path), _) => path.display().to_string(),
            (None, Some(url)) => url.clone(),
            (None, None) => String::new(),
        };
        let deployments = import.runs.iter().filter(|r| r.deployment).count();
        eprintln!(
            "{from}: {} runs ({deployments} deployments), {}",
            import.runs.len(),
            serde_json::to_value(import.source.format)?.as_str().unwrap_or_default()
        );
    }
    let json = pipelines::to_runs_file(&imports, now);
    match &args.out {
        Some(path) => {
            kaizen::output::write_atomic(path, json.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(json.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "aws"))]
fn aws(_: AwsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this build of kaizen has no AWS collector: it was built without the cargo feature `aws`, \
         which a build from a checkout leaves out (it doubles the build time).\n\
         Install a release archive, which has it, or build with the feature: \
         `cargo install --path engine --features aws` (or `cargo run --release --features aws -- collect aws`)."
    )
}

#[cfg(feature = "aws")]
fn aws(args: AwsArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use kaizen::collect::aws;

    let started = std::time::Instant::now();
    let options = aws::Options {
        profile: args.profile,
        regions: args.regions,
        max_executions: args.max_executions.unwrap_or(aws::DEFAULT_MAX_EXECUTIONS),
        ..aws::Options::default()
    };
    let inventory = aws::collect(&options)?;
    let out = args.out.unwrap_or_else(|| PathBuf::from(format!("aws-inventory-{}.json", inventory.account_id)));
    let mut json = serde_json::to_vec_pretty(&inventory)?;
    json.push(b'\n');
    kaizen::output::write_atomic(&out, &json).with_context(|| format!("cannot write {}", out.display()))?;
    if !args.quiet {
        eprintln!("account {}, regions {}", inventory.account_id, inventory.regions.join(", "));
        if !inventory.errors.is_empty() {
            eprintln!("{} calls failed (recorded in the snapshot; the rest was collected):", inventory.errors.len());
            for e in &inventory.errors {
                let place = [e.region.as_deref(), e.resource.as_deref()].into_iter().flatten().collect::<Vec<_>>();
                let place = if place.is_empty() { String::new() } else { format!(" ({})", place.join(", ")) };
                eprintln!("  {}:{}{place}: {}: {}", e.service, e.operation, e.code, e.message);
            }
        }
        eprintln!("wrote {} in {:.1} s", out.display(), started.elapsed().as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}
