//! Dockerfile parsing: instructions, build stages and parser directives.
//!
//! A Dockerfile becomes one JSON value:
//!
//! ```json
//! {"instructions": [{"instruction": "FROM", "value": "rust:1.80 AS build", "line": 1,
//!                    "end_line": 1, "flags": {"platform": "linux/amd64"}, "exec": null}],
//!  "stages": [{"index": 0, "name": "build", "image": "rust:1.80", "line": 1}],
//!  "parser_directives": {"syntax": "docker/dockerfile:1"}}
//! ```
//!
//! The rules are BuildKit's (`frontend/dockerfile/parser`), so a plugin sees what `docker
//! build` would see:
//! - `# syntax=`, `# escape=` and `# check=` comments are parser directives while they come
//!   first; any other line (a blank one, another comment, an instruction) ends them.
//! - Comment lines are skipped, also between continued lines; blank continued lines too.
//!   A line ending in the escape character (a backslash, or the backtick chosen by an
//!   `escape` directive) continues on the next one; the pieces are joined as written, without
//!   the escape character.
//! - `--name=value` words at the start of the arguments are flags. A flag given without a
//!   value is `true`; a flag given twice (`RUN --mount=… --mount=…`) is an array of its values.
//! - `exec` is the JSON array form (`CMD ["a", "b"]`) when the arguments are a JSON array
//!   of strings, else null.
//! - `RUN`, `COPY` and `ADD` may open heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`); their bodies and
//!   terminators are part of `value`, one line each, and `end_line` is the terminator's line.
//! - Stage names are lowercased, as Docker matches them case-insensitively.
//!
//! Unknown instructions are kept (`docker build` rejects them later, which is a finding, not
//! a parse error); a line whose first word cannot be an instruction at all is a [`Failure`].
//! Columns count characters, not bytes.

use serde_json::{Map, Value};

use super::Failure;

/// Parser directives BuildKit knows; another `# key=value` comment is an ordinary comment.
const DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// Instructions whose arguments may open heredocs.
const HEREDOC_INSTRUCTIONS: [&str; 3] = ["RUN", "COPY", "ADD"];

/// Longest piece of offending text quoted in a failure message.
const EXCERPT_CHARS: usize = 40;

/// Parses a Dockerfile into its instructions, stages and parser directives.
///
/// # Errors
///
/// A [`Failure`] with a 1-based line and column for a line that cannot start an instruction,
/// a repeated or invalid parser directive, and a heredoc that never ends.
pub fn parse(text: &str) -> Result<Value, Failure> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Lines { rest: text.split('\n'), number: 0 };
    let mut directives = Map::new();
    let mut escape = '\\';
    let mut in_preamble = true;
    let mut instructions = Vec::new();
    let mut stages = Vec::new();

    while let Some((number, raw)) = lines.next() {
        let stripped = raw.trim_start();
        if in_preamble {
            if let Some((key, value)) = directive(stripped) {
                let column = column_of(raw, raw.len() - stripped.len());
                if directives.contains_key(&key) {
                    let message = format!("only one `{key}` parser directive can be used");
                    return Err(failure(message, number, column));
                }
                if key == "escape" {
                    escape = match value {
                        "\\" => '\\',
                        "`" => '`',
                        _ => {
                            let message =
                                format!("invalid escape token `{}`: expected `\\` or `` ` ``", excerpt(value));
                            return Err(failure(message, number, column));
                        }
                    };
                }
                directives.insert(key, Value::from(value));
                continue;
            }
            in_preamble = false;
        }
        if stripped.starts_with('#') {
            continue;
        }
        let (first, mut continued) = split_continuation(stripped, escape);
        if !continued && first.trim().is_empty() {
            continue;
        }

        let mut logical = Logical::new(number, raw, raw.len() - stripped.len(), first);
        while continued {
            let Some((number, raw)) = lines.next() else {
                break;
            };
            let stripped = raw.trim_start();
            if stripped.starts_with('#') || stripped.is_empty() {
                continue;
            }
            let (piece, more) = split_continuation(raw, escape);
            logical.push(number, raw, piece);
            continued = more;
        }

        if let Some(instruction) = logical.instruction(&mut lines)? {
            if instruction.keyword == "FROM" {
                stages.push(stage(stages.len(), &instruction));
            }
            instructions.push(instruction.into_json());
        }
    }

    let mut document = Map::new();
    document.insert("instructions".into(), Value::Array(instructions));
    document.insert("stages".into(), Value::Array(stages));
    document.insert("parser_directives".into(), Value::Object(directives));
    Ok(Value::Object(document))
}

/// The source's lines, numbered from 1, without their line terminators.
struct Lines<'a> {
    rest: std::str::Split<'a, char>,
    number: u32,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (u32, &'a str);

    fn next(&mut self) -> Option<(u32, &'a str)> {
        let line = self.rest.next()?;
        self.number = self.number.saturating_add(1);
        Some((self.number, line.strip_suffix('\r').unwrap_or(line)))
    }
}

/// One instruction as parsed, before it becomes JSON.
struct Instruction {
    keyword: String,
    value: String,
    line: u32,
    end_line: u32,
    flags: Map<String, Value>,
    exec: Option<Vec<String>>,
}

impl Instruction {
    fn into_json(self) -> Value {
        let mut object = Map::new();
        object.insert("instruction".into(), Value::from(self.keyword));
        object.insert("value".into(), Value::from(self.value));
        object.insert("line".into(), Value::from(self.line));
        object.insert("end_line".into(), Value::from(self.end_line));
        object.insert("flags".into(), Value::Object(self.flags));
        object.insert("exec".into(), self.exec.map_or(Value::Null, Value::from));
        Value::Object(object)
    }
}

/// An instruction's text joined from its physical lines, with what is needed to map an
/// offset in the joined text back to a line and column.
struct Logical<'a> {
    text: String,
    pieces: Vec<Piece<'a>>,
    end_line: u32,
}

/// Where one physical line's contribution starts in the joined text.
struct Piece<'a> {
    /// Byte offset in the joined text.
    at: usize,
    line: u32,
    raw: &'a str,
    /// Byte offset in `raw` of the contribution.
    start: usize,
}

impl<'a> Logical<'a> {
    fn new(line: u32, raw: &'a str, start: usize, text: &str) -> Self {
        Logical { text: text.to_owned(), pieces: vec![Piece { at: 0, line, raw, start }], end_line: line }
    }

    fn push(&mut self, line: u32, raw: &'a str, piece: &str) {
        self.pieces.push(Piece { at: self.text.len(), line, raw, start: 0 });
        self.text.push_str(piece);
        self.end_line = line;
    }

    /// The 1-based line and column of a byte offset in the joined text.
    fn position(&self, offset: usize) -> (u32, u32) {
        let index = self.pieces.partition_point(|piece| piece.at <= offset).saturating_sub(1);
        let piece = &self.pieces[index];
        let byte = (piece.start + offset - piece.at).min(piece.raw.len());
        (piece.line, column_of(piece.raw, byte))
    }

    /// Splits the joined text into keyword, flags and value, and reads heredoc bodies from
    /// the following lines. `None` for a continuation that held nothing but blanks.
    fn instruction(self, lines: &mut Lines<'_>) -> Result<Option<Instruction>, Failure> {
        let text = self.text.as_str();
        let lead = text.len() - text.trim_start().len();
        let word_end = text[lead..].find(char::is_whitespace).map_or(text.len(), |i| lead + i);
        let word = &text[lead..word_end];
        if word.is_empty() {
            return Ok(None);
        }
        let mut chars = word.chars();
        let is_keyword = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_keyword {
            let (line, column) = self.position(lead);
            return Err(failure(format!("expected an instruction, found `{}`", excerpt(word)), line, column));
        }
        let keyword = word.to_ascii_uppercase();

        let (flag_words, rest_at) = split_flags(&text[word_end..]);
        let rest = &text[word_end + rest_at..];
        let value_at = word_end + rest_at + (rest.len() - rest.trim_start().len());
        let arguments = rest.trim();
        let exec = arguments.starts_with('[').then(|| serde_json::from_str::<Vec<String>>(arguments).ok()).flatten();

        let mut value = arguments.to_owned();
        let mut end_line = self.end_line;
        if may_open_heredocs(&keyword, arguments) && arguments.contains("<<") {
            for (offset, word) in shell_words(arguments) {
                let Some((name, chomp)) = heredoc(word) else {
                    continue;
                };
                let terminated = loop {
                    let Some((number, raw)) = lines.next() else {
                        break false;
                    };
                    value.push('\n');
                    value.push_str(raw);
                    end_line = number;
                    let candidate = if chomp { raw.trim_start_matches('\t') } else { raw };
                    if candidate == name {
                        break true;
                    }
                };
                if !terminated {
                    let (line, column) = self.position(value_at + offset);
                    return Err(failure(format!("unterminated heredoc `{}`", excerpt(&name)), line, column));
                }
            }
        }

        Ok(Some(Instruction {
            keyword,
            value,
            line: self.pieces[0].line,
            end_line,
            flags: flags_object(flag_words),
            exec,
        }))
    }
}

/// Recognises a parser directive (`# key=value` with a known key), lowercasing the key.
fn directive(line: &str) -> Option<(String, &str)> {
    let rest = line.strip_prefix('#')?.trim_start_matches([' ', '\t']);
    let key_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    let key = &rest[..key_len];
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = rest[key_len..].trim_start_matches([' ', '\t']).strip_prefix('=')?.trim_matches([' ', '\t']);
    let key = key.to_ascii_lowercase();
    (!value.is_empty() && DIRECTIVES.contains(&key.as_str())).then_some((key, value))
}

/// Removes a trailing escape character (followed by nothing but blanks) from a line, and
/// says whether it was there, that is whether the instruction continues on the next line.
/// An escaped escape (`\\` at the end) is no continuation, as in BuildKit.
fn split_continuation(line: &str, escape: char) -> (&str, bool) {
    match line.trim_end_matches([' ', '\t']).strip_suffix(escape) {
        Some(kept) if !kept.ends_with(escape) => (kept, true),
        _ => (line, false),
    }
}

/// Splits leading `--name[=value]` words off an instruction's arguments, as BuildKit's
/// `extractBuilderFlags` does: quotes are removed from flag words, a backslash keeps the next
/// character, and a lone `--` ends the flags. Returns the flag words without their `--`, and
/// the byte offset where the remaining arguments start.
fn split_flags(arguments: &str) -> (Vec<String>, usize) {
    let mut words = Vec::new();
    let mut chars = arguments.char_indices().peekable();
    loop {
        while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return (words, arguments.len());
        };
        if !arguments[start..].starts_with("--") {
            return (words, start);
        }
        let mut word = String::new();
        let mut quote = None;
        let mut end = arguments.len();
        while let Some((at, c)) = chars.next() {
            match quote {
                None if c.is_whitespace() => {
                    end = at;
                    break;
                }
                None if c == '\'' || c == '"' => quote = Some(c),
                Some(q) if c == q => quote = None,
                _ if c == '\\' => word.extend(chars.next().map(|(_, next)| next)),
                _ => word.push(c),
            }
        }
        if word == "--" {
            return (words, end);
        }
        words.push(word[2..].to_owned());
    }
}

/// Turns flag words (`platform=linux/amd64`, `link`) into the `flags` object.
fn flags_object(words: Vec<String>) -> Map<String, Value> {
    let mut flags = Map::new();
    for word in words {
        let (name, value) = match word.split_once('=') {
            Some((name, value)) => (name.to_owned(), Value::from(value)),
            None => (word, Value::Bool(true)),
        };
        match flags.get_mut(&name) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                flags.insert(name, value);
            }
        }
    }
    flags
}

/// Whether an instruction's arguments may open heredocs: `RUN`, `COPY` and `ADD`, also
/// behind `ONBUILD`.
fn may_open_heredocs(keyword: &str, arguments: &str) -> bool {
    let capable = |word: &str| HEREDOC_INSTRUCTIONS.iter().any(|h| word.eq_ignore_ascii_case(h));
    capable(keyword) || (keyword == "ONBUILD" && arguments.split_whitespace().next().is_some_and(capable))
}

/// Splits arguments into shell words at unquoted blanks, keeping quotes and escapes as
/// written, each with its byte offset. Blanks right after `<<` stay in the word, as
/// BuildKit's lexer keeps them, so `<<  EOF` still opens a heredoc.
fn shell_words(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    let mut quote = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if quote.is_none() && c.is_whitespace() {
            if let Some(from) = start.take() {
                words.push((from, &text[from..at]));
            }
            continue;
        }
        start.get_or_insert(at);
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None | Some('"'), '\\') => {
                chars.next();
            }
            (None, '<') if chars.next_if(|&(_, next)| next == '<').is_some() => {
                while chars.next_if(|&(_, next)| next.is_whitespace()).is_some() {}
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((from, &text[from..]));
    }
    words
}

/// Recognises a heredoc opener word (`<<EOF`, `<<-EOF`, `2<<"EOF"`): its terminator, and
/// whether leading tabs are stripped before comparing lines with it.
fn heredoc(word: &str) -> Option<(String, bool)> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit()).strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest.trim_start()),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let name = unquote(rest);
    (!name.is_empty()).then_some((name, chomp))
}

/// Removes shell quoting from a word.
fn unquote(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut quote = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None | Some('"'), '\\') => out.extend(chars.next()),
            _ => out.push(c),
        }
    }
    out
}

/// The stage a `FROM` instruction opens: `FROM [--flags] image [AS name]`.
fn stage(index: usize, from: &Instruction) -> Value {
    let words: Vec<&str> = from.value.split_whitespace().collect();
    let name = match words.as_slice() {
        [_, as_, name, ..] if as_.eq_ignore_ascii_case("as") => Value::from(name.to_lowercase()),
        _ => Value::Null,
    };
    let mut object = Map::new();
    object.insert("index".into(), Value::from(index));
    object.insert("name".into(), name);
    object.insert("image".into(), words.first().map_or(Value::Null, |image| Value::from(*image)));
    object.insert("line".into(), Value::from(from.line));
    Value::Object(object)
}

/// The 1-based character column of a byte offset in a line.
fn column_of(line: &str, byte: usize) -> u32 {
    let chars = line.get(..byte).map_or(0, |before| before.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// The start of some offending text, short enough for a message.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn failure(message: String, line: u32, column: u32) -> Failure {
    Failure { message, line: Some(line), column: Some(column) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn parsed(text: &str) -> Value {
        match parse(text) {
            Ok(value) => value,
            Err(failure) => panic!("{text:?} should parse: {failure:?}"),
        }
    }

    fn failed(text: &str) -> Failure {
        match parse(text) {
            Ok(value) => panic!("{text:?} should fail, got {value}"),
            Err(failure) => failure,
        }
    }

    /// The `(instruction, value)` pairs of a parse, for compact assertions.
    fn pairs(text: &str) -> Vec<(String, String)> {
        let value = parsed(text);
        value["instructions"]
            .as_array()
            .expect("instructions is an array")
            .iter()
            .map(|i| (i["instruction"].as_str().unwrap().to_owned(), i["value"].as_str().unwrap().to_owned()))
            .collect()
    }

    fn pair(instruction: &str, value: &str) -> (String, String) {
        (instruction.to_owned(), value.to_owned())
    }

    #[test]
    fn the_documented_example_parses_to_the_documented_shape() {
        let value = parsed("# syntax=docker/dockerfile:1\nFROM --platform=linux/amd64 rust:1.80 AS build\n");
        assert_eq!(
            value,
            json!({
                "instructions": [{"instruction": "FROM", "value": "rust:1.80 AS build", "line": 2, "end_line": 2,
                                  "flags": {"platform": "linux/amd64"}, "exec": null}],
                "stages": [{"index": 0, "name": "build", "image": "rust:1.80", "line": 2}],
                "parser_directives": {"syntax": "docker/dockerfile:1"}
            })
        );
    }

    #[test]
    fn empty_files_and_comment_only_files_have_no_instructions() {
        let empty = json!({"instructions": [], "stages": [], "parser_directives": {}});
        assert_eq!(parsed(""), empty);
        assert_eq!(parsed("\n\n  \n"), empty);
        assert_eq!(parsed("# just a note\n\n   # indented note\n"), empty);
    }

    #[test]
    fn keywords_are_case_insensitive_and_uppercased() {
        assert_eq!(
            pairs("from alpine\n  run echo hi  \nWorkDir /app\nmaintainer me\n"),
            vec![pair("FROM", "alpine"), pair("RUN", "echo hi"), pair("WORKDIR", "/app"), pair("MAINTAINER", "me")]
        );
    }

    #[test]
    fn a_hash_after_the_keyword_is_part_of_the_value() {
        assert_eq!(pairs("RUN echo a # not a comment\n"), vec![pair("RUN", "echo a # not a comment")]);
    }

    #[test]
    fn an_instruction_without_arguments_has_an_empty_value() {
        let value = parsed("FROM\n");
        assert_eq!(value["instructions"][0]["value"], json!(""));
        assert_eq!(value["stages"][0]["image"], Value::Null);
    }

    #[test]
    fn directives_are_read_only_before_anything_else() {
        let value = parsed("# syntax = docker/dockerfile:1.7\n#CHECK=skip=JSONArgsRecommended\nFROM x\n# escape=`\n");
        assert_eq!(
            value["parser_directives"],
            json!({"syntax": "docker/dockerfile:1.7", "check": "skip=JSONArgsRecommended"})
        );

        let after_blank = parsed("\n# syntax=docker/dockerfile:1\nFROM x\n");
        assert_eq!(after_blank["parser_directives"], json!({}));

        let after_comment = parsed("# hello\n# syntax=docker/dockerfile:1\nFROM x\n");
        assert_eq!(after_comment["parser_directives"], json!({}));

        // An unknown directive is a comment, so it ends the directives.
        let after_unknown = parsed("# foo=bar\n# syntax=docker/dockerfile:1\nFROM x\n");
        assert_eq!(after_unknown["parser_directives"], json!({}));
    }

    #[test]
    fn a_repeated_or_invalid_directive_fails() {
        let repeated = failed("# syntax=a\n  # syntax=b\nFROM x\n");
        assert_eq!((repeated.line, repeated.column), (Some(2), Some(3)));
        assert!(repeated.message.contains("syntax"), "{}", repeated.message);

        let invalid = failed("# escape=x\nFROM x\n");
        assert_eq!((invalid.line, invalid.column), (Some(1), Some(1)));
        assert!(invalid.message.contains("escape"), "{}", invalid.message);
    }

    #[test]
    fn continuations_join_lines_and_set_end_line() {
        let value = parsed("FROM x\nRUN apt-get update \\\n    && apt-get install -y curl\nCMD a\n");
        let run = &value["instructions"][1];
        assert_eq!(run["value"], json!("apt-get update     && apt-get install -y curl"));
        assert_eq!((run["line"].as_u64(), run["end_line"].as_u64()), (Some(2), Some(3)));
        assert_eq!(value["instructions"][2]["line"], json!(4));
    }

    #[test]
    fn comments_and_blank_lines_inside_a_continuation_are_skipped() {
        let value = parsed("RUN a \\\n# comment \\\n\n   \n    # indented comment\n  && b \\\n  && c\nRUN d\n");
        let run = &value["instructions"][0];
        assert_eq!(run["value"], json!("a   && b   && c"));
        assert_eq!(run["end_line"], json!(7));
        assert_eq!(value["instructions"][1]["line"], json!(8));
    }

    #[test]
    fn blanks_after_the_escape_character_still_continue() {
        assert_eq!(pairs("RUN a \\  \t\n b\n"), vec![pair("RUN", "a  b")]);
    }

    #[test]
    fn an_escaped_escape_at_the_end_does_not_continue() {
        // BuildKit's `trailing-backslash` case.
        assert_eq!(
            pairs("ENV C trailing\\\\backslash\\\\\nENV D next\nENV E hello\\\n\\\nworld\nENV F hello\\\n \\\nworld\n"),
            vec![
                pair("ENV", "C trailing\\\\backslash\\\\"),
                pair("ENV", "D next"),
                pair("ENV", "E helloworld"),
                pair("ENV", "F hello world")
            ]
        );
    }

    #[test]
    fn the_escape_directive_switches_to_backtick() {
        let value = parsed("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir C:\\ `\n  && echo done\nCOPY a\\ b\n");
        assert_eq!(value["parser_directives"], json!({"escape": "`"}));
        let values: Vec<&str> =
            value["instructions"].as_array().unwrap().iter().map(|i| i["value"].as_str().unwrap()).collect();
        assert_eq!(values, vec!["mcr.microsoft.com/windows", "dir C:\\   && echo done", "a\\ b"]);
    }

    #[test]
    fn a_continuation_at_end_of_file_is_accepted() {
        let value = parsed("FROM x\nRUN make \\");
        assert_eq!(value["instructions"][1]["value"], json!("make"));
        assert_eq!(value["instructions"][1]["end_line"], json!(2));
        let trailing = parsed("FROM x\nRUN make \\\n\n# bye\n");
        assert_eq!(trailing["instructions"][1]["end_line"], json!(2));
    }

    #[test]
    fn a_lone_escape_line_joins_with_what_follows() {
        assert_eq!(pairs("\\\nRUN x\n"), vec![pair("RUN", "x")]);
        assert_eq!(pairs("  \\\n"), vec![]);
    }

    #[test]
    fn flags_are_split_off_the_value() {
        let value = parsed(concat!(
            "RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=npm --network=none npm ci\n",
            "COPY --link --chown=app:app --from=build /out /app\n",
            "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n",
            "RUN --mount=\"type=bind,source=a b\" -- --weird-command --x=y\n",
            "RUN echo --not-a-flag\n",
        ));
        let i = &value["instructions"];
        assert_eq!(
            i[0]["flags"],
            json!({"mount": ["type=cache,target=/root/.cache", "type=secret,id=npm"], "network": "none"})
        );
        assert_eq!(i[0]["value"], json!("npm ci"));
        assert_eq!(i[1]["flags"], json!({"link": true, "chown": "app:app", "from": "build"}));
        assert_eq!(i[1]["value"], json!("/out /app"));
        assert_eq!(i[2]["flags"], json!({"interval": "30s"}));
        assert_eq!(i[2]["value"], json!("CMD curl -f http://localhost/ || exit 1"));
        assert_eq!(i[3]["flags"], json!({"mount": "type=bind,source=a b"}));
        assert_eq!(i[3]["value"], json!("--weird-command --x=y"));
        assert_eq!(i[4]["flags"], json!({}));
        assert_eq!(i[4]["value"], json!("echo --not-a-flag"));
    }

    #[test]
    fn only_flags_and_no_arguments_leave_an_empty_value() {
        let value = parsed("COPY --link\n");
        assert_eq!(value["instructions"][0]["flags"], json!({"link": true}));
        assert_eq!(value["instructions"][0]["value"], json!(""));
    }

    #[test]
    fn the_exec_form_is_an_array_of_strings() {
        let value = parsed(concat!(
            "CMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
            "ENTRYPOINT [\"/bin/sh\", \"-c\"] \n",
            "RUN --mount=type=cache,target=/x [\"make\"]\n",
            "CMD [\"a\", 1]\n",
            "CMD ['single', 'quotes']\n",
            "CMD [\"unterminated\"\n",
            "CMD echo [\"x\"]\n",
            "SHELL [\"powershell\", \"-Command\"]\n",
        ));
        let exec: Vec<&Value> = value["instructions"].as_array().unwrap().iter().map(|i| &i["exec"]).collect();
        assert_eq!(exec[0], &json!(["nginx", "-g", "daemon off;"]));
        assert_eq!(exec[1], &json!(["/bin/sh", "-c"]));
        assert_eq!(exec[2], &json!(["make"]));
        assert_eq!(exec[3..7], [&Value::Null, &Value::Null, &Value::Null, &Value::Null]);
        assert_eq!(exec[7], &json!(["powershell", "-Command"]));
    }

    #[test]
    fn heredocs_are_part_of_the_value() {
        let value = parsed(
            "FROM x\nRUN <<EOF\napt-get update\n# kept, not a comment\napt-get install -y curl \\\nEOF\nCMD y\n",
        );
        let run = &value["instructions"][1];
        assert_eq!(
            run["value"],
            json!("<<EOF\napt-get update\n# kept, not a comment\napt-get install -y curl \\\nEOF")
        );
        assert_eq!((run["line"].as_u64(), run["end_line"].as_u64()), (Some(2), Some(6)));
        assert_eq!(value["instructions"][2]["line"], json!(7));
    }

    #[test]
    fn heredoc_variants_are_recognised() {
        let chomped = parsed("RUN <<-EOT bash\n\techo hi\n\tEOT\nRUN x\n");
        assert_eq!(chomped["instructions"][0]["value"], json!("<<-EOT bash\n\techo hi\n\tEOT"));
        assert_eq!(chomped["instructions"][0]["end_line"], json!(3));

        let quoted = parsed("COPY <<\"EOF\" /etc/app.conf\nkey=$value\nEOF\n");
        assert_eq!(quoted["instructions"][0]["value"], json!("<<\"EOF\" /etc/app.conf\nkey=$value\nEOF"));

        let two = parsed("RUN <<A cat - && 3<<'B' sh\none\nA\ntwo\nB\nCMD z\n");
        assert_eq!(two["instructions"][0]["value"], json!("<<A cat - && 3<<'B' sh\none\nA\ntwo\nB"));
        assert_eq!(two["instructions"][0]["end_line"], json!(5));
        assert_eq!(two["instructions"][1]["line"], json!(6));
    }

    #[test]
    fn without_chomp_an_indented_terminator_does_not_end_the_heredoc() {
        let failure = failed("RUN <<EOF\n  EOF\n\tEOF\n");
        assert_eq!((failure.line, failure.column), (Some(1), Some(5)));
    }

    #[test]
    fn heredoc_lookalikes_are_not_heredocs() {
        assert_eq!(
            pairs("RUN echo \"<<EOF\" 'x <<EOF'\nRUN cat <<<here\nENV A=<<EOF\nRUN \\<<EOF\n"),
            vec![
                pair("RUN", "echo \"<<EOF\" 'x <<EOF'"),
                pair("RUN", "cat <<<here"),
                pair("ENV", "A=<<EOF"),
                pair("RUN", "\\<<EOF")
            ]
        );
    }

    #[test]
    fn heredocs_follow_buildkit_word_rules() {
        let value = parsed(concat!(
            "FROM alpine\n",
            "USER <<INVALID\n",
            "INVALID\n",
            "RUN <<  SPACED  > /out\n",
            "SPACED\n",
            "COPY <<X <<Y /dest\n",
            "Y\n",
            "X\n",
            "X\n",
            "Y\n",
            "RUN <<eo'f' && <<'one two' cat\n",
            "eof\n",
            "one two\n",
            "RUN <<$EOF\n",
            "$EOF\n",
            "onbuild run <<EOF\n",
            "body\n",
            "EOF\n",
            "RUN cat<<NOT && echo <<-\n",
            "CMD done\n",
        ));
        let lines: Vec<(&str, u64, u64)> = value["instructions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["instruction"].as_str().unwrap(), i["line"].as_u64().unwrap(), i["end_line"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("FROM", 1, 1),
                ("USER", 2, 2),
                ("INVALID", 3, 3),
                ("RUN", 4, 5),
                ("COPY", 6, 10),
                ("RUN", 11, 13),
                ("RUN", 14, 15),
                ("ONBUILD", 16, 18),
                ("RUN", 19, 19),
                ("CMD", 20, 20),
            ]
        );
        assert_eq!(value["instructions"][7]["value"], json!("run <<EOF\nbody\nEOF"));
    }

    #[test]
    fn a_heredoc_after_a_continuation_starts_after_the_last_piece() {
        let value = parsed("RUN \\\n  <<EOF sh\necho\nEOF\n");
        assert_eq!(value["instructions"][0]["value"], json!("<<EOF sh\necho\nEOF"));
        assert_eq!(value["instructions"][0]["end_line"], json!(4));
    }

    #[test]
    fn an_unterminated_heredoc_fails_at_its_opener() {
        let failure = failed("FROM x\nRUN echo a && \\\n   cat <<END\nnever ends\n");
        assert_eq!((failure.line, failure.column), (Some(3), Some(8)));
        assert!(failure.message.contains("END"), "{}", failure.message);
    }

    #[test]
    fn stages_come_from_each_from() {
        let value = parsed("FROM rust:1.80 As Build\nRUN cargo build\nFROM --platform=$BUILDPLATFORM debian:12\nfrom scratch as final extra\n");
        assert_eq!(
            value["stages"],
            json!([
                {"index": 0, "name": "build", "image": "rust:1.80", "line": 1},
                {"index": 1, "name": null, "image": "debian:12", "line": 3},
                {"index": 2, "name": "final", "image": "scratch", "line": 4},
            ])
        );
    }

    #[test]
    fn a_line_that_is_not_an_instruction_fails_with_its_position() {
        let failure = failed("FROM x\n\n   && make install\n");
        assert_eq!((failure.line, failure.column), (Some(3), Some(4)));
        assert!(failure.message.contains("&&"), "{}", failure.message);

        let hyphen = failed("FROM x\napt-get install -y foo\n");
        assert_eq!((hyphen.line, hyphen.column), (Some(2), Some(1)));

        let quoted = failed("\"FROM\" x\n");
        assert_eq!((quoted.line, quoted.column), (Some(1), Some(1)));
    }

    #[test]
    fn a_bad_keyword_after_a_lone_escape_is_located_on_its_own_line() {
        let failure = failed("é\\\n\n  1RUN x\n");
        assert_eq!((failure.line, failure.column), (Some(1), Some(1)));
        let later = failed("\\\n  $RUN x\n");
        assert_eq!((later.line, later.column), (Some(2), Some(3)));
    }

    #[test]
    fn columns_count_characters() {
        let failure = failed("# escape=é\n");
        assert_eq!(failure.column, Some(1));
        let unterminated = failed("COPY  --chown=ü <<ÉOF /x\n");
        assert_eq!((unterminated.line, unterminated.column), (Some(1), Some(17)));
    }

    #[test]
    fn crlf_and_a_byte_order_mark_are_accepted() {
        let value =
            parsed("\u{feff}# syntax=docker/dockerfile:1\r\nFROM x\r\nRUN a \\\r\n  b\r\nRUN <<EOF\r\nhi\r\nEOF\r\n");
        assert_eq!(value["parser_directives"], json!({"syntax": "docker/dockerfile:1"}));
        let values: Vec<&str> =
            value["instructions"].as_array().unwrap().iter().map(|i| i["value"].as_str().unwrap()).collect();
        assert_eq!(values, vec!["x", "a   b", "<<EOF\nhi\nEOF"]);
    }

    #[test]
    fn long_offending_text_is_shortened_in_messages() {
        let failure = failed(&format!("{}\n", "-".repeat(10_000)));
        assert!(failure.message.len() < 200, "{}", failure.message.len());
    }

    /// Runs the parser on hostile input and checks it answers quickly.
    fn quickly(text: &str) -> Result<Value, Failure> {
        let started = Instant::now();
        let result = parse(text);
        assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
        result
    }

    #[test]
    fn hostile_input_is_handled_in_linear_time() {
        const SIZE: usize = 1 << 20;
        assert_eq!(quickly(&"{".repeat(SIZE)).unwrap_err().column, Some(1));
        let unterminated = quickly(&format!("RUN \"{}", "a".repeat(SIZE))).unwrap();
        assert_eq!(unterminated["instructions"][0]["value"].as_str().map(str::len), Some(SIZE + 1));
        let continued = quickly(&"RUN a \\\n".repeat(SIZE / 8)).unwrap();
        assert_eq!(continued["instructions"][0]["end_line"], json!(SIZE / 8));
        let exec = quickly(&format!("CMD {}", "[".repeat(SIZE))).unwrap();
        assert_eq!(exec["instructions"][0]["exec"], Value::Null);
        assert!(quickly(&format!("RUN {}\n", "<<A ".repeat(SIZE / 4))).is_err());
        assert!(quickly(&format!("RUN {}", "--a ".repeat(SIZE / 4))).is_ok());
        assert!(quickly(&format!("RUN <<A\n{}", "x\n".repeat(SIZE / 2))).is_err());
        assert!(quickly(&"# syntax=x\n".repeat(SIZE / 11)).is_err());
        assert!(quickly(&"\n".repeat(SIZE)).is_ok());
    }
}
