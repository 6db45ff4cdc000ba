//! Raw file text, read once each, for the lines evidence cites.
//!
//! The host hands over parsed values without positions, so the plugin looks for what it
//! found in the raw file, as written.

use kaizen_plugin_sdk::{Evidence, Request};
use std::collections::BTreeMap;

/// The raw text of files, read on first use. A file that cannot be read only costs its
/// evidence its line number.
pub struct Sources<'a> {
    request: &'a Request,
    texts: BTreeMap<String, Option<String>>,
}

impl<'a> Sources<'a> {
    pub fn new(request: &'a Request) -> Self {
        Sources { request, texts: BTreeMap::new() }
    }

    /// The text of a file, if it can be read.
    pub fn text(&mut self, path: &str) -> Option<&str> {
        let request = self.request;
        self.texts.entry(path.to_string()).or_insert_with(|| request.read_file(path).ok()).as_deref()
    }

    /// Evidence at the first line of `path` (from the start of YAML document `doc`)
    /// containing every needle; the whole file when none does.
    pub fn evidence(&mut self, path: &str, doc: usize, needles: &[&str]) -> Evidence {
        let line = self.text(path).and_then(|text| line_in_document(text, doc, needles));
        match line {
            Some(line) => Evidence::line(path, line),
            None => Evidence::file(path),
        }
    }
}

/// The 1-based line of the first line containing every needle, searching from the start of
/// YAML document `doc` of a multi-document file (and from the top when not found there).
pub fn line_in_document(text: &str, doc: usize, needles: &[&str]) -> Option<u32> {
    let needles: Vec<&str> = needles.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
    if needles.is_empty() {
        return None;
    }
    let start = document_starts(text).get(doc).copied().unwrap_or(0);
    let matches = |line: &str| !is_comment(line) && needles.iter().all(|n| line.contains(n));
    let lines: Vec<&str> = text.lines().collect();
    (start..lines.len()).chain(0..start.min(lines.len())).find(|&i| matches(lines[i])).map(|i| i as u32 + 1)
}

fn is_comment(line: &str) -> bool {
    let content = line.trim_start();
    content.starts_with('#') || content.starts_with("//")
}

/// The 0-based line where each YAML document of a file starts. A `---` before any content
/// opens the first document rather than a second one, as YAML parsers read it.
pub fn document_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut content = false;
    for (i, line) in text.lines().enumerate() {
        if line == "---" || line.starts_with("--- ") || line.starts_with("---\t") {
            if content {
                starts.push(i);
                content = false;
            } else if let Some(last) = starts.last_mut() {
                *last = i;
            }
        } else if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            content = true;
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_start_after_separators() {
        assert_eq!(document_starts("a: 1\n---\nb: 2\n"), vec![0, 1]);
        assert_eq!(document_starts("---\na: 1\n---\n# c\nb: 2\n"), vec![0, 2]);
        assert_eq!(document_starts("# only\n---\na: 1\n"), vec![1]);
    }

    #[test]
    fn lines_are_searched_from_their_document() {
        let text = "kind: A\nimage: x\n---\nkind: B\nimage: x\n";
        assert_eq!(line_in_document(text, 1, &["image: x"]), Some(5));
        assert_eq!(line_in_document(text, 0, &["image: x"]), Some(2));
        assert_eq!(line_in_document(text, 1, &["kind: A"]), Some(1));
        assert_eq!(line_in_document("# image: x\nimage: x\n", 0, &["image", "x"]), Some(2));
        assert_eq!(line_in_document(text, 0, &[" "]), None);
    }
}
