//! `kaizen compare`: what changed between two results.

use kaizen::history;
use kaizen::result::AssessmentResult;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text for the terminal (Markdown).
    Table,
    /// Markdown, for a pull request or a wiki.
    Md,
    /// JSON, for other tools.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The older result.json.
    old: PathBuf,
    /// The newer result.json.
    new: PathBuf,
    /// How to print the comparison.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let old = AssessmentResult::load(&args.old)?;
    let new = AssessmentResult::load(&args.new)?;
    let comparison = history::compare(&old, &new);
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&comparison)?)?,
        Format::Md | Format::Table => out!("{}", comparison.markdown())?,
    }
    Ok(ExitCode::SUCCESS)
}
