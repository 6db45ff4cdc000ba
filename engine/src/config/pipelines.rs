//! `[[pipelines]]`, `[deployments]`, `[github]` and `[[cloud]]`: where pipeline runs and
//! cloud inventories come from.

use super::raw::{RawCloud, RawDeployments, RawGithub, RawPipelines};
use super::Context;
use crate::collect::pipelines::{DeployPatterns, PipelineInput};
use crate::diag::ConfigCode;
use std::collections::BTreeMap;
use std::path::PathBuf;
use toml::Spanned;

/// Where a target's pipeline runs come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineSource {
    /// The name of the target the runs belong to.
    pub target: String,
    /// The export file or the repository to fetch.
    pub input: PipelineInput,
}

/// A cloud inventory file, assessed as a target of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudSource {
    /// The inventory (from `kaizen collect aws`).
    pub path: PathBuf,
    /// Labels such as team or environment.
    pub labels: BTreeMap<String, String>,
}

/// Validates the pipeline sources against the targets' names, when they are known.
pub(super) fn pipelines(
    raw: &[Spanned<RawPipelines>],
    names: Option<&[String]>,
    cx: &mut Context,
) -> Vec<PipelineSource> {
    let mut pipelines = Vec::new();
    for spanned in raw {
        let source = spanned.get_ref();
        if let Some(names) = names.filter(|names| !names.contains(source.target.get_ref())) {
            cx.problem(
                ConfigCode::UnknownTarget,
                source.target.span(),
                format!(
                    "no target is named `{}`; the targets are: {}",
                    source.target.get_ref(),
                    if names.is_empty() { "(none)".to_owned() } else { names.join(", ") }
                ),
            );
        }
        let given = [&source.file, &source.github, &source.gitlab].iter().filter(|s| s.is_some()).count();
        if given > 1 {
            let last = source.gitlab.as_ref().or(source.github.as_ref()).expect("two are given");
            cx.problem(
                ConfigCode::PipelinesBoth,
                last.span(),
                "a pipeline source has one of `file`, `github` or `gitlab`, not several",
            );
            continue;
        }
        let input = if let Some(file) = &source.file {
            let full = PathBuf::from(cx.resolve(file.get_ref()));
            if !full.is_file() {
                cx.problem(
                    ConfigCode::FileMissing,
                    file.span(),
                    format!("pipeline export `{}` does not exist", file.get_ref()),
                );
            }
            PipelineInput::File(full)
        } else if let Some(repo) = &source.github {
            let valid = repo
                .get_ref()
                .split_once('/')
                .is_some_and(|(owner, name)| !owner.is_empty() && !name.is_empty() && !name.contains('/'));
            if !valid {
                cx.problem(
                    ConfigCode::InvalidRepository,
                    repo.span(),
                    format!("`{}` is not a GitHub repository; write it `owner/name`", repo.get_ref()),
                );
            }
            PipelineInput::Github(repo.get_ref().clone())
        } else if let Some(project) = &source.gitlab {
            let path = project.get_ref().trim_matches('/');
            if !crate::collect::forge::listing::valid_project(path) {
                cx.problem(
                    ConfigCode::InvalidRepository,
                    project.span(),
                    format!("`{}` is not a GitLab project; write it `group/project`", project.get_ref()),
                );
            }
            PipelineInput::Gitlab(path.to_owned())
        } else {
            cx.problem(
                ConfigCode::PipelinesEmpty,
                spanned.span(),
                "a pipeline source needs `file` (an export), `github` (`owner/name`) or `gitlab` (`group/project`)",
            );
            continue;
        };
        pipelines.push(PipelineSource { target: source.target.get_ref().clone(), input });
    }
    pipelines
}

/// The deployment patterns over workflow and environment names (`None`: the defaults),
/// each checked to compile.
pub(super) fn deployments(raw: &RawDeployments, cx: &mut Context) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let mut patterns = |list: &Option<Vec<Spanned<String>>>| -> Option<Vec<String>> {
        let list = list.as_ref()?;
        for pattern in list {
            let alone = DeployPatterns {
                workflow: vec![pattern.get_ref().clone()],
                environment: Vec::new(),
                events: Vec::new(),
                exclude_events: Vec::new(),
                sources: Vec::new(),
            };
            if let Err(e) = alone.compile() {
                cx.problem(ConfigCode::InvalidPattern, pattern.span(), e.to_string());
            }
        }
        Some(list.iter().map(|p| p.get_ref().clone()).collect())
    };
    (patterns(&raw.workflows), patterns(&raw.environments))
}

/// The GitHub API address, for GitHub Enterprise.
pub(super) fn github(raw: &RawGithub, cx: &mut Context) -> Option<String> {
    api(raw, "https://github.example.com/api/v3", cx)
}

/// A forge's API address (`[github]`, `[gitlab]`), checked to be http(s), without its
/// trailing slash.
pub(super) fn api(raw: &RawGithub, example: &str, cx: &mut Context) -> Option<String> {
    raw.api.as_ref().map(|api| {
        if !(api.get_ref().starts_with("https://") || api.get_ref().starts_with("http://")) {
            cx.problem(
                ConfigCode::InvalidUrl,
                api.span(),
                format!("`{}` is not an http(s) URL, e.g. {example}", api.get_ref()),
            );
        }
        api.get_ref().trim_end_matches('/').to_owned()
    })
}

/// The cloud inventories, each checked to exist.
pub(super) fn cloud(raw: &[RawCloud], cx: &mut Context) -> Vec<CloudSource> {
    let mut cloud = Vec::new();
    for source in raw {
        let full = PathBuf::from(cx.resolve(source.file.get_ref()));
        if !full.is_file() {
            cx.problem(
                ConfigCode::FileMissing,
                source.file.span(),
                format!(
                    "cloud inventory `{}` does not exist (write one with `kaizen collect aws`)",
                    source.file.get_ref()
                ),
            );
        }
        cloud.push(CloudSource { path: full, labels: source.labels.clone() });
    }
    cloud
}
