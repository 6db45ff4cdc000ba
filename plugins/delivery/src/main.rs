//! Kaizen's built-in `delivery` plugin: how a team delivers, from the target's git history
//! and pipeline runs: the four DORA keys with their source and band ([`dora`]), and the
//! practices behind them ([`practice`]).
//!
//! Every figure says where it comes from. Pipeline runs are preferred (a deployment run is
//! a deployment); without them, git history stands in (a release tag for a deployment, a
//! revert or hotfix for a failed change). A figure the evidence cannot show is reported as
//! unknown, never guessed, and its check does not apply.

mod dora;
mod practice;
#[cfg(test)]
mod tests;
mod time;

use dora::{Band, Key};
use kaizen_plugin_sdk::git::GitFacts;
use kaizen_plugin_sdk::runs::PipelineRuns;
use kaizen_plugin_sdk::{Finding, Request, Response, Result, Value};

const DEPLOYMENT_FREQUENCY: &str = "deployment-frequency";
const LEAD_TIME: &str = "lead-time-for-changes";
const CHANGE_FAILURE_RATE: &str = "change-failure-rate";
const RECOVERY_TIME: &str = "recovery-time";

fn judge(request: &Request) -> Result<Response> {
    Ok(assess(request.git()?.as_ref(), request.pipelines()?.as_ref()))
}

/// The response for the given git facts and pipeline runs.
fn assess(git: Option<&GitFacts>, pipelines: Option<&PipelineRuns>) -> Response {
    let runs = pipelines.map(dora::runs).unwrap_or_default();
    // An empty repository has no history to judge.
    let git = git.filter(|g| !g.empty);
    let keys = [
        (
            DEPLOYMENT_FREQUENCY,
            "dora.deployment_frequency",
            "Deployment frequency",
            dora::deployment_frequency(&runs, git),
        ),
        (LEAD_TIME, "dora.lead_time_hours", "Lead time for changes", dora::lead_time(git)),
        (CHANGE_FAILURE_RATE, "dora.change_failure_rate", "Change failure rate", dora::change_failure_rate(&runs, git)),
        (RECOVERY_TIME, "dora.recovery_time_hours", "Failed deployment recovery time", dora::recovery_time(&runs)),
    ];
    let mut response = Response::new();
    for (check, fact, title, key) in &keys {
        response.fact(*fact, key.to_value());
        response.push(key_finding(check, title, key));
    }

    match git {
        Some(git) => {
            let history = practice::History::of(git);
            response.fact("delivery.active_weeks", history.active_weeks as u64);
            response.fact("delivery.stale_branches", history.stale_branches as u64);
            response.fact(
                "delivery.pull_request_share",
                if history.changesets == 0 {
                    Value::Null
                } else {
                    Value::from(((history.reviewed as f64 / history.changesets as f64) * 1000.0).round() / 1000.0)
                },
            );
            response.fact("delivery.release_tags_in_window", git.tags_in_window as u64);
            response.push(practice::trunk_based(&history));
            response.push(practice::code_review(&history));
            response.push(practice::maintained(&history));
            response.push(practice::signed_releases(git));
        }
        None => {
            for fact in ["delivery.active_weeks", "delivery.stale_branches", "delivery.pull_request_share"] {
                response.fact(fact, Value::Null);
            }
            response.fact("delivery.release_tags_in_window", Value::Null);
            let why = "The target has no git history (not a repository, or no commits).";
            for check in [practice::TRUNK_BASED, practice::CODE_REVIEW, practice::MAINTAINED, practice::SIGNED_RELEASES]
            {
                response.push(Finding::not_applicable(check, why));
            }
        }
    }
    response.push(practice::ci_on_changes(&runs));
    response
}

/// A key's finding: elite and high pass, medium warns, low fails; unknown does not apply.
fn key_finding(check: &str, title: &str, key: &Key) -> Finding {
    let (band, value, source) = match (key.band, key.value, key.source) {
        (Some(band), Some(value), Some(source)) => (band, value, source),
        _ => return Finding::not_applicable(check, format!("{title} cannot be measured: {}.", key.basis)),
    };
    let shown = match key.unit {
        "ratio" => format!("{:.1}%", value * 100.0),
        "hours" if value >= 48.0 => format!("{:.1} days", value / 24.0),
        "hours" => format!("{value:.1} hours"),
        "per_week" => format!("{value:.2} per week"),
        other => format!("{value} {other}"),
    };
    let message = format!("{title}: {shown} ({} band; from {}: {}).", band.name(), source.name(), key.basis);
    let (finding, score) = match band {
        Band::Elite => (Finding::pass(check, message), 1.0),
        Band::High => (Finding::pass(check, message), 0.75),
        Band::Medium => (Finding::warn(check, message), 0.5),
        Band::Low => (Finding::fail(check, message), 0.25),
    };
    finding.with_score(score)
}

kaizen_plugin_sdk::main!(judge);
