//! The live GitHub client: workflow runs from the REST API, page by page.
//!
//! `GET {api}/repos/{owner}/{repo}/actions/runs?per_page=100&created=>=DATE&page=N`,
//! following `Link: rel="next"`, with the token as a bearer token. Rate limits are honoured:
//! when `x-ratelimit-remaining` reaches 0 the client waits until `x-ratelimit-reset` if that
//! is soon (at most [`GithubFetch::max_wait`]), else stops with an error naming the reset
//! time; a 403 or 429 with `retry-after` (GitHub's secondary limits) is retried after that
//! delay under the same bound. The token never appears in an error, a log or `Debug` output.

use super::github::{rest_run, RestPage};
use super::{finish, DeployPatterns, Format, Imported, PatternError, SourceInfo};
use jiff::Timestamp;
use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

/// GitHub's public API.
pub const DEFAULT_API: &str = "https://api.github.com";
/// GitHub serves at most this many runs for a query filtered by `created`.
pub const QUERY_CAP: usize = 1000;
/// Attempts per page when GitHub answers 403/429 with a short wait.
const ATTEMPTS: usize = 5;

/// A token, kept out of `Debug` output and error messages.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(redacted)")
    }
}

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
    /// The API base is not an http(s) address.
    #[error("`{0}` is not an API address (expected https://api.github.com or https://HOST/api/v3)")]
    ApiBase(String),
    /// The server could not be reached, or the connection broke.
    #[error("cannot fetch {url}: {message}")]
    Transport {
        /// The page.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// GitHub answered with an error status.
    #[error("{url}: HTTP {status}: {message}")]
    Status {
        /// The page.
        url: String,
        /// The HTTP status.
        status: u16,
        /// GitHub's message, with a hint for the common cases.
        message: String,
    },
    /// The rate limit resets later than the fetch may wait.
    #[error(
        "GitHub API rate limit exhausted until {reset} ({wait_seconds} s from now, longer than the {max_wait_seconds} s \
         this fetch waits): try again after {reset}, or with a token"
    )]
    RateLimited {
        /// When the limit resets.
        reset: Timestamp,
        /// Seconds until then.
        wait_seconds: u64,
        /// The longest wait allowed.
        max_wait_seconds: u64,
    },
    /// A page that is not a workflow-runs response.
    #[error("{url}: unexpected response: {message}")]
    Body {
        /// The page.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// A next-page link to another server: the token is not sent there.
    #[error("refusing to follow a next-page link to {0}: it leaves the API server")]
    ForeignLink(String),
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
        let origin = origin(base).ok_or_else(|| FetchError::ApiBase(self.api_base.clone()))?;
        let endpoint = format!("{base}/repos/{owner}/{name}/actions/runs");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("kaizen/", env!("CARGO_PKG_VERSION"), " (+pipeline runs)"))
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
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
                let page = self.get(&agent, &url)?;
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
                if !next.starts_with(&origin) {
                    return Err(FetchError::ForeignLink(next));
                }
                if page.remaining == Some(0) {
                    self.wait_for_reset(page.reset, None)?;
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

    /// One page, retried while GitHub asks to wait briefly.
    fn get(&self, agent: &ureq::Agent, url: &str) -> Result<Page, FetchError> {
        for attempt in 1..=ATTEMPTS {
            let mut request = agent
                .get(url)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28");
            if let Some(token) = &self.token {
                request = request.header("Authorization", format!("Bearer {}", token.0));
            }
            let transport = |e: ureq::Error| FetchError::Transport { url: url.to_owned(), message: e.to_string() };
            let mut response = request.call().map_err(transport)?;
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let remaining: Option<u64> = header("x-ratelimit-remaining").and_then(|v| v.trim().parse().ok());
            let reset: Option<i64> = header("x-ratelimit-reset").and_then(|v| v.trim().parse().ok());
            let retry_after: Option<u64> = header("retry-after").and_then(|v| v.trim().parse().ok());
            let next = header("link").and_then(|l| next_link(&l));
            let status = response.status().as_u16();
            let body = response.body_mut().with_config().limit(64 << 20).read_to_string().map_err(transport)?;
            match status {
                200..=299 => return Ok(Page { body, next, remaining, reset }),
                403 | 429 if attempt < ATTEMPTS && (retry_after.is_some() || remaining == Some(0)) => {
                    self.wait_for_reset(reset, retry_after)?;
                }
                _ => return Err(status_error(url, status, &body, remaining)),
            }
        }
        unreachable!("the last attempt returns")
    }

    /// Sleeps until the limit resets (or `retry_after` seconds), or fails when that is
    /// longer than `max_wait`.
    fn wait_for_reset(&self, reset: Option<i64>, retry_after: Option<u64>) -> Result<(), FetchError> {
        let now = Timestamp::now().as_second();
        let (wait, reset_at) = match (retry_after, reset) {
            (Some(seconds), _) => (seconds, now.saturating_add(seconds as i64)),
            // Whole seconds on both sides: one more makes sure the reset has passed.
            (None, Some(reset)) => ((reset - now).max(0) as u64 + 1, reset),
            (None, None) => (60, now + 60),
        };
        if wait > self.max_wait.as_secs() {
            return Err(FetchError::RateLimited {
                reset: Timestamp::from_second(reset_at).unwrap_or(Timestamp::MAX),
                wait_seconds: (reset_at - now).max(0) as u64,
                max_wait_seconds: self.max_wait.as_secs(),
            });
        }
        tracing::info!("GitHub rate limit: waiting {wait} s");
        std::thread::sleep(Duration::from_secs(wait));
        Ok(())
    }
}

/// One page's body and the headers that matter.
struct Page {
    body: String,
    next: Option<String>,
    remaining: Option<u64>,
    reset: Option<i64>,
}

/// An error status, with GitHub's message and a hint for the usual causes.
fn status_error(url: &str, status: u16, body: &str, remaining: Option<u64>) -> FetchError {
    let said = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(200).collect());
    let hint = match status {
        401 => " (the token was rejected: check GITHUB_TOKEN or GH_TOKEN)",
        403 if remaining == Some(0) => " (rate limit exhausted)",
        403 => " (the token lacks access: fine-grained tokens need actions:read, classic tokens need repo for private repositories)",
        404 => " (no such repository, or the token cannot see it)",
        _ => "",
    };
    FetchError::Status { url: url.to_owned(), status, message: format!("{said}{hint}") }
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"));
        is_next.then(|| target.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
    })
}

/// `scheme://host[:port]` of an http(s) address, with the trailing slash, so that a link
/// to `https://api.github.com.evil` does not pass for `https://api.github.com`.
fn origin(base: &str) -> Option<String> {
    let (scheme, rest) = base.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}/"))
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
    fn next_links_are_found_among_the_others() {
        let header = "<https://api.github.com/repositories/1/actions/runs?page=2>; rel=\"next\", \
                      <https://api.github.com/repositories/1/actions/runs?page=5>; rel=\"last\"";
        assert_eq!(next_link(header).as_deref(), Some("https://api.github.com/repositories/1/actions/runs?page=2"));
        assert_eq!(next_link("<https://x/?page=1>; rel=\"prev\""), None);
    }

    #[test]
    fn origins_keep_the_port_and_end_with_a_slash() {
        assert_eq!(origin("http://127.0.0.1:8080/api/v3").as_deref(), Some("http://127.0.0.1:8080/"));
        assert_eq!(origin("https://api.github.com").as_deref(), Some("https://api.github.com/"));
        assert_eq!(origin("ftp://x"), None);
        assert_eq!(origin("api.github.com"), None);
    }

    #[test]
    fn a_token_never_shows_in_debug_output() {
        let fetch =
            GithubFetch { token: Some(Token::new("ghp_secret123")), ..GithubFetch::new("a/b", Timestamp::UNIX_EPOCH) };
        let debug = format!("{fetch:?}");
        assert!(!debug.contains("ghp_secret123") && debug.contains("Token(redacted)"), "{debug}");
    }

    #[test]
    fn repositories_must_be_owner_slash_name() {
        let fetch = |repo: &str| GithubFetch::new(repo, Timestamp::UNIX_EPOCH).run(&DeployPatterns::default());
        for bad in ["acme", "acme/", "/shop", "acme/shop/extra", "acme/..", "ac me/shop"] {
            assert!(matches!(fetch(bad), Err(FetchError::Repo(_))), "{bad}");
        }
    }
}
