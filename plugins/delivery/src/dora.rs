//! The four DORA keys from pipeline runs, else from git history, each with its source,
//! the figures it rests on, and its performance band.
//!
//! Bands follow the clusters of the Accelerate State of DevOps reports (DORA, 2023 and
//! 2024). Where a report gives a cluster's typical value rather than a range (change
//! failure rate), the bounds are the 2022 report's ranges split at the 2024 elite value;
//! `plugin.toml` cites them for each check.

use crate::time;
use kaizen_plugin_sdk::git::GitFacts;
use kaizen_plugin_sdk::runs::{Conclusion, PipelineRuns};
use kaizen_plugin_sdk::Value;

/// Seconds in an hour, a day and a week.
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;
const WEEK: f64 = 7.0 * DAY;

/// A DORA performance band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    Low,
    Medium,
    High,
    Elite,
}

impl Band {
    pub fn name(self) -> &'static str {
        match self {
            Band::Elite => "elite",
            Band::High => "high",
            Band::Medium => "medium",
            Band::Low => "low",
        }
    }
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Pipeline,
    Git,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Pipeline => "pipeline",
            Source::Git => "git",
        }
    }
}

/// One key: its value (`None` when the evidence cannot show it), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub value: Option<f64>,
    pub unit: &'static str,
    pub band: Option<Band>,
    pub source: Option<Source>,
    /// One sentence: what the figure rests on, or why there is none.
    pub basis: String,
}

impl Key {
    fn measured(value: f64, unit: &'static str, band: Band, source: Source, basis: String) -> Key {
        Key { value: Some(round(value)), unit, band: Some(band), source: Some(source), basis }
    }

    fn unknown(unit: &'static str, basis: &str) -> Key {
        Key { value: None, unit, band: None, source: None, basis: basis.to_owned() }
    }

    /// The fact's value: `{value, unit, band, source, basis}`, with nulls when unknown.
    pub fn to_value(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("value".into(), self.value.map_or(Value::Null, Value::from));
        map.insert("unit".into(), Value::from(self.unit));
        map.insert("band".into(), self.band.map_or(Value::Null, |b| Value::from(b.name())));
        map.insert("source".into(), self.source.map_or(Value::Null, |s| Value::from(s.name())));
        map.insert("basis".into(), Value::from(self.basis.clone()));
        Value::Object(map)
    }
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// A pipeline run, as much of it as the keys need.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub workflow: String,
    pub event: String,
    pub conclusion: Option<Conclusion>,
    pub created: i64,
    pub finished: Option<i64>,
    pub deployment: bool,
}

impl Run {
    pub fn succeeded(&self) -> bool {
        self.conclusion == Some(Conclusion::Success)
    }

    /// A run that ended in failure: cancelled and skipped runs are neither.
    fn failed(&self) -> bool {
        matches!(self.conclusion, Some(Conclusion::Failure) | Some(Conclusion::TimedOut))
    }

    fn ended(&self) -> i64 {
        self.finished.unwrap_or(self.created)
    }

    /// A run on a proposed change rather than on a branch.
    pub fn on_change_request(&self) -> bool {
        matches!(
            self.event.as_str(),
            "pull_request" | "pull_request_target" | "merge_request_event" | "external_pull_request_event"
        )
    }
}

/// The runs of a request's `pipelines` field, oldest first; runs without a readable
/// creation time are left out.
pub fn runs(pipelines: &PipelineRuns) -> Vec<Run> {
    let mut out: Vec<Run> = pipelines
        .runs
        .iter()
        .filter_map(|run| {
            Some(Run {
                workflow: run.workflow.clone(),
                event: run.event.clone().unwrap_or_default(),
                conclusion: run.conclusion,
                created: time::parse(&run.created_at)?,
                finished: run.finished_at.as_deref().and_then(time::parse),
                deployment: run.deployment,
            })
        })
        .collect();
    out.sort_by_key(|r| r.created);
    out
}

/// Deployment frequency: successful deployment runs per week over the period the runs
/// cover (at least a week), else release tags per week over the git window.
pub fn deployment_frequency(runs: &[Run], git: Option<&GitFacts>) -> Key {
    const UNIT: &str = "per_week";
    let band = |per_week: f64| {
        if per_week >= 7.0 {
            Band::Elite
        } else if per_week >= 1.0 {
            Band::High
        } else if per_week >= 12.0 / 52.0 {
            Band::Medium
        } else {
            Band::Low
        }
    };
    if runs.iter().any(|r| r.deployment) {
        let deployed = runs.iter().filter(|r| r.deployment && r.succeeded()).count();
        let first = runs.first().map_or(0, |r| r.created);
        let last = runs.last().map_or(0, |r| r.created);
        let weeks = ((last - first) as f64 / WEEK).max(1.0);
        let per_week = deployed as f64 / weeks;
        let basis = format!(
            "{} successful deployment run{} in {:.0} days of pipeline runs",
            deployed,
            plural(deployed),
            weeks * 7.0
        );
        return Key::measured(per_week, UNIT, band(per_week), Source::Pipeline, basis);
    }
    let git = match git {
        Some(git) if !git.tags.is_empty() => git,
        _ => return Key::unknown(UNIT, "no deployment runs and no release tags to count deployments from"),
    };
    let tags = git.tags_in_window as u64;
    let days = u64::from(git.window.days).max(1);
    let per_week = tags as f64 / (days as f64 / 7.0);
    let basis = format!("{} release tag{} in the last {} days of git history", tags, plural(tags as usize), days);
    Key::measured(per_week, UNIT, band(per_week), Source::Git, basis)
}

/// Lead time for changes: the median hours from commit to the deployment that shipped it,
/// else to the first release tag containing it.
pub fn lead_time(git: Option<&GitFacts>) -> Key {
    const UNIT: &str = "hours";
    let band = |hours: f64| {
        if hours < 24.0 {
            Band::Elite
        } else if hours < 7.0 * 24.0 {
            Band::High
        } else if hours < 30.0 * 24.0 {
            Band::Medium
        } else {
            Band::Low
        }
    };
    let git = match git {
        Some(git) => git,
        None => return Key::unknown(UNIT, "not a git repository"),
    };
    for (figures, source, to) in [
        (&git.deploy_lead_time_hours, Source::Pipeline, "the deployment that shipped it"),
        (&git.lead_time_hours, Source::Git, "the first release tag containing it"),
    ] {
        if let Some(figures) = figures {
            let (median, samples) = (figures.median, figures.samples);
            let basis = format!("median over {} commit{} from commit to {}", samples, plural(samples), to);
            return Key::measured(median, UNIT, band(median), source, basis);
        }
    }
    Key::unknown(UNIT, "no commit in the window reached a deployment run or a release tag")
}

/// Change failure rate: failed deployment runs among finished ones, else reverts and
/// hotfixes per release tag in the git window.
pub fn change_failure_rate(runs: &[Run], git: Option<&GitFacts>) -> Key {
    const UNIT: &str = "ratio";
    let band = |rate: f64| {
        if rate <= 0.05 {
            Band::Elite
        } else if rate <= 0.15 {
            Band::High
        } else if rate <= 0.30 {
            Band::Medium
        } else {
            Band::Low
        }
    };
    let finished: Vec<&Run> = runs.iter().filter(|r| r.deployment && (r.succeeded() || r.failed())).collect();
    if !finished.is_empty() {
        let failed = finished.iter().filter(|r| r.failed()).count();
        let rate = failed as f64 / finished.len() as f64;
        let basis = format!("{} of {} finished deployment runs failed", failed, finished.len());
        return Key::measured(rate, UNIT, band(rate), Source::Pipeline, basis);
    }
    let git = match git {
        Some(git) => git,
        None => return Key::unknown(UNIT, "no deployment runs and not a git repository"),
    };
    let releases = git.tags_in_window as u64;
    if releases == 0 {
        return Key::unknown(UNIT, "no finished deployment runs and no release tags in the window");
    }
    let fixes = (git.commits.reverts + git.commits.hotfixes) as u64;
    let rate = (fixes as f64 / releases as f64).min(1.0);
    let basis = format!(
        "{} revert{} and hotfix{} for {} release tag{} in the window",
        fixes,
        plural(fixes as usize),
        if fixes == 1 { "" } else { "es" },
        releases,
        plural(releases as usize)
    );
    Key::measured(rate, UNIT, band(rate), Source::Git, basis)
}

/// Failed-deployment recovery time: the median hours from a failed deployment run to the
/// next successful run of the same workflow.
pub fn recovery_time(runs: &[Run]) -> Key {
    const UNIT: &str = "hours";
    let band = |hours: f64| {
        if hours < 1.0 {
            Band::Elite
        } else if hours < 24.0 {
            Band::High
        } else if hours < 7.0 * 24.0 {
            Band::Medium
        } else {
            Band::Low
        }
    };
    let deployments: Vec<&Run> = runs.iter().filter(|r| r.deployment).collect();
    if deployments.is_empty() {
        return Key::unknown(UNIT, "no deployment runs");
    }
    let mut hours = Vec::new();
    let mut open = 0;
    for (i, failed) in deployments.iter().enumerate().filter(|(_, r)| r.failed()) {
        // Only the first failure of a streak starts an outage; later ones are part of it.
        if i > 0 && deployments[..i].iter().rev().find(|r| r.workflow == failed.workflow).map_or(false, |r| r.failed())
        {
            continue;
        }
        let recovered = deployments[i + 1..].iter().find(|r| r.workflow == failed.workflow && r.succeeded());
        match recovered {
            Some(next) => hours.push((next.ended() - failed.ended()).max(0) as f64 / HOUR),
            None => open += 1,
        }
    }
    if hours.is_empty() {
        let basis = if open > 0 {
            format!("{} failed deployment{} not followed by a successful one yet", open, plural(open))
        } else {
            "no failed deployment run to recover from".to_owned()
        };
        return Key::unknown(UNIT, &basis);
    }
    let value = median(&mut hours);
    let mut basis = format!("median over {} recover{}", hours.len(), if hours.len() == 1 { "y" } else { "ies" });
    basis.push_str(" from a failed deployment run to the next successful one");
    if open > 0 {
        basis.push_str(&format!("; {} failure{} not recovered yet", open, plural(open)));
    }
    Key::measured(value, UNIT, band(value), Source::Pipeline, basis)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
