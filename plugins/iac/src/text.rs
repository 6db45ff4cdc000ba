//! Raw file text, read once each, for the lines evidence cites.
//!
//! The host hands over parsed values without positions, so the plugin looks for what it
//! found in the raw file, as written.

use kaizen_plugin_sdk::{Evidence, Request};
use std::collections::BTreeMap;

/// The raw text of files, read on first use, with where its lines and YAML documents
/// start (found once per file: evidence for each of thousands of resources in one large
/// manifest would otherwise rescan the whole file each time). A file that cannot be read
/// only costs its evidence its line number.
pub struct Sources<'a> {
    request: &'a Request,
    texts: BTreeMap<String, Option<Indexed>>,
}

impl<'a> Sources<'a> {
    pub fn new(request: &'a Request) -> Self {
        Sources { request, texts: BTreeMap::new() }
    }

    fn indexed(&mut self, path: &str) -> Option<&Indexed> {
        let request = self.request;
        self.texts.entry(path.to_string()).or_insert_with(|| request.read_file(path).ok().map(Indexed::new)).as_ref()
    }

    /// The text of a file, if it can be read.
    pub fn text(&mut self, path: &str) -> Option<&str> {
        self.indexed(path).map(|i| i.text.as_str())
    }

    /// Evidence at the first line of `path` (from the start of YAML document `doc`)
    /// containing every needle; the whole file when none does.
    pub fn evidence(&mut self, path: &str, doc: usize, needles: &[&str]) -> Evidence {
        match self.indexed(path).and_then(|indexed| indexed.line_in_document(doc, needles)) {
            Some(line) => Evidence::line(path, line),
            None => Evidence::file(path),
        }
    }
}

/// A file's text with the byte ranges of its lines and the first line of each YAML document.
struct Indexed {
    text: String,
    lines: Vec<(usize, usize)>,
    documents: Vec<usize>,
}

impl Indexed {
    fn new(text: String) -> Indexed {
        let base = text.as_ptr() as usize;
        let lines = text.lines().map(|l| (l.as_ptr() as usize - base, l.len())).collect();
        let documents = document_starts(&text);
        Indexed { text, lines, documents }
    }

    fn line(&self, i: usize) -> &str {
        let (start, len) = self.lines[i];
        &self.text[start..start + len]
    }

    /// See [`line_in_document`].
    fn line_in_document(&self, doc: usize, needles: &[&str]) -> Option<u32> {
        let needles: Vec<&str> = needles.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
        if needles.is_empty() {
            return None;
        }
        let start = self.documents.get(doc).copied().unwrap_or(0);
        let count = self.lines.len();
        let matches = |i: usize| {
            let line = self.line(i);
            !is_comment(line) && needles.iter().all(|n| line.contains(n))
        };
        (start..count).chain(0..start.min(count)).find(|&i| matches(i)).map(|i| i as u32 + 1)
    }
}

/// The 1-based line of the first line containing every needle, searching from the start of
/// YAML document `doc` of a multi-document file (and from the top when not found there).
#[cfg(test)]
fn line_in_document(text: &str, doc: usize, needles: &[&str]) -> Option<u32> {
    Indexed::new(text.to_string()).line_in_document(doc, needles)
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
