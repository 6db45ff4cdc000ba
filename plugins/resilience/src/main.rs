//! Kaizen's built-in `resilience` plugin: finds how a repository prepares for failure
//! (chaos experiments, runbooks, game days and post-mortems, backups, redundancy,
//! autoscaling, disaster-recovery plans) and reports it as the `resilience.signals` fact
//! and one check per practice.
//!
//! Infrastructure comes from the documents the host parses (Kubernetes manifests, Helm
//! values, CloudFormation, Terraform, Chaos Toolkit experiments); the practices people
//! write down are recognised by the names and folders of documentation files ([`detect`]).

mod detect;
#[cfg(test)]
mod tests;

use detect::{Runs, Signal};
use kaizen_plugin_sdk::{find_line, Evidence, Finding, Request, Response, Result, Value};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many pieces of evidence per finding.
const MAX_EVIDENCE: usize = 10;

/// One piece of evidence of a signal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    signal: Signal,
    path: String,
    line: Option<u32>,
    what: String,
}

/// Everything found in the repository.
#[derive(Debug, Default)]
struct Scan {
    hits: Vec<Hit>,
    /// The first file showing each kind of thing that runs, and what it is.
    runs: BTreeMap<Runs, (String, String)>,
}

/// When a check applies.
#[derive(Clone, Copy)]
enum Scope {
    /// Anything deployed or provisioned.
    Anything,
    /// Replicable, scalable compute.
    Compute,
    /// Compute or data stores (redundancy applies to both).
    ComputeOrData,
    /// Data stores.
    Data,
}

struct Check {
    id: &'static str,
    signals: &'static [Signal],
    scope: Scope,
    found: &'static str,
    missing: &'static str,
}

const CHECKS: &[Check] = &[
    Check {
        id: "chaos-experiments",
        signals: &[Signal::ChaosExperiments],
        scope: Scope::Anything,
        found: "chaos experiments defined",
        missing: "no chaos experiment (AWS FIS, Chaos Mesh, Litmus, Chaos Toolkit, Gremlin)",
    },
    Check {
        id: "runbooks",
        signals: &[Signal::Runbooks],
        scope: Scope::Anything,
        found: "operational runbooks",
        missing: "no runbook or incident playbook",
    },
    Check {
        id: "game-days-and-post-mortems",
        signals: &[Signal::GameDays, Signal::PostMortems],
        scope: Scope::Anything,
        found: "learning from failure is written down",
        missing: "no game-day plan or post-mortem template",
    },
    Check {
        id: "backups",
        signals: &[Signal::Backups],
        scope: Scope::Data,
        found: "backups configured",
        missing: "no backup plan, automated backups, point-in-time recovery or Velero schedule",
    },
    Check {
        id: "high-availability",
        signals: &[Signal::MultiAz, Signal::Replicas, Signal::DisruptionBudgets],
        scope: Scope::ComputeOrData,
        found: "redundancy configured",
        missing: "no Multi-AZ setting, replicas, zone spreading or PodDisruptionBudget",
    },
    Check {
        id: "autoscaling",
        signals: &[Signal::Autoscaling],
        scope: Scope::Compute,
        found: "autoscaling configured",
        missing: "no HorizontalPodAutoscaler, KEDA ScaledObject or cloud autoscaling",
    },
    Check {
        id: "disaster-recovery-plan",
        signals: &[Signal::DisasterRecovery],
        scope: Scope::Anything,
        found: "a disaster-recovery plan",
        missing: "no disaster-recovery document",
    },
];

fn judge(request: &Request) -> Result<Response> {
    let scan = scan(request);
    let mut response = Response::new();
    for check in CHECKS {
        response.push(finding(check, &scan));
    }
    let signals: BTreeSet<&str> = scan.hits.iter().map(|h| h.signal.name()).collect();
    response.fact("resilience.signals", Value::from(signals.into_iter().collect::<Vec<_>>()));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);

fn is_vendored(path: &str) -> bool {
    let lower = path.to_lowercase();
    // Test data is not the repository's own configuration either.
    ["node_modules/", "vendor/", "third_party/", ".terraform/", "testdata/", "fixtures/"]
        .iter()
        .any(|dir| lower.starts_with(dir) || lower.contains(&format!("/{}", dir)))
}

/// Folders of tooling, examples, documentation and tests: what is deployed there does not
/// make the repository run anything (a mixin's development stack in `scripts/`), though
/// evidence found there still counts.
fn is_auxiliary(path: &str) -> bool {
    let lower = path.to_lowercase();
    ["scripts/", "hack/", "tools/", "examples/", "example/", "docs/", "test/", "tests/", "e2e/"]
        .iter()
        .any(|dir| lower.starts_with(dir) || lower.contains(&format!("/{}", dir)))
}

/// Whether a file of this role is evidence of how the repository recovers.
fn counts(role: kaizen_plugin_sdk::Role) -> bool {
    role.is_own() || role == kaizen_plugin_sdk::Role::Docs
}

fn scan(request: &Request) -> Scan {
    let mut scan = Scan::default();
    let mut texts: BTreeMap<String, Option<String>> = BTreeMap::new();
    // The repository's own files and its documentation (runbooks, post-mortems and game-day
    // records are documents): examples, fixtures and vendored copies say nothing about how
    // it recovers.
    for document in &request.documents {
        if !counts(document.role) || is_vendored(&document.path) {
            continue;
        }
        let found = detect::examine(document);
        for (runs, what) in found.runs {
            if is_auxiliary(&document.path) {
                continue;
            }
            scan.runs.entry(runs).or_insert_with(|| (document.path.clone(), what));
        }
        for (signal, needle, what) in found.signals {
            let text = texts.entry(document.path.clone()).or_insert_with(|| request.read_file(&document.path).ok());
            let line = text.as_deref().and_then(|t| line_of(t, &needle));
            scan.hits.push(Hit { signal, path: document.path.clone(), line, what });
        }
    }
    for file in &request.files {
        let path = file.path.as_str();
        if !counts(file.role) || is_vendored(path) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == "Dockerfile" || name.starts_with("Dockerfile") || name.ends_with(".Dockerfile") {
            if is_auxiliary(path) {
                continue;
            }
            scan.runs.entry(Runs::Something).or_insert_with(|| (path.to_string(), "Dockerfile".to_string()));
            continue;
        }
        for (signal, what) in detect::classify_doc(path) {
            scan.hits.push(Hit { signal, path: path.to_string(), line: None, what: what.to_string() });
        }
    }
    scan.hits.sort();
    scan.hits.dedup();
    scan
}

/// The line of a key in a YAML, JSON or HCL file: a line that starts with the needle (after
/// indentation and list dashes) first, then any line containing it.
fn line_of(text: &str, needle: &str) -> Option<u32> {
    if needle.is_empty() {
        return None;
    }
    text.lines()
        .position(|line| line.trim_start().trim_start_matches("- ").trim_start().starts_with(needle))
        .map(|i| i as u32 + 1)
        .or_else(|| find_line(text, needle))
}

fn finding(check: &Check, scan: &Scan) -> Finding {
    let hits: Vec<&Hit> = scan.hits.iter().filter(|h| check.signals.contains(&h.signal)).collect();
    if hits.is_empty() {
        let applies = match check.scope {
            Scope::Anything => scan.runs.get(&Runs::Something),
            Scope::Compute => scan.runs.get(&Runs::Compute),
            Scope::Data => scan.runs.get(&Runs::DataStore),
            Scope::ComputeOrData => scan.runs.get(&Runs::Compute).or_else(|| scan.runs.get(&Runs::DataStore)),
        };
        return match applies {
            Some((path, what)) => Finding::fail(check.id, format!("{} in {}, but {}", what, path, check.missing))
                .with_evidence(Evidence::file(path.as_str()).with_message(format!("{}: {}", what, check.missing))),
            None => Finding::not_applicable(check.id, not_applicable(check.scope, scan)),
        };
    }
    let kinds: BTreeSet<Signal> = hits.iter().map(|h| h.signal).collect();
    let files: BTreeSet<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    let first = hits[0];
    let more = match files.len() {
        1 => String::new(),
        n => format!(" and {} more file{}", n - 1, if n == 2 { "" } else { "s" }),
    };
    let mut finding = Finding::pass(check.id, format!("{}: {} in {}{}", check.found, first.what, first.path, more));
    // Partial credit where a check covers several practices.
    if check.signals.len() > 1 {
        let wanted = check.signals.len().min(2) as f64;
        let score = (kinds.len() as f64 / wanted).min(1.0);
        if score < 1.0 {
            let missing: Vec<&str> = check.signals.iter().filter(|s| !kinds.contains(s)).map(|s| s.name()).collect();
            finding = finding.with_score(score);
            finding.message = format!("{} (missing: {})", finding.message, missing.join(", "));
        }
    }
    let mut shown: BTreeSet<(&str, &str)> = BTreeSet::new();
    for hit in hits {
        if shown.len() == MAX_EVIDENCE || !shown.insert((&hit.path, &hit.what)) {
            continue;
        }
        let evidence = match hit.line {
            Some(line) => Evidence::line(hit.path.as_str(), line),
            None => Evidence::file(hit.path.as_str()),
        };
        finding = finding.with_evidence(evidence.with_message(format!("{}: {}", hit.signal.name(), hit.what)));
    }
    finding
}

fn not_applicable(scope: Scope, scan: &Scan) -> String {
    match (scope, scan.runs.get(&Runs::Something)) {
        (_, None) => "nothing in the repository is deployed or provisioned (no Dockerfile, Kubernetes, Helm, \
                      Compose, CloudFormation, Terraform or serverless definition)"
            .to_string(),
        (Scope::Data, Some(_)) => "no data store is declared (database, file system, volume, StatefulSet)".to_string(),
        (_, Some(_)) => "no long-running compute or data store is declared (Kubernetes workload, ECS service, \
                         EC2 instance or group, database)"
            .to_string(),
    }
}
