//! `kaizen plugin new`: a ready plugin crate from the template in `template/`.
//!
//! The template's `src/main.rs` and fixtures are written as they are (the book includes
//! that file, and the round-trip test builds and tests it); `*.in` files have `{{id}}` and
//! a few other placeholders. The SDK comes from the engine itself: by default a copy of
//! the SDK this engine was built with is written into the crate (`kaizen-plugin-sdk/`), so
//! the crate builds without a Kaizen checkout; `--sdk PATH` depends on an SDK folder
//! instead. The SDK's copy comes with a copy of the evidence types it reads requests with
//! (`kaizen-evidence/`). The lock file is derived from the SDK workspace's own
//! (`plugins/Cargo.lock`), so a fresh crate resolves to dependency versions that build with
//! Rust 1.63.

use crate::plugin::manifest::{is_identifier, SUPPORTED_APIS};
use std::path::{Path, PathBuf};

/// The template: (path in the new crate, contents). Paths ending in `.in` are filled in.
const TEMPLATE: &[(&str, &str)] = &[
    ("Cargo.toml.in", include_str!("template/Cargo.toml.in")),
    ("plugin.toml.in", include_str!("template/plugin.toml.in")),
    ("README.md.in", include_str!("template/README.md.in")),
    (".gitignore", include_str!("template/gitignore")),
    ("src/main.rs", include_str!("template/src/main.rs")),
    ("tests/fixtures/has-owners/expected.toml", include_str!("template/tests/fixtures/has-owners/expected.toml")),
    ("tests/fixtures/has-owners/repo/README.md", include_str!("template/tests/fixtures/has-owners/repo/README.md")),
    (
        "tests/fixtures/has-owners/repo/.github/CODEOWNERS",
        include_str!("template/tests/fixtures/has-owners/repo/.github/CODEOWNERS"),
    ),
    ("tests/fixtures/no-owners/expected.toml", include_str!("template/tests/fixtures/no-owners/expected.toml")),
    ("tests/fixtures/no-owners/repo/README.md", include_str!("template/tests/fixtures/no-owners/repo/README.md")),
];

/// The SDK this engine speaks, written into new crates.
const SDK_LIB: &str = include_str!("../../../plugins/sdk/src/lib.rs");
const SDK_README: &str = include_str!("../../../plugins/sdk/README.md");
/// The lock file of the SDK's workspace: the dependency versions known to build with 1.63.
const SDK_LOCK: &str = include_str!("../../../plugins/Cargo.lock");

/// The evidence types the SDK reads requests with, written into new crates beside it: every
/// source file of `plugins/evidence/src/` (a test checks none is missing).
const EVIDENCE: &[(&str, &str)] = &[
    ("src/lib.rs", include_str!("../../../plugins/evidence/src/lib.rs")),
    ("src/git.rs", include_str!("../../../plugins/evidence/src/git.rs")),
    ("src/runs.rs", include_str!("../../../plugins/evidence/src/runs.rs")),
    ("src/ci.rs", include_str!("../../../plugins/evidence/src/ci.rs")),
    ("src/positions.rs", include_str!("../../../plugins/evidence/src/positions.rs")),
    ("src/roles.rs", include_str!("../../../plugins/evidence/src/roles.rs")),
    ("src/cloud/mod.rs", include_str!("../../../plugins/evidence/src/cloud/mod.rs")),
    ("src/cloud/delivery.rs", include_str!("../../../plugins/evidence/src/cloud/delivery.rs")),
    ("src/cloud/iam.rs", include_str!("../../../plugins/evidence/src/cloud/iam.rs")),
    ("src/cloud/observability.rs", include_str!("../../../plugins/evidence/src/cloud/observability.rs")),
    ("src/cloud/resilience.rs", include_str!("../../../plugins/evidence/src/cloud/resilience.rs")),
    ("src/cloud/security.rs", include_str!("../../../plugins/evidence/src/cloud/security.rs")),
    ("src/cloud/storage.rs", include_str!("../../../plugins/evidence/src/cloud/storage.rs")),
];

/// The folder the SDK copy is written to, inside the new crate.
pub const VENDORED_SDK: &str = "kaizen-plugin-sdk";
/// The folder the copy of the evidence types is written to, inside the new crate.
pub const VENDORED_EVIDENCE: &str = "kaizen-evidence";

/// What `kaizen plugin new` was asked for.
#[derive(Debug, Clone)]
pub struct NewPlugin {
    /// The plugin's id, also the crate's and the module's name.
    pub id: String,
    /// The folder to create (it must not exist, or be empty).
    pub dir: PathBuf,
    /// An SDK folder (holding the SDK's `Cargo.toml`) to depend on by path, instead of
    /// writing a copy of the SDK into the crate.
    pub sdk: Option<PathBuf>,
}

/// Why a plugin crate could not be created.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name is not a valid plugin id.
    #[error(
        "`{0}` is not a valid plugin id: use lowercase letters, digits, `-` or `_`, starting with a letter or digit"
    )]
    InvalidId(String),
    /// The folder exists and is not empty.
    #[error("{0} already exists and is not empty; choose another name or --dir")]
    Exists(PathBuf),
    /// The `--sdk` folder holds no SDK.
    #[error("--sdk {0}: no Cargo.toml of the kaizen-plugin-sdk crate there")]
    NoSdk(PathBuf),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes the crate; returns the files written, relative to its folder.
pub fn create(new: &NewPlugin) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !is_identifier(&new.id) {
        return Err(ScaffoldError::InvalidId(new.id.clone()));
    }
    let non_empty = std::fs::read_dir(&new.dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if non_empty || new.dir.is_file() {
        return Err(ScaffoldError::Exists(new.dir.clone()));
    }
    let sdk = match &new.sdk {
        Some(path) => {
            let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap_or_default();
            if !manifest.contains("name = \"kaizen-plugin-sdk\"") {
                return Err(ScaffoldError::NoSdk(path.clone()));
            }
            Some(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
        }
        None => None,
    };

    let (dependency, row, sdk_text) = match &sdk {
        Some(path) => (
            format!("kaizen-plugin-sdk = {{ path = {} }}", toml_string(&path.display().to_string())),
            String::new(),
            format!(
                "The crate depends on the SDK at `{}` (`--sdk`). To build it elsewhere, point the \
                 dependency in `Cargo.toml` at an SDK folder or at Kaizen's repository:\n\n\
                 ```toml\nkaizen-plugin-sdk = {{ git = \"<Kaizen's repository>\", tag = \"v{}\" }}\n```",
                path.display(),
                env!("CARGO_PKG_VERSION")
            ),
        ),
        None => (
            format!("kaizen-plugin-sdk = {{ path = \"{VENDORED_SDK}\" }}"),
            format!(
                "| `{VENDORED_SDK}/` | the plugin SDK, a copy of the one Kaizen {} speaks |\n\
                 | `{VENDORED_EVIDENCE}/` | the types of the evidence in requests, which the SDK reads |",
                env!("CARGO_PKG_VERSION")
            ),
            format!(
                "`{VENDORED_SDK}/` is a copy of the SDK of Kaizen {} (its only dependencies are `serde`, \
                 `serde_json` and the evidence types of `{VENDORED_EVIDENCE}/`, serde only), so this \
                 crate builds without a Kaizen checkout. To follow \
                 Kaizen's repository instead, delete the folder and point the dependency in \
                 `Cargo.toml` at it, or at an SDK folder:\n\n\
                 ```toml\nkaizen-plugin-sdk = {{ git = \"<Kaizen's repository>\", tag = \"v{}\" }}\n\
                 kaizen-plugin-sdk = {{ path = \"../kaizen/plugins/sdk\" }}\n```",
                env!("CARGO_PKG_VERSION"),
                env!("CARGO_PKG_VERSION")
            ),
        ),
    };
    let api = SUPPORTED_APIS.iter().max().copied().unwrap_or(1).to_string();
    let fill = |text: &str| {
        text.replace("{{id}}", &new.id)
            .replace("{{sdk_dependency}}", &dependency)
            .replace("{{sdk_row}}", &row)
            .replace("{{sdk_text}}", &sdk_text)
            .replace("{{kaizen_version}}", env!("CARGO_PKG_VERSION"))
            .replace("{{api}}", &api)
    };

    let mut files: Vec<(PathBuf, String)> = TEMPLATE
        .iter()
        .map(|(path, contents)| match path.strip_suffix(".in") {
            Some(path) => (PathBuf::from(path), fill(contents)),
            None => (PathBuf::from(path), (*contents).to_owned()),
        })
        .collect();
    files.push((PathBuf::from("Cargo.lock"), lock_file(&new.id)));
    if sdk.is_none() {
        files.push((Path::new(VENDORED_SDK).join("Cargo.toml"), vendored_sdk_manifest()));
        files.push((Path::new(VENDORED_SDK).join("src/lib.rs"), SDK_LIB.to_owned()));
        files.push((Path::new(VENDORED_SDK).join("README.md"), SDK_README.to_owned()));
        files.push((Path::new(VENDORED_EVIDENCE).join("Cargo.toml"), vendored_evidence_manifest()));
        for (path, contents) in EVIDENCE {
            files.push((Path::new(VENDORED_EVIDENCE).join(path), (*contents).to_owned()));
        }
    }
    for (path, contents) in &files {
        let full = new.dir.join(path);
        let write = |full: &Path| {
            std::fs::create_dir_all(full.parent().unwrap_or(Path::new(".")))?;
            std::fs::write(full, contents)
        };
        write(&full).map_err(|source| ScaffoldError::Write { path: full.clone(), source })?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The version of a crate in the SDK workspace's lock file.
fn locked_version(name: &str) -> Option<String> {
    sdk_lock_packages().into_iter().find(|p| p.name == name).map(|p| p.version)
}

/// The SDK's `Cargo.toml` as a crate of its own (the original inherits from its workspace).
fn vendored_sdk_manifest() -> String {
    let version = locked_version("kaizen-plugin-sdk");
    let dependency = |name: &str| format!("\"={}\"", locked_version(name).unwrap_or_default());
    format!(
        "# A copy of the SDK of Kaizen {kaizen}, written by `kaizen plugin new`.\n\
         [package]\nname = \"kaizen-plugin-sdk\"\nversion = \"{version}\"\nedition = \"2021\"\n\
         rust-version = \"1.63\"\nlicense = \"Apache-2.0\"\npublish = false\n\
         description = \"Write Kaizen plugins: the request and response types of the plugin protocol and helpers\"\n\n\
         [dependencies]\nkaizen-evidence = {{ path = \"../{VENDORED_EVIDENCE}\" }}\n\
         serde = {{ version = {serde}, features = [\"derive\"] }}\nserde_json = {json}\n",
        kaizen = env!("CARGO_PKG_VERSION"),
        version = version.unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned()),
        serde = dependency("serde"),
        json = dependency("serde_json"),
    )
}

/// The evidence crate's `Cargo.toml` as a crate of its own.
fn vendored_evidence_manifest() -> String {
    format!(
        "# A copy of the evidence types of Kaizen {kaizen}, written by `kaizen plugin new`.\n\
         [package]\nname = \"kaizen-evidence\"\nversion = \"{version}\"\nedition = \"2021\"\n\
         rust-version = \"1.63\"\nlicense = \"Apache-2.0\"\npublish = false\n\
         description = \"The evidence Kaizen's host hands its plugins, as typed values shared by both sides\"\n\n\
         [dependencies]\nserde = {{ version = \"={serde}\", features = [\"derive\"] }}\nserde_json = \"={json}\"\n",
        kaizen = env!("CARGO_PKG_VERSION"),
        version = locked_version("kaizen-evidence").unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned()),
        serde = locked_version("serde").unwrap_or_default(),
        json = locked_version("serde_json").unwrap_or_default(),
    )
}

/// One `[[package]]` of a lock file, as written.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
struct LockedPackage {
    name: String,
    version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checksum: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct LockFile {
    package: Vec<LockedPackage>,
}

fn sdk_lock_packages() -> Vec<LockedPackage> {
    toml::from_str::<LockFile>(SDK_LOCK).map(|l| l.package).unwrap_or_default()
}

/// A lock file for the new crate: the SDK and everything it depends on, at the versions
/// of the SDK's workspace.
fn lock_file(id: &str) -> String {
    let all = sdk_lock_packages();
    let mut wanted = vec!["kaizen-plugin-sdk".to_owned()];
    let mut chosen: Vec<LockedPackage> = Vec::new();
    while let Some(name) = wanted.pop() {
        // A dependency is written `name` or `name version` when several versions are locked.
        let mut parts = name.split(' ');
        let (n, v) = (parts.next().unwrap_or_default(), parts.next());
        let Some(package) = all.iter().find(|p| p.name == n && v.is_none_or(|v| p.version == v)) else {
            continue;
        };
        if chosen.iter().any(|c| c.name == package.name && c.version == package.version) {
            continue;
        }
        wanted.extend(package.dependencies.iter().cloned());
        chosen.push(package.clone());
    }
    chosen.push(LockedPackage {
        name: id.to_owned(),
        version: "0.1.0".into(),
        source: None,
        checksum: None,
        dependencies: vec!["kaizen-plugin-sdk".into()],
    });
    chosen.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    let mut out = String::from(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n",
    );
    for package in chosen {
        #[derive(serde::Serialize)]
        struct One {
            package: Vec<LockedPackage>,
        }
        out.push('\n');
        out.push_str(&toml::to_string(&One { package: vec![package] }).unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_holds_the_sdk_and_its_dependencies() {
        let lock = lock_file("my-plugin");
        let parsed: LockFile = toml::from_str(&lock).unwrap();
        let names: Vec<&str> = parsed.package.iter().map(|p| p.name.as_str()).collect();
        for name in ["kaizen-plugin-sdk", "my-plugin", "serde", "serde_json", "serde_derive"] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        assert!(!names.contains(&"kaizen-plugin-ci"), "{names:?}");
        assert!(lock.contains("version = 3"));
    }

    #[test]
    fn the_vendored_sdk_pins_the_workspace_versions() {
        let manifest = vendored_sdk_manifest();
        assert!(manifest.contains("serde = { version = \"=1.0.219\""), "{manifest}");
        assert!(manifest.contains("serde_json = \"=1.0.140\""), "{manifest}");
    }

    #[test]
    fn every_source_file_of_the_evidence_crate_is_vendored() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/evidence/src");
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                found.push(format!("src/{relative}"));
            }
        }
        found.sort();
        let mut vendored: Vec<String> = EVIDENCE.iter().map(|(path, _)| (*path).to_owned()).collect();
        vendored.sort();
        assert_eq!(vendored, found, "add the missing files to EVIDENCE in scaffold.rs");
    }

    #[test]
    fn a_bad_id_or_a_used_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let new = |id: &str| NewPlugin { id: id.into(), dir: dir.path().to_path_buf(), sdk: None };
        assert!(matches!(create(&new("My Plugin")), Err(ScaffoldError::InvalidId(_))));
        std::fs::write(dir.path().join("x"), "").unwrap();
        assert!(matches!(create(&new("ok")), Err(ScaffoldError::Exists(_))));
    }
}
