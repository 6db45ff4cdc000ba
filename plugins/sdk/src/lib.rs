//! Write Kaizen plugins in plain Rust.
//!
//! A Kaizen plugin is a WebAssembly command module (`wasm32-wasi`, preview 1). The engine
//! runs it once per target: it writes one JSON [`Request`] to the plugin's stdin, shows the
//! target repository read-only under `/repo`, and reads one JSON [`Response`] from its
//! stdout. This crate holds the types of that protocol (version [`API_VERSION`]) and helpers
//! for the common chores, so a plugin is one function:
//!
//! ```no_run
//! use kaizen_plugin_sdk::{Finding, Request, Response, Result};
//!
//! fn judge(request: &Request) -> Result<Response> {
//!     let mut response = Response::new();
//!     let has_readme = request.files.iter().any(|f| f.path.eq_ignore_ascii_case("README.md"));
//!     response.push(if has_readme {
//!         Finding::pass("readme-present", "README.md is present").with_evidence_path("README.md")
//!     } else {
//!         Finding::fail("readme-present", "no README.md at the repository root")
//!     });
//!     response.fact("docs.readme", has_readme);
//!     Ok(response)
//! }
//!
//! kaizen_plugin_sdk::main!(judge);
//! ```
//!
//! The evidence the engine collected is read typed: [`Request::git`] gives the
//! [`git::GitFacts`], [`Request::pipelines`] the [`runs::PipelineRuns`] and
//! [`Request::cloud`] the [`cloud::Inventory`], the very types the engine writes them from
//! (the `kaizen-evidence` crate, re-exported here), so a field renamed on one side cannot go
//! missing silently on the other. They are read when asked for, so a plugin that does not
//! ask carries none of their code.
//!
//! The crate compiles with Rust 1.63 (Debian's `wasm32-wasi` toolchain) and with current
//! stable (`wasm32-wasip1`). Its dependencies are `serde`, `serde_json` and
//! `kaizen-evidence` (serde only), the types of the evidence the host hands over, shared
//! with the engine.
//!
//! # The repository's own files
//!
//! The host gives every file a [`Role`]: the repository's own, an example, a test fixture,
//! vendored, generated or documentation. [`Request::files_matching`] and
//! [`Request::documents_matching`] give the repository's own files only, which is what most
//! checks should judge; [`Request::all_files_matching`] and
//! [`Request::all_documents_matching`] give every file, and [`Request::not_own`] says what
//! was left out, for messages ("2 example pipelines ignored").
//!
//! # Lines
//!
//! Parsed YAML documents carry the line of every key and item: [`Document::line_of`] and
//! [`Document::line_at`] give a node's line without reading the file again.
//!
//! # The CI model
//!
//! A plugin that sets `inputs.ci` reads, with [`Request::ci`], what the host understood of
//! the repository's CI: the pipelines each CI system reads as the repository's own, their
//! jobs and steps, every command as an argument vector, and the tools of the catalogue they
//! run ([`ToolUse`]), each with its line.
//!
//! # Compatibility
//!
//! | SDK version | protocol (`api`) | Kaizen engine |
//! | --- | --- | --- |
//! | 0.1 | 1 | 0.1 and later |
//! | 0.2 | 1 | 0.1 and later |
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};

pub use kaizen_evidence as evidence;
pub use kaizen_evidence::ci::{Ci, ToolUse};
pub use kaizen_evidence::roles::Role;
pub use kaizen_evidence::{cloud, git, runs};
pub use serde_json::{self, json, Value};

/// The protocol version this SDK speaks. The engine refuses a response with another one.
pub const API_VERSION: u32 = 1;

/// Where the target repository is mounted inside the sandbox.
pub const REPO_ROOT: &str = "/repo";

/// The result type of a plugin's entry function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the engine sends a plugin: one target and the evidence the manifest asked for.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Request {
    /// The protocol version of this request ([`API_VERSION`]).
    pub api: u32,
    /// The version of the engine that sent it.
    #[serde(default)]
    pub kaizen_version: String,
    /// The plugin being run, as the engine's registry knows it.
    pub plugin: PluginInfo,
    /// The target being assessed.
    pub target: Target,
    /// Files of the target matching the manifest's `inputs.files` and `inputs.parse` globs,
    /// sorted by path. Paths are relative to the repository root, with `/` separators.
    #[serde(default)]
    pub files: Vec<FileEntry>,
    /// Documents the engine parsed for this plugin (`inputs.parse`), one entry per
    /// document: a multi-document YAML file gives several entries with rising `index`.
    #[serde(default)]
    pub documents: Vec<Document>,
    /// The git facts as sent: read them with [`Request::git`].
    #[serde(default)]
    git: Option<Value>,
    /// The pipeline runs as sent: read them with [`Request::pipelines`].
    #[serde(default)]
    pipelines: Option<Value>,
    /// The cloud inventory as sent: read it with [`Request::cloud`].
    #[serde(default)]
    cloud: Option<Value>,
    /// The CI model as sent: read it with [`Request::ci`].
    #[serde(default)]
    ci: Option<Value>,
    /// The plugin's own configuration from the assessment file (an empty object if none).
    #[serde(default)]
    pub config: Value,
}

/// The plugin's identity as the engine knows it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct PluginInfo {
    /// The plugin's id from its manifest.
    pub id: String,
    /// The plugin's version from its manifest.
    pub version: String,
}

/// The target being assessed.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Target {
    /// A short display name (usually the repository's folder name).
    pub name: String,
    /// `git` for a git work tree, `directory` otherwise.
    pub kind: String,
    /// Where the target is mounted in the sandbox (always [`REPO_ROOT`] in protocol 1).
    pub root: String,
}

/// One file of the target.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct FileEntry {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// What the file is to the repository.
    #[serde(default)]
    pub role: Role,
}

/// One parsed document, or the reason it could not be parsed.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Document {
    /// Path of the file relative to the repository root.
    pub path: String,
    /// The format it was parsed as: `yaml`, `json`, `toml`, `hcl`, `dockerfile` or
    /// `jenkinsfile`.
    pub format: String,
    /// Position of the document inside its file (0 for single-document formats).
    #[serde(default)]
    pub index: usize,
    /// What its file is to the repository.
    #[serde(default)]
    pub role: Role,
    /// A Helm chart's template, which the host read with its template actions (`{{ … }}`)
    /// masked: its kinds and keys are there, the values the chart computes read `TEMPLATED`.
    #[serde(default)]
    pub templated: bool,
    /// The document as a JSON value, when it parsed.
    #[serde(default)]
    pub value: Option<Value>,
    /// Why it did not parse, when it did not.
    #[serde(default)]
    pub error: Option<ParseError>,
    /// The line of each node of `value`, depth first, when the format records them (see
    /// [`evidence::positions`]); use [`Document::line_of`] and [`Document::line_at`].
    #[serde(default)]
    pub lines: Option<Vec<u32>>,
}

impl Document {
    /// The line of the node a JSON Pointer names (`/jobs/test/steps/2/run`), when the
    /// host recorded it.
    ///
    /// ```
    /// # use kaizen_plugin_sdk::{Document, json};
    /// let doc: Document = kaizen_plugin_sdk::serde_json::from_value(json!({
    ///     "path": "ci.yml", "format": "yaml",
    ///     "value": {"jobs": {"test": {"run": "make"}}}, "lines": [1, 1, 2, 3]
    /// })).unwrap();
    /// assert_eq!(doc.line_of("/jobs/test/run"), Some(3));
    /// ```
    pub fn line_of(&self, pointer: &str) -> Option<u32> {
        let (value, lines) = (self.value.as_ref()?, self.lines.as_ref()?);
        evidence::positions::line_of_pointer(value, lines, pointer)
    }

    /// The line of `node`, a reference into this document's `value`.
    pub fn line_at(&self, node: &Value) -> Option<u32> {
        let (value, lines) = (self.value.as_ref()?, self.lines.as_ref()?);
        evidence::positions::line_of_node(value, lines, node)
    }

    /// Whether the document's file is the repository's own.
    pub fn is_own(&self) -> bool {
        self.role.is_own()
    }
}

/// Why a document did not parse.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ParseError {
    /// What the parser said.
    pub message: String,
    /// 1-based line of the problem, when known.
    #[serde(default)]
    pub line: Option<u32>,
    /// 1-based column of the problem, when known.
    #[serde(default)]
    pub column: Option<u32>,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The practice is in place.
    Pass,
    /// The practice is missing.
    Fail,
    /// The practice is partly in place or has a problem worth a look.
    Warn,
    /// The check does not apply to this target (no evidence can be seen either way).
    NotApplicable,
}

/// Where a finding's evidence is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evidence {
    /// Path relative to the repository root. The engine drops evidence pointing outside it.
    pub path: String,
    /// 1-based line, when the evidence is a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What this piece of evidence shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A short excerpt. Never put a secret here unredacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

impl Evidence {
    /// Evidence that is a whole file.
    pub fn file(path: impl Into<String>) -> Self {
        Evidence { path: path.into(), line: None, message: None, snippet: None }
    }

    /// Evidence that is one line of a file.
    pub fn line(path: impl Into<String>, line: u32) -> Self {
        Evidence { line: Some(line), ..Evidence::file(path) }
    }

    /// Adds what this piece of evidence shows.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Adds a short excerpt.
    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Self {
        self.snippet = Some(snippet.into());
        self
    }
}

/// The result of one check on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// The check's id, as declared in the manifest's `[[checks]]`.
    pub check: String,
    /// The outcome.
    pub status: Status,
    /// How far the practice is in place, from 0 to 1, for checks that can pass partly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// One sentence a person can read in the report.
    pub message: String,
    /// Where the evidence is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// A finding with the given status.
    pub fn new(check: impl Into<String>, status: Status, message: impl Into<String>) -> Self {
        Finding { check: check.into(), status, score: None, message: message.into(), evidence: Vec::new() }
    }

    /// A passing finding.
    pub fn pass(check: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(check, Status::Pass, message)
    }

    /// A failing finding.
    pub fn fail(check: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(check, Status::Fail, message)
    }

    /// A warning: partly in place, or worth a look.
    pub fn warn(check: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(check, Status::Warn, message)
    }

    /// The check does not apply to this target.
    pub fn not_applicable(check: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(check, Status::NotApplicable, message)
    }

    /// Sets the partial score, clamped to 0..=1.
    pub fn with_score(mut self, score: f64) -> Self {
        self.score = Some(if score.is_nan() { 0.0 } else { score.clamp(0.0, 1.0) });
        self
    }

    /// Adds one piece of evidence.
    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }

    /// Adds a whole file as evidence.
    pub fn with_evidence_path(self, path: impl Into<String>) -> Self {
        self.with_evidence(Evidence::file(path))
    }
}

/// What a plugin answers: its findings and facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Response {
    /// The protocol version of this response ([`API_VERSION`]).
    pub api: u32,
    /// One finding per check the plugin could judge.
    pub findings: Vec<Finding>,
    /// Machine-readable facts, keyed by dotted names such as `ci.systems`.
    pub facts: BTreeMap<String, Value>,
}

impl Default for Response {
    fn default() -> Self {
        Response::new()
    }
}

impl Response {
    /// An empty response of the current protocol version.
    pub fn new() -> Self {
        Response { api: API_VERSION, findings: Vec::new(), facts: BTreeMap::new() }
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Sets a fact.
    pub fn fact(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.facts.insert(name.into(), value.into());
    }
}

/// An error a plugin returns: the engine reports it with the plugin's id.
#[derive(Debug)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        Error { message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Self {
        Error::new(format!("I/O error: {}", error))
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::new(format!("JSON error: {}", error))
    }
}

impl Request {
    /// Parses a request from its JSON text (what the engine writes to stdin).
    pub fn from_json(text: &str) -> Result<Request> {
        Ok(serde_json::from_str(text)?)
    }

    /// The target's git facts, when the manifest sets `inputs.git = true` and the target is
    /// a git repository.
    ///
    /// ```
    /// # let request = kaizen_plugin_sdk::Request::from_json(
    /// #     r#"{"api":1,"plugin":{"id":"x","version":"1"},"target":{"name":"t","kind":"directory","root":"/repo"}}"#,
    /// # ).unwrap();
    /// match request.git()? {
    ///     Some(git) => println!("{} commits, {} release tags", git.commits.count, git.tags_in_window),
    ///     None => println!("not a git repository"),
    /// }
    /// # Ok::<(), kaizen_plugin_sdk::Error>(())
    /// ```
    pub fn git(&self) -> Result<Option<git::GitFacts>> {
        typed("git", &self.git)
    }

    /// The target's pipeline runs, when the manifest sets `inputs.pipelines = true` and
    /// runs were given for the target.
    pub fn pipelines(&self) -> Result<Option<runs::PipelineRuns>> {
        typed("pipelines", &self.pipelines)
    }

    /// The cloud account's inventory, when the manifest sets `inputs.cloud = true` and the
    /// target is a cloud account (`target.kind` is `cloud`).
    pub fn cloud(&self) -> Result<Option<cloud::Inventory>> {
        typed("cloud", &self.cloud)
    }

    /// The repository's CI definitions as the host understood them (pipelines, jobs,
    /// commands as argument vectors, the tools of the catalogue they run, each with its
    /// line), when the manifest sets `inputs.ci`.
    pub fn ci(&self) -> Result<Option<Ci>> {
        typed("ci", &self.ci)
    }

    /// Reads a file of the target as text, by its path relative to the repository root.
    ///
    /// Invalid UTF-8 is replaced rather than refused, since evidence search is best effort.
    pub fn read_file(&self, path: &str) -> Result<String> {
        let full = format!("{}/{}", self.target.root.trim_end_matches('/'), path.trim_start_matches('/'));
        let bytes = std::fs::read(&full).map_err(|e| Error::new(format!("cannot read {}: {}", path, e)))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The parsed documents of the repository's own files whose path matches a glob (see
    /// [`glob_match`]).
    pub fn documents_matching<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a Document> + 'a {
        self.all_documents_matching(pattern).filter(|d| d.role.is_own())
    }

    /// The repository's own files whose path matches a glob (see [`glob_match`]).
    pub fn files_matching<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a FileEntry> + 'a {
        self.all_files_matching(pattern).filter(|f| f.role.is_own())
    }

    /// Every parsed document whose path matches a glob, whatever its file's role. A plugin
    /// whose manifest sets `own_documents_only = true` receives no documents of files that
    /// are not the repository's own, so this is then the same as
    /// [`Request::documents_matching`].
    pub fn all_documents_matching<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a Document> + 'a {
        self.documents.iter().filter(move |d| glob_match(pattern, &d.path))
    }

    /// Every file whose path matches a glob, whatever its role.
    pub fn all_files_matching<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a FileEntry> + 'a {
        self.files.iter().filter(move |f| glob_match(pattern, &f.path))
    }

    /// The files matching a glob that are not the repository's own, for saying what was
    /// left out.
    pub fn not_own<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a FileEntry> + 'a {
        self.all_files_matching(pattern).filter(|f| !f.role.is_own())
    }

    /// The role of a file of the request (own when the request does not list it).
    pub fn role_of(&self, path: &str) -> Role {
        self.files.iter().find(|f| f.path == path).map(|f| f.role).unwrap_or_default()
    }
}

/// A field of the request read as its type: absent or `null` is `None`.
fn typed<T: serde::de::DeserializeOwned>(field: &str, value: &Option<Value>) -> Result<Option<T>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::deserialize(value)
            .map(Some)
            .map_err(|e| Error::new(format!("the request's `{}` field is not what this SDK reads: {}", field, e))),
    }
}

/// Matches a `/`-separated path against a glob: `*` matches within one path segment, `**`
/// matches any number of segments, `?` one character, `{a,b}` alternatives. Matching is
/// case-sensitive, as the engine's.
///
/// ```
/// use kaizen_plugin_sdk::glob_match;
/// assert!(glob_match(".github/workflows/*.{yml,yaml}", ".github/workflows/ci.yml"));
/// assert!(glob_match("**/Dockerfile", "services/api/Dockerfile"));
/// assert!(glob_match("**/Dockerfile", "Dockerfile"));
/// assert!(!glob_match("*.yml", "nested/ci.yml"));
/// ```
pub fn glob_match(pattern: &str, path: &str) -> bool {
    // Plugins match every path of a large repository against their globs, so a pattern
    // without alternatives is matched in place, without allocating.
    if !last_segment_may_match(pattern.as_bytes(), path.as_bytes()) {
        return false;
    }
    if !pattern.contains('{') {
        return match_segments(Some(pattern), Some(path));
    }
    expand_braces(pattern).iter().any(|p| match_segments(Some(p), Some(path)))
}

/// The part of a `/`-separated path after its last `/`.
fn last_segment(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// A quick test that rules out most paths: unless the pattern ends in `**`, its last
/// segment must match the path's last segment (`**/Jenkinsfile` cannot match
/// `src/index.js`). `false` only when the pattern cannot match; `true` when it may, or when
/// its braces make the test too involved (they must all sit in the last segment).
fn last_segment_may_match(pattern: &[u8], path: &[u8]) -> bool {
    let last = last_segment(pattern);
    let text = last_segment(path);
    let before = &pattern[..pattern.len() - last.len()];
    if before.contains(&b'{') || before.contains(&b'}') {
        return true;
    }
    let open = match last.iter().position(|&b| b == b'{') {
        Some(i) => i,
        None => return last == b"**" || last.contains(&b'}') || match_segment(last, text),
    };
    let close = match last[open..].iter().position(|&b| b == b'}') {
        Some(i) => open + i,
        None => return true,
    };
    let (head, alternatives, tail) = (&last[..open], &last[open + 1..close], &last[close + 1..]);
    if alternatives.contains(&b'{') || tail.contains(&b'{') || tail.contains(&b'}') {
        return true;
    }
    let mut buffer = [0u8; 256];
    alternatives.split(|&b| b == b',').any(|alternative| {
        let n = head.len() + alternative.len() + tail.len();
        if n > buffer.len() {
            return true;
        }
        buffer[..head.len()].copy_from_slice(head);
        buffer[head.len()..head.len() + alternative.len()].copy_from_slice(alternative);
        buffer[head.len() + alternative.len()..n].copy_from_slice(tail);
        let segment = &buffer[..n];
        segment == b"**" || match_segment(segment, text)
    })
}

fn expand_braces(pattern: &str) -> Vec<String> {
    let open = match pattern.find('{') {
        Some(i) => i,
        None => return vec![pattern.to_string()],
    };
    let close = match pattern[open..].find('}') {
        Some(i) => open + i,
        None => return vec![pattern.to_string()],
    };
    let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
    pattern[open + 1..close].split(',').flat_map(|alt| expand_braces(&format!("{}{}{}", head, alt, tail))).collect()
}

/// The first `/`-separated segment of `segments` and the rest, if any.
fn split_segment(segments: &str) -> (&str, Option<&str>) {
    // A plain loop: paths are short, and `find` costs more to set up on WebAssembly.
    match segments.bytes().position(|b| b == b'/') {
        Some(i) => (&segments[..i], Some(&segments[i + 1..])),
        None => (segments, None),
    }
}

/// Whether the segments of `path` match those of `pattern` (`None`: no segments left).
fn match_segments(pattern: Option<&str>, path: Option<&str>) -> bool {
    let (first, rest) = match pattern {
        None => return path.is_none(),
        Some(pattern) => split_segment(pattern),
    };
    if first == "**" {
        // Any number of segments, none included.
        let mut path = path;
        loop {
            if match_segments(rest, path) {
                return true;
            }
            match path {
                Some(segments) => path = split_segment(segments).1,
                None => return false,
            }
        }
    }
    match path.map(split_segment) {
        Some((segment, path_rest)) => {
            match_segment(first.as_bytes(), segment.as_bytes()) && match_segments(rest, path_rest)
        }
        None => false,
    }
}

fn match_segment(pat: &[u8], text: &[u8]) -> bool {
    match pat.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| match_segment(rest, &text[skip..])),
        Some((b'?', rest)) => !text.is_empty() && match_segment(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && match_segment(rest, &text[1..]),
    }
}

/// The 1-based line of the first line of `text` containing `needle`, for evidence.
///
/// ```
/// assert_eq!(kaizen_plugin_sdk::find_line("a\nrun: cargo test\n", "cargo test"), Some(2));
/// ```
pub fn find_line(text: &str, needle: &str) -> Option<u32> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    text.lines().position(|line| line.contains(needle)).map(|i| i as u32 + 1)
}

/// Runs a plugin: reads the request from stdin, calls `judge`, writes the response to stdout.
///
/// An error, an unreadable request or a panic ends the process with a non-zero exit code
/// and a message on stderr, which the engine reports with the plugin's id. Use [`main!`]
/// rather than calling this directly.
pub fn run<F>(judge: F) -> !
where
    F: FnOnce(&Request) -> Result<Response>,
{
    std::panic::set_hook(Box::new(|info| {
        // wasm32 has no unwinding: report the panic and exit instead of aborting, so the
        // engine sees a clean exit code and this message rather than a bare trap.
        let _ = writeln!(io::stderr(), "plugin panicked: {}", info);
        std::process::exit(101);
    }));
    let code = match run_inner(judge) {
        Ok(()) => 0,
        Err(error) => {
            let _ = writeln!(io::stderr(), "error: {}", error);
            1
        }
    };
    std::process::exit(code)
}

fn run_inner<F>(judge: F) -> Result<()>
where
    F: FnOnce(&Request) -> Result<Response>,
{
    let mut input = String::new();
    io::stdin().read_to_string(&mut input)?;
    let request = Request::from_json(&input)?;
    if request.api != API_VERSION {
        return Err(Error::new(format!(
            "this plugin speaks protocol {} but the engine sent protocol {}",
            API_VERSION, request.api
        )));
    }
    let response = judge(&request)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    serde_json::to_writer(&mut out, &response)?;
    out.flush()?;
    Ok(())
}

/// Declares the plugin's `main` function from its entry function.
///
/// ```no_run
/// fn judge(_: &kaizen_plugin_sdk::Request) -> kaizen_plugin_sdk::Result<kaizen_plugin_sdk::Response> {
///     Ok(kaizen_plugin_sdk::Response::new())
/// }
/// kaizen_plugin_sdk::main!(judge);
/// ```
#[macro_export]
macro_rules! main {
    ($judge:path) => {
        fn main() {
            $crate::run($judge)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("**/*.tf", "infra/main.tf"));
        assert!(glob_match("**/*.tf", "main.tf"));
        assert!(glob_match("a/**/b", "a/b"));
        assert!(glob_match("a/**/b", "a/x/y/b"));
        assert!(!glob_match("a/*/b", "a/x/y/b"));
        assert!(glob_match("Jenkinsfile*", "Jenkinsfile.release"));
        assert!(glob_match("{.gitlab-ci.yml,ci/*.yml}", "ci/x.yml"));
        assert!(!glob_match("?", "ab"));
    }

    #[test]
    fn request_roundtrip_tolerates_missing_optional_fields() {
        let r = Request::from_json(
            r#"{"api":1,"plugin":{"id":"x","version":"1"},"target":{"name":"t","kind":"directory","root":"/repo"}}"#,
        )
        .unwrap();
        assert!(r.documents.is_empty());
        assert!(r.git().unwrap().is_none());
    }

    #[test]
    fn score_is_clamped() {
        assert_eq!(Finding::pass("a", "b").with_score(3.0).score, Some(1.0));
        assert_eq!(Finding::pass("a", "b").with_score(f64::NAN).score, Some(0.0));
    }

    #[test]
    fn response_serialises_statuses_in_snake_case() {
        let mut r = Response::new();
        r.push(Finding::not_applicable("c", "m"));
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains("\"not_applicable\""), "{}", text);
    }
}
