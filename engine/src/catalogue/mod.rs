//! The tool catalogue: every tool Kaizen recognises in a pipeline, once, with its kinds and
//! the ways it shows up.
//!
//! The catalogue is data (`catalogue/tools.toml`, embedded), reviewed like code: adding a
//! tool is one entry and a fixture, with no plugin code to change. The host matches each
//! command a pipeline runs (as an argument vector, see [`crate::ci`]), each action, template,
//! orb, task, Jenkins step, pipe and container image it uses, each pre-commit hook and each
//! Super-Linter or MegaLinter switch against it, and hands plugins what it found with the
//! kinds of each use ([`kaizen_evidence::ci::ToolUse`]).
//!
//! # Command patterns
//!
//! `go test` matches a command whose program is `go` (its file name, lower case, without
//! a Windows extension; `./gradlew` is `gradle`, `mvnw` is `mvn`, `python3.12` is `python`)
//! and whose next words include `test`, in that order, with options (and the value after an
//! option) allowed in between: `go -C api test -race ./...`. For build tools that take
//! several goals (`mvn clean verify`), any word may stand in between. Words are globs (`*`,
//! `?`, `{a,b}`). A word starting with `-` is an option that must appear anywhere after the
//! program (`prettier --check`); one starting with `!` is a prefix no argument may have
//! (`mvn package !-DskipTests`).

use kaizen_evidence::ci::kinds;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The built-in catalogue's source.
pub const SOURCE: &str = include_str!("../../../catalogue/tools.toml");

/// Programs that take several goals, targets or tasks in one call, so any word may stand
/// between the program and the goal a pattern names.
const MULTI_GOAL: &[&str] =
    &["mvn", "gradle", "make", "rake", "ant", "sbt", "cap", "just", "task", "turbo", "xcodebuild", "bazel", "nx"];

/// One tool.
#[derive(Debug, Clone)]
pub struct Tool {
    /// Its id, as facts and tool uses name it (`trivy`).
    pub id: String,
    /// Its display name (`Trivy`).
    pub name: String,
    /// What it does, by default.
    pub kinds: Vec<String>,
    /// Where to read about it.
    pub url: Option<String>,
    commands: Vec<Form<Pattern>>,
    actions: Vec<Form<String>>,
    images: Vec<Form<String>>,
    gitlab: Vec<Form<String>>,
    orbs: Vec<Form<String>>,
    azure: Vec<Form<String>>,
    jenkins: Vec<Form<String>>,
    bitbucket: Vec<Form<String>>,
    tekton: Vec<Form<String>>,
    pre_commit: Vec<Form<String>>,
    linters: Vec<Form<String>>,
}

/// One way a tool shows up, with the kinds of that use when they differ from the tool's.
#[derive(Debug, Clone)]
struct Form<T> {
    value: T,
    kinds: Option<Vec<String>>,
}

/// A command pattern (see the module's documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    program: String,
    words: Vec<String>,
    options: Vec<String>,
    forbidden: Vec<String>,
}

/// A tool recognised, with the kinds of this use.
#[derive(Debug, Clone, Copy)]
pub struct Match<'a> {
    /// The tool.
    pub tool: &'a Tool,
    /// The kinds of this use.
    pub kinds: &'a [String],
}

/// How a tool was referred to, for [`Catalogue::reference`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// A GitHub Actions `uses:` (`owner/repo[/path]@ref`).
    Action,
    /// A container image (`aquasec/trivy:0.50`).
    Image,
    /// A GitLab CI `include` (template, component, project file).
    Gitlab,
    /// A CircleCI orb command or job (`snyk/scan`).
    Orb,
    /// An Azure Pipelines task (`SonarQubeAnalyze@5`).
    Azure,
    /// A Jenkins pipeline step (`withSonarQubeEnv`).
    Jenkins,
    /// A Bitbucket pipe (`atlassian/snyk-scan:1.0.0`).
    Bitbucket,
    /// A Tekton task a pipeline refers to by name (`buildah-oci-ta`, `golang-test`).
    Tekton,
    /// A pre-commit hook id.
    PreCommit,
    /// A Super-Linter `VALIDATE_<NAME>` or MegaLinter linter name.
    Linter,
}

impl Reference {
    /// The `form` of a tool use found this way.
    pub fn form(self) -> &'static str {
        match self {
            Reference::Action => "action",
            Reference::Image => "image",
            Reference::Gitlab => "template",
            Reference::Orb => "orb",
            Reference::Azure => "task",
            Reference::Jenkins => "step",
            Reference::Bitbucket => "pipe",
            Reference::Tekton => "task",
            Reference::PreCommit => "hook",
            Reference::Linter => "linter",
        }
    }
}

/// The catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    tools: Vec<Tool>,
    /// Command patterns by program: (tool index, pattern index).
    by_program: HashMap<String, Vec<(usize, usize)>>,
    /// Words in the names of targets, scripts, sessions, recipes, jobs and steps that say
    /// what they run, by kind.
    pub names: Names,
}

/// What a name says it runs, when what it runs cannot be read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Name globs (lower case) that run tests: `test`, `test:*`, `unit`.
    #[serde(default)]
    pub test: Vec<String>,
    /// Name globs that lint.
    #[serde(default)]
    pub lint: Vec<String>,
    /// Name globs that measure coverage.
    #[serde(default)]
    pub coverage: Vec<String>,
    /// Name globs that deploy.
    #[serde(default)]
    pub deploy: Vec<String>,
    /// Name globs that release or publish.
    #[serde(default)]
    pub release: Vec<String>,
}

impl Names {
    /// The kinds a target, script, session or recipe name says it runs (`test:unit` tests).
    pub fn kinds_of(&self, name: &str) -> Vec<&'static str> {
        let lower = name.to_ascii_lowercase();
        let mut out = Vec::new();
        for (kind, globs) in [
            (kinds::TEST, &self.test),
            (kinds::LINT, &self.lint),
            (kinds::COVERAGE, &self.coverage),
            (kinds::DEPLOY, &self.deploy),
            (kinds::RELEASE, &self.release),
        ] {
            if globs.iter().any(|g| word_glob(g, &lower)) {
                out.push(kind);
            }
        }
        out
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    schema: u32,
    #[serde(default)]
    names: Names,
    #[serde(rename = "tool", default)]
    tools: Vec<RawTool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTool {
    id: String,
    name: String,
    kinds: Vec<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    commands: Vec<RawForm>,
    #[serde(default)]
    actions: Vec<RawForm>,
    #[serde(default)]
    images: Vec<RawForm>,
    #[serde(default)]
    gitlab: Vec<RawForm>,
    #[serde(default)]
    orbs: Vec<RawForm>,
    #[serde(default)]
    azure: Vec<RawForm>,
    #[serde(default)]
    jenkins: Vec<RawForm>,
    #[serde(default)]
    bitbucket: Vec<RawForm>,
    #[serde(default)]
    tekton: Vec<RawForm>,
    #[serde(default)]
    pre_commit: Vec<RawForm>,
    #[serde(default)]
    linters: Vec<RawForm>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawForm {
    Plain(String),
    WithKinds {
        #[serde(alias = "run", alias = "uses", alias = "image", alias = "include", alias = "name")]
        value: String,
        kinds: Vec<String>,
    },
}

impl RawForm {
    fn split(self) -> (String, Option<Vec<String>>) {
        match self {
            RawForm::Plain(value) => (value, None),
            RawForm::WithKinds { value, kinds } => (value, Some(kinds)),
        }
    }
}

fn check_kinds(problems: &mut Vec<String>, id: &str, list: &[String], what: &str) {
    for k in list {
        if !kinds::ALL.contains(&k.as_str()) {
            problems.push(format!("tool `{id}`: {what} has unknown kind `{k}`"));
        }
    }
}

/// A catalogue that does not load: every problem found, in one message per line.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct CatalogueError(pub Vec<String>);

impl Catalogue {
    /// The built-in catalogue (checked by the tests, so it always loads).
    pub fn builtin() -> &'static Catalogue {
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN.get_or_init(|| Catalogue::parse(SOURCE).expect("the built-in catalogue is valid (tested)"))
    }

    /// Reads a catalogue, checking every entry: known kinds, unique ids, valid patterns.
    pub fn parse(source: &str) -> Result<Catalogue, CatalogueError> {
        let raw: RawCatalogue = toml::from_str(source).map_err(|e| CatalogueError(vec![e.to_string()]))?;
        let mut problems = Vec::new();
        if raw.schema != 1 {
            problems.push(format!("schema {} is not known (1 is)", raw.schema));
        }
        let mut tools = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        for t in raw.tools {
            if seen.insert(t.id.clone(), ()).is_some() {
                problems.push(format!("tool `{}` is listed twice", t.id));
            }
            if t.kinds.is_empty() {
                problems.push(format!("tool `{}` has no kind", t.id));
            }
            check_kinds(&mut problems, &t.id, &t.kinds, "kinds");
            let id = t.id.clone();
            let mut forms = |list: Vec<RawForm>, lower: bool| -> Vec<Form<String>> {
                list.into_iter()
                    .map(|f| {
                        let (value, kinds) = f.split();
                        if let Some(k) = &kinds {
                            check_kinds(&mut problems, &id, k, &format!("`{value}`"));
                        }
                        Form { value: if lower { value.to_ascii_lowercase() } else { value }, kinds }
                    })
                    .collect()
            };
            let raw_commands = forms(t.commands, false);
            let actions = forms(t.actions, true);
            let images = forms(t.images, true);
            let gitlab = forms(t.gitlab, true);
            let orbs = forms(t.orbs, true);
            let azure = forms(t.azure, true);
            let jenkins = forms(t.jenkins, true);
            let bitbucket = forms(t.bitbucket, true);
            let tekton = forms(t.tekton, true);
            let pre_commit = forms(t.pre_commit, false);
            let linters = forms(t.linters, false);
            let mut commands = Vec::new();
            for form in raw_commands {
                match Pattern::parse(&form.value) {
                    Some(pattern) => commands.push(Form { value: pattern, kinds: form.kinds }),
                    None => problems.push(format!("tool `{}`: `{}` is not a command pattern", t.id, form.value)),
                }
            }
            tools.push(Tool {
                id: t.id,
                name: t.name,
                kinds: t.kinds,
                url: t.url,
                commands,
                actions,
                images,
                gitlab: gitlab.into_iter().map(|f| Form { value: gitlab_name(&f.value), kinds: f.kinds }).collect(),
                orbs,
                azure,
                jenkins,
                bitbucket,
                tekton,
                pre_commit,
                linters: linters
                    .into_iter()
                    .map(|f| Form { value: f.value.to_ascii_uppercase(), kinds: f.kinds })
                    .collect(),
            });
        }
        if !problems.is_empty() {
            return Err(CatalogueError(problems));
        }
        let mut by_program: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (t, tool) in tools.iter().enumerate() {
            for (p, form) in tool.commands.iter().enumerate() {
                by_program.entry(form.value.program.clone()).or_default().push((t, p));
            }
        }
        Ok(Catalogue { tools, by_program, names: raw.names })
    }

    /// Every tool, in the catalogue's order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// A tool by id.
    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.id == id)
    }

    /// Whether some pattern's program is this one (for programs named by a variable).
    pub fn knows_program(&self, program: &str) -> bool {
        self.by_program.contains_key(program)
    }

    /// The tools a command runs. `argv[0]` is the program as written; wrappers must already
    /// be taken off (see [`crate::ci::shell`]). A tool matched by several of its patterns is
    /// given once, with the kinds of the first (most specific first in the catalogue).
    pub fn command(&self, argv: &[String]) -> Vec<Match<'_>> {
        let Some(first) = argv.first() else { return Vec::new() };
        // `trivy --version`, `shellcheck --help`: asking a tool about itself runs nothing.
        if argv.len() > 1
            && argv[1..]
                .iter()
                .all(|a| matches!(a.as_str(), "--version" | "-v" | "-V" | "version" | "--help" | "-h" | "help"))
        {
            return Vec::new();
        }
        let program = program_name(first);
        let mut out: Vec<Match> = Vec::new();
        for &(t, p) in self.by_program.get(&program).map(Vec::as_slice).unwrap_or_default() {
            let tool = &self.tools[t];
            let form = &tool.commands[p];
            if out.iter().any(|m| m.tool.id == tool.id) {
                continue;
            }
            if form.value.matches(&program, &argv[1..]) {
                out.push(Match { tool, kinds: form.kinds.as_deref().unwrap_or(&tool.kinds) });
            }
        }
        out
    }

    /// The tools a name spells out word for word (`reusable-dependency-review`,
    /// `scorecards`, `codeql-analysis`): the words of a tool's id, in order, each perhaps
    /// plural. Ids that are everyday words (`kind`, `safety`) are left out.
    pub fn named_in(&self, name: &str) -> Vec<&Tool> {
        const EVERYDAY: &[&str] =
            &["kind", "safety", "mend", "aqua", "bats", "black", "tox", "nox", "fuzzing", "pre-commit"];
        let words = kaizen_evidence::ci::words_of_name(name);
        let fits = |wanted: &str, word: &str| word == wanted || word.strip_suffix('s') == Some(wanted);
        self.tools
            .iter()
            .filter(|tool| !EVERYDAY.contains(&tool.id.as_str()))
            .filter(|tool| {
                let id: Vec<&str> = tool.id.split('-').collect();
                words.windows(id.len()).any(|w| w.iter().zip(&id).all(|(word, wanted)| fits(wanted, word)))
            })
            .collect()
    }

    /// The tools a reference names.
    pub fn reference(&self, how: Reference, text: &str) -> Vec<Match<'_>> {
        let key = reference_key(how, text);
        if key.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<Match> = Vec::new();
        for tool in &self.tools {
            let forms = match how {
                Reference::Action => &tool.actions,
                Reference::Image => &tool.images,
                Reference::Gitlab => &tool.gitlab,
                Reference::Orb => &tool.orbs,
                Reference::Azure => &tool.azure,
                Reference::Jenkins => &tool.jenkins,
                Reference::Bitbucket => &tool.bitbucket,
                Reference::Tekton => &tool.tekton,
                Reference::PreCommit => &tool.pre_commit,
                Reference::Linter => &tool.linters,
            };
            if let Some(form) = forms.iter().find(|f| reference_matches(how, &f.value, &key)) {
                out.push(Match { tool, kinds: form.kinds.as_deref().unwrap_or(&tool.kinds) });
            }
        }
        out
    }
}

impl Tool {
    /// Every way it shows up, for listings: (form, pattern or name).
    pub fn forms(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        out.extend(self.commands.iter().map(|f| ("command", f.value.to_string())));
        for (how, list) in [
            (Reference::Action, &self.actions),
            (Reference::Image, &self.images),
            (Reference::Gitlab, &self.gitlab),
            (Reference::Orb, &self.orbs),
            (Reference::Azure, &self.azure),
            (Reference::Jenkins, &self.jenkins),
            (Reference::Bitbucket, &self.bitbucket),
            (Reference::Tekton, &self.tekton),
            (Reference::PreCommit, &self.pre_commit),
            (Reference::Linter, &self.linters),
        ] {
            out.extend(list.iter().map(|f| (how.form(), f.value.clone())));
        }
        out
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.program)?;
        for w in &self.words {
            write!(f, " {w}")?;
        }
        for o in &self.options {
            write!(f, " {o}")?;
        }
        for b in &self.forbidden {
            write!(f, " !{b}")?;
        }
        Ok(())
    }
}

impl Pattern {
    fn parse(text: &str) -> Option<Pattern> {
        let mut parts = text.split_whitespace();
        let program = parts.next()?.to_ascii_lowercase();
        let mut pattern = Pattern { program, words: Vec::new(), options: Vec::new(), forbidden: Vec::new() };
        for part in parts {
            if let Some(bad) = part.strip_prefix('!') {
                if bad.is_empty() {
                    return None;
                }
                pattern.forbidden.push(bad.to_owned());
            } else if part.starts_with('-') {
                pattern.options.push(part.to_owned());
            } else {
                pattern.words.push(part.to_owned());
            }
        }
        Some(pattern)
    }

    /// Whether `args` (the words after a program named `program`) fit the pattern.
    fn matches(&self, program: &str, args: &[String]) -> bool {
        let many_goals = MULTI_GOAL.contains(&program);
        let mut next = 0;
        let mut after_option = false;
        for wanted in &self.words {
            loop {
                let Some(word) = args.get(next) else { return false };
                next += 1;
                if word == "--" {
                    // What follows goes to the program being run (`cargo run -- test`).
                    return false;
                }
                if is_word(wanted, word, program) {
                    after_option = false;
                    break;
                }
                if word.starts_with('-') || word.starts_with('+') {
                    after_option = !word.contains('=');
                } else if after_option || many_goals {
                    after_option = false;
                } else {
                    return false;
                }
            }
        }
        let has_option = |option: &str| {
            args.iter().any(|w| word_glob(option, w) || (w.starts_with(option) && w[option.len()..].starts_with('=')))
        };
        self.options.iter().all(|o| has_option(o))
            && self.forbidden.iter().all(|bad| !args.iter().any(|w| w.starts_with(bad.as_str())))
    }
}

fn is_word(wanted: &str, word: &str, program: &str) -> bool {
    // Gradle tasks may be qualified by their project: `:app:test`.
    word_glob(wanted, word)
        || (program == "gradle" && word.contains(':') && word_glob(wanted, word.rsplit(':').next().unwrap_or(word)))
}

/// The program a word names: its file name, lower case, without a Windows extension, with
/// aliases resolved (`./gradlew` is `gradle`, `python3.12` is `python`).
pub fn program_name(word: &str) -> String {
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let mut name = base.to_ascii_lowercase();
    for extension in [".exe", ".cmd", ".bat", ".ps1"] {
        if let Some(stem) = name.strip_suffix(extension) {
            name = stem.to_owned();
            break;
        }
    }
    let alias = match name.as_str() {
        "gradlew" => "gradle",
        "mvnw" => "mvn",
        "py.test" => "pytest",
        "bazelisk" => "bazel",
        "flyctl" => "fly",
        "py" => "python",
        "pip3" => "pip",
        "docker-compose" => "docker-compose",
        _ if name.starts_with("python") && name[6..].chars().all(|c| c.is_ascii_digit() || c == '.') => "python",
        _ => return name,
    };
    alias.to_owned()
}

/// A glob over one word: `*` any run of characters, `?` one, `{a,b}` alternatives.
pub fn word_glob(pattern: &str, word: &str) -> bool {
    if let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}')) {
        if open < close {
            let (head, rest) = pattern.split_at(open);
            let (alternatives, tail) = rest[1..].split_at(close - open - 1);
            let tail = &tail[1..];
            return alternatives.split(',').any(|a| word_glob(&format!("{head}{a}{tail}"), word));
        }
    }
    fn glob(p: &[u8], w: &[u8]) -> bool {
        match (p.first(), w.first()) {
            (None, None) => true,
            (Some(b'*'), _) => glob(&p[1..], w) || (!w.is_empty() && glob(p, &w[1..])),
            (Some(b'?'), Some(_)) => glob(&p[1..], &w[1..]),
            (Some(a), Some(b)) if a == b => glob(&p[1..], &w[1..]),
            _ => false,
        }
    }
    glob(pattern.as_bytes(), word.as_bytes())
}

/// A GitLab include's name: the last path segment of a template or component, lower case,
/// without `.gitlab-ci.yml`, `.latest`, a version or a `.yml` suffix.
fn gitlab_name(include: &str) -> String {
    let lower = include.trim().to_ascii_lowercase();
    let lower = lower.split('@').next().unwrap_or(&lower);
    let name = lower.trim_end_matches('/').rsplit('/').next().unwrap_or(lower);
    let name = name.trim_end_matches(".gitlab-ci.yml").trim_end_matches(".yml").trim_end_matches(".yaml");
    name.trim_end_matches(".latest").to_owned()
}

/// What of a reference is compared with the catalogue's entries.
fn reference_key(how: Reference, text: &str) -> String {
    let text = text.trim();
    match how {
        Reference::Action => {
            let lower = text.to_ascii_lowercase();
            lower.split('@').next().unwrap_or("").trim_end_matches('/').to_owned()
        }
        Reference::Image | Reference::Bitbucket => image_repository(text),
        Reference::Gitlab => gitlab_name(text),
        Reference::Orb => text.to_ascii_lowercase(),
        Reference::Azure => text.to_ascii_lowercase().split('@').next().unwrap_or("").to_owned(),
        Reference::Jenkins | Reference::Tekton => text.to_ascii_lowercase(),
        Reference::PreCommit => text.to_owned(),
        Reference::Linter => text.to_ascii_uppercase(),
    }
}

/// An image reference without its tag or digest and without Docker Hub's default prefixes.
fn image_repository(image: &str) -> String {
    let lower = image.trim().to_ascii_lowercase();
    let lower = lower.strip_prefix("docker://").unwrap_or(&lower);
    let without_digest = lower.split('@').next().unwrap_or("");
    // A tag is after the last colon, unless that colon belongs to a registry's port.
    let repository = match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    };
    let repository = repository.strip_prefix("docker.io/").unwrap_or(repository);
    let repository = repository.strip_prefix("index.docker.io/").unwrap_or(repository);
    repository.strip_prefix("library/").unwrap_or(repository).to_owned()
}

fn reference_matches(how: Reference, entry: &str, key: &str) -> bool {
    match how {
        // `snyk/actions` covers `snyk/actions/node`; `github/codeql-action/analyze` is
        // exactly that action, not `github/codeql-action/upload-sarif`.
        Reference::Action | Reference::Image | Reference::Bitbucket => {
            key == entry || (key.len() > entry.len() && key.starts_with(entry) && key.as_bytes()[entry.len()] == b'/')
        }
        // `node/` covers every command and job of the orb.
        Reference::Orb => key == entry || (entry.ends_with('/') && key.starts_with(entry)),
        // Task names carry their variant (`buildah-remote-oci-ta`): globs.
        Reference::Tekton => word_glob(entry, key),
        _ => key == entry,
    }
}

#[cfg(test)]
mod tests;
