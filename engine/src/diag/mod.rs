//! Diagnostics for user files: every problem with its file, line and column.
//!
//! User files (assessment files, models, answers, plugin manifests, results read back,
//! pipeline exports, inventories, templates) load in two phases: deserialise with spans,
//! rejecting unknown keys, then validate, collecting every problem before failing. Both
//! phases report [`Diagnostic`]s with stable codes, one enum per family of file
//! ([`codes`]).

pub mod codes;

pub use codes::{
    AnswersCode, Code, ConfigCode, FixtureCode, InventoryCode, ManifestCode, ModelCode, PipelinesCode, ResultCode,
    TemplateCode,
};

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a user file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A stable kebab-case code users and tests can refer to, e.g. `manifest-syntax`.
    pub code: &'static str,
    /// The file the problem is in.
    pub path: PathBuf,
    /// 1-based line, when the problem has a position.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the problem has a position.
    pub column: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The offending source line, for display under the message.
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// A problem with no position (a missing file, say).
    pub fn new(code: impl Into<Code>, path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into().name,
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
            snippet: None,
        }
    }

    /// A problem at a byte offset of `source`.
    pub fn at(code: impl Into<Code>, path: &Path, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(source, offset);
        let snippet = source.lines().nth(line - 1).map(str::to_owned);
        Diagnostic {
            code: code.into().name,
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
            snippet,
        }
    }

    /// A problem at a known line and column, with the source line when it is at hand: for
    /// error types that keep the position as fields.
    pub fn placed(
        code: impl Into<Code>,
        path: &Path,
        line: usize,
        column: usize,
        message: &str,
        snippet: Option<&str>,
    ) -> Self {
        Diagnostic {
            code: code.into().name,
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message: message.to_owned(),
            snippet: snippet.map(str::to_owned),
        }
    }

    /// A problem at an optional byte span of `source`.
    pub fn at_span(
        code: impl Into<Code>,
        path: &Path,
        source: &str,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        match span {
            Some(span) => Diagnostic::at(code, path, source, span.start, message),
            None => Diagnostic::new(code, path, message),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": error[{}]: {}", self.code, self.message)?;
        if let (Some(snippet), Some(column)) = (&self.snippet, self.column) {
            let (snippet, column) = window(snippet, column);
            let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
            write!(
                f,
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {:>col$}",
                "",
                self.line.unwrap_or(0),
                snippet,
                "",
                "^",
                col = column
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl Diagnostic {
    /// A TOML parse or type error of `source`, at its span, in words a user knows (tables and
    /// arrays rather than Rust's structs and sequences).
    pub fn from_toml(code: impl Into<Code>, path: &Path, source: &str, error: &toml::de::Error) -> Self {
        let mut message = plain_words(error.message(), "a table");
        // The toml crate's "duplicate key" does not say which: its span does.
        if message == "duplicate key" {
            if let Some(key) = error.span().and_then(|s| source.get(s)).filter(|k| !k.is_empty() && !k.contains('\n')) {
                message = format!("duplicate key `{key}`: it is already defined earlier in this file");
            }
        }
        let first = source.len() - source.trim_start().len();
        if source[first..].starts_with('{') && error.span().is_some_and(|s| s.start <= first) {
            message.push_str(" (this looks like JSON; this file must be TOML)");
        }
        Diagnostic::at_span(code, path, source, error.span(), message)
    }

    /// A JSON parse or type error of `source`, at its position, without serde_json's own
    /// "at line L column C" suffix and in words a user knows.
    pub fn from_json(code: impl Into<Code>, path: &Path, source: &str, error: &serde_json::Error) -> Self {
        let message = error.to_string();
        let message = match message.rsplit_once(" at line ") {
            Some((m, _)) if error.line() > 0 => m.to_owned(),
            _ => message,
        };
        if error.line() == 0 {
            return Diagnostic::new(code, path, plain_words(&message, "an object"));
        }
        // serde_json counts lines from 1 and columns in bytes, 0 being before the line's
        // first byte and C the C-th byte, which is the one it stopped at.
        let line_start: usize = source.split_inclusive('\n').take(error.line() - 1).map(str::len).sum();
        let offset = line_start + error.column().saturating_sub(1);
        Diagnostic::at(code, path, source, offset, plain_words(&message, "an object"))
    }
}

/// Reads a user file as text, refusing what is not text with a positioned problem: a folder,
/// invalid UTF-8 (at the first invalid byte), a NUL byte (a binary file). A UTF-8 byte-order
/// mark, which some Windows editors write, is dropped. `code` is the file kind's
/// `…-unreadable` code.
pub fn read_text(code: impl Into<Code>, path: &Path) -> Result<String, Diagnostic> {
    let code: Code = code.into();
    if path.is_dir() {
        return Err(Diagnostic::new(code, path, "this is a folder; a file is expected here"));
    }
    let mut bytes = std::fs::read(path).map_err(|e| {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            _ => format!("cannot read the file: {e}"),
        };
        Diagnostic::new(code, path, message)
    })?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[offset];
            let lossy = String::from_utf8_lossy(e.as_bytes());
            return Err(Diagnostic::at(
                code,
                path,
                &lossy,
                offset,
                format!("invalid UTF-8 (byte 0x{byte:02X}): the file must be UTF-8 text; re-save it as UTF-8"),
            ));
        }
    };
    if let Some(offset) = text.find('\0') {
        return Err(Diagnostic::at(
            code,
            path,
            &text.replace('\0', " "),
            offset,
            "NUL byte: this looks like a binary file, not text",
        ));
    }
    Ok(text)
}

/// Rewrites serde's words for Rust types into the file format's: `struct Foo` becomes
/// `table` (the name of the type means nothing to a user), `a sequence` an array, integer
/// types a kind of number.
fn plain_words(message: &str, table: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("struct ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "struct ".len()..];
        let name_len = after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
        if name_len == 0 {
            out.push_str("struct ");
        } else {
            out.push_str(table);
        }
        rest = &after[name_len..];
    }
    out.push_str(rest);
    let words = [
        ("a sequence", "an array"),
        ("expected usize", "expected a whole number (0 or more)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u16", "expected a whole number (0 or more)"),
        ("expected u8", "expected a whole number (0 to 255)"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
    ];
    words.iter().fold(out, |text, (from, to)| text.replace(from, to))
}

/// The part of a long source line around `column` (a minified JSON file is one line of
/// megabytes), with `…` where it is cut, and the column within it.
fn window(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WIDTH {
        return (line.to_owned(), column);
    }
    let start = column.saturating_sub(1 + WIDTH / 2).min(chars.len().saturating_sub(WIDTH));
    let end = (start + WIDTH).min(chars.len());
    let mut text: String = chars[start..end].iter().collect();
    let mut column = column - start;
    if start > 0 {
        text.insert(0, '…');
        column += 1;
    }
    if end < chars.len() {
        text.push('…');
    }
    (text, column)
}

/// Several diagnostics, shown one after another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let src = "a = 1\nbé = x\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        assert_eq!(line_column(src, src.find('x').unwrap()), (2, 6));
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let source = format!("{{\"a\": [{}], \"b\": x}}", "1,".repeat(5000));
        let offset = source.find('x').unwrap();
        let text =
            Diagnostic::at(ResultCode::Syntax, Path::new("r.json"), &source, offset, "expected value").to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[2].len() < 200, "{text}");
        assert!(lines[2].ends_with("\"b\": x}"), "{text}");
        let caret = lines[3].chars().count() - 1;
        assert_eq!(lines[2].chars().nth(caret), Some('x'), "{text}");
    }

    #[test]
    fn json_positions_and_words_match_the_toml_ones() {
        let path = Path::new("r.json");
        let source = "{\n  \"files\": \"many\"\n}";
        let e = serde_json::from_str::<BTreeMap<String, usize>>(source).unwrap_err();
        let d = Diagnostic::from_json(ResultCode::Invalid, path, source, &e);
        assert_eq!((d.line, d.column), (Some(2), Some(17)), "{d}");
        assert_eq!(d.message, "invalid type: string \"many\", expected a whole number (0 or more)");
        let e = serde_json::from_str::<BTreeMap<String, usize>>("").unwrap_err();
        let d = Diagnostic::from_json(ResultCode::Syntax, path, "", &e);
        assert_eq!((d.line, d.column), (Some(1), Some(1)), "{d}");
    }

    #[test]
    fn text_files_lose_a_bom_and_refuse_invalid_utf8_and_nul_at_their_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.toml");
        std::fs::write(&path, b"\xEF\xBB\xBFa = 1\n").unwrap();
        assert_eq!(read_text(ConfigCode::Unreadable, &path).unwrap(), "a = 1\n");
        std::fs::write(&path, b"a = 1\nb = \"\xC3\x28\"\n").unwrap();
        let d = read_text(ConfigCode::Unreadable, &path).unwrap_err();
        assert_eq!((d.line, d.column), (Some(2), Some(6)), "{d}");
        assert!(d.message.starts_with("invalid UTF-8 (byte 0xC3)"), "{d}");
        std::fs::write(&path, b"a = 1\nb = \"\0\"\n").unwrap();
        let d = read_text(ConfigCode::Unreadable, &path).unwrap_err();
        assert_eq!((d.line, d.column), (Some(2), Some(6)), "{d}");
        let d = read_text(ConfigCode::Unreadable, dir.path()).unwrap_err();
        assert_eq!(d.message, "this is a folder; a file is expected here");
    }

    #[test]
    fn display_names_file_line_column_and_points_at_the_column() {
        let d = Diagnostic::at(
            ManifestCode::Syntax,
            Path::new("p/plugin.toml"),
            "id = 1\napi = \"x\"\n",
            13,
            "expected an integer",
        );
        let text = d.to_string();
        assert!(text.starts_with("p/plugin.toml:2:7: error[manifest-syntax]: expected an integer"), "{text}");
        assert!(text.ends_with("|       ^"), "{text}");
    }
}
