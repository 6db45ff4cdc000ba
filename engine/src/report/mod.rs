//! Reports rendered from an [`AssessmentResult`] with the templates of `report-templates/`.
//!
//! Templates are embedded as defaults and addressed by name. An error in a template is a
//! bug in Kaizen (or in a user's override), reported with the template's name.

use crate::result::AssessmentResult;
use minijinja::{Environment, Value};
use serde::Serialize;

/// The Markdown report's template name.
pub const MARKDOWN: &str = "report.md.j2";

const DEFAULTS: &[(&str, &str)] = &[(MARKDOWN, include_str!("../../../report-templates/report.md.j2"))];

/// A report that could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("template {template} failed to render (a bug in the template): {source:#}")]
pub struct RenderError {
    /// The template's name.
    pub template: String,
    /// What minijinja said.
    #[source]
    pub source: minijinja::Error,
}

/// Renders the Markdown report.
pub fn markdown(result: &AssessmentResult) -> Result<String, RenderError> {
    render(MARKDOWN, result)
}

fn render(name: &str, result: &AssessmentResult) -> Result<String, RenderError> {
    let fail = |source| RenderError { template: name.into(), source };
    let mut env = Environment::new();
    env.set_debug(false);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    for (template, source) in DEFAULTS {
        env.add_template(template, source).map_err(fail)?;
    }
    env.add_filter("md", markdown_text);
    env.add_filter("code", code_text);
    env.add_filter("fact", fact_text);
    env.add_filter("status", status_text);
    env.add_filter("tail", stderr_line);
    env.add_filter("pct", percent);
    let view = View::new(result);
    env.get_template(name).map_err(fail)?.render(minijinja::context! { result => view }).map_err(fail)
}

/// The result as the templates see it: findings carry their check's title and remediation.
#[derive(Serialize)]
struct View<'a> {
    organisation: Option<&'a str>,
    kaizen_version: &'a str,
    started_at: &'a str,
    duration_ms: u64,
    plugins: &'a [crate::result::PluginRecord],
    targets: Vec<TargetView<'a>>,
    unavailable: &'a [crate::result::UnavailableTarget],
    model: Option<&'a crate::result::ModelRecord>,
    scoring: Option<&'a crate::result::ScoringRecord>,
    organisation_assessment: Option<&'a crate::score::OrganisationAssessment>,
    roadmap: Option<&'a crate::roadmap::Roadmap>,
    /// Area names by id.
    area_names: std::collections::BTreeMap<&'a str, &'a str>,
    /// Practices by id (title, level, area).
    practices: std::collections::BTreeMap<&'a str, &'a crate::model::Practice>,
    /// Level names by number.
    level_names: std::collections::BTreeMap<String, &'a str>,
}

#[derive(Serialize)]
struct TargetView<'a> {
    #[serde(flatten)]
    target: &'a crate::result::TargetResult,
    anchor: String,
    counts: std::collections::BTreeMap<&'static str, usize>,
    findings: Vec<FindingView<'a>>,
}

#[derive(Serialize)]
struct FindingView<'a> {
    #[serde(flatten)]
    finding: &'a crate::result::FindingRecord,
    title: &'a str,
    remediation: &'a str,
}

impl<'a> View<'a> {
    fn new(result: &'a AssessmentResult) -> Self {
        let targets = result
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut counts: std::collections::BTreeMap<&'static str, usize> =
                    ["pass", "warn", "fail", "not_applicable"].into_iter().map(|s| (s, 0)).collect();
                for f in &t.findings {
                    *counts.entry(f.status.name()).or_default() += 1;
                }
                let findings = t
                    .findings
                    .iter()
                    .map(|f| {
                        let check = result.check(&f.plugin, &f.check);
                        FindingView {
                            finding: f,
                            title: check.map(|c| c.title.as_str()).unwrap_or(&f.check),
                            remediation: check.map(|c| c.remediation.as_str()).unwrap_or(""),
                        }
                    })
                    .collect();
                TargetView { target: t, anchor: format!("target-{}", i + 1), counts, findings }
            })
            .collect();
        View {
            organisation: result.organisation.as_deref(),
            kaizen_version: &result.kaizen_version,
            started_at: &result.started_at,
            duration_ms: result.duration_ms,
            plugins: &result.plugins,
            targets,
            unavailable: &result.unavailable,
            model: result.model.as_ref(),
            scoring: result.scoring.as_ref(),
            organisation_assessment: result.organisation_assessment.as_ref(),
            roadmap: result.roadmap.as_ref(),
            area_names: result
                .model
                .iter()
                .flat_map(|m| m.model.areas.iter().map(|a| (a.id.as_str(), a.name.as_str())))
                .collect(),
            practices: result.model.iter().flat_map(|m| m.model.practices.iter().map(|p| (p.id.as_str(), p))).collect(),
            level_names: result
                .model
                .iter()
                .flat_map(|m| m.model.levels.iter().map(|l| (l.number.to_string(), l.name.as_str())))
                .collect(),
        }
    }
}

/// Text from plugins or file names inside Markdown: no table breaks, no HTML, no links.
fn markdown_text(value: String) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' | '<' | '>' | '[' | ']' | '*' | '_' | '`' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span: backticks and pipes replaced, control characters shown.
fn code_text(value: String) -> String {
    value
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '|' => '¦',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// The last line of a plugin's stderr, at most 200 characters.
fn stderr_line(stderr: String) -> String {
    let last = stderr.lines().last().unwrap_or_default();
    let count = last.chars().count();
    if count <= 200 {
        return last.to_owned();
    }
    format!("…{}", last.chars().skip(count - 200).collect::<String>())
}

fn fact_text(value: Value) -> String {
    let json = serde_json::to_value(&value).unwrap_or(serde_json::Value::Null);
    match json {
        serde_json::Value::Array(items) if items.is_empty() => "none".into(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => format!("`{}`", code_text(s.clone())),
                other => format!("`{}`", code_text(other.to_string())),
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::String(s) => format!("`{}`", code_text(s)),
        other => format!("`{}`", code_text(other.to_string())),
    }
}

/// A share in 0..=1 as a whole percentage.
fn percent(share: f64) -> String {
    format!("{:.0} %", (share * 100.0).clamp(0.0, 100.0))
}

fn status_text(status: String) -> String {
    match status.as_str() {
        "pass" => "✅ pass".into(),
        "fail" => "❌ fail".into(),
        "warn" => "⚠️ warn".into(),
        "not_applicable" => "➖ n/a".into(),
        "satisfied" => "✅ satisfied".into(),
        "not_satisfied" => "❌ not satisfied".into(),
        "exempt" => "➖ exempt".into(),
        "unknown" => "❔ unknown".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_break_the_table_or_inject_html() {
        assert_eq!(markdown_text("a|b\n<script>".into()), "a\\|b \\<script\\>");
        assert_eq!(code_text("x`|y\n".into()), "x'¦y\u{FFFD}");
    }
}
