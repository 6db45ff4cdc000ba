//! An organisation's repositories, listed through its forge's API and filtered: a GitHub
//! organisation (or user), a GitLab group with its subgroups.
//!
//! - GitHub: `GET {api}/orgs/{org}/repos?per_page=100&type=all`, and
//!   `GET {api}/users/{name}/repos?per_page=100&type=owner` when no organisation has that
//!   name.
//! - GitLab: `GET {api}/groups/{group}/projects?include_subgroups=true&with_shared=false&per_page=100`
//!   (projects shared into the group from elsewhere are not the group's own).
//!
//! Archived repositories and forks are left out unless asked for; name globs (matched
//! against the path below the organisation, `api` or `platform/api`) include and exclude;
//! `max_repos` keeps the most recently pushed. Every repository left out is recorded with
//! its reason, so the scope of a report can be defended.

use super::{Client, Forge, ForgeError, Token};
use jiff::Timestamp;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// GitHub's public API.
pub const GITHUB_API: &str = "https://api.github.com";
/// GitLab.com's API.
pub const GITLAB_API: &str = "https://gitlab.com/api/v4";

/// Where repositories are listed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The forge.
    pub forge: Forge,
    /// The organisation (GitHub) or the group's full path (GitLab, `acme/platform`).
    pub owner: String,
    /// What is kept.
    pub filter: Filter,
    /// Labels given to every repository found.
    pub labels: BTreeMap<String, String>,
    /// Whether topics become labels.
    pub topics: bool,
    /// Topic prefixes read as `KEY-VALUE` labels (`team` makes topic `team-payments` the
    /// label `team = "payments"`).
    pub topic_labels: Vec<String>,
    /// Whether each repository's pipeline runs are fetched from the forge (GitHub only).
    pub pipelines: bool,
}

/// What of an organisation is assessed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Globs over the path below the organisation; empty: every repository.
    pub include: Vec<String>,
    /// Globs over the same path, left out.
    pub exclude: Vec<String>,
    /// Archived repositories too.
    pub archived: bool,
    /// Forks too.
    pub forks: bool,
    /// At most this many, the most recently pushed.
    pub max_repos: Option<usize>,
}

impl Source {
    /// How the source reads in messages: `GitHub organisation acme`.
    pub fn describe(&self) -> String {
        match self.forge {
            Forge::Github => format!("GitHub organisation {}", self.owner),
            Forge::Gitlab => format!("GitLab group {}", self.owner),
        }
    }
}

/// A repository found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// The full path on the forge: `acme/api`, `acme/platform/api`.
    pub full_path: String,
    /// The path below the organisation: `api`, `platform/api`.
    pub path: String,
    /// The URL git clones.
    pub clone_url: String,
    /// Its labels: the source's, then its topics'.
    pub labels: BTreeMap<String, String>,
    /// When it was last pushed to.
    pub pushed_at: Option<Timestamp>,
}

impl Repository {
    /// Its name: the last segment of its path.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A repository not assessed by choice, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// Its full path.
    pub repository: String,
    /// Why.
    pub why: Why,
}

/// Which filter left a repository out, in the order the filters apply.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// Archived (or disabled), and archived repositories were not asked for.
    Archived,
    /// A fork, and forks were not asked for.
    Fork,
    /// Matched by none of the include globs (given, comma-separated).
    NotIncluded(String),
    /// Matched by this exclude glob.
    Excluded(String),
    /// Beyond this many most recently pushed (`max_repos`).
    BeyondMax(usize),
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Archived => f.write_str("archived"),
            Why::Fork => f.write_str("a fork"),
            Why::NotIncluded(globs) => write!(f, "not matched by {globs}"),
            Why::Excluded(glob) => write!(f, "excluded by {glob}"),
            Why::BeyondMax(max) => write!(f, "beyond the {max} most recently pushed (max_repos)"),
        }
    }
}

/// What listing a source came to.
#[derive(Debug)]
pub struct Listing {
    /// The repositories to assess, by path.
    pub kept: Vec<Repository>,
    /// Those left out by the filters, by path.
    pub left_out: Vec<LeftOut>,
    /// Why the listing stopped before the last page, if it did: the repositories of the
    /// pages read are kept.
    pub incomplete: Option<ForgeError>,
}

/// Why a source cannot be listed at all.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The organisation's name is not one.
    #[error("`{0}` is not an organisation or group name")]
    Owner(String),
    /// The API could not be asked, or refused.
    #[error(transparent)]
    Forge(#[from] ForgeError),
    /// A page that is not a list of repositories.
    #[error("{url}: unexpected response: {message}")]
    Body {
        /// The page.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// A glob that does not compile.
    #[error("invalid glob `{glob}`: {message}")]
    Glob {
        /// The glob.
        glob: String,
        /// Why.
        message: String,
    },
}

/// Lists and filters the repositories of `source` through the API at `api`, sending `token`
/// when given and waiting at most `max_wait` for a rate limit; `waiting` hears of every
/// pause. A failure on the first page is an error; a failure later keeps what was listed
/// and says why it stopped.
pub fn list(
    source: &Source,
    api: &str,
    token: Option<Token>,
    max_wait: Duration,
    waiting: &dyn Fn(&str),
) -> Result<Listing, ListError> {
    let include = globs(&source.filter.include)?;
    let exclude = globs(&source.filter.exclude)?;
    let api = api.trim_end_matches('/');
    let client = Client::new(source.forge, api, token, max_wait)?;
    let (found, incomplete) = match source.forge {
        Forge::Github => github(&client, api, source, waiting)?,
        Forge::Gitlab => gitlab(&client, api, source, waiting)?,
    };
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for repo in found {
        let why = if repo.archived && !source.filter.archived {
            Some(Why::Archived)
        } else if repo.fork && !source.filter.forks {
            Some(Why::Fork)
        } else if !include.is_empty() && !include.iter().any(|(_, g)| g.is_match(&repo.path)) {
            Some(Why::NotIncluded(source.filter.include.join(", ")))
        } else {
            exclude.iter().find(|(_, g)| g.is_match(&repo.path)).map(|(text, _)| Why::Excluded(text.clone()))
        };
        match why {
            Some(why) => left_out.push(LeftOut { repository: repo.full_path, why }),
            None => kept.push(repo),
        }
    }
    if let Some(max) = source.filter.max_repos.filter(|max| kept.len() > *max) {
        // The most recently pushed are kept; ties by path, so every run keeps the same.
        kept.sort_by(|a, b| b.pushed_at.cmp(&a.pushed_at).then_with(|| a.path.cmp(&b.path)));
        for repo in kept.drain(max..) {
            left_out.push(LeftOut { repository: repo.full_path, why: Why::BeyondMax(max) });
        }
    }
    let mut kept: Vec<Repository> = kept.into_iter().map(|r| repository(r, source)).collect();
    kept.sort_by(|a, b| a.path.cmp(&b.path));
    left_out.sort_by(|a, b| a.repository.cmp(&b.repository));
    Ok(Listing { kept, left_out, incomplete })
}

/// A repository as the forge describes it, before filtering.
#[derive(Debug)]
struct Found {
    full_path: String,
    path: String,
    clone_url: String,
    archived: bool,
    fork: bool,
    topics: Vec<String>,
    pushed_at: Option<Timestamp>,
}

fn repository(found: Found, source: &Source) -> Repository {
    let mut labels = source.labels.clone();
    if source.topics {
        for topic in &found.topics {
            let keyed = source.topic_labels.iter().find_map(|key| {
                topic.strip_prefix(key.as_str()).and_then(|rest| rest.strip_prefix('-')).map(|value| (key, value))
            });
            match keyed {
                Some((key, value)) if !value.is_empty() => {
                    labels.entry(key.clone()).or_insert_with(|| value.to_owned())
                }
                _ => labels.entry(format!("topic.{topic}")).or_insert_with(|| "yes".to_owned()),
            };
        }
    }
    Repository {
        full_path: found.full_path,
        path: found.path,
        clone_url: found.clone_url,
        labels,
        pushed_at: found.pushed_at,
    }
}

fn globs(patterns: &[String]) -> Result<Vec<(String, globset::GlobMatcher)>, ListError> {
    patterns
        .iter()
        .map(|p| {
            globset::GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .map(|g| (p.clone(), g.compile_matcher()))
                .map_err(|e| ListError::Glob { glob: p.clone(), message: e.kind().to_string() })
        })
        .collect()
}

/// Whether `path` is a GitLab project's path: a group path and the project, `group/project`.
pub fn valid_project(path: &str) -> bool {
    path.contains('/') && valid_owner(path, true)
}

/// Whether `owner` is an organisation name, or a group path when `nested`.
pub fn valid_owner(owner: &str, nested: bool) -> bool {
    !owner.is_empty()
        && owner.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        && (nested || !owner.contains('/'))
}

/// Every page from `first`, parsed as a list of `T`; a failure after the first page stops
/// the listing with what was read.
fn pages<T: serde::de::DeserializeOwned>(
    client: &Client,
    first: String,
    waiting: &dyn Fn(&str),
) -> Result<(Vec<T>, Option<ForgeError>), ListError> {
    let mut items = Vec::new();
    let mut url = first;
    loop {
        let page = match client.get(&url, waiting) {
            Ok(page) => page,
            Err(e) if !items.is_empty() => return Ok((items, Some(e))),
            Err(e) => return Err(e.into()),
        };
        let parsed: Vec<T> = serde_json::from_str(&page.body)
            .map_err(|e| ListError::Body { url: url.clone(), message: e.to_string() })?;
        items.extend(parsed);
        let Some(next) = page.next else { return Ok((items, None)) };
        let next = match client.follow(next) {
            Ok(next) => next,
            Err(e) => return Ok((items, Some(e))),
        };
        if page.remaining == Some(0) {
            if let Err(e) = client.wait_for_reset(page.reset, None, waiting) {
                return Ok((items, Some(e)));
            }
        }
        url = next;
    }
}

#[derive(Deserialize)]
struct GithubRepo {
    name: String,
    full_name: String,
    clone_url: String,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    fork: bool,
    #[serde(default)]
    topics: Vec<String>,
    pushed_at: Option<String>,
}

fn github(
    client: &Client,
    base: &str,
    source: &Source,
    waiting: &dyn Fn(&str),
) -> Result<(Vec<Found>, Option<ForgeError>), ListError> {
    if !valid_owner(&source.owner, false) {
        return Err(ListError::Owner(source.owner.clone()));
    }
    let org = format!("{base}/orgs/{}/repos?per_page=100&type=all", source.owner);
    let (repos, incomplete) = match pages::<GithubRepo>(client, org, waiting) {
        // No organisation of that name: a user's own repositories.
        Err(ListError::Forge(ForgeError::Status { status: 404, .. })) => {
            let user = format!("{base}/users/{}/repos?per_page=100&type=owner", source.owner);
            pages::<GithubRepo>(client, user, waiting)?
        }
        other => other?,
    };
    let found = repos
        .into_iter()
        .map(|r| Found {
            path: r.name,
            full_path: r.full_name,
            clone_url: r.clone_url,
            // A disabled repository cannot be read: as good as archived.
            archived: r.archived || r.disabled,
            fork: r.fork,
            topics: r.topics,
            pushed_at: r.pushed_at.and_then(|t| t.parse().ok()),
        })
        .collect();
    Ok((found, incomplete))
}

#[derive(Deserialize)]
struct GitlabProject {
    path_with_namespace: String,
    http_url_to_repo: String,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    forked_from_project: Option<serde_json::Value>,
    #[serde(default)]
    topics: Option<Vec<String>>,
    #[serde(default)]
    tag_list: Option<Vec<String>>,
    last_activity_at: Option<String>,
}

fn gitlab(
    client: &Client,
    base: &str,
    source: &Source,
    waiting: &dyn Fn(&str),
) -> Result<(Vec<Found>, Option<ForgeError>), ListError> {
    let group = source.owner.trim_matches('/');
    if !valid_owner(group, true) {
        return Err(ListError::Owner(source.owner.clone()));
    }
    let id = group.replace('/', "%2F");
    let first = format!("{base}/groups/{id}/projects?include_subgroups=true&with_shared=false&per_page=100");
    let (projects, incomplete) = pages::<GitlabProject>(client, first, waiting)?;
    let prefix = format!("{}/", group.to_lowercase());
    let found = projects
        .into_iter()
        .map(|p| {
            let path = match p.path_with_namespace.to_lowercase().starts_with(&prefix) {
                true => p.path_with_namespace[prefix.len()..].to_owned(),
                false => p.path_with_namespace.clone(),
            };
            Found {
                full_path: p.path_with_namespace,
                path,
                clone_url: p.http_url_to_repo,
                archived: p.archived,
                fork: p.forked_from_project.is_some_and(|f| !f.is_null()),
                topics: p.topics.or(p.tag_list).unwrap_or_default(),
                pushed_at: p.last_activity_at.and_then(|t| t.parse().ok()),
            }
        })
        .collect();
    Ok((found, incomplete))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(topic_labels: &[&str]) -> Source {
        Source {
            forge: Forge::Github,
            owner: "acme".into(),
            filter: Filter::default(),
            labels: BTreeMap::from([("client".into(), "acme".into())]),
            topics: true,
            topic_labels: topic_labels.iter().map(|s| s.to_string()).collect(),
            pipelines: false,
        }
    }

    fn found(topics: &[&str]) -> Found {
        Found {
            full_path: "acme/api".into(),
            path: "api".into(),
            clone_url: "https://github.com/acme/api.git".into(),
            archived: false,
            fork: false,
            topics: topics.iter().map(|s| s.to_string()).collect(),
            pushed_at: None,
        }
    }

    #[test]
    fn topics_become_labels_keyed_by_their_prefix_or_named_after_themselves() {
        let repo = repository(found(&["team-payments", "backend", "team-"]), &source(&["team"]));
        let labels: Vec<(&str, &str)> = repo.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            labels,
            [("client", "acme"), ("team", "payments"), ("topic.backend", "yes"), ("topic.team-", "yes")]
        );
        let off = repository(found(&["backend"]), &Source { topics: false, ..source(&[]) });
        assert_eq!(off.labels.len(), 1, "only the source's labels");
    }

    #[test]
    fn owners_are_names_and_only_groups_nest() {
        assert!(valid_owner("acme-corp", false));
        assert!(!valid_owner("acme/platform", false));
        assert!(valid_owner("acme/platform", true));
        for bad in ["", "acme/", "../x", "a b", "acme/../x"] {
            assert!(!valid_owner(bad, true), "{bad}");
        }
    }
}
