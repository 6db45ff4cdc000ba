//! What the repository's files show by their names and contents: policy, code owners,
//! license, dependency update tools, hooks, binary artifacts, fuzz targets, committed
//! secrets, and SBOM or signing steps in CI and build files.

use kaizen_plugin_sdk::{glob_match, FileEntry, Request, Value};

/// Files read for secrets and fuzz targets are skipped above this size.
pub const MAX_READ_BYTES: u64 = 1 << 20;

/// All the reading stops after this many bytes, so a huge repository stays inside the
/// plugin's time limit; the finding then says how much was scanned.
pub const MAX_TOTAL_BYTES: u64 = 96 << 20;

/// The first file of `files` whose path is one of `dirs` followed by a name that `name`
/// accepts (compared in upper case).
pub fn find_in<'a>(files: &'a [FileEntry], dirs: &[&str], name: impl Fn(&str) -> bool) -> Option<&'a str> {
    files
        .iter()
        .filter(|f| {
            let (dir, base) = match f.path.rfind('/') {
                Some(i) => (&f.path[..i + 1], &f.path[i + 1..]),
                None => ("", f.path.as_str()),
            };
            dirs.contains(&dir) && name(&base.to_ascii_uppercase())
        })
        .map(|f| f.path.as_str())
        .min_by_key(|p| (p.matches('/').count(), p.len()))
}

/// The files where GitHub looks for a security policy (the root, `.github/`, `docs/`),
/// nearest the root first.
pub fn security_policy_files(files: &[FileEntry]) -> Vec<&str> {
    let mut out: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|path| {
            let (dir, base) = match path.rfind('/') {
                Some(i) => (&path[..i + 1], &path[i + 1..]),
                None => ("", *path),
            };
            ["", ".github/", "docs/"].contains(&dir)
                && matches!(
                    base.to_ascii_uppercase().as_str(),
                    "SECURITY.MD"
                        | "SECURITY.RST"
                        | "SECURITY.TXT"
                        | "SECURITY.ADOC"
                        | "SECURITY.MARKDOWN"
                        | "SECURITY"
                )
        })
        .collect();
    out.sort_by_key(|p| (p.matches('/').count(), p.len()));
    out
}

/// Whether a security file is a vulnerability-disclosure policy: it says how to report a
/// vulnerability (an address, a form, a private advisory link, a bug bounty) or points to
/// the policy that does. A page that describes hardening or configuration is not one.
pub fn is_disclosure_policy(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let reporting =
        has(&["report", "disclos", "contact us", "reach out", "notify us", "let us know", "send an email", "email us"]);
    let vulnerabilities = has(&[
        "vulnerab",
        "security issue",
        "security bug",
        "security problem",
        "security flaw",
        "exploit",
        "security concern",
        "security-related",
    ]);
    let channel = lower.contains('@')
        || has(&[
            "security/advisories",
            "private vulnerability reporting",
            "report a vulnerability",
            "hackerone",
            "bugcrowd",
            "huntr",
            "intigriti",
            "bug bounty",
            "security advisory",
            "http://",
            "https://",
        ]);
    let pointer =
        has(&["security policy", "security-policy", "/security"]) && has(&["http://", "https://", "](", "see "]);
    (reporting && (vulnerabilities || channel)) || (vulnerabilities && channel) || pointer
}

pub fn codeowners(files: &[FileEntry]) -> Option<&str> {
    find_in(files, &["", ".github/", "docs/", ".gitlab/"], |n| n == "CODEOWNERS")
}

/// A license file at the root (`LICENSE`, `LICENSE-MIT`, `COPYING.txt`, `UNLICENSE`…) or
/// any file in `LICENSES/` (the REUSE layout).
pub fn license(files: &[FileEntry]) -> Option<&str> {
    const STEMS: &[&str] = &["LICENSE", "LICENCE", "COPYING", "UNLICENSE", "COPYRIGHT", "MIT-LICENSE"];
    find_in(files, &[""], |n| STEMS.iter().any(|s| n.starts_with(s)))
        .or_else(|| files.iter().find(|f| f.path.starts_with("LICENSES/")).map(|f| f.path.as_str()))
}

/// A configured dependency update tool, with how completely it is configured.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateTool {
    pub name: &'static str,
    pub path: String,
    /// Dependabot's `updates` entries; Renovate's top-level settings (at least 1).
    pub entries: usize,
}

pub fn update_tools(request: &Request) -> Vec<UpdateTool> {
    let mut out = Vec::new();
    for doc in request.documents_matching(".github/dependabot.{yml,yaml}") {
        let entries = doc.value.as_ref().and_then(|v| v.get("updates")).and_then(Value::as_array).map_or(0, Vec::len);
        out.push(UpdateTool { name: "dependabot", path: doc.path.clone(), entries });
    }
    const RENOVATE: &[&str] = &[
        "renovate.json",
        "renovate.json5",
        ".github/renovate.json",
        ".github/renovate.json5",
        ".gitlab/renovate.json",
        ".gitlab/renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        ".renovaterc.json5",
    ];
    for file in request.files.iter().filter(|f| RENOVATE.contains(&f.path.as_str())) {
        let value = request.documents.iter().find(|d| d.path == file.path).and_then(|d| d.value.as_ref());
        out.push(UpdateTool { name: "renovate", path: file.path.clone(), entries: renovate_entries(value) });
    }
    if let Some(config) = package_json(request).and_then(|v| v.get("renovate")) {
        out.push(UpdateTool { name: "renovate", path: "package.json".into(), entries: renovate_entries(Some(config)) });
    }
    out
}

fn renovate_entries(value: Option<&Value>) -> usize {
    let keys = value.and_then(Value::as_object).map_or(0, |m| m.keys().filter(|k| *k != "$schema").count());
    keys.max(1)
}

pub fn package_json(request: &Request) -> Option<&Value> {
    request.documents.iter().find(|d| d.path == "package.json").and_then(|d| d.value.as_ref())
}

/// Pre-commit hooks: pre-commit, husky (a `.husky/` folder, or husky configured or
/// installed in package.json) or lefthook.
pub fn pre_commit(request: &Request) -> Option<String> {
    const FILES: &[&str] = &[
        ".pre-commit-config.yaml",
        ".pre-commit-config.yml",
        "lefthook.yml",
        "lefthook.yaml",
        ".lefthook.yml",
        ".lefthook.yaml",
        "lefthook.toml",
        "lefthook.json",
    ];
    if let Some(f) = request.files.iter().find(|f| FILES.contains(&f.path.as_str()) || f.path.starts_with(".husky/")) {
        return Some(f.path.clone());
    }
    let package = package_json(request)?;
    let in_deps =
        ["devDependencies", "dependencies"].iter().any(|k| package.get(*k).and_then(|d| d.get("husky")).is_some());
    if package.get("husky").is_some() || in_deps {
        return Some("package.json".into());
    }
    None
}

/// Compiled artifacts by extension, as Scorecard's Binary-Artifacts check.
const BINARY_EXTENSIONS: &[&str] =
    &["jar", "class", "exe", "dll", "so", "dylib", "pyc", "pyo", "o", "a", "war", "ear", "lib", "obj", "elf"];

pub fn is_binary_artifact(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        // `.so.1` libraries are versioned after the extension.
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            BINARY_EXTENSIONS.contains(&ext.as_str())
                || (name.contains(".so.") && ext.bytes().all(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

pub fn is_gradle_wrapper(path: &str) -> bool {
    path == "gradle/wrapper/gradle-wrapper.jar" || path.ends_with("/gradle/wrapper/gradle-wrapper.jar")
}

/// Files never worth reading for secrets: lock files (hashes, not credentials), minified
/// and source-map files, and formats that are binary.
pub fn skip_reading(path: &str) -> bool {
    const LOCK_FILES: &[&str] = &[
        "Cargo.lock",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "go.sum",
        "poetry.lock",
        "Pipfile.lock",
        "Gemfile.lock",
        "composer.lock",
        "gradle.lockfile",
        "packages.lock.json",
        "flake.lock",
        "uv.lock",
        "mix.lock",
        "pubspec.lock",
        "Package.resolved",
    ];
    const SKIPPED_EXTENSIONS: &[&str] = &[
        "lock", "map", "png", "jpg", "jpeg", "gif", "ico", "webp", "bmp", "tif", "tiff", "pdf", "zip", "gz", "tgz",
        "bz2", "xz", "zst", "7z", "rar", "jar", "war", "ear", "class", "exe", "dll", "so", "dylib", "pyc", "o", "a",
        "wasm", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "mov", "avi", "webm", "ogg", "wav", "flac", "psd",
        "bin", "dat", "db", "sqlite", "parquet", "avro", "pb", "onnx", "pt", "h5", "npy", "npz", "svg",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    if LOCK_FILES.contains(&name)
        || name.ends_with(".min.js")
        || name.ends_with(".min.css")
        || name.ends_with("-min.js")
    {
        return true;
    }
    match name.rsplit_once('.') {
        Some((_, ext)) => SKIPPED_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()),
        None => false,
    }
}

/// Whether a text is minified: very long lines on average. Secrets in generated bundles
/// are the bundled library's, and such lines are costly to scan.
pub fn is_minified(text: &str) -> bool {
    let lines = text.lines().count().max(1);
    text.len() / lines > 500 && text.lines().any(|l| l.len() > 5000)
}

/// Fuzz targets a file shows, by its path and contents.
pub fn fuzz_signal(path: &str, text: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path.starts_with(".clusterfuzzlite/") {
        return Some("ClusterFuzzLite configuration");
    }
    if name.ends_with("_test.go") && text.contains("*testing.F)") && text.contains("func Fuzz") {
        return Some("Go fuzz test");
    }
    if name.ends_with(".rs") && text.contains("fuzz_target!") {
        return Some("cargo-fuzz target");
    }
    if name == "Cargo.toml" && (text.contains("libfuzzer-sys") || text.contains("cargo-fuzz = true")) {
        return Some("cargo-fuzz crate");
    }
    let c_like = [".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".swift", ".rs", ".zig"];
    if c_like.iter().any(|e| name.ends_with(e)) && text.contains("LLVMFuzzerTestOneInput") {
        return Some("libFuzzer entry point");
    }
    if name.ends_with(".py") && text.contains("import atheris") {
        return Some("atheris fuzz target");
    }
    let jvm = [".java", ".kt", ".scala"];
    if jvm.iter().any(|e| name.ends_with(e))
        && (text.contains("com.code_intelligence.jazzer") || text.contains("@FuzzTest"))
    {
        return Some("Jazzer fuzz test");
    }
    None
}

/// Release configuration and build files where SBOM and signing settings are looked for.
/// (What CI pipelines run comes from the host's CI model.)
pub const RELEASE_FILES: &[&str] = &[
    ".goreleaser.{yml,yaml}",
    "goreleaser.{yml,yaml}",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "**/publish.gradle",
    "**/publish.gradle.kts",
];

pub fn matches_any(globs: &[&str], path: &str) -> bool {
    globs.iter().any(|g| glob_match(g, path))
}

/// What a line of a CI or build file says about SBOMs and signing.
pub fn sbom_signal(line: &str) -> Option<&'static str> {
    let lower = line.to_ascii_lowercase();
    let code = lower.trim_start();
    if code.starts_with('#') || code.starts_with("//") {
        return None;
    }
    const SIGNALS: &[(&str, &str)] = &[
        ("anchore/sbom-action", "anchore/sbom-action"),
        ("syft ", "Syft"),
        ("syft@", "Syft"),
        ("cyclonedx", "CycloneDX"),
        ("cdxgen", "cdxgen"),
        ("--sbom", "docker buildx --sbom"),
        ("sbom: true", "BuildKit SBOM attestation"),
        ("sbom=true", "BuildKit SBOM attestation"),
        ("sboms:", "GoReleaser sboms"),
        ("sbom-tool", "Microsoft sbom-tool"),
        ("spdx-sbom-generator", "spdx-sbom-generator"),
    ];
    SIGNALS.iter().find(|(needle, _)| code.contains(needle)).map(|(_, what)| *what)
}

pub fn signing_signal(line: &str) -> Option<&'static str> {
    let lower = line.to_ascii_lowercase();
    let code = lower.trim_start();
    if code.starts_with('#') || code.starts_with("//") {
        return None;
    }
    const SIGNALS: &[(&str, &str)] = &[
        ("slsa-github-generator", "SLSA GitHub generator"),
        ("attest-build-provenance", "actions/attest-build-provenance"),
        ("actions/attest@", "actions/attest"),
        ("cosign", "cosign"),
        ("sigstore", "Sigstore"),
        ("--provenance", "npm publish --provenance"),
        ("signs:", "GoReleaser signs"),
        ("maven-gpg-plugin", "Maven GPG plugin"),
        ("gpg:sign", "Maven GPG plugin"),
        ("signallpublications", "Gradle signing"),
        ("id(\"signing\")", "Gradle signing"),
        ("id 'signing'", "Gradle signing"),
        ("apply plugin: 'signing'", "Gradle signing"),
        ("minisign ", "minisign"),
    ];
    if let Some((_, what)) = SIGNALS.iter().find(|(needle, _)| code.contains(needle)) {
        return Some(what);
    }
    let gpg = code.split(|c: char| c.is_whitespace() || c == '\'' || c == '"').any(|w| w == "gpg" || w == "gpg2");
    let sign = ["--sign", "--detach-sign", "--clearsign", "--clear-sign", "-s ", "--detach-sig", "-bsa", "-ab"];
    if gpg && sign.iter().any(|s| code.contains(s)) {
        return Some("gpg signature");
    }
    None
}

/// Documentation (`.md`, `.rst`, `.adoc`, `.txt`): its assignments are examples for readers
/// (Flask's docs show `SECRET_KEY = '192b…'`), so only secrets of well-known formats count.
pub fn is_documentation(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".md", ".markdown", ".rst", ".adoc", ".txt"].iter().any(|e| lower.ends_with(e))
}

/// The lines of a source file that show examples rather than hold the program's own
/// values (1-based: `lines[n]` is line `n`): documentation comments (`/** … */` bodies,
/// `///`, `//!`), Python docstrings, comments that say they give an example ("for
/// example", "e.g."), and a Rust file's test module after `#[cfg(test)]`. A key or token
/// there is shown to a reader or made for a test (okhttp's KDoc, Powertools' docstrings).
/// Plain comments are not examples: a credential commented out is still committed.
pub fn example_lines(path: &str, text: &str) -> Vec<bool> {
    let lower = path.to_ascii_lowercase();
    let python = lower.ends_with(".py");
    let rust = lower.ends_with(".rs");
    let mut lines = vec![false];
    let (mut docstring, mut block_doc, mut rust_tests) = (false, false, false);
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let mut example = docstring || block_doc || rust_tests;
        if python {
            let quotes = trimmed.matches("\"\"\"").count() + trimmed.matches("\'\'\'").count();
            if quotes % 2 == 1 {
                // A docstring opens (this line is part of it) or closes (and so was this one).
                example = true;
                docstring = !docstring;
            }
        }
        if trimmed.starts_with("/**") {
            block_doc = !trimmed.contains("*/");
            example = true;
        } else if block_doc && trimmed.contains("*/") {
            block_doc = false;
        }
        if trimmed.starts_with("///") || trimmed.starts_with("//!") {
            example = true;
        }
        let comment = ["//", "#", "--", ";", "/*", "*", "<!--"].iter().any(|c| trimmed.starts_with(c));
        if comment {
            let said = trimmed.to_ascii_lowercase();
            if ["for example", "e.g.", "example:", "for instance"].iter().any(|w| said.contains(w)) {
                example = true;
            }
        }
        if rust && trimmed.starts_with("#[cfg(test)]") {
            rust_tests = true;
        }
        lines.push(example);
    }
    lines
}

/// Whether a file is text: valid UTF-8 without a NUL byte in its first 8 KiB.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    !head.contains(&0) && (std::str::from_utf8(head).is_ok() || head.len() == 8192)
}
