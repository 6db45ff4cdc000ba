//! Kaizen's built-in `ci` plugin: finds a repository's continuous integration pipelines and
//! judges whether they run tests and static analysis.
//!
//! The host parses the pipeline files `plugin.toml` names. The plugin recognises which
//! system each document is a pipeline of ([`systems`]), takes out the shell commands it runs
//! and the actions, tasks or steps it uses, classifies them ([`commands`]), and finds the
//! line of each piece of evidence in the raw file ([`locate`]).

mod build_files;
mod commands;
mod locate;
mod organisation;
mod systems;
#[cfg(test)]
mod tests;

use commands::Category;
use kaizen_plugin_sdk::{Evidence, Finding, Request, Response, Result, Value};
use std::collections::{BTreeMap, BTreeSet};
use systems::{Pipeline, Place, Run, Scan, Step};

const PIPELINE_PRESENT: &str = "pipeline-present";
const RUNS_TESTS: &str = "runs-tests";
const STATIC_ANALYSIS: &str = "static-analysis";
const RUNS_ON_CHANGES: &str = "runs-on-changes";
const CACHING: &str = "caching";
const COVERAGE: &str = "measures-coverage";
const DEPLOYMENTS_GATED: &str = "deployments-gated";

/// At most this many pieces of evidence per finding, so a monorepo with hundreds of
/// workflows still gives a readable report.
pub(crate) const MAX_EVIDENCE: usize = 20;

/// The longest command quoted in a message.
const MAX_QUOTE: usize = 120;

fn judge(request: &Request) -> Result<Response> {
    let scan = systems::scan(&request.documents);
    let mut sources = Sources { request, texts: BTreeMap::new() };
    let mut tests = Vec::new();
    let mut lints = Vec::new();
    let mut coverage = Vec::new();
    let mut publishes = Vec::new();
    let mut deploys = scan.pipelines.iter().any(|p| !p.deploys.is_empty());
    for pipeline in &scan.pipelines {
        for step in &pipeline.steps {
            for (category, hit) in classify(pipeline, step, &mut sources) {
                match category {
                    Category::Test => tests.push(hit),
                    Category::Lint => lints.push(hit),
                    Category::Deploy => deploys = true,
                    Category::Coverage => coverage.push(hit),
                    Category::Publish => publishes.push(hit),
                }
            }
        }
    }
    // What the build files run for the build commands the pipelines call.
    for (category, hit) in build_files::hits(request, &build_files::invoked(&scan)) {
        match category {
            Category::Test => tests.push(hit),
            Category::Lint => lints.push(hit),
            Category::Coverage => coverage.push(hit),
            Category::Deploy | Category::Publish => {}
        }
    }
    for hits in [&mut tests, &mut lints, &mut coverage, &mut publishes] {
        hits.sort();
        hits.dedup();
    }

    let mut response = Response::new();
    response.push(pipeline_finding(&scan));
    response.push(practice_finding(
        RUNS_TESTS,
        &scan,
        &tests,
        Practice { doing: "runs tests", found: "tests run in CI", missing: "none runs tests" },
    ));
    response.push(practice_finding(
        STATIC_ANALYSIS,
        &scan,
        &lints,
        Practice {
            doing: "runs static analysis",
            found: "static analysis runs in CI",
            missing: "none runs a linter or other static analysis",
        },
    ));
    let features = organisation::located(&scan, &mut sources);
    response.push(organisation::runs_on_changes(RUNS_ON_CHANGES, &scan, &features));
    response.push(organisation::caching(CACHING, &scan, &features));
    response.push(organisation::coverage(COVERAGE, &scan, &tests, &coverage));
    response.push(organisation::deployments_gated(DEPLOYMENTS_GATED, &scan, deploys, &features));

    let systems: BTreeSet<&str> = scan.pipelines.iter().map(|p| p.system.name()).collect();
    response.fact("ci.systems", Value::from(systems.into_iter().collect::<Vec<_>>()));
    response.fact("ci.runs_tests", !tests.is_empty());
    response.fact("ci.deploys", deploys);
    response.fact("ci.triggers", Value::from(organisation::trigger_names(&features)));
    response.fact("ci.features", Value::from(organisation::feature_names(&features, &coverage, &publishes)));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);

/// A test or static analysis found in a pipeline. Ordered by place, for stable output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hit {
    path: String,
    line: Option<u32>,
    /// The command in backquotes, or the kind and name of what the pipeline refers to.
    what: String,
}

/// What a step is evidence of, with where it is. Deployments only feed a fact, so their
/// lines are not looked up.
fn classify(pipeline: &Pipeline, step: &Step, sources: &mut Sources) -> Vec<(Category, Hit)> {
    let mut out = Vec::new();
    let mut hit = |category: Category, what: String, line: Option<u32>| {
        out.push((category, Hit { path: pipeline.path.clone(), line, what }));
    };
    match &step.run {
        Run::Shell(script) => {
            for found in commands::classify_script(script) {
                let line = match found.category {
                    Category::Deploy => None,
                    _ => {
                        let first_line = script.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
                        let needles = [found.line.as_str(), found.command.as_str(), first_line];
                        sources.line(&pipeline.path, &step.place, &needles)
                    }
                };
                hit(found.category, format!("`{}`", quote(&found.command)), line);
            }
        }
        Run::Reference(name) => {
            let categories = commands::classify_reference(name);
            let line = if categories.iter().any(|c| *c != Category::Deploy) {
                sources.line(&pipeline.path, &step.place, &[name.as_str()])
            } else {
                None
            };
            for category in categories {
                hit(category, format!("{} `{}`", pipeline.system.reference_kind(), quote(name)), line);
            }
        }
    }
    out
}

fn quote(command: &str) -> String {
    let one_line = command.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_QUOTE) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// The raw text of pipeline files, read once each. A file that cannot be read only costs
/// its evidence its line number.
pub(crate) struct Sources<'a> {
    request: &'a Request,
    texts: BTreeMap<String, Option<String>>,
}

impl Sources<'_> {
    pub(crate) fn line(&mut self, path: &str, place: &Place, needles: &[&str]) -> Option<u32> {
        if let Place::Line(line) = place {
            return Some(*line);
        }
        let request = self.request;
        let text = self.texts.entry(path.to_string()).or_insert_with(|| request.read_file(path).ok()).as_deref()?;
        match place {
            Place::Line(line) => Some(*line),
            Place::Search => locate::first_of(text, needles),
            Place::Item { anchor, key, value } => {
                locate::item_line(text, anchor, key, value).or_else(|| locate::command_line(text, anchor))
            }
            Place::Also(more) => locate::first_of(text, needles).or_else(|| locate::first_of(text, more)),
        }
    }
}

fn pipeline_finding(scan: &Scan) -> Finding {
    let mut files: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for pipeline in &scan.pipelines {
        files.entry(&pipeline.path).or_default().insert(pipeline.system.name());
    }
    let mut broken: BTreeMap<&str, &systems::Broken> = BTreeMap::new();
    for file in &scan.broken {
        broken.entry(&file.path).or_insert(file);
    }
    let systems: BTreeSet<&str> = files.values().flatten().copied().collect();
    let systems = systems.into_iter().collect::<Vec<_>>().join(", ");
    let unreadable = match broken.len() {
        1 => "1 file where a pipeline definition was expected could not be parsed".to_string(),
        n => format!("{} files where a pipeline definition was expected could not be parsed", n),
    };
    let mut finding = match (files.len(), broken.is_empty()) {
        (0, true) => return Finding::fail(PIPELINE_PRESENT, "no CI pipeline definition found"),
        (0, false) => {
            Finding::warn(PIPELINE_PRESENT, format!("no CI pipeline definition could be read: {}", unreadable))
        }
        (n, true) => Finding::pass(PIPELINE_PRESENT, format!("{} ({})", count(n, "CI pipeline definition"), systems)),
        (n, false) => Finding::warn(
            PIPELINE_PRESENT,
            format!("{} ({}), but {}", count(n, "CI pipeline definition"), systems, unreadable),
        ),
    };
    for (path, names) in files.iter().take(MAX_EVIDENCE) {
        let names = names.iter().copied().collect::<Vec<_>>().join(", ");
        finding = finding.with_evidence(Evidence::file(*path).with_message(format!("{} pipeline", names)));
    }
    for (path, file) in broken.iter().take(MAX_EVIDENCE) {
        let expected = file.systems.iter().map(|s| s.name()).collect::<Vec<_>>().join(" or ");
        let evidence = match file.line {
            Some(line) => Evidence::line(*path, line),
            None => Evidence::file(*path),
        };
        let message =
            format!("{} pipeline definition expected here, but it does not parse: {}", expected, file.message);
        finding = finding.with_evidence(evidence.with_message(message));
    }
    finding
}

fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {} found", what),
        n => format!("{} {}s found", n, what),
    }
}

/// How a practice's finding reads.
struct Practice {
    /// What a step does, for evidence: "runs tests".
    doing: &'static str,
    /// The start of a passing message: "tests run in CI".
    found: &'static str,
    /// The end of a failing message: "none runs tests".
    missing: &'static str,
}

fn practice_finding(check: &str, scan: &Scan, hits: &[Hit], practice: Practice) -> Finding {
    if scan.pipelines.is_empty() {
        let why = if scan.broken.is_empty() {
            "no CI pipeline definition found"
        } else {
            "no CI pipeline definition could be read"
        };
        return Finding::not_applicable(check, why);
    }
    let mut finding = match hits.first() {
        None => {
            let paths: BTreeSet<&str> = scan.pipelines.iter().map(|p| p.path.as_str()).collect();
            let mut finding = Finding::fail(
                check,
                format!("{} CI pipeline definition{}, but {}", paths.len(), plural(paths.len()), practice.missing),
            );
            for path in paths.into_iter().take(MAX_EVIDENCE) {
                let message = format!("no step here {}", practice.doing);
                finding = finding.with_evidence(Evidence::file(path).with_message(message));
            }
            return finding;
        }
        Some(first) => {
            let more = match hits.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            Finding::pass(check, format!("{}: {} in {}{}", practice.found, first.what, first.path, more))
        }
    };
    for hit in hits.iter().take(MAX_EVIDENCE) {
        let evidence = match hit.line {
            Some(line) => Evidence::line(hit.path.as_str(), line),
            None => Evidence::file(hit.path.as_str()),
        };
        finding = finding.with_evidence(evidence.with_message(format!("{}: {}", practice.doing, hit.what)));
    }
    finding
}

fn plural(n: usize) -> &'static str {
    match n {
        1 => "",
        _ => "s",
    }
}
