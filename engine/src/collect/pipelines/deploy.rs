//! Which runs are deployments: patterns over the workflow name, the environment, the
//! triggering event and the CI system, filled by the caller from the assessment file.

use super::Source;
use globset::{Glob, GlobBuilder, GlobMatcher};
use regex::{Regex, RegexBuilder};

/// What makes a run a deployment. A run is one when its event is not excluded and its
/// CI system is listed in `sources`, or its workflow name matches a `workflow` pattern, or
/// its environment matches an `environment` pattern, or its event is listed in `events`.
///
/// A pattern is a glob matched against the whole name (`*deploy*`), or a regular
/// expression between slashes searched anywhere in it (`/(^|[^a-z0-9])cd([^a-z0-9]|$)/`).
/// Both ignore case.
///
/// # Example
///
/// ```
/// use kaizen::collect::pipelines::{DeployPatterns, Source};
///
/// let matcher = DeployPatterns::default().compile().unwrap();
/// assert!(matcher.is_deployment(Source::GithubActions, "Deploy to prod", None, Some("push")));
/// assert!(matcher.is_deployment(Source::GithubActions, "CI/CD", None, Some("push")));
/// assert!(!matcher.is_deployment(Source::GithubActions, "Deploy to prod", None, Some("pull_request")));
/// assert!(!matcher.is_deployment(Source::GithubActions, "Build and test", None, Some("push")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployPatterns {
    /// Patterns over the workflow (or pipeline) name.
    pub workflow: Vec<String>,
    /// Patterns over the deployment environment, for sources that name one.
    pub environment: Vec<String>,
    /// Events that make any run a deployment (exact, lowercase snake case).
    pub events: Vec<String>,
    /// Events that make no run a deployment: a pull request's run of a deploy workflow is a
    /// preview or a dry run, not a change reaching users.
    pub exclude_events: Vec<String>,
    /// CI systems whose every run is a deployment.
    pub sources: Vec<Source>,
}

impl Default for DeployPatterns {
    /// Workflows named like `*deploy*`, `*release*`, `*publish*` or with `cd` as a word;
    /// environments like `*prod*`; the `deployment` event; every CodePipeline execution;
    /// never a run triggered by a pull or merge request.
    fn default() -> Self {
        DeployPatterns {
            workflow: ["*deploy*", "*release*", "*publish*", "/(^|[^a-z0-9])cd([^a-z0-9]|$)/"]
                .map(String::from)
                .to_vec(),
            environment: vec!["*prod*".to_owned()],
            events: vec!["deployment".to_owned()],
            exclude_events: ["pull_request", "pull_request_target", "merge_request_event"].map(String::from).to_vec(),
            sources: vec![Source::AwsCodepipeline],
        }
    }
}

/// A deployment pattern that does not compile.
#[derive(Debug, thiserror::Error)]
#[error("invalid deployment pattern `{pattern}`: {message}")]
pub struct PatternError {
    /// The pattern as written.
    pub pattern: String,
    /// What the glob or regex parser said.
    pub message: String,
}

/// [`DeployPatterns`], compiled.
#[derive(Debug, Clone)]
pub struct DeployMatcher {
    workflow: Vec<Pattern>,
    environment: Vec<Pattern>,
    events: Vec<String>,
    exclude_events: Vec<String>,
    sources: Vec<Source>,
}

#[derive(Debug, Clone)]
enum Pattern {
    Glob(GlobMatcher),
    Regex(Regex),
}

impl Pattern {
    fn new(text: &str) -> Result<Pattern, PatternError> {
        let fail = |message: String| PatternError { pattern: text.to_owned(), message };
        match text.strip_prefix('/').and_then(|t| t.strip_suffix('/')) {
            Some(re) => RegexBuilder::new(re)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map(Pattern::Regex)
                .map_err(|e| fail(e.to_string())),
            None => GlobBuilder::new(text)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .as_ref()
                .map(Glob::compile_matcher)
                .map(Pattern::Glob)
                .map_err(|e| fail(e.kind().to_string())),
        }
    }

    fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Glob(glob) => glob.is_match(text),
            Pattern::Regex(re) => re.is_match(text),
        }
    }
}

impl DeployPatterns {
    /// Compiles the patterns, naming the first that does not compile.
    pub fn compile(&self) -> Result<DeployMatcher, PatternError> {
        let compile = |patterns: &[String]| patterns.iter().map(|p| Pattern::new(p)).collect::<Result<Vec<_>, _>>();
        Ok(DeployMatcher {
            workflow: compile(&self.workflow)?,
            environment: compile(&self.environment)?,
            events: self.events.iter().map(|e| e.to_ascii_lowercase()).collect(),
            exclude_events: self.exclude_events.iter().map(|e| e.to_ascii_lowercase()).collect(),
            sources: self.sources.clone(),
        })
    }
}

impl DeployMatcher {
    /// Whether a run with these properties is a deployment.
    pub fn is_deployment(
        &self,
        source: Source,
        workflow: &str,
        environment: Option<&str>,
        event: Option<&str>,
    ) -> bool {
        if event.is_some_and(|e| self.exclude_events.iter().any(|x| x == e)) {
            return false;
        }
        self.sources.contains(&source)
            || self.workflow.iter().any(|p| p.matches(workflow))
            || environment.is_some_and(|env| self.environment.iter().any(|p| p.matches(env)))
            || event.is_some_and(|e| self.events.iter().any(|x| x == e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_workflow_patterns_ignore_case_and_want_cd_as_a_word() {
        let m = DeployPatterns::default().compile().unwrap();
        let deploys = |name: &str| m.is_deployment(Source::GithubActions, name, None, Some("push"));
        for name in
            ["Deploy", "deploy-staging", "Redeploy API", "Release", "Publish to npm", "CD", "ci-cd", "Build & CD"]
        {
            assert!(deploys(name), "{name}");
        }
        for name in ["CI", "Build", "cdk synth", "abcde", "Lint"] {
            assert!(!deploys(name), "{name}");
        }
    }

    #[test]
    fn sources_events_environments_and_exclusions() {
        let m = DeployPatterns::default().compile().unwrap();
        assert!(m.is_deployment(Source::AwsCodepipeline, "shop-pipeline", None, Some("webhook")));
        assert!(m.is_deployment(Source::GithubActions, "Build", None, Some("deployment")));
        assert!(m.is_deployment(Source::GithubActions, "Build", Some("Production"), Some("push")));
        assert!(!m.is_deployment(Source::GithubActions, "Build", Some("staging"), Some("push")));
        assert!(!m.is_deployment(Source::GitlabCi, "Deploy", None, Some("merge_request_event")));
        let none = DeployPatterns {
            workflow: vec![],
            environment: vec![],
            events: vec![],
            exclude_events: vec![],
            sources: vec![],
        };
        assert!(!none.compile().unwrap().is_deployment(Source::AwsCodepipeline, "deploy", None, None));
    }

    #[test]
    fn a_bad_pattern_is_named() {
        let patterns = DeployPatterns { workflow: vec!["/(unclosed/".into()], ..DeployPatterns::default() };
        let e = patterns.compile().unwrap_err();
        assert!(e.to_string().starts_with("invalid deployment pattern `/(unclosed/`:"), "{e}");
        let patterns = DeployPatterns { environment: vec!["[a-".into()], ..DeployPatterns::default() };
        assert!(patterns.compile().unwrap_err().to_string().contains("`[a-`"));
    }
}
