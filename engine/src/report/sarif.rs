//! SARIF 2.1.0 (`findings.sarif`): failed and warning checks as results, for code-scanning
//! tools such as GitHub code scanning.
//!
//! One run for the whole assessment. Every target gets an entry in `originalUriBaseIds`
//! (`TARGET1`, `TARGET2`, … in the result's order, each described by the target's name), and
//! every location is relative to its target's root through that id, so a multi-target result
//! stays unambiguous while a one-target result uploads as paths relative to the repository.
//! Rules are the plugins' declared checks that have a result, with id `plugin/check`, the
//! check's title, description and remediation (as Markdown help). `fail` is level `error`,
//! `warn` is level `warning`; passes, `not_applicable` and exempted findings are left out.
//! Plugin errors become tool execution notifications.

use crate::plugin::Status;
use crate::result::AssessmentResult;
use serde_json::{json, Map, Value};

/// The SARIF schema this output follows.
pub const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id of the target at `index` (0-based) in `originalUriBaseIds`.
pub fn base_id(index: usize) -> String {
    format!("TARGET{}", index + 1)
}

/// The SARIF log of an assessment.
pub fn sarif(result: &AssessmentResult) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: Vec<String> = Vec::new();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (index, target) in result.targets.iter().enumerate() {
        let base = base_id(index);
        for finding in &target.findings {
            let level = match finding.status {
                Status::Fail => "error",
                Status::Warn => "warning",
                Status::Pass | Status::NotApplicable => continue,
            };
            let id = format!("{}/{}", finding.plugin, finding.check);
            let rule_index = match rule_ids.iter().position(|r| *r == id) {
                Some(i) => i,
                None => {
                    rules.push(rule(result, &finding.plugin, &finding.check, &id));
                    rule_ids.push(id.clone());
                    rule_ids.len() - 1
                }
            };
            let mut locations: Vec<Value> = finding
                .evidence
                .iter()
                .map(|e| {
                    let mut physical =
                        json!({ "artifactLocation": { "uri": encode_path(&e.path), "uriBaseId": base } });
                    if let Some(line) = e.line.filter(|l| *l > 0) {
                        physical["region"] = json!({ "startLine": line });
                    }
                    let mut location = json!({ "physicalLocation": physical });
                    if let Some(message) = e.message.as_deref().filter(|m| !m.is_empty()) {
                        location["message"] = json!({ "text": message });
                    }
                    location
                })
                .collect();
            if locations.is_empty() {
                // A finding about something missing has no file: it is about the target
                // as a whole, so its location is the target's root.
                locations.push(json!({ "physicalLocation": { "artifactLocation": { "uriBaseId": base } } }));
            }
            let first = finding.evidence.first().map(|e| e.path.as_str()).unwrap_or("");
            let fingerprint = crate::plugin::registry::sha256_hex(format!("{}\0{id}\0{first}", target.name).as_bytes());
            let message = if finding.message.is_empty() { id.clone() } else { finding.message.clone() };
            results.push(json!({
                "ruleId": id,
                "ruleIndex": rule_index,
                "level": level,
                "message": { "text": message },
                "locations": locations,
                "partialFingerprints": { "kaizenFinding/v1": fingerprint },
                "properties": { "target": target.name },
            }));
        }
        for error in &target.errors {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("plugin {} failed on {} ({}): {}", error.plugin, target.name, error.kind, error.message) },
                "descriptor": { "id": error.plugin },
            }));
        }
    }
    let mut bases = Map::new();
    for (index, target) in result.targets.iter().enumerate() {
        let mut location = json!({ "description": { "text": target.name } });
        if let Some(uri) = file_uri(&target.path) {
            location["uri"] = json!(uri);
        }
        bases.insert(base_id(index), location);
    }
    let mut invocation = json!({ "executionSuccessful": true, "startTimeUtc": result.started_at });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "Kaizen",
                "version": result.kaizen_version,
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            } },
            "originalUriBaseIds": bases,
            "invocations": [invocation],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    })
}

/// The rule of a check, from its plugin's record (or the bare id when undeclared).
fn rule(result: &AssessmentResult, plugin: &str, check: &str, id: &str) -> Value {
    let Some(record) = result.check(plugin, check) else {
        return json!({ "id": id, "shortDescription": { "text": id } });
    };
    let mut rule = json!({
        "id": id,
        "name": check,
        "shortDescription": { "text": record.title },
        "defaultConfiguration": { "level": "warning" },
        "properties": { "tags": ["devops", record.area], "area": record.area, "plugin": plugin },
    });
    if !record.description.is_empty() {
        rule["fullDescription"] = json!({ "text": record.description });
    }
    if !record.remediation.is_empty() {
        rule["help"] = json!({ "text": record.remediation, "markdown": record.remediation });
    }
    rule
}

/// A relative path as a URI reference: unreserved characters and `/` kept, the rest
/// percent-encoded (a space, `#`, `?`, `%`, non-ASCII).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `file:///…/` for an absolute target path; nothing for a relative one (its base is then
/// described by name only, which SARIF allows).
fn file_uri(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/') || path.as_bytes().get(1) == Some(&b':');
    if !absolute {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    let lead = if trimmed.starts_with('/') { "" } else { "/" };
    Some(format!("file://{lead}{}/", encode_path(trimmed).replace("%3A", ":")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode_path("a b/#c%.yml"), "a%20b/%23c%25.yml");
        assert_eq!(encode_path("<script>.yml"), "%3Cscript%3E.yml");
        assert_eq!(file_uri("/srv/my repo/"), Some("file:///srv/my%20repo/".into()));
        assert_eq!(file_uri("C:\\src\\x"), Some("file:///C:/src/x/".into()));
        assert_eq!(file_uri("."), None);
    }
}
