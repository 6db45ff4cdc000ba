//! `kaizen report`: re-render the reports of a result without assessing again; also the
//! output formats and their writing, shared with `assess`.

use anyhow::Context;
use kaizen::report::Templates;
use kaizen::result::AssessmentResult;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Output formats (`--format`, comma-separated) of `assess` and `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// result.json, the source of truth.
    Json,
    /// report.md, for wikis and pull requests.
    Md,
    /// report.html, one self-contained page to hand over or print.
    Html,
    /// findings.sarif (SARIF 2.1.0), for code-scanning tools.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The result.json to render.
    result: PathBuf,
    /// Where to write the reports [default: the result's folder].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Output formats (comma-separated): json, md, html, sarif.
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "md,html")]
    format: Vec<Format>,
    /// A folder of templates replacing the built-in ones of the same name (report.md.j2,
    /// report.html.j2), for your own branding.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(&args.result).with_context(|| format!("cannot read {}", args.result.display()))?;
    let result = AssessmentResult::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", args.result.display()))?;
    let out = args
        .out
        .or_else(|| args.result.parent().map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    for path in write(&result, &args.format, args.templates.as_deref(), &out)? {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the reports of `formats` into `out` (each through a temporary file), with the
/// templates of `templates` over the built-in ones; returns the files written. Every
/// report is rendered before any is written, so a broken template leaves no half set.
pub fn write(
    result: &AssessmentResult,
    formats: &[Format],
    templates: Option<&Path>,
    out: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let templates = match templates {
        Some(dir) => Templates::from_dir(dir)?,
        None => Templates::builtin(),
    };
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    for format in [Format::Json, Format::Md, Format::Html, Format::Sarif] {
        if !formats.contains(&format) {
            continue;
        }
        let (name, mut bytes) = match format {
            Format::Json => ("result.json", serde_json::to_vec_pretty(result)?),
            Format::Md => ("report.md", templates.markdown(result)?.into_bytes()),
            Format::Html => ("report.html", templates.html(result)?.into_bytes()),
            Format::Sarif => ("findings.sarif", serde_json::to_vec_pretty(&kaizen::report::sarif::sarif(result))?),
        };
        if matches!(format, Format::Json | Format::Sarif) {
            bytes.push(b'\n');
        }
        files.push((name, bytes));
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = out.join(name);
        kaizen::output::write_atomic(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
