//! `kaizen report`: re-render the reports of a result without assessing again.

use kaizen::report::framework::{Framework, View};
use kaizen::report::{output, Format};
use kaizen::result::AssessmentResult;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The result.json to render.
    result: PathBuf,
    /// Where to write the reports [default: the result's folder].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Output formats (comma-separated): json, md, html, sarif, pdf, xlsx.
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "md,html")]
    format: Vec<Format>,
    /// A folder of templates replacing the built-in ones of the same name (report.md.j2,
    /// report.html.j2), for your own branding.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Also write the assessment grouped by another framework's ids, with its coverage
    /// (framework-NAME.md; comma-separated): dora, samm, dsomm, aws-devops, scorecard.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    framework: Vec<Framework>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let result = AssessmentResult::load(&args.result)?;
    let out = args
        .out
        .or_else(|| args.result.parent().map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    // Every view is made before anything is written: a framework the model does not map
    // to stops the command with nothing half done.
    let views: Vec<(String, String)> = args
        .framework
        .iter()
        .map(|&f| View::new(&result, f).map(|v| (format!("framework-{}.md", f.name), v.markdown(&result))))
        .collect::<Result<_, _>>()?;
    let templates = output::prepare(&args.format, args.templates.as_deref(), &out)?;
    for path in output::write(&result, &args.format, &templates, &out)? {
        eprintln!("wrote {}", path.display());
    }
    for (name, text) in views {
        let path = out.join(name);
        kaizen::output::write_atomic(&path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
