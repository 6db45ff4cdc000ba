//! Plugins: manifests, the registry, the protocol and the sandboxed runtime.
//!
//! A plugin is a WASI preview 1 command module with a `plugin.toml` beside it. The host
//! writes one JSON request to its stdin and reads one JSON response from its stdout; see
//! `book/src/authors/protocol.md`. Every way a plugin can fail is a [`PluginError`] with a
//! stable [`ErrorKind`], reported in the result, never a reason to stop the assessment.

pub mod manifest;
pub mod protocol;
pub mod registry;
pub mod runtime;
pub mod sandbox;

pub use manifest::{CheckDecl, Limits, Manifest};
pub use protocol::{Evidence, Status};
pub use registry::{Plugin, Registry, Source};
pub use runtime::{Compiled, Runtime, RuntimeOptions};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// How a plugin invocation failed. The names are part of the result format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Did not finish before its deadline.
    Timeout,
    /// Needed more memory than its cap.
    Memory,
    /// Wrote more than its stdout or stderr cap.
    OutputLimit,
    /// Trapped (unreachable, out-of-bounds access, stack overflow, …).
    Trap,
    /// Exited with a non-zero code.
    Exit,
    /// Did not write one valid JSON document of the protocol.
    InvalidOutput,
    /// Speaks a protocol version this engine does not.
    ApiMismatch,
    /// Reported a check its manifest does not declare.
    UndeclaredCheck,
    /// The module could not be loaded: invalid, disallowed imports, no `_start`, missing.
    Load,
}

impl ErrorKind {
    /// The kind's name as it appears in results and reports.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::Memory => "memory",
            ErrorKind::OutputLimit => "output_limit",
            ErrorKind::Trap => "trap",
            ErrorKind::Exit => "exit",
            ErrorKind::InvalidOutput => "invalid_output",
            ErrorKind::ApiMismatch => "api_mismatch",
            ErrorKind::UndeclaredCheck => "undeclared_check",
            ErrorKind::Load => "load",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed plugin invocation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct PluginError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What happened, in one sentence.
    pub message: String,
    /// The tail of the plugin's stderr.
    pub stderr: String,
}

impl PluginError {
    /// An error with no stderr.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        PluginError { kind, message: message.into(), stderr: String::new() }
    }
}

/// A finding accepted from a plugin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The check id (declared in the plugin's manifest).
    pub check: String,
    /// The outcome.
    pub status: Status,
    /// Partial score in 0..=1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// One readable sentence.
    pub message: String,
    /// Evidence inside the target.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// What a plugin judged on one target, after the host checked it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Judgement {
    /// Accepted findings.
    pub findings: Vec<Finding>,
    /// Accepted facts.
    pub facts: BTreeMap<String, Value>,
    /// What the host dropped or corrected, in sentences.
    pub warnings: Vec<String>,
}

/// Most findings kept from one plugin run on one target; the rest are dropped with a
/// warning, so that a runaway plugin cannot swell a result and its reports.
pub const MAX_FINDINGS: usize = 10_000;

/// Most evidence entries kept for one finding; the rest are dropped with a warning.
pub const MAX_EVIDENCE: usize = 1_000;

/// Reads and checks a plugin's stdout against the protocol and its manifest.
pub fn read_response(manifest: &Manifest, stdout: &[u8], stderr: &[u8]) -> Result<Judgement, PluginError> {
    // A parse error can quote what the plugin wrote (`unknown variant `…``), so the
    // message is redacted like the response itself.
    let fail = |kind, message: String| PluginError {
        kind,
        message: kaizen_secrets::redact(&message),
        stderr: runtime::stderr_tail(stderr),
    };
    let text = std::str::from_utf8(stdout).map_err(|e| {
        fail(ErrorKind::InvalidOutput, format!("stdout is not UTF-8 (invalid byte at offset {})", e.valid_up_to()))
    })?;
    if text.trim().is_empty() {
        return Err(fail(ErrorKind::InvalidOutput, "wrote nothing to stdout; expected one JSON response".into()));
    }
    let mismatch = |api: &Value| {
        let supported = api.as_u64().is_some_and(|v| manifest::SUPPORTED_APIS.contains(&(v as u32)));
        (!supported).then(|| {
            fail(
                ErrorKind::ApiMismatch,
                format!(
                    "responded with protocol version {api}; this engine (Kaizen {}) speaks protocol version {}",
                    env!("CARGO_PKG_VERSION"),
                    supported_list()
                ),
            )
        })
    };
    // Parse once. Only when the shape does not fit is the text read again for its `api`:
    // a response of another protocol version may not fit this shape at all.
    let response: protocol::Response = match serde_json::from_str(text) {
        Ok(response) => response,
        Err(e) => {
            let api = serde_json::from_str::<Value>(text).ok().and_then(|v| v.get("api").cloned());
            return Err(api.as_ref().and_then(mismatch).unwrap_or_else(|| {
                fail(ErrorKind::InvalidOutput, format!("stdout is not a valid protocol response: {e}"))
            }));
        }
    };
    if let Some(error) = response.api.as_ref().and_then(mismatch) {
        return Err(error);
    }

    let undeclared: std::collections::BTreeSet<&str> =
        response.findings.iter().map(|f| f.check.as_str()).filter(|c| manifest.check(c).is_none()).collect();
    if !undeclared.is_empty() {
        let list: Vec<_> = undeclared.into_iter().collect();
        return Err(fail(
            ErrorKind::UndeclaredCheck,
            format!("reported checks its manifest does not declare: {}", list.join(", ")),
        ));
    }

    let mut judgement = Judgement::default();
    let mut redactor = Redactor::default();
    let mut findings = response.findings;
    if findings.len() > MAX_FINDINGS {
        judgement.warnings.push(format!(
            "dropped {} of its {} findings: Kaizen keeps at most {MAX_FINDINGS} per plugin and target",
            findings.len() - MAX_FINDINGS,
            findings.len()
        ));
        findings.truncate(MAX_FINDINGS);
    }
    for mut raw in findings {
        if let Some(score) = raw.score {
            if !(0.0..=1.0).contains(&score) {
                return Err(fail(
                    ErrorKind::InvalidOutput,
                    format!("check `{}` has score {score}, outside 0..1", raw.check),
                ));
            }
        }
        if raw.evidence.len() > MAX_EVIDENCE {
            judgement.warnings.push(format!(
                "dropped {} of the {} evidence entries of check `{}`: Kaizen keeps at most {MAX_EVIDENCE} per finding",
                raw.evidence.len() - MAX_EVIDENCE,
                raw.evidence.len(),
                raw.check
            ));
            raw.evidence.truncate(MAX_EVIDENCE);
        }
        let mut evidence = Vec::with_capacity(raw.evidence.len());
        for mut e in raw.evidence {
            e.path = redactor.text(e.path);
            if protocol::is_inside_path(&e.path) {
                e.message = e.message.map(|m| redactor.text(m));
                e.snippet = e.snippet.map(|s| redactor.text(s));
                evidence.push(e);
            } else {
                judgement.warnings.push(format!(
                    "dropped evidence of check `{}` pointing outside the target: {:?}",
                    raw.check, e.path
                ));
            }
        }
        judgement.findings.push(Finding {
            check: raw.check,
            status: raw.status,
            score: raw.score,
            message: redactor.text(raw.message),
            evidence,
        });
    }
    for (name, mut value) in response.facts {
        if manifest.facts.iter().any(|f| f.name == name) {
            redactor.value(&mut value);
            judgement.facts.insert(name, value);
        } else {
            let name = redactor.text(name);
            judgement.warnings.push(format!("dropped fact `{name}`, which the manifest does not declare"));
        }
    }
    if redactor.redacted > 0 {
        judgement.warnings.push(format!(
            "redacted {} secret-like value{} in the plugin's response; Kaizen never writes a secret into a result",
            redactor.redacted,
            if redactor.redacted == 1 { "" } else { "s" }
        ));
    }
    Ok(judgement)
}

/// Applies [`kaizen_secrets::redact`] to every string a plugin returns, so no plugin (a
/// third-party one included) can put a secret's value into result.json or a report, and
/// counts the strings it changed.
#[derive(Debug, Default)]
struct Redactor {
    redacted: usize,
}

impl Redactor {
    fn text(&mut self, text: String) -> String {
        let redacted = kaizen_secrets::redact(&text);
        if redacted == text {
            text
        } else {
            self.redacted += 1;
            redacted
        }
    }

    /// Every string in a fact's value, object keys included.
    fn value(&mut self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.text(std::mem::take(s)),
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut v) in entries {
                    self.value(&mut v);
                    map.insert(self.text(key), v);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

fn supported_list() -> String {
    manifest::SUPPORTED_APIS.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// The error for running a plugin whose manifest claims an unsupported protocol version.
pub fn manifest_api_mismatch(manifest: &Manifest) -> PluginError {
    PluginError::new(
        ErrorKind::ApiMismatch,
        format!(
            "manifest declares protocol version {}; this engine (Kaizen {}) speaks protocol version {}",
            manifest.api,
            env!("CARGO_PKG_VERSION"),
            supported_list()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn manifest() -> Manifest {
        Manifest::parse(
            Path::new("plugin.toml"),
            r#"
id = "t"
name = "t"
version = "1"
api = 1
wasm = "t.wasm"
[[facts]]
name = "t.count"
[[checks]]
id = "ok"
title = "ok"
area = "testing"
"#,
        )
        .unwrap()
    }

    #[test]
    fn a_good_response_is_accepted_and_outside_evidence_dropped() {
        let out = br#"{"api":1,"findings":[{"check":"ok","status":"warn","score":0.5,"message":"m",
            "evidence":[{"path":"a.yml","line":3},{"path":"../etc/passwd"},{"path":"/abs"}]}],
            "facts":{"t.count":3,"other.fact":1}}"#;
        let j = read_response(&manifest(), out, b"").unwrap();
        assert_eq!(j.findings[0].evidence.len(), 1);
        assert_eq!(j.findings[0].status, Status::Warn);
        assert_eq!(j.facts.len(), 1);
        assert_eq!(j.warnings.len(), 3, "{:?}", j.warnings);
    }

    #[test]
    fn every_string_of_a_response_is_redacted() {
        // Built by concatenation so the repository holds no real-looking token.
        let token = format!("ghp_{}", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU");
        let out = format!(
            r#"{{"api":1,"findings":[{{"check":"ok","status":"fail","message":"found {token}",
            "evidence":[{{"path":"a.yml","line":3,"message":"token {token}","snippet":"x = {token}"}}]}}],
            "facts":{{"t.count":["{token}",{{"k":"{token}"}}],"other {token}":1}}}}"#
        );
        let j = read_response(&manifest(), out.as_bytes(), b"").unwrap();
        let all = format!("{j:?}");
        assert!(!all.contains(&token), "{all}");
        assert_eq!(j.findings[0].message, "found ghp_…(redacted github-token)");
        assert_eq!(j.findings[0].evidence[0].snippet.as_deref(), Some("x = ghp_…(redacted github-token)"));
        assert_eq!(j.facts["t.count"][1]["k"], "ghp_…(redacted github-token)");
        assert!(j.warnings.iter().any(|w| w.starts_with("redacted 6 secret-like values")), "{:?}", j.warnings);
    }

    #[test]
    fn a_response_without_secrets_has_no_redaction_warning() {
        let out = br#"{"api":1,"findings":[{"check":"ok","status":"pass","message":"password = ${DB_PASSWORD}"}]}"#;
        let j = read_response(&manifest(), out, b"").unwrap();
        assert_eq!(j.findings[0].message, "password = ${DB_PASSWORD}");
        assert!(j.warnings.is_empty(), "{:?}", j.warnings);
    }

    #[test]
    fn each_bad_response_has_its_kind() {
        let m = manifest();
        let kind = |out: &[u8]| read_response(&m, out, b"").unwrap_err().kind;
        assert_eq!(kind(b""), ErrorKind::InvalidOutput);
        assert_eq!(kind(b"{\"findings\": ["), ErrorKind::InvalidOutput);
        assert_eq!(kind(b"{} {}"), ErrorKind::InvalidOutput);
        assert_eq!(kind(b"\xff{}"), ErrorKind::InvalidOutput);
        assert_eq!(kind(br#"{"api":99,"whatever":true}"#), ErrorKind::ApiMismatch);
        assert_eq!(kind(br#"{"api":"1"}"#), ErrorKind::ApiMismatch);
        assert_eq!(kind(br#"{"findings":[{"check":"nope","status":"pass"}]}"#), ErrorKind::UndeclaredCheck);
        assert_eq!(kind(br#"{"findings":[{"check":"ok","status":"pass","score":2}]}"#), ErrorKind::InvalidOutput);
        assert_eq!(kind(br#"{"findings":[{"check":"ok","status":"maybe"}]}"#), ErrorKind::InvalidOutput);
    }

    #[test]
    fn findings_and_evidence_past_the_caps_are_dropped_with_a_warning() {
        let finding = r#"{"check":"ok","status":"pass"}"#;
        let evidence = vec![r#"{"path":"a"}"#; MAX_EVIDENCE + 5].join(",");
        let mut findings = vec![finding.to_owned(); MAX_FINDINGS + 7];
        findings[0] = format!(r#"{{"check":"ok","status":"fail","evidence":[{evidence}]}}"#);
        let out = format!(r#"{{"api":1,"findings":[{}]}}"#, findings.join(","));
        let j = read_response(&manifest(), out.as_bytes(), b"").unwrap();
        assert_eq!(j.findings.len(), MAX_FINDINGS);
        assert_eq!(j.findings[0].evidence.len(), MAX_EVIDENCE);
        assert_eq!(
            j.warnings,
            [
                format!("dropped 7 of its {} findings: Kaizen keeps at most {MAX_FINDINGS} per plugin and target", MAX_FINDINGS + 7),
                format!("dropped 5 of the {} evidence entries of check `ok`: Kaizen keeps at most {MAX_EVIDENCE} per finding", MAX_EVIDENCE + 5),
            ]
        );
    }

    #[test]
    fn an_older_shaped_response_without_api_loads() {
        let j = read_response(&manifest(), br#"{"findings":[{"check":"ok","status":"pass"}]}"#, b"").unwrap();
        assert_eq!(j.findings[0].message, "");
    }

    #[test]
    fn the_mismatch_message_names_both_versions() {
        let e = read_response(&manifest(), br#"{"api":99}"#, b"").unwrap_err();
        assert!(e.message.contains("99") && e.message.contains("protocol version 1"), "{}", e.message);
    }
}
