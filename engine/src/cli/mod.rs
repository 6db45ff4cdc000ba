//! Command-line arguments and dispatch. Each subcommand lives in its own file; everything
//! real is in the library.

/// `println!` that hands back the write's error instead of panicking: when the reader of
/// stdout has gone (`kaizen schema | head -1`), the command stops there and `main` ends it
/// quietly, as ripgrep does.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `print!` that hands back the write's error (see `outln!`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod assess;
mod collect;
mod compare;
mod completions;
mod init;
mod man;
mod merge;
mod model;
mod plugin;
mod questionnaire;
mod report;
mod schema;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Kaizen: assess DevOps maturity from what repositories show, with sandboxed plugins.
#[derive(Debug, Parser)]
#[command(name = "kaizen", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Log more (repeat for more detail); logs go to stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess targets (folders) and write result.json and report.md.
    Assess(Box<assess::Args>),
    /// Collect evidence that needs credentials or the network (an AWS account, pipeline runs)
    /// into a file to assess later, offline.
    #[command(subcommand)]
    Collect(collect::Command),
    /// Show what changed between two results: area levels, practices gained and lost with
    /// their evidence, DORA keys, coverage, plugin errors.
    Compare(compare::Args),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Write a commented assessment file (kaizen.toml) to start from.
    Init(init::Args),
    /// Print the manual page (or write one per command into a folder with --out).
    Man(man::Args),
    /// Combine the results of `kaizen assess --shard I/N` into one result and its reports.
    Merge(merge::Args),
    /// Check a maturity model (questionnaires/*.toml).
    #[command(subcommand)]
    Model(model::Command),
    /// Interview in the terminal and write answers.toml (or write a commented template to
    /// fill in by hand).
    Questionnaire(questionnaire::Args),
    /// Render the reports of a result.json again, without assessing.
    Report(report::Args),
    /// Print the JSON Schema of result.json (every field documented).
    Schema(schema::Args),
    /// List, check and inspect plugins.
    #[command(subcommand)]
    Plugin(plugin::Command),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Assess(args) => assess::run(*args),
        Command::Collect(command) => collect::run(command),
        Command::Compare(args) => compare::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Init(args) => init::run(args),
        Command::Man(args) => man::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Model(command) => model::run(command),
        Command::Questionnaire(args) => questionnaire::run(args),
        Command::Report(args) => report::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Plugin(command) => plugin::run(command, cli.verbose),
    }
}

/// Sends `tracing` logs to stderr: warnings by default, more with `-v`, or `KAIZEN_LOG`.
pub fn init_logging(verbose: u8) {
    // The AWS SDK warns on every credential and region source it tries (instance metadata
    // on a laptop): the collector reports what matters in its own words, so its warnings
    // show from -v on.
    // The code generator of the WebAssembly runtime traces every instruction it compiles
    // (millions of lines per plugin): it is left at warnings, ask KAIZEN_LOG for it.
    const COMPILER: &str =
        "cranelift_codegen=warn,cranelift_frontend=warn,regalloc2=warn,wasmtime_internal_cranelift=warn";
    let default = match verbose {
        0 => "warn,aws_config=error,aws_smithy_runtime=error,aws_smithy_http_client=error".to_owned(),
        1 => "info".to_owned(),
        2 => format!("debug,{COMPILER}"),
        _ => format!("trace,{COMPILER}"),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KAIZEN_LOG").unwrap_or_else(|_| default.into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .try_init();
}
