//! What a pipeline step does, judged from its shell script or from the action, task, orb or
//! step it refers to.
//!
//! A script is split into simple commands (on newlines, `&&`, `||`, `;`, `|`) and each simple
//! command into words. A pattern such as `mvn verify` matches when its first word is the
//! command's program and its other words follow in that order, with flags (and the value
//! after a flag) allowed in between: `./mvnw -B -s ci.xml verify` runs `mvn verify`.

mod patterns;
mod shell;

use kaizen_plugin_sdk::glob_match;
use shell::Command;

/// What a step is evidence of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// It runs automated tests.
    Test,
    /// It runs a linter, a formatter in check mode or another static analysis.
    Lint,
    /// It deploys or releases to an environment.
    Deploy,
    /// It measures or reports test coverage.
    Coverage,
    /// It publishes a build artifact: a package, an image, a release.
    Publish,
}

impl Category {
    const ALL: [Category; 5] =
        [Category::Test, Category::Lint, Category::Deploy, Category::Coverage, Category::Publish];
}

/// One simple command of a script that is evidence of a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// What it is evidence of.
    pub category: Category,
    /// The simple command as written, trimmed.
    pub command: String,
    /// The script line it starts on, trimmed: the text to look for in the raw file.
    pub line: String,
}

/// Every simple command of a shell script that runs tests, static analysis or a deployment.
pub fn classify_script(script: &str) -> Vec<Match> {
    let mut out = Vec::new();
    for segment in shell::segments(script) {
        let command = Command::parse(&segment.text);
        for category in Category::ALL {
            if command.is(category) {
                out.push(Match { category, command: segment.text.trim().to_string(), line: segment.line.clone() });
            }
        }
    }
    out
}

/// What a reference to an action, task, orb, pipe or step is evidence of, from its name
/// (`golangci/golangci-lint-action@v6`, `VSTest@2`, `node/test`, `junit`).
pub fn classify_reference(reference: &str) -> Vec<Category> {
    let mut name = reference.trim();
    name = name.strip_prefix("docker://").unwrap_or(name);
    if let Some(at) = name.find('@') {
        name = &name[..at];
    }
    // A pipe's or an image's tag: `atlassian/sonarcloud-scan:2.0.0`.
    if let Some(colon) = name.rfind(':') {
        if !name[colon..].contains('/') {
            name = &name[..colon];
        }
    }
    let lower = name.to_ascii_lowercase();
    // The owner of an action says nothing about what it does (`testspace-com/...`).
    let own_name = match name.find('/') {
        Some(slash) => &name[slash + 1..],
        None => name,
    };
    let name_words = words_of_name(own_name);
    Category::ALL
        .iter()
        .copied()
        .filter(|category| {
            category.references().iter().any(|glob| glob_match(glob, &lower))
                || name_words.iter().any(|w| category.reference_words().contains(&w.as_str()))
        })
        .collect()
}

/// Whether the name of a job, stage or step says it deploys: `deploy-prod`, `Release`,
/// `publish to staging`.
pub fn is_deploy_name(name: &str) -> bool {
    const DEPLOY: &[&str] = &["deploy", "deploys", "deployment", "deployments", "release", "releases", "rollout"];
    const ENVIRONMENTS: &[&str] =
        &["prod", "production", "staging", "stage", "preprod", "live", "qa", "uat", "dev", "env", "environment"];
    let words = words_of_name(name);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    has(DEPLOY) || (has(&["publish"]) && has(ENVIRONMENTS))
}

/// The lower-case words of a name, split on punctuation and camel case:
/// `withSonarQubeEnv` gives `with`, `sonar`, `qube`, `env`; `VSTest` gives `vs`, `test`.
pub fn words_of_name(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase()
                        && chars.get(i + 1).map_or(false, |n| n.is_ascii_lowercase())));
            if boundary && !current.is_empty() {
                out.push(current.to_ascii_lowercase());
                current.clear();
            }
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories(script: &str) -> Vec<Category> {
        let mut found: Vec<Category> = classify_script(script).into_iter().map(|m| m.category).collect();
        found.sort();
        found.dedup();
        found
    }

    #[test]
    fn a_script_is_split_into_simple_commands_with_their_lines() {
        let script = "set -e\nnpm ci && npm test\ncargo build \\\n  --release && cargo clippy\n";
        let found = classify_script(script);
        assert_eq!(
            found,
            vec![
                Match { category: Category::Test, command: "npm test".into(), line: "npm ci && npm test".into() },
                // It starts on the continuation line.
                Match {
                    category: Category::Lint,
                    command: "cargo clippy".into(),
                    line: "--release && cargo clippy".into(),
                },
            ]
        );
        assert_eq!(
            categories("make lint || exit 1 ; go test ./... | tee out.txt"),
            vec![Category::Test, Category::Lint]
        );
    }

    #[test]
    fn references_are_classified_by_name() {
        assert_eq!(classify_reference("golangci/golangci-lint-action@v6"), vec![Category::Lint]);
        assert_eq!(classify_reference("github/codeql-action/analyze@v3"), vec![Category::Lint]);
        assert_eq!(classify_reference("github/codeql-action/init@v3"), Vec::<Category>::new());
        assert_eq!(classify_reference("super-linter/super-linter/slim@v7"), vec![Category::Lint]);
        assert_eq!(classify_reference("reviewdog/action-eslint@v1"), vec![Category::Lint]);
        assert_eq!(classify_reference("actions/checkout@v4"), Vec::<Category>::new());
        assert_eq!(classify_reference("dorny/test-reporter@v1"), vec![Category::Test]);
        assert_eq!(classify_reference("VSTest@2"), vec![Category::Test]);
        assert_eq!(classify_reference("SonarCloudAnalyze@1"), vec![Category::Lint]);
        assert_eq!(classify_reference("AzureWebApp@1"), vec![Category::Deploy]);
        assert_eq!(classify_reference("node/test"), vec![Category::Test]);
        assert_eq!(classify_reference("junit"), vec![Category::Test]);
        assert_eq!(classify_reference("recordIssues"), vec![Category::Lint]);
        assert_eq!(classify_reference("withSonarQubeEnv"), vec![Category::Lint]);
        assert_eq!(classify_reference("atlassian/aws-ecs-deploy:1.12.1"), vec![Category::Deploy]);
        assert_eq!(classify_reference("Security/SAST.gitlab-ci.yml"), vec![Category::Lint]);
        assert_eq!(classify_reference("Jobs/Code-Quality.gitlab-ci.yml"), vec![Category::Lint]);
        // The owner's name is not what the action does.
        assert_eq!(classify_reference("testspace-com/setup-testspace@v1"), Vec::<Category>::new());
    }

    #[test]
    fn deploy_names() {
        for name in ["deploy", "Deploy to production", "deploy:prod", "release", "publish-to-staging", "k8sDeploy"] {
            assert!(is_deploy_name(name), "{}", name);
        }
        for name in ["build", "test", "publish-docs", "undeployed", "lint"] {
            assert!(!is_deploy_name(name), "{}", name);
        }
    }

    #[test]
    fn names_split_on_case_and_punctuation() {
        assert_eq!(words_of_name("withSonarQubeEnv"), vec!["with", "sonar", "qube", "env"]);
        assert_eq!(words_of_name("VSTest"), vec!["vs", "test"]);
        assert_eq!(words_of_name("DotNetCoreCLI"), vec!["dot", "net", "core", "cli"]);
        assert_eq!(words_of_name("run_tests-e2e"), vec!["run", "tests", "e2e"]);
    }
}
