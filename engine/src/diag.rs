//! Diagnostics for user files: every problem with its file, line and column.
//!
//! User files (plugin manifests now; models, answers and assessment files later) load in
//! two phases: deserialise with spans, rejecting unknown keys, then validate, collecting
//! every problem before failing. Both phases report [`Diagnostic`]s with stable codes.

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
    pub fn new(code: &'static str, path: &Path, message: impl Into<String>) -> Self {
        Diagnostic { code, path: path.to_path_buf(), line: None, column: None, message: message.into(), snippet: None }
    }

    /// A problem at a byte offset of `source`.
    pub fn at(code: &'static str, path: &Path, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(source, offset);
        let snippet = source.lines().nth(line - 1).map(str::to_owned);
        Diagnostic {
            code,
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
            snippet,
        }
    }

    /// A problem at an optional byte span of `source`.
    pub fn at_span(
        code: &'static str,
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

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let src = "a = 1\nbé = x\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        assert_eq!(line_column(src, src.find('x').unwrap()), (2, 6));
    }

    #[test]
    fn display_names_file_line_column_and_points_at_the_column() {
        let d = Diagnostic::at(
            "manifest-syntax",
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
