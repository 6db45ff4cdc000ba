//! `kaizen merge`: combine the results of `kaizen assess --shard I/N` into one.

use kaizen::report::{output, Format};
use kaizen::result::AssessmentResult;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The result.json of every shard.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Where to write the merged result and reports.
    #[arg(long, value_name = "DIR", default_value = "kaizen-report")]
    out: PathBuf,
    /// Output formats (comma-separated): json, md, html, sarif, xlsx.
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "json,md,html")]
    format: Vec<Format>,
    /// Templates overriding the built-in ones by name (report.md.j2, report.html.j2).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let templates = output::prepare(&args.format, args.templates.as_deref(), &args.out)?;
    let mut parts = Vec::new();
    for path in &args.parts {
        parts.push((path.clone(), AssessmentResult::load(path)?));
    }
    let merged = kaizen::shard::merge(parts)?;
    output::write(&merged, &args.format, &templates, &args.out)?;
    eprintln!(
        "merged {} shards: {} targets, {} not assessed; wrote {}",
        args.parts.len(),
        merged.targets.len(),
        merged.unavailable.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
