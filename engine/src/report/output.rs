//! Writing a result's files: `result.json` and the reports, in the formats asked for, all
//! or none.

use super::{RenderError, TemplateDirError, Templates};
use crate::result::AssessmentResult;
use std::path::{Path, PathBuf};

/// Output formats (`--format`, comma-separated) of `assess`, `report` and `merge`.
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
    /// report.pdf, report.html printed by a headless Chromium or Chrome.
    Pdf,
    /// report.xlsx, a spreadsheet: levels, practices, findings, roadmap, DORA.
    Xlsx,
}

impl Format {
    /// The file each format writes.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "result.json",
            Format::Md => "report.md",
            Format::Html => "report.html",
            Format::Sarif => "findings.sarif",
            Format::Pdf => "report.pdf",
            Format::Xlsx => "report.xlsx",
        }
    }
}

/// Why outputs cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A folder of templates that cannot be read.
    #[error(transparent)]
    TemplateDir(#[from] TemplateDirError),
    /// A template that does not compile or render.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The PDF could not be printed.
    #[error(transparent)]
    Pdf(#[from] super::pdf::PdfError),
    /// The output folder is a file.
    #[error("cannot write the reports to {}: it is a file, not a folder", .0.display())]
    OutIsAFile(PathBuf),
    /// An output file's place is a folder.
    #[error("cannot write {}: it is a folder; remove it or choose another --out", .0.display())]
    FileIsAFolder(PathBuf),
    /// An output could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: WriteError,
    },
}

/// What went wrong writing one output.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file system refused.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The result could not be serialised.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The workbook could not be written.
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Checks, before any work, that the reports can go where they are asked to, reads the
/// templates of `templates` (over the built-in ones) and, for a PDF, finds the browser
/// that prints it: a mistake in any is reported before an assessment is spent on it.
pub fn prepare(formats: &[Format], templates: Option<&Path>, out: &Path) -> Result<Templates, OutputError> {
    let templates = match templates {
        Some(dir) => Templates::from_dir(dir)?,
        None => Templates::builtin(),
    };
    templates.check()?;
    if formats.contains(&Format::Pdf) {
        super::pdf::Chromium::from_env()?;
    }
    if let Ok(meta) = std::fs::metadata(out) {
        if !meta.is_dir() {
            return Err(OutputError::OutIsAFile(out.to_path_buf()));
        }
    }
    for format in formats {
        let path = out.join(format.file_name());
        // `symlink_metadata`: a link is replaced by the report, whatever it points to.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(OutputError::FileIsAFolder(path));
        }
    }
    Ok(templates)
}

/// One output being written: a template's error stays itself (it reads as a problem in a
/// user file); anything else is an error writing the file.
enum Failure {
    Render(RenderError),
    Pdf(super::pdf::PdfError),
    Write(WriteError),
}

impl From<super::pdf::PdfError> for Failure {
    fn from(e: super::pdf::PdfError) -> Self {
        Failure::Pdf(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Write(e.into())
    }
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
) -> Result<Vec<PathBuf>, OutputError> {
    let mut staged = Vec::new();
    for format in [Format::Json, Format::Md, Format::Html, Format::Sarif, Format::Pdf, Format::Xlsx] {
        if !formats.contains(&format) {
            continue;
        }
        let path = out.join(format.file_name());
        let json = |e: serde_json::Error| Failure::Write(e.into());
        let written = crate::output::stage(&path, |w| -> Result<(), Failure> {
            match format {
                Format::Json => serde_json::to_writer_pretty(&mut *w, result).map_err(json)?,
                Format::Md => templates.render_to(super::MARKDOWN, result, w).map_err(Failure::Render)?,
                Format::Html => templates.render_to(super::HTML, result, w).map_err(Failure::Render)?,
                Format::Sarif => serde_json::to_writer_pretty(&mut *w, &super::sarif::sarif(result)).map_err(json)?,
                Format::Pdf => super::pdf::print(&super::pdf::Chromium::from_env()?, out, w, |html| {
                    templates.render_to(super::HTML, result, html).map_err(Failure::Render)
                })?,
                Format::Xlsx => super::xlsx::write(result, w, out).map_err(|e| Failure::Write(e.into()))?,
            }
            if matches!(format, Format::Json | Format::Sarif) {
                w.write_all(b"\n")?;
            }
            Ok(())
        });
        match written {
            Ok(file) => staged.push(file),
            Err(Failure::Render(e)) => return Err(e.into()),
            Err(Failure::Pdf(e)) => return Err(e.into()),
            Err(Failure::Write(source)) => return Err(OutputError::Write { path, source }),
        }
    }
    let mut written = Vec::new();
    for file in staged {
        let path = file.path().to_path_buf();
        file.commit().map_err(|e| OutputError::Write { path: path.clone(), source: e.into() })?;
        written.push(path);
    }
    Ok(written)
}
