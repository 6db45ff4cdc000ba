//! Every test can fail: each `#[test]` function of the repository (this suite, the engine's
//! unit tests, the SDK's and the plugins') checks something, with an assertion of its own
//! or through a helper that asserts.
//!
//! The check reads the source as text. A test passes it when its body holds an assertion
//! (`assert!`, `assert_eq!`, `assert_ne!`, `assert_matches!`, an insta snapshot, `panic!`,
//! `unreachable!`, `.unwrap_err()`, `.expect_err(`), when it is `#[should_panic]`, or when it
//! calls, by name, a function of the scanned sources whose body does so (followed through
//! any number of calls) defined in the test code of the same file or, for this suite, in
//! `tests/support`. A `panic!` that reports an error, `.unwrap_or_else(|e| panic!(…))`,
//! counts as an unwrap, not an assertion. What it cannot see: whether a loop that asserts runs at all (an
//! empty folder of cases; the fuzz regression tests count their inputs for that reason),
//! whether an assertion can actually fail (`assert!(true)`), a helper whose name is shared by
//! an asserting one of the same file, and checks made only by `.unwrap()`, `.expect()` or
//! `?`, which it does not count as assertions.

use crate::support::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The tokens that make a body assert.
const ASSERTIONS: &[&str] = &[
    "assert!",
    "assert_eq!",
    "assert_ne!",
    "assert_matches!",
    "assert_snapshot!",
    "assert_json_snapshot!",
    "assert_debug_snapshot!",
    "assert_yaml_snapshot!",
    "panic!",
    "unreachable!",
    ".unwrap_err()",
    ".expect_err(",
];

/// A function of the sources: where, its attributes, its body.
#[derive(Debug)]
struct Function {
    file: PathBuf,
    line: usize,
    name: String,
    is_test: bool,
    should_panic: bool,
    /// In a test module or a test file, rather than in the code under test.
    in_test_code: bool,
    body: String,
}

#[test]
fn every_test_function_asserts_something() {
    let root = root();
    let mut sources = Vec::new();
    for dir in ["tests", "engine/src", "engine/benches", "plugins"] {
        rust_files(&root.join(dir), &mut sources);
    }
    let functions: Vec<Function> = sources.iter().flat_map(|file| functions_of(file)).collect();
    let tests = functions.iter().filter(|f| f.is_test).count();
    assert!(tests > 400, "only {tests} test functions found: the scan is broken");

    // For each file, the helpers its tests may call: the test code of the same file, and
    // for this suite its support module; those that assert, directly or through calls.
    let support = root.join("tests/support/mod.rs");
    let mut asserting: BTreeMap<&Path, BTreeSet<&str>> = BTreeMap::new();
    for file in &sources {
        let helpers: Vec<&Function> = functions
            .iter()
            .filter(|f| {
                f.in_test_code && (f.file == *file || file.starts_with(root.join("tests")) && f.file == support)
            })
            .collect();
        let mut names: BTreeSet<&str> = helpers.iter().filter(|f| asserts(&f.body)).map(|f| f.name.as_str()).collect();
        loop {
            let before = names.len();
            for f in &helpers {
                if !names.contains(f.name.as_str()) && calls_any(&f.body, &names) {
                    names.insert(f.name.as_str());
                }
            }
            if names.len() == before {
                break;
            }
        }
        asserting.insert(file.as_path(), names);
    }
    let silent: Vec<String> = functions
        .iter()
        .filter(|f| f.is_test && !f.should_panic && !asserting[f.file.as_path()].contains(f.name.as_str()))
        .map(|f| format!("{}:{}: {}", f.file.strip_prefix(&root).unwrap_or(&f.file).display(), f.line, f.name))
        .collect();
    assert!(silent.is_empty(), "test functions that check nothing:\n{}", silent.join("\n"));
}

/// Whether a body holds an assertion token. A `panic!` that only reports an error
/// (`.unwrap_or_else(|e| panic!(...))`) is an unwrap, not an assertion.
fn asserts(body: &str) -> bool {
    let mut text = body.to_owned();
    while let Some(at) = text.find("unwrap_or_else(|") {
        let after = at + "unwrap_or_else(|".len();
        let closure_end = text[after..].find('|').map_or(text.len(), |e| after + e + 1);
        let rest = text[closure_end..].trim_start();
        let cut = if rest.starts_with("panic!") { text.len() - rest.len() + "panic!".len() } else { closure_end };
        text.replace_range(at..cut, "");
    }
    ASSERTIONS.iter().any(|token| text.contains(token))
}

/// Whether a body calls one of `names` (as `name(`, `name::<`, or passes it as `name)`/`name,`).
fn calls_any(body: &str, names: &BTreeSet<&str>) -> bool {
    identifiers(body).any(|(ident, next)| names.contains(ident) && matches!(next, Some('(' | ':' | ')' | ',')))
}

/// The identifiers of a text, each with the character after it.
fn identifiers(text: &str) -> impl Iterator<Item = (&str, Option<char>)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let preceded_by_ident =
                    start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
                if !preceded_by_ident {
                    return Some((&text[start..i], text[i..].chars().next()));
                }
            } else {
                i += 1;
            }
        }
        None
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            // Build output, committed modules and fixture repositories hold no tests of ours.
            if !matches!(name.as_ref(), "target" | "dist" | "fixtures" | "corpus" | "snapshots") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The functions of a file, with the attributes just before each.
fn functions_of(file: &Path) -> Vec<Function> {
    let text = std::fs::read_to_string(file).unwrap();
    let code = blank_strings_and_comments(&text);
    // Test code: a whole file of tests (this suite, a `tests.rs` module), or what follows
    // `#[cfg(test)]` in a file.
    let whole = file.components().any(|c| c.as_os_str() == "tests") || file.ends_with("tests.rs");
    let test_code_from = if whole { 0 } else { code.find("#[cfg(test)]").unwrap_or(code.len()) };
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = code[search..].find("fn ") {
        let at = search + found;
        search = at + 3;
        let boundary = at == 0 || !code.as_bytes()[at - 1].is_ascii_alphanumeric() && code.as_bytes()[at - 1] != b'_';
        if !boundary {
            continue;
        }
        let name: String = code[at + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if name.is_empty() {
            continue;
        }
        // The body: from the first `{` after the signature (a `;` first means no body).
        let rest = &code[at..];
        let Some(open) = rest.find(['{', ';']).filter(|&i| rest.as_bytes()[i] == b'{') else { continue };
        let mut depth = 0usize;
        let mut end = None;
        for (i, b) in rest.bytes().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { continue };
        // The attributes: the lines above the `fn` that are attributes or comments.
        let above = &text[..at];
        let mut attributes: Vec<&str> = above
            .lines()
            .rev()
            .skip(1)
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("#[") || l.starts_with("//")
            })
            .collect();
        attributes.extend(above.lines().last());
        let attributes = attributes.join("\n");
        out.push(Function {
            file: file.to_path_buf(),
            line: text[..at].lines().count().max(1),
            name,
            is_test: attributes.contains("#[test]"),
            should_panic: attributes.contains("#[should_panic"),
            in_test_code: at >= test_code_from,
            body: text[at + open..at + end + 1].to_owned(),
        });
    }
    out
}

/// The text with string and character literals and comments replaced by spaces (lines
/// kept), so that braces and `fn` inside them are not read as code.
fn blank_strings_and_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                blank(&mut out, i, end);
                i = end;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let start = i + 2 + hashes;
                let end = text[start..].find(&close).map_or(b.len(), |e| start + e + close.len());
                blank(&mut out, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(b.len());
                blank(&mut out, i, end);
                i = end;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\''), not a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    text[i + 2..].find('\'').map(|e| i + 2 + e + 1)
                } else if b.get(i + 2) == Some(&b'\'') {
                    Some(i + 3)
                } else {
                    text[i + 1..].chars().next().filter(|c| c.len_utf8() > 1).and_then(|c| {
                        let after = i + 1 + c.len_utf8();
                        (b.get(after) == Some(&b'\'')).then_some(after + 1)
                    })
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).unwrap_or_default()
}
