//! The plugin judged end to end on the host: a request as the engine sends it (parsed
//! documents, written here as the host parses them, and the raw files on disk for lines).

use super::*;
use kaizen_plugin_sdk::{json, Status};
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A target repository on disk, removed when dropped.
struct Repo {
    root: PathBuf,
    files: Vec<(String, usize)>,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("kaizen-iac-plugin-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let root = std::env::temp_dir().join(name);
        fs::create_dir_all(&root).unwrap();
        for (path, text) in files {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        Repo { root, files: files.iter().map(|(p, t)| (p.to_string(), t.len())).collect() }
    }

    fn judge(&self, documents: &[Value]) -> Response {
        self.judge_with(documents, json!({}))
    }

    /// Judges with the host's CI model as given.
    fn judge_with(&self, documents: &[Value], ci: Value) -> Response {
        let files: Vec<Value> = self.files.iter().map(|(p, n)| json!({"path": p, "size": n})).collect();
        let request = json!({
            "api": 1,
            "plugin": {"id": "iac", "version": "0.1.0"},
            "target": {"name": "t", "kind": "directory", "root": self.root.to_str().unwrap()},
            "files": files,
            "documents": documents,
            "ci": ci,
        });
        judge(&Request::from_json(&request.to_string()).unwrap()).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn doc(path: &str, format: &str, index: usize, value: Value) -> Value {
    json!({"path": path, "format": format, "index": index, "value": value})
}

fn finding<'a>(response: &'a Response, check: &str) -> &'a Finding {
    response.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no {} finding", check))
}

fn lines(finding: &Finding) -> Vec<(&str, Option<u32>)> {
    finding.evidence.iter().map(|e| (e.path.as_str(), e.line)).collect()
}

#[test]
fn an_empty_repository_has_no_tools_and_no_failures() {
    let repo = Repo::new(&[("README.md", "hi\n")]);
    let response = repo.judge(&[]);
    assert_eq!(response.facts["iac.tools"], json!([]));
    assert_eq!(response.facts["container.dockerfiles"], json!(0));
    assert_eq!(response.facts["iac.terraform_stacks"], json!(0));
    assert_eq!(response.findings.len(), 14);
    for f in &response.findings {
        assert_eq!(f.status, Status::NotApplicable, "{:?}", f);
    }
}

const PROD_TF: &str = "\
terraform {
  backend \"s3\" {
    bucket = \"state\"
  }
  required_providers {
    aws = {
      source  = \"hashicorp/aws\"
      version = \"~> 5.0\"
    }
  }
}

provider \"aws\" {}

module \"vpc\" {
  source  = \"terraform-aws-modules/vpc/aws\"
  version = \"5.1.0\"
}

module \"db\" {
  source = \"git::https://example.com/db.git?ref=main\"
}

module \"net\" {
  source = \"../../../modules/net\"
}
";

fn prod_value() -> Value {
    json!({
        "terraform": [{
            "backend": {"s3": [{"bucket": "state"}]},
            "required_providers": [{"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}}]
        }],
        "provider": {"aws": [{}]},
        "module": {
            "vpc": [{"source": "terraform-aws-modules/vpc/aws", "version": "5.1.0"}],
            "db": [{"source": "git::https://example.com/db.git?ref=main"}],
            "net": [{"source": "../../../modules/net"}]
        }
    })
}

#[test]
fn terraform_stacks_in_subfolders_are_judged_one_by_one() {
    let repo = Repo::new(&[
        ("infra/envs/prod/main.tf", PROD_TF),
        ("infra/envs/prod/.terraform.lock.hcl", "# lock\n"),
        ("infra/envs/dev/main.tf", "provider \"google\" {}\n"),
        ("modules/net/main.tf", "provider \"aws\" {}\n"),
    ]);
    let response = repo.judge(&[
        doc("infra/envs/prod/main.tf", "hcl", 0, prod_value()),
        doc("infra/envs/dev/main.tf", "hcl", 0, json!({"provider": {"google": [{}]}})),
        // Called by prod, and under modules/: not a root even though it configures a provider.
        doc("modules/net/main.tf", "hcl", 0, json!({"provider": {"aws": [{}]}})),
    ]);
    assert_eq!(response.facts["iac.tools"], json!(["terraform"]));
    assert_eq!(response.facts["iac.terraform_stacks"], json!(3));

    let state = finding(&response, terraform::REMOTE_STATE);
    assert_eq!((state.status, state.score), (Status::Warn, Some(0.5)), "{:?}", state);
    assert_eq!(lines(state), vec![("infra/envs/dev/main.tf", None), ("infra/envs/prod/main.tf", Some(2))]);

    let lock = finding(&response, terraform::LOCKFILE);
    assert_eq!((lock.status, lock.score), (Status::Warn, Some(0.5)));
    assert_eq!(lock.evidence[1].path, "infra/envs/prod/.terraform.lock.hcl");

    // aws pinned in prod; google in dev and aws in modules/net are not.
    let providers = finding(&response, terraform::PROVIDERS_PINNED);
    assert_eq!((providers.status, providers.score), (Status::Warn, Some(0.33)), "{:?}", providers);

    // The registry module has a version; the git one follows `main`; the local one is not counted.
    let modules = finding(&response, terraform::MODULES_PINNED);
    assert_eq!((modules.status, modules.score), (Status::Warn, Some(0.5)));
    assert_eq!(lines(modules), vec![("infra/envs/prod/main.tf", Some(20)), ("infra/envs/prod/main.tf", Some(15))]);
}

#[test]
fn a_module_library_has_no_root_modules_to_judge() {
    let repo = Repo::new(&[("versions.tf", ""), ("examples/simple/main.tf", "")]);
    let response = repo.judge(&[
        doc(
            "versions.tf",
            "hcl",
            0,
            json!({"terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws", "version": ">= 5.0"}}]}]}),
        ),
        doc(
            "examples/simple/main.tf",
            "hcl",
            0,
            json!({"provider": {"aws": [{"region": "eu-west-1"}]}, "module": {"vpc": [{"source": "../../"}]}}),
        ),
    ]);
    assert_eq!(finding(&response, terraform::REMOTE_STATE).status, Status::NotApplicable);
    assert_eq!(finding(&response, terraform::LOCKFILE).status, Status::NotApplicable);
    assert_eq!(finding(&response, terraform::MODULES_PINNED).status, Status::NotApplicable);
    // The example configures aws without a constraint of its own.
    assert_eq!(finding(&response, terraform::PROVIDERS_PINNED).score, Some(0.5));
}

#[test]
fn module_sources_are_judged_by_kind() {
    use terraform::{module_pin, Pin};
    assert_eq!(module_pin("./x", None), Pin::Local);
    assert!(matches!(module_pin("hashicorp/consul/aws", Some("0.1.0")), Pin::Pinned(_)));
    assert!(matches!(module_pin("app.terraform.io/acme/vpc/aws", None), Pin::Floating(_)));
    assert!(matches!(module_pin("git::https://x/y.git?ref=v1.2.0", None), Pin::Pinned(_)));
    assert!(matches!(module_pin("github.com/acme/mod?ref=3f2a9c1", None), Pin::Pinned(_)));
    assert!(matches!(module_pin("git@github.com:acme/mod.git", None), Pin::Floating(_)));
    assert!(matches!(module_pin("git::https://x/y.git?ref=develop", None), Pin::Floating(_)));
    assert_eq!(module_pin("s3::https://bucket/mod.zip", None), Pin::Other);
}

#[test]
fn cloudformation_and_sam_are_recognised_by_content() {
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"!Sub": "${AWS::StackName}-b"}}}}
    });
    let sam = json!({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Role": {"!Ref": "R"}}}}
    });
    let json_template = r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#;
    let repo = Repo::new(&[
        ("cfn/stack.template", ""),
        ("app/template.yml", ""),
        ("cfn/queue.json", json_template),
        ("package.json", r#"{"name": "x", "description": "mentions AWS::S3::Bucket"}"#),
    ]);
    let response = repo.judge(&[
        doc("cfn/stack.template", "yaml", 0, template),
        doc("app/template.yml", "yaml", 0, sam),
        // A workflow and a Kubernetes manifest are not CloudFormation.
        doc(".github/workflows/ci.yml", "yaml", 0, json!({"on": "push", "jobs": {"Resources": {"Type": "AWS::X"}}})),
        doc("k8s/cm.yaml", "yaml", 0, json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})),
    ]);
    assert_eq!(response.facts["iac.tools"], json!(["cloudformation", "kubernetes", "sam"]));
    assert_eq!(response.facts["iac.cloudformation_templates"], json!(3));
}

const K8S: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
          resources:
            requests: {cpu: 100m}
            limits: {memory: 128Mi}
          readinessProbe: {httpGet: {path: /, port: 80}}
          livenessProbe: {httpGet: {path: /, port: 80}}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: acme/report:latest
";

#[test]
fn kubernetes_workloads_are_judged_per_container_with_lines() {
    let web = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"template": {"spec": {
            "securityContext": {"runAsNonRoot": true},
            "containers": [{
                "name": "web", "image": "ghcr.io/acme/web:1.4.2",
                "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "128Mi"}},
                "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
                "livenessProbe": {"httpGet": {"path": "/", "port": 80}}
            }]
        }}}
    });
    let report = json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report"},
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {
            "containers": [{"name": "report", "image": "acme/report:latest"}]
        }}}}}
    });
    let repo = Repo::new(&[("deploy/app.yaml", K8S)]);
    let response = repo.judge(&[doc("deploy/app.yaml", "yaml", 0, web), doc("deploy/app.yaml", "yaml", 1, report)]);
    assert_eq!(response.facts["iac.kubernetes_workloads"], json!(2));

    let probes = finding(&response, kubernetes::PROBES);
    assert_eq!(probes.status, Status::Pass, "the CronJob needs no probes: {:?}", probes);
    let limits = finding(&response, kubernetes::LIMITS);
    assert_eq!((limits.status, limits.score), (Status::Warn, Some(0.5)));
    assert_eq!(lines(limits), vec![("deploy/app.yaml", Some(29)), ("deploy/app.yaml", Some(11))]);
    let images = finding(&response, kubernetes::IMAGES);
    assert_eq!(images.evidence.len(), 2, "placeholders and ko:// images are not counted");
    assert_eq!((images.status, images.score), (Status::Warn, Some(0.5)));
    assert_eq!(lines(images)[0], ("deploy/app.yaml", Some(30)));
    assert_eq!(finding(&response, kubernetes::NON_ROOT).score, Some(0.5));
}

#[test]
fn helm_templates_and_kustomize_patches_are_not_judged_as_manifests() {
    let repo = Repo::new(&[]);
    let response = repo.judge(&[
        doc("charts/web/Chart.yaml", "yaml", 0, json!({"apiVersion": "v2", "name": "web", "version": "0.1.0"})),
        json!({"path": "charts/web/templates/deployment.yaml", "format": "yaml", "index": 0,
               "error": {"message": "did not find expected key", "line": 3, "column": 1}}),
        doc(
            "charts/web/templates/service.yaml",
            "yaml",
            0,
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": null}, "spec": {"containers": [{"name": null}]}}),
        ),
        doc(
            "overlays/prod/kustomization.yaml",
            "yaml",
            0,
            json!({"resources": ["../../base"], "patches": [{"path": "replicas.yaml"}]}),
        ),
        doc(
            "overlays/prod/replicas.yaml",
            "yaml",
            0,
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 3}}),
        ),
    ]);
    assert_eq!(response.facts["iac.tools"], json!(["helm", "kubernetes", "kustomize"]));
    assert_eq!(response.facts["iac.helm_charts"], json!(1));
    assert_eq!(response.facts["iac.kubernetes_workloads"], json!(0));
    assert_eq!(finding(&response, kubernetes::LIMITS).status, Status::NotApplicable);
}

#[test]
fn image_references_are_read_with_registries_and_digests() {
    use docker::{image_ref, ImageRef, Pin};
    assert_eq!(image_ref("nginx"), ImageRef { name: "nginx", pin: Pin::Latest });
    assert_eq!(image_ref("localhost:5000/app"), ImageRef { name: "localhost:5000/app", pin: Pin::Latest });
    assert_eq!(image_ref("localhost:5000/app:1.2"), ImageRef { name: "localhost:5000/app", pin: Pin::Tag("1.2") });
    assert_eq!(image_ref("python:3.12@sha256:abc"), ImageRef { name: "python", pin: Pin::Digest });
    assert_eq!(image_ref("redis:latest").pin, Pin::Latest);
}

fn dockerfile(path: &str, instructions: &[(&str, &str, u32)]) -> Value {
    let mut stages = Vec::new();
    for (name, value, line) in instructions {
        if *name == "FROM" {
            let words: Vec<&str> = value.split_whitespace().collect();
            let stage_name = if words.len() == 3 { json!(words[2].to_lowercase()) } else { Value::Null };
            stages.push(json!({"index": stages.len(), "name": stage_name, "image": words[0], "line": line}));
        }
    }
    let instructions: Vec<Value> = instructions
        .iter()
        .map(|(name, value, line)| json!({"instruction": name, "value": value, "line": line, "end_line": line}))
        .collect();
    doc(path, "dockerfile", 0, json!({"instructions": instructions, "stages": stages, "parser_directives": {}}))
}

#[test]
fn dockerfiles_are_graded_each_and_averaged() {
    let repo = Repo::new(&[]);
    let response = repo.judge(&[
        dockerfile(
            "a/Dockerfile",
            &[
                ("ARG", "BASE=golang:1.22@sha256:0123456789abcdef", 1),
                ("FROM", "${BASE} AS build", 2),
                ("RUN", "go build", 3),
                ("FROM", "gcr.io/distroless/static:nonroot@sha256:fedcba9876543210", 4),
                ("HEALTHCHECK", "CMD [\"/app\", \"health\"]", 5),
            ],
        ),
        dockerfile("b/Dockerfile", &[("FROM", "python:3.12-slim", 1), ("RUN", "pip install x", 2), ("USER", "app", 3)]),
        dockerfile("c/Dockerfile", &[("FROM", "node", 1), ("RUN", "npm ci", 2), ("USER", "root", 3)]),
        dockerfile("d/Dockerfile", &[("FROM", "nginx:1.27@sha256:aaaa", 1), ("COPY", "site /usr/share/nginx/html", 2)]),
    ]);
    assert_eq!(response.facts["container.dockerfiles"], json!(4));
    let pinned = finding(&response, docker::BASE_PINNED);
    assert_eq!((pinned.status, pinned.score), (Status::Warn, Some(0.63)), "{:?}", pinned);
    assert_eq!(lines(pinned)[0], ("c/Dockerfile", Some(1)));
    let user = finding(&response, docker::NON_ROOT);
    assert_eq!((user.status, user.score), (Status::Warn, Some(0.5)), "{:?}", user);
    let stages = finding(&response, docker::MULTI_STAGE);
    assert_eq!(stages.score, Some(0.5), "b and c build in their only stage: {:?}", stages);
    assert_eq!(finding(&response, docker::HEALTHCHECK).score, Some(0.25));
}

#[test]
fn images_of_development_environments_are_counted_but_not_judged() {
    let repo = Repo::new(&[]);
    let mut dev = dockerfile(".devcontainer/Dockerfile", &[("FROM", "mcr.microsoft.com/devcontainers/go:1", 1)]);
    dev["role"] = json!("test");
    let shipped = dockerfile("Dockerfile", &[("FROM", "alpine:3.20@sha256:0123", 1), ("USER", "65534", 2)]);
    let response = repo.judge(&[dev.clone(), shipped]);
    // The dev container is the repository's own file: it is counted.
    assert_eq!(response.facts["container.dockerfiles"], json!(2));
    let user = finding(&response, docker::NON_ROOT);
    assert_eq!(user.status, Status::Pass, "{:?}", user);
    assert_eq!(lines(user), vec![("Dockerfile", Some(2))]);
    let response = repo.judge(&[dev]);
    let user = finding(&response, docker::NON_ROOT);
    assert_eq!(user.status, Status::NotApplicable, "{:?}", user);
    assert!(user.message.contains("development or test environments (.devcontainer/Dockerfile)"), "{}", user.message);
}

/// A CI model with one GitHub workflow running these tools: (id, kinds, line, text).
fn ci_running(tools: &[(&str, &[&str], u32, &str)]) -> Value {
    let path = ".github/workflows/iac.yml";
    json!({
        "pipelines": [{"path": path, "system": "github-actions", "jobs": []}],
        "tools": tools.iter().map(|(id, kinds, line, text)| json!({
            "tool": id, "name": id, "kinds": kinds, "path": path, "line": line, "form": "command", "text": text,
        })).collect::<Vec<_>>(),
    })
}

#[test]
fn validation_in_ci_is_found_per_kind_of_code() {
    let repo = Repo::new(&[("main.tf", "")]);
    let documents = [doc("main.tf", "hcl", 0, json!({})), dockerfile("Dockerfile", &[("FROM", "alpine:3.20", 1)])];
    let response = repo.judge_with(
        &documents,
        ci_running(&[("terraform-validate", &["iac-lint"], 6, "terraform fmt -check -recursive")]),
    );
    let validated = finding(&response, validation::CHECK);
    assert_eq!((validated.status, validated.score), (Status::Warn, Some(0.5)), "{:?}", validated);
    assert_eq!(lines(validated), vec![("Dockerfile", None), (".github/workflows/iac.yml", Some(6))]);
    // `trivy config` scans every format; `trivy image` scans images, not configuration.
    let response = repo.judge_with(&documents, ci_running(&[("trivy", &["container-scan"], 7, "trivy image app")]));
    assert_eq!(finding(&response, validation::CHECK).status, Status::Fail);
    let response = repo.judge_with(
        &documents,
        ci_running(&[("trivy", &["iac-scan"], 7, "trivy config ."), ("hadolint", &["lint"], 8, "hadolint Dockerfile")]),
    );
    assert_eq!(finding(&response, validation::CHECK).status, Status::Pass);
}

#[test]
fn no_pipeline_means_no_validation() {
    let repo = Repo::new(&[("main.tf", "")]);
    let response = repo.judge(&[doc("main.tf", "hcl", 0, json!({}))]);
    assert_eq!(finding(&response, validation::CHECK).status, Status::Fail);
}

#[test]
fn examples_and_fixtures_are_not_the_repositorys_infrastructure() {
    let manifest = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}, "spec": {}});
    let repo = Repo::new(&[]);
    let mut example = doc("examples/k8s/deploy.yaml", "yaml", 0, manifest.clone());
    example["role"] = json!("example");
    let mut fixture = dockerfile("test/integration/Dockerfile", &[("FROM", "alpine:3.20", 1)]);
    fixture["role"] = json!("test-fixture");
    let response = repo.judge(&[example, fixture, dockerfile("Dockerfile.debug", &[("FROM", "alpine:3.20", 1)])]);
    assert_eq!(response.facts["iac.tools"], json!([]));
    assert_eq!(response.facts["container.dockerfiles"], json!(1));
}

#[test]
fn images_built_at_deploy_time_are_not_judged() {
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "controller"},
        "spec": {"template": {"spec": {"containers": [
            {"name": "controller", "image": "ko://github.com/acme/app/cmd/controller"},
            {"name": "proxy", "image": "${PROXY_IMAGE}"},
            {"name": "cache", "image": "redis:7.2"}
        ]}}}
    });
    let repo = Repo::new(&[]);
    let response = repo.judge(&[doc("config/controller.yaml", "yaml", 0, deployment)]);
    let images = finding(&response, kubernetes::IMAGES);
    assert_eq!((images.status, images.evidence.len()), (Status::Pass, 1), "{:?}", images);
}

#[test]
fn everything_in_a_chart_folder_is_the_charts() {
    let repo = Repo::new(&[]);
    let crd =
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "x"}});
    let response = repo.judge(&[
        doc("charts/stack/Chart.yaml", "yaml", 0, json!({"apiVersion": "v2", "name": "stack"})),
        doc("charts/stack/charts/crds/crds/crd-rules.yaml", "yaml", 0, crd.clone()),
        doc("charts/stack/templates/deployment.yaml", "yaml", 0, crd),
    ]);
    assert_eq!(response.facts["iac.tools"], json!(["helm"]));
}

#[test]
fn a_dockerfile_that_does_not_parse_is_counted_not_graded() {
    let repo = Repo::new(&[]);
    let broken = json!({"path": "action.dockerfile", "format": "dockerfile", "index": 0,
        "error": {"message": "unknown instruction `\"bash\",`", "line": 30, "column": 3}});
    let response = repo.judge(std::slice::from_ref(&broken));
    assert_eq!(response.facts["container.dockerfiles"], json!(1));
    let pinned = finding(&response, "dockerfile-base-pinned");
    assert_eq!(pinned.status, Status::NotApplicable);
    assert!(pinned.message.contains("action.dockerfile does not parse"), "{}", pinned.message);
    let response = repo.judge(&[broken, dockerfile("Dockerfile", &[("FROM", "alpine:3.20", 1)])]);
    assert_eq!(response.facts["container.dockerfiles"], json!(2));
    assert_eq!(lines(finding(&response, "dockerfile-base-pinned")), vec![("Dockerfile", Some(1))]);
}
