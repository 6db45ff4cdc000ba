//! Reports rendered from an [`AssessmentResult`] with the templates of `report-templates/`.
//!
//! Templates are embedded as defaults and addressed by name. An error in a template is a
//! bug in Kaizen (or in a user's override), reported with the template's name.

pub mod framework;
pub mod html;
pub mod output;
pub mod pdf;
pub mod sarif;
pub mod scope;
pub mod svg;
pub mod xlsx;

pub use output::{Format, OutputError};

use crate::diag::Diagnostic;
use crate::result::AssessmentResult;
use minijinja::{Environment, Value};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The Markdown report's template name.
pub const MARKDOWN: &str = "report.md.j2";
/// The HTML report's template name.
pub const HTML: &str = "report.html.j2";

const DEFAULTS: &[(&str, &str)] = &[
    (MARKDOWN, include_str!("../../../report-templates/report.md.j2")),
    (HTML, include_str!("../../../report-templates/report.html.j2")),
];

/// A report that could not be rendered: its template, where in it, and what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.describe())]
pub struct RenderError {
    /// The template's name (`report.html.j2`, or an include of a user's template).
    pub template: String,
    /// The user's file the template came from; `None` for a built-in template.
    pub path: Option<PathBuf>,
    /// The 1-based line in the template, when minijinja knows it.
    pub line: Option<usize>,
    /// What minijinja said (its kind and detail are part of the message, so it is not
    /// chained as a source, which would print them twice).
    pub error: minijinja::Error,
}

impl RenderError {
    fn describe(&self) -> String {
        if let Some(diagnostic) = self.diagnostic() {
            return diagnostic.to_string();
        }
        let mut text = match &self.path {
            Some(path) => format!("template {}", path.display()),
            None => format!("template {}", self.template),
        };
        if let Some(line) = self.line {
            text.push_str(&format!(", line {line}"));
        }
        text.push_str(&format!(": {}", self.error.kind()));
        if let Some(detail) = self.error.detail() {
            text.push_str(&format!(": {detail}"));
        }
        if self.path.is_none() {
            text.push_str(" (a bug in Kaizen's built-in template)");
        }
        text
    }

    /// A problem in a user's template as a problem in any user file: `file:line:col:
    /// error[code]`, its line quoted. `None` for a built-in template, or when minijinja
    /// does not know where.
    fn diagnostic(&self) -> Option<Diagnostic> {
        let path = self.path.as_deref()?;
        let code = match self.error.kind() {
            minijinja::ErrorKind::SyntaxError => crate::diag::TemplateCode::Syntax,
            _ => crate::diag::TemplateCode::Render,
        };
        let mut message = self.error.kind().to_string();
        if let Some(detail) = self.error.detail() {
            message.push_str(&format!(": {detail}"));
        }
        let source = std::fs::read_to_string(path).ok();
        match (self.error.range(), source, self.line) {
            (Some(range), Some(source), _) if range.start <= source.len() => {
                Some(Diagnostic::at(code, path, &source, range.start, message))
            }
            (_, _, Some(line)) => Some(Diagnostic { line: Some(line), ..Diagnostic::new(code, path, message) }),
            _ => None,
        }
    }
}

/// A template folder that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the template folder {}: {source}", path.display())]
pub struct TemplateDirError {
    /// The folder or file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// The report templates: the built-in ones, each replaced by a user's file of the same name.
///
/// # Example
///
/// ```no_run
/// let templates = kaizen::report::Templates::from_dir(std::path::Path::new("branding"))?;
/// # Ok::<(), kaizen::report::TemplateDirError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Templates {
    /// Templates read from a user's folder: name, file, text.
    overrides: Vec<(String, PathBuf, String)>,
}

impl Templates {
    /// Only the built-in templates.
    pub fn builtin() -> Templates {
        Templates::default()
    }

    /// The built-in templates, with every `*.j2` file of `dir` added under its file name
    /// (replacing a built-in one of that name, or available to `include` and `extends`).
    pub fn from_dir(dir: &Path) -> Result<Templates, TemplateDirError> {
        let fail = |path: &Path| {
            let path = path.to_path_buf();
            move |source| TemplateDirError { path, source }
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(fail(dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "j2"))
            .collect();
        entries.sort();
        let mut overrides = Vec::new();
        for path in entries {
            let text = std::fs::read_to_string(&path).map_err(fail(&path))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            overrides.push((name, path, text));
        }
        Ok(Templates { overrides })
    }

    /// The names of the templates read from the user's folder.
    pub fn overridden(&self) -> impl Iterator<Item = &str> {
        self.overrides.iter().map(|(name, _, _)| name.as_str())
    }

    /// Renders the Markdown report.
    pub fn markdown(&self, result: &AssessmentResult) -> Result<String, RenderError> {
        self.render(MARKDOWN, result)
    }

    /// Renders the HTML report: one self-contained page (inline CSS and SVG, no script).
    pub fn html(&self, result: &AssessmentResult) -> Result<String, RenderError> {
        self.render(HTML, result)
    }

    /// Renders the report of template `name` ([`MARKDOWN`] or [`HTML`]) into `out` as it
    /// goes, without holding the whole text: a large organisation's report is tens of MB.
    pub fn render_to(&self, name: &str, result: &AssessmentResult, out: &mut dyn Write) -> Result<(), RenderError> {
        let fail = |error: minijinja::Error| self.error(name, error);
        let env = self.environment(name)?;
        let template = env.get_template(name).map_err(fail)?;
        template.render_captured_to(self.context(name, result), out).map_err(fail)?;
        Ok(())
    }

    fn path_of(&self, name: &str) -> Option<PathBuf> {
        self.overrides.iter().find(|(n, _, _)| n == name).map(|(_, p, _)| p.clone())
    }

    /// Parses every template, so a syntax error in a user's template is reported before
    /// an assessment is spent on it rather than when the report is rendered.
    pub fn check(&self) -> Result<(), RenderError> {
        self.environment(MARKDOWN).map(drop)
    }

    /// The error of template `name` (or of the template it names), with its file.
    fn error(&self, name: &str, error: minijinja::Error) -> RenderError {
        let template = error.name().unwrap_or(name).to_owned();
        RenderError { path: self.path_of(&template), line: error.line(), template, error }
    }

    /// The environment with every template added (and so parsed) and every filter.
    fn environment(&self, name: &str) -> Result<Environment<'static>, RenderError> {
        let fail = |error: minijinja::Error| self.error(name, error);
        let mut env = Environment::new();
        env.set_debug(false);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        // HTML escaping everywhere but in Markdown templates: text from plugins, file names
        // and models never becomes markup unless a filter below marks it safe.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md.j2") || name.ends_with(".md") {
                minijinja::AutoEscape::None
            } else {
                minijinja::AutoEscape::Html
            }
        });
        for (template, source) in DEFAULTS {
            if self.path_of(template).is_none() {
                env.add_template(template, source).map_err(fail)?;
            }
        }
        for (template, _, source) in &self.overrides {
            env.add_template_owned(template.clone(), source.clone()).map_err(fail)?;
        }
        env.add_filter("md", markdown_text);
        env.add_filter("code", code_text);
        env.add_filter("fact", fact_text);
        env.add_filter("status", status_text);
        env.add_filter("tail", stderr_line);
        env.add_filter("pct", percent);
        env.add_filter("markdown", markdown_html);
        env.add_filter("css_string", css_string);
        Ok(env)
    }

    fn render(&self, name: &str, result: &AssessmentResult) -> Result<String, RenderError> {
        let mut text = Vec::new();
        self.render_to(name, result, &mut text)?;
        Ok(String::from_utf8(text).expect("templates render UTF-8"))
    }

    fn context(&self, name: &str, result: &AssessmentResult) -> Value {
        let view = View::new(result);
        if name.ends_with(".html.j2") {
            let (strengths, gaps) = html::headlines(result);
            minijinja::context! {
                result => view,
                brand => brand(result),
                scope => scope::summary(result),
                strengths => strengths,
                gaps => gaps,
                charts => html::charts(result),
                areas => html::areas(result),
            }
        } else {
            minijinja::context! { result => view, scope => scope::summary(result) }
        }
    }
}

/// The branding as the HTML template sees it: `logo` as a `data:` URI, `accent`; each
/// absent when the result has none.
fn brand(result: &AssessmentResult) -> Value {
    let branding = result.branding.as_ref();
    minijinja::context! {
        logo => branding.and_then(|b| b.logo.as_ref()).map(crate::branding::Logo::data_uri),
        accent => branding.and_then(|b| b.accent.as_ref()).map(crate::branding::Colour::as_str),
    }
}

/// Renders the Markdown report with the built-in templates.
pub fn markdown(result: &AssessmentResult) -> Result<String, RenderError> {
    Templates::builtin().markdown(result)
}

/// Renders the HTML report with the built-in templates.
pub fn html(result: &AssessmentResult) -> Result<String, RenderError> {
    Templates::builtin().html(result)
}

/// Markdown (guidance, remediation) as HTML, marked safe for the HTML templates. It is
/// rendered here from the Markdown source, never taken from a result file's HTML (a
/// result file may come from anyone), by [`crate::roadmap::markdown_html`], which escapes
/// raw HTML and keeps only harmless link schemes.
fn markdown_html(text: String) -> Value {
    Value::from_safe_string(crate::roadmap::markdown_html(&text))
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
    systems: Vec<SystemView<'a>>,
    unavailable: &'a [crate::result::UnavailableTarget],
    sources: &'a [crate::result::SourceRecord],
    model: Option<&'a crate::result::ModelRecord>,
    scoring: Option<&'a crate::result::ScoringRecord>,
    organisation_assessment: Option<&'a crate::score::OrganisationAssessment>,
    roadmap: Option<&'a crate::roadmap::Roadmap>,
    trend: &'a [crate::result::TrendPoint],
    /// Area names by id.
    area_names: BTreeMap<&'a str, &'a str>,
    /// Practices by id (title, level, area).
    practices: BTreeMap<&'a str, &'a crate::model::Practice>,
    /// Level names by number.
    level_names: BTreeMap<String, &'a str>,
    /// The assessment file's exemptions, checks and practices together, by owner (those
    /// without one first) and expiry.
    exemptions: Vec<ExemptionView<'a>>,
}

/// An exemption as the templates list it.
#[derive(Serialize)]
struct ExemptionView<'a> {
    /// `check ci/runs-tests` or `practice ci-code-review`.
    what: String,
    target: &'a str,
    reason: &'a str,
    owner: Option<&'a str>,
    expires: Option<&'a str>,
    expired: bool,
}

/// A target as the templates see it: its findings with their checks' titles, and its
/// practices without their traces. result.json has the traces; no template shows them, and
/// for a large organisation they are 40 % of the result, which the templates' engine would
/// otherwise copy whole.
#[derive(Serialize)]
struct TargetView<'a> {
    name: &'a str,
    path: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: &'a BTreeMap<String, String>,
    files: usize,
    facts: &'a BTreeMap<String, serde_json::Value>,
    errors: &'a [crate::result::ErrorRecord],
    warnings: &'a [String],
    skipped: &'a [crate::collect::Skipped],
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<AssessmentView<'a>>,
    anchor: String,
    counts: std::collections::BTreeMap<&'static str, usize>,
    findings: Vec<FindingView<'a>>,
}

/// A system as the templates see it: its members, and its assessment without traces (the
/// practices' reasons name the member behind each piece of evidence).
#[derive(Serialize)]
struct SystemView<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    targets: &'a [String],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: &'a BTreeMap<String, String>,
    members: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    missing: &'a [String],
    anchor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<AssessmentView<'a>>,
}

#[derive(Serialize)]
struct AssessmentView<'a> {
    practices: Vec<PracticeView<'a>>,
    areas: &'a [crate::score::AreaResult],
    coverage: f64,
    dora: &'a crate::score::dora::TargetDora,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    answers: &'a BTreeMap<String, crate::model::answers::Answer>,
}

/// A practice's result without its trace.
#[derive(Serialize)]
struct PracticeView<'a> {
    id: &'a str,
    area: &'a str,
    level: u8,
    state: &'a crate::score::PracticeState,
    reason: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    disabled: bool,
}

impl<'a> AssessmentView<'a> {
    fn new(a: &'a crate::score::TargetAssessment) -> Self {
        AssessmentView {
            practices: a
                .practices
                .iter()
                .map(|p| PracticeView {
                    id: &p.id,
                    area: &p.area,
                    level: p.level,
                    state: &p.state,
                    reason: &p.reason,
                    disabled: p.disabled,
                })
                .collect(),
            areas: &a.areas,
            coverage: a.coverage,
            dora: &a.dora,
            answers: &a.answers,
        }
    }
}

impl<'a> TargetView<'a> {
    fn new(t: &'a crate::result::TargetResult, anchor: String, findings: Vec<FindingView<'a>>) -> Self {
        let mut counts: std::collections::BTreeMap<&'static str, usize> =
            ["pass", "warn", "fail", "not_applicable"].into_iter().map(|s| (s, 0)).collect();
        for f in &t.findings {
            *counts.entry(f.status.name()).or_default() += 1;
        }
        let assessment = t.assessment.as_ref().map(AssessmentView::new);
        TargetView {
            name: &t.name,
            path: &t.path,
            kind: &t.kind,
            labels: &t.labels,
            files: t.files,
            facts: &t.facts,
            errors: &t.errors,
            warnings: &t.warnings,
            skipped: &t.skipped,
            assessment,
            anchor,
            counts,
            findings,
        }
    }
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
                TargetView::new(t, format!("target-{}", i + 1), findings)
            })
            .collect();
        let systems = result
            .systems
            .iter()
            .enumerate()
            .map(|(i, s)| SystemView {
                name: &s.name,
                targets: &s.targets,
                labels: &s.labels,
                members: &s.members,
                missing: &s.missing,
                anchor: format!("system-{}", i + 1),
                assessment: s.assessment.as_ref().map(AssessmentView::new),
            })
            .collect();
        View {
            organisation: result.organisation.as_deref(),
            kaizen_version: &result.kaizen_version,
            started_at: &result.started_at,
            duration_ms: result.duration_ms,
            plugins: &result.plugins,
            targets,
            systems,
            unavailable: &result.unavailable,
            sources: &result.sources,
            model: result.model.as_ref(),
            scoring: result.scoring.as_ref(),
            organisation_assessment: result.organisation_assessment.as_ref(),
            roadmap: result.roadmap.as_ref(),
            trend: &result.trend,
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
            exemptions: exemption_views(result.scoring.as_ref()),
        }
    }
}

fn exemption_views(scoring: Option<&crate::result::ScoringRecord>) -> Vec<ExemptionView<'_>> {
    let mut all: Vec<ExemptionView> = scoring
        .into_iter()
        .flat_map(|s| s.all_exemptions())
        .map(|e| ExemptionView {
            what: format!("{} {}", e.kind, e.subject),
            target: e.target,
            reason: e.reason,
            owner: e.owner,
            expires: e.expires,
            expired: e.expired,
        })
        .collect();
    // Dates are `YYYY-MM-DD`, so they sort as text; an exemption without one comes last.
    all.sort_by(|a, b| (a.owner, a.expires.is_none(), a.expires).cmp(&(b.owner, b.expires.is_none(), b.expires)));
    all
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

/// Text as a quoted CSS string, for the page's margins (`@page { @bottom-left { content:
/// … } }`): every character but letters, digits, spaces and a few marks is escaped, so no
/// text can end the string, the rule or the `<style>` element.
fn css_string(text: String) -> Value {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_alphanumeric() || " .,:;-_()·–".contains(c) {
            out.push(c);
        } else {
            // Six hexadecimal digits end the escape without a following space.
            out.push_str(&format!("\\{:06x}", c as u32));
        }
    }
    out.push('"');
    Value::from_safe_string(out)
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
        "out_of_scope" => "◌ out of scope".into(),
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

    #[test]
    fn text_in_a_css_string_cannot_end_it() {
        let css = css_string("Acme · \"Q1\"; } </style>\\é".into()).to_string();
        assert_eq!(css, r#""Acme · \000022Q1\000022; \00007d \00003c\00002fstyle\00003e\00005cé""#);
    }
}
