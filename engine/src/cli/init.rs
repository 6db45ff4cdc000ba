//! `kaizen init`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write it.
    #[arg(default_value = kaizen::config::DEFAULT_FILE)]
    path: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.force || !args.path.exists(),
        "{} already exists; pass --force to replace it",
        args.path.display()
    );
    kaizen::output::write_atomic(&args.path, kaizen::config::TEMPLATE.as_bytes())?;
    eprintln!("wrote {}: edit it, then run `kaizen assess`", args.path.display());
    Ok(ExitCode::SUCCESS)
}
