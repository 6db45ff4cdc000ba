//! The assessment file as written: the first phase of loading, deserialised with spans,
//! unknown keys refused. Each section is validated by its own module.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    #[serde(default)]
    pub(super) organisation: RawOrganisation,
    #[serde(default)]
    pub(super) targets: Vec<Spanned<RawTarget>>,
    #[serde(default)]
    pub(super) pipelines: Vec<Spanned<RawPipelines>>,
    #[serde(default)]
    pub(super) deployments: RawDeployments,
    #[serde(default)]
    pub(super) github: RawGithub,
    #[serde(default)]
    pub(super) gitlab: RawGithub,
    #[serde(default)]
    pub(super) sources: Vec<Spanned<RawSource>>,
    #[serde(default)]
    pub(super) cloud: Vec<RawCloud>,
    #[serde(default)]
    pub(super) assess: RawAssess,
    #[serde(default)]
    pub(super) plugins: RawPlugins,
    #[serde(default)]
    pub(super) exemptions: Vec<RawExemption>,
    #[serde(default)]
    pub(super) roles: Vec<RawRole>,
    #[serde(default)]
    pub(super) scoring: RawScoring,
    #[serde(default)]
    pub(super) roadmap: RawRoadmap,
    #[serde(default)]
    pub(super) systems: Vec<Spanned<RawSystem>>,
    #[serde(default)]
    pub(super) report: RawReport,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReport {
    pub(super) logo: Option<Spanned<String>>,
    pub(super) accent: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSystem {
    pub(super) name: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) targets: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScoring {
    pub(super) organisation_share: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) weights: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    pub(super) disabled: Vec<Spanned<String>>,
    pub(super) organisation_over: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRoadmap {
    pub(super) capacity: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrganisation {
    pub(super) name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    pub(super) path: Option<Spanned<String>>,
    pub(super) url: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPipelines {
    pub(super) target: Spanned<String>,
    pub(super) file: Option<Spanned<String>>,
    pub(super) github: Option<Spanned<String>>,
    pub(super) gitlab: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDeployments {
    pub(super) workflows: Option<Vec<Spanned<String>>>,
    pub(super) environments: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGithub {
    pub(super) api: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) github_org: Option<Spanned<String>>,
    pub(super) gitlab_group: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) include: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) archived: bool,
    #[serde(default)]
    pub(super) forks: bool,
    pub(super) max_repos: Option<Spanned<usize>>,
    pub(super) topics: Option<bool>,
    #[serde(default)]
    pub(super) topic_labels: Vec<String>,
    #[serde(default)]
    pub(super) runs: bool,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCloud {
    pub(super) file: Spanned<String>,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAssess {
    pub(super) out: Option<String>,
    pub(super) since_days: Option<Spanned<u32>>,
    pub(super) max_commits: Option<Spanned<usize>>,
    pub(super) respect_gitignore: Option<bool>,
    pub(super) max_file_mb: Option<Spanned<u64>>,
    pub(super) model: Option<String>,
    pub(super) answers: Option<String>,
    pub(super) history: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlugins {
    #[serde(default)]
    pub(super) dirs: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) pins: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub(super) config: BTreeMap<Spanned<String>, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRole {
    pub(super) paths: Vec<Spanned<String>>,
    pub(super) role: Spanned<String>,
    pub(super) target: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExemption {
    pub(super) target: Spanned<String>,
    pub(super) check: Option<Spanned<String>>,
    pub(super) practice: Option<Spanned<String>>,
    pub(super) reason: Spanned<String>,
    #[serde(default)]
    pub(super) owner: Option<Spanned<String>>,
    /// A TOML date (`2027-03-31`) or the same as a string.
    #[serde(default)]
    pub(super) expires: Option<Spanned<toml::Value>>,
}
