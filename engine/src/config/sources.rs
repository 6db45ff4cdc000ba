//! `[[sources]]` and `[gitlab]`: organisations and groups whose repositories are listed
//! through their forge's API and assessed.

use super::raw::{RawGithub, RawSource};
use super::Context;
use crate::collect::forge::listing::{valid_owner, Filter, Source};
use crate::collect::forge::Forge;
use crate::diag::ConfigCode;
use toml::Spanned;

/// Validates the sources: one forge each, names that are names, globs that compile.
pub(super) fn sources(raw: &[Spanned<RawSource>], cx: &mut Context) -> Vec<Source> {
    let mut sources = Vec::new();
    for spanned in raw {
        let source = spanned.get_ref();
        let (forge, owner) = match (&source.github_org, &source.gitlab_group) {
            (Some(org), None) => (Forge::Github, org),
            (None, Some(group)) => (Forge::Gitlab, group),
            (Some(_), Some(group)) => {
                cx.problem(
                    ConfigCode::SourceBoth,
                    group.span(),
                    "a source has either `github_org` or `gitlab_group`, not both",
                );
                continue;
            }
            (None, None) => {
                cx.problem(
                    ConfigCode::SourceEmpty,
                    spanned.span(),
                    "a source needs `github_org` (an organisation or user) or `gitlab_group` (a group's path)",
                );
                continue;
            }
        };
        let nested = forge == Forge::Gitlab;
        if !valid_owner(owner.get_ref().trim_matches('/'), nested) {
            let what =
                if nested { "a GitLab group path like `acme/platform`" } else { "a GitHub organisation or user" };
            cx.problem(ConfigCode::InvalidOwner, owner.span(), format!("`{}` is not {what}", owner.get_ref()));
        }
        for glob in source.include.iter().chain(&source.exclude) {
            if let Err(e) = globset::GlobBuilder::new(glob.get_ref()).literal_separator(true).build() {
                cx.problem(ConfigCode::InvalidGlob, glob.span(), format!("invalid glob: {}", e.kind()));
            }
        }
        if let Some(max) = source.max_repos.as_ref().filter(|m| *m.get_ref() == 0) {
            cx.problem(ConfigCode::InvalidValue, max.span(), "`max_repos` must be at least 1");
        }
        sources.push(Source {
            forge,
            owner: owner.get_ref().trim_matches('/').to_owned(),
            filter: Filter {
                include: source.include.iter().map(|g| g.get_ref().clone()).collect(),
                exclude: source.exclude.iter().map(|g| g.get_ref().clone()).collect(),
                archived: source.archived,
                forks: source.forks,
                max_repos: source.max_repos.as_ref().map(|m| *m.get_ref()),
            },
            labels: source.labels.clone(),
            topics: source.topics.unwrap_or(true),
            topic_labels: source.topic_labels.clone(),
            pipelines: source.runs,
        });
    }
    sources
}

/// The GitLab API address, for self-managed GitLab.
pub(super) fn gitlab(raw: &RawGithub, cx: &mut Context) -> Option<String> {
    super::pipelines::api(raw, "https://gitlab.example.com/api/v4", cx)
}
