//! The forges' REST APIs (GitHub, GitHub Enterprise, GitLab): one HTTP client that pages,
//! honours rate limits and keeps its token secret, and the listing of an organisation's or
//! a group's repositories ([`listing`]).
//!
//! Pages are followed through `Link: <…>; rel="next"`, never to another server (the token
//! would go with the request). Rate limits are honoured as both forges document them: when
//! the remaining count reaches 0 (`x-ratelimit-remaining` on GitHub, `ratelimit-remaining`
//! on GitLab) the client waits until the reset if that is soon (at most
//! [`Client::max_wait`]), else stops with an error naming the reset time; a 403 or 429 with
//! `retry-after` (GitHub's secondary limits, GitLab's throttles) is retried after that
//! delay under the same bound; a 5xx is retried a few times with a growing pause. The
//! token never appears in an error, a log or `Debug` output.

pub mod listing;

use jiff::Timestamp;
use std::fmt;
use std::time::Duration;

/// Attempts per page when the server asks to wait briefly or fails with a 5xx.
const ATTEMPTS: u32 = 5;

/// A token, kept out of `Debug` output and error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(redacted)")
    }
}

/// Which forge an API belongs to: how the token is sent, which headers it wants, and what
/// its error statuses usually mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    /// GitHub or GitHub Enterprise: `Authorization: Bearer`.
    Github,
    /// GitLab (gitlab.com or self-managed): `PRIVATE-TOKEN`.
    Gitlab,
}

impl Forge {
    /// The forge's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Forge::Github => "GitHub",
            Forge::Gitlab => "GitLab",
        }
    }

    /// The variables its token is read from, in order.
    pub fn token_vars(self) -> &'static [&'static str] {
        match self {
            Forge::Github => &["GITHUB_TOKEN", "GH_TOKEN"],
            Forge::Gitlab => &["GITLAB_TOKEN"],
        }
    }

    /// The token in the first of [`Forge::token_vars`] that is set.
    pub fn token_from_env(self) -> Option<Token> {
        self.token_vars()
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|t| !t.trim().is_empty()))
            .map(|t| Token::new(t.trim()))
    }

    /// The user name git sends with the token over HTTPS.
    pub fn git_username(self) -> &'static str {
        match self {
            Forge::Github => "x-access-token",
            Forge::Gitlab => "oauth2",
        }
    }
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// The API base is not an http(s) address.
    #[error("`{0}` is not an API address (expected https://HOST/…)")]
    ApiBase(String),
    /// The server could not be reached, or the connection broke.
    #[error("cannot fetch {url}: {message}")]
    Transport {
        /// The page.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The server answered with an error status.
    #[error("{url}: HTTP {status}: {message}")]
    Status {
        /// The page.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The server's message, with a hint for the common cases.
        message: String,
    },
    /// The rate limit resets later than the client may wait.
    #[error(
        "{forge} API rate limit exhausted until {reset} ({wait_seconds} s from now, longer than the {max_wait_seconds} \
         s this fetch waits): try again after {reset}, or with a token"
    )]
    RateLimited {
        /// The forge's name.
        forge: &'static str,
        /// When the limit resets.
        reset: Timestamp,
        /// Seconds until then.
        wait_seconds: u64,
        /// The longest wait allowed.
        max_wait_seconds: u64,
    },
    /// A next-page link to another server: the token is not sent there.
    #[error("refusing to follow a next-page link to {0}: it leaves the API server")]
    ForeignLink(String),
}

/// One page's body and the headers that matter.
#[derive(Debug)]
pub struct Page {
    /// The body, as text.
    pub body: String,
    /// The next page, on the same server.
    pub next: Option<String>,
    /// Requests left before the rate limit.
    pub remaining: Option<u64>,
    /// When the rate limit resets, in seconds since the epoch.
    pub reset: Option<i64>,
}

/// An HTTP client for one forge's API.
pub struct Client {
    forge: Forge,
    agent: ureq::Agent,
    origin: String,
    token: Option<Token>,
    /// The longest wait for a rate limit to reset; a longer one is an error.
    pub max_wait: Duration,
    /// The first pause after a 5xx; doubled on each attempt.
    pub retry_pause: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("forge", &self.forge)
            .field("origin", &self.origin)
            .field("token", &self.token)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

impl Client {
    /// A client for the API at `api_base`, sending `token` when given, waiting at most
    /// `max_wait` for a rate limit.
    pub fn new(forge: Forge, api_base: &str, token: Option<Token>, max_wait: Duration) -> Result<Client, ForgeError> {
        let origin = origin(api_base).ok_or_else(|| ForgeError::ApiBase(api_base.to_owned()))?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("kaizen/", env!("CARGO_PKG_VERSION")))
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Ok(Client { forge, agent, origin, token, max_wait, retry_pause: Duration::from_secs(1) })
    }

    /// The forge.
    pub fn forge(&self) -> Forge {
        self.forge
    }

    /// Whether a token is sent.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// Checks that a next-page link stays on the API server.
    pub fn follow(&self, next: String) -> Result<String, ForgeError> {
        if next.starts_with(&self.origin) {
            Ok(next)
        } else {
            Err(ForgeError::ForeignLink(next))
        }
    }

    /// One page, asked again while the server asks to wait briefly or fails with a 5xx.
    /// `waiting` hears of every pause, in words.
    pub fn get(&self, url: &str, waiting: &dyn Fn(&str)) -> Result<Page, ForgeError> {
        let mut pause = self.retry_pause;
        for attempt in 1..=ATTEMPTS {
            let mut request = self.agent.get(url);
            request = match self.forge {
                Forge::Github => {
                    request.header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28")
                }
                Forge::Gitlab => request.header("Accept", "application/json"),
            };
            if let Some(token) = &self.token {
                request = match self.forge {
                    Forge::Github => request.header("Authorization", format!("Bearer {}", token.0)),
                    Forge::Gitlab => request.header("PRIVATE-TOKEN", token.0.as_str()),
                };
            }
            let transport = |e: ureq::Error| ForgeError::Transport { url: url.to_owned(), message: e.to_string() };
            let mut response = request.call().map_err(transport)?;
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let either = |a: &str, b: &str| header(a).or_else(|| header(b));
            let remaining: Option<u64> =
                either("x-ratelimit-remaining", "ratelimit-remaining").and_then(|v| v.trim().parse().ok());
            let reset: Option<i64> = either("x-ratelimit-reset", "ratelimit-reset").and_then(|v| v.trim().parse().ok());
            let retry_after: Option<u64> = header("retry-after").and_then(|v| v.trim().parse().ok());
            let next = header("link").and_then(|l| next_link(&l));
            let status = response.status().as_u16();
            let body = response.body_mut().with_config().limit(64 << 20).read_to_string().map_err(transport)?;
            match status {
                200..=299 => return Ok(Page { body, next, remaining, reset }),
                403 | 429 if attempt < ATTEMPTS && (retry_after.is_some() || remaining == Some(0)) => {
                    self.wait_for_reset(reset, retry_after, waiting)?;
                }
                500..=599 if attempt < ATTEMPTS => {
                    waiting(&format!(
                        "{} answered HTTP {status} for {url}: asking again in {} s",
                        self.forge.name(),
                        pause.as_secs()
                    ));
                    std::thread::sleep(pause);
                    pause *= 2;
                }
                _ => return Err(self.status_error(url, status, &body, remaining)),
            }
        }
        unreachable!("the last attempt returns")
    }

    /// Sleeps until the limit resets (or `retry_after` seconds), or fails when that is
    /// longer than `max_wait`.
    pub fn wait_for_reset(
        &self,
        reset: Option<i64>,
        retry_after: Option<u64>,
        waiting: &dyn Fn(&str),
    ) -> Result<(), ForgeError> {
        let now = Timestamp::now().as_second();
        let (wait, reset_at) = match (retry_after, reset) {
            (Some(seconds), _) => (seconds, now.saturating_add(seconds as i64)),
            // Whole seconds on both sides: one more makes sure the reset has passed.
            (None, Some(reset)) => ((reset - now).max(0) as u64 + 1, reset),
            (None, None) => (60, now + 60),
        };
        if wait > self.max_wait.as_secs() {
            return Err(ForgeError::RateLimited {
                forge: self.forge.name(),
                reset: Timestamp::from_second(reset_at).unwrap_or(Timestamp::MAX),
                wait_seconds: (reset_at - now).max(0) as u64,
                max_wait_seconds: self.max_wait.as_secs(),
            });
        }
        waiting(&format!("{} API rate limit: waiting {wait} s for it to reset", self.forge.name()));
        std::thread::sleep(Duration::from_secs(wait));
        Ok(())
    }

    /// An error status, with the server's message and a hint for the usual causes.
    fn status_error(&self, url: &str, status: u16, body: &str, remaining: Option<u64>) -> ForgeError {
        let said = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                let m = v.get("message").or_else(|| v.get("error"))?;
                Some(m.as_str().map(str::to_owned).unwrap_or_else(|| m.to_string()))
            })
            .unwrap_or_else(|| plain_words(body));
        let vars = self.forge.token_vars().join(" or ");
        let hint = match (status, self.forge) {
            (401, _) => format!(" (the token was rejected: check {vars})"),
            (403, _) if remaining == Some(0) => " (rate limit exhausted)".to_owned(),
            (403, Forge::Github) => {
                " (the token lacks access: fine-grained tokens need actions:read and metadata:read, \
                                     classic tokens need repo for private repositories)"
                    .to_owned()
            }
            (403, Forge::Gitlab) => " (the token lacks access: it needs the read_api scope)".to_owned(),
            (404, _) => " (not found, or the token cannot see it)".to_owned(),
            _ => String::new(),
        };
        ForgeError::Status { url: url.to_owned(), status, message: format!("{said}{hint}") }
    }
}

/// What a body that is not the API's JSON says, in one line: an HTML page's title (a proxy's
/// or a load balancer's error page), else its first 200 characters.
fn plain_words(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>")) {
        if start + 7 <= end {
            return format!("{} (an HTML page)", body[start + 7..end].trim());
        }
    }
    let words: Vec<&str> = body.split_whitespace().collect();
    let line = words.join(" ");
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"));
        is_next.then(|| target.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
    })
}

/// `scheme://host[:port]/` of an http(s) address, with the trailing slash, so that a link
/// to `https://api.github.com.evil` does not pass for `https://api.github.com`.
pub fn origin(base: &str) -> Option<String> {
    let (scheme, rest) = base.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}/"))
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
    fn bodies_that_are_not_json_are_said_in_one_line() {
        let page = "<!DOCTYPE HTML>\n<html><head>\n<title>502 Bad Gateway</title></head><body>…</body></html>";
        assert_eq!(plain_words(page), "502 Bad Gateway (an HTML page)");
        assert_eq!(plain_words("upstream\n  timed out"), "upstream timed out");
        assert_eq!(plain_words(&"x".repeat(300)).chars().count(), 201);
    }

    #[test]
    fn a_token_never_shows_in_debug_output() {
        let client = Client::new(
            Forge::Gitlab,
            "https://gitlab.com/api/v4",
            Some(Token::new("glpat-secret123")),
            Duration::ZERO,
        )
        .unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("glpat-secret123") && debug.contains("Token(redacted)"), "{debug}");
    }
}
