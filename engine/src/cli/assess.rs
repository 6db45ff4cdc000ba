//! `kaizen assess`: the flags become settings, the library assesses, this prints what
//! happened and picks the exit code.

mod args;

pub use args::Args;

use indicatif::{ProgressBar, ProgressStyle};
use kaizen::collect::remote::Action;
use kaizen::judge::Progress;
use kaizen::plugin::Status;
use kaizen::result::AssessmentResult;
use kaizen::run::{self, Event, Outcome};
use kaizen::settings::Settings;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let quiet = args.quiet();
    let args = args.into_arguments();
    let settings = Settings::load(args, jiff::Timestamp::now().as_second())?;
    let bar = progress_bar(quiet);
    let events = |event: Event| match event {
        Event::Note(note) => eprintln!("note: {note}"),
        Event::Synced { action, url } if !quiet => {
            let done = match action {
                Action::Cloned => "cloned",
                Action::Fetched => "fetched",
                Action::Reused => "using the cached clone of",
            };
            eprintln!("{done} {url}");
        }
        Event::Synced { .. } => {}
        Event::Progress(Progress::Planned(n)) => bar.set_length(n as u64),
        Event::Progress(Progress::Finished) => bar.inc(1),
    };
    let outcome = run::assess(&settings, &events);
    bar.finish_and_clear();
    let Outcome { result, kept, baseline } = outcome?;
    if let (Some(path), false) = (&kept, quiet) {
        eprintln!("kept in the history as {}", path.display());
    }
    let mut code = ExitCode::SUCCESS;
    if let Some(baseline) = &baseline {
        if !quiet {
            eprint!("{}", baseline.comparison.markdown());
        }
        if !baseline.regressions.is_empty() {
            eprintln!("regressed since the baseline ({}):", baseline.started_at);
            for r in &baseline.regressions {
                eprintln!("  {r}");
            }
            code = ExitCode::from(1);
        }
    }
    if !quiet {
        summary(&result, &settings.out);
    }
    Ok(code)
}

/// A progress bar of plugin runs on a terminal; nothing otherwise.
fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{spinner} assessing [{bar:30}] {pos}/{len} plugin runs {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    )
}

/// One line per target (findings by status, plugin errors, levels), then the targets not
/// assessed and where the outputs went.
fn summary(result: &AssessmentResult, out: &Path) {
    for t in &result.targets {
        let count = |s| t.findings.iter().filter(|f| f.status == s).count();
        eprintln!(
            "{}: {} pass, {} warn, {} fail, {} n/a{}",
            t.name,
            count(Status::Pass),
            count(Status::Warn),
            count(Status::Fail),
            count(Status::NotApplicable),
            if t.errors.is_empty() { String::new() } else { format!(", {} plugin errors", t.errors.len()) }
        );
        for e in &t.errors {
            eprintln!("  plugin {} failed ({}): {}", e.plugin, e.kind, e.message);
        }
        if let Some(a) = &t.assessment {
            let levels: Vec<String> = a.areas.iter().map(|x| format!("{} {}", x.id, x.figures.level)).collect();
            eprintln!("  levels: {} · {:.0} % assessed", levels.join(" · "), a.coverage * 100.0);
        }
    }
    for u in &result.unavailable {
        eprintln!("{}: not assessed: {}", u.target, u.reason);
    }
    eprintln!("wrote {} in {:.1} s", out.display(), result.duration_ms as f64 / 1000.0);
}
