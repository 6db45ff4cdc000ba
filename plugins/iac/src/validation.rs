//! Whether CI validates the infrastructure code: formatters in check mode, validators,
//! linters, policy scanners and plans, found in the raw text of pipeline definitions.
//!
//! Pipeline definitions are searched as text, line by line, for the command or action names
//! below (a plain substring match, lowercased; comment lines are skipped). The `ci` plugin
//! parses pipelines fully; this check needs only to know whether a tool is invoked.

use crate::text::Sources;
use crate::tools::{self, file_name, Found};
use crate::{graded, Graded, Item};
use kaizen_plugin_sdk::{Evidence, Finding, Request, Value};
use std::collections::BTreeSet;

pub const CHECK: &str = "iac-validated-in-ci";

/// Pipeline definitions of the CI systems the `ci` plugin knows, plus Google Cloud Build.
pub const PIPELINES: &[&str] = &[
    ".github/workflows/*.{yml,yaml}",
    ".gitlab-ci.yml",
    ".gitlab/**/*.{yml,yaml}",
    "**/Jenkinsfile",
    "**/Jenkinsfile.*",
    ".circleci/config.{yml,yaml}",
    "**/azure-pipelines*.{yml,yaml}",
    ".azure-pipelines/**/*.{yml,yaml}",
    "bitbucket-pipelines.yml",
    ".travis.yml",
    ".buildkite/**/*.{yml,yaml}",
    ".drone.{yml,yaml}",
    "**/buildspec*.{yml,yaml}",
    "**/cloudbuild*.{yml,yaml}",
];

/// Scanners that judge most IaC formats at once.
const ANY: &[&[&str]] = &[
    &["checkov"],
    &["trivy", "config"],
    &["kics"],
    &["terrascan"],
    &["conftest test"],
    &["conftest verify"],
    &["super-linter"],
    &["megalinter"],
];

const TERRAFORM: &[&[&str]] = &[
    &["terraform fmt"],
    &["terraform validate"],
    &["terraform plan"],
    &["terraform", "-chdir", "plan"],
    &["terraform", "-chdir", "validate"],
    &["tofu fmt"],
    &["tofu validate"],
    &["tofu plan"],
    &["tflint"],
    &["tfsec"],
    &["terragrunt", "plan"],
    &["terragrunt", "validate"],
    &["terragrunt", "hclfmt"],
    &["dflook/terraform-"],
    &["dflook/tofu-"],
    &["gitlab-terraform"],
    &["terraform-compliance"],
    &["terraform_fmt"],
    &["terraform_validate"],
    &["terraform_tflint"],
];
const CLOUDFORMATION: &[&[&str]] = &[
    &["cfn-lint"],
    &["cfn_nag"],
    &["cfn-nag"],
    &["validate-template"],
    &["sam validate"],
    &["sam build"],
    &["cfn-guard"],
    &["taskcat"],
];
const CDK: &[&[&str]] = &[&["cdk synth"], &["cdk diff"], &["cdk", "synth"]];
const PULUMI: &[&[&str]] = &[&["pulumi preview"], &["pulumi/actions"]];
const SERVERLESS: &[&[&str]] = &[&["serverless package"], &["sls package"], &["serverless print"], &["sls print"]];
const KUBERNETES: &[&[&str]] = &[
    &["kubeconform"],
    &["kubeval"],
    &["kube-linter"],
    &["kube-score"],
    &["polaris audit"],
    &["datree"],
    &["pluto detect"],
    &["kyverno"],
    &["kustomize build"],
    &["kubectl kustomize"],
    &["kubectl", "--dry-run"],
    &["kubectl diff"],
    &["skaffold render"],
    &["skaffold diagnose"],
];
const HELM: &[&[&str]] = &[
    &["helm lint"],
    &["helm template"],
    &[" ct lint"],
    &["chart-testing"],
    &["helm unittest"],
    &["helm", "--dry-run"],
];
const ANSIBLE: &[&[&str]] = &[&["ansible-lint"], &["--syntax-check"], &["molecule"], &["ansible-test"]];
const DOCKERFILE: &[&[&str]] = &[
    &["hadolint"],
    &["docker build"],
    &["docker buildx build"],
    &["docker/build-push-action"],
    &["docker compose build"],
    &["docker-compose build"],
    &["buildah bud"],
    &["buildah build"],
    &["podman build"],
    &["kaniko"],
    &["skaffold build"],
    &["skaffold run"],
    &["depot/build-push-action"],
];

/// What is validated: a name for the report, the tools it covers, the commands that validate it.
struct Subject {
    name: &'static str,
    tools: &'static [&'static str],
    commands: &'static [&'static [&'static str]],
}

const SUBJECTS: &[Subject] = &[
    Subject { name: "Terraform", tools: &[tools::TERRAFORM], commands: TERRAFORM },
    Subject { name: "CloudFormation/SAM", tools: &[tools::CLOUDFORMATION, tools::SAM], commands: CLOUDFORMATION },
    Subject { name: "CDK", tools: &[tools::CDK], commands: CDK },
    Subject { name: "Pulumi", tools: &[tools::PULUMI], commands: PULUMI },
    Subject { name: "Serverless", tools: &[tools::SERVERLESS], commands: SERVERLESS },
    Subject { name: "Kubernetes manifests", tools: &[tools::KUBERNETES, tools::KUSTOMIZE], commands: KUBERNETES },
    Subject { name: "Helm charts", tools: &[tools::HELM], commands: HELM },
    Subject { name: "Ansible", tools: &[tools::ANSIBLE], commands: ANSIBLE },
    Subject { name: "Dockerfiles", tools: &[], commands: DOCKERFILE },
];

/// Lines of pipeline definitions, lowercased, with their place.
struct Corpus {
    lines: Vec<(String, u32, String)>,
    pipelines: usize,
}

impl Corpus {
    /// The first line running one of the commands, preferring a command over a step's
    /// label (`- name: helm lint` above `run: helm lint ./chart`).
    fn find(&self, commands: &[&[&str]]) -> Option<(&str, u32, &str)> {
        let hit = |label_ok: bool| {
            self.lines.iter().find_map(|(path, line, text)| {
                if !label_ok && is_label(text) {
                    return None;
                }
                commands
                    .iter()
                    .find(|needles| needles.iter().all(|n| contains_word(text, n)))
                    .map(|_| (path.as_str(), *line, text.as_str()))
            })
        };
        hit(false).or_else(|| hit(true))
    }
}

fn is_label(line: &str) -> bool {
    let content = line.trim_start().trim_start_matches("- ").trim_start();
    ["name:", "displayname:", "description:", "label:", "title:"].iter().any(|l| content.starts_with(l))
}

/// Whether `needle` occurs in `text` as a word: not glued to letters, digits or `_` on a
/// side where the needle itself starts or ends with one (`tflint` in `setup-tflint` and
/// `tflint --init`, not in `tflint_version`).
fn contains_word(text: &str, needle: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let check_start = needle.chars().next().map_or(false, word);
    let check_end = needle.chars().last().map_or(false, word);
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().last();
        let after = text[at + needle.len()..].chars().next();
        let glued_before = check_start && before.map_or(false, word);
        let glued_after = check_end && after.map_or(false, word);
        !glued_before && !glued_after
    })
}

fn corpus(request: &Request, sources: &mut Sources) -> Corpus {
    let mut lines = Vec::new();
    let mut pipelines = 0;
    let mut runs_pre_commit = false;
    let included = gitlab_includes(request);
    for file in &request.files {
        let path = file.path.as_str();
        if !PIPELINES.iter().any(|glob| kaizen_plugin_sdk::glob_match(glob, path)) && !included.contains(path) {
            continue;
        }
        pipelines += 1;
        if let Some(text) = sources.text(path) {
            for (i, line) in text.lines().enumerate() {
                let trimmed = line.trim_start();
                if trimmed.starts_with('#') || trimmed.starts_with("//") {
                    continue;
                }
                let lower = line.to_lowercase();
                runs_pre_commit |= lower.contains("pre-commit run") || lower.contains("pre-commit/action");
                lines.push((path.to_string(), i as u32 + 1, format!(" {}", lower.trim())));
            }
        }
    }
    // Hooks run in CI when the pipeline runs pre-commit; Atlantis plans every pull request.
    for file in &request.files {
        let name = file_name(&file.path);
        if name == ".pre-commit-config.yaml" && runs_pre_commit {
            if let Some(text) = sources.text(&file.path) {
                for (i, line) in text.lines().enumerate() {
                    lines.push((file.path.clone(), i as u32 + 1, format!(" {}", line.to_lowercase().trim())));
                }
            }
        }
        if (name == "atlantis.yaml" || name == "atlantis.yml") && !file.path.contains('/') {
            pipelines += 1;
            lines.push((file.path.clone(), 1, "atlantis: terraform plan".to_string()));
        }
    }
    Corpus { lines, pipelines }
}

/// Files a `.gitlab-ci.yml` includes from the repository (`include: local: …`), which hold
/// jobs as much as the file itself does.
fn gitlab_includes(request: &Request) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for doc in request.documents.iter().filter(|d| d.path == ".gitlab-ci.yml") {
        let include = match doc.value.as_ref().and_then(|v| v.get("include")) {
            Some(include) => include,
            None => continue,
        };
        let entries: Vec<&Value> = match include {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for entry in entries {
            let local = entry.as_str().or_else(|| entry.get("local").and_then(Value::as_str));
            if let Some(local) = local.filter(|l| !l.contains("://")) {
                out.insert(local.trim_start_matches('/').to_string());
            }
        }
    }
    out
}

pub fn finding(request: &Request, found: &Found, sources: &mut Sources) -> Finding {
    let present: Vec<&Subject> = SUBJECTS
        .iter()
        .filter(|s| {
            if s.tools.is_empty() {
                !found.dockerfiles.is_empty()
            } else {
                s.tools.iter().any(|t| found.tools.contains_key(t))
            }
        })
        .collect();
    if present.is_empty() {
        return Finding::not_applicable(CHECK, "no infrastructure code or Dockerfile to validate");
    }
    let corpus = corpus(request, sources);
    let names: Vec<&str> = present.iter().map(|s| s.name).collect();
    if corpus.pipelines == 0 {
        return Finding::fail(
            CHECK,
            format!("no CI pipeline definition found, so nothing validates the {} on each change", names.join(", ")),
        )
        .with_score(0.0);
    }
    let items = present
        .iter()
        .map(|subject| match corpus.find(subject.commands).or_else(|| corpus.find(ANY)) {
            Some((path, line, text)) => Item::good(Evidence::line(path, line).with_message(format!(
                "{} validated: `{}`",
                subject.name,
                crate::quote(text.trim())
            ))),
            None => Item::bad(Evidence::file(present_path(found, subject)).with_message(format!(
                "no pipeline validates the {} (no formatter check, validator, linter, scanner or plan)",
                subject.name
            ))),
        })
        .collect();
    graded(
        CHECK,
        items,
        Graded { subject: "infrastructure format", pass: "are validated in CI", singular: "is validated in CI" },
    )
}

/// A file that shows a subject, for evidence of what is not validated.
fn present_path(found: &Found, subject: &Subject) -> String {
    if subject.tools.is_empty() {
        return found.dockerfiles.first().map(|d| d.path.clone()).unwrap_or_default();
    }
    subject
        .tools
        .iter()
        .filter_map(|t| found.tools.get(t))
        .flat_map(|paths| paths.iter())
        .next()
        .cloned()
        .unwrap_or_default()
}
