//! What a pipeline runs through the build files at the repository's root: linters and
//! coverage that `pom.xml` binds into the Maven lifecycle, and Gradle plugins that `check`
//! runs. A pipeline that runs `./mvnw verify` runs Checkstyle when the POM says so, without
//! a word about it in the pipeline. (Package scripts, make targets and the like are
//! followed by the host.)

use crate::{Category, Hit};
use kaizen_plugin_sdk::{Ci, Request, Value};

/// The build files read (root only: a monorepo's nested build files are not followed);
/// `plugin.toml` must list them (a test keeps the two in step).
#[cfg(test)]
pub(crate) const FILES: &[&str] = &["pom.xml", "build.gradle", "build.gradle.kts"];

/// Maven plugins that check code, and the one that measures coverage. They run in the
/// build when the POM binds them to a phase (`<executions>`).
const MAVEN_LINTERS: &[&str] = &[
    "maven-checkstyle-plugin",
    "spotbugs-maven-plugin",
    "maven-pmd-plugin",
    "spotless-maven-plugin",
    "spring-javaformat-maven-plugin",
    "fmt-maven-plugin",
    "ktlint-maven-plugin",
    "detekt-maven-plugin",
];
const MAVEN_COVERAGE: &[&str] = &["jacoco-maven-plugin", "cobertura-maven-plugin", "kover-maven-plugin"];

/// Gradle plugin ids whose tasks `check` (and so `build`) runs.
const GRADLE_LINTERS: &[&str] = &[
    "checkstyle",
    "pmd",
    "com.github.spotbugs",
    "com.diffplug.spotless",
    "io.spring.javaformat",
    "io.gitlab.arturbosch.detekt",
    "org.jlleitschuh.gradle.ktlint",
    "net.ltgt.errorprone",
];
const GRADLE_COVERAGE: &[&str] = &["jacoco", "org.jetbrains.kotlinx.kover"];

/// How the pipelines call the build tools.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Invoked {
    /// A Maven lifecycle phase, as written (`./mvnw -B verify`).
    pub(crate) maven: Option<String>,
    /// A Gradle task that runs `check` (`./gradlew build`).
    pub(crate) gradle: Option<String>,
}

/// The build-tool calls among the commands of the pipelines' steps.
pub(crate) fn invoked(ci: &Ci) -> Invoked {
    const PHASES: &[&str] = &["validate", "compile", "test", "package", "verify", "install", "deploy"];
    let mut out = Invoked::default();
    let commands = ci.pipelines.iter().flat_map(|p| &p.jobs).flat_map(|j| &j.steps).flat_map(|s| &s.commands);
    for command in commands {
        let program = match command.argv.first() {
            Some(first) => first.rsplit('/').next().unwrap_or(first).trim_end_matches(".cmd").trim_end_matches(".bat"),
            None => continue,
        };
        let args: Vec<&str> = command.argv[1..].iter().map(String::as_str).filter(|w| !w.starts_with('-')).collect();
        match program {
            "mvn" | "mvnw" if out.maven.is_none() && args.iter().any(|a| PHASES.contains(a)) => {
                out.maven = Some(command.text.clone());
            }
            "gradle" | "gradlew" if out.gradle.is_none() && args.iter().any(|a| matches!(*a, "build" | "check")) => {
                out.gradle = Some(command.text.clone());
            }
            _ => {}
        }
    }
    out
}

/// The tests, linters and coverage the build files run for these calls, as hits on the
/// build files' lines.
pub(crate) fn hits(request: &Request, invoked: &Invoked) -> Vec<(Category, Hit)> {
    let mut out = Vec::new();
    if let Some(command) = &invoked.maven {
        if let Some(pom) = root_document(request, "pom.xml") {
            maven(pom, command, &mut out);
        }
    }
    if let Some(command) = &invoked.gradle {
        for path in ["build.gradle", "build.gradle.kts"] {
            if let Ok(text) = request.read_file(path) {
                gradle(path, &text, command, &mut out);
            }
        }
    }
    out
}

fn root_document<'a>(request: &'a Request, path: &str) -> Option<&'a Value> {
    request.documents.iter().find(|d| d.path == path).and_then(|d| d.value.as_ref())
}

fn children<'a>(element: &'a Value, name: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    element["children"].as_array().into_iter().flatten().filter(move |c| c["name"] == name)
}

fn maven(pom: &Value, command: &str, out: &mut Vec<(Category, Hit)>) {
    for build in children(pom, "build") {
        for plugins in children(build, "plugins") {
            for plugin in children(plugins, "plugin") {
                let artifact = match children(plugin, "artifactId").next() {
                    Some(a) => a,
                    None => continue,
                };
                let name = artifact["text"].as_str().unwrap_or("");
                let category = if MAVEN_LINTERS.contains(&name) {
                    Category::Lint
                } else if MAVEN_COVERAGE.contains(&name) {
                    Category::Coverage
                } else {
                    continue;
                };
                // Declared without executions, a plugin only runs when called by name.
                if children(plugin, "executions").next().is_none() {
                    continue;
                }
                let what = format!("`{name}` bound into the Maven build that `{}` runs", short(command));
                let line = artifact["line"].as_u64().map(|l| l as u32);
                out.push((category, Hit { path: "pom.xml".into(), line, what }));
            }
        }
    }
}

/// Last resort, a text search: Gradle build scripts are Groovy or Kotlin programs, which
/// the host does not parse. A plugin id counts in the forms `id 'x'`, `id("x")`, `apply
/// plugin: 'x'`, or a bare core plugin name on its own line of the `plugins` block.
fn gradle(path: &str, text: &str, command: &str, out: &mut Vec<(Category, Hit)>) {
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let applied: Option<&str> = GRADLE_LINTERS.iter().chain(GRADLE_COVERAGE).copied().find(|id| {
            let quoted = [format!("'{id}'"), format!("\"{id}\"")];
            line == *id
                || line == format!("`{id}`")
                || ((line.starts_with("id ") || line.starts_with("id(") || line.starts_with("apply plugin"))
                    && quoted.iter().any(|q| line.contains(q.as_str())))
        });
        if let Some(id) = applied {
            let category = if GRADLE_COVERAGE.contains(&id) { Category::Coverage } else { Category::Lint };
            let what = format!("Gradle plugin `{id}`, run by `{}`", short(command));
            out.push((category, Hit { path: path.into(), line: Some(index as u32 + 1), what }));
        }
    }
}

fn short(command: &str) -> String {
    command.split_whitespace().collect::<Vec<_>>().join(" ")
}
