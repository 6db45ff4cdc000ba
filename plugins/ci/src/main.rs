//! Kaizen's built-in `ci` plugin: finds a repository's continuous integration pipelines and
//! judges whether they run tests and static analysis.
//!
//! The host hands the plugin its understanding of the repository's CI (`inputs.ci`): the
//! pipeline definitions each CI system reads as the repository's own, their jobs, the
//! commands they run as argument vectors, and the tools of the catalogue those are, each
//! with its line. The plugin judges from that, and reads the parsed pipeline documents only
//! for how they are organised: triggers, caches, matrices, environments, approvals
//! ([`systems`], [`organisation`]), and the root build files for what `mvn verify` or
//! `gradle build` run without a word in the pipeline ([`build_files`]).

mod build_files;
mod organisation;
mod systems;
#[cfg(test)]
mod tests;

use kaizen_plugin_sdk::evidence::ci::{kinds, ToolUse};
use kaizen_plugin_sdk::{Ci, Evidence, Finding, Request, Response, Result, Value};
use std::collections::{BTreeMap, BTreeSet};
use systems::Scan;

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

/// What a step is evidence of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// It runs automated tests.
    Test,
    /// It runs a linter, a formatter in check mode or another static analysis.
    Lint,
    /// It measures or reports test coverage.
    Coverage,
}

/// The kinds of the catalogue that count as static analysis.
const STATIC_KINDS: &[&str] = &[kinds::LINT, kinds::FORMAT, kinds::SAST, kinds::IAC_LINT, kinds::IAC_SCAN];

fn judge(request: &Request) -> Result<Response> {
    let ci = request.ci()?.unwrap_or_default();
    let ci = &ci;
    let scan = systems::scan(ci, &request.documents);
    let mut tests = hits(ci, &[kinds::TEST], "runs tests");
    let mut lints = hits(ci, STATIC_KINDS, "runs static analysis");
    let mut coverage = hits(ci, &[kinds::COVERAGE], "measures coverage");
    let publishes = hits(ci, &[kinds::RELEASE], "publishes");
    let deploys = deploys(ci);
    // What the build files run for the build commands the pipelines call.
    for (category, hit) in build_files::hits(request, &build_files::invoked(ci)) {
        match category {
            Category::Test => tests.push(hit),
            Category::Lint => lints.push(hit),
            Category::Coverage => coverage.push(hit),
        }
    }
    for hits in [&mut tests, &mut lints, &mut coverage] {
        hits.sort();
        hits.dedup();
    }
    let mut sources = Sources { request, texts: BTreeMap::new() };

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
    response.push(organisation::deployments_gated(DEPLOYMENTS_GATED, &scan, !deploys.is_empty(), &features));

    let systems: BTreeSet<&str> = scan.pipelines.iter().map(|p| p.system.name()).collect();
    response.fact("ci.systems", Value::from(systems.into_iter().collect::<Vec<_>>()));
    response.fact("ci.runs_tests", !tests.is_empty());
    response.fact("ci.deploys", !deploys.is_empty());
    response.fact("ci.deploys_service", deploys_service(ci));
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
    /// The command in backquotes, or the kind and name of what the pipeline refers to,
    /// with the tool and where a runner led.
    what: String,
}

/// The tool uses of the given kinds, as hits: "`pytest -q` (pytest)", "action
/// `github/codeql-action/analyze@v3` (CodeQL)", "`make test` (go test, Makefile:12)".
fn hits(ci: &Ci, wanted: &[&str], _doing: &str) -> Vec<Hit> {
    ci.tools
        .iter()
        .filter(|u| wanted.iter().any(|k| u.is(k)))
        .map(|u| Hit { path: u.path.clone(), line: u.line, what: describe(u) })
        .collect()
}

fn describe(u: &ToolUse) -> String {
    let written = match u.form.as_str() {
        "command" | "name" => format!("`{}`", quote(&u.text)),
        form => format!("{} `{}`", form, quote(&u.text)),
    };
    // The tool's name when the command does not already say it (`make check` runs
    // golangci-lint; `cargo test` needs no "(cargo test)").
    let mut about = Vec::new();
    if !u.text.to_ascii_lowercase().contains(&u.name.to_ascii_lowercase()) && u.form != "name" {
        about.push(u.name.clone());
    }
    for via in &u.via {
        about.push(format!("via `{}` at {}", via.name, via.location()));
    }
    if let Some(note) = &u.note {
        about.push(note.clone());
    }
    if about.is_empty() {
        written
    } else {
        format!("{} ({})", written, about.join(", "))
    }
}

/// Why the pipelines deploy: a deployment or release tool (not in a job that starts a
/// throwaway cluster: the host made those tests), or a job that targets a deployment
/// environment.
fn deploys(ci: &Ci) -> Vec<String> {
    let mut out: Vec<String> = ci
        .tools
        .iter()
        .filter(|u| u.is(kinds::DEPLOY) || u.is(kinds::RELEASE))
        .map(|u| format!("{} at {}", describe(u), u.location()))
        .collect();
    for pipeline in &ci.pipelines {
        for job in &pipeline.jobs {
            if let Some(environment) = &job.environment {
                out.push(format!("job `{}` in {} uses environment `{}`", job.id, pipeline.path, environment));
            }
        }
    }
    out
}

/// Whether the pipelines deploy something that runs: a deployment tool (not a release, a
/// package, an image or a documentation site), or a job in a deployment environment whose
/// name is not a package registry's or a release's (`pypi`, `release`, `github-pages`).
fn deploys_service(ci: &Ci) -> bool {
    const PUBLISHING: &[&str] = &[
        "pypi",
        "testpypi",
        "npm",
        "release",
        "releases",
        "publish",
        "publishing",
        "pages",
        "github-pages",
        "gh-pages",
        "docs",
        "documentation",
        "crates",
        "cratesio",
        "maven",
        "sonatype",
        "nuget",
        "rubygems",
        "gems",
        "registry",
        "homebrew",
        "package",
        "packages",
        "dockerhub",
        "docker",
        "ghcr",
        "quay",
        "image",
        "images",
        "artifacts",
        "hex",
        "cpan",
        "galaxy",
        "pub",
    ];
    if ci.tools.iter().any(|u| u.is(kinds::DEPLOY)) {
        return true;
    }
    ci.pipelines.iter().any(|pipeline| {
        pipeline.jobs.iter().any(|job| {
            let environment = match job.environment.as_deref() {
                Some(environment) => environment,
                None => return false,
            };
            let words = kaizen_plugin_sdk::evidence::ci::words_of_name(environment);
            if words.iter().any(|w| PUBLISHING.contains(&w.as_str())) {
                return false;
            }
            // A job whose tools only publish a release (`cargo publish` to a `production`
            // environment) ships a package, not a service.
            let mut tools = ci
                .tools
                .iter()
                .filter(|u| u.path == pipeline.path && u.job.as_deref() == Some(job.id.as_str()))
                .peekable();
            tools.peek().is_none() || !tools.all(|u| u.is(kinds::RELEASE) || u.is(kinds::SIGN) || u.is(kinds::SBOM))
        })
    })
}

fn quote(command: &str) -> String {
    let one_line = command.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_QUOTE) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// The raw text of pipeline files, read once each, for the lines of the features the
/// structure shows (triggers, caches): a file that cannot be read only costs its evidence
/// its line number.
pub(crate) struct Sources<'a> {
    request: &'a Request,
    texts: BTreeMap<String, Option<String>>,
}

impl Sources<'_> {
    pub(crate) fn line(&mut self, path: &str, needles: &[&str]) -> Option<u32> {
        let request = self.request;
        let text = self.texts.entry(path.to_string()).or_insert_with(|| request.read_file(path).ok()).as_deref()?;
        needles.iter().filter(|n| !n.trim().is_empty()).find_map(|needle| kaizen_plugin_sdk::find_line(text, needle))
    }
}

fn pipeline_finding(scan: &Scan) -> Finding {
    let mut files: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for pipeline in &scan.pipelines {
        files.entry(pipeline.path).or_default().insert(pipeline.system.name());
    }
    let systems: BTreeSet<&str> = files.values().flatten().copied().collect();
    let systems = systems.into_iter().collect::<Vec<_>>().join(", ");
    let unreadable = match scan.broken.len() {
        1 => "1 file where a pipeline definition was expected could not be parsed".to_string(),
        n => format!("{} files where a pipeline definition was expected could not be parsed", n),
    };
    let ignored = ignored_note(scan);
    let mut finding = match (files.len(), scan.broken.is_empty()) {
        (0, true) => return Finding::fail(PIPELINE_PRESENT, format!("no CI pipeline definition found{}", ignored)),
        (0, false) => Finding::warn(
            PIPELINE_PRESENT,
            format!("no CI pipeline definition could be read: {}{}", unreadable, ignored),
        ),
        (n, true) => {
            Finding::pass(PIPELINE_PRESENT, format!("{} ({}){}", count(n, "CI pipeline definition"), systems, ignored))
        }
        (n, false) => Finding::warn(
            PIPELINE_PRESENT,
            format!("{} ({}), but {}{}", count(n, "CI pipeline definition"), systems, unreadable, ignored),
        ),
    };
    for (path, names) in files.iter().take(MAX_EVIDENCE) {
        let names = names.iter().copied().collect::<Vec<_>>().join(", ");
        finding = finding.with_evidence(Evidence::file(*path).with_message(format!("{} pipeline", names)));
    }
    for pipeline in scan.broken.iter().take(MAX_EVIDENCE) {
        let error = pipeline.error.as_ref().expect("broken pipelines have an error");
        let evidence = match error.line {
            Some(line) => Evidence::line(pipeline.path.as_str(), line),
            None => Evidence::file(pipeline.path.as_str()),
        };
        let message =
            format!("{} pipeline definition expected here, but it does not parse: {}", pipeline.system, error.message);
        finding = finding.with_evidence(evidence.with_message(message));
    }
    for ignored in scan.ci.ignored.iter().take(MAX_EVIDENCE) {
        let why = match ignored.reason.as_str() {
            "not-read" => format!("not where {} reads its pipelines", ignored.system),
            role => format!("{} file, not the repository's own", role),
        };
        finding = finding.with_evidence(
            Evidence::file(ignored.path.as_str()).with_message(format!("{} pipeline ignored: {}", ignored.system, why)),
        );
    }
    finding
}

/// "; 3 example pipelines and 1 test-fixture pipeline ignored".
fn ignored_note(scan: &Scan) -> String {
    if scan.ci.ignored.is_empty() {
        return String::new();
    }
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for ignored in &scan.ci.ignored {
        *by_reason.entry(ignored.reason.as_str()).or_default() += 1;
    }
    let parts: Vec<String> = by_reason
        .into_iter()
        .map(|(reason, n)| {
            let what = match reason {
                "not-read" => "pipeline file no CI system reads there".to_string(),
                role => format!("{} pipeline", role),
            };
            format!("{} {}{}", n, what, if n == 1 { "" } else { "s" })
        })
        .collect();
    format!("; {} ignored", parts.join(" and "))
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
            let paths: BTreeSet<&str> = scan.pipelines.iter().map(|p| p.path).collect();
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
