//! The `kaizen` command: parses arguments, runs the library, maps the outcome to an exit
//! code (0 done, 1 a gate failed, 2 could not run).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_logging(args.verbose);
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            // The chain, leaving out a cause the message before it already quotes (errors
            // that name their source in their own message).
            let mut message = error.to_string();
            for cause in error.chain().skip(1).map(|c| c.to_string()) {
                if !message.contains(&cause) {
                    message = format!("{message}: {cause}");
                }
            }
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
