//! Kaizen's built-in `observability` plugin: finds how a repository's services can be
//! observed (metrics, alerts, dashboards, structured logs, traces, health checks and SLOs)
//! and reports it as the `observability.signals` fact and one check per practice.
//!
//! Evidence comes from three places, most trusted first: the client libraries that the
//! dependency manifests declare ([`deps`], [`catalog`]), configuration documents the host
//! parses ([`configs`]), and, as a bounded last resort, the text of source files and
//! Dockerfiles ([`source`]).

mod catalog;
mod configs;
mod deps;
mod source;
#[cfg(test)]
mod tests;

use catalog::Signal;
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
    /// A file with code: a dependency manifest or a source file.
    code: Option<String>,
    /// A file that deploys a service, and how.
    deploys: Option<(String, String)>,
    /// A file that deploys a long-running service (not only functions), and how.
    serves: Option<(String, String)>,
    /// A server framework the code runs with: its manifest, line and name.
    framework: Option<(String, Option<u32>, String)>,
}

/// The checks, each judging one or more signals.
struct Check {
    id: &'static str,
    signals: &'static [Signal],
    /// What passing looks like, for the message: "metrics are exported".
    found: &'static str,
    /// What is missing, for a failing message.
    missing: &'static str,
    /// Whether only the repository's own code can show it (logging and tracing libraries),
    /// so a repository that deploys only others' images cannot fail it.
    needs_code: bool,
    /// Whether only long-running services have it (health endpoints): functions do not.
    needs_server: bool,
}

const CHECKS: &[Check] = &[
    Check {
        id: "metrics-instrumented",
        signals: &[Signal::Prometheus, Signal::OpenTelemetry],
        found: "metrics instrumentation",
        missing: "no Prometheus or OpenTelemetry instrumentation, scrape configuration or ServiceMonitor",
        needs_code: false,
        needs_server: false,
    },
    Check {
        id: "alerting-rules",
        signals: &[Signal::AlertRules],
        found: "alerting defined as code",
        missing: "no alerting rules, Alertmanager configuration or alarms",
        needs_code: false,
        needs_server: false,
    },
    Check {
        id: "dashboards-as-code",
        signals: &[Signal::GrafanaDashboards],
        found: "dashboards kept as code",
        missing: "no dashboard definitions",
        needs_code: false,
        needs_server: false,
    },
    Check {
        id: "structured-logging",
        signals: &[Signal::StructuredLogging],
        found: "structured logging",
        missing: "no structured-logging library or JSON log configuration",
        needs_code: true,
        needs_server: false,
    },
    Check {
        id: "distributed-tracing",
        signals: &[Signal::Tracing],
        found: "distributed tracing",
        missing: "no tracing SDK (OpenTelemetry, X-Ray, Jaeger, Zipkin, Datadog) or tracing configuration",
        needs_code: true,
        needs_server: false,
    },
    Check {
        id: "health-checks",
        signals: &[Signal::HealthChecks],
        found: "health checks",
        missing: "no liveness or readiness probe, container health check or health endpoint",
        needs_code: false,
        needs_server: true,
    },
    Check {
        id: "slos-defined",
        signals: &[Signal::Slo],
        found: "service level objectives defined as code",
        missing: "no SLO specification (OpenSLO, Sloth, Pyrra, Google SLO Generator)",
        needs_code: false,
        needs_server: false,
    },
];

fn judge(request: &Request) -> Result<Response> {
    let scan = scan(request);
    let mut response = Response::new();
    for check in CHECKS {
        response.push(finding(check, &scan));
    }
    let signals: BTreeSet<&str> = scan.hits.iter().map(|h| h.signal.name()).collect();
    response.fact("observability.signals", Value::from(signals.into_iter().collect::<Vec<_>>()));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);

fn scan(request: &Request) -> Scan {
    let mut scan = Scan::default();
    let mut texts = Texts { request, cache: BTreeMap::new() };
    // Only the repository's own files: examples, fixtures, vendored copies and documentation
    // say nothing about how its services are observed.
    for document in &request.documents {
        if !document.is_own() || source::is_vendored(&document.path) {
            continue;
        }
        let is_manifest = matches!(document.format.as_str(), "go-mod" | "requirements")
            || ["Cargo.toml", "package.json", "pyproject.toml", "pom.xml", "composer.json", "vcpkg.json"]
                .iter()
                .any(|m| document.path.ends_with(m))
            || document.path.ends_with("proj");
        if is_manifest {
            if document.value.is_some() && scan.code.is_none() && !source::is_auxiliary(&document.path) {
                scan.code = Some(document.path.clone());
            }
            let text = texts.get(&document.path);
            for dependency in deps::from_document(document, text.as_ref().map(|t| t.as_str())) {
                note_framework(&mut scan, &dependency);
                for signal in catalog::signals_of(&dependency) {
                    scan.hits.push(Hit {
                        signal: *signal,
                        path: dependency.path.clone(),
                        line: dependency.line,
                        what: format!("`{}`", dependency.name),
                    });
                }
            }
            continue;
        }
        let found = configs::examine(document);
        if let Some(how) = found.deploys {
            if !source::is_auxiliary(&document.path) {
                if !found.functions_only && scan.serves.is_none() {
                    scan.serves = Some((document.path.clone(), how.clone()));
                }
                scan.deploys.get_or_insert_with(|| (document.path.clone(), how));
            }
        }
        for (signal, needle, what) in found.signals {
            let line = texts.get(&document.path).and_then(|t| yaml_line(&t, &needle));
            scan.hits.push(Hit { signal, path: document.path.clone(), line, what });
        }
    }
    raw_files(request, &mut scan, &mut texts);
    scan.hits.sort();
    scan.hits.dedup();
    scan
}

/// Files read as text: Gradle scripts, Dockerfiles, monitoring mixins and source code.
fn raw_files(request: &Request, scan: &mut Scan, texts: &mut Texts) {
    let mut sources = Vec::new();
    // A Dockerfile without `EXPOSE`, which is a service's when the code serves.
    let mut image: Option<String> = None;
    let mut server: Option<(String, u32, &'static str)> = None;
    for file in &request.files {
        let path = file.path.as_str();
        if !file.role.is_own() || source::is_vendored(path) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let own = !source::is_auxiliary(path);
        if name == "mix.exs" || name == "Gemfile" || name == "conanfile.txt" || name == "CMakeLists.txt" {
            if own && name != "CMakeLists.txt" {
                scan.code.get_or_insert_with(|| path.to_string());
            }
            if let Some(text) = texts.get(path) {
                for dependency in deps::from_text(path, &text).unwrap_or_default() {
                    note_framework(scan, &dependency);
                    for signal in catalog::signals_of(&dependency) {
                        scan.hits.push(Hit {
                            signal: *signal,
                            path: path.to_string(),
                            line: dependency.line,
                            what: format!("`{}`", dependency.name),
                        });
                    }
                }
            }
            continue;
        }
        if name == "build.gradle" || name == "build.gradle.kts" {
            if own {
                scan.code.get_or_insert_with(|| path.to_string());
            }
            if let Some(text) = texts.get(path) {
                for dependency in deps::from_gradle(path, &text) {
                    note_framework(scan, &dependency);
                    for signal in catalog::signals_of(&dependency) {
                        scan.hits.push(Hit {
                            signal: *signal,
                            path: path.to_string(),
                            line: dependency.line,
                            what: format!("`{}`", dependency.name),
                        });
                    }
                }
            }
        } else if name == "Dockerfile"
            || name.ends_with(".Dockerfile")
            || name.starts_with("Dockerfile.")
            || name.starts_with("Dockerfile-")
            || name.starts_with("Dockerfile_")
            || name == "Containerfile"
        {
            // An image that listens on a port is a service; one that does not may be a CLI
            // or a build tool packaged as an image, unless its code serves (below).
            if own && texts.get(path).map_or(false, |t| source::dockerfile_exposes(&t)) {
                scan.deploys.get_or_insert_with(|| (path.to_string(), "Dockerfile with `EXPOSE`".to_string()));
                scan.serves.get_or_insert_with(|| (path.to_string(), "Dockerfile with `EXPOSE`".to_string()));
            } else if own {
                image.get_or_insert_with(|| path.to_string());
            }
            if let Some((line, what)) = texts.get(path).and_then(|t| source::scan_dockerfile(&t)) {
                scan.hits.push(Hit { signal: Signal::HealthChecks, path: path.to_string(), line: Some(line), what });
            }
        } else if name == "Procfile" && own {
            scan.deploys.get_or_insert_with(|| (path.to_string(), "Procfile".to_string()));
            scan.serves.get_or_insert_with(|| (path.to_string(), "Procfile".to_string()));
        } else if name.ends_with(".jsonnet") || name.ends_with(".libsonnet") {
            if let Some(text) = texts.get(path) {
                for (signal, line, what) in source::scan_jsonnet(&text) {
                    scan.hits.push(Hit { signal, path: path.to_string(), line: Some(line), what });
                }
            }
        } else if source::is_source(path) {
            if own {
                scan.code.get_or_insert_with(|| path.to_string());
            }
            if file.size <= source::MAX_SOURCE_BYTES {
                sources.push((source::priority(path), path, file.role.is_test()));
            }
        }
    }
    sources.sort();
    for (_, path, test) in sources.into_iter().take(source::MAX_SOURCE_FILES) {
        let text = match request.read_file(path) {
            Ok(text) => text,
            Err(_) => continue,
        };
        for (signal, line, what) in source::scan_source(path, &text, test) {
            scan.hits.push(Hit { signal, path: path.to_string(), line: Some(line), what });
        }
        if server.is_none() && !test && !source::is_auxiliary(path) {
            server = source::serves(&text).map(|(line, what)| (path.to_string(), line, what));
        }
    }
    let server = server.map(|(path, line, what)| format!("{} at {}:{}", what, path, line)).or_else(|| {
        scan.framework.as_ref().map(|(path, line, name)| match line {
            Some(line) => format!("`{}` at {}:{}", name, path, line),
            None => format!("`{}` in {}", name, path),
        })
    });
    if let (Some(dockerfile), Some(server)) = (image, server) {
        let how = format!("the image of a server, {},", server);
        scan.deploys.get_or_insert_with(|| (dockerfile.clone(), how.clone()));
        scan.serves.get_or_insert((dockerfile, how));
    }
}

/// Remembers the first server framework the repository's own code depends on.
fn note_framework(scan: &mut Scan, dependency: &deps::Dependency) {
    if scan.framework.is_none() && !source::is_auxiliary(&dependency.path) && catalog::is_server_framework(dependency) {
        scan.framework = Some((dependency.path.clone(), dependency.line, dependency.name.clone()));
    }
}

/// The raw text of files, read once each.
struct Texts<'a> {
    request: &'a Request,
    cache: BTreeMap<String, Option<std::rc::Rc<String>>>,
}

impl Texts<'_> {
    fn get(&mut self, path: &str) -> Option<std::rc::Rc<String>> {
        let request = self.request;
        self.cache.entry(path.to_string()).or_insert_with(|| request.read_file(path).ok().map(std::rc::Rc::new)).clone()
    }
}

/// The line of a key or value in a YAML or JSON file: a line that starts with the needle
/// (after indentation and list dashes) first, then any line that contains it.
fn yaml_line(text: &str, needle: &str) -> Option<u32> {
    text.lines()
        .position(|line| {
            let content = line.trim_start().trim_start_matches("- ").trim_start();
            content.starts_with(needle)
        })
        .map(|i| i as u32 + 1)
        .or_else(|| find_line(text, needle))
}

/// What was looked for when nothing deploys the repository's code.
const NO_DEPLOYMENT: &str =
    "no Dockerfile, Compose file, Kubernetes workload, Helm chart, Procfile, serverless, Lambda or ECS definition";

fn finding(check: &Check, scan: &Scan) -> Finding {
    let hits: Vec<&Hit> = scan.hits.iter().filter(|h| check.signals.contains(&h.signal)).collect();
    if hits.is_empty() {
        if check.needs_server && scan.serves.is_none() {
            if let Some((path, how)) = &scan.deploys {
                let message = format!(
                    "only functions are deployed ({} in {}); they have no health endpoint of their own",
                    how, path
                );
                return Finding::not_applicable(check.id, message);
            }
        }
        let deploys = if check.needs_server { &scan.serves } else { &scan.deploys };
        return match (&scan.code, deploys) {
            (None, None) => Finding::not_applicable(check.id, "no service code or deployment found in the repository"),
            (None, Some((path, how))) if check.needs_code => Finding::not_applicable(
                check.id,
                format!(
                    "something is deployed ({} in {}), but the repository holds no service code of its own \
                     (no source files or dependency manifests)",
                    how, path
                ),
            ),
            (Some(code), None) => Finding::not_applicable(
                check.id,
                format!("code found ({}), but nothing that deploys it as a service ({})", code, NO_DEPLOYMENT),
            ),
            (_, Some((path, how))) => {
                Finding::fail(check.id, format!("a service is deployed ({} in {}), but {}", how, path, check.missing))
                    .with_evidence(Evidence::file(path.as_str()).with_message(format!("{}: {}", how, check.missing)))
            }
        };
    }
    let first = hits[0];
    if check.needs_code && scan.deploys.is_none() {
        // Instrumentation in code says how a service is observed in production; in a library
        // or a command-line tool that nothing deploys as a service, it observes nothing.
        return Finding::not_applicable(
            check.id,
            format!(
                "{} in {}, but nothing deploys this repository's code as a service ({})",
                first.what, first.path, NO_DEPLOYMENT
            ),
        );
    }
    let mut files: BTreeSet<&str> = BTreeSet::new();
    for hit in &hits {
        files.insert(&hit.path);
    }
    let more = match files.len() {
        1 => String::new(),
        n => format!(" and {} more file{}", n - 1, if n == 2 { "" } else { "s" }),
    };
    let mut finding = Finding::pass(check.id, format!("{}: {} in {}{}", check.found, first.what, first.path, more));
    // One piece of evidence per file and kind of thing, so one dashboard folder does not
    // crowd out the rest.
    let mut shown: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut lines: BTreeSet<(&str, u32)> = BTreeSet::new();
    for hit in hits {
        if shown.len() == MAX_EVIDENCE || !shown.insert((&hit.path, &hit.what)) {
            continue;
        }
        // Several things found on one line (a key shared by many items) are one piece of evidence.
        if let Some(line) = hit.line {
            if !lines.insert((&hit.path, line)) {
                continue;
            }
        }
        let evidence = match hit.line {
            Some(line) => Evidence::line(hit.path.as_str(), line),
            None => Evidence::file(hit.path.as_str()),
        };
        finding = finding.with_evidence(evidence.with_message(format!("{}: {}", hit.signal.name(), hit.what)));
    }
    finding
}
