//! Which infrastructure-as-code tools a repository uses, recognised by file name and, for
//! formats whose file names say nothing (CloudFormation, Kubernetes, Ansible), by content.

use crate::text::Sources;
use kaizen_plugin_sdk::{Document, Request, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const TERRAFORM: &str = "terraform";
pub const CLOUDFORMATION: &str = "cloudformation";
pub const SAM: &str = "sam";
pub const CDK: &str = "cdk";
pub const PULUMI: &str = "pulumi";
pub const SERVERLESS: &str = "serverless";
pub const HELM: &str = "helm";
pub const KUSTOMIZE: &str = "kustomize";
pub const KUBERNETES: &str = "kubernetes";
pub const ANSIBLE: &str = "ansible";
pub const DOCKER_COMPOSE: &str = "docker-compose";

/// CloudFormation refuses templates above 1 MB (uploaded through S3), so a larger JSON file
/// cannot be one and is not read.
const MAX_TEMPLATE_BYTES: u64 = 1_000_000;

/// Folders whose content is downloaded, generated or vendored, not the repository's own
/// infrastructure: `.terraform` (modules Terraform fetched), `cdk.out` (synthesised
/// templates), `.aws-sam` and `.serverless` (build output).
const GENERATED: &[&str] = &["node_modules", "vendor", ".terraform", "cdk.out", ".aws-sam", ".serverless", ".git"];

/// `apiVersion` prefixes of documents shaped like Kubernetes objects that are not
/// Kubernetes manifests: tool configuration (Skaffold, kind, k3d, Kustomize itself), CI
/// definitions (Tekton, judged by the `ci` plugin) and catalogues (Backstage, OpenSLO).
const NOT_KUBERNETES: &[&str] = &[
    "skaffold/",
    "kustomize.config.k8s.io",
    "kind.x-k8s.io",
    "k3d.io",
    "ctlptl.dev",
    "kpt.dev",
    "tekton.dev",
    "triggers.tekton.dev",
    "backstage.io",
    "openslo",
];

/// Kinds whose pods the Kubernetes checks judge.
const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Pod",
    "Rollout",
];

/// A Kubernetes workload manifest.
pub struct Workload<'a> {
    pub path: &'a str,
    pub index: usize,
    pub kind: String,
    pub name: String,
    pub value: &'a Value,
}

/// What the repository holds.
#[derive(Default)]
pub struct Found<'a> {
    /// Each tool found, with the files that show it.
    pub tools: BTreeMap<&'static str, BTreeSet<String>>,
    /// CloudFormation and SAM templates.
    pub templates: usize,
    /// Folders holding a Helm chart (`Chart.yaml`).
    pub charts: BTreeSet<String>,
    /// Workloads of raw Kubernetes manifests (not Helm templates, not Kustomize patches).
    pub workloads: Vec<Workload<'a>>,
    /// Image names whose tag a Kustomization or Skaffold sets at build or deploy time.
    pub managed_images: BTreeSet<String>,
    /// Dockerfiles that docker-compose services with a `healthcheck` are built from.
    pub compose_healthchecks: BTreeSet<String>,
    /// Parsed Dockerfiles with at least one `FROM`.
    pub dockerfiles: Vec<&'a Document>,
}

impl Found<'_> {
    fn add(&mut self, tool: &'static str, path: &str) {
        self.tools.entry(tool).or_default().insert(path.to_string());
    }
}

/// The file name of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The folder of a path, `""` at the root.
pub fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

fn generated(path: &str) -> bool {
    path.split('/').any(|segment| GENERATED.contains(&segment))
}

/// Whether a path is under folder `dir` (`""` is the root).
pub fn under(path: &str, dir: &str) -> bool {
    dir.is_empty() || (path.starts_with(dir) && path[dir.len()..].starts_with('/'))
}

/// `a/b/../c` → `a/c`; `None` when it climbs out of the repository.
pub fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn join(dir: &str, relative: &str) -> Option<String> {
    if dir.is_empty() {
        normalise(relative)
    } else {
        normalise(&format!("{}/{}", dir, relative))
    }
}

/// Looks at every document and file the plugin asked for.
pub fn scan<'a>(request: &'a Request, sources: &mut Sources) -> Found<'a> {
    let mut found = Found::default();
    let docs: Vec<&Document> = request.documents.iter().filter(|d| d.is_own() && !generated(&d.path)).collect();

    // Chart folders and Kustomize patches first: they decide which documents are manifests.
    let mut patches = BTreeSet::new();
    for doc in &docs {
        let value = match &doc.value {
            Some(value) if doc.format == "yaml" => value,
            _ => continue,
        };
        let name = file_name(&doc.path);
        if (name == "Chart.yaml" || name == "Chart.yml")
            && value.get("apiVersion").is_some()
            && value.get("name").is_some()
        {
            found.charts.insert(dir_of(&doc.path).to_string());
            found.add(HELM, &doc.path);
        }
        if name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization" {
            found.add(KUSTOMIZE, &doc.path);
            kustomization(value, dir_of(&doc.path), &mut patches, &mut found.managed_images);
        }
    }

    for doc in &docs {
        let path = doc.path.as_str();
        let name = file_name(path);
        if doc.format == "dockerfile" {
            let has_stage = doc
                .value
                .as_ref()
                .and_then(|v| v.get("stages"))
                .and_then(Value::as_array)
                .map_or(false, |stages| !stages.is_empty());
            // One that does not parse is still one of the repository's Dockerfiles (the
            // host reports why); it is counted, not graded.
            if (has_stage || doc.error.is_some()) && doc.index == 0 {
                found.dockerfiles.push(doc);
            }
            continue;
        }
        if path.ends_with(".tf") || path.ends_with(".tf.json") {
            found.add(TERRAFORM, path);
            continue;
        }
        if name == "terragrunt.hcl" {
            found.add(TERRAFORM, path);
            continue;
        }
        if name == "cdk.json" {
            if doc.value.as_ref().and_then(|v| v.get("app")).is_some() {
                found.add(CDK, path);
            }
            continue;
        }
        let value = match &doc.value {
            Some(value) if doc.format == "yaml" => value,
            _ => continue,
        };
        // Everything in a chart's folder is the chart's: its templates, and the CRDs Helm
        // installs from `crds/` (and a chart's sub-charts), not raw manifests.
        if path.starts_with(".github/")
            || found.charts.iter().any(|chart| under(path, chart) && file_name(path) != "Chart.yaml")
        {
            continue;
        }
        if (name == "Pulumi.yaml" || name == "Pulumi.yml") && value.get("runtime").is_some() {
            found.add(PULUMI, path);
        } else if (name == "serverless.yml" || name == "serverless.yaml")
            && value.get("service").is_some()
            && value.get("provider").is_some()
        {
            found.add(SERVERLESS, path);
        } else if is_compose_name(name) && value.get("services").map_or(false, Value::is_object) {
            found.add(DOCKER_COMPOSE, path);
            for service in value["services"].as_object().into_iter().flat_map(|s| s.values()) {
                if service.get("healthcheck").is_some() {
                    found.compose_healthchecks.extend(built_from(dir_of(path), service.get("build")));
                }
            }
        } else if let Some(tool) = template_tool(value) {
            found.add(tool, path);
            found.templates += 1;
        } else if is_playbook(value) || (is_role_tasks(path) && value.is_array()) {
            found.add(ANSIBLE, path);
        } else if let Some(api) = value.get("apiVersion").and_then(Value::as_str) {
            if api.starts_with("skaffold/") {
                skaffold(value, &mut found.managed_images);
            }
            if !is_kubernetes(value, api) {
                continue;
            }
            found.add(KUBERNETES, path);
            if patches.contains(path) {
                continue;
            }
            let mut objects = vec![value];
            if value.get("kind").and_then(Value::as_str) == Some("List") {
                objects = value.get("items").and_then(Value::as_array).map(|i| i.iter().collect()).unwrap_or_default();
            }
            for object in objects {
                let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
                if WORKLOAD_KINDS.contains(&kind) {
                    let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("").to_string();
                    found.workloads.push(Workload {
                        path,
                        index: doc.index,
                        kind: kind.to_string(),
                        name,
                        value: object,
                    });
                }
            }
        }
    }

    for file in request.files.iter().filter(|f| f.role.is_own()) {
        let path = file.path.as_str();
        if generated(path) {
            continue;
        }
        let name = file_name(path);
        if name == "ansible.cfg" {
            found.add(ANSIBLE, path);
        } else if name.ends_with(".json") && !name.ends_with(".tf.json") && name != "cdk.json" {
            if let Some(tool) = json_template(path, file.size, sources) {
                found.add(tool, path);
                found.templates += 1;
            }
        }
    }
    found
}

/// The Dockerfile a compose service's `build` (a context folder, or `context` and
/// `dockerfile`) builds from.
fn built_from(dir: &str, build: Option<&Value>) -> Option<String> {
    let (context, dockerfile) = match build? {
        Value::String(context) => (context.as_str(), "Dockerfile"),
        other => (
            other.get("context").and_then(Value::as_str).unwrap_or("."),
            other.get("dockerfile").and_then(Value::as_str).unwrap_or("Dockerfile"),
        ),
    };
    join(dir, &format!("{}/{}", context, dockerfile))
}

fn is_compose_name(name: &str) -> bool {
    let stem = match name.strip_suffix(".yml").or_else(|| name.strip_suffix(".yaml")) {
        Some(stem) => stem,
        None => return false,
    };
    stem.starts_with("docker-compose")
        || stem == "compose"
        || stem.starts_with("compose.")
        || stem.starts_with("compose-")
}

/// `cloudformation` or `sam` when a document is such a template: it declares
/// `AWSTemplateFormatVersion`, or its `Resources` have `AWS::…` types. A SAM template has the
/// `AWS::Serverless` transform or `AWS::Serverless::…` resources.
pub fn template_tool(value: &Value) -> Option<&'static str> {
    let object = value.as_object()?;
    let resources = object.get("Resources").and_then(Value::as_object);
    let types: Vec<&str> =
        resources.into_iter().flat_map(|r| r.values()).filter_map(|r| r.get("Type").and_then(Value::as_str)).collect();
    let aws_types = types.iter().any(|t| t.starts_with("AWS::") || t.starts_with("Custom::"));
    if !object.contains_key("AWSTemplateFormatVersion") && !aws_types {
        return None;
    }
    let transform = match object.get("Transform") {
        Some(Value::String(s)) => s.starts_with("AWS::Serverless"),
        Some(Value::Array(items)) => {
            items.iter().any(|t| t.as_str().map_or(false, |s| s.starts_with("AWS::Serverless")))
        }
        _ => false,
    };
    if transform || types.iter().any(|t| t.starts_with("AWS::Serverless::")) {
        Some(SAM)
    } else {
        Some(CLOUDFORMATION)
    }
}

/// A JSON file that is a CloudFormation or SAM template. The host does not parse every JSON
/// file of a repository for this plugin (lock files and fixtures would make the request
/// huge), so the raw text is read and parsed here only when it names a CloudFormation key.
fn json_template(path: &str, size: u64, sources: &mut Sources) -> Option<&'static str> {
    if size > MAX_TEMPLATE_BYTES || file_name(path).ends_with("-lock.json") {
        return None;
    }
    let text = sources.text(path)?;
    if !text.contains("AWSTemplateFormatVersion") && !text.contains("\"AWS::") {
        return None;
    }
    let value: Value = kaizen_plugin_sdk::serde_json::from_str(text).ok()?;
    template_tool(&value)
}

/// An Ansible playbook: a list of plays, one with `hosts` and tasks or roles, or an import
/// of another playbook.
fn is_playbook(value: &Value) -> bool {
    let plays = match value.as_array() {
        Some(plays) => plays,
        None => return false,
    };
    const WORK: &[&str] = &["tasks", "roles", "pre_tasks", "post_tasks", "handlers"];
    plays.iter().any(|play| {
        (play.get("hosts").is_some() && WORK.iter().any(|k| play.get(k).is_some()))
            || play.get("import_playbook").is_some()
            || play.get("ansible.builtin.import_playbook").is_some()
    })
}

/// `roles/<role>/tasks/*.yml`, Ansible's layout of a role's tasks.
fn is_role_tasks(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() >= 4 && parts[parts.len() - 4] == "roles" && parts[parts.len() - 2] == "tasks"
}

fn is_kubernetes(value: &Value, api: &str) -> bool {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    let has_metadata = value.get("metadata").map_or(false, Value::is_object);
    let list = kind == "List" && value.get("items").map_or(false, Value::is_array);
    !kind.is_empty() && (has_metadata || list) && !NOT_KUBERNETES.iter().any(|prefix| api.starts_with(prefix))
}

/// Patches a Kustomization applies (partial objects, not manifests) and the images whose tag
/// or digest it sets.
fn kustomization(value: &Value, dir: &str, patches: &mut BTreeSet<String>, images: &mut BTreeSet<String>) {
    let strings = |key: &str| -> Vec<String> {
        value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    };
    let mut relative = strings("patchesStrategicMerge");
    for key in ["patches", "patchesJson6902"] {
        for patch in value.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(path) = patch.get("path").and_then(Value::as_str).or_else(|| patch.as_str()) {
                relative.push(path.to_string());
            }
        }
    }
    patches.extend(relative.iter().filter_map(|p| join(dir, p)));
    for image in value.get("images").and_then(Value::as_array).into_iter().flatten() {
        let sets_version = ["newTag", "digest"].iter().any(|k| image.get(k).is_some());
        if let (true, Some(name)) = (sets_version, image.get("name").and_then(Value::as_str)) {
            images.insert(name.to_string());
        }
    }
}

/// Images Skaffold builds: it tags them and rewrites the manifests at deploy time.
fn skaffold(value: &Value, images: &mut BTreeSet<String>) {
    let mut builds = vec![value.get("build")];
    for profile in value.get("profiles").and_then(Value::as_array).into_iter().flatten() {
        builds.push(profile.get("build"));
    }
    for build in builds.into_iter().flatten() {
        for artifact in build.get("artifacts").and_then(Value::as_array).into_iter().flatten() {
            if let Some(image) = artifact.get("image").and_then(Value::as_str) {
                images.insert(image.to_string());
            }
        }
    }
}
