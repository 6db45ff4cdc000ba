//! Raw Kubernetes manifests: the containers of workloads, judged for resource requests and
//! limits, probes, a non-root user and pinned images.

use crate::docker::{image_ref, Pin};
use crate::text::Sources;
use crate::tools::Found;
use crate::{graded, Graded, Item};
use kaizen_plugin_sdk::{Finding, Value};

pub const LIMITS: &str = "k8s-resource-limits";
pub const PROBES: &str = "k8s-probes";
pub const NON_ROOT: &str = "k8s-non-root";
pub const IMAGES: &str = "k8s-images-pinned";

/// Workloads that run to completion, where liveness and readiness probes do not apply.
const BATCH: &[&str] = &["Job", "CronJob"];

/// One container of a workload.
struct Container<'a> {
    path: &'a str,
    index: usize,
    workload: String,
    kind: &'a str,
    init: bool,
    value: &'a Value,
    pod: &'a Value,
}

impl Container<'_> {
    fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or("")
    }

    fn label(&self) -> String {
        format!("container `{}` of {} `{}`", self.name(), self.kind, self.workload)
    }
}

fn pod_spec<'a>(kind: &str, workload: &'a Value) -> Option<&'a Value> {
    match kind {
        "Pod" => workload.get("spec"),
        "CronJob" => workload.pointer("/spec/jobTemplate/spec/template/spec"),
        _ => workload.pointer("/spec/template/spec"),
    }
}

fn containers<'a>(found: &'a Found) -> Vec<Container<'a>> {
    let mut out = Vec::new();
    for workload in &found.workloads {
        let pod = match pod_spec(&workload.kind, workload.value) {
            Some(pod) => pod,
            None => continue,
        };
        for (key, init) in [("initContainers", true), ("containers", false)] {
            for value in pod.get(key).and_then(Value::as_array).into_iter().flatten() {
                out.push(Container {
                    path: workload.path,
                    index: workload.index,
                    workload: workload.name.clone(),
                    kind: &workload.kind,
                    init,
                    value,
                    pod,
                });
            }
        }
    }
    out
}

fn non_empty(value: Option<&Value>) -> bool {
    value.and_then(Value::as_object).map_or(false, |m| !m.is_empty())
}

pub fn findings(found: &Found, sources: &mut Sources) -> Vec<Finding> {
    let all = containers(found);
    if all.is_empty() {
        let why = if found.tools.contains_key(crate::tools::KUBERNETES) {
            "the Kubernetes manifests hold no workload with containers (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod)"
        } else if found.charts.is_empty() {
            "no Kubernetes workload manifests found"
        } else {
            "no raw Kubernetes workload manifests found (Helm templates are not judged: they are not YAML until rendered)"
        };
        return [LIMITS, PROBES, NON_ROOT, IMAGES].iter().map(|c| Finding::not_applicable(*c, why)).collect();
    }
    vec![limits(&all, sources), probes(&all, sources), non_root(&all, sources), images(&all, found, sources)]
}

fn container_evidence(c: &Container, sources: &mut Sources, message: String) -> kaizen_plugin_sdk::Evidence {
    // The list item `- name: web` rather than the workload's `metadata.name: web`.
    let item = format!("- name: {}", c.name());
    let evidence = sources.evidence(c.path, c.index, &[&item]);
    let evidence = if evidence.line.is_none() { sources.evidence(c.path, c.index, &[&item[2..]]) } else { evidence };
    evidence.with_message(message)
}

fn limits(all: &[Container], sources: &mut Sources) -> Finding {
    let items = all
        .iter()
        .map(|c| {
            let requests = non_empty(c.value.pointer("/resources/requests"));
            let limits = non_empty(c.value.pointer("/resources/limits"));
            let (score, what) = match (requests, limits) {
                (true, true) => (1.0, "sets resource requests and limits"),
                (true, false) => (0.5, "sets resource requests but no limits"),
                (false, true) => (0.5, "sets resource limits but no requests"),
                (false, false) => (0.0, "sets no resource requests or limits"),
            };
            Item::scored(score, container_evidence(c, sources, format!("{} {}", c.label(), what)))
        })
        .collect();
    graded(
        LIMITS,
        items,
        Graded {
            subject: "container",
            pass: "set resource requests and limits",
            singular: "sets resource requests and limits",
        },
    )
}

fn probes(all: &[Container], sources: &mut Sources) -> Finding {
    let serving: Vec<&Container> = all.iter().filter(|c| !c.init && !BATCH.contains(&c.kind)).collect();
    if serving.is_empty() {
        return Finding::not_applicable(PROBES, "only Jobs and CronJobs, which run to completion and need no probes");
    }
    let items = serving
        .iter()
        .map(|c| {
            let readiness = c.value.get("readinessProbe").is_some();
            let liveness = c.value.get("livenessProbe").is_some() || c.value.get("startupProbe").is_some();
            let (score, what) = match (readiness, liveness) {
                (true, true) => (1.0, "has readiness and liveness probes"),
                (true, false) => (0.5, "has a readiness probe but no liveness probe"),
                (false, true) => (0.5, "has a liveness probe but no readiness probe"),
                (false, false) => (0.0, "has no probes"),
            };
            Item::scored(score, container_evidence(c, sources, format!("{} {}", c.label(), what)))
        })
        .collect();
    graded(
        PROBES,
        items,
        Graded {
            subject: "long-running container",
            pass: "have readiness and liveness probes",
            singular: "has readiness and liveness probes",
        },
    )
}

/// Whether a container runs as a non-root user: `runAsNonRoot: true` or a non-zero
/// `runAsUser`, in its own security context or else its pod's.
fn runs_as_non_root(c: &Container) -> bool {
    let pick = |key: &str| {
        c.value
            .pointer(&format!("/securityContext/{}", key))
            .or_else(|| c.pod.pointer(&format!("/securityContext/{}", key)))
            .cloned()
    };
    let user = pick("runAsUser").and_then(|u| u.as_i64());
    let non_root = pick("runAsNonRoot").and_then(|v| v.as_bool());
    match (non_root, user) {
        (_, Some(0)) => false,
        (_, Some(_)) => true,
        (Some(flag), None) => flag,
        (None, None) => false,
    }
}

fn non_root(all: &[Container], sources: &mut Sources) -> Finding {
    let items = all
        .iter()
        .map(|c| {
            let ok = runs_as_non_root(c);
            let what = if ok {
                "runs as a non-root user"
            } else {
                "may run as root (no `runAsNonRoot: true` or non-zero `runAsUser`)"
            };
            Item::scored(if ok { 1.0 } else { 0.0 }, container_evidence(c, sources, format!("{} {}", c.label(), what)))
        })
        .collect();
    graded(NON_ROOT, items, Graded { subject: "container", pass: "run as non-root", singular: "runs as non-root" })
}

fn images(all: &[Container], found: &Found, sources: &mut Sources) -> Finding {
    let mut items = Vec::new();
    for c in all {
        let image = match c.value.get("image").and_then(Value::as_str) {
            Some(image) => image.trim(),
            None => continue,
        };
        // A placeholder the pipeline fills in (`$IMAGE`, `${TAG}`) is pinned at deploy time,
        // as are images whose tag a Kustomization or Skaffold sets.
        // `ko://` references are built, tagged and substituted by ko when it deploys.
        if image.contains('$') || image.contains("{{") || image.starts_with("ko://") {
            continue;
        }
        let reference = image_ref(image);
        let needle = format!("image: {}", image);
        let evidence = sources.evidence(c.path, c.index, &[image]);
        let evidence = if evidence.line.is_none() { sources.evidence(c.path, c.index, &[&needle]) } else { evidence };
        let item = if found.managed_images.contains(reference.name) {
            Item::good(evidence.with_message(format!("`{}`: its tag is set by Kustomize or Skaffold", image)))
        } else {
            match reference.pin {
                Pin::Digest => Item::good(evidence.with_message(format!("`{}` pinned by digest", image))),
                Pin::Tag(tag) => Item::good(evidence.with_message(format!("`{}` pinned to tag `{}`", image, tag))),
                Pin::Latest => Item::bad(evidence.with_message(format!("`{}` follows `latest`", image))),
            }
        };
        items.push(item);
    }
    if items.is_empty() {
        return Finding::not_applicable(IMAGES, "every image is a placeholder filled in at deploy time");
    }
    graded(
        IMAGES,
        items,
        Graded {
            subject: "container image",
            pass: "are pinned to a tag or digest",
            singular: "is pinned to a tag or digest",
        },
    )
}
