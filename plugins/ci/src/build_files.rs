//! What a pipeline runs through the build files at the repository's root: linters and
//! coverage that `pom.xml` binds into the Maven lifecycle, Gradle plugins that `check`
//! runs, and the `package.json` scripts a pipeline calls by name. A pipeline that runs
//! `./mvnw verify` runs Checkstyle when the POM says so, without a word about it in the
//! pipeline.

use crate::commands::{self, Category};
use crate::systems::{Run, Scan};
use crate::Hit;
use kaizen_plugin_sdk::{find_line, Request, Value};

/// The build files read (root only: a monorepo's nested build files are not followed);
/// `plugin.toml` must list them (a test keeps the two in step).
#[cfg(test)]
pub(crate) const FILES: &[&str] = &["pom.xml", "build.gradle", "build.gradle.kts", "package.json"];

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
    /// `package.json` scripts run by name, with the command that runs each.
    pub(crate) scripts: Vec<(String, String)>,
}

/// The build-tool calls in the pipelines' shell steps.
pub(crate) fn invoked(scan: &Scan) -> Invoked {
    let mut out = Invoked::default();
    for pipeline in &scan.pipelines {
        for step in &pipeline.steps {
            if let Run::Shell(script) = &step.run {
                for line in script.lines() {
                    for command in line.split([';', '&', '|']) {
                        read_command(command.trim(), &mut out);
                    }
                }
            }
        }
    }
    out.scripts.sort();
    out.scripts.dedup();
    out
}

fn read_command(command: &str, out: &mut Invoked) {
    let words: Vec<&str> = command.split_whitespace().collect();
    let program = match words.first() {
        Some(first) => first.rsplit('/').next().unwrap_or(first).trim_end_matches(".cmd").trim_end_matches(".bat"),
        None => return,
    };
    let args: Vec<&str> = words[1..].iter().copied().filter(|w| !w.starts_with('-')).collect();
    match program {
        "mvn" | "mvnw" => {
            const PHASES: &[&str] = &["validate", "compile", "test", "package", "verify", "install", "deploy"];
            if out.maven.is_none() && args.iter().any(|a| PHASES.contains(a)) {
                out.maven = Some(command.to_string());
            }
        }
        "gradle" | "gradlew" if out.gradle.is_none() && args.iter().any(|a| matches!(*a, "build" | "check")) => {
            out.gradle = Some(command.to_string());
        }
        "npm" | "yarn" | "pnpm" | "bun" => {
            let script = match args.as_slice() {
                ["test", ..] | ["t", ..] => Some("test"),
                ["run", name, ..] | ["run-script", name, ..] => Some(*name),
                [name, ..] if program != "npm" && !NOT_SCRIPTS.contains(name) => Some(*name),
                _ => None,
            };
            if let Some(name) = script {
                out.scripts.push((name.to_string(), command.to_string()));
            }
        }
        _ => {}
    }
}

/// yarn, pnpm and bun subcommands that are not scripts.
const NOT_SCRIPTS: &[&str] = &["install", "add", "remove", "ci", "i", "dlx", "exec", "x", "create", "why", "publish"];

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
    if !invoked.scripts.is_empty() {
        if let Some(package) = root_document(request, "package.json") {
            scripts(request, package, &invoked.scripts, &mut out);
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

fn scripts(request: &Request, package: &Value, called: &[(String, String)], out: &mut Vec<(Category, Hit)>) {
    let text = request.read_file("package.json").unwrap_or_default();
    for (name, command) in called {
        let script = match package["scripts"][name.as_str()].as_str() {
            Some(script) => script,
            None => continue,
        };
        let line = find_line(&text, &format!("\"{name}\""));
        for found in commands::classify_script(script) {
            if found.category == Category::Deploy || found.category == Category::Publish {
                continue;
            }
            let what = format!("`{}` in the `{name}` script that `{}` runs", found.command, short(command));
            out.push((found.category, Hit { path: "package.json".into(), line, what }));
        }
    }
}

fn short(command: &str) -> String {
    command.split_whitespace().collect::<Vec<_>>().join(" ")
}
