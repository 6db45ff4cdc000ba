//! Dependencies declared in the manifests of each ecosystem, from the host's parsed
//! documents: `Cargo.toml`, `package.json`, `go.mod`, `requirements*.txt`, `pyproject.toml`
//! (PEP 621 and Poetry), `pom.xml`, `*.csproj`, and the text of Gradle build scripts.
//!
//! Only what the code runs with counts: development, test and build dependencies do not
//! (a test helper is not instrumentation), nor do `// indirect` Go requirements (another
//! module's choice), nor Maven's `dependencyManagement` (versions, not uses).

use kaizen_plugin_sdk::{find_line, Document, Value};

/// Where a dependency comes from, which decides how its name is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ecosystem {
    Cargo,
    Npm,
    Go,
    Python,
    /// Maven and Gradle: the name is `group:artifact`.
    Java,
    Nuget,
    /// Hex packages in `mix.exs`.
    Elixir,
    /// Gems in a `Gemfile`.
    Ruby,
    /// Composer packages in `composer.json`: `vendor/package`.
    Php,
    /// C and C++ libraries: `vcpkg.json`, `conanfile.txt`, and the packages and libraries
    /// CMake looks for.
    Cpp,
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// Normalised: lowercase; Python's `_` and `.` become `-` (PEP 503).
    pub name: String,
    /// Cargo features asked for (`tracing-subscriber` with `json`).
    pub features: Vec<String>,
    pub path: String,
    pub line: Option<u32>,
}

/// The dependencies of one parsed manifest; `text` is its raw content, for lines.
pub fn from_document(document: &Document, text: Option<&str>) -> Vec<Dependency> {
    let value = match &document.value {
        Some(value) => value,
        None => return Vec::new(),
    };
    let file = document.path.rsplit('/').next().unwrap_or(&document.path);
    let mut out = Vec::new();
    let mut push = |ecosystem: Ecosystem, name: &str, features: Vec<String>, line: Option<u32>| {
        let name = normalise(ecosystem, name);
        if name.is_empty() {
            return;
        }
        let line = line.or_else(|| text.and_then(|t| name_line(t, &name)));
        out.push(Dependency { ecosystem, name, features, path: document.path.clone(), line });
    };
    match (document.format.as_str(), file) {
        ("toml", "Cargo.toml") => {
            let mut tables = vec![&value["dependencies"], &value["workspace"]["dependencies"]];
            if let Some(targets) = value["target"].as_object() {
                tables.extend(targets.values().map(|t| &t["dependencies"]));
            }
            for table in tables {
                for (name, spec) in table.as_object().into_iter().flatten() {
                    // A renamed dependency names its crate in `package`.
                    let name = spec["package"].as_str().unwrap_or(name);
                    push(Ecosystem::Cargo, name, strings(&spec["features"]), None);
                }
            }
        }
        ("json", "package.json") => {
            for key in ["dependencies", "optionalDependencies", "peerDependencies"] {
                for name in value[key].as_object().into_iter().flatten().map(|(k, _)| k) {
                    let line = text.and_then(|t| find_line(t, &format!("\"{}\"", name)));
                    push(Ecosystem::Npm, name, Vec::new(), line);
                }
            }
        }
        ("go-mod", _) => {
            for require in value["require"].as_array().into_iter().flatten() {
                if require["indirect"] == Value::Bool(true) {
                    continue;
                }
                push(Ecosystem::Go, require["path"].as_str().unwrap_or(""), Vec::new(), line_of(require));
            }
        }
        ("requirements", _) => {
            for requirement in value["requirements"].as_array().into_iter().flatten() {
                if let Some(name) = requirement["name"].as_str() {
                    push(Ecosystem::Python, name, Vec::new(), line_of(requirement));
                }
            }
        }
        ("toml", "pyproject.toml") => {
            for spec in value["project"]["dependencies"].as_array().into_iter().flatten() {
                if let Some(spec) = spec.as_str() {
                    push(Ecosystem::Python, pep508_name(spec), Vec::new(), None);
                }
            }
            for (name, _) in value["tool"]["poetry"]["dependencies"].as_object().into_iter().flatten() {
                if name != "python" {
                    push(Ecosystem::Python, name, Vec::new(), None);
                }
            }
        }
        ("json", "composer.json") => {
            for name in value["require"].as_object().into_iter().flatten().map(|(k, _)| k) {
                let line = text.and_then(|t| find_line(t, &format!("\"{}\"", name)));
                push(Ecosystem::Php, name, Vec::new(), line);
            }
        }
        ("json", "vcpkg.json") => {
            for dependency in value["dependencies"].as_array().into_iter().flatten() {
                let name = dependency.as_str().or_else(|| dependency["name"].as_str()).unwrap_or("");
                let line = text.and_then(|t| find_line(t, &format!("\"{}\"", name)));
                push(Ecosystem::Cpp, name, Vec::new(), line);
            }
        }
        ("xml", _) if file.ends_with(".xml") => {
            // Maven: project/dependencies/dependency, and the same inside profiles.
            let mut lists = vec![child(value, "dependencies")];
            for profile in children(child(value, "profiles"), "profile") {
                lists.push(child(profile, "dependencies"));
            }
            for dependency in lists.into_iter().flat_map(|list| children(list, "dependency")) {
                let scope = text_of(child(dependency, "scope"));
                if scope == "test" {
                    continue;
                }
                let group = text_of(child(dependency, "groupId"));
                let artifact = text_of(child(dependency, "artifactId"));
                push(Ecosystem::Java, &format!("{}:{}", group, artifact), Vec::new(), line_of(dependency));
            }
        }
        ("xml", _) => {
            // .NET projects: ItemGroup/PackageReference Include="…".
            for group in children(value, "ItemGroup") {
                for reference in children(group, "PackageReference") {
                    let name = reference["attributes"]["Include"].as_str().unwrap_or("");
                    push(Ecosystem::Nuget, name, Vec::new(), line_of(reference));
                }
            }
        }
        _ => {}
    }
    out
}

/// The dependencies of a manifest that is a program or plain text, read line by line:
/// Elixir's `mix.exs` (`{:prom_ex, "~> 1.9"}`, not `only: :test`), a `Gemfile`
/// (`gem "prometheus-client"`, not inside a development or test group), `conanfile.txt`
/// (`prometheus-cpp/1.2.4`), and CMake (`find_package(prometheus-cpp)`,
/// `find_library(… NAMES prometheus-cpp-core)`). `None` for other files.
pub fn from_text(path: &str, text: &str) -> Option<Vec<Dependency>> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let mut out = Vec::new();
    let mut push = |ecosystem: Ecosystem, name: &str, index: usize| {
        out.push(Dependency {
            ecosystem,
            name: normalise(ecosystem, name),
            features: Vec::new(),
            path: path.to_string(),
            line: Some(index as u32 + 1),
        })
    };
    match file {
        "mix.exs" => {
            for (index, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with('#') || line.contains("only: :test") || line.contains("only: :dev") {
                    continue;
                }
                if line.contains("only: [") && !line.contains(":prod") {
                    continue;
                }
                if let Some(rest) = code.strip_prefix("{:") {
                    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() && rest[name.len()..].trim_start().starts_with(',') {
                        push(Ecosystem::Elixir, &name, index);
                    }
                }
            }
        }
        "Gemfile" => {
            // `group :development, :test do … end`: tools, not what the code runs with.
            let mut skipped_group = false;
            for (index, line) in text.lines().enumerate() {
                let code = line.trim();
                if code.starts_with("group ") {
                    skipped_group = !code.contains(":production") && !code.contains(":default");
                    continue;
                }
                if code == "end" {
                    skipped_group = false;
                    continue;
                }
                if skipped_group || code.contains("group: :test") || code.contains("group: :development") {
                    continue;
                }
                if let Some(rest) = code.strip_prefix("gem ") {
                    let rest = rest.trim_start();
                    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
                    if let Some(quote) = quote {
                        if let Some(name) = rest[1..].split(quote).next() {
                            push(Ecosystem::Ruby, name, index);
                        }
                    }
                }
            }
        }
        "conanfile.txt" => {
            let mut requires = false;
            for (index, line) in text.lines().enumerate() {
                let code = line.trim();
                if code.starts_with('[') {
                    requires = code == "[requires]";
                } else if requires && !code.is_empty() && !code.starts_with('#') {
                    push(Ecosystem::Cpp, code.split('/').next().unwrap_or(code), index);
                }
            }
        }
        _ if file == "CMakeLists.txt" || file.ends_with(".cmake") => {
            const CALLS: &[&str] = &[
                "find_package(",
                "find_library(",
                "pkg_check_modules(",
                "fetchcontent_declare(",
                "target_link_libraries(",
            ];
            for (index, line) in text.lines().enumerate() {
                let code = line.split('#').next().unwrap_or("").to_ascii_lowercase();
                if !CALLS.iter().any(|call| code.contains(call)) {
                    continue;
                }
                for word in code.split(|c: char| !(c.is_ascii_alphanumeric() || "-_:".contains(c))) {
                    // `prometheus-cpp-core`, `prometheus-cpp::pull`, `opentelemetry-cpp::api`.
                    let package = word.split("::").next().unwrap_or(word);
                    for known in ["prometheus-cpp", "opentelemetry-cpp"] {
                        if package == known || matches!(package.strip_prefix(known), Some(r) if r.starts_with('-')) {
                            push(Ecosystem::Cpp, known, index);
                        }
                    }
                }
            }
        }
        _ => return None,
    }
    out.dedup_by(|a, b| a.name == b.name);
    Some(out)
}

/// The coordinates a Gradle build script names: quoted `"group:artifact[:version]"` strings
/// whose group is a dotted package name, wherever they are (a dependency call often spans
/// several lines, or goes through `platform(…)`). Gradle scripts are Groovy or Kotlin
/// programs, so this reads their text; a text match is the last resort here.
pub fn from_gradle(path: &str, text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    // Whether the dependency configuration being read is a test one (`testImplementation`),
    // kept across the lines of a call that spans several.
    let mut test = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || trimmed.starts_with('*') {
            continue;
        }
        let word: String = trimmed.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !word.is_empty() {
            test = word.starts_with("test") || word.contains("Test");
        }
        if test {
            continue;
        }
        for quoted in quoted_strings(line) {
            let mut parts = quoted.split(':');
            let (group, artifact) = match (parts.next(), parts.next()) {
                (Some(group), Some(artifact)) => (group, artifact),
                _ => continue,
            };
            let coordinate =
                |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if group.contains('.') && coordinate(group) && coordinate(artifact) {
                out.push(Dependency {
                    ecosystem: Ecosystem::Java,
                    name: format!("{}:{}", group, artifact).to_lowercase(),
                    features: Vec::new(),
                    path: path.to_string(),
                    line: Some(index as u32 + 1),
                });
            }
        }
    }
    out
}

fn quoted_strings(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        match after.find(quote) {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// The package name at the start of a PEP 508 string: `structlog>=24; python_version…`.
pub fn pep508_name(spec: &str) -> &str {
    let spec = spec.trim();
    let end = spec.find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c))).unwrap_or(spec.len());
    &spec[..end]
}

pub fn normalise(ecosystem: Ecosystem, name: &str) -> String {
    let name = name.trim().to_lowercase();
    match ecosystem {
        Ecosystem::Python => name.replace(['_', '.'], "-"),
        _ => name,
    }
}

/// The line declaring a dependency in a TOML manifest or a pyproject, by its name.
fn name_line(text: &str, name: &str) -> Option<u32> {
    let variants = [name.to_string(), name.replace('-', "_")];
    text.lines()
        .position(|line| {
            let lower = line.trim_start().to_lowercase();
            variants.iter().any(|v| {
                lower.starts_with(v.as_str()) && lower[v.len()..].trim_start().starts_with(['=', '.'])
                    || lower.starts_with(&format!("\"{}", v))
                    || lower.starts_with(&format!("'{}", v))
                    || lower.contains(&format!("dependencies.{}]", v))
            })
        })
        .map(|i| i as u32 + 1)
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().filter_map(|v| v.as_str()).map(str::to_string).collect()
}

fn line_of(value: &Value) -> Option<u32> {
    value["line"].as_u64().map(|l| l as u32)
}

/// The first child element of an XML element with this name (`Null` when none).
pub fn child<'a>(element: &'a Value, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    element["children"].as_array().into_iter().flatten().find(|c| c["name"].as_str() == Some(name)).unwrap_or(&NULL)
}

/// The child elements of an XML element with this name.
pub fn children<'a>(element: &'a Value, name: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    element["children"].as_array().into_iter().flatten().filter(move |c| c["name"].as_str() == Some(name))
}

pub fn text_of(element: &Value) -> &str {
    element["text"].as_str().unwrap_or("")
}
