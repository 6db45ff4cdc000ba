//! What `kaizen assess` prints: progress bars, the remote targets fetched, one line per
//! target and system, and where the outputs went.

use indicatif::{ProgressBar, ProgressStyle};
use kaizen::collect::forge::listing::{LeftOut, Why};
use kaizen::collect::remote::Action;
use kaizen::plugin::Status;
use kaizen::result::AssessmentResult;
use std::io::IsTerminal;
use std::path::Path;

/// A progress bar on a terminal; nothing otherwise.
pub(super) fn progress_bar(quiet: bool, doing: &str, things: &str) -> ProgressBar {
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
pub(super) struct SyncTotals {
    pub(super) cloned: usize,
    pub(super) fetched: usize,
    pub(super) reused: usize,
    pub(super) bytes: u64,
}

impl SyncTotals {
    pub(super) fn add(&mut self, action: Action, bytes: u64) {
        match action {
            Action::Cloned => self.cloned += 1,
            Action::Fetched => self.fetched += 1,
            Action::Reused => self.reused += 1,
        }
        self.bytes += bytes;
    }

    pub(super) fn count(&self) -> usize {
        self.cloned + self.fetched + self.reused
    }
}

/// `512 B`, `48 KiB`, `3.2 MiB`.
pub(super) fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{} KiB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20)),
    }
}

/// `; left out: 3 archived, 2 forks`: the reasons counted, in the order the filters apply.
pub(super) fn left_out_summary(left_out: &[LeftOut]) -> String {
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
pub(super) fn summary(result: &AssessmentResult, out: &Path) {
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
