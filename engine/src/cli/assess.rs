//! `kaizen assess`: the flags become settings, the library assesses, this prints what
//! happened and picks the exit code.

mod args;
mod print;

pub use args::Args;

use kaizen::collect::remote::Action;
use kaizen::judge::Progress;
use kaizen::run::{self, Event, Outcome};
use kaizen::settings::Settings;
use print::{left_out_summary, progress_bar, size, summary, SyncTotals};
use std::process::ExitCode;
use std::sync::Mutex;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let quiet = args.quiet();
    let args = args.into_arguments();
    let settings = Settings::load(args, jiff::Timestamp::now().as_second())?;
    let bar = progress_bar(quiet, "assessing", "plugin runs");
    let sync_bar = progress_bar(quiet, "fetching", "repositories");
    let synced = Mutex::new(SyncTotals::default());
    let events = |event: Event| match event {
        Event::Note(note) => sync_bar.suspend(|| eprintln!("note: {note}")),
        Event::Listed { source, kept, left_out } if !quiet => {
            eprintln!(
                "{source}: {kept} repositor{} to assess{}",
                if kept == 1 { "y" } else { "ies" },
                left_out_summary(&left_out)
            );
        }
        Event::Listed { .. } => {}
        Event::Syncing(n) => sync_bar.set_length(n as u64),
        Event::Synced { action, url, bytes } => {
            synced.lock().expect("not poisoned").add(action, bytes);
            sync_bar.inc(1);
            if !quiet {
                let done = match action {
                    Action::Cloned => "cloned",
                    Action::Fetched => "fetched",
                    Action::Reused => "using the cached clone of",
                };
                let size = if bytes > 0 { format!(" ({})", size(bytes)) } else { String::new() };
                sync_bar.suspend(|| eprintln!("{done} {url}{size}"));
            }
        }
        Event::Progress(Progress::Planned(n)) => {
            sync_bar.finish_and_clear();
            bar.set_length(n as u64)
        }
        Event::Progress(Progress::Finished) => bar.inc(1),
    };
    let outcome = run::assess(&settings, &events);
    sync_bar.finish_and_clear();
    bar.finish_and_clear();
    let synced = synced.into_inner().expect("not poisoned");
    if synced.count() > 1 && !quiet {
        eprintln!(
            "remote targets: {} cloned, {} fetched, {} reused from the cache; {} fetched",
            synced.cloned,
            synced.fetched,
            synced.reused,
            size(synced.bytes)
        );
    }
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
