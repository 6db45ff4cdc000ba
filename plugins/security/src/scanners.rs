//! Security scanners invoked in CI, recognised from GitHub Actions references, shell
//! commands, container images and GitLab's security templates.
//!
//! The names are a contract (`security.scanners`): `codeql`, `semgrep`, `trivy`, `snyk`,
//! `grype`, `checkov`, `tfsec`, `gitleaks`, `trufflehog`, `dependency-check`, `zizmor`,
//! `sonarqube`, and for GitLab's templates `gitlab-sast`, `gitlab-dependency-scanning`,
//! `gitlab-secret-detection`, `gitlab-container-scanning`.

/// What a scanner is for: the check it counts towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Static application security testing (the `sast` check).
    Sast,
    /// Vulnerable dependencies or images (`vulnerability-scanning`).
    Vulnerabilities,
    /// Secrets (`secret-scanning`).
    Secrets,
}

/// The purposes of a scanner by its name. Snyk tests code and dependencies.
pub fn purposes(name: &str) -> &'static [Purpose] {
    match name {
        "codeql" | "semgrep" | "sonarqube" | "checkov" | "tfsec" | "zizmor" | "gitlab-sast" => &[Purpose::Sast],
        "snyk" => &[Purpose::Sast, Purpose::Vulnerabilities],
        "trivy" | "grype" | "dependency-check" | "gitlab-dependency-scanning" | "gitlab-container-scanning" => {
            &[Purpose::Vulnerabilities]
        }
        "gitleaks" | "trufflehog" | "gitlab-secret-detection" => &[Purpose::Secrets],
        _ => &[],
    }
}

/// GitHub Actions (owner/repo prefixes, lower case) and the scanner each runs.
const ACTIONS: &[(&str, &str)] = &[
    ("github/codeql-action/", "codeql"),
    ("returntocorp/semgrep-action", "semgrep"),
    ("semgrep/semgrep-action", "semgrep"),
    ("aquasecurity/trivy-action", "trivy"),
    ("aquasecurity/setup-trivy", "trivy"),
    ("snyk/actions", "snyk"),
    ("anchore/scan-action", "grype"),
    ("bridgecrewio/checkov-action", "checkov"),
    ("aquasecurity/tfsec-action", "tfsec"),
    ("aquasecurity/tfsec-pr-commenter-action", "tfsec"),
    ("aquasecurity/tfsec-sarif-action", "tfsec"),
    ("gitleaks/gitleaks-action", "gitleaks"),
    ("zricethezav/gitleaks-action", "gitleaks"),
    ("trufflesecurity/trufflehog", "trufflehog"),
    ("dependency-check/dependency-check_action", "dependency-check"),
    ("woodruffw/zizmor-action", "zizmor"),
    ("zizmorcore/zizmor-action", "zizmor"),
    ("sonarsource/sonarcloud-github-action", "sonarqube"),
    ("sonarsource/sonarqube-scan-action", "sonarqube"),
    ("sonarsource/sonarqube-quality-gate-action", "sonarqube"),
];

/// The scanner a GitHub Actions `uses:` runs, if any (`docker://` images included).
pub fn from_action(uses: &str) -> Option<&'static str> {
    let lower = uses.trim().to_ascii_lowercase();
    if let Some(image) = lower.strip_prefix("docker://") {
        return from_image(image);
    }
    ACTIONS.iter().find(|(prefix, _)| lower.starts_with(prefix)).map(|(_, name)| *name)
}

/// Container images (repository prefixes, lower case) and the scanner each is.
const IMAGES: &[(&str, &str)] = &[
    ("returntocorp/semgrep", "semgrep"),
    ("semgrep/semgrep", "semgrep"),
    ("aquasec/trivy", "trivy"),
    ("ghcr.io/aquasecurity/trivy", "trivy"),
    ("snyk/snyk", "snyk"),
    ("anchore/grype", "grype"),
    ("bridgecrew/checkov", "checkov"),
    ("aquasec/tfsec", "tfsec"),
    ("zricethezav/gitleaks", "gitleaks"),
    ("ghcr.io/gitleaks/gitleaks", "gitleaks"),
    ("trufflesecurity/trufflehog", "trufflehog"),
    ("owasp/dependency-check", "dependency-check"),
    ("sonarsource/sonar-scanner-cli", "sonarqube"),
    ("ghcr.io/zizmorcore/zizmor", "zizmor"),
];

/// The scanner a container image is, if any.
pub fn from_image(image: &str) -> Option<&'static str> {
    let lower = image.trim().to_ascii_lowercase();
    let lower = lower.strip_prefix("docker.io/").unwrap_or(&lower);
    IMAGES
        .iter()
        .find(|(prefix, _)| {
            lower.starts_with(prefix) && lower[prefix.len()..].chars().next().map_or(true, |c| c == ':' || c == '@')
        })
        .map(|(_, name)| *name)
}

/// Command names (the program's file name) and the scanner each is.
const COMMANDS: &[(&str, &str)] = &[
    ("codeql", "codeql"),
    ("semgrep", "semgrep"),
    ("trivy", "trivy"),
    ("snyk", "snyk"),
    ("grype", "grype"),
    ("checkov", "checkov"),
    ("tfsec", "tfsec"),
    ("gitleaks", "gitleaks"),
    ("trufflehog", "trufflehog"),
    ("dependency-check", "dependency-check"),
    ("dependency-check.sh", "dependency-check"),
    ("zizmor", "zizmor"),
    ("sonar-scanner", "sonarqube"),
];

/// Arguments that run a scanner through a build tool (`mvn sonar:sonar`, `gradle sonar`).
const BUILD_GOALS: &[(&str, &str)] = &[
    ("sonar:sonar", "sonarqube"),
    ("org.sonarsource.scanner.maven:sonar-maven-plugin", "sonarqube"),
    ("dependency-check:check", "dependency-check"),
    ("dependency-check:aggregate", "dependency-check"),
    ("org.owasp:dependency-check-maven", "dependency-check"),
    ("dependencycheckanalyze", "dependency-check"),
    ("dependencycheckaggregate", "dependency-check"),
];

const BUILD_TOOLS: &[&str] = &["mvn", "mvnw", "./mvnw", "gradle", "gradlew", "./gradlew"];

/// The scanners one line of a shell script runs. Each line is split into words at
/// whitespace and shell operators; a word that is a scanner's program (`trivy`,
/// `./bin/gitleaks`, `npx snyk`), a scanner's image (`docker run aquasec/trivy`) or a build
/// tool's scanner goal counts. Lines that only print (`echo`) or are comments do not.
pub fn from_command_line(line: &str) -> Vec<&'static str> {
    let line = line.trim();
    if line.starts_with('#') || line.starts_with("echo ") || line.starts_with("printf ") {
        return Vec::new();
    }
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')' | '`' | '"' | '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    let build = words.iter().any(|w| BUILD_TOOLS.contains(w));
    for word in &words {
        let lower = word.to_ascii_lowercase();
        let program = lower.rsplit('/').next().unwrap_or(&lower);
        if let Some((_, name)) = COMMANDS.iter().find(|(command, _)| *command == program) {
            out.push(*name);
        } else if let Some(name) = from_image(&lower) {
            out.push(name);
        } else if let Some((_, name)) = BUILD_GOALS.iter().find(|(goal, _)| lower.starts_with(goal)) {
            out.push(*name);
        } else if build && (lower == "sonar" || lower == "sonarqube") {
            out.push("sonarqube");
        }
    }
    out
}

/// The scanners a GitLab `include` brings in: `template: Security/SAST.gitlab-ci.yml`,
/// `template: Jobs/Secret-Detection.gitlab-ci.yml`, the CI/CD components of the same
/// names, and Auto DevOps, which includes them all.
pub fn from_gitlab_include(include: &str) -> Vec<&'static str> {
    let lower = include.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let name = name.split('@').next().unwrap_or(name);
    let name = name.trim_end_matches(".gitlab-ci.yml").trim_end_matches(".latest");
    match name {
        "sast" | "sast-iac" | "sast-iac.latest" => vec!["gitlab-sast"],
        "dependency-scanning" => vec!["gitlab-dependency-scanning"],
        "secret-detection" => vec!["gitlab-secret-detection"],
        "container-scanning" => vec!["gitlab-container-scanning"],
        "auto-devops" => {
            vec!["gitlab-sast", "gitlab-dependency-scanning", "gitlab-secret-detection", "gitlab-container-scanning"]
        }
        _ => Vec::new(),
    }
}
