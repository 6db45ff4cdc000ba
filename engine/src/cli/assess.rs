//! `kaizen assess`: the flags become settings, the library assesses, this prints what
//! happened and picks the exit code.

mod args;

pub use args::Args;

use indicatif::{ProgressBar, ProgressStyle};
use kaizen::collect::forge::listing::{LeftOut, Why};
use kaizen::collect::remote::Action;
use kaizen::judge::Progress;
use kaizen::plugin::Status;
use kaizen::result::AssessmentResult;
use kaizen::run::{self, Event, Outcome};
use kaizen::settings::Settings;
use std::io::IsTerminal;
use std::path::Path;
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

/// A progress bar on a terminal; nothing otherwise.
fn progress_bar(quiet: bool, doing: &str, things: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    ProgressBar::new(0).with_style(
        ProgressStyle::with_template(&format!("{{spinner}} {doing} [{{bar:30}}] {{pos}}/{{len}} {things} {{elapsed}}"))
            .expect("valid template")
            .progress_chars("=> "),
    )
}

/// Remote targets brought into the cache, by what was done, and the bytes fetched.
#[derive(Default)]
struct SyncTotals {
    cloned: usize,
    fetched: usize,
    reused: usize,
    bytes: u64,
}

impl SyncTotals {
    fn add(&mut self, action: Action, bytes: u64) {
        match action {
            Action::Cloned => self.cloned += 1,
            Action::Fetched => self.fetched += 1,
            Action::Reused => self.reused += 1,
        }
        self.bytes += bytes;
    }

    fn count(&self) -> usize {
        self.cloned + self.fetched + self.reused
    }
}

/// `512 B`, `48 KiB`, `3.2 MiB`.
fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{} KiB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20)),
    }
}

/// `; left out: 3 archived, 2 forks`: the reasons counted, in the order the filters apply.
fn left_out_summary(left_out: &[LeftOut]) -> String {
    let mut counts: std::collections::BTreeMap<&Why, usize> = std::collections::BTreeMap::new();
    for l in left_out {
        *counts.entry(&l.why).or_default() += 1;
    }
    if counts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(why, n)| match why {
            Why::Archived => format!("{n} archived"),
            Why::Fork => format!("{n} fork{}", if *n == 1 { "" } else { "s" }),
            other => format!("{n} {other}"),
        })
        .collect();
    format!("; left out: {}", parts.join(", "))
}

/// One line per target (findings by status, plugin errors, levels), the systems' levels,
/// then the targets not assessed and where the outputs went.
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
    for system in &result.systems {
        match &system.assessment {
            Some(a) => {
                let levels: Vec<String> = a.areas.iter().map(|x| format!("{} {}", x.id, x.figures.level)).collect();
                eprintln!("system {} ({}):", system.name, system.members.join(", "));
                eprintln!("  levels: {} · {:.0} % assessed", levels.join(" · "), a.coverage * 100.0);
            }
            None => eprintln!("system {}: no member among the targets assessed, not scored", system.name),
        }
    }
    if !result.unavailable.is_empty() {
        let n = result.unavailable.len();
        eprintln!("{n} target{} not assessed, each with the reason:", if n == 1 { "" } else { "s" });
    }
    for u in &result.unavailable {
        eprintln!("{}: not assessed: {}", u.target, u.reason);
    }
    eprintln!("wrote {} in {:.1} s", out.display(), result.duration_ms as f64 / 1000.0);
}
