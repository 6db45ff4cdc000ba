//! `kaizen completions SHELL`: a completion script for a shell, from the same argument
//! definitions the command parses with.

use clap::CommandFactory;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "kaizen", &mut script);
    out!("{}", String::from_utf8(script)?)?;
    Ok(ExitCode::SUCCESS)
}
