//! The live GitHub client: workflow runs from the REST API, page by page.
//!
//! `GET {api}/repos/{owner}/{repo}/actions/runs?per_page=100&created=>=DATE&page=N`,
//! following `Link: rel="next"`, with the token as a bearer token, through the forges' one
//! HTTP client ([`crate::collect::forge::Client`]), which honours rate limits (waiting at
//! most [`GithubFetch::max_wait`]) and never shows the token.

use super::github::{rest_run, RestPage};
use super::{finish, DeployPatterns, Format, Imported, PatternError, SourceInfo};
use crate::collect::forge::{Client, Forge, ForgeError};
use jiff::Timestamp;
use std::collections::HashSet;
use std::time::Duration;

pub use crate::collect::forge::Token;

/// GitHub's public API.
pub const DEFAULT_API: &str = "https://api.github.com";
/// GitHub serves at most this many runs for a query filtered by `created`.
pub const QUERY_CAP: usize = 1000;
/// One fetch of a repository's workflow runs.
#[derive(Debug, Clone)]
pub struct GithubFetch {
    /// The API base: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise.
    pub api_base: String,
    /// `owner/name`.
    pub repo: String,
    /// A token (`actions:read` for fine-grained tokens, `repo` for classic tokens on private
    /// repositories); without one GitHub allows 60 requests an hour.
    pub token: Option<Token>,
    /// Only runs created at or after this time.
    pub since: Timestamp,
    /// At most this many runs, newest first.
    pub max_runs: usize,
    /// The longest wait for a rate limit to reset; a longer one is an error.
    pub max_wait: Duration,
    /// Runs GitHub serves per filtered query ([`QUERY_CAP`]); past it the query is narrowed
    /// to end at the oldest run seen and asked again.
    pub query_cap: usize,
}

impl GithubFetch {
    /// A fetch from the public API, without a token, of at most 10,000 runs, waiting at
    /// most 60 s for a rate limit.
    pub fn new(repo: &str, since: Timestamp) -> GithubFetch {
        GithubFetch {
            api_base: DEFAULT_API.to_owned(),
            repo: repo.to_owned(),
            token: None,
            since,
            max_runs: 10_000,
            max_wait: Duration::from_secs(60),
            query_cap: QUERY_CAP,
        }
    }
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The repository is not `owner/name`.
    #[error("`{0}` is not a GitHub repository of the form OWNER/NAME")]
    Repo(String),
    /// The API could not be asked, or refused.
    #[error(transparent)]
    Forge(#[from] ForgeError),
    /// A page that is not a workflow-runs response.
    #[error("{url}: unexpected response: {message}")]
    Body {
        /// The page.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// A deployment pattern does not compile.
    #[error(transparent)]
    Pattern(#[from] PatternError),
}

/// Fetches the workflow runs of `repo` (`owner/name`) created since `since`, at most
/// `max_runs` of them, waiting at most 60 s for a rate limit; see [`GithubFetch`] for
/// every setting.
pub fn fetch_github(
    api_base: &str,
    repo: &str,
    token: Option<&str>,
    since: Timestamp,
    max_runs: usize,
    patterns: &DeployPatterns,
) -> Result<Imported, FetchError> {
    let fetch = GithubFetch {
        api_base: api_base.to_owned(),
        token: token.map(Token::new),
        max_runs,
        ..GithubFetch::new(repo, since)
    };
    fetch.run(patterns)
}

impl GithubFetch {
    /// Runs the fetch.
    pub fn run(&self, patterns: &DeployPatterns) -> Result<Imported, FetchError> {
        let matcher = patterns.compile()?;
        let (owner, name) = match self.repo.split_once('/') {
            Some((o, n)) if valid_name(o) && valid_name(n) => (o, n),
            _ => return Err(FetchError::Repo(self.repo.clone())),
        };
        let base = self.api_base.trim_end_matches('/');
        let client = Client::new(Forge::Github, base, self.token.clone(), self.max_wait)?;
        let waiting = |said: &str| tracing::info!("{said}");
        let endpoint = format!("{base}/repos/{owner}/{name}/actions/runs");
        let since_date = self.since.to_zoned(jiff::tz::TimeZone::UTC).date();

        let mut raw = Vec::new();
        let mut seen = HashSet::new();
        let mut warnings = Vec::new();
        let mut until: Option<jiff::civil::Date> = None;
        'queries: loop {
            let created = match until {
                None => format!("%3E%3D{since_date}"),
                Some(until) => format!("{since_date}..{until}"),
            };
            let mut url = format!("{endpoint}?per_page=100&created={created}&page=1");
            let (mut in_query, mut total, mut oldest) = (0, 0, None);
            loop {
                let page = client.get(&url, &waiting)?;
                let parsed: RestPage = serde_json::from_str(&page.body)
                    .map_err(|e| FetchError::Body { url: url.clone(), message: e.to_string() })?;
                total = parsed.total_count.unwrap_or(0).max(total);
                for run in parsed.workflow_runs {
                    in_query += 1;
                    let run = rest_run(run)
                        .into_raw_at(&url, &mut warnings)
                        .map_err(|message| FetchError::Body { url: url.clone(), message })?;
                    oldest = Some(oldest.map_or(run.created_at, |t: Timestamp| t.min(run.created_at)));
                    if run.created_at >= self.since && seen.insert(run.id.clone()) {
                        raw.push(run);
                    }
                    if raw.len() >= self.max_runs {
                        warnings.push(format!(
                            "{endpoint}: stopped at {} runs (the limit); older runs were not fetched",
                            self.max_runs
                        ));
                        break 'queries;
                    }
                }
                let Some(next) = page.next else { break };
                let next = client.follow(next)?;
                if page.remaining == Some(0) {
                    client.wait_for_reset(page.reset, None, &waiting)?;
                }
                url = next;
            }
            // A filtered query serves at most `query_cap` runs: ask again for the older ones.
            if (total as usize) > in_query && in_query >= self.query_cap {
                let Some(oldest) = oldest else { break };
                let day = oldest.to_zoned(jiff::tz::TimeZone::UTC).date();
                if until == Some(day) {
                    warnings.push(format!(
                        "{endpoint}: more than {} runs on {day}: GitHub serves no more, older runs were not fetched",
                        self.query_cap
                    ));
                    break;
                }
                until = Some(day);
                continue;
            }
            break;
        }
        let runs = finish(raw, &matcher);
        Ok(Imported {
            runs,
            source: SourceInfo {
                format: Format::GithubApi,
                path: None,
                url: Some(endpoint),
                repository: Some(self.repo.clone()),
                collected_from: Vec::new(),
            },
            warnings,
        })
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && name != ".."
        && name != "."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_must_be_owner_slash_name() {
        let fetch = |repo: &str| GithubFetch::new(repo, Timestamp::UNIX_EPOCH).run(&DeployPatterns::default());
        for bad in ["acme", "acme/", "/shop", "acme/shop/extra", "acme/..", "ac me/shop"] {
            assert!(matches!(fetch(bad), Err(FetchError::Repo(_))), "{bad}");
        }
    }
}
