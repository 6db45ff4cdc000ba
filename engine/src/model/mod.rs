//! Maturity models (`questionnaires/*.toml`): levels, areas, practices with their evidence
//! rules, and interview questions.
//!
//! A model is loaded in two phases like every user file ([`load`]): deserialised with spans,
//! then validated against itself and against the checks and facts the plugins declare
//! ([`Catalogue`]), every problem reported with its line and column. The default model,
//! `questionnaires/devops.toml`, is embedded ([`Model::builtin`]). Interview answers are in
//! [`answers`].

pub mod answers;
pub mod lens;
mod load;
mod markdown;

pub use load::{load, Catalogue};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The default model's source, embedded.
pub const DEFAULT_SOURCE: &str = include_str!("../../../questionnaires/devops.toml");

/// Where the embedded default model says it comes from, in diagnostics.
pub const DEFAULT_PATH: &str = "questionnaires/devops.toml";

/// The models embedded in the binary, by the name `--model` takes: (name, where it comes
/// from in diagnostics, its source). The first is the default.
pub const BUILT_IN: &[(&str, &str, &str)] = &[
    ("devops", DEFAULT_PATH, DEFAULT_SOURCE),
    (
        "dora-capabilities",
        "questionnaires/dora-capabilities.toml",
        include_str!("../../../questionnaires/dora-capabilities.toml"),
    ),
    (
        "aws-devops-guidance",
        "questionnaires/aws-devops-guidance.toml",
        include_str!("../../../questionnaires/aws-devops-guidance.toml"),
    ),
];

/// The source of the model `--model` names: a file, or, when no such file exists and the
/// name is one of [`BUILT_IN`], that embedded model. Returns the path diagnostics name, the
/// source as the result records it (the file's path, or `built-in NAME`) and the text.
pub fn source_of(model: &Path) -> Result<(std::path::PathBuf, String, String), crate::diag::Diagnostics> {
    if !model.exists() {
        if let Some((name, path, text)) = BUILT_IN.iter().find(|(name, ..)| Path::new(name) == model) {
            return Ok((std::path::PathBuf::from(path), format!("built-in {name}"), (*text).to_owned()));
        }
        if model.components().count() == 1 {
            let names: Vec<&str> = BUILT_IN.iter().map(|(name, ..)| *name).collect();
            return Err(crate::diag::Diagnostics(vec![crate::diag::Diagnostic::new(
                crate::diag::ModelCode::Unreadable,
                model,
                format!("no such file, and no built-in model of that name (built-in: {})", names.join(", ")),
            )]));
        }
    }
    let text = crate::diag::read_text(crate::diag::ModelCode::Unreadable, model)?;
    Ok((model.to_path_buf(), model.display().to_string(), text))
}

/// A validated maturity model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Model {
    /// Stable identifier, recorded in results.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The model's own version.
    pub version: String,
    /// What it is for (Markdown).
    pub description: String,
    /// Levels 1 to 5, in order.
    pub levels: Vec<Level>,
    /// Areas, in the order written.
    pub areas: Vec<Area>,
    /// Practices, in the order written.
    pub practices: Vec<Practice>,
    /// Interview questions, in the order written.
    pub questions: Vec<Question>,
    /// The plugin that declares each fact the rules name: a fact nobody reported is unknown
    /// when that plugin judged the target, and out of scope when it did not.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fact_plugins: BTreeMap<String, String>,
}

/// A kind of evidence: what an assessment had for a target, and what can show a practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The repository's files.
    Repository,
    /// Its git history.
    History,
    /// Pipeline runs read from the forge.
    Runs,
    /// A cloud account.
    Cloud,
    /// Interview answers.
    Interview,
}

impl Source {
    /// Every source, in order.
    pub const ALL: [Source; 5] = [Source::Repository, Source::History, Source::Runs, Source::Cloud, Source::Interview];

    /// The name used in results and models.
    pub fn name(self) -> &'static str {
        match self {
            Source::Repository => "repository",
            Source::History => "history",
            Source::Runs => "runs",
            Source::Cloud => "cloud",
            Source::Interview => "interview",
        }
    }

    /// What an assessment needs to have it, for messages ("needs an interview").
    pub fn what(self) -> &'static str {
        match self {
            Source::Repository => "a repository",
            Source::History => "git history",
            Source::Runs => "pipeline runs (a forge token)",
            Source::Cloud => "an AWS account",
            Source::Interview => "an interview",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One maturity level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Level {
    /// 1 to 5.
    pub number: u8,
    /// Its name, e.g. `Managed`.
    pub name: String,
    /// What an area at this level looks like (Markdown).
    pub description: String,
}

/// A group of practices with a level of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Area {
    /// Identifier, e.g. `continuous-integration`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the area covers (Markdown).
    pub description: String,
}

/// Something an organisation does, at one level of one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Practice {
    /// Identifier, unique in the model.
    pub id: String,
    /// The area it belongs to.
    pub area: String,
    /// The level it belongs to (2 to 5).
    pub level: u8,
    /// One line.
    pub title: String,
    /// What to do and why (Markdown).
    pub guidance: String,
    /// How much work it takes.
    pub effort: Effort,
    /// How much it matters, 1 to 3.
    pub impact: u8,
    /// Practices that must come first.
    pub depends_on: Vec<String>,
    /// Suggested tools.
    pub tools: Tools,
    /// Ids in other frameworks, by framework (`dora`, `dsomm`, `samm`, `well_architected`,
    /// `scorecard`).
    pub maps_to: BTreeMap<String, Vec<String>>,
    /// When the practice is in place.
    pub evidence: Rule,
    /// What evidence can show it, from its rule's leaves: a check's or a fact's plugin's
    /// inputs (the repository's files, git history, pipeline runs, a cloud account), DORA
    /// keys (history, runs or an interview), answers (an interview).
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// Effort, in T-shirt sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Effort {
    /// Days.
    S,
    /// Weeks.
    M,
    /// A quarter or more.
    L,
}

impl Effort {
    /// Effort points for ordering and capacity: S 1, M 3, L 8 (roughly team-weeks).
    pub fn points(self) -> u32 {
        match self {
            Effort::S => 1,
            Effort::M => 3,
            Effort::L => 8,
        }
    }
}

/// Suggested tools for a practice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tools {
    /// AWS services.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aws: Vec<String>,
    /// Open-source tools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_source: Vec<String>,
}

/// An evidence rule: a declarative combination of checks, facts, DORA bands and answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A check's status.
    Check {
        /// The plugin's id.
        plugin: String,
        /// The check's id.
        check: String,
        /// Statuses that satisfy it (`pass` unless written).
        statuses: Vec<crate::plugin::Status>,
        /// A minimum score (a pass without a score counts as 1).
        min_score: Option<f64>,
    },
    /// A fact's value.
    Fact {
        /// The fact's dotted name.
        name: String,
        /// The comparison.
        test: Test,
    },
    /// A DORA key's band.
    Dora {
        /// The key.
        key: DoraKey,
        /// The lowest band that satisfies it.
        at_least: Band,
    },
    /// An interview answer.
    Answer {
        /// The question's id.
        question: String,
        /// The comparison.
        test: Test,
    },
    /// Every rule.
    All(Vec<Rule>),
    /// At least one rule.
    Any(Vec<Rule>),
    /// The opposite.
    Not(Box<Rule>),
    /// A rule that can confirm a practice but whose failure does not show it missing
    /// (alerts, runbooks and dashboards often live outside the repository): satisfied when
    /// the rule is, out of scope when it is not satisfied.
    Confirms(Box<Rule>),
    /// A rule that only speaks when a condition holds: not applicable otherwise.
    When {
        /// The condition.
        condition: Box<Rule>,
        /// The rule that decides when it holds.
        then: Box<Rule>,
    },
}

impl Rule {
    /// Every question the rule names.
    pub fn questions(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |r| {
            if let Rule::Answer { question, .. } = r {
                out.push(question.as_str());
            }
        });
        out
    }

    /// Every DORA key the rule names.
    pub fn dora_keys(&self) -> Vec<DoraKey> {
        let mut out = Vec::new();
        self.visit(&mut |r| {
            if let Rule::Dora { key, .. } = r {
                out.push(*key);
            }
        });
        out
    }

    fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Rule)) {
        f(self);
        match self {
            Rule::All(rules) | Rule::Any(rules) => rules.iter().for_each(|r| r.visit(f)),
            Rule::Not(rule) | Rule::Confirms(rule) => rule.visit(f),
            Rule::When { condition, then } => {
                condition.visit(f);
                then.visit(f);
            }
            _ => {}
        }
    }
}

impl fmt::Display for Rule {
    /// The rule as written in a model, for explanations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, word: &str, rules: &[Rule]| {
            write!(f, "{word}(")?;
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{r}")?;
            }
            write!(f, ")")
        };
        match self {
            Rule::Check { plugin, check, statuses, min_score } => {
                write!(f, "check {plugin}/{check}")?;
                if statuses.len() != 1 || statuses[0] != crate::plugin::Status::Pass {
                    let names: Vec<&str> = statuses.iter().map(|s| s.name()).collect();
                    write!(f, " is {}", names.join(" or "))?;
                }
                if let Some(min) = min_score {
                    write!(f, " with score ≥ {min}")?;
                }
                Ok(())
            }
            Rule::Fact { name, test } => write!(f, "fact {name} {test}"),
            Rule::Dora { key, at_least } => write!(f, "DORA {} at least {}", key.name(), at_least.name()),
            Rule::Answer { question, test } => write!(f, "answer to {question} {test}"),
            Rule::All(rules) => join(f, "all", rules),
            Rule::Any(rules) => join(f, "any", rules),
            Rule::Not(rule) => write!(f, "not({rule})"),
            Rule::Confirms(rule) => write!(f, "confirms({rule})"),
            Rule::When { condition, then } => write!(f, "when({condition}) then({then})"),
        }
    }
}

/// A comparison of a fact or an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// Equal to the value.
    Equals(Value),
    /// A list or string containing the value.
    Contains(Value),
    /// A number (a list: its length) at least this.
    AtLeast(f64),
    /// A number (a list: its length) at most this.
    AtMost(f64),
}

impl fmt::Display for Test {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Test::Equals(v) => write!(f, "= {v}"),
            Test::Contains(v) => write!(f, "contains {v}"),
            Test::AtLeast(n) => write!(f, "≥ {n}"),
            Test::AtMost(n) => write!(f, "≤ {n}"),
        }
    }
}

/// One of the four DORA keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DoraKey {
    /// How often changes reach production.
    DeploymentFrequency,
    /// From commit to production.
    LeadTime,
    /// Share of deployments that fail.
    ChangeFailureRate,
    /// From failure to recovery.
    RecoveryTime,
}

impl DoraKey {
    /// All four, in DORA's order.
    pub const ALL: [DoraKey; 4] =
        [DoraKey::DeploymentFrequency, DoraKey::LeadTime, DoraKey::ChangeFailureRate, DoraKey::RecoveryTime];

    /// The name written in models.
    pub fn name(self) -> &'static str {
        match self {
            DoraKey::DeploymentFrequency => "deployment_frequency",
            DoraKey::LeadTime => "lead_time",
            DoraKey::ChangeFailureRate => "change_failure_rate",
            DoraKey::RecoveryTime => "recovery_time",
        }
    }

    /// A readable title.
    pub fn title(self) -> &'static str {
        match self {
            DoraKey::DeploymentFrequency => "Deployment frequency",
            DoraKey::LeadTime => "Lead time for changes",
            DoraKey::ChangeFailureRate => "Change failure rate",
            DoraKey::RecoveryTime => "Time to restore service",
        }
    }

    /// The fact the `delivery` plugin reports it as.
    pub fn fact(self) -> &'static str {
        match self {
            DoraKey::DeploymentFrequency => "dora.deployment_frequency",
            DoraKey::LeadTime => "dora.lead_time_hours",
            DoraKey::ChangeFailureRate => "dora.change_failure_rate",
            DoraKey::RecoveryTime => "dora.recovery_time_hours",
        }
    }

    /// Parses a name written in a model.
    pub fn parse(name: &str) -> Option<DoraKey> {
        DoraKey::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A DORA performance band, ordered from low to elite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Low performers.
    Low,
    /// Medium performers.
    Medium,
    /// High performers.
    High,
    /// Elite performers.
    Elite,
}

impl Band {
    /// All four, low to elite.
    pub const ALL: [Band; 4] = [Band::Low, Band::Medium, Band::High, Band::Elite];

    /// The name written in models and facts.
    pub fn name(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Elite => "elite",
        }
    }

    /// Parses a name.
    pub fn parse(name: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// An interview question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Question {
    /// Identifier, unique in the model.
    pub id: String,
    /// The practice it informs, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<String>,
    /// The area it informs (the practice's area when it names a practice).
    pub area: String,
    /// The question as asked.
    pub text: String,
    /// What a good answer looks like (Markdown).
    pub help: String,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
    /// The DORA key it self-reports, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dora: Option<DoraKey>,
    /// Evidence that suggests an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggest: Option<Rule>,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum QuestionKind {
    /// Yes or no.
    YesNo,
    /// One of a list.
    Choice {
        /// The choices, in order.
        choices: Vec<Choice>,
    },
    /// An integer in a range.
    Scale {
        /// Lowest value.
        min: i64,
        /// Highest value.
        max: i64,
        /// What the lowest value means.
        low: String,
        /// What the highest value means.
        high: String,
    },
    /// A number.
    Number {
        /// What is counted.
        unit: String,
    },
    /// A duration (answers in hours).
    Duration,
}

impl QuestionKind {
    /// The name written in models.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Duration => "duration",
        }
    }
}

/// One choice of a `choice` question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Choice {
    /// What the answers file holds.
    pub value: String,
    /// What is shown.
    pub label: String,
    /// The DORA band it stands for, for self-reported DORA keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
}

impl Model {
    /// The embedded default model, validated against the built-in plugins.
    pub fn builtin() -> Result<Model, crate::diag::Diagnostics> {
        let catalogue = Catalogue::builtin().map_err(|e| {
            crate::diag::Diagnostics(vec![crate::diag::Diagnostic::new(
                crate::diag::ModelCode::Catalogue,
                Path::new(DEFAULT_PATH),
                e,
            )])
        })?;
        load(Path::new(DEFAULT_PATH), DEFAULT_SOURCE, &catalogue)
    }

    /// A practice by id.
    pub fn practice(&self, id: &str) -> Option<&Practice> {
        self.practices.iter().find(|p| p.id == id)
    }

    /// A question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// An area by id.
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// A level's name.
    pub fn level_name(&self, number: u8) -> &str {
        self.levels.iter().find(|l| l.number == number).map(|l| l.name.as_str()).unwrap_or("")
    }
}
