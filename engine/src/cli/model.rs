//! `kaizen model`: check a maturity model file.

use kaizen::model::{self, Catalogue};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a model file: syntax, references to plugins' checks and facts, questions,
    /// dependencies, levels and Markdown. Every problem is reported with its line and column.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The model file, or the name of a built-in model (devops, dora-capabilities,
    /// aws-devops-guidance) [default: devops].
    file: Option<PathBuf>,
    /// Plugin folders whose checks and facts the model may use, besides the built-in plugins
    /// (repeatable).
    #[arg(long = "plugins", value_name = "DIR")]
    plugins: Vec<PathBuf>,
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Check(args) => check(args),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let catalogue = Catalogue::from_registry(&kaizen::plugin::Registry::with_dirs(&args.plugins)?);
    let (path, source) = match &args.file {
        Some(file) => match model::source_of(file) {
            Ok((path, _, source)) => (path, source),
            Err(problem) => {
                eprintln!("{problem}");
                return Ok(ExitCode::from(2));
            }
        },
        None => (PathBuf::from(model::DEFAULT_PATH), model::DEFAULT_SOURCE.to_owned()),
    };
    match model::load(&path, &source, &catalogue) {
        Ok(model) => {
            outln!(
                "{}: model `{}` {} is valid: {} areas, {} practices, {} questions",
                path.display(),
                model.id,
                model.version,
                model.areas.len(),
                model.practices.len(),
                model.questions.len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            eprintln!("{problems}");
            let n = problems.0.len();
            eprintln!("{}: {n} problem{}", path.display(), if n == 1 { "" } else { "s" });
            Ok(ExitCode::from(2))
        }
    }
}
