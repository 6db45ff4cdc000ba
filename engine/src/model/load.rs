//! Loading a model: deserialise with spans, then validate everything, collecting every
//! problem with its line and column before failing.

use super::markdown;
use super::{
    Area, Band, Choice, DoraKey, Effort, Level, Model, Practice, Question, QuestionKind, Rule, Source, Test, Tools,
};
use crate::diag::{Diagnostic, Diagnostics};
use crate::plugin::{Registry, Status};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// What plugins declare, for checking a model's references: checks by plugin, facts, and
/// what evidence each plugin reads.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Check ids by plugin id.
    pub checks: BTreeMap<String, BTreeSet<String>>,
    /// Fact names.
    pub facts: BTreeSet<String>,
    /// The plugin declaring each fact.
    pub fact_plugins: BTreeMap<String, String>,
    /// The evidence each plugin reads, by plugin id (the repository's files when absent).
    pub sources: BTreeMap<String, Vec<Source>>,
}

impl Catalogue {
    /// What the plugins of `registry` declare.
    pub fn from_registry(registry: &Registry) -> Catalogue {
        let mut catalogue = Catalogue::default();
        for plugin in registry.plugins() {
            let m = &plugin.manifest;
            catalogue.checks.entry(m.id.clone()).or_default().extend(m.checks.iter().map(|c| c.id.clone()));
            catalogue.facts.extend(m.facts.iter().map(|f| f.name.clone()));
            for f in &m.facts {
                catalogue.fact_plugins.entry(f.name.clone()).or_insert_with(|| m.id.clone());
            }
            let i = &m.inputs;
            let mut sources = Vec::new();
            if !i.files.is_empty() || !i.parse.is_empty() || i.ci {
                sources.push(Source::Repository);
            }
            if i.git {
                sources.push(Source::History);
            }
            if i.pipelines {
                sources.push(Source::Runs);
            }
            if i.cloud {
                sources.push(Source::Cloud);
            }
            catalogue.sources.insert(m.id.clone(), sources);
        }
        catalogue
    }

    /// The evidence a plugin reads.
    fn plugin_sources(&self, plugin: &str) -> Vec<Source> {
        match self.sources.get(plugin) {
            Some(sources) if !sources.is_empty() => sources.clone(),
            _ => vec![Source::Repository],
        }
    }

    /// What evidence can decide a rule's leaves.
    pub fn rule_sources(&self, rule: &Rule, out: &mut BTreeSet<Source>) {
        match rule {
            Rule::Check { plugin, .. } => out.extend(self.plugin_sources(plugin)),
            Rule::Fact { name, .. } => match self.fact_plugins.get(name) {
                Some(plugin) => out.extend(self.plugin_sources(plugin)),
                None => {
                    out.insert(Source::Repository);
                }
            },
            Rule::Dora { .. } => out.extend([Source::History, Source::Runs, Source::Interview]),
            Rule::Answer { .. } => {
                out.insert(Source::Interview);
            }
            Rule::All(rules) | Rule::Any(rules) => rules.iter().for_each(|r| self.rule_sources(r, out)),
            Rule::Not(rule) | Rule::Confirms(rule) => self.rule_sources(rule, out),
            Rule::When { condition, then } => {
                self.rule_sources(condition, out);
                self.rule_sources(then, out);
            }
        }
    }

    /// What the built-in plugins declare.
    pub fn builtin() -> Result<Catalogue, String> {
        Registry::builtin().map(|r| Catalogue::from_registry(&r)).map_err(|e| e.to_string())
    }
}

fn no_text() -> Spanned<String> {
    Spanned::new(0..0, String::new())
}

/// The frameworks `maps_to` may name.
pub const FRAMEWORKS: [&str; 5] = ["dora", "dsomm", "samm", "well_architected", "scorecard"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    model: RawHeader,
    #[serde(default)]
    level: Vec<Spanned<RawLevel>>,
    #[serde(default)]
    area: Vec<RawArea>,
    #[serde(default)]
    practice: Vec<RawPractice>,
    #[serde(default)]
    question: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    name: String,
    version: Spanned<String>,
    #[serde(default = "no_text")]
    description: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    number: Spanned<i64>,
    name: String,
    #[serde(default = "no_text")]
    description: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    name: String,
    #[serde(default = "no_text")]
    description: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPractice {
    id: Spanned<String>,
    area: Spanned<String>,
    level: Spanned<i64>,
    title: String,
    guidance: Spanned<String>,
    effort: Spanned<String>,
    impact: Spanned<i64>,
    #[serde(default)]
    depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    tools: RawTools,
    #[serde(default)]
    maps_to: BTreeMap<Spanned<String>, Vec<String>>,
    evidence: Spanned<RawRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTools {
    #[serde(default)]
    aws: Vec<String>,
    #[serde(default)]
    open_source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    practice: Option<Spanned<String>>,
    area: Option<Spanned<String>>,
    text: String,
    #[serde(default = "no_text")]
    help: Spanned<String>,
    kind: Spanned<String>,
    choices: Option<Spanned<Vec<RawChoice>>>,
    scale: Option<Spanned<RawScale>>,
    unit: Option<Spanned<String>>,
    dora: Option<Spanned<String>>,
    suggest: Option<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    value: Spanned<String>,
    label: String,
    band: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    min: i64,
    max: i64,
    #[serde(default)]
    low: String,
    #[serde(default)]
    high: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    check: Option<Spanned<String>>,
    status: Option<Spanned<OneOrMany>>,
    min_score: Option<Spanned<f64>>,
    fact: Option<Spanned<String>>,
    dora: Option<Spanned<String>>,
    answer: Option<Spanned<String>>,
    equals: Option<Spanned<toml::Value>>,
    contains: Option<Spanned<toml::Value>>,
    at_least: Option<Spanned<toml::Value>>,
    at_most: Option<Spanned<toml::Value>>,
    all: Option<Spanned<Vec<Spanned<RawRule>>>>,
    any: Option<Spanned<Vec<Spanned<RawRule>>>>,
    not: Option<Box<Spanned<RawRule>>>,
    confirms: Option<Box<Spanned<RawRule>>>,
    when: Option<Box<Spanned<RawRule>>>,
    then: Option<Box<Spanned<RawRule>>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Loads and validates a model's text; `path` names it in diagnostics. The model's checks
/// and facts must be declared in `catalogue`.
pub fn load(path: &Path, source: &str, catalogue: &Catalogue) -> Result<Model, Diagnostics> {
    let raw: Raw = toml::from_str(source)
        .map_err(|e| Diagnostics(vec![Diagnostic::from_toml(crate::diag::ModelCode::Syntax, path, source, &e)]))?;
    let mut v = Validator {
        path,
        source,
        catalogue,
        problems: Vec::new(),
        questions: BTreeMap::new(),
        area_spans: BTreeMap::new(),
    };
    let model = v.model(raw);
    if v.problems.is_empty() {
        Ok(model)
    } else {
        v.problems.sort_by_key(|d| (d.line, d.column));
        Err(Diagnostics(v.problems))
    }
}

struct Validator<'a> {
    path: &'a Path,
    source: &'a str,
    catalogue: &'a Catalogue,
    problems: Vec<Diagnostic>,
    /// Questions by id, for answer rules.
    questions: BTreeMap<String, QuestionKind>,
    /// Where each area is defined, for problems about the area as a whole.
    area_spans: BTreeMap<String, Range<usize>>,
}

impl Validator<'_> {
    fn problem(&mut self, code: crate::diag::ModelCode, span: Range<usize>, message: impl Into<String>) {
        self.problems.push(Diagnostic::at(code, self.path, self.source, span.start, message));
    }

    fn model(&mut self, raw: Raw) -> Model {
        self.identifier(&raw.model.id, "model");
        if raw.model.version.get_ref().trim().is_empty() {
            self.problem(crate::diag::ModelCode::InvalidVersion, raw.model.version.span(), "version must not be empty");
        }
        self.markdown(&raw.model.description, "description");
        let levels = self.levels(&raw.level);
        let areas = self.areas(&raw.area);
        // Questions first: evidence rules refer to them.
        let practice_areas: BTreeMap<String, String> =
            raw.practice.iter().map(|p| (p.id.get_ref().clone(), p.area.get_ref().clone())).collect();
        let mut questions = self.questions(&raw.question, &areas, &practice_areas);
        let practices = self.practices(&raw.practice, &areas);
        let mut suggestions = self.question_suggestions(&raw.question);
        for q in &mut questions {
            q.suggest = suggestions.remove(&q.id);
        }
        Model {
            id: raw.model.id.into_inner(),
            name: raw.model.name,
            version: raw.model.version.into_inner(),
            description: raw.model.description.into_inner(),
            levels,
            areas,
            fact_plugins: self.catalogue.fact_plugins.clone(),
            practices,
            questions,
        }
    }

    fn identifier(&mut self, id: &Spanned<String>, what: &str) {
        let s = id.get_ref();
        let ok = !s.is_empty()
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && s.starts_with(|c: char| c.is_ascii_lowercase());
        if !ok {
            self.problem(
                crate::diag::ModelCode::InvalidId,
                id.span(),
                format!("{what} id `{s}` must start with a lowercase letter and hold only lowercase letters, digits, `-` or `_`"),
            );
        }
    }

    fn markdown(&mut self, text: &Spanned<String>, what: &str) {
        for (offset, message) in markdown::problems(text.get_ref()) {
            let at = locate(self.source, text.span(), text.get_ref(), offset);
            self.problems.push(Diagnostic::at(
                crate::diag::ModelCode::Markdown,
                self.path,
                self.source,
                at,
                format!("{what}: {message}"),
            ));
        }
    }

    fn levels(&mut self, raw: &[Spanned<RawLevel>]) -> Vec<Level> {
        let mut levels = Vec::new();
        for (i, level) in raw.iter().enumerate() {
            let expected = i as i64 + 1;
            let number = *level.get_ref().number.get_ref();
            if number != expected {
                self.problem(
                    crate::diag::ModelCode::Levels,
                    level.get_ref().number.span(),
                    format!(
                        "level number {number} out of order: levels are numbered 1 to 5 in order, expected {expected}"
                    ),
                );
            }
            self.markdown(&level.get_ref().description, "level description");
            levels.push(Level {
                number: number.clamp(0, 255) as u8,
                name: level.get_ref().name.clone(),
                description: level.get_ref().description.get_ref().clone(),
            });
        }
        if raw.len() != 5 {
            let span = raw.get(5).map(|l| l.span()).unwrap_or(0..0);
            self.problem(
                crate::diag::ModelCode::Levels,
                span,
                format!("a model has exactly five levels (1 to 5); this one has {}", raw.len()),
            );
        }
        levels
    }

    fn areas(&mut self, raw: &[RawArea]) -> Vec<Area> {
        let mut seen = BTreeSet::new();
        let mut areas = Vec::new();
        for area in raw {
            self.identifier(&area.id, "area");
            if !seen.insert(area.id.get_ref().clone()) {
                self.problem(
                    crate::diag::ModelCode::DuplicateId,
                    area.id.span(),
                    format!("area `{}` is defined twice", area.id.get_ref()),
                );
                continue;
            }
            self.area_spans.insert(area.id.get_ref().clone(), area.id.span());
            self.markdown(&area.description, "area description");
            areas.push(Area {
                id: area.id.get_ref().clone(),
                name: area.name.clone(),
                description: area.description.get_ref().clone(),
            });
        }
        if raw.is_empty() {
            self.problem(crate::diag::ModelCode::NoAreas, 0..0, "the model has no `[[area]]`");
        }
        areas
    }

    fn questions(
        &mut self,
        raw: &[RawQuestion],
        areas: &[Area],
        practice_areas: &BTreeMap<String, String>,
    ) -> Vec<Question> {
        let mut out = Vec::new();
        for q in raw {
            self.identifier(&q.id, "question");
            let id = q.id.get_ref().clone();
            if self.questions.contains_key(&id) {
                self.problem(
                    crate::diag::ModelCode::DuplicateId,
                    q.id.span(),
                    format!("question `{id}` is defined twice"),
                );
                continue;
            }
            self.markdown(&q.help, "help");
            let area = match (&q.practice, &q.area) {
                (Some(p), None) => match practice_areas.get(p.get_ref()) {
                    Some(area) => Some(area.clone()),
                    None => {
                        self.problem(
                            crate::diag::ModelCode::UnknownPractice,
                            p.span(),
                            format!(
                                "question `{id}` names practice `{}`, which the model does not define",
                                p.get_ref()
                            ),
                        );
                        None
                    }
                },
                (None, Some(a)) => {
                    if areas.iter().any(|x| &x.id == a.get_ref()) {
                        Some(a.get_ref().clone())
                    } else {
                        self.problem(crate::diag::ModelCode::UnknownArea, a.span(), unknown_area(a.get_ref(), areas));
                        None
                    }
                }
                (Some(p), Some(_)) => {
                    self.problem(
                        crate::diag::ModelCode::QuestionTarget,
                        p.span(),
                        format!(
                            "question `{id}` names both a practice and an area: name one (a practice implies its area)"
                        ),
                    );
                    None
                }
                (None, None) => {
                    self.problem(
                        crate::diag::ModelCode::QuestionTarget,
                        q.id.span(),
                        format!("question `{id}` names neither `practice` nor `area`"),
                    );
                    None
                }
            };
            let kind = self.question_kind(q);
            let dora = q.dora.as_ref().and_then(|d| match DoraKey::parse(d.get_ref()) {
                Some(key) => Some(key),
                None => {
                    self.problem(crate::diag::ModelCode::UnknownDoraKey, d.span(), unknown_dora_key(d.get_ref()));
                    None
                }
            });
            if let (Some(_), Some(kind)) = (dora, &kind) {
                let banded =
                    matches!(kind, QuestionKind::Choice { choices } if choices.iter().all(|c| c.band.is_some()));
                if !banded {
                    self.problem(
                        crate::diag::ModelCode::DoraQuestion,
                        q.dora.as_ref().map(|d| d.span()).unwrap_or_default(),
                        format!("question `{id}` reports a DORA key: it must be a `choice` question with a `band` on every choice"),
                    );
                }
            }
            if let Some(kind) = kind {
                self.questions.insert(id.clone(), kind.clone());
                if let Some(area) = area {
                    out.push(Question {
                        id,
                        practice: q.practice.as_ref().map(|p| p.get_ref().clone()),
                        area,
                        text: q.text.clone(),
                        help: q.help.get_ref().clone(),
                        kind,
                        dora,
                        suggest: None,
                    });
                }
            }
        }
        out
    }

    fn question_kind(&mut self, q: &RawQuestion) -> Option<QuestionKind> {
        let id = q.id.get_ref();
        let kind_name = q.kind.get_ref().as_str();
        let extra = |v: &mut Self, present: bool, key: &str, span: Range<usize>| {
            if present {
                v.problem(
                    crate::diag::ModelCode::QuestionKind,
                    span,
                    format!("`{key}` does not apply to a `{kind_name}` question (`{id}`)"),
                );
            }
        };
        let choices_span = q.choices.as_ref().map(|c| c.span()).unwrap_or_default();
        let scale_span = q.scale.as_ref().map(|c| c.span()).unwrap_or_default();
        let unit_span = q.unit.as_ref().map(|c| c.span()).unwrap_or_default();
        match kind_name {
            "yes_no" | "duration" => {
                extra(self, q.choices.is_some(), "choices", choices_span);
                extra(self, q.scale.is_some(), "scale", scale_span);
                extra(self, q.unit.is_some(), "unit", unit_span);
                Some(if kind_name == "yes_no" { QuestionKind::YesNo } else { QuestionKind::Duration })
            }
            "number" => {
                extra(self, q.choices.is_some(), "choices", choices_span);
                extra(self, q.scale.is_some(), "scale", scale_span);
                Some(QuestionKind::Number { unit: q.unit.as_ref().map(|u| u.get_ref().clone()).unwrap_or_default() })
            }
            "scale" => {
                extra(self, q.choices.is_some(), "choices", choices_span);
                extra(self, q.unit.is_some(), "unit", unit_span);
                let Some(scale) = &q.scale else {
                    self.problem(
                        crate::diag::ModelCode::QuestionKind,
                        q.kind.span(),
                        format!(
                            "scale question `{id}` needs `scale = {{ min = 1, max = 5, low = \"…\", high = \"…\" }}`"
                        ),
                    );
                    return None;
                };
                let s = scale.get_ref();
                if s.min >= s.max {
                    self.problem(
                        crate::diag::ModelCode::QuestionKind,
                        scale.span(),
                        format!("scale of `{id}`: min ({}) must be below max ({})", s.min, s.max),
                    );
                }
                Some(QuestionKind::Scale { min: s.min, max: s.max, low: s.low.clone(), high: s.high.clone() })
            }
            "choice" => {
                extra(self, q.scale.is_some(), "scale", scale_span);
                extra(self, q.unit.is_some(), "unit", unit_span);
                let Some(raw) = &q.choices else {
                    self.problem(
                        crate::diag::ModelCode::QuestionKind,
                        q.kind.span(),
                        format!("choice question `{id}` needs `choices = [{{ value = \"…\", label = \"…\" }}, …]`"),
                    );
                    return None;
                };
                if raw.get_ref().len() < 2 {
                    self.problem(
                        crate::diag::ModelCode::QuestionKind,
                        raw.span(),
                        format!("choice question `{id}` needs at least two choices"),
                    );
                }
                let mut seen = BTreeSet::new();
                let mut choices = Vec::new();
                for c in raw.get_ref() {
                    if !seen.insert(c.value.get_ref().clone()) {
                        self.problem(
                            crate::diag::ModelCode::DuplicateId,
                            c.value.span(),
                            format!("choice `{}` appears twice in `{id}`", c.value.get_ref()),
                        );
                    }
                    let band = c.band.as_ref().and_then(|b| match Band::parse(b.get_ref()) {
                        Some(band) => Some(band),
                        None => {
                            self.problem(crate::diag::ModelCode::UnknownBand, b.span(), unknown_band(b.get_ref()));
                            None
                        }
                    });
                    choices.push(Choice { value: c.value.get_ref().clone(), label: c.label.clone(), band });
                }
                Some(QuestionKind::Choice { choices })
            }
            other => {
                self.problem(
                    crate::diag::ModelCode::QuestionKind,
                    q.kind.span(),
                    format!("unknown question kind `{other}`; expected yes_no, choice, scale, number or duration"),
                );
                None
            }
        }
    }

    fn question_suggestions(&mut self, raw: &[RawQuestion]) -> BTreeMap<String, Rule> {
        let mut out = BTreeMap::new();
        for q in raw {
            if let Some(suggest) = &q.suggest {
                let rule = self.rule(suggest);
                let is_yes_no = matches!(self.questions.get(q.id.get_ref()), Some(QuestionKind::YesNo));
                if !is_yes_no {
                    self.problem(
                        crate::diag::ModelCode::QuestionKind,
                        suggest.span(),
                        format!(
                            "`suggest` is for yes_no questions (`{}` is not); a DORA question is suggested from its key's band",
                            q.id.get_ref()
                        ),
                    );
                }
                if let Some(rule) = rule {
                    out.insert(q.id.get_ref().clone(), rule);
                }
            }
        }
        out
    }

    fn practices(&mut self, raw: &[RawPractice], areas: &[Area]) -> Vec<Practice> {
        let mut ids = BTreeMap::new();
        for p in raw {
            self.identifier(&p.id, "practice");
            if ids.insert(p.id.get_ref().clone(), p).is_some() {
                self.problem(
                    crate::diag::ModelCode::DuplicateId,
                    p.id.span(),
                    format!("practice `{}` is defined twice", p.id.get_ref()),
                );
            }
        }
        let mut out = Vec::new();
        for p in raw {
            let id = p.id.get_ref();
            if !areas.iter().any(|a| &a.id == p.area.get_ref()) {
                self.problem(crate::diag::ModelCode::UnknownArea, p.area.span(), unknown_area(p.area.get_ref(), areas));
            }
            let level = *p.level.get_ref();
            if !(2..=5).contains(&level) {
                self.problem(
                    crate::diag::ModelCode::InvalidLevel,
                    p.level.span(),
                    format!("practice `{id}` has level {level}; practices belong to levels 2 to 5 (level 1 is where every area starts)"),
                );
            }
            let effort = match p.effort.get_ref().as_str() {
                "S" => Effort::S,
                "M" => Effort::M,
                "L" => Effort::L,
                other => {
                    self.problem(
                        crate::diag::ModelCode::InvalidEffort,
                        p.effort.span(),
                        format!("effort `{other}` must be \"S\", \"M\" or \"L\""),
                    );
                    Effort::M
                }
            };
            let impact = *p.impact.get_ref();
            if !(1..=3).contains(&impact) {
                self.problem(
                    crate::diag::ModelCode::InvalidImpact,
                    p.impact.span(),
                    format!("impact {impact} must be 1, 2 or 3"),
                );
            }
            if p.title.trim().is_empty() {
                self.problem(
                    crate::diag::ModelCode::EmptyText,
                    p.id.span(),
                    format!("practice `{id}` has an empty title"),
                );
            }
            if p.guidance.get_ref().trim().is_empty() {
                self.problem(
                    crate::diag::ModelCode::EmptyText,
                    p.guidance.span(),
                    format!("practice `{id}` has empty guidance"),
                );
            }
            self.markdown(&p.guidance, "guidance");
            for dep in &p.depends_on {
                match ids.get(dep.get_ref()) {
                    None => self.problem(
                        crate::diag::ModelCode::UnknownPractice,
                        dep.span(),
                        format!("practice `{id}` depends on `{}`, which the model does not define", dep.get_ref()),
                    ),
                    Some(d) if d.area.get_ref() == p.area.get_ref() && *d.level.get_ref() > level => self.problem(
                        crate::diag::ModelCode::UnreachableLevel,
                        dep.span(),
                        format!(
                            "practice `{id}` (level {level}) depends on `{}` (level {}) of the same area: level {level} of `{}` could not be reached before level {}",
                            dep.get_ref(),
                            d.level.get_ref(),
                            p.area.get_ref(),
                            d.level.get_ref()
                        ),
                    ),
                    Some(_) => {}
                }
            }
            let mut maps_to = BTreeMap::new();
            for (framework, ids) in &p.maps_to {
                if !FRAMEWORKS.contains(&framework.get_ref().as_str()) {
                    self.problem(
                        crate::diag::ModelCode::UnknownFramework,
                        framework.span(),
                        format!(
                            "unknown framework `{}` in maps_to; expected one of {}",
                            framework.get_ref(),
                            FRAMEWORKS.join(", ")
                        ),
                    );
                }
                maps_to.insert(framework.get_ref().clone(), ids.clone());
            }
            let evidence = self.rule(&p.evidence);
            if let Some(evidence) = evidence {
                let mut sources = BTreeSet::new();
                self.catalogue.rule_sources(&evidence, &mut sources);
                out.push(Practice {
                    id: id.clone(),
                    area: p.area.get_ref().clone(),
                    level: level.clamp(0, 255) as u8,
                    title: p.title.clone(),
                    guidance: p.guidance.get_ref().clone(),
                    effort,
                    impact: impact.clamp(0, 255) as u8,
                    depends_on: p.depends_on.iter().map(|d| d.get_ref().clone()).collect(),
                    tools: Tools { aws: p.tools.aws.clone(), open_source: p.tools.open_source.clone() },
                    maps_to,
                    evidence,
                    sources: sources.into_iter().collect(),
                });
            }
        }
        self.cycles(raw, &ids);
        self.empty_levels(raw, areas);
        out
    }

    fn cycles(&mut self, raw: &[RawPractice], ids: &BTreeMap<String, &RawPractice>) {
        // Depth-first search; a back edge is a cycle, reported once at the edge that closes it.
        let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 on the stack, 2 done
        let mut reported = BTreeSet::new();
        for start in raw {
            let mut stack: Vec<(&str, usize)> = vec![(start.id.get_ref(), 0)];
            if state.contains_key(start.id.get_ref().as_str()) {
                continue;
            }
            state.insert(start.id.get_ref(), 1);
            while let Some((node, next)) = stack.pop() {
                let deps = ids.get(node).map(|p| p.depends_on.as_slice()).unwrap_or(&[]);
                if next < deps.len() {
                    stack.push((node, next + 1));
                    let dep = &deps[next];
                    match state.get(dep.get_ref().as_str()) {
                        None if ids.contains_key(dep.get_ref()) => {
                            state.insert(dep.get_ref(), 1);
                            stack.push((dep.get_ref(), 0));
                        }
                        Some(1) => {
                            let path: Vec<&str> = stack.iter().map(|(n, _)| *n).collect();
                            let from = path.iter().position(|n| *n == dep.get_ref()).unwrap_or(0);
                            let mut cycle: Vec<&str> = path[from..].to_vec();
                            cycle.push(dep.get_ref());
                            let key: BTreeSet<&str> = cycle.iter().copied().collect();
                            if reported.insert(key.into_iter().map(str::to_owned).collect::<Vec<_>>()) {
                                self.problem(
                                    crate::diag::ModelCode::DependencyCycle,
                                    dep.span(),
                                    format!("dependency cycle: {}", cycle.join(" → ")),
                                );
                            }
                        }
                        _ => {}
                    }
                } else {
                    state.insert(node, 2);
                }
            }
        }
    }

    fn empty_levels(&mut self, raw: &[RawPractice], areas: &[Area]) {
        for area in areas {
            let levels: BTreeSet<i64> =
                raw.iter().filter(|p| p.area.get_ref() == &area.id).map(|p| *p.level.get_ref()).collect();
            let missing: Vec<String> = (2..=5).filter(|l| !levels.contains(l)).map(|l| l.to_string()).collect();
            if !missing.is_empty() {
                let span = self.area_spans.get(&area.id).cloned().unwrap_or_default();
                self.problem(
                    crate::diag::ModelCode::EmptyLevel,
                    span,
                    format!(
                        "area `{}` has no practice at level {}: every level from 2 to 5 needs at least one, or the level is reached without doing anything",
                        area.id,
                        missing.join(", ")
                    ),
                );
            }
        }
    }

    fn rule(&mut self, raw: &Spanned<RawRule>) -> Option<Rule> {
        let r = raw.get_ref();
        let span = raw.span();
        let heads: Vec<&str> = [
            ("check", r.check.is_some()),
            ("fact", r.fact.is_some()),
            ("dora", r.dora.is_some()),
            ("answer", r.answer.is_some()),
            ("all", r.all.is_some()),
            ("any", r.any.is_some()),
            ("not", r.not.is_some()),
            ("confirms", r.confirms.is_some()),
            ("when", r.when.is_some()),
        ]
        .into_iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| name)
        .collect();
        if let (Some(then), false) = (&r.then, r.when.is_some()) {
            self.problem(crate::diag::ModelCode::InvalidRule, then.span(), "`then` goes with `when = RULE`");
            return None;
        }
        if heads.len() != 1 {
            let message = if heads.is_empty() {
                "a rule needs one of `check`, `fact`, `dora`, `answer`, `all`, `any`, `not`, `confirms` or `when`"
                    .to_owned()
            } else {
                format!(
                    "a rule has exactly one of `check`, `fact`, `dora`, `answer`, `all`, `any`, `not`, `confirms`, `when`; this one has {}",
                    heads.join(", ")
                )
            };
            self.problem(crate::diag::ModelCode::InvalidRule, span, message);
            return None;
        }
        let allowed: &[&str] = match heads[0] {
            "check" => &["status", "min_score"],
            "fact" => &["equals", "contains", "at_least", "at_most"],
            "dora" => &["at_least"],
            "answer" => &["equals", "at_least", "at_most"],
            _ => &[],
        };
        let modifiers = [
            ("status", r.status.as_ref().map(|s| s.span())),
            ("min_score", r.min_score.as_ref().map(|s| s.span())),
            ("equals", r.equals.as_ref().map(|s| s.span())),
            ("contains", r.contains.as_ref().map(|s| s.span())),
            ("at_least", r.at_least.as_ref().map(|s| s.span())),
            ("at_most", r.at_most.as_ref().map(|s| s.span())),
        ];
        let mut ok = true;
        for (name, at) in modifiers {
            if let Some(at) = at {
                if !allowed.contains(&name) {
                    self.problem(
                        crate::diag::ModelCode::InvalidRule,
                        at,
                        format!("`{name}` does not go with `{}`", heads[0]),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        match heads[0] {
            "check" => self.check_rule(r),
            "fact" => self.fact_rule(r, span),
            "dora" => self.dora_rule(r, span),
            "answer" => self.answer_rule(r, span),
            "not" => {
                let inner = r.not.as_ref()?;
                self.rule(inner).map(|rule| Rule::Not(Box::new(rule)))
            }
            "confirms" => {
                let inner = r.confirms.as_ref()?;
                self.rule(inner).map(|rule| Rule::Confirms(Box::new(rule)))
            }
            "when" => {
                let condition = r.when.as_ref()?;
                let Some(then) = &r.then else {
                    self.problem(
                        crate::diag::ModelCode::InvalidRule,
                        span,
                        "`when = RULE` needs `then = RULE`: what decides when the condition holds",
                    );
                    return None;
                };
                let condition = self.rule(condition);
                let then = self.rule(then);
                Some(Rule::When { condition: Box::new(condition?), then: Box::new(then?) })
            }
            group => {
                let list = if group == "all" { r.all.as_ref()? } else { r.any.as_ref()? };
                if list.get_ref().is_empty() {
                    self.problem(
                        crate::diag::ModelCode::InvalidRule,
                        list.span(),
                        format!("`{group}` needs at least one rule (an empty `{group}` decides nothing)"),
                    );
                    return None;
                }
                let rules: Vec<Option<Rule>> = list.get_ref().iter().map(|r| self.rule(r)).collect();
                let rules: Option<Vec<Rule>> = rules.into_iter().collect();
                rules.map(|rules| if group == "all" { Rule::All(rules) } else { Rule::Any(rules) })
            }
        }
    }

    fn check_rule(&mut self, r: &RawRule) -> Option<Rule> {
        let name = r.check.as_ref()?;
        let (plugin, check) = match name.get_ref().split_once('/') {
            Some((p, c)) if !p.is_empty() && !c.is_empty() => (p, c),
            _ => {
                self.problem(
                    crate::diag::ModelCode::UnknownCheck,
                    name.span(),
                    format!("check `{}` must be written `plugin/check`, e.g. `ci/runs-tests`", name.get_ref()),
                );
                return None;
            }
        };
        match self.catalogue.checks.get(plugin) {
            None => {
                let known: Vec<&str> = self.catalogue.checks.keys().map(String::as_str).collect();
                self.problem(
                    crate::diag::ModelCode::UnknownCheck,
                    name.span(),
                    format!(
                        "unknown plugin `{plugin}` in check `{}`; the plugins are {}",
                        name.get_ref(),
                        known.join(", ")
                    ),
                );
                return None;
            }
            Some(checks) if !checks.contains(check) => {
                let near = nearest(check, checks.iter().map(String::as_str));
                self.problem(
                    crate::diag::ModelCode::UnknownCheck,
                    name.span(),
                    format!(
                        "plugin `{plugin}` declares no check `{check}`{}",
                        near.map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default()
                    ),
                );
                return None;
            }
            Some(_) => {}
        }
        let statuses = match &r.status {
            // A minimum score is met by a warning with that score too (a partial result).
            None if r.min_score.is_some() => vec![Status::Pass, Status::Warn],
            None => vec![Status::Pass],
            Some(s) => {
                let names = match s.get_ref() {
                    OneOrMany::One(one) => vec![one.clone()],
                    OneOrMany::Many(many) => many.clone(),
                };
                let mut statuses = Vec::new();
                for name in names {
                    match name.as_str() {
                        "pass" => statuses.push(Status::Pass),
                        "warn" => statuses.push(Status::Warn),
                        "fail" => statuses.push(Status::Fail),
                        "not_applicable" => statuses.push(Status::NotApplicable),
                        other => {
                            self.problem(
                                crate::diag::ModelCode::InvalidRule,
                                s.span(),
                                format!("status `{other}` must be `pass`, `warn`, `fail` or `not_applicable` (a check that does not apply makes the rule unknown unless `not_applicable` is listed)"),
                            );
                            return None;
                        }
                    }
                }
                if statuses.is_empty() {
                    self.problem(crate::diag::ModelCode::InvalidRule, s.span(), "`status` needs at least one status");
                    return None;
                }
                statuses
            }
        };
        let min_score = match &r.min_score {
            Some(m) if !(0.0..=1.0).contains(m.get_ref()) => {
                self.problem(
                    crate::diag::ModelCode::InvalidRule,
                    m.span(),
                    format!("min_score {} must be between 0 and 1", m.get_ref()),
                );
                return None;
            }
            Some(m) => Some(*m.get_ref()),
            None => None,
        };
        Some(Rule::Check { plugin: plugin.to_owned(), check: check.to_owned(), statuses, min_score })
    }

    fn fact_rule(&mut self, r: &RawRule, span: Range<usize>) -> Option<Rule> {
        let name = r.fact.as_ref()?;
        if !self.catalogue.facts.contains(name.get_ref()) {
            let near = nearest(name.get_ref(), self.catalogue.facts.iter().map(String::as_str));
            self.problem(
                crate::diag::ModelCode::UnknownFact,
                name.span(),
                format!(
                    "no plugin declares fact `{}`{}",
                    name.get_ref(),
                    near.map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default()
                ),
            );
            return None;
        }
        let test = self.test(r, span, "fact")?;
        Some(Rule::Fact { name: name.get_ref().clone(), test })
    }

    fn dora_rule(&mut self, r: &RawRule, span: Range<usize>) -> Option<Rule> {
        let key = r.dora.as_ref()?;
        let Some(dora) = DoraKey::parse(key.get_ref()) else {
            self.problem(crate::diag::ModelCode::UnknownDoraKey, key.span(), unknown_dora_key(key.get_ref()));
            return None;
        };
        let Some(at_least) = &r.at_least else {
            self.problem(
                crate::diag::ModelCode::InvalidRule,
                span,
                "a `dora` rule needs `at_least = \"elite\" | \"high\" | \"medium\" | \"low\"`",
            );
            return None;
        };
        match at_least.get_ref().as_str().and_then(Band::parse) {
            Some(band) => Some(Rule::Dora { key: dora, at_least: band }),
            None => {
                self.problem(
                    crate::diag::ModelCode::UnknownBand,
                    at_least.span(),
                    unknown_band(&at_least.get_ref().to_string()),
                );
                None
            }
        }
    }

    fn answer_rule(&mut self, r: &RawRule, span: Range<usize>) -> Option<Rule> {
        let question = r.answer.as_ref()?;
        let id = question.get_ref();
        let Some(kind) = self.questions.get(id).cloned() else {
            self.problem(
                crate::diag::ModelCode::UnknownQuestion,
                question.span(),
                format!("no question `{id}` in the model"),
            );
            return None;
        };
        if r.contains.is_some() {
            self.problem(
                crate::diag::ModelCode::AnswerKind,
                span,
                format!("`contains` does not apply to answers (`{id}`)"),
            );
            return None;
        }
        let bound = r.at_least.as_ref().or(r.at_most.as_ref());
        if let (QuestionKind::Choice { choices }, Some(bound)) = (&kind, bound) {
            let named = bound.get_ref().as_str().is_some_and(|v| choices.iter().any(|c| c.value == v));
            if !named {
                let values: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
                self.problem(
                    crate::diag::ModelCode::AnswerKind,
                    bound.span(),
                    format!(
                        "`{id}` is a choice question: `at_least`/`at_most` name one of its choices ({}), ordered as written",
                        values.join(", ")
                    ),
                );
                return None;
            }
        }
        let test = self.test(r, span.clone(), "answer")?;
        let equals_span = r.equals.as_ref().map(|s| s.span()).unwrap_or_default();
        let problem = match (&kind, &test) {
            (QuestionKind::YesNo, Test::Equals(Value::Bool(_))) => None,
            (QuestionKind::YesNo, _) => {
                Some(format!("`{id}` is a yes_no question: compare it with `equals = true` or `equals = false`"))
            }
            (QuestionKind::Choice { choices }, Test::Equals(v)) => match v.as_str() {
                Some(s) if choices.iter().any(|c| c.value == s) => None,
                _ => {
                    let values: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
                    Some(format!("`{id}` has no choice {v}; its choices are {}", values.join(", ")))
                }
            },
            (QuestionKind::Scale { min, max, .. }, Test::Equals(v))
                if v.as_f64().is_none_or(|n| n < *min as f64 || n > *max as f64) =>
            {
                Some(format!("`{id}` is a scale from {min} to {max}: `equals` must be a number in it"))
            }
            (QuestionKind::Number { .. } | QuestionKind::Duration, Test::Equals(v)) if !v.is_number() => {
                Some(format!("`{id}` is a {} question: `equals` must be a number", kind.name()))
            }
            _ => None,
        };
        if let Some(message) = problem {
            let at = if matches!(test, Test::Equals(_)) { equals_span } else { span };
            self.problem(crate::diag::ModelCode::AnswerKind, at, message);
            return None;
        }
        Some(Rule::Answer { question: id.clone(), test })
    }

    /// The comparison of a fact or answer rule.
    fn test(&mut self, r: &RawRule, span: Range<usize>, head: &str) -> Option<Test> {
        let given: Vec<&str> = [
            ("equals", r.equals.is_some()),
            ("contains", r.contains.is_some()),
            ("at_least", r.at_least.is_some()),
            ("at_most", r.at_most.is_some()),
        ]
        .into_iter()
        .filter(|(_, p)| *p)
        .map(|(n, _)| n)
        .collect();
        if given.len() != 1 {
            self.problem(
                crate::diag::ModelCode::InvalidRule,
                span,
                format!("a `{head}` rule needs exactly one of `equals`, `contains`, `at_least`, `at_most`"),
            );
            return None;
        }
        let to_json = |v: &toml::Value| serde_json::to_value(v).unwrap_or(Value::Null);
        if let Some(v) = &r.equals {
            return Some(Test::Equals(to_json(v.get_ref())));
        }
        if let Some(v) = &r.contains {
            return Some(Test::Contains(to_json(v.get_ref())));
        }
        let (bound, at_least) = match (&r.at_least, &r.at_most) {
            (Some(v), _) => (v, true),
            (_, Some(v)) => (v, false),
            _ => return None,
        };
        let n = match bound.get_ref() {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            toml::Value::String(s) => super::answers::parse_duration_hours(s).or_else(|| self.choice_position(r, s)),
            _ => None,
        };
        let Some(n) = n else {
            self.problem(
                crate::diag::ModelCode::InvalidRule,
                bound.span(),
                format!(
                    "`{}` needs a number, a duration such as \"2d\", or (for a choice question) one of its choices",
                    given[0]
                ),
            );
            return None;
        };
        Some(if at_least { Test::AtLeast(n) } else { Test::AtMost(n) })
    }

    fn choice_position(&self, r: &RawRule, value: &str) -> Option<f64> {
        let question = r.answer.as_ref()?;
        match self.questions.get(question.get_ref())? {
            QuestionKind::Choice { choices } => choices.iter().position(|c| c.value == value).map(|i| i as f64),
            _ => None,
        }
    }
}

/// The byte offset in `source` of `offset` in a string value whose literal spans `span`:
/// the text is found in the literal where it appears verbatim, else the literal's start.
fn locate(source: &str, span: Range<usize>, text: &str, offset: usize) -> usize {
    let literal = source.get(span.clone()).unwrap_or("");
    let line_start = text[..offset.min(text.len())].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[line_start..].find('\n').map(|i| line_start + i).unwrap_or(text.len());
    let line = &text[line_start..line_end];
    if line.trim().is_empty() {
        return span.start;
    }
    match literal.find(line) {
        Some(i) => span.start + i + (offset - line_start).min(line.len()),
        None => span.start,
    }
}

fn unknown_area(id: &str, areas: &[Area]) -> String {
    let known: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
    format!("unknown area `{id}`; the model's areas are {}", known.join(", "))
}

fn unknown_dora_key(key: &str) -> String {
    let names: Vec<&str> = DoraKey::ALL.iter().map(|k| k.name()).collect();
    format!("unknown DORA key `{key}`; expected one of {}", names.join(", "))
}

fn unknown_band(band: &str) -> String {
    format!("unknown DORA band `{band}`; expected elite, high, medium or low")
}

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(row[j]).min(row[j + 1]) };
            prev = cur;
        }
    }
    row[b.len()]
}
