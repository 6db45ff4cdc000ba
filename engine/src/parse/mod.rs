//! Host-side parsing: structured files become JSON values for plugins.
//!
//! The host parses each declared file once per target, natively and within limits, and
//! hands every plugin that asked for it the same documents (see "The host parses, plugins
//! judge" in the architecture). A file that does not parse yields a per-document error with
//! its position; a YAML bomb or a deeply nested document is such an error, never a hang.

pub mod dockerfile;
pub mod gomod;
pub mod jenkinsfile;
pub mod requirements;
pub mod xml;
pub mod yaml;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// Files larger than this are not parsed (the document carries an error instead).
pub const MAX_PARSE_BYTES: u64 = 10 << 20;
/// Deepest nesting of arrays and objects accepted in any format.
pub const MAX_DEPTH: usize = 64;
/// Most nodes one document may expand to (aliases included): the YAML-bomb guard.
pub const MAX_NODES: usize = 1_000_000;
/// Most documents one multi-document YAML file may hold.
pub const MAX_DOCUMENTS: usize = 1_000;

/// A format the host can parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// YAML 1.2, several documents per file.
    Yaml,
    /// JSON.
    Json,
    /// TOML.
    Toml,
    /// HashiCorp Configuration Language (Terraform).
    Hcl,
    /// Dockerfile instructions and build stages.
    Dockerfile,
    /// Jenkins pipelines (declarative and scripted Groovy DSL): stages, steps, triggers.
    Jenkinsfile,
    /// XML, as a tree of elements (`pom.xml`, `*.csproj`); DTDs are refused.
    Xml,
    /// Go module files (`go.mod`): module, Go version, requirements.
    GoMod,
    /// pip requirements files (`requirements*.txt`): requirements, includes, options.
    Requirements,
}

impl Format {
    /// Every format, in the order of [`Format::NAMES`].
    pub const ALL: [Format; 9] = [
        Format::Yaml,
        Format::Json,
        Format::Toml,
        Format::Hcl,
        Format::Dockerfile,
        Format::Jenkinsfile,
        Format::Xml,
        Format::GoMod,
        Format::Requirements,
    ];

    /// Every format's name as written in manifests.
    pub const NAMES: &'static [&'static str] =
        &["yaml", "json", "toml", "hcl", "dockerfile", "jenkinsfile", "xml", "go-mod", "requirements"];

    /// The name as written in manifests.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Toml => "toml",
            Format::Hcl => "hcl",
            Format::Dockerfile => "dockerfile",
            Format::Jenkinsfile => "jenkinsfile",
            Format::Xml => "xml",
            Format::GoMod => "go-mod",
            Format::Requirements => "requirements",
        }
    }
}

impl FromStr for Format {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "toml" => Format::Toml,
            "hcl" => Format::Hcl,
            "dockerfile" => Format::Dockerfile,
            "jenkinsfile" => Format::Jenkinsfile,
            "xml" => Format::Xml,
            "go-mod" => Format::GoMod,
            "requirements" => Format::Requirements,
            _ => return Err(()),
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a document did not parse, with a 1-based position when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// What the parser said.
    pub message: String,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), line: None, column: None }
    }
}

/// One document of a file: its value or why it did not parse.
pub type Parsed = Result<Value, Failure>;

/// One document of a file with the line of each of its nodes, depth first (see
/// [`kaizen_evidence::positions`]); the lines are empty for formats that do not record them.
pub type Located = Result<(Value, Vec<u32>), Failure>;

/// Parses a file's bytes in a format: one entry per document (several for YAML).
pub fn parse(format: Format, bytes: &[u8]) -> Vec<Parsed> {
    parse_located(format, bytes).into_iter().map(|d| d.map(|(value, _)| value)).collect()
}

/// Parses a Helm chart's template as YAML, its template actions masked
/// ([`yaml::mask_templates`]).
pub fn parse_helm_template(bytes: &[u8]) -> Vec<Located> {
    match std::str::from_utf8(bytes) {
        Ok(text) if bytes.len() as u64 <= MAX_PARSE_BYTES && !bytes[..bytes.len().min(8192)].contains(&0) => {
            parse_located(Format::Yaml, yaml::mask_templates(text).as_bytes())
        }
        _ => parse_located(Format::Yaml, bytes),
    }
}

/// Parses a file's bytes in a format, with the line of every node where the format's
/// parser records them (YAML).
pub fn parse_located(format: Format, bytes: &[u8]) -> Vec<Located> {
    if bytes.len() as u64 > MAX_PARSE_BYTES {
        return vec![Err(Failure::new(format!(
            "file is {} bytes, above the {MAX_PARSE_BYTES}-byte parse limit",
            bytes.len()
        )))];
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return vec![Err(Failure::new("binary file (a NUL byte in its first 8 KiB); not parsed"))];
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(e) => return vec![Err(Failure::new(format!("not UTF-8 text: {e}")))],
    };
    if matches!(format, Format::Yaml | Format::Json | Format::Toml | Format::Hcl | Format::Jenkinsfile) {
        if let Err(failure) = bracket_depth(text) {
            return vec![Err(failure)];
        }
    }
    let unlocated = |parsed: Parsed| parsed.map(|value| (value, Vec::new()));
    match format {
        Format::Yaml => yaml::parse(text),
        Format::Json => vec![unlocated(parse_json(text))],
        Format::Toml => vec![unlocated(parse_toml(text))],
        Format::Hcl => vec![unlocated(parse_hcl(text))],
        Format::Dockerfile => vec![unlocated(dockerfile::parse(text))],
        Format::Jenkinsfile => vec![unlocated(jenkinsfile::parse(text))],
        Format::Xml => vec![unlocated(xml::parse(text))],
        Format::GoMod => vec![unlocated(gomod::parse(text))],
        Format::Requirements => vec![unlocated(requirements::parse(text))],
    }
}

/// Deepest run of unclosed brackets (`[`, `{`, `(`) a text may open before any parser
/// sees it. Counted naively (brackets inside strings count too), so it sits far above
/// [`MAX_DEPTH`], which the parsed values are held to exactly.
pub const MAX_BRACKET_DEPTH: usize = 256;

/// Refuses text whose brackets nest deeper than [`MAX_BRACKET_DEPTH`], in one linear scan.
/// Some parsers recurse once per level without a limit (the HCL parser overflows the stack,
/// which aborts the process) or slow down quadratically (libyaml's flow collections: a
/// 400 KB file took minutes), so this runs before them.
fn bracket_depth(text: &str) -> Result<(), Failure> {
    let mut depth = 0usize;
    for (offset, byte) in text.bytes().enumerate() {
        match byte {
            b'[' | b'{' | b'(' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    let (line, column) = crate::diag::line_column(text, offset);
                    return Err(Failure {
                        message: format!("brackets nested deeper than {MAX_BRACKET_DEPTH} levels; not parsed"),
                        line: Some(line as u32),
                        column: Some(column as u32),
                    });
                }
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn parse_json(text: &str) -> Parsed {
    // serde_json stops at 128 levels of nesting on its own; ours is lower and checked after.
    let value: Value = serde_json::from_str(text).map_err(|e| Failure {
        message: e.to_string(),
        line: Some(e.line() as u32),
        column: Some(e.column() as u32),
    })?;
    check_depth(&value)?;
    Ok(value)
}

fn parse_toml(text: &str) -> Parsed {
    let value: toml::Value = toml::from_str(text).map_err(|e| {
        let mut failure = Failure::new(e.message().to_owned());
        if let Some(span) = e.span() {
            let (line, column) = crate::diag::line_column(text, span.start);
            failure.line = Some(line as u32);
            failure.column = Some(column as u32);
        }
        failure
    })?;
    let value = serde_json::to_value(value).map_err(|e| Failure::new(e.to_string()))?;
    check_depth(&value)?;
    Ok(value)
}

fn parse_hcl(text: &str) -> Parsed {
    let body: hcl::Body = hcl::from_str(text).map_err(|e| {
        let mut failure = Failure::new(e.to_string());
        if let hcl::Error::Parse(parse) = &e {
            failure.message = parse.message().to_owned();
            failure.line = Some(parse.location().line() as u32);
            failure.column = Some(parse.location().column() as u32);
        }
        failure
    })?;
    let value = hcl_body_to_json(&body);
    check_depth(&value)?;
    Ok(value)
}

/// Turns an HCL body into JSON the way Terraform's JSON syntax reads: attributes as keys,
/// blocks grouped by type, then by labels, each block a list (blocks of one type repeat).
fn hcl_body_to_json(body: &hcl::Body) -> Value {
    let mut object = serde_json::Map::new();
    for attribute in body.attributes() {
        let value = serde_json::to_value(hcl::Value::from(attribute.expr().clone())).unwrap_or(Value::Null);
        object.insert(attribute.key().to_owned(), value);
    }
    for block in body.blocks() {
        let mut slot = object.entry(block.identifier().to_owned()).or_insert_with(|| Value::Object(Default::default()));
        for label in block.labels() {
            if !slot.is_object() {
                break;
            }
            slot = slot
                .as_object_mut()
                .expect("checked above")
                .entry(label.as_str().to_owned())
                .or_insert_with(|| Value::Object(Default::default()));
        }
        let content = hcl_body_to_json(block.body());
        match slot {
            Value::Array(items) => items.push(content),
            Value::Object(map) if map.is_empty() => *slot = Value::Array(vec![content]),
            _ => {}
        }
    }
    Value::Object(object)
}

fn check_depth(value: &Value) -> Result<(), Failure> {
    fn depth(value: &Value, level: usize) -> bool {
        if level > MAX_DEPTH {
            return false;
        }
        match value {
            Value::Array(items) => items.iter().all(|v| depth(v, level + 1)),
            Value::Object(map) => map.values().all(|v| depth(v, level + 1)),
            _ => true,
        }
    }
    if depth(value, 0) {
        Ok(())
    } else {
        Err(Failure::new(format!("nested deeper than {MAX_DEPTH} levels")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_documents_are_parsed_one_by_one() {
        let docs = parse(Format::Yaml, b"a: 1\n---\nb: [x, y]\n");
        assert_eq!(docs, vec![Ok(json!({"a": 1})), Ok(json!({"b": ["x", "y"]}))]);
    }

    #[test]
    fn a_yaml_error_has_a_position() {
        let docs = parse(Format::Yaml, b"a: 1\nb: [unclosed\n");
        let failure = docs[0].clone().unwrap_err();
        assert!(failure.line.is_some(), "{failure:?}");
    }

    #[test]
    fn a_billion_laughs_is_an_error_not_a_hang() {
        let mut bomb =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"].windows(2).map(|w| (w[0], w[1])) {
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let docs = parse(Format::Yaml, bomb.as_bytes());
        assert!(docs[0].is_err(), "a 9^9-node document must be refused");
    }

    #[test]
    fn cloudformation_short_tags_keep_their_meaning() {
        let docs = parse(Format::Yaml, b"Value: !Ref MyBucket\n");
        assert_eq!(docs[0], Ok(json!({"Value": {"!Ref": "MyBucket"}})));
    }

    #[test]
    fn deep_json_is_refused() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(Format::Json, deep.as_bytes())[0].is_err());
        let deeper = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(Format::Json, deeper.as_bytes())[0].is_err());
    }

    #[test]
    fn toml_errors_have_positions() {
        let failure = parse(Format::Toml, b"a = 1\nb = \n")[0].clone().unwrap_err();
        assert_eq!(failure.line, Some(2));
    }

    #[test]
    fn hcl_blocks_group_by_type_and_labels() {
        let src = br#"
terraform {
  backend "s3" { bucket = "state" }
}
resource "aws_s3_bucket" "logs" { bucket = "logs" }
resource "aws_s3_bucket" "data" { bucket = "data" }
"#;
        let value = parse(Format::Hcl, src)[0].clone().unwrap();
        assert_eq!(value["terraform"][0]["backend"]["s3"][0]["bucket"], json!("state"));
        assert_eq!(value["resource"]["aws_s3_bucket"]["data"][0]["bucket"], json!("data"));
    }

    #[test]
    fn binary_files_are_not_parsed() {
        let failure = parse(Format::Yaml, b"a: 1\n\0\x01\x02")[0].clone().unwrap_err();
        assert!(failure.message.starts_with("binary file"), "{failure:?}");
    }

    #[test]
    fn all_lists_every_format_in_the_order_of_names() {
        assert_eq!(Format::ALL.map(Format::name), Format::NAMES);
    }

    #[test]
    fn every_format_name_round_trips() {
        for name in Format::NAMES {
            let format: Format = name.parse().unwrap();
            assert_eq!(format.name(), *name);
            assert_eq!(serde_json::to_value(format).unwrap(), json!(name));
        }
    }

    #[test]
    fn invalid_utf8_is_a_failure() {
        assert!(parse(Format::Json, b"\xff\xfe")[0].is_err());
    }
}

#[cfg(test)]
mod deep_nesting {
    use super::*;

    /// Every parser, on input nested far deeper than any real file, on a thread with the
    /// 2 MiB stack of the worker threads that parse in an assessment: an error or a value,
    /// never a stack overflow (which would abort the whole process).
    #[test]
    fn deep_nesting_in_every_format_is_an_error_not_a_crash() {
        for n in [MAX_BRACKET_DEPTH - 1, 100_000] {
            deep_nesting_at(n);
        }
    }

    fn deep_nesting_at(n: usize) {
        let cases: Vec<(Format, String)> = vec![
            (Format::Json, format!("{}{}", "[".repeat(n), "]".repeat(n))),
            (Format::Json, format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))),
            (Format::Yaml, format!("{}{}", "[".repeat(n), "]".repeat(n))),
            (Format::Yaml, format!("{}{}", "{a: ".repeat(n), "}".repeat(n))),
            (Format::Yaml, (0..2000).map(|i| format!("{}- \n", "  ".repeat(i))).collect()),
            (Format::Toml, format!("a = {}{}", "[".repeat(n), "]".repeat(n))),
            (Format::Toml, format!("a = {}{}", "{b = ".repeat(n), "}".repeat(n))),
            (Format::Hcl, format!("a = {}{}", "[".repeat(n), "]".repeat(n))),
            (Format::Hcl, format!("a = {}1{}", "(".repeat(n), ")".repeat(n))),
            (Format::Hcl, format!("{}{}", "b {\n".repeat(n), "}\n".repeat(n))),
            (Format::Xml, format!("{}{}", "<a>".repeat(n), "</a>".repeat(n))),
            (Format::Jenkinsfile, format!("{}{}", "stage('x') {\n".repeat(n), "}\n".repeat(n))),
            (Format::Dockerfile, format!("FROM a\nRUN {}\n", "$(".repeat(n))),
        ];
        for (format, text) in cases {
            let head: String = text.chars().take(12).collect();
            let docs = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || parse(format, text.as_bytes()))
                .unwrap()
                .join()
                .unwrap_or_else(|_| panic!("{format:?} parser panicked on {head}…"));
            for value in docs.into_iter().flatten() {
                assert!(check_depth(&value).is_ok(), "{format:?}: {head}… too deep");
            }
        }
    }
}
