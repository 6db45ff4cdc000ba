//! Plugin manifests (`plugin.toml`): identity, inputs, declared checks and facts, limits.
//!
//! Loaded in two phases: `RawManifest` deserialises with spans and rejects unknown keys;
//! [`Manifest::parse`] then validates it, collecting every problem with its line and column.

use crate::diag::{Diagnostic, Diagnostics};
use crate::parse::Format;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;
use toml::Spanned;

/// The plugin protocol versions this engine speaks.
pub const SUPPORTED_APIS: &[u32] = &[1];

/// The engine's ceilings: a manifest's `[limits]` may lower them, never raise them.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(10);
/// Memory ceiling per plugin instance.
pub const MAX_MEMORY_BYTES: u64 = 256 << 20;
/// Stdout ceiling per invocation.
pub const MAX_STDOUT_BYTES: u64 = 16 << 20;
/// Stderr ceiling per invocation.
pub const MAX_STDERR_BYTES: u64 = 64 << 10;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: Spanned<String>,
    name: String,
    version: Spanned<String>,
    api: Spanned<u32>,
    wasm: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    inputs: RawInputs,
    #[serde(default)]
    facts: Vec<RawFact>,
    #[serde(default)]
    checks: Vec<RawCheck>,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    #[serde(default)]
    files: Vec<Spanned<String>>,
    #[serde(default)]
    parse: Vec<RawParse>,
    #[serde(default)]
    git: bool,
    #[serde(default)]
    pipelines: bool,
    #[serde(default)]
    cloud: bool,
    #[serde(default)]
    ci: bool,
    #[serde(default)]
    own_documents_only: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParse {
    glob: Spanned<String>,
    format: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    id: Spanned<String>,
    title: Spanned<String>,
    area: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    remediation: String,
    #[serde(default)]
    pooled: Pooled,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    timeout_ms: Option<Spanned<u64>>,
    memory_mb: Option<Spanned<u64>>,
    stdout_bytes: Option<Spanned<u64>>,
    stderr_bytes: Option<Spanned<u64>>,
}

/// A validated plugin manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Unique id, lowercase letters, digits, `-` and `_`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// The protocol version it speaks. May be one this engine does not support: such a
    /// plugin loads into the registry but every run of it is an `api_mismatch` error.
    pub api: u32,
    /// File name of the module, beside the manifest.
    pub wasm: String,
    /// What the plugin judges.
    pub description: String,
    /// The evidence it needs.
    pub inputs: Inputs,
    /// The facts it may report.
    pub facts: Vec<FactDecl>,
    /// The checks it may report.
    pub checks: Vec<CheckDecl>,
    /// Its limits, already capped by the engine's ceilings.
    pub limits: Limits,
}

/// The evidence a plugin declares it needs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inputs {
    /// Globs of files listed in its request (and that it reads raw).
    pub files: Vec<String>,
    /// Globs of files the host parses for it, with their format.
    pub parse: Vec<ParseDecl>,
    /// Whether it wants git facts.
    pub git: bool,
    /// Whether it wants pipeline runs.
    pub pipelines: bool,
    /// Whether it wants cloud inventory.
    pub cloud: bool,
    /// Whether it wants the repository's CI definitions as the host understood them
    /// (pipelines, jobs, commands, the tools of the catalogue they run).
    pub ci: bool,
    /// Whether only the files that count as the repository's own (roles `own`, `generated`
    /// and `test`) are parsed for it: examples, fixtures, vendored code and documentation
    /// are still listed with their role, without documents.
    pub own_documents_only: bool,
}

/// Files to parse and their format.
#[derive(Debug, Clone, Serialize)]
pub struct ParseDecl {
    /// Glob of paths relative to the target root.
    pub glob: String,
    /// The format to parse them as.
    pub format: Format,
}

/// A fact a plugin may report.
#[derive(Debug, Clone, Serialize)]
pub struct FactDecl {
    /// Dotted name, e.g. `ci.systems`.
    pub name: String,
    /// What it means.
    pub description: String,
}

/// A check a plugin may report.
#[derive(Debug, Clone, Serialize)]
pub struct CheckDecl {
    /// Id, unique within the plugin.
    pub id: String,
    /// Short title.
    pub title: String,
    /// The maturity-model area it belongs to, e.g. `continuous-integration`.
    pub area: String,
    /// What it checks.
    pub description: String,
    /// How to fix a failure, in Markdown.
    pub remediation: String,
    /// How a system judges the check over its members.
    pub pooled: Pooled,
}

/// How a system (`[[systems]]`) judges a check over its members: `pooled` in a check's
/// declaration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Pooled {
    /// Every member where the check applies must pass it: checks that judge every item a
    /// member holds (no committed secret, every action pinned, every image non-root). The
    /// default, the stricter reading.
    #[default]
    Every,
    /// One member that passes is enough: checks that ask whether something exists anywhere
    /// in the system (a pipeline, a scanner in CI, alert rules, a runbook, a backup plan).
    Any,
}

impl Pooled {
    /// Whether it is the default, [`Pooled::Every`].
    pub fn is_every(&self) -> bool {
        *self == Pooled::Every
    }
}

/// Resource limits for one invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Wall-clock deadline.
    #[serde(with = "millis")]
    pub timeout: Duration,
    /// Linear memory cap in bytes.
    pub memory_bytes: u64,
    /// Stdout cap in bytes.
    pub stdout_bytes: u64,
    /// Stderr cap in bytes.
    pub stderr_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: MAX_TIMEOUT,
            memory_bytes: MAX_MEMORY_BYTES,
            stdout_bytes: MAX_STDOUT_BYTES,
            stderr_bytes: MAX_STDERR_BYTES,
        }
    }
}

mod millis {
    use serde::Serializer;
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
}

impl Manifest {
    /// Parses and validates a manifest's text; `path` is used in diagnostics only.
    pub fn parse(path: &Path, source: &str) -> Result<Manifest, Diagnostics> {
        let raw: RawManifest = toml::from_str(source).map_err(|e| {
            Diagnostics(vec![Diagnostic::from_toml(crate::diag::ManifestCode::Syntax, path, source, &e)])
        })?;
        let mut problems = Vec::new();
        let mut problem = |code, span: std::ops::Range<usize>, message: String| {
            problems.push(Diagnostic::at(code, path, source, span.start, message));
        };

        if !is_identifier(raw.id.get_ref()) {
            problem(
                crate::diag::ManifestCode::InvalidId,
                raw.id.span(),
                format!("plugin id `{}` must be lowercase letters, digits, `-` or `_`", raw.id.get_ref()),
            );
        }
        if raw.version.get_ref().trim().is_empty() {
            problem(crate::diag::ManifestCode::InvalidVersion, raw.version.span(), "version must not be empty".into());
        }
        let wasm = raw.wasm.get_ref();
        if wasm.contains('/') || wasm.contains('\\') || wasm == ".." || !wasm.ends_with(".wasm") {
            problem(
                crate::diag::ManifestCode::InvalidWasm,
                raw.wasm.span(),
                format!("wasm `{wasm}` must be a file name ending in .wasm, beside plugin.toml"),
            );
        }

        let mut globs = Vec::new();
        for glob in &raw.inputs.files {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                problem(crate::diag::ManifestCode::InvalidGlob, glob.span(), format!("invalid glob: {e}"));
            }
            globs.push(glob.get_ref().clone());
        }
        let mut parse = Vec::new();
        for p in &raw.inputs.parse {
            if let Err(e) = globset::Glob::new(p.glob.get_ref()) {
                problem(crate::diag::ManifestCode::InvalidGlob, p.glob.span(), format!("invalid glob: {e}"));
            }
            match p.format.get_ref().parse::<Format>() {
                Ok(format) => parse.push(ParseDecl { glob: p.glob.get_ref().clone(), format }),
                Err(()) => problem(
                    crate::diag::ManifestCode::UnknownFormat,
                    p.format.span(),
                    format!("unknown format `{}`; expected one of {}", p.format.get_ref(), Format::NAMES.join(", ")),
                ),
            }
        }

        let mut seen = BTreeSet::new();
        let mut facts = Vec::new();
        for fact in &raw.facts {
            let name = fact.name.get_ref();
            if !is_fact_name(name) {
                problem(
                    crate::diag::ManifestCode::InvalidFact,
                    fact.name.span(),
                    format!("fact name `{name}` must be dotted lowercase words, e.g. `ci.systems`"),
                );
            } else if !seen.insert(name.clone()) {
                problem(
                    crate::diag::ManifestCode::DuplicateFact,
                    fact.name.span(),
                    format!("fact `{name}` is declared twice"),
                );
            }
            facts.push(FactDecl { name: name.clone(), description: fact.description.clone() });
        }

        let mut seen = BTreeSet::new();
        let mut checks = Vec::new();
        for check in &raw.checks {
            let id = check.id.get_ref();
            if !is_identifier(id) {
                problem(
                    crate::diag::ManifestCode::InvalidCheck,
                    check.id.span(),
                    format!("check id `{id}` must be lowercase letters, digits, `-` or `_`"),
                );
            } else if !seen.insert(id.clone()) {
                problem(
                    crate::diag::ManifestCode::DuplicateCheck,
                    check.id.span(),
                    format!("check `{id}` is declared twice"),
                );
            }
            if check.title.get_ref().trim().is_empty() {
                problem(
                    crate::diag::ManifestCode::EmptyTitle,
                    check.title.span(),
                    format!("check `{id}` has an empty title"),
                );
            }
            if !is_identifier(check.area.get_ref()) {
                problem(
                    crate::diag::ManifestCode::InvalidArea,
                    check.area.span(),
                    format!("area `{}` must be a kebab-case id", check.area.get_ref()),
                );
            }
            checks.push(CheckDecl {
                id: id.clone(),
                title: check.title.get_ref().clone(),
                area: check.area.get_ref().clone(),
                description: check.description.clone(),
                remediation: check.remediation.clone(),
                pooled: check.pooled,
            });
        }

        let mut limits = Limits::default();
        let mut lower = |value: &Option<Spanned<u64>>, ceiling: u64, scale: u64, name: &str| -> u64 {
            match value {
                None => ceiling,
                Some(v) if *v.get_ref() == 0 => {
                    problem(crate::diag::ManifestCode::InvalidLimit, v.span(), format!("limit {name} must be above 0"));
                    ceiling
                }
                Some(v) => v.get_ref().saturating_mul(scale).min(ceiling),
            }
        };
        let timeout_ms = lower(&raw.limits.timeout_ms, MAX_TIMEOUT.as_millis() as u64, 1, "timeout_ms");
        limits.timeout = Duration::from_millis(timeout_ms);
        limits.memory_bytes = lower(&raw.limits.memory_mb, MAX_MEMORY_BYTES, 1 << 20, "memory_mb");
        limits.stdout_bytes = lower(&raw.limits.stdout_bytes, MAX_STDOUT_BYTES, 1, "stdout_bytes");
        limits.stderr_bytes = lower(&raw.limits.stderr_bytes, MAX_STDERR_BYTES, 1, "stderr_bytes");

        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        Ok(Manifest {
            id: raw.id.into_inner(),
            name: raw.name,
            version: raw.version.into_inner(),
            api: raw.api.into_inner(),
            wasm: raw.wasm.into_inner(),
            description: raw.description,
            inputs: Inputs {
                files: globs,
                parse,
                git: raw.inputs.git,
                pipelines: raw.inputs.pipelines,
                cloud: raw.inputs.cloud,
                ci: raw.inputs.ci,
                own_documents_only: raw.inputs.own_documents_only,
            },
            facts,
            checks,
            limits,
        })
    }

    /// Whether this engine can speak the manifest's protocol version.
    pub fn api_supported(&self) -> bool {
        SUPPORTED_APIS.contains(&self.api)
    }

    /// The declared check with this id.
    pub fn check(&self, id: &str) -> Option<&CheckDecl> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// Whether `s` is a valid plugin or check id: lowercase letters, digits, `-` and `_`,
/// starting with a letter or digit, at most 64 bytes.
pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

fn is_fact_name(s: &str) -> bool {
    s.split('.').count() >= 2 && s.split('.').all(is_identifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "ci"
name = "CI"
version = "0.1.0"
api = 1
wasm = "ci.wasm"

[inputs]
files = ["Jenkinsfile"]
parse = [{ glob = ".github/workflows/*.yml", format = "yaml" }]

[[facts]]
name = "ci.systems"

[[checks]]
id = "pipeline-present"
title = "A pipeline is defined"
area = "continuous-integration"

[limits]
timeout_ms = 500
memory_mb = 1024
"#;

    #[test]
    fn a_good_manifest_loads_with_limits_capped_at_the_ceiling() {
        let m = Manifest::parse(Path::new("plugin.toml"), GOOD).unwrap();
        assert_eq!(m.id, "ci");
        assert_eq!(m.inputs.parse[0].format, Format::Yaml);
        assert_eq!(m.limits.timeout, Duration::from_millis(500));
        assert_eq!(m.limits.memory_bytes, MAX_MEMORY_BYTES, "1024 MiB must be capped to the ceiling");
        assert!(m.api_supported());
    }

    #[test]
    fn the_dependency_manifest_formats_are_accepted() {
        let parse = r#"parse = [
  { glob = "**/pom.xml", format = "xml" },
  { glob = "**/go.mod", format = "go-mod" },
  { glob = "**/requirements*.txt", format = "requirements" },
]"#;
        let src = GOOD.replace(r#"parse = [{ glob = ".github/workflows/*.yml", format = "yaml" }]"#, parse);
        let m = Manifest::parse(Path::new("plugin.toml"), &src).unwrap();
        let formats: Vec<Format> = m.inputs.parse.iter().map(|p| p.format).collect();
        assert_eq!(formats, [Format::Xml, Format::GoMod, Format::Requirements]);
    }

    #[test]
    fn checks_say_how_a_system_pools_them_every_member_unless_any_is_declared() {
        let m = Manifest::parse(Path::new("plugin.toml"), GOOD).unwrap();
        assert_eq!(m.checks[0].pooled, Pooled::Every);
        let any =
            GOOD.replace("area = \"continuous-integration\"", "area = \"continuous-integration\"\npooled = \"any\"");
        assert_eq!(Manifest::parse(Path::new("plugin.toml"), &any).unwrap().checks[0].pooled, Pooled::Any);
        let bad =
            GOOD.replace("area = \"continuous-integration\"", "area = \"continuous-integration\"\npooled = \"some\"");
        let d = &Manifest::parse(Path::new("plugin.toml"), &bad).unwrap_err().0[0];
        assert!(d.message.contains("unknown variant `some`, expected `every` or `any`"), "{}", d.message);
        let line = bad.lines().position(|l| l.starts_with("pooled")).unwrap() + 1;
        assert_eq!((d.line, d.column), (Some(line), Some(10)));
    }

    #[test]
    fn unknown_keys_are_reported_with_line_and_column() {
        let src = GOOD.replace("[limits]", "[limits]\ncpu = 3");
        let err = Manifest::parse(Path::new("x/plugin.toml"), &src).unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.code, "manifest-syntax");
        assert!(d.message.contains("unknown field `cpu`"), "{}", d.message);
        let line = src.lines().position(|l| l.starts_with("cpu")).unwrap() + 1;
        assert_eq!((d.line, d.column), (Some(line), Some(1)));
    }

    #[test]
    fn every_validation_problem_is_reported_at_once() {
        let src = GOOD
            .replace("id = \"ci\"", "id = \"CI!\"")
            .replace("format = \"yaml\"", "format = \"yml\"")
            .replace("id = \"pipeline-present\"", "id = \"Pipeline Present\"")
            .replace("timeout_ms = 500", "timeout_ms = 0");
        let err = Manifest::parse(Path::new("plugin.toml"), &src).unwrap_err();
        let codes: Vec<_> = err.0.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["manifest-invalid-id", "manifest-unknown-format", "manifest-invalid-check", "manifest-invalid-limit"]
        );
        assert!(err.0.iter().all(|d| d.line.is_some() && d.column.is_some()));
    }

    #[test]
    fn duplicate_checks_are_refused() {
        let src = format!("{GOOD}\n[[checks]]\nid = \"pipeline-present\"\ntitle = \"again\"\narea = \"x\"\n");
        let err = Manifest::parse(Path::new("plugin.toml"), &src).unwrap_err();
        assert_eq!(err.0[0].code, "manifest-duplicate-check");
    }

    #[test]
    fn an_unsupported_api_loads_but_is_flagged() {
        let m = Manifest::parse(Path::new("plugin.toml"), &GOOD.replace("api = 1", "api = 99")).unwrap();
        assert!(!m.api_supported());
    }
}
