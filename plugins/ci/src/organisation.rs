//! How the pipelines are organised: what triggers them, whether they cache, measure
//! coverage, and gate their deployments. Each practice gives a finding with the lines that
//! show it, and the `ci.triggers` and `ci.features` facts name what was found.

use crate::systems::{Feature, Kind, Scan, System, Trigger};
use crate::{Hit, Sources, MAX_EVIDENCE};
use kaizen_plugin_sdk::{Evidence, Finding};
use std::collections::BTreeSet;

/// A structural feature with the pipeline file it is in and its line.
pub(crate) struct Located<'a> {
    pub path: &'a str,
    pub feature: &'a Feature,
    pub line: Option<u32>,
}

/// Every feature of every pipeline, with its line looked up in the raw file.
pub(crate) fn located<'a>(scan: &'a Scan, sources: &mut Sources) -> Vec<Located<'a>> {
    let mut out = Vec::new();
    for pipeline in &scan.pipelines {
        for feature in &pipeline.features {
            let line = match (feature.line, feature.needle.is_empty()) {
                (Some(line), _) => Some(line),
                (None, true) => None,
                (None, false) => sources.line(pipeline.path, &[feature.needle.as_str()]),
            };
            out.push(Located { path: pipeline.path, feature, line });
        }
    }
    // In file order, whatever order the documents came in.
    out.sort_by(|a, b| (a.path, a.line, &a.feature.detail).cmp(&(b.path, b.line, &b.feature.detail)));
    out
}

fn evidence(found: &Located) -> Evidence {
    let at = match found.line {
        Some(line) => Evidence::line(found.path, line),
        None => Evidence::file(found.path),
    };
    at.with_message(found.feature.detail.clone())
}

fn with_evidence<'a>(mut finding: Finding, found: impl Iterator<Item = &'a Located<'a>>) -> Finding {
    for f in found.take(MAX_EVIDENCE) {
        finding = finding.with_evidence(evidence(f));
    }
    finding
}

fn no_pipeline(check: &str, scan: &Scan) -> Option<Finding> {
    if scan.pipelines.is_empty() {
        Some(Finding::not_applicable(check, "no CI pipeline definition found"))
    } else {
        None
    }
}

fn is_trigger(found: &Located, wanted: impl Fn(Trigger, bool) -> bool) -> bool {
    match found.feature.kind {
        Kind::Trigger { trigger, all_branches } => wanted(trigger, all_branches),
        _ => false,
    }
}

/// Pipelines check a change before it merges: they run on pull or merge requests, or on
/// pushes to every branch (so a change's own branch is built).
pub(crate) fn runs_on_changes(check: &str, scan: &Scan, features: &[Located]) -> Finding {
    if let Some(finding) = no_pipeline(check, scan) {
        return finding;
    }
    let on_changes = |f: &&Located| is_trigger(f, |t, all| t == Trigger::PullRequest || (t == Trigger::Push && all));
    if features.iter().any(|f| on_changes(&f)) {
        let first = features.iter().find(on_changes).expect("found above");
        let message = format!("pipelines check changes before they merge: {} in {}", first.feature.detail, first.path);
        return with_evidence(Finding::pass(check, message), features.iter().filter(on_changes));
    }
    // Jenkins jobs, Tekton triggers and CodeBuild webhooks are configured outside the
    // repository: a Jenkins multibranch job builds every branch and pull request without a
    // word in the Jenkinsfile.
    let visible: Vec<&str> = scan
        .pipelines
        .iter()
        .filter(|p| !matches!(p.system, System::Jenkins | System::Tekton | System::AwsCodebuild))
        .map(|p| p.path)
        .collect();
    if visible.is_empty() {
        return Finding::not_applicable(
            check,
            "what triggers the pipelines is configured outside the repository (Jenkins jobs, Tekton triggers, CodeBuild webhooks)",
        );
    }
    let triggers: Vec<&Located> =
        features.iter().filter(|f| is_trigger(f, |_, _| true) && visible.contains(&f.path)).collect();
    let mut said: Vec<&str> = triggers.iter().map(|f| f.feature.detail.as_str()).collect();
    said.dedup();
    let message = if said.is_empty() {
        "no pipeline runs on pull requests or on pushes to every branch".to_string()
    } else {
        format!("pipelines run only {}, not on pull requests: changes are checked after they land", said.join(", "))
    };
    with_evidence(Finding::warn(check, message), triggers.into_iter())
}

/// Dependencies or build outputs are cached between runs.
pub(crate) fn caching(check: &str, scan: &Scan, features: &[Located]) -> Finding {
    if let Some(finding) = no_pipeline(check, scan) {
        return finding;
    }
    let caches = |f: &&Located| f.feature.kind == Kind::Cache;
    match features.iter().find(caches) {
        Some(first) => with_evidence(
            Finding::pass(check, format!("pipelines cache between runs: {} in {}", first.feature.detail, first.path)),
            features.iter().filter(caches),
        ),
        None => Finding::warn(
            check,
            "no pipeline caches dependencies or build outputs between runs: every run starts from scratch",
        ),
    }
}

/// Tests run with coverage measured or reported.
pub(crate) fn coverage(check: &str, scan: &Scan, tests: &[Hit], coverage: &[Hit]) -> Finding {
    if let Some(finding) = no_pipeline(check, scan) {
        return finding;
    }
    if let Some(first) = coverage.first() {
        let mut finding = Finding::pass(check, format!("test coverage is measured: {} in {}", first.what, first.path));
        for hit in coverage.iter().take(MAX_EVIDENCE) {
            let at = match hit.line {
                Some(line) => Evidence::line(hit.path.as_str(), line),
                None => Evidence::file(hit.path.as_str()),
            };
            finding = finding.with_evidence(at.with_message(format!("measures coverage: {}", hit.what)));
        }
        return finding;
    }
    if tests.is_empty() {
        return Finding::not_applicable(check, "no pipeline runs tests, so there is no coverage to measure");
    }
    Finding::warn(check, "tests run in CI, but no step measures or reports their coverage")
}

/// Deployments go through named environments or wait for an approval.
pub(crate) fn deployments_gated(check: &str, scan: &Scan, deploys: bool, features: &[Located]) -> Finding {
    if let Some(finding) = no_pipeline(check, scan) {
        return finding;
    }
    if !deploys {
        return Finding::not_applicable(check, "no pipeline deploys");
    }
    let gates = |f: &&Located| matches!(f.feature.kind, Kind::Environment | Kind::Approval);
    match features.iter().find(gates) {
        Some(first) => {
            let approvals = features.iter().any(|f| f.feature.kind == Kind::Approval);
            let mut message = format!("deployments are gated: {} in {}", first.feature.detail, first.path);
            if !approvals {
                message.push_str(
                    " (required reviewers and wait timers are set on the environment, outside the repository)",
                );
            }
            with_evidence(Finding::pass(check, message), features.iter().filter(gates))
        }
        None => Finding::warn(
            check,
            "pipelines deploy without a named environment or an approval step: nothing records where a change went or \
             lets anyone stop it",
        ),
    }
}

/// The `ci.triggers` fact: trigger names, sorted.
pub(crate) fn trigger_names(features: &[Located]) -> Vec<&'static str> {
    let names: BTreeSet<&'static str> = features
        .iter()
        .filter_map(|f| match f.feature.kind {
            Kind::Trigger { trigger, .. } => Some(trigger.name()),
            _ => None,
        })
        .collect();
    names.into_iter().collect()
}

/// The `ci.features` fact: `approvals`, `artifacts`, `caching`, `coverage`, `environments`,
/// `matrix`, `reusable`, those found, sorted.
pub(crate) fn feature_names(features: &[Located], coverage: &[Hit], publishes: &[Hit]) -> Vec<&'static str> {
    let mut names: BTreeSet<&'static str> = features
        .iter()
        .filter_map(|f| match f.feature.kind {
            Kind::Cache => Some("caching"),
            Kind::Matrix => Some("matrix"),
            Kind::Reusable => Some("reusable"),
            Kind::Environment => Some("environments"),
            Kind::Approval => Some("approvals"),
            Kind::Trigger { .. } => None,
        })
        .collect();
    if !coverage.is_empty() {
        names.insert("coverage");
    }
    if !publishes.is_empty() {
        names.insert("artifacts");
    }
    names.into_iter().collect()
}
