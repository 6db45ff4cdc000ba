//! `kaizen collect`: gather evidence that needs credentials or the network, into a file that
//! `assess` reads later, offline.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Collect a read-only inventory of an AWS account into a JSON snapshot.
    Aws(AwsArgs),
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

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Aws(args) => aws(args),
    }
}

#[cfg(not(feature = "aws"))]
fn aws(_: AwsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this build of kaizen has no AWS collector: it was built without the cargo feature `aws`.\n\
         Build it with the feature, which is on by default: `cargo build --release` (or \
         `cargo install --path engine`) without `--no-default-features`, or add `--features aws`."
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
