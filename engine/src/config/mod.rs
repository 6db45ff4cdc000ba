//! The assessment file (`kaizen.toml`): an organisation described once — its targets with
//! labels, plugin folders, pins and configuration, exemptions, and assessment defaults.
//!
//! Loaded in two phases, like every user file: [`AssessmentFile::parse`] deserialises with
//! spans and rejects unknown keys (`raw`), then validates, collecting every problem with its
//! line and column. Each section is validated by its own module (`targets`, `pipelines`,
//! `plugins`, `exemptions`, `scoring`, `assess`, `report`) through one [`Context`] that
//! holds the file and the problems found. References to plugins and checks are checked once
//! the plugins are loaded ([`AssessmentFile::check_references`]), still with positions.

mod assess;
mod exemptions;
mod pipelines;
mod plugins;
mod raw;
mod report;
mod roles;
mod scoring;
mod sources;
mod systems;
mod targets;

pub use crate::collect::pipelines::PipelineInput;
pub use crate::judge::Exemption;
pub use exemptions::{PracticeExemptionSpec, Terms};
pub use pipelines::{CloudSource, PipelineSource};
pub use plugins::Pin;
pub use roles::RoleRule;
pub use targets::{ConfiguredTarget, Location};

use crate::diag::{ConfigCode, Diagnostic, Diagnostics};
use crate::plugin::Registry;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file `kaizen assess` reads from the current folder when no `--config` is given.
pub const DEFAULT_FILE: &str = "kaizen.toml";

/// The commented template `kaizen init` writes.
pub const TEMPLATE: &str = include_str!("template.toml");

/// A validated assessment file.
#[derive(Debug, Clone)]
pub struct AssessmentFile {
    /// Where it was read from.
    pub path: PathBuf,
    source: String,
    /// The organisation's name, for the report.
    pub organisation: Option<String>,
    /// How the reports are branded (`[report]`): the logo, read and embedded, and the
    /// accent colour.
    pub branding: crate::branding::Branding,
    /// Targets: folders (globs expanded) and git URLs, in the order written.
    pub targets: Vec<ConfiguredTarget>,
    /// Pipeline-run sources, each for one target.
    pub pipelines: Vec<PipelineSource>,
    /// Patterns over workflow names that mark a run as a deployment (`None`: the defaults).
    pub deployment_workflows: Option<Vec<String>>,
    /// Patterns over environment names that mark a run as a deployment.
    pub deployment_environments: Option<Vec<String>>,
    /// The GitHub API base URL, for GitHub Enterprise.
    pub github_api: Option<String>,
    /// The GitLab API base URL, for self-managed GitLab.
    pub gitlab_api: Option<String>,
    /// Organisations and groups whose repositories are listed and assessed.
    pub sources: Vec<crate::collect::forge::listing::Source>,
    /// Cloud inventories (from `kaizen collect aws`), each assessed as a target of its own.
    pub cloud: Vec<CloudSource>,
    /// Where to write outputs, relative to the file's folder.
    pub out: Option<PathBuf>,
    /// Git history window in days.
    pub since_days: Option<u32>,
    /// Commit cap for git facts.
    pub max_commits: Option<usize>,
    /// Whether to honour the targets' .gitignore files.
    pub respect_gitignore: Option<bool>,
    /// Size cap of files handed to plugins, in MiB.
    pub max_file_mb: Option<u64>,
    /// Plugin folders, relative to the file's folder.
    pub plugin_dirs: Vec<PathBuf>,
    /// Required SHA-256 of plugin modules, by plugin id.
    pub pins: Vec<Pin>,
    /// Per-plugin configuration, by plugin id, as JSON.
    pub plugin_config: BTreeMap<String, Value>,
    config_spans: Vec<(String, Range<usize>)>,
    /// Checks marked not applicable for some targets, with the reason.
    pub exemptions: Vec<Exemption>,
    /// Where each of `exemptions` names its check.
    exemption_spans: Vec<Range<usize>>,
    /// Practices exempted for some targets, with the reason.
    pub practice_exemptions: Vec<PracticeExemptionSpec>,
    /// The owner and expiry of each of `exemptions`.
    pub exemption_terms: Vec<Terms>,
    /// Roles given to paths of some targets (`[[roles]]`), before the conventions.
    pub roles: Vec<RoleRule>,
    /// The maturity model to score against, relative to the file's folder.
    pub model: Option<PathBuf>,
    /// Interview answers, relative to the file's folder.
    pub answers: Option<PathBuf>,
    /// The history folder, relative to the file's folder.
    pub history: Option<PathBuf>,
    /// The scoring profile.
    pub profile: crate::score::Profile,
    /// Practice ids the profile names, with where, to check against the model.
    profile_spans: Vec<(String, Range<usize>)>,
    /// The roadmap's capacity in effort points per quarter.
    pub capacity: Option<u32>,
    /// Systems: targets grouped and scored on their pooled evidence.
    pub systems: Vec<crate::score::SystemSpec>,
    /// What the organisation's figures are computed over (`[scoring] organisation_over`).
    pub organisation_over: crate::score::LevelOver,
}

impl AssessmentFile {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<AssessmentFile, Diagnostics> {
        let source = crate::diag::read_text(crate::diag::ConfigCode::Unreadable, path)?;
        AssessmentFile::parse(path, &source)
    }

    /// Validates the text of an assessment file; relative paths are resolved against the
    /// folder of `path`.
    pub fn parse(path: &Path, source: &str) -> Result<AssessmentFile, Diagnostics> {
        let raw: raw::Raw = toml::from_str(source)
            .map_err(|e| Diagnostics(vec![Diagnostic::from_toml(ConfigCode::Syntax, path, source, &e)]))?;
        let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut cx = Context { path, source, base, problems: Vec::new() };
        let targets = targets::targets(&raw.targets, &mut cx);
        let names: Vec<String> = targets.iter().map(ConfiguredTarget::name).collect();
        // Targets listed from an organisation are named only once listed: pipeline runs
        // for them are checked against the targets at assessment time.
        let sources = sources::sources(&raw.sources, &mut cx);
        let names = if sources.is_empty() { Some(names.as_slice()) } else { None };
        let pipelines = pipelines::pipelines(&raw.pipelines, names, &mut cx);
        let gitlab_api = sources::gitlab(&raw.gitlab, &mut cx);
        let (deployment_workflows, deployment_environments) = pipelines::deployments(&raw.deployments, &mut cx);
        let github_api = pipelines::github(&raw.github, &mut cx);
        let cloud = pipelines::cloud(&raw.cloud, &mut cx);
        let plugins = plugins::plugins(&raw.plugins, &mut cx);
        let exemptions = exemptions::exemptions(&raw.exemptions, &mut cx);
        let roles = roles::roles(&raw.roles, &mut cx);
        let systems = systems::systems(&raw.systems, &mut cx);
        let scoring = scoring::scoring(&raw.scoring, &raw.roadmap, systems.len(), &mut cx);
        let assess = assess::assess(&raw.assess, &mut cx);
        let branding = report::report(&raw.report, &mut cx);

        let mut problems = cx.problems;
        if !problems.is_empty() {
            problems.sort_by_key(|d| (d.line, d.column));
            return Err(Diagnostics(problems));
        }
        Ok(AssessmentFile {
            path: path.to_path_buf(),
            source: source.to_owned(),
            organisation: raw.organisation.name,
            branding,
            targets,
            pipelines,
            deployment_workflows,
            deployment_environments,
            github_api,
            gitlab_api,
            sources,
            cloud,
            out: assess.out,
            since_days: assess.since_days,
            max_commits: assess.max_commits,
            respect_gitignore: assess.respect_gitignore,
            max_file_mb: assess.max_file_mb,
            plugin_dirs: plugins.dirs,
            pins: plugins.pins,
            plugin_config: plugins.config,
            config_spans: plugins.config_spans,
            exemptions: exemptions.checks,
            exemption_spans: exemptions.check_spans,
            practice_exemptions: exemptions.practices,
            exemption_terms: exemptions.check_terms,
            roles,
            model: assess.model,
            answers: assess.answers,
            history: assess.history,
            profile: scoring.profile,
            profile_spans: scoring.profile_spans,
            capacity: scoring.capacity,
            systems,
            organisation_over: scoring.over,
        })
    }

    /// Checks the practices the file names (exemptions, weights, switched off) against the
    /// model.
    pub fn check_model_references(&self, model: &crate::model::Model) -> Result<(), Diagnostics> {
        let mut problems = Vec::new();
        let named = self
            .practice_exemptions
            .iter()
            .map(|e| (&e.exemption.practice, &e.span))
            .chain(self.profile_spans.iter().map(|(id, span)| (id, span)));
        for (id, span) in named {
            if model.practice(id).is_none() {
                problems.push(Diagnostic::at(
                    crate::diag::ConfigCode::UnknownPractice,
                    &self.path,
                    &self.source,
                    span.start,
                    format!("model `{}` has no practice `{id}`", model.id),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Checks what the file says about plugins against the loaded registry: pinned and
    /// configured plugins exist, pins match the modules' SHA-256 (a mismatch refuses the
    /// run), exempted checks are declared.
    pub fn check_references(&self, registry: &Registry) -> Result<(), Diagnostics> {
        let at = |code: ConfigCode, span: &Range<usize>, message: String| {
            Diagnostic::at(code, &self.path, &self.source, span.start, message)
        };
        let mut problems = plugins::check(&self.pins, &self.config_spans, registry, &at);
        problems.extend(exemptions::check(&self.exemptions, &self.exemption_spans, registry, &at));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(problems))
        }
    }
}

/// What every section's validation works with: the file, its text and folder, and the
/// problems found so far (cargo-deny's `ValidationContext`).
struct Context<'a> {
    path: &'a Path,
    source: &'a str,
    base: &'a Path,
    problems: Vec<Diagnostic>,
}

impl Context<'_> {
    /// Records a problem at a span of the file.
    fn problem(&mut self, code: ConfigCode, span: Range<usize>, message: impl Into<String>) {
        self.problems.push(Diagnostic::at(code, self.path, self.source, span.start, message));
    }

    /// A count from the file that must be at least 1; a zero is reported at its position.
    fn at_least_one<T: Copy + Default + PartialEq>(&mut self, value: &Option<Spanned<T>>, name: &str) -> Option<T> {
        let value = value.as_ref()?;
        if *value.get_ref() == T::default() {
            self.problem(ConfigCode::InvalidValue, value.span(), format!("{name} must be at least 1"));
        }
        Some(*value.get_ref())
    }

    /// A path from the file that may be a glob: `~/` expanded, relative paths taken from the
    /// file's folder.
    fn resolve(&self, path: &str) -> String {
        let path = expand_home(path);
        if Path::new(&path).is_absolute() {
            path
        } else {
            self.base.join(&path).display().to_string()
        }
    }

    /// A path from the file: `~/` expanded, relative paths taken from the file's folder.
    fn join(&self, path: &str) -> PathBuf {
        self.base.join(expand_home(path))
    }
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kaizen.toml");
        let file = AssessmentFile::parse(&path, TEMPLATE).unwrap();
        assert_eq!(file.organisation.as_deref(), Some("Example Corp"));
        assert_eq!(file.targets.len(), 1, "the template assesses its own folder");
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repos/a")).unwrap();
        let src = r#"
[[targets]]
path = "repos/*"
labels = { team = "payments" }

[[targets]]
path = "missing/*"

[plugins]
pins = { ci = "abc" }

[[exemptions]]
target = "a"
check = "runs-tests"
reason = "legacy"
"#;
        let err = AssessmentFile::parse(&dir.path().join("kaizen.toml"), src).unwrap_err();
        let found: Vec<_> = err.0.iter().map(|d| (d.code, d.line.unwrap())).collect();
        assert_eq!(
            found,
            [
                ("config-target-missing", 7),
                ("config-invalid-pin", 10),
                ("config-invalid-check", 14),
                ("config-exemption-reason", 15)
            ]
        );
    }

    #[test]
    fn remote_targets_pipelines_and_cloud_are_validated_with_positions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repos/a")).unwrap();
        std::fs::write(dir.path().join("runs.json"), "[]").unwrap();
        let src = r#"
[[targets]]
url = "not a url"

[[targets]]
path = "repos/*"
url = "https://git.example.com/acme/b.git"

[[targets]]
labels = { team = "x" }

[[targets]]
path = "repos/*"

[[targets]]
url = "git@github.com:acme/api.git"

[[pipelines]]
target = "nope"
file = "missing.json"

[[pipelines]]
target = "a"
github = "justname"

[[pipelines]]
target = "api"

[deployments]
workflows = ["[bad"]

[github]
api = "github.example.com"

[[cloud]]
file = "nope.json"
"#;
        let err = AssessmentFile::parse(&dir.path().join("kaizen.toml"), src).unwrap_err();
        let found: Vec<_> = err.0.iter().map(|d| (d.code, d.line.unwrap())).collect();
        assert_eq!(
            found,
            [
                ("config-invalid-url", 3),
                ("config-target-both", 7),
                ("config-target-empty", 9),
                ("config-unknown-target", 19),
                ("config-file-missing", 20),
                ("config-invalid-repository", 24),
                ("config-pipelines-empty", 26),
                ("config-invalid-pattern", 30),
                ("config-invalid-url", 33),
                ("config-file-missing", 36),
            ]
        );
        assert!(err.0[3].message.contains("the targets are: a, api"), "{}", err.0[3].message);

        let good = "[[targets]]\nurl = \"git@github.com:acme/api.git\"\n\n[[pipelines]]\ntarget = \"api\"\nfile = \"runs.json\"\n\n[[pipelines]]\ntarget = \"api\"\ngithub = \"acme/api\"\n";
        let file = AssessmentFile::parse(&dir.path().join("kaizen.toml"), good).unwrap();
        assert_eq!(file.targets[0].name(), "api");
        assert_eq!(file.pipelines[0].input, PipelineInput::File(dir.path().join("runs.json")));
        assert_eq!(file.pipelines[1].input, PipelineInput::Github("acme/api".into()));
    }

    #[test]
    fn systems_need_a_name_of_their_own_and_members() {
        let src = r#"
[[systems]]
targets = ["app"]

[[systems]]
name = "payments"
targets = ["payments-app", "aws-123456789012", "payments-app"]

[[systems]]
name = "payments"
labels = { service = "payments" }

[[systems]]
name = "empty"

[scoring]
organisation_over = "teams"
"#;
        let err = AssessmentFile::parse(Path::new("kaizen.toml"), src).unwrap_err();
        let found: Vec<_> = err.0.iter().map(|d| (d.code, d.line.unwrap())).collect();
        assert_eq!(
            found,
            [
                ("config-system-name", 2),
                ("config-system-duplicate", 10),
                ("config-system-empty", 13),
                ("config-invalid-organisation-over", 17),
            ]
        );
        let err = AssessmentFile::parse(Path::new("kaizen.toml"), "[scoring]\norganisation_over = \"systems\"\n")
            .unwrap_err();
        assert_eq!(err.0[0].code, "config-invalid-organisation-over");

        let good = "[[systems]]\nname = \"payments\"\ntargets = [\"app\", \"app\", \"aws-1\"]\nlabels = { service = \"payments\" }\n\n[scoring]\norganisation_over = \"systems\"\n";
        let file = AssessmentFile::parse(Path::new("kaizen.toml"), good).unwrap();
        assert_eq!(file.systems.len(), 1);
        assert_eq!(file.systems[0].targets, ["app", "aws-1"], "a member named twice is one member");
        assert_eq!(file.systems[0].labels["service"], "payments");
        assert_eq!(file.organisation_over, crate::score::LevelOver::Systems);
        let none = AssessmentFile::parse(Path::new("kaizen.toml"), "").unwrap();
        assert!(none.systems.is_empty());
        assert_eq!(none.organisation_over, crate::score::LevelOver::Targets);
    }

    #[test]
    fn unknown_keys_are_refused_with_their_position() {
        let err =
            AssessmentFile::parse(Path::new("kaizen.toml"), "[organisation]\nname = \"x\"\ncolour = 1\n").unwrap_err();
        assert_eq!((err.0[0].code, err.0[0].line, err.0[0].column), ("config-syntax", Some(3), Some(1)));
    }

    #[test]
    fn globs_expand_to_folders_in_order_with_labels() {
        let dir = tempfile::tempdir().unwrap();
        for d in ["src/b", "src/a", "src/file-not-dir"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::remove_dir(dir.path().join("src/file-not-dir")).unwrap();
        std::fs::write(dir.path().join("src/file-not-dir"), "x").unwrap();
        let src = "[[targets]]\npath = \"src/*\"\nlabels = { team = \"core\" }\n";
        let file = AssessmentFile::parse(&dir.path().join("kaizen.toml"), src).unwrap();
        let names: Vec<_> = file.targets.iter().map(ConfiguredTarget::name).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(file.targets[0].labels["team"], "core");
    }

    #[test]
    fn exemptions_match_target_names_by_glob() {
        let e = Exemption {
            target: globset::Glob::new("legacy-*").unwrap().compile_matcher(),
            plugin: "ci".into(),
            check: "runs-tests".into(),
            reason: "r".into(),
        };
        assert!(e.applies_to("legacy-billing"));
        assert!(!e.applies_to("payments"));
    }
}
