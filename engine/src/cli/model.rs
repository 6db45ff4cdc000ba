//! `kaizen model`: check a maturity model file.

use kaizen::model::{self, Catalogue};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a model file: syntax, references to plugins' checks and facts, questions,
    /// dependencies, levels and Markdown. Every problem is reported with its line and column.
    Check(CheckArgs),
    /// Export a model as an AWS Well-Architected Tool custom lens (JSON), or an assessment's
    /// answers as the choices selected in that lens.
    Export(ExportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The model file, or the name of a built-in model [default: devops]; with --answers,
    /// the model the result holds.
    model: Option<PathBuf>,
    /// What to export: wa-lens (the lens), wa-answers (with --answers: the choices to select
    /// per question, as the Well-Architected Tool's UpdateAnswer takes them).
    #[arg(long, value_name = "FORMAT", default_value = "wa-lens")]
    format: ExportFormat,
    /// The result.json whose answers to export (--format wa-answers).
    #[arg(long, value_name = "RESULT")]
    answers: Option<PathBuf>,
    /// The target whose answers to export, when the result has several.
    #[arg(long, value_name = "NAME")]
    target: Option<String>,
    /// Where to write the JSON [default: stdout].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    WaLens,
    WaAnswers,
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
        Command::Export(args) => export(args),
    }
}

/// The model a command names (a file, or a built-in model by name), else the default one:
/// the path diagnostics name, and its text.
fn source(model: Option<&std::path::Path>) -> Result<(PathBuf, String), kaizen::diag::Diagnostics> {
    match model {
        Some(model) => model::source_of(model).map(|(path, _, text)| (path, text)),
        None => Ok((PathBuf::from(model::DEFAULT_PATH), model::DEFAULT_SOURCE.to_owned())),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let catalogue = Catalogue::from_registry(&kaizen::plugin::Registry::with_dirs(&args.plugins)?);
    let (path, source) = match source(args.file.as_deref()) {
        Ok(found) => found,
        Err(problem) => {
            eprintln!("{problem}");
            return Ok(ExitCode::from(2));
        }
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

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let json = match args.format {
        ExportFormat::WaLens => {
            if args.answers.is_some() {
                anyhow::bail!("--answers goes with --format wa-answers");
            }
            let (path, source) = match source(args.model.as_deref()) {
                Ok(found) => found,
                Err(problem) => {
                    eprintln!("{problem}");
                    return Ok(ExitCode::from(2));
                }
            };
            let catalogue = Catalogue::from_registry(&kaizen::plugin::Registry::builtin()?);
            let loaded = match model::load(&path, &source, &catalogue) {
                Ok(m) => m,
                Err(problems) => {
                    eprintln!("{problems}");
                    return Ok(ExitCode::from(2));
                }
            };
            serde_json::to_string_pretty(&model::lens::lens(&loaded))?
        }
        ExportFormat::WaAnswers => {
            let Some(result_path) = &args.answers else {
                anyhow::bail!("--format wa-answers needs --answers RESULT.json");
            };
            if args.model.is_some() {
                anyhow::bail!("with --answers the model is the one the result holds: give no model");
            }
            let result = kaizen::result::AssessmentResult::load(result_path)?;
            let record = result.model.as_ref().context("the result holds no model: it was not scored")?;
            let scored: Vec<_> = result.targets.iter().filter(|t| t.assessment.is_some()).collect();
            let target = match &args.target {
                Some(name) => scored.iter().find(|t| &t.name == name).copied().with_context(|| {
                    let names: Vec<&str> = scored.iter().map(|t| t.name.as_str()).collect();
                    format!("no scored target `{name}` in {}; it has {}", result_path.display(), names.join(", "))
                })?,
                None if scored.len() == 1 => scored[0],
                None => {
                    let names: Vec<&str> = scored.iter().map(|t| t.name.as_str()).collect();
                    anyhow::bail!(
                        "{} has {} scored targets: name one with --target ({})",
                        result_path.display(),
                        scored.len(),
                        names.join(", ")
                    )
                }
            };
            let states =
                target.assessment.iter().flat_map(|a| &a.practices).map(|p| (p.id.as_str(), p.state)).collect();
            let answers = model::lens::answers(&record.model, &states);
            let entries: Vec<serde_json::Value> = answers
                .into_iter()
                .map(|(question, choices)| serde_json::json!({ "QuestionId": question, "SelectedChoices": choices }))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "lens": model::lens::lens(&record.model).name,
                "model": format!("{} {}", record.model.id, record.model.version),
                "target": target.name,
                "assessed": result.started_at,
                "answers": entries,
            }))?
        }
    };
    match &args.out {
        Some(path) => {
            kaizen::output::write_atomic(path, format!("{json}\n").as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => outln!("{json}")?,
    }
    Ok(ExitCode::SUCCESS)
}
