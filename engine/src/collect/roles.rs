//! What each file is to its repository: its own, an example, a test fixture, vendored,
//! generated, documentation or part of its tests ([`Role`]).
//!
//! Decided once per target, for every plugin, in this order (the first that applies wins):
//!
//! 1. the assessment file's `[[roles]]` globs;
//! 2. `.gitattributes` (any of them, each for its own folder): `linguist-vendored`,
//!    `linguist-generated`, `linguist-documentation`, and their negations (`-linguist-vendored`
//!    makes a conventionally vendored file the repository's own again);
//! 3. layout conventions, after GitHub Linguist's vendored and documentation rules: a
//!    folder named for vendored code at any depth, test data at any depth, examples at
//!    any depth, documentation at the root. Configuration and data files (anything that
//!    is not source code) inside a test folder are test fixtures: the Dockerfile or
//!    manifest a test builds or applies is not the repository's container or deployment.
//!    Test code and its helpers, and the configuration of development and test
//!    environments, are the repository's own but marked `test`, so that no plugin keeps
//!    its own list of what a test looks like.

use globset::{GlobBuilder, GlobMatcher};
pub use kaizen_evidence::roles::Role;
use std::path::Path;

/// A role given to some paths by the assessment file.
#[derive(Debug, Clone)]
pub struct RoleOverride {
    /// The paths, relative to the target root.
    pub glob: GlobMatcher,
    /// Their role.
    pub role: Role,
}

/// Folder names of vendored code, anywhere (lower case).
const VENDORED_DIRS: &[&str] = &[
    "vendor",
    "vendors",
    "vendored",
    "third_party",
    "third-party",
    "thirdparty",
    "3rdparty",
    "3rd_party",
    "3rd-party",
    "node_modules",
    "bower_components",
    "jspm_packages",
    "extern",
    "external",
    "externals",
    ".bundle",
    "godeps",
];

/// Folder names of test data, anywhere (lower case).
const FIXTURE_DIRS: &[&str] = &[
    "testdata",
    "test-data",
    "test_data",
    "_testdata",
    "fixtures",
    "fixture",
    "__fixtures__",
    "__snapshots__",
    "__mocks__",
    "golden",
    "goldens",
    "testfiles",
    "test-files",
    "test_files",
    "snapshots",
];

/// Folder names of examples, anywhere (lower case).
const EXAMPLE_DIRS: &[&str] =
    &["examples", "example", "_examples", "samples", "sample", "demos", "demo", "quickstarts", "tutorials", "tutorial"];

/// Folder names of documentation, at the root only (`pkg/docs/` may be code).
const DOCS_DIRS: &[&str] = &["docs", "doc", "documentation", "website", "man", "site", "mkdocs"];

/// Folders of tests: their non-code files are fixtures.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "e2e",
    "integration-tests",
    "integration_tests",
    "integrationtests",
    "test-integration",
    "testing",
];

/// Folders of tests at the root only: deeper, these names are as often an environment
/// (`deploy/integration/values.yaml`) as a test suite.
const ROOT_TEST_DIRS: &[&str] = &["integration", "acceptance", "system-tests", "functional-tests", "conformance"];

/// Extensions of source code: a test's code is the repository's own.
const CODE_EXTENSIONS: &[&str] = &[
    "go", "rs", "py", "rb", "js", "mjs", "cjs", "jsx", "ts", "tsx", "java", "kt", "kts", "scala", "groovy", "c", "h",
    "cc", "cpp", "cxx", "hpp", "hh", "cs", "fs", "vb", "swift", "m", "mm", "php", "pl", "pm", "ex", "exs", "erl", "hs",
    "clj", "lua", "dart", "r", "jl", "sh", "bash", "zsh", "ps1", "bats", "nim", "zig", "ml", "elm", "vue", "svelte",
];

/// The role of a path by layout conventions alone.
pub fn conventional(path: &str) -> Role {
    let segments: Vec<&str> = path.split('/').collect();
    let (name, dirs) = segments.split_last().expect("split yields one segment at least");
    let lower: Vec<String> = dirs.iter().map(|d| d.to_ascii_lowercase()).collect();
    let has = |list: &[&str]| lower.iter().any(|d| list.contains(&d.as_str()));
    let lower_path = path.to_ascii_lowercase();
    if has(VENDORED_DIRS) {
        return Role::Vendored;
    }
    if is_generated_name(name) {
        return Role::Generated;
    }
    let root_test_dir = lower.first().is_some_and(|d| ROOT_TEST_DIRS.contains(&d.as_str()));
    if has(FIXTURE_DIRS)
        || lower_path.contains("src/test/resources/")
        || is_fuzz_corpus(&lower)
        || ((has(TEST_DIRS) || root_test_dir) && !is_code(name))
    {
        return Role::TestFixture;
    }
    if has(EXAMPLE_DIRS) {
        return Role::Example;
    }
    if lower.first().is_some_and(|d| DOCS_DIRS.contains(&d.as_str())) && !is_container_build_file(name) {
        return Role::Docs;
    }
    if lower.iter().any(|d| is_example_dir(d)) {
        return Role::Example;
    }
    if root_test_dir || lower.iter().any(|d| is_test_dir(d)) || is_test_name(name) || is_dev_config(&lower, name) {
        return Role::Test;
    }
    Role::Own
}

/// The words of a folder or file name: `maven-resolver-demos` → maven, resolver, demos.
fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(['-', '_', '.', ' ']).filter(|w| !w.is_empty())
}

/// A folder named for examples among other words: `rust-examples`, `demo-app`,
/// `sample_configs` (a `sampler/` package is not one).
fn is_example_dir(dir: &str) -> bool {
    words(dir).any(|w| matches!(w, "example" | "examples" | "demo" | "demos" | "sample" | "samples"))
}

/// A folder of tests or of their helpers: `tests`, `integration-tests`, `e2eutil`,
/// `caddytest`, `testutil`, `mocks`, `fakes`, `dummyserver`, `fuzz`. Words that only end
/// in "test" (`contest`, `latest`, `attest`) are not tests.
fn is_test_dir(dir: &str) -> bool {
    if TEST_DIRS.contains(&dir) || matches!(dir, "fixtures" | "__tests__" | "spec" | "fuzz" | "testing") {
        return true;
    }
    let ends_in_test = |s: &str| {
        let s = s.trim_end_matches('s');
        s.ends_with("test") && !["contest", "latest", "greatest", "attest", "protest"].iter().any(|w| s.ends_with(w))
    };
    dir.starts_with("test")
        || ends_in_test(dir)
        || words(dir).any(ends_in_test)
        || dir.starts_with("e2e")
        || dir.ends_with("e2e")
        || dir.starts_with("mock")
        || dir.starts_with("fake")
        || dir.starts_with("dummy")
}

/// A file of test code by its name: `test_app.py`, `app_test.go`, `app.spec.ts`,
/// `AppTests.cs`, `tests.rs`, `testkey.pem`, `stub_server.go`, `mock_client.go`.
fn is_test_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let stem = name.split('.').next().unwrap_or(&name);
    stem.starts_with("test")
        || stem.ends_with("_test")
        || stem.ends_with("-test")
        || stem.ends_with("_spec")
        || stem.ends_with("tests")
        || ["stub", "mock", "fake"].iter().any(|w| stem.contains(w))
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains("tests.")
        || name.contains("_test.")
        || name.contains("-test.")
}

/// Configuration and seed data of a development or test environment: `config/dev.exs`,
/// `appsettings.Development.json`, `.env.test`, `priv/repo/seeds.exs`, chart-testing
/// values (`charts/app/ci/*-values.yaml`), and the images and definitions of development
/// environments: a dev container (`.devcontainer/`), Gitpod's workspace image, Tilt's
/// images and `Tiltfile`, `Dockerfile.dev` and `Dockerfile.local`. None of them is what
/// the repository ships.
fn is_dev_config(dirs: &[String], name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let stem = name.split('.').next().unwrap_or(&name);
    let container_build = is_container_build_file(&name);
    dirs.iter().any(|d| d == ".devcontainer")
        || name.starts_with(".gitpod")
        || name == "tiltfile"
        || (container_build && words(&name).any(|w| matches!(w, "tilt" | "dev" | "local" | "development")))
        || matches!(stem, "dev" | "development" | "seeds" | "seed")
        || name.contains(".development.")
        || name.ends_with(".env.test")
        || name.ends_with(".env.development")
        || (dirs.last().is_some_and(|d| d == "ci") && dirs.len() > 1 && name.ends_with("values.yaml"))
}

/// A Dockerfile or Containerfile: under `docs/` it builds the documentation site, a real
/// image of the repository's own rather than a page.
fn is_container_build_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("dockerfile") || lower.starts_with("containerfile") || lower.ends_with(".dockerfile")
}

/// `fuzz/corpus/…`, `fuzz/seeds/…`, `fuzz/artifacts/…`, `fuzz/regressions/…`, `*_corpus/…`.
fn is_fuzz_corpus(dirs: &[String]) -> bool {
    dirs.windows(2).any(|w| {
        w[0].contains("fuzz") && matches!(w[1].as_str(), "corpus" | "seeds" | "artifacts" | "regressions" | "testdata")
    }) || dirs.iter().any(|d| d.ends_with("_corpus") || d.ends_with("-corpus") || d == "corpus")
}

fn is_code(name: &str) -> bool {
    match name.rsplit_once('.') {
        Some((_, ext)) => CODE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()),
        None => false,
    }
}

/// Files whose name says a tool wrote them.
fn is_generated_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".min.js")
        || lower.ends_with(".min.css")
        || lower.ends_with(".pb.go")
        || lower.ends_with("_pb2.py")
        || lower.ends_with("_pb2_grpc.py")
        || lower.starts_with("zz_generated")
        || lower.contains(".generated.")
}

/// One line of a `.gitattributes` file that says something about roles.
#[derive(Debug)]
struct Attribute {
    glob: GlobMatcher,
    /// `Some(role)` sets it, `None` (a negated or false attribute) makes the file own.
    role: Option<Role>,
    /// Which attribute it is, so a later line about another attribute does not undo it.
    attribute: &'static str,
}

/// Reads one `.gitattributes` file at `dir` (relative to the root, `""` for the root).
fn attributes(dir: &str, text: &str) -> Vec<Attribute> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next() else { continue };
        if pattern.ends_with('/') || pattern.starts_with('!') {
            // Attributes never apply to a folder itself; negative patterns are not allowed.
            continue;
        }
        for word in words {
            let (negated, word) = match word.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, word),
            };
            let (name, value) = word.split_once('=').unwrap_or((word, "true"));
            let (attribute, role) = match name {
                "linguist-vendored" => ("linguist-vendored", Role::Vendored),
                "linguist-generated" => ("linguist-generated", Role::Generated),
                "linguist-documentation" => ("linguist-documentation", Role::Docs),
                _ => continue,
            };
            let set = !negated && value != "false";
            if let Some(glob) = attribute_glob(dir, pattern) {
                out.push(Attribute { glob, role: set.then_some(role), attribute });
            }
        }
    }
    out
}

/// A `.gitattributes` pattern as a glob over root-relative paths: without a slash it
/// matches a name at any depth below its folder, with one it is relative to its folder.
fn attribute_glob(dir: &str, pattern: &str) -> Option<GlobMatcher> {
    let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    let anchored = pattern.trim_start_matches('/');
    let full = if pattern.contains('/') && !pattern.starts_with("**/") {
        format!("{prefix}{anchored}")
    } else {
        format!("{prefix}**/{}", anchored.trim_start_matches("**/"))
    };
    GlobBuilder::new(&full).literal_separator(true).build().ok().map(|g| g.compile_matcher())
}

/// Every file's role. `paths` are the inventory's (sorted, relative, `/`-separated); the
/// `.gitattributes` files among them are read from `root`.
pub fn assign(root: &Path, paths: &[&str], overrides: &[RoleOverride]) -> Vec<Role> {
    let mut rules: Vec<Attribute> = Vec::new();
    for path in paths.iter().filter(|p| **p == ".gitattributes" || p.ends_with("/.gitattributes")) {
        let dir = path.strip_suffix(".gitattributes").unwrap_or("").trim_end_matches('/');
        if let Ok(text) = std::fs::read_to_string(root.join(path)) {
            rules.extend(attributes(dir, &text));
        }
    }
    paths.iter().map(|path| role_of(path, &rules, overrides)).collect()
}

fn role_of(path: &str, rules: &[Attribute], overrides: &[RoleOverride]) -> Role {
    if let Some(o) = overrides.iter().rev().find(|o| o.glob.is_match(path)) {
        return o.role;
    }
    // For each attribute the last matching line decides; a set attribute gives the role,
    // an unset one makes the file the repository's own whatever the conventions say.
    let mut decided: Vec<(&str, Option<Role>)> = Vec::new();
    for rule in rules.iter().filter(|r| r.glob.is_match(path)) {
        decided.retain(|(a, _)| *a != rule.attribute);
        decided.push((rule.attribute, rule.role));
    }
    for role in [Role::Vendored, Role::Generated, Role::Docs] {
        if decided.iter().any(|(_, r)| *r == Some(role)) {
            return role;
        }
    }
    let conventional = conventional(path);
    let unset = |role: Role| decided.iter().any(|(a, r)| r.is_none() && attribute_of(role) == Some(a));
    if unset(conventional) {
        return Role::Own;
    }
    conventional
}

fn attribute_of(role: Role) -> Option<&'static str> {
    match role {
        Role::Vendored => Some("linguist-vendored"),
        Role::Generated => Some("linguist-generated"),
        Role::Docs => Some("linguist-documentation"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_give_roles_by_folder() {
        for (path, role) in [
            ("src/main.rs", Role::Own),
            ("Jenkinsfile", Role::Own),
            (".github/workflows/ci.yml", Role::Own),
            ("vendor/github.com/x/y/Jenkinsfile", Role::Vendored),
            ("web/node_modules/a/package.json", Role::Vendored),
            ("third_party/googletest/CMakeLists.txt", Role::Vendored),
            ("examples/codebuild/buildspec.yml", Role::Example),
            ("charts/app/examples/values.yaml", Role::Example),
            ("samples/k8s/deployment.yaml", Role::Example),
            ("fuzz/seeds/parse_documents/Jenkinsfile", Role::TestFixture),
            ("fuzz/corpus/x/abc", Role::TestFixture),
            ("pkg/parser/testdata/workflow.yml", Role::TestFixture),
            ("test/fixtures/.gitlab-ci.yml", Role::TestFixture),
            ("src/__snapshots__/a.snap", Role::TestFixture),
            ("src/test/resources/app.yaml", Role::TestFixture),
            ("tests/e2e/kind.yaml", Role::TestFixture),
            ("test/integration/Dockerfile", Role::TestFixture),
            ("tests/test_app.py", Role::Test),
            ("test/helpers.go", Role::Test),
            ("docs/security.md", Role::Docs),
            ("docs/Dockerfile", Role::Own),
            ("docs/docs.Dockerfile", Role::Own),
            ("docs/conf/app.yaml", Role::Docs),
            ("integration/resources/templates/api.yaml", Role::TestFixture),
            ("integration/helpers/stack.py", Role::Test),
            ("deploy/integration/values.yaml", Role::Own),
            ("pkg/docs/docs.go", Role::Own),
            ("web/app.min.js", Role::Generated),
            ("api/v1/zz_generated.deepcopy.go", Role::Generated),
        ] {
            assert_eq!(conventional(path), role, "{path}");
        }
    }

    #[test]
    fn tests_and_their_helpers_are_the_repositorys_own_but_marked() {
        for path in [
            "apollo-router/src/plugins/authentication/tests.rs",
            "internal/http/testkey.pem",
            "pkg/util/e2eutil/util.go",
            "pkg/pki/x509/e2ex509/util.go",
            "pkg/fuzz/jar_utils.go",
            "dummyserver/certs/server.key",
            "compose.tests.yml",
            "internal/mocks/client.go",
            "pkg/signer/signer_test.go",
            "helpers/ssh/stub_ssh_server.go",
            "caddytest/caddy.localhost.key",
            "web/__tests__/app.js",
            "src/app.test.ts",
            "spec/models/user_spec.rb",
            "src/Api.Tests/ApiTests.cs",
            "pkg/testutil/server.go",
            "integration-tests/run.sh",
            "config/dev.exs",
            "src/Api/appsettings.Development.json",
            "charts/argo-rollouts/ci/enable-extra-objects-values.yaml",
            "priv/repo/seeds.exs",
            "app/.env.test",
            ".devcontainer/Dockerfile",
            ".gitpod.Dockerfile",
            "tilt.debug.dockerfile",
            "Dockerfile.ui.tilt",
            "Tiltfile",
            "Dockerfile.local",
            "docker/Dockerfile.dev",
        ] {
            assert_eq!(conventional(path), Role::Test, "{path}");
        }
        for path in [
            "pkg/signer/signer.go",
            "config/production.yml",
            "src/contest/entry.go",
            "pkg/attest/attest.go",
            "internal/latest/version.go",
            "deploy/keys.env",
            "config/prod.exs",
            "charts/app/values.yaml",
            "ci/deploy.sh",
            "ci/values.yaml",
            "pkg/sampler/sampler.go",
            "cmd/protester/main.go",
            "Dockerfile",
            "Dockerfile.ubi",
            "cmd/tempo/Dockerfile_debug",
            "build/local/Makefile",
        ] {
            assert_eq!(conventional(path), Role::Own, "{path}");
        }
        for path in ["bindings/rust-examples/certs/localhost-key.pem", "maven-resolver-demos/snippets/alice.key"] {
            assert_eq!(conventional(path), Role::Example, "{path}");
        }
    }

    #[test]
    fn gitattributes_and_overrides_come_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join(".gitattributes"),
            "# roles\n*.gen.go linguist-generated\nexamples/** -linguist-documentation\nlib/** linguist-vendored=true\nvendor/** -linguist-vendored\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("web")).unwrap();
        std::fs::write(root.join("web/.gitattributes"), "*.html linguist-documentation\n").unwrap();
        let paths = [
            ".gitattributes",
            "api/types.gen.go",
            "lib/jquery.js",
            "vendor/ours/main.go",
            "web/.gitattributes",
            "web/pages/index.html",
            "other/index.html",
            "ci/examples/buildspec.yml",
        ];
        let overrides = vec![RoleOverride {
            glob: GlobBuilder::new("ci/examples/**").literal_separator(true).build().unwrap().compile_matcher(),
            role: Role::Own,
        }];
        let roles = assign(root, &paths, &overrides);
        assert_eq!(
            roles,
            [Role::Own, Role::Generated, Role::Vendored, Role::Own, Role::Own, Role::Docs, Role::Own, Role::Own,]
        );
    }
}
