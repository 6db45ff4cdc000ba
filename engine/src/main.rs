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
        // The reader of stdout went away (`kaizen schema | head -1`): it has what it wanted.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            // The chain, leaving out a cause the message before it already quotes (errors
            // that name their source in their own message).
            let mut message = error.to_string();
            for cause in error.chain().skip(1).map(|c| c.to_string()) {
                if !message.contains(&cause) {
                    message = format!("{message}: {cause}");
                }
            }
            if is_diagnostic(&message) {
                // A problem in a user file already reads `file:line:col: error[code]: …`.
                eprintln!("{message}");
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::from(2)
        }
    }
}

/// Whether writing to stdout failed because its reader closed the pipe.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Whether a message starts as a user file's diagnostic does: `LOCATION: error[code]: `,
/// the location being a path with an optional line and column.
fn is_diagnostic(message: &str) -> bool {
    let first = message.lines().next().unwrap_or_default();
    let Some((location, rest)) = first.split_once(": error[") else {
        return false;
    };
    !location.is_empty()
        && !location.contains(": ")
        && rest.split_once("]: ").is_some_and(|(code, _)| {
            !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}
