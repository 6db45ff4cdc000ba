//! `kaizen man`: manual pages from the argument definitions, `kaizen.1` on stdout or one
//! page per command (`kaizen-assess.1`, `kaizen-collect-aws.1`...) into a folder.

use anyhow::Context;
use clap::CommandFactory;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write kaizen.1 and a page for every subcommand into this folder instead of printing
    /// kaizen.1.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let command = super::Cli::command();
    match args.out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            out!("{}", String::from_utf8(page)?)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let mut written = Vec::new();
            write_pages(command, "kaizen", &dir, &mut written)?;
            for path in written {
                eprintln!("wrote {}", path.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the page of `command`, named `name` (`kaizen-collect-aws`), then its
/// subcommands' pages; `help` is left out, it has no page of its own.
fn write_pages(command: clap::Command, name: &str, dir: &Path, written: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let command = command.name(name.to_owned()).bin_name(name.replace('-', " "));
    let path = dir.join(format!("{name}.1"));
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        write_pages(sub.clone(), &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}
