//! `kaizen merge`: combine the results of `kaizen assess --shard I/N` into one.

use anyhow::Context;
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
    /// Output formats (comma-separated).
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "json,md")]
    format: Vec<super::assess::Format>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut parts = Vec::new();
    for path in &args.parts {
        parts.push((path.clone(), super::compare::read(path)?));
    }
    let merged = kaizen::shard::merge(parts)?;
    if args.format.contains(&super::assess::Format::Json) {
        let path = args.out.join("result.json");
        let mut json = serde_json::to_vec_pretty(&merged)?;
        json.push(b'\n');
        kaizen::output::write_atomic(&path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.format.contains(&super::assess::Format::Md) {
        let path = args.out.join("report.md");
        kaizen::output::write_atomic(&path, kaizen::report::markdown(&merged)?.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "merged {} shards: {} targets, {} not assessed; wrote {}",
        args.parts.len(),
        merged.targets.len(),
        merged.unavailable.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
