//! Whether CI validates the infrastructure code: formatters in check mode, validators,
//! linters, policy scanners, plans and tests of it, among the tools the host found the
//! pipelines running (its CI model, through the tool catalogue: `terraform validate` in a
//! workflow, `tflint` behind `make lint`, `checkov` as a pre-commit hook CI runs).

use crate::tools::{self, Found};
use crate::{graded, Graded, Item};
use kaizen_plugin_sdk::evidence::ci::kinds;
use kaizen_plugin_sdk::{Evidence, Finding, Request, ToolUse};

pub const CHECK: &str = "iac-validated-in-ci";

/// Tools that judge most infrastructure formats at once: policy and IaC scanners, and the
/// linter aggregators.
const ANY: &[&str] = &["checkov", "kics", "terrascan", "conftest", "gitlab-iac-sast", "super-linter", "megalinter"];

/// What is validated: a name for the report, the tools of the `iac.tools` fact it covers,
/// and the catalogue's tools that validate it.
struct Subject {
    name: &'static str,
    tools: &'static [&'static str],
    validators: &'static [&'static str],
}

const SUBJECTS: &[Subject] = &[
    Subject {
        name: "Terraform",
        tools: &[tools::TERRAFORM],
        validators: &["terraform-validate", "tflint", "tfsec", "terratest", "cdk-synth"],
    },
    Subject {
        name: "CloudFormation/SAM",
        tools: &[tools::CLOUDFORMATION, tools::SAM],
        validators: &["cfn-lint", "cfn-nag"],
    },
    Subject { name: "CDK", tools: &[tools::CDK], validators: &["cdk-synth"] },
    Subject { name: "Pulumi", tools: &[tools::PULUMI], validators: &["pulumi-preview"] },
    Subject { name: "Serverless", tools: &[tools::SERVERLESS], validators: &["serverless-package"] },
    Subject {
        name: "Kubernetes manifests",
        tools: &[tools::KUBERNETES, tools::KUSTOMIZE],
        validators: &["kubeconform", "kube-bench", "kubescape", "kuttl"],
    },
    Subject {
        name: "Helm charts",
        tools: &[tools::HELM],
        validators: &["helm-lint", "chart-testing", "helm-unittest", "kubeconform", "kubescape"],
    },
    Subject { name: "Ansible", tools: &[tools::ANSIBLE], validators: &["ansible-lint", "molecule"] },
    Subject { name: "Dockerfiles", tools: &[], validators: &["hadolint", "docker-build", "docker-push"] },
];

impl Subject {
    /// Whether a tool use validates this subject: one of its validators, a scanner of all
    /// formats, or Trivy used on configuration (`trivy config`).
    fn validated_by(&self, u: &ToolUse) -> bool {
        self.validators.contains(&u.tool.as_str())
            || ANY.contains(&u.tool.as_str())
            || (u.tool == "trivy" && u.is(kinds::IAC_SCAN))
    }
}

pub fn finding(request: &Request, found: &Found) -> Finding {
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
    let ci = request.ci().ok().flatten().unwrap_or_default();
    let ci = &ci;
    // Atlantis plans every pull request that changes Terraform.
    let atlantis = request.files_matching("atlantis.{yaml,yml}").next().map(|f| f.path.clone());
    let names: Vec<&str> = present.iter().map(|s| s.name).collect();
    if ci.pipelines.is_empty() && atlantis.is_none() {
        return Finding::fail(
            CHECK,
            format!("no CI pipeline definition found, so nothing validates the {} on each change", names.join(", ")),
        )
        .with_score(0.0);
    }
    let items = present
        .iter()
        .map(|subject| {
            if let Some(u) = ci.tools.iter().find(|u| subject.validated_by(u)) {
                let at = match u.line {
                    Some(line) => Evidence::line(u.path.as_str(), line),
                    None => Evidence::file(u.path.as_str()),
                };
                let mut message = format!("{} validated: `{}` ({})", subject.name, crate::quote(u.text.trim()), u.name);
                for via in &u.via {
                    message.push_str(&format!(", via `{}` at {}", via.name, via.location()));
                }
                return Item::good(at.with_message(message));
            }
            match (&atlantis, subject.tools.contains(&tools::TERRAFORM)) {
                (Some(path), true) => Item::good(
                    Evidence::file(path.as_str()).with_message("Terraform validated: Atlantis plans each pull request"),
                ),
                _ => Item::bad(Evidence::file(present_path(found, subject)).with_message(format!(
                    "no pipeline validates the {} (no formatter check, validator, linter, scanner or plan)",
                    subject.name
                ))),
            }
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
