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
    let result = AssessmentResult::load(&args.result)?;
    let out = args
        .out
        .or_else(|| args.result.parent().map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let templates = prepare(&args.format, args.templates.as_deref(), &out)?;
    for path in write(&result, &args.format, &templates, &out)? {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The file each format writes.
fn file_name(format: Format) -> &'static str {
    match format {
        Format::Json => "result.json",
        Format::Md => "report.md",
        Format::Html => "report.html",
        Format::Sarif => "findings.sarif",
    }
}

/// Checks, before any work, that the reports can go where they are asked to, and reads
/// the templates of `templates` (over the built-in ones): a mistake in either is reported
/// before an assessment is spent on it.
pub fn prepare(formats: &[Format], templates: Option<&Path>, out: &Path) -> anyhow::Result<Templates> {
    let templates = match templates {
        Some(dir) => Templates::from_dir(dir)?,
        None => Templates::builtin(),
    };
    templates.check()?;
    if let Ok(meta) = std::fs::metadata(out) {
        anyhow::ensure!(meta.is_dir(), "cannot write the reports to {}: it is a file, not a folder", out.display());
    }
    for format in formats {
        let path = out.join(file_name(*format));
        // `symlink_metadata`: a link is replaced by the report, whatever it points to.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            anyhow::bail!("cannot write {}: it is a folder; remove it or choose another --out", path.display());
        }
    }
    Ok(templates)
}

/// Writes the reports of `formats` into `out`; returns the files written. Each report is
/// streamed to a temporary file beside its place, and all are renamed into place only once
/// every one is complete: a broken template or a full disk leaves the previous reports as
/// they were, and no report is ever held whole in memory (for 1,000 targets result.json
/// alone is about 150 MB).
pub fn write(
    result: &AssessmentResult,
    formats: &[Format],
    templates: &Templates,
    out: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut staged = Vec::new();
    for format in [Format::Json, Format::Md, Format::Html, Format::Sarif] {
        if !formats.contains(&format) {
            continue;
        }
        let path = out.join(file_name(format));
        let written = kaizen::output::stage(&path, |w| -> anyhow::Result<()> {
            match format {
                Format::Json => serde_json::to_writer_pretty(&mut *w, result)?,
                Format::Md => templates.render_to(kaizen::report::MARKDOWN, result, w)?,
                Format::Html => templates.render_to(kaizen::report::HTML, result, w)?,
                Format::Sarif => serde_json::to_writer_pretty(&mut *w, &kaizen::report::sarif::sarif(result))?,
            }
            if matches!(format, Format::Json | Format::Sarif) {
                w.write_all(b"\n")?;
            }
            Ok(())
        });
        match written {
            Ok(file) => staged.push(file),
            // A template's own error reads as a problem in a user file.
            Err(e) if e.is::<kaizen::report::RenderError>() => return Err(e),
            Err(e) => return Err(e.context(format!("cannot write {}", path.display()))),
        }
    }
    let mut written = Vec::new();
    for file in staged {
        let path = file.path().to_path_buf();
        file.commit().with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
