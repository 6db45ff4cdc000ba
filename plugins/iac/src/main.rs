//! Kaizen's built-in `iac` plugin: finds the infrastructure-as-code tools a repository uses
//! and judges Terraform, Kubernetes manifests and Dockerfiles against common practice.
//!
//! The host parses the files `plugin.toml` names (HCL, YAML with tags kept, JSON,
//! Dockerfiles). The plugin recognises each tool by file name or content ([`tools`]), judges
//! Terraform stacks ([`terraform`]), Kubernetes workloads ([`kubernetes`]) and Dockerfiles
//! ([`docker`]), looks for validation among the tools the pipelines run (the host's CI model,
//! [`validation`]), and finds the line of each piece of evidence in the raw file ([`text`]).
//! Only the repository's own files count: an example's Kubernetes manifests or a test's
//! Dockerfile are not its infrastructure.

mod docker;
mod kubernetes;
mod terraform;
#[cfg(test)]
mod tests;
mod text;
mod tools;
mod validation;

use kaizen_plugin_sdk::{Evidence, Finding, Request, Response, Result, Value};

const IAC_PRESENT: &str = "iac-present";

/// At most this many pieces of evidence per finding, so a monorepo with hundreds of
/// manifests still gives a readable report.
const MAX_EVIDENCE: usize = 20;

/// The longest command quoted in a message.
const MAX_QUOTE: usize = 120;

fn judge(request: &Request) -> Result<Response> {
    let mut sources = text::Sources::new(request);
    let found = tools::scan(request, &mut sources);
    let tf = terraform::scan(request);

    let mut response = Response::new();
    response.push(present(&found));
    for finding in terraform::findings(&tf, &mut sources) {
        response.push(finding);
    }
    response.push(validation::finding(request, &found));
    let k8s = kubernetes::findings(&found, &mut sources);
    let k8s_probes = k8s.iter().any(|f| f.check == kubernetes::PROBES && f.score.map_or(false, |s| s > 0.0));
    for finding in k8s {
        response.push(finding);
    }
    for finding in docker::findings(&found, k8s_probes) {
        response.push(finding);
    }

    let names: Vec<&str> = found.tools.keys().copied().collect();
    response.fact("iac.tools", Value::from(names));
    response.fact("container.dockerfiles", found.dockerfiles.len());
    response.fact("iac.terraform_stacks", tf.folders());
    response.fact("iac.cloudformation_templates", found.templates);
    response.fact("iac.helm_charts", found.charts.len());
    response.fact("iac.kubernetes_workloads", found.workloads.len());
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);

fn present(found: &tools::Found) -> Finding {
    if found.tools.is_empty() {
        return Finding::not_applicable(
            IAC_PRESENT,
            "no infrastructure as code found (Terraform, CloudFormation, SAM, CDK, Pulumi, Serverless, Helm, \
             Kustomize, Kubernetes manifests, Ansible, docker-compose)",
        );
    }
    let names: Vec<&str> = found.tools.keys().copied().collect();
    let mut finding = Finding::pass(IAC_PRESENT, format!("infrastructure as code found: {}", names.join(", ")));
    for (tool, paths) in &found.tools {
        let more = match paths.len() {
            1 => String::new(),
            n => format!(" (and {} more files)", n - 1),
        };
        if let Some(path) = paths.iter().next() {
            finding = finding.with_evidence(Evidence::file(path.as_str()).with_message(format!("{}{}", tool, more)));
        }
    }
    finding
}

/// One thing a graded check judged, scored from 0 (missing) to 1 (in place).
pub struct Item {
    score: f64,
    evidence: Evidence,
}

impl Item {
    pub fn scored(score: f64, evidence: Evidence) -> Item {
        Item { score, evidence }
    }

    pub fn good(evidence: Evidence) -> Item {
        Item::scored(1.0, evidence)
    }

    pub fn bad(evidence: Evidence) -> Item {
        Item::scored(0.0, evidence)
    }
}

/// How a graded check's message reads: "3 of 4 Dockerfiles pin every base image by digest".
pub struct Graded {
    /// What is counted, singular: "Dockerfile".
    pub subject: &'static str,
    /// What the good ones do, plural: "pin every base image by digest".
    pub pass: &'static str,
    /// What one does, singular: "pins its base images".
    pub singular: &'static str,
}

/// A finding over items: passes when every item is fully in place, fails when none is at
/// all, and otherwise warns with the mean score. The evidence lists what needs fixing first.
pub fn graded(check: &str, mut items: Vec<Item>, graded: Graded) -> Finding {
    let n = items.len();
    let total: f64 = items.iter().map(|i| i.score).sum();
    let full = items.iter().filter(|i| i.score >= 1.0).count();
    let score = if n == 0 { 0.0 } else { total / n as f64 };
    let plural = if n == 1 { "" } else { "s" };
    let mut finding = if full == n {
        let message = if n == 1 {
            format!("the only {} {}", graded.subject, graded.singular)
        } else {
            format!("all {} {}s {}", n, graded.subject, graded.pass)
        };
        Finding::pass(check, message).with_score(1.0)
    } else if total == 0.0 {
        Finding::fail(check, format!("no {} {} ({} found)", graded.subject, graded.singular, n)).with_score(0.0)
    } else {
        Finding::warn(check, format!("{} of {} {}{} {}", full, n, graded.subject, plural, graded.pass))
            .with_score(round(score))
    };
    items.sort_by(|a, b| a.score.partial_cmp(&b.score).unwrap_or(std::cmp::Ordering::Equal));
    for item in items.into_iter().take(MAX_EVIDENCE) {
        finding = finding.with_evidence(item.evidence);
    }
    finding
}

fn round(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

fn quote(command: &str) -> String {
    let one_line = command.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_QUOTE) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}
