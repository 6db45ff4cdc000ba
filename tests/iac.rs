//! The built-in `iac` plugin end to end over the fixture repositories of tests/iac/: facts,
//! statuses, scores and evidence lines in result.json, as `kaizen assess` writes them. The
//! fixtures mirror what real repositories do (see tests/accuracy/iac.md).

use crate::support::{self, target};
use serde_json::{json, Value};

/// Assesses fixture folders with the `iac` plugin only; returns result.json.
fn assess(cases: &[&str]) -> Value {
    support::assess_plugin_fixtures("iac", cases)
}

fn finding<'a>(target: &'a Value, check: &str) -> &'a Value {
    support::plugin_finding(target, "iac", check)
}

/// The status and score of a finding.
fn graded(target: &Value, check: &str) -> (String, Option<f64>) {
    let f = finding(target, check);
    (f["status"].as_str().unwrap().to_owned(), f["score"].as_f64())
}

fn st(status: &str, score: f64) -> (String, Option<f64>) {
    (status.to_owned(), Some(score))
}

fn evidence(finding: &Value) -> Vec<(String, Option<u64>)> {
    finding["evidence"]
        .as_array()
        .map(|e| e.iter().map(|e| (e["path"].as_str().unwrap().to_owned(), e["line"].as_u64())).collect())
        .unwrap_or_default()
}

fn ev(path: &str, line: Option<u64>) -> (String, Option<u64>) {
    (path.to_owned(), line)
}

#[test]
fn iac_facts_and_checks_are_right_on_each_fixture() {
    let r = assess(&["nothing", "terraform", "aws", "kubernetes", "monorepo"]);

    // A repository with nothing: empty facts, every check not applicable, nothing fails.
    let none = target(&r, "nothing");
    assert_eq!(none["facts"]["iac.tools"], json!([]));
    assert_eq!(none["facts"]["container.dockerfiles"], json!(0));
    let findings = none["findings"].as_array().unwrap();
    assert_eq!(findings.iter().filter(|f| f["plugin"] == "iac").count(), 14);
    assert!(findings.iter().all(|f| f["status"] == "not_applicable"), "{findings:#?}");

    // Terraform in subfolders: prod has an s3 backend and a lock file, dev neither;
    // modules/net is a module (called by both, under modules/), not a stack to judge.
    let tf = target(&r, "terraform");
    assert_eq!(tf["facts"]["iac.tools"], json!(["terraform"]));
    assert_eq!(tf["facts"]["iac.terraform_stacks"], json!(3));
    assert_eq!(tf["facts"]["container.dockerfiles"], json!(0));
    assert_eq!(graded(tf, "terraform-remote-state"), st("warn", 0.5));
    assert_eq!(
        evidence(finding(tf, "terraform-remote-state")),
        vec![ev("infra/envs/dev/main.tf", None), ev("infra/envs/prod/main.tf", Some(2))]
    );
    assert_eq!(graded(tf, "terraform-lockfile"), st("warn", 0.5));
    // aws pinned in prod and modules/net, configured without a constraint in dev.
    assert_eq!(graded(tf, "terraform-providers-pinned"), st("warn", 0.67));
    // The registry module has a version, the git one follows `main`, local ones do not count.
    assert_eq!(graded(tf, "terraform-modules-pinned"), st("warn", 0.5));
    assert_eq!(evidence(finding(tf, "terraform-modules-pinned"))[0], ev("infra/envs/prod/main.tf", Some(26)));
    assert_eq!(graded(tf, "iac-validated-in-ci"), st("pass", 1.0));
    assert_eq!(evidence(finding(tf, "iac-validated-in-ci")), vec![ev(".github/workflows/terraform.yml", Some(9))]);
    assert_eq!(finding(tf, "k8s-probes")["status"], "not_applicable");

    // CloudFormation in YAML with tags and in JSON, a SAM template; a ConfigMap and a
    // package.json that mention AWS types are not templates.
    let aws = target(&r, "aws");
    assert_eq!(aws["facts"]["iac.tools"], json!(["cloudformation", "kubernetes", "sam"]));
    assert_eq!(aws["facts"]["iac.cloudformation_templates"], json!(3));
    assert_eq!(aws["facts"]["iac.kubernetes_workloads"], json!(0));
    // cfn-lint covers CloudFormation/SAM; nothing validates the ConfigMap.
    assert_eq!(graded(aws, "iac-validated-in-ci"), st("warn", 0.5));
    assert_eq!(finding(aws, "terraform-remote-state")["status"], "not_applicable");

    // A Helm chart (templates not judged, not errors), a Kustomize base with a multi-document
    // manifest and an overlay whose patch is not a workload, a compose file.
    let k8s = target(&r, "kubernetes");
    assert_eq!(k8s["facts"]["iac.tools"], json!(["docker-compose", "helm", "kubernetes", "kustomize"]));
    assert_eq!(k8s["facts"]["iac.helm_charts"], json!(1));
    assert_eq!(k8s["facts"]["iac.kubernetes_workloads"], json!(2));
    assert_eq!(graded(k8s, "k8s-resource-limits"), st("warn", 0.5));
    assert_eq!(
        evidence(finding(k8s, "k8s-resource-limits")),
        vec![
            ev("deploy/base/app.yaml", Some(50)),
            ev("deploy/base/app.yaml", Some(43)),
            ev("deploy/base/app.yaml", Some(14))
        ]
    );
    assert_eq!(graded(k8s, "k8s-probes"), st("warn", 0.5));
    assert_eq!(graded(k8s, "k8s-non-root"), st("warn", 0.33));
    // web has a tag, api's tag is set by the Kustomization, the sidecar follows latest.
    assert_eq!(graded(k8s, "k8s-images-pinned"), st("warn", 0.67));
    assert_eq!(evidence(finding(k8s, "k8s-images-pinned"))[0], ev("deploy/base/app.yaml", Some(51)));
    assert_eq!(graded(k8s, "iac-validated-in-ci").0, "fail");
    assert_eq!(finding(k8s, "dockerfile-base-pinned")["status"], "not_applicable");

    // A monorepo of services: four Dockerfiles of each quality, and five more tools.
    let mono = target(&r, "monorepo");
    assert_eq!(mono["facts"]["iac.tools"], json!(["ansible", "cdk", "docker-compose", "pulumi", "serverless"]));
    assert_eq!(mono["facts"]["container.dockerfiles"], json!(4));
    assert_eq!(graded(mono, "dockerfile-base-pinned"), st("warn", 0.75));
    assert_eq!(evidence(finding(mono, "dockerfile-base-pinned"))[0], ev("services/worker/Dockerfile.worker", Some(1)));
    assert_eq!(graded(mono, "dockerfile-non-root"), st("warn", 0.75));
    assert_eq!(evidence(finding(mono, "dockerfile-non-root"))[0], ev("services/worker/Dockerfile.worker", Some(6)));
    assert_eq!(graded(mono, "dockerfile-multi-stage"), st("warn", 0.75));
    // static has no HEALTHCHECK, but the compose service built from it declares one.
    assert_eq!(graded(mono, "dockerfile-healthcheck"), st("warn", 0.75));
    // ansible-lint and docker build run; nothing checks the CDK, Pulumi and Serverless code.
    assert_eq!(graded(mono, "iac-validated-in-ci"), st("warn", 0.4));
    assert_eq!(finding(mono, "iac-present")["status"], "pass");
}
