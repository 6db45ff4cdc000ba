//! `kaizen report`: re-render the reports of a result without assessing again.

use anyhow::Context;
use kaizen::result::AssessmentResult;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// report.md, for wikis and pull requests.
    Md,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The result.json to render.
    result: PathBuf,
    /// Where to write the reports [default: the result's folder].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Output formats (comma-separated).
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "md")]
    format: Vec<Format>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(&args.result).with_context(|| format!("cannot read {}", args.result.display()))?;
    let result = AssessmentResult::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", args.result.display()))?;
    let out = args
        .out
        .or_else(|| args.result.parent().map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    if args.format.contains(&Format::Md) {
        let path = out.join("report.md");
        kaizen::output::write_atomic(&path, kaizen::report::markdown(&result)?.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
