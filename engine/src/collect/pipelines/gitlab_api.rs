//! The live GitLab client: a project's pipelines from the REST API, page by page.
//!
//! `GET {api}/projects/{path}/pipelines?per_page=100&updated_after=TIME&order_by=id&sort=desc`,
//! following `Link: rel="next"`, with the token in `PRIVATE-TOKEN`, through the forges' one
//! HTTP client ([`crate::collect::forge::Client`]), which honours rate limits and never shows
//! the token. The pages are read exactly as an export of the same endpoint is
//! ([`super::import_text`]), so a live fetch and a file give the same runs.

use super::{import_text, DeployPatterns, FetchError, Imported, SourceInfo};
use crate::collect::forge::listing::valid_project;
use crate::collect::forge::{Client, Forge, Token};
use jiff::Timestamp;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// One fetch of a GitLab project's pipelines.
#[derive(Debug, Clone)]
pub struct GitlabFetch {
    /// The API base: `https://gitlab.com/api/v4`, or a self-managed instance's.
    pub api_base: String,
    /// The project's full path, `group/subgroup/project`.
    pub project: String,
    /// A token with `read_api`; without one only public projects answer.
    pub token: Option<Token>,
    /// Only pipelines updated at or after this time.
    pub since: Timestamp,
    /// At most this many pipelines, newest first.
    pub max_runs: usize,
    /// The longest wait for a rate limit to reset; a longer one is an error.
    pub max_wait: Duration,
}

impl GitlabFetch {
    /// Runs the fetch.
    pub fn run(&self, patterns: &DeployPatterns) -> Result<Imported, FetchError> {
        let matcher = patterns.compile()?;
        if !valid_project(&self.project) {
            return Err(FetchError::Repo(self.project.clone()));
        }
        let base = self.api_base.trim_end_matches('/');
        let client = Client::new(Forge::Gitlab, base, self.token.clone(), self.max_wait)?;
        let waiting = |said: &str| tracing::info!("{said}");
        let endpoint = format!("{base}/projects/{}/pipelines", self.project.replace('/', "%2F"));
        let since = self.since.strftime("%Y-%m-%dT%H:%M:%SZ");
        let mut url = format!("{endpoint}?per_page=100&updated_after={since}&order_by=id&sort=desc");
        let mut pipelines: Vec<Value> = Vec::new();
        let mut warnings = Vec::new();
        loop {
            let page = client.get(&url, &waiting)?;
            let items: Vec<Value> = serde_json::from_str(&page.body)
                .map_err(|e| FetchError::Body { url: url.clone(), message: e.to_string() })?;
            pipelines.extend(items);
            if pipelines.len() >= self.max_runs {
                pipelines.truncate(self.max_runs);
                warnings.push(format!(
                    "{endpoint}: stopped at {} pipelines (the limit); older ones were not fetched",
                    self.max_runs
                ));
                break;
            }
            let Some(next) = page.next else { break };
            let next = client.follow(next)?;
            if page.remaining == Some(0) {
                client.wait_for_reset(page.reset, None, &waiting)?;
            }
            url = next;
        }
        let text = Value::Array(pipelines).to_string();
        let mut imported = import_text(Path::new(&endpoint), &text, &matcher)
            .map_err(|e| FetchError::Body { url: endpoint.clone(), message: e.to_string() })?;
        imported.warnings.extend(warnings);
        imported.source = SourceInfo {
            format: imported.source.format,
            path: None,
            url: Some(endpoint),
            repository: Some(self.project.clone()),
            collected_from: Vec::new(),
        };
        Ok(imported)
    }
}
