//! The delivery plugin on git facts and pipeline runs shaped as the host writes them.

use super::*;
use kaizen_plugin_sdk::git::GitFacts;
use kaizen_plugin_sdk::runs::PipelineRuns;
use kaizen_plugin_sdk::Status;
use serde_json::json;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn at(seconds: i64) -> String {
    // Seconds since 2026-06-01T00:00:00Z as RFC 3339, by hand (days, then hours and minutes within the day).
    let total = seconds.rem_euclid(DAY);
    let day = 1 + seconds.div_euclid(DAY);
    assert!((1..=30).contains(&day), "the tests stay inside June 2026");
    format!("2026-06-{:02}T{:02}:{:02}:00Z", day, total / HOUR, (total % HOUR) / 60)
}

fn run(workflow: &str, event: &str, conclusion: &str, created: i64, minutes: i64, deployment: bool) -> Value {
    json!({
        "source": "github-actions", "id": format!("{}-{}", workflow, created),
        "workflow": workflow, "event": event, "conclusion": conclusion, "status": "completed",
        "created_at": at(created), "finished_at": at(created + minutes * 60), "deployment": deployment,
    })
}

/// The `pipelines` field of a request holding these runs.
fn pipelines(runs: Vec<Value>) -> PipelineRuns {
    PipelineRuns { runs: serde_json::from_value(Value::Array(runs)).unwrap(), ..PipelineRuns::default() }
}

fn facts(response: &Response) -> &std::collections::BTreeMap<String, Value> {
    &response.facts
}

fn finding<'a>(response: &'a Response, check: &str) -> &'a Finding {
    response.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no finding {check}"))
}

/// Git facts as the host writes them: a repository with a year's window and no history,
/// with `extra` over it (tags and branches need only their name and what the test is about).
fn git(extra: Value) -> GitFacts {
    let mut base = serde_json::to_value(GitFacts::default()).unwrap();
    merge(
        &mut base,
        json!({
            "empty": false, "shallow": false, "default_branch": "main",
            "window": { "days": 365 },
            "commits": { "per_week": vec![0; 52], "reverts": 0, "hotfixes": 0, "mainline": 0, "mainline_pull_requests": 0 },
            "branches": [], "tags": [], "tags_in_window": 0,
            "lead_time_hours": null,
        }),
    );
    merge(&mut base, extra);
    let fill = |items: &mut Value, defaults: Value| {
        for item in items.as_array_mut().into_iter().flatten() {
            let mut full = defaults.clone();
            merge(&mut full, item.take());
            *item = full;
        }
    };
    fill(&mut base["tags"], json!({ "date": "2026-01-01T00:00:00Z", "commit": "c0ffee", "signed": false }));
    fill(&mut base["branches"], json!({ "remote": false, "last_commit": "2026-01-01T00:00:00Z", "age_days": 0 }));
    serde_json::from_value(base).unwrap()
}

fn merge(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(base), Value::Object(extra)) => {
            for (k, v) in extra {
                match base.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        base.insert(k, v);
                    }
                }
            }
        }
        (base, extra) => *base = extra,
    }
}

/// Two weeks of runs: 14 successful deployments, two failures recovered after 2 h and
/// 30 min, a pull-request build, and a push build.
fn busy_runs() -> PipelineRuns {
    let mut runs = Vec::new();
    for day in 0..14 {
        runs.push(run("Deploy", "push", "success", day * DAY + 10 * HOUR, 10, true));
    }
    runs.push(run("Deploy", "push", "failure", 3 * DAY + 12 * HOUR, 10, true));
    runs.push(run("Deploy", "push", "success", 3 * DAY + 14 * HOUR, 10, true));
    runs.push(run("Deploy", "push", "failure", 5 * DAY + 12 * HOUR, 10, true));
    runs.push(run("Deploy", "workflow_dispatch", "success", 5 * DAY + 12 * HOUR + 30 * 60, 10, true));
    runs.push(run("CI", "pull_request", "success", 14 * DAY + 10 * HOUR, 5, false));
    runs.push(run("CI", "push", "failure", 14 * DAY + 11 * HOUR, 5, false));
    pipelines(runs)
}

#[test]
fn pipeline_runs_give_every_key_with_its_band() {
    let git = git(json!({ "deploy_lead_time_hours": { "samples": 40, "median": 10.5, "p90": 30.0 },
                          "lead_time_hours": { "samples": 40, "median": 400.0, "p90": 900.0 } }));
    let response = assess(Some(&git), Some(&busy_runs()));
    let f = facts(&response);
    // 16 successful deployments over the 14 days and 1 hour the runs cover.
    assert_eq!(f["dora.deployment_frequency"]["value"], 7.976);
    assert_eq!(f["dora.deployment_frequency"]["band"], "elite");
    assert_eq!(f["dora.deployment_frequency"]["source"], "pipeline");
    assert_eq!(f["dora.deployment_frequency"]["unit"], "per_week");
    assert_eq!(f["dora.lead_time_hours"]["value"], 10.5, "commit to deployment wins over commit to tag");
    assert_eq!(
        (&f["dora.lead_time_hours"]["band"], &f["dora.lead_time_hours"]["source"]),
        (&json!("elite"), &json!("pipeline"))
    );
    assert_eq!(f["dora.change_failure_rate"]["value"], 0.111, "2 of 18 finished deployments");
    assert_eq!(f["dora.change_failure_rate"]["band"], "high");
    assert_eq!(f["dora.recovery_time_hours"]["value"], 1.25, "median of 2 h and 30 min");
    assert_eq!(f["dora.recovery_time_hours"]["band"], "high");
    assert_eq!(finding(&response, DEPLOYMENT_FREQUENCY).status, Status::Pass);
    assert_eq!(finding(&response, RECOVERY_TIME).score, Some(0.75));
    let ci = finding(&response, practice::CI_TESTS);
    assert_eq!(ci.status, Status::Pass);
    assert_eq!(ci.message, "1 of 20 pipeline runs ran on pull or merge requests (1 succeeded).");
}

#[test]
fn git_history_stands_in_without_pipeline_runs() {
    let git = git(json!({
        "tags": [{ "name": "v1", "signed": false }], "tags_in_window": 6,
        "commits": { "reverts": 1, "hotfixes": 1 },
        "lead_time_hours": { "samples": 80, "median": 100.0, "p90": 300.0 },
    }));
    let response = assess(Some(&git), None);
    let f = facts(&response);
    assert_eq!(f["dora.deployment_frequency"]["value"], 0.115, "6 tags in 365 days");
    assert_eq!(
        (&f["dora.deployment_frequency"]["band"], &f["dora.deployment_frequency"]["source"]),
        (&json!("low"), &json!("git"))
    );
    assert_eq!(f["dora.lead_time_hours"]["value"], 100.0);
    assert_eq!(
        (&f["dora.lead_time_hours"]["band"], &f["dora.lead_time_hours"]["source"]),
        (&json!("high"), &json!("git"))
    );
    assert_eq!(f["dora.change_failure_rate"]["value"], 0.333);
    assert_eq!(f["dora.change_failure_rate"]["band"], "low");
    assert_eq!(f["dora.recovery_time_hours"]["value"], Value::Null);
    assert_eq!(f["dora.recovery_time_hours"]["basis"], "no deployment runs");
    assert_eq!(finding(&response, DEPLOYMENT_FREQUENCY).status, Status::Fail);
    assert_eq!(finding(&response, LEAD_TIME).status, Status::Pass);
    assert_eq!(finding(&response, RECOVERY_TIME).status, Status::NotApplicable);
    assert_eq!(finding(&response, practice::CI_TESTS).status, Status::NotApplicable);
    assert_eq!(
        finding(&response, DEPLOYMENT_FREQUENCY).message,
        "Deployment frequency: 0.12 per week (low band; from git: 6 release tags in the last 365 days of git history)."
    );
}

#[test]
fn nothing_to_see_is_unknown_never_low() {
    for (git, runs) in [(None, None), (Some(git(json!({ "empty": true }))), None)] {
        let response = assess(git.as_ref(), runs);
        for fact in [
            "dora.deployment_frequency",
            "dora.lead_time_hours",
            "dora.change_failure_rate",
            "dora.recovery_time_hours",
        ] {
            let key = &response.facts[fact];
            assert_eq!(
                (&key["value"], &key["band"], &key["source"]),
                (&Value::Null, &Value::Null, &Value::Null),
                "{fact}"
            );
            assert!(key["unit"].is_string() && key["basis"].is_string());
        }
        assert!(response.findings.iter().all(|f| f.status == Status::NotApplicable), "{:?}", response.findings);
        assert_eq!(response.findings.len(), 9, "every check is reported");
    }
    // A repository with history but no tags and no runs: deployments cannot be seen.
    let response = assess(Some(&git(json!({}))), None);
    assert_eq!(response.facts["dora.deployment_frequency"]["band"], Value::Null);
}

#[test]
fn a_streak_of_failures_is_one_outage_and_an_open_one_is_not_counted() {
    let runs = pipelines(vec![
        run("Deploy", "push", "success", 0, 10, true),
        run("Deploy", "push", "failure", HOUR, 10, true),
        run("Deploy", "push", "failure", 2 * HOUR, 10, true),
        run("Other", "push", "success", 2 * HOUR, 10, true),
        run("Deploy", "push", "cancelled", 3 * HOUR, 10, true),
        run("Deploy", "push", "success", 4 * HOUR + 50 * 60, 10, true),
        run("Deploy", "push", "timed_out", 10 * HOUR, 10, true),
    ]);
    let key = dora::recovery_time(&dora::runs(&runs));
    assert_eq!(key.value, Some(3.833), "from the first failure's end (1:10) to the recovery's end (5:00)");
    assert_eq!(
        key.basis,
        "median over 1 recovery from a failed deployment run to the next successful one; 1 failure not recovered yet"
    );
    let rate = dora::change_failure_rate(&dora::runs(&runs), None);
    assert_eq!(rate.value, Some(0.5), "3 of 6 finished deployments failed; the cancelled one is neither");
}

#[test]
fn history_practices_have_their_figures_in_the_message() {
    let mut per_week = vec![0u64; 52];
    for week in per_week.iter_mut().skip(40) {
        *week = 3;
    }
    let tags: Vec<Value> = (1..=6).map(|i| json!({ "name": format!("v{i}"), "signed": i >= 5 })).collect();
    let git = git(json!({
        "commits": { "per_week": per_week, "mainline": 20, "mainline_pull_requests": 18 },
        "branches": [
            { "name": "main", "age_days": 0 }, { "name": "origin/main", "age_days": 0 },
            { "name": "feature-a", "age_days": 2 }, { "name": "origin/feature-a", "age_days": 1 },
            { "name": "origin/old", "age_days": 200 }, { "name": "origin/b", "age_days": 5 },
        ],
        "tags": tags,
    }));
    let response = assess(Some(&git), None);
    let trunk = finding(&response, practice::TRUNK_BASED);
    assert_eq!(trunk.status, Status::Pass);
    assert_eq!(trunk.message, "On the default branch, commits landed in 12 of the last 12 weeks; no branch has been worked on beside it for over 30 days.");
    let review = finding(&response, practice::CODE_REVIEW);
    assert_eq!((review.status, review.score), (Status::Pass, Some(0.9)));
    let maintained = finding(&response, practice::MAINTAINED);
    assert_eq!((maintained.status, maintained.score), (Status::Pass, Some(1.0)));
    assert_eq!(maintained.message, "36 commits in the last 90 days.");
    let signed = finding(&response, practice::SIGNED_RELEASES);
    assert_eq!((signed.status, signed.score), (Status::Warn, Some(0.4)));
    assert_eq!(signed.message, "2 of the 5 most recent release tags (v2, v3, v4, v5, v6) are signed.");
    assert_eq!(response.facts["delivery.stale_branches"], 1);
    assert_eq!(response.facts["delivery.pull_request_share"], 0.9);

    // Release, maintenance, publishing and bot branches live long by design: not counted.
    let released = self::git(json!({
        "branches": [
            { "name": "origin/release-1.2", "age_days": 400 }, { "name": "origin/v2.x", "age_days": 300 },
            { "name": "origin/1.4", "age_days": 500 }, { "name": "origin/gh-pages", "age_days": 90 },
            { "name": "origin/dependabot/npm_and_yarn/x-1.2.3", "age_days": 60 },
            { "name": "origin/stable/2024", "age_days": 200 }, { "name": "origin/release/3.0", "age_days": 100 },
            { "name": "origin/feature-old", "age_days": 120 }, { "name": "origin/v2-feature", "age_days": 95 },
        ],
    }));
    let response = assess(Some(&released), None);
    assert_eq!(response.facts["delivery.stale_branches"], 2, "feature-old and v2-feature only");
    for name in ["release-1.2", "v2.x", "1.4", "gh-pages", "dependabot/npm_and_yarn/x", "stable/2024", "release/3.0"] {
        assert!(practice::is_long_lived_by_design(name), "{name}");
    }
    for name in ["feature-old", "v2-feature", "releasenotes", "main-stable-ish"] {
        assert!(!practice::is_long_lived_by_design(name), "{name}");
    }

    // Four branches still worked on that left trunk weeks ago: not trunk-based; abandoned
    // branches (however many) are not what it rules out.
    let long = |name: &str, diverged: i64| json!({ "name": name, "age_days": 2, "diverged_days": diverged });
    let apart = self::git(json!({
        "commits": { "per_week": vec![3u64; 52] },
        "branches": [
            long("origin/feature-a", 45), long("origin/feature-b", 60), long("origin/feature-c", 90),
            long("origin/feature-d", 31), long("origin/quick-fix", 3),
            { "name": "origin/abandoned-1", "age_days": 400 }, { "name": "origin/abandoned-2", "age_days": 500 },
        ],
    }));
    let history = practice::History::of(&apart);
    assert_eq!(history.long_lived, ["feature-a", "feature-b", "feature-c", "feature-d"]);
    let trunk = practice::trunk_based(&history);
    assert_eq!(trunk.status, Status::Warn);
    assert!(
        trunk.message.ends_with(
            "4 branches have been worked on beside it for over 30 days (feature-a, feature-b, feature-c, feature-d)."
        ),
        "{}",
        trunk.message
    );

    // Direct pushes, a quiet repository and work kept apart on long-lived branches.
    let quiet = self::git(json!({
        "commits": { "mainline": 10, "mainline_pull_requests": 2 },
        "branches": [long("a", 90), long("b", 91), long("c", 92), long("d", 93)],
    }));
    let response = assess(Some(&quiet), None);
    assert_eq!(finding(&response, practice::TRUNK_BASED).status, Status::Fail);

    // A repository three weeks old is measured over its three weeks.
    let mut young_weeks = vec![0u64; 52];
    young_weeks[49] = 4;
    young_weeks[50] = 2;
    young_weeks[51] = 7;
    let young = self::git(json!({
        "window": { "until": "2026-06-22T00:00:00Z" },
        "commits": { "per_week": young_weeks, "first": "2026-06-02T09:00:00Z" },
    }));
    let trunk = practice::trunk_based(&practice::History::of(&young));
    assert_eq!(trunk.status, Status::NotApplicable, "three weeks say nothing of a weekly cadence");
    assert_eq!(trunk.message, "The history covers 3 weeks; at least 4 are needed to measure a weekly cadence.");
    // Five weeks old: measured over its five weeks.
    young_weeks[47] = 1;
    young_weeks[48] = 3;
    let young = self::git(json!({
        "window": { "until": "2026-06-22T00:00:00Z" },
        "commits": { "per_week": young_weeks, "first": "2026-05-19T09:00:00Z" },
    }));
    let trunk = practice::trunk_based(&practice::History::of(&young));
    assert_eq!(trunk.message, "On the default branch, commits landed in 5 of the last 5 weeks; no branch has been worked on beside it for over 30 days.");
    assert_eq!(finding(&response, practice::CODE_REVIEW).status, Status::Fail);
    assert_eq!(finding(&response, practice::MAINTAINED).status, Status::Fail);
    assert_eq!(finding(&response, practice::SIGNED_RELEASES).status, Status::NotApplicable);

    // Release and update commits automation pushed itself are not changes to review.
    let released = self::git(json!({
        "commits": { "mainline": 40, "mainline_pull_requests": 19, "mainline_automated": 20 },
    }));
    let review = practice::code_review(&practice::History::of(&released));
    assert_eq!(review.status, Status::Pass);
    assert_eq!(
        review.message,
        "19 of 20 changesets on the default branch came from a pull or merge request (95%). 20 commits written by \
         automation (release, dependency-update and workflow bots) are left out."
    );
    // Automation alone leaves too few changesets to judge.
    let bots =
        self::git(json!({ "commits": { "mainline": 12, "mainline_pull_requests": 0, "mainline_automated": 11 } }));
    assert_eq!(practice::code_review(&practice::History::of(&bots)).status, Status::NotApplicable);
}

#[test]
fn runs_only_after_merge_warn() {
    let runs = pipelines(vec![run("CI", "push", "success", 0, 5, false)]);
    let response = assess(None, Some(&runs));
    let ci = finding(&response, practice::CI_TESTS);
    assert_eq!(ci.status, Status::Warn);
    assert_eq!(
        response.facts["dora.deployment_frequency"]["basis"],
        "no deployment runs and no release tags to count deployments from"
    );
}
