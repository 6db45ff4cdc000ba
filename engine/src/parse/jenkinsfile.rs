//! Jenkinsfile parsing: the stages, steps and triggers of a Jenkins pipeline.
//!
//! A Jenkinsfile is a Groovy program, declarative (`pipeline { … }`) or scripted
//! (`node { … }`). This module reads just enough Groovy to find the pipeline's calls and
//! turns them into one JSON value:
//!
//! ```json
//! {"kind": "declarative",
//!  "stages": [{"name": "Build", "line": 5, "steps": [{"name": "sh", "args": "'make test'", "text": "make test", "line": 7}]}],
//!  "steps": [{"name": "sh", "args": "'make test'", "text": "make test", "line": 7, "stage": "Build"}],
//!  "triggers": [{"name": "cron", "args": "'H 2 * * *'", "text": "H 2 * * *", "line": 3}]}
//! ```
//!
//! - A call is `name args`, `name(args)`, either followed by a `{ … }` block, or a link of a
//!   method chain; a chain link is named by the chain so far, up to 64 bytes
//!   (`docker.image('x').inside { }` is a call `docker.image` and a call
//!   `docker.image.inside`).
//! - A step is any call written as a statement or inside an expression (`def v = sh(…)`),
//!   except the structural keywords of the pipeline DSL. Calls written inside another call's
//!   arguments or inside a list or map (`usernamePassword(…)` in `withCredentials([…])`,
//!   `def params = [string(…)]`) are not steps, but closures there (`parallel a: { … }`)
//!   hold statements, so their steps count.
//! - `args` is the arguments' source text; `text` joins the contents of the string literals
//!   among them with single spaces (escapes decoded, `${…}` kept as written), or only the
//!   `script:` argument's when there is one.
//! - A stage's steps are all steps inside it, nested stages' included; a flattened step's
//!   `stage` is its innermost stage. A stage's name is its `name:` argument, else its first
//!   string, else its arguments' text. A `stage 'Name'` without a block (the old scripted
//!   form) holds the statements that follow it in the same block.
//! - Triggers are the calls of a `triggers { … }` block and those inside
//!   `pipelineTriggers([…])` (scripted `properties`).
//!
//! Anything else Groovy may say (classes, operators, slashy strings) is read past without
//! complaint. Only structural errors fail: an unbalanced bracket, an unterminated string or
//! comment, nesting deeper than 64 levels. Lines and columns are 1-based, columns counting
//! characters. Parsing is linear in the input and never recurses more than a few frames per
//! nesting level; an outline larger than 16 MiB (hostile input: a step is repeated in each
//! enclosing stage) fails rather than reaching plugins.

use std::borrow::Cow;

use serde_json::{json, Value};

use super::Failure;

/// Deepest nesting of brackets, braces, parentheses and string interpolations accepted.
const MAX_DEPTH: usize = 64;

/// Longest name given to a method-chain link; links further down a longer chain are named
/// by their own method, so a hostile chain cannot multiply the input's size.
const MAX_CHAIN_NAME: usize = 64;

/// Largest outline produced, counting the text of every entry (a step is repeated in each
/// enclosing stage). Real Jenkinsfiles stay far below; a hostile one fails instead of
/// growing the document a plugin receives.
const MAX_OUTLINE_BYTES: usize = 16 << 20;

/// What each outline entry costs beyond its text, roughly its JSON punctuation and keys.
const ENTRY_OVERHEAD: usize = 64;

/// Calls that organise a pipeline without doing work: not steps, but what they enclose is.
const WRAPPERS: &[&str] = &[
    "pipeline",
    "stages",
    "steps",
    "parallel",
    "matrix",
    "post",
    "always",
    "success",
    "failure",
    "unstable",
    "changed",
    "fixed",
    "regression",
    "aborted",
    "cleanup",
    "unsuccessful",
    "script",
    "node",
    "dir",
    "withEnv",
    "withCredentials",
    "timeout",
    "retry",
    "timestamps",
    "ansiColor",
    "lock",
    "catchError",
    "warnError",
    "container",
    "podTemplate",
    "sshagent",
    "wrap",
];

/// Declarative directives that configure a pipeline or stage: neither steps nor holders of
/// steps. `input` is one only with a block; `input message: '…'` is the step.
const SETTINGS: &[&str] = &[
    "agent",
    "options",
    "environment",
    "parameters",
    "tools",
    "when",
    "axes",
    "axis",
    "excludes",
    "exclude",
    "libraries",
    "failFast",
];

/// Groovy words that are never the name of a call.
const KEYWORDS: &[&str] = &[
    "if",
    "else",
    "for",
    "while",
    "switch",
    "case",
    "default",
    "try",
    "catch",
    "finally",
    "do",
    "synchronized",
    "return",
    "throw",
    "assert",
    "new",
    "in",
    "instanceof",
    "as",
    "this",
    "super",
];

/// Words that open a declaration.
const MODIFIERS: &[&str] = &["def", "var", "final", "static", "private", "protected", "public", "abstract", "void"];

/// Parses a Jenkinsfile into its kind, stages, steps and triggers.
///
/// # Errors
///
/// A [`Failure`] with the 1-based line and column where the problem starts for an unbalanced
/// bracket (for an unclosed one, the opening bracket), an unterminated string or comment, and
/// nesting deeper than 64 levels; one without a position for an outline larger than 16 MiB.
pub fn parse(text: &str) -> Result<Value, Failure> {
    if u32::try_from(text.len()).is_err() {
        return Err(Failure { message: "file too large to parse".into(), line: None, column: None });
    }
    let lexed = Lexer::new(text).run()?;
    let parser = Parser { src: text, tokens: &lexed.tokens, strings: &lexed.strings };
    let calls = parser.block(0, lexed.tokens.len());
    let declarative = calls.iter().any(|call| call.name == "pipeline" && call.has_block);
    let mut outline = Outline::default();
    outline.statements(&calls);
    if outline.exhausted {
        let message = format!("the pipeline outline would be larger than {} MiB", MAX_OUTLINE_BYTES >> 20);
        return Err(Failure { message, line: None, column: None });
    }
    Ok(json!({
        "kind": if declarative { "declarative" } else { "scripted" },
        "stages": outline.stages.into_iter().map(|stage| json!({"name": stage.name, "line": stage.line, "steps": stage.steps})).collect::<Vec<_>>(),
        "steps": outline.steps,
        "triggers": outline.triggers,
    }))
}

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Str,
    Number,
    Newline,
    Punct,
    Open,
    Close,
}

/// One token. Offsets are bytes into the source; `aux` is the decoded contents' index in
/// `strings` for a string, and the partner's index for a bracket.
#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: u32,
    end: u32,
    line: u32,
    aux: u32,
}

struct Lexed {
    tokens: Vec<Token>,
    strings: Vec<String>,
}

/// Operators of more than one character, longest first, so `==~` is not read as `==`.
const OPERATORS: &[&str] = &[
    "==~", "<=>", "**=", "<<=", ">>=", "...", "->", "=~", "==", "!=", "<=", ">=", "&&", "||", "?.", "?:", "*.", "++",
    "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**", "..", ".&", "::",
];

/// What a string scan is inside of: a quoted part, or the code of a `${…}` interpolation.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Quoted { quote: u8, triple: bool },
    Code { depth: usize },
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Line of `counted`, the offset up to which newlines have been counted.
    line: u32,
    counted: usize,
    tokens: Vec<Token>,
    strings: Vec<String>,
    /// Indices of the brackets not closed yet.
    open: Vec<usize>,
    /// Whether a slashy (`/…/`) or dollar-slashy (`$/…/$`) string was found unterminated:
    /// none can start later either, and not looking again keeps lexing linear.
    slashy_failed: [bool; 2],
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            counted: 0,
            tokens: Vec::new(),
            strings: Vec::new(),
            open: Vec::new(),
            slashy_failed: [false; 2],
        }
    }

    fn run(mut self) -> Result<Lexed, Failure> {
        if self.src.starts_with("#!") {
            self.pos = self.src.find('\n').unwrap_or(self.src.len());
        }
        while let Some(&b) = self.bytes.get(self.pos) {
            let next = self.peek(1);
            match b {
                b'\n' => self.token(Kind::Newline, self.pos + 1, 0),
                b' ' | b'\t' | b'\r' | 0x0c => self.pos += 1,
                b'\\' if next == b'\n' => self.pos += 2,
                b'\\' if next == b'\r' && self.peek(2) == b'\n' => self.pos += 3,
                b'/' if next == b'/' => {
                    self.pos = self.src[self.pos..].find('\n').map_or(self.src.len(), |i| self.pos + i);
                }
                b'/' if next == b'*' => self.block_comment()?,
                b'/' if self.slashy_may_start() => {
                    if !self.slashy(b'/', "/") {
                        self.operator();
                    }
                }
                b'$' if next == b'/' => {
                    if !self.slashy(b'$', "/$") {
                        self.ident();
                    }
                }
                b'\'' | b'"' => self.string()?,
                b'(' | b'[' | b'{' => self.open()?,
                b')' | b']' | b'}' => self.close()?,
                b'0'..=b'9' => self.number(),
                _ if self.ident_start() => self.ident(),
                _ => self.operator(),
            }
        }
        if let Some(&index) = self.open.last() {
            let token = self.tokens[index];
            return Err(failure_at(
                self.src,
                token.start as usize,
                format!("unclosed `{}`", self.bytes[token.start as usize] as char),
            ));
        }
        Ok(Lexed { tokens: self.tokens, strings: self.strings })
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn current_char(&self) -> char {
        self.src[self.pos..].chars().next().unwrap_or('\0')
    }

    /// Pushes a token from the current position to `end`, and moves past it.
    fn token(&mut self, kind: Kind, end: usize, aux: usize) {
        let newlines = self.bytes[self.counted..self.pos].iter().filter(|&&b| b == b'\n').count();
        self.line = self.line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.counted = self.pos;
        // Offsets fit: `parse` refuses sources longer than `u32::MAX`.
        let (start, end32) = (self.pos as u32, end as u32);
        self.tokens.push(Token { kind, start, end: end32, line: self.line, aux: aux as u32 });
        self.pos = end;
    }

    fn block_comment(&mut self) -> Result<(), Failure> {
        let Some(length) = self.src[self.pos + 2..].find("*/") else {
            return Err(failure_at(self.src, self.pos, "unterminated comment".into()));
        };
        let end = self.pos + 2 + length + 2;
        // A comment spanning lines separates statements as its newlines would.
        if self.src[self.pos..end].contains('\n') {
            self.token(Kind::Newline, end, 0);
        } else {
            self.pos = end;
        }
        Ok(())
    }

    /// Whether a `/` here would start a slashy string rather than divide: only after an
    /// operator, an opening bracket, or at the start of a statement.
    fn slashy_may_start(&self) -> bool {
        let next = self.peek(1);
        if next.is_ascii_whitespace() || next == b'=' || next == 0 {
            return false;
        }
        match self.tokens.last() {
            None => true,
            Some(token) => match token.kind {
                Kind::Newline | Kind::Open => true,
                Kind::Punct => !matches!(&self.src[token.start as usize..token.end as usize], "++" | "--"),
                Kind::Ident => &self.src[token.start as usize..token.end as usize] == "return",
                _ => false,
            },
        }
    }

    /// Reads a slashy (`/…/`) or dollar-slashy (`$/…/$`) string; `false`, reading nothing,
    /// when it never ends (then the `/` was an operator after all).
    fn slashy(&mut self, opener: u8, closer: &str) -> bool {
        let kind = usize::from(opener == b'$');
        if self.slashy_failed[kind] {
            return false;
        }
        let mut at = self.pos + 1 + kind;
        let mut content = String::new();
        loop {
            let rest = &self.src[at..];
            if rest.is_empty() {
                self.slashy_failed[kind] = true;
                return false;
            }
            if rest.starts_with(closer) {
                break;
            }
            if opener == b'/' && rest.starts_with("\\/") {
                content.push('/');
                at += 2;
                continue;
            }
            let c = rest.chars().next().unwrap_or('\0');
            content.push(c);
            at += c.len_utf8();
        }
        self.strings.push(content);
        self.token(Kind::Str, at + closer.len(), self.strings.len() - 1);
        true
    }

    /// Reads a quoted string, following `${…}` interpolations (which may hold strings of
    /// their own) with an explicit stack rather than recursion.
    fn string(&mut self) -> Result<(), Failure> {
        let start = self.pos;
        let bytes = self.bytes;
        let opening = |at: usize| {
            let quote = bytes[at];
            let triple = bytes[at..].starts_with(&[quote; 3]);
            (Mode::Quoted { quote, triple }, if triple { 3 } else { 1 })
        };
        let unterminated = || failure_at(self.src, start, "unterminated string".into());
        let (mode, length) = opening(start);
        let mut modes = vec![mode];
        let mut at = start + length;
        let mut content = String::new();
        while let Some(&mode) = modes.last() {
            let Some(&b) = bytes.get(at) else {
                return Err(unterminated());
            };
            let outer = modes.len() == 1;
            match mode {
                Mode::Quoted { quote, triple } => {
                    if b == quote && (!triple || bytes[at..].starts_with(&[quote; 3])) {
                        let length = if triple { 3 } else { 1 };
                        if !outer {
                            content.push_str(&self.src[at..at + length]);
                        }
                        at += length;
                        modes.pop();
                    } else if b == b'\\' {
                        let Some(escaped) = self.src[at + 1..].chars().next() else {
                            return Err(unterminated());
                        };
                        at += 1 + escaped.len_utf8();
                        if outer {
                            at += unescape(escaped, &self.src[at..], &mut content);
                        } else {
                            content.push('\\');
                            content.push(escaped);
                        }
                    } else if b == b'$' && quote == b'"' && bytes.get(at + 1) == Some(&b'{') {
                        if modes.len() >= MAX_DEPTH {
                            return Err(too_deep(self.src, at));
                        }
                        content.push_str("${");
                        at += 2;
                        modes.push(Mode::Code { depth: 0 });
                    } else if b == b'\n' && !triple {
                        return Err(unterminated());
                    } else {
                        let c = self.src[at..].chars().next().unwrap_or('\0');
                        content.push(c);
                        at += c.len_utf8();
                    }
                }
                Mode::Code { depth } => match b {
                    b'}' if depth == 0 => {
                        content.push('}');
                        at += 1;
                        modes.pop();
                    }
                    b'{' | b'}' => {
                        let depth = if b == b'{' { depth + 1 } else { depth - 1 };
                        *modes.last_mut().expect("a mode is open") = Mode::Code { depth };
                        content.push(b as char);
                        at += 1;
                    }
                    b'\'' | b'"' => {
                        if modes.len() >= MAX_DEPTH {
                            return Err(too_deep(self.src, at));
                        }
                        let (mode, length) = opening(at);
                        content.push_str(&self.src[at..at + length]);
                        at += length;
                        modes.push(mode);
                    }
                    _ => {
                        let c = self.src[at..].chars().next().unwrap_or('\0');
                        content.push(c);
                        at += c.len_utf8();
                    }
                },
            }
        }
        self.strings.push(content);
        self.token(Kind::Str, at, self.strings.len() - 1);
        Ok(())
    }

    fn open(&mut self) -> Result<(), Failure> {
        if self.open.len() >= MAX_DEPTH {
            return Err(too_deep(self.src, self.pos));
        }
        self.open.push(self.tokens.len());
        self.token(Kind::Open, self.pos + 1, 0);
        Ok(())
    }

    fn close(&mut self) -> Result<(), Failure> {
        let closer = self.bytes[self.pos];
        let opener = match closer {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        let opener_of = |index: &usize| self.bytes[self.tokens[*index].start as usize];
        match self.open.last() {
            Some(index) if opener_of(index) == opener => {
                let index = *index;
                self.open.pop();
                self.tokens[index].aux = self.tokens.len() as u32;
                self.token(Kind::Close, self.pos + 1, index);
                Ok(())
            }
            // The bracket it would close is further out: the innermost one was never closed.
            Some(index) if self.open.iter().any(|i| opener_of(i) == opener) => {
                let start = self.tokens[*index].start as usize;
                Err(failure_at(self.src, start, format!("unclosed `{}`", opener_of(index) as char)))
            }
            _ => Err(failure_at(self.src, self.pos, format!("unmatched `{}`", closer as char))),
        }
    }

    fn number(&mut self) {
        let mut end = self.pos;
        while let Some(&b) = self.bytes.get(end) {
            let decimal_point = b == b'.' && self.bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
            if !(b.is_ascii_alphanumeric() || b == b'_' || decimal_point) {
                break;
            }
            end += 1;
        }
        self.token(Kind::Number, end, 0);
    }

    fn ident_start(&self) -> bool {
        let c = self.current_char();
        c.is_alphabetic() || c == '_' || c == '$'
    }

    /// Reads an identifier, dotted names included (`docker.image`, `env.BRANCH_NAME`).
    fn ident(&mut self) {
        let mut end = self.pos;
        for c in self.src[self.pos..].chars() {
            let dot_then_name = c == '.'
                && self.src[end + 1..].chars().next().is_some_and(|n| n.is_alphabetic() || n == '_' || n == '$');
            if !(c.is_alphanumeric() || c == '_' || c == '$' || dot_then_name) {
                break;
            }
            end += c.len_utf8();
        }
        self.token(Kind::Ident, end, 0);
    }

    fn operator(&mut self) {
        let rest = &self.src[self.pos..];
        let length = OPERATORS
            .iter()
            .find(|op| rest.starts_with(*op))
            .map_or_else(|| self.current_char().len_utf8(), |op| op.len());
        self.token(Kind::Punct, self.pos + length, 0);
    }
}

/// Decodes the escape `\c` of a quoted string into `out`; returns how many more bytes of
/// `after` it used (a `\u` escape's hex digits, a CRLF continuation's line feed).
fn unescape(c: char, after: &str, out: &mut String) -> usize {
    match c {
        'n' => out.push('\n'),
        't' => out.push('\t'),
        'r' => out.push('\r'),
        'b' => out.push('\u{8}'),
        'f' => out.push('\u{c}'),
        's' => out.push(' '),
        '\\' | '\'' | '"' | '$' => out.push(c),
        // A backslash before a line break continues the line.
        '\n' => {}
        '\r' => return usize::from(after.starts_with('\n')),
        'u' => {
            let decoded = after.get(..4).and_then(|hex| u32::from_str_radix(hex, 16).ok()).and_then(char::from_u32);
            match decoded {
                Some(decoded) if after[..4].bytes().all(|b| b.is_ascii_hexdigit()) => {
                    out.push(decoded);
                    return 4;
                }
                _ => out.push_str("\\u"),
            }
        }
        _ => {
            out.push('\\');
            out.push(c);
        }
    }
    0
}

/// A failure at a byte offset, located by line and character column.
fn failure_at(src: &str, offset: usize, message: String) -> Failure {
    let before = &src[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Failure { message, line: u32::try_from(line).ok(), column: u32::try_from(column).ok() }
}

fn too_deep(src: &str, offset: usize) -> Failure {
    failure_at(src, offset, format!("nested deeper than {MAX_DEPTH} levels"))
}

// ---------------------------------------------------------------------------------------
// Calls

/// A string literal among a call's arguments, with the named argument it belongs to.
type Literal<'a> = (Option<&'a str>, &'a str);

/// A call found in the source, with the calls inside it. Text is borrowed from the source
/// and the lexer, so nested calls do not copy what encloses them.
#[derive(Debug, Default)]
struct Call<'a> {
    /// Empty for a closure that is not a call's block (an argument, a bare block).
    name: Cow<'a, str>,
    args: &'a str,
    strings: Vec<Literal<'a>>,
    line: u32,
    /// What the arguments hold: calls (`usernamePassword(…)`, `cron(…)`), and as unnamed
    /// calls their closures and the lists or maps holding calls.
    inner: Vec<Call<'a>>,
    /// The statements of the block, flattened through `if`, `try` and the like.
    body: Vec<Call<'a>>,
    has_block: bool,
}

impl Call<'_> {
    /// The string arguments' contents, or the `script:` argument's when there is one.
    fn text(&self) -> String {
        let script: Vec<&str> =
            self.strings.iter().filter(|(key, _)| *key == Some("script")).map(|(_, s)| *s).collect();
        if script.is_empty() {
            self.strings.iter().map(|(_, s)| *s).collect::<Vec<_>>().join(" ")
        } else {
            script.join(" ")
        }
    }

    /// A stage's name: its `name:` argument, else its first positional string, else its
    /// arguments as written.
    fn title(&self) -> String {
        let named = self.strings.iter().find(|(key, _)| *key == Some("name"));
        let positional = || self.strings.iter().find(|(key, _)| key.is_none());
        named.or_else(positional).map_or(self.args, |(_, s)| s).to_owned()
    }
}

/// Builds calls from tokens. Recursion happens only when entering a bracket, so it is as deep
/// as the brackets, which the lexer bounds.
struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    strings: &'a [String],
}

impl<'a> Parser<'a> {
    fn text(&self, i: usize) -> &'a str {
        let token = self.tokens[i];
        &self.src[token.start as usize..token.end as usize]
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.tokens.get(i).map(|token| token.kind)
    }

    fn is(&self, i: usize, kind: Kind, text: &str) -> bool {
        self.kind(i) == Some(kind) && self.text(i) == text
    }

    fn is_ident(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Ident)
    }

    fn partner(&self, i: usize) -> usize {
        self.tokens[i].aux as usize
    }

    fn skip_newlines(&self, mut i: usize, end: usize) -> usize {
        while i < end && self.kind(i) == Some(Kind::Newline) {
            i += 1;
        }
        i
    }

    /// Whether the statement at `i` is a call without parentheses: a name, then an argument
    /// on the same line (`sh 'make'`, `checkout scm`, `sh script: 'x'`).
    fn is_command(&self, i: usize, end: usize) -> bool {
        let name = |k: usize| self.is_ident(k) && !KEYWORDS.contains(&self.text(k));
        i + 1 < end
            && name(i)
            && match self.tokens[i + 1].kind {
                Kind::Str | Kind::Number => true,
                Kind::Ident => name(i + 1),
                _ => false,
            }
    }

    /// The `{` of a block starting at `i`, possibly on a following line.
    fn block_after(&self, i: usize, end: usize) -> Option<usize> {
        let i = self.skip_newlines(i, end);
        (i < end && self.is(i, Kind::Open, "{")).then_some(i)
    }

    /// Raw source between two token indices (exclusive of both), trimmed.
    fn source_between(&self, open: usize, close: usize) -> &'a str {
        self.src[self.tokens[open].end as usize..self.tokens[close].start as usize].trim()
    }

    /// Raw source of the tokens `start..end`, trimmed.
    fn source_of(&self, start: usize, end: usize) -> &'a str {
        if start >= end {
            return "";
        }
        self.src[self.tokens[start].start as usize..self.tokens[end - 1].end as usize].trim()
    }

    /// The statements of `start..end`.
    fn block(&self, start: usize, end: usize) -> Vec<Call<'a>> {
        let mut out = Vec::new();
        let mut i = start;
        while i < end {
            i = self.statement(i, end, &mut out).max(i + 1);
        }
        out
    }

    /// Reads one statement at `i`, adding its calls to `out`; returns where the next starts.
    fn statement(&self, i: usize, end: usize, out: &mut Vec<Call<'a>>) -> usize {
        match self.tokens[i].kind {
            Kind::Newline => i + 1,
            Kind::Punct if self.text(i) == ";" => i + 1,
            Kind::Punct if self.text(i) == "@" => {
                // An annotation such as `@Library('lib') _` or `@NonCPS`.
                let mut j = i + 1;
                if self.is_ident(j) {
                    j += 1;
                }
                if j < end && self.is(j, Kind::Open, "(") {
                    j = self.partner(j) + 1;
                }
                j
            }
            Kind::Open if self.text(i) == "{" => {
                out.push(self.closure(i));
                self.partner(i) + 1
            }
            Kind::Ident => self.ident_statement(i, end, out),
            _ => self.expression(i, end, out),
        }
    }

    fn ident_statement(&self, i: usize, end: usize, out: &mut Vec<Call<'a>>) -> usize {
        let word = self.text(i);
        match word {
            "import" | "package" | "break" | "continue" => self.statement_end(i, end),
            // The condition may call steps (`if (fileExists('x'))`). The body, braced or not,
            // is read as the following statements, which flattens it into the enclosing block
            // without recursing on `else if` chains.
            "if" | "while" | "for" | "switch" | "catch" | "synchronized" => {
                let j = i + 1;
                if j < end && self.is(j, Kind::Open, "(") {
                    let close = self.partner(j);
                    self.walk(j + 1, close, out, &mut Vec::new(), false, None);
                    close + 1
                } else {
                    j
                }
            }
            "else" | "try" | "finally" | "do" => i + 1,
            "default" if self.is(i + 1, Kind::Punct, ":") => i + 2,
            "case" => {
                let mut j = i + 1;
                while j < end {
                    match self.tokens[j].kind {
                        Kind::Open => j = self.partner(j) + 1,
                        Kind::Newline => return j,
                        Kind::Punct if self.text(j) == ":" => return j + 1,
                        _ => j += 1,
                    }
                }
                j
            }
            "return" | "throw" | "assert" => self.expression(i + 1, end, out),
            "class" | "interface" | "enum" | "trait" => {
                // Skip the header; the body is then read as a bare block.
                let mut j = i + 1;
                while j < end && !matches!(self.tokens[j].kind, Kind::Newline | Kind::Open) {
                    j += 1;
                }
                j
            }
            _ if MODIFIERS.contains(&word) => self.declaration(i, end, out),
            _ => self.call_statement(i, end, out),
        }
    }

    /// `def x = …`, `final String x = …`, `def name(params) { … }`.
    fn declaration(&self, i: usize, end: usize, out: &mut Vec<Call<'a>>) -> usize {
        let mut j = i;
        while j < end && self.is_ident(j) && MODIFIERS.contains(&self.text(j)) {
            j += 1;
        }
        if self.is_ident(j) && self.is_ident(j + 1) {
            j += 1; // a type before the name
        }
        if self.is_ident(j) && self.is(j + 1, Kind::Open, "(") {
            if let Some(body) = self.block_after(self.partner(j + 1) + 1, end) {
                // A method definition: its steps run wherever it is called, so they are
                // reported where they are written.
                out.push(self.closure(body));
                return self.partner(body) + 1;
            }
        }
        self.expression(j, end, out)
    }

    /// A statement starting with a name that is not a keyword: a command call
    /// (`sh 'make'`), a declaration (`String x = …`) or any expression.
    fn call_statement(&self, i: usize, end: usize, out: &mut Vec<Call<'a>>) -> usize {
        let next = i + 1;
        if next < end && self.is_ident(next) {
            let after = next + 1;
            let method = self.is(after, Kind::Open, "(") && self.block_after(self.partner(after) + 1, end).is_some();
            if method || self.is(after, Kind::Punct, "=") {
                return self.declaration(i, end, out);
            }
            let capitalised = self.text(i).starts_with(|c: char| c.is_uppercase());
            if capitalised
                && (after >= end || matches!(self.kind(after), Some(Kind::Newline)) || self.is(after, Kind::Punct, ";"))
            {
                return after; // `String name`
            }
        }
        self.expression(i, end, out)
    }

    /// A call without parentheses: `sh 'make'`, `sh script: 'x', returnStdout: true`,
    /// `stage 'Build'`, possibly ending in a block.
    fn command(&self, i: usize, end: usize, out: &mut Vec<Call<'a>>) -> usize {
        let statement_end = self.statement_end(i, end);
        let mut args_end = statement_end;
        let mut block = None;
        if statement_end > i + 1 && self.is(statement_end - 1, Kind::Close, "}") {
            let open = self.partner(statement_end - 1);
            let is_argument = self.is(open - 1, Kind::Punct, ",") || self.is(open - 1, Kind::Punct, ":");
            if open > i + 1 && !is_argument {
                block = Some(open);
                args_end = open;
            }
        }
        let mut call = self.call(Cow::Borrowed(self.text(i)), i, i + 1, args_end);
        call.args = self.source_of(i + 1, args_end);
        if let Some(open) = block {
            call.body = self.closure(open).body;
            call.has_block = true;
        }
        out.push(call);
        statement_end
    }

    /// Any other statement: a command call, or an expression whose calls are found by walking
    /// it. A command may also be assigned (`def out = sh script: 'x', returnStdout: true`).
    fn expression(&self, i: usize, end: usize, out: &mut Vec<Call<'a>>) -> usize {
        if self.is_command(i, end) {
            return self.command(i, end, out);
        }
        let statement_end = self.statement_end(i, end);
        let mut equals = None;
        let mut j = i;
        while j < statement_end {
            match self.tokens[j].kind {
                Kind::Open => j = self.partner(j) + 1,
                Kind::Punct if self.text(j) == "=" => {
                    equals = Some(j);
                    break;
                }
                _ => j += 1,
            }
        }
        match equals {
            Some(equals) if self.is_command(equals + 1, statement_end) => {
                self.walk(i, equals, out, &mut Vec::new(), false, None);
                self.command(equals + 1, end, out)
            }
            _ => {
                self.walk(i, statement_end, out, &mut Vec::new(), false, None);
                statement_end
            }
        }
    }

    /// A call named `name` (at token `at`) whose arguments are the tokens `start..end`.
    fn call(&self, name: Cow<'a, str>, at: usize, start: usize, end: usize) -> Call<'a> {
        let mut call = Call { name, line: self.tokens[at].line, ..Call::default() };
        self.walk(start, end, &mut call.inner, &mut call.strings, true, None);
        call
    }

    /// A closure's statements, after its parameters (`{ a, b -> … }`), as an unnamed call.
    fn closure(&self, open: usize) -> Call<'a> {
        let close = self.partner(open);
        let mut start = self.skip_newlines(open + 1, close);
        let mut j = start;
        while j < close && self.kind(j) != Some(Kind::Newline) {
            if self.kind(j) == Some(Kind::Open) {
                j = self.partner(j) + 1;
            } else if self.is(j, Kind::Punct, "->") {
                start = j + 1;
                break;
            } else {
                j += 1;
            }
        }
        Call { line: self.tokens[open].line, body: self.block(start, close), has_block: true, ..Call::default() }
    }

    /// Where the statement at `i` ends: at a `;` or at a line break that does not continue
    /// it (after an operator or comma, before `.`-chains, or before a block on its own line).
    fn statement_end(&self, i: usize, end: usize) -> usize {
        let mut j = i;
        while j < end {
            match self.tokens[j].kind {
                Kind::Open => j = self.partner(j) + 1,
                Kind::Punct if self.text(j) == ";" => return j,
                // `if (a) sh 'x' else sh 'y'`: the statement before `else` ends there.
                Kind::Ident if j > i && self.text(j) == "else" => return j,
                Kind::Newline => {
                    let next = self.skip_newlines(j, end);
                    if next >= end || j == 0 || !self.continues(j - 1, next) {
                        return j;
                    }
                    j = next;
                }
                _ => j += 1,
            }
        }
        end
    }

    fn continues(&self, last: usize, next: usize) -> bool {
        let last_kind = self.tokens[last].kind;
        if last_kind == Kind::Punct && !matches!(self.text(last), ";" | "++" | "--") {
            return true;
        }
        if self.kind(next) == Some(Kind::Punct)
            && matches!(self.text(next), "." | "?." | "*." | "?:" | "?" | ":" | "&&" | "||")
        {
            return true;
        }
        self.is(next, Kind::Open, "{") && (last_kind == Kind::Ident || self.is(last, Kind::Close, ")"))
    }

    /// Finds the calls and closures in the expression `start..end`, adding them to `calls`,
    /// and its string literals to `strings`. At the top of an argument list (`top`), a
    /// `name:` names the strings that follow until the next comma; `key` is the name in
    /// force when walking a bracket inside the arguments.
    fn walk(
        &self,
        start: usize,
        end: usize,
        calls: &mut Vec<Call<'a>>,
        strings: &mut Vec<Literal<'a>>,
        top: bool,
        key: Option<&'a str>,
    ) {
        let mut key = key;
        let mut argument_start = true;
        let mut i = start;
        while i < end {
            let token = self.tokens[i];
            let named = top && argument_start && self.is(i + 1, Kind::Punct, ":");
            match token.kind {
                Kind::Newline => {
                    i += 1;
                    continue;
                }
                Kind::Str if named => {
                    key = Some(self.strings[token.aux as usize].as_str());
                    i += 2;
                }
                Kind::Ident if named => {
                    key = Some(self.text(i));
                    i += 2;
                }
                Kind::Str => {
                    strings.push((key, self.strings[token.aux as usize].as_str()));
                    i += 1;
                }
                Kind::Ident if KEYWORDS.contains(&self.text(i)) => {
                    // A constructor (`new Foo(…)`) is not a call of the pipeline either.
                    let constructor = self.text(i) == "new" && self.is_ident(i + 1);
                    i += if constructor { 2 } else { 1 };
                }
                Kind::Ident if self.is(i + 1, Kind::Open, "(") || self.block_after(i + 1, end).is_some() => {
                    i = self.chain(i, end, calls);
                }
                Kind::Open => {
                    let close = self.partner(i);
                    match self.text(i) {
                        "{" => calls.push(self.closure(i)),
                        "[" => {
                            // Calls in a list or map build data (`string(name: …)` parameters,
                            // credential bindings): like arguments, they are not steps, though
                            // closures among them still hold statements.
                            let mut literal = Call { line: token.line, ..Call::default() };
                            self.walk(i + 1, close, &mut literal.inner, strings, false, key);
                            if !literal.inner.is_empty() {
                                calls.push(literal);
                            }
                        }
                        _ => self.walk(i + 1, close, calls, strings, false, key),
                    }
                    i = close + 1;
                }
                Kind::Punct if top && self.text(i) == "," => {
                    key = None;
                    argument_start = true;
                    i += 1;
                    continue;
                }
                _ => i += 1,
            }
            argument_start = false;
        }
    }

    /// Reads a call at `i` and the method-chain links after it (`a(x).b(y) { … }`), adding
    /// one call per link; returns where the chain ends.
    fn chain(&self, i: usize, end: usize, calls: &mut Vec<Call<'a>>) -> usize {
        let mut name = Cow::Borrowed(self.text(i));
        let mut grown_out = false;
        let mut at = i;
        let mut j = i + 1;
        loop {
            let mut call = None;
            if j < end && self.is(j, Kind::Open, "(") {
                let close = self.partner(j);
                let mut found = self.call(name.clone(), at, j + 1, close);
                found.args = self.source_between(j, close);
                call = Some(found);
                j = close + 1;
            }
            if let Some(open) = self.block_after(j, end) {
                let found = call.get_or_insert_with(|| Call {
                    name: name.clone(),
                    line: self.tokens[at].line,
                    ..Call::default()
                });
                found.body = self.closure(open).body;
                found.has_block = true;
                j = self.partner(open) + 1;
            }
            let Some(call) = call else { break };
            calls.push(call);
            let dot = self.skip_newlines(j, end);
            let linked = dot < end && matches!(self.text(dot), "." | "?." | "*.") && self.is_ident(dot + 1);
            if !linked {
                break;
            }
            let method = self.text(dot + 1);
            grown_out |= name.len() + 1 + method.len() > MAX_CHAIN_NAME;
            name = if grown_out { Cow::Borrowed(method) } else { Cow::Owned(format!("{name}.{method}")) };
            at = dot + 1;
            j = dot + 2;
        }
        j
    }
}

// ---------------------------------------------------------------------------------------
// Outline

/// What a call is to the pipeline.
enum Role {
    Stage,
    Triggers,
    Setting,
    Wrapper,
    Step,
}

fn role(call: &Call) -> Role {
    let name = call.name.as_ref();
    match name {
        "stage" => Role::Stage,
        "triggers" if call.has_block => Role::Triggers,
        "input" if call.has_block => Role::Setting,
        _ if SETTINGS.contains(&name) => Role::Setting,
        _ if WRAPPERS.contains(&name) || name.ends_with(".inside") => Role::Wrapper,
        _ => Role::Step,
    }
}

struct Stage {
    name: String,
    line: u32,
    steps: Vec<Value>,
}

/// The stages, steps and triggers found so far, and the stages enclosing the current call.
#[derive(Default)]
struct Outline {
    stages: Vec<Stage>,
    steps: Vec<Value>,
    triggers: Vec<Value>,
    open: Vec<usize>,
    /// Bytes of outline produced, against [`MAX_OUTLINE_BYTES`].
    spent: usize,
    /// Set when the budget ran out; nothing more is added.
    exhausted: bool,
}

impl Outline {
    /// Accounts for `bytes` more of outline; `false` once the budget is exceeded.
    fn afford(&mut self, bytes: usize) -> bool {
        self.spent = self.spent.saturating_add(bytes);
        self.exhausted |= self.spent > MAX_OUTLINE_BYTES;
        !self.exhausted
    }

    fn statements(&mut self, calls: &[Call]) {
        let depth = self.open.len();
        for call in calls {
            if self.exhausted {
                break;
            }
            if call.name == "stage" && !call.has_block {
                // `stage 'Build'` holds the statements after it, up to the next such stage.
                self.open.truncate(depth);
                self.begin_stage(call);
            } else {
                self.call(call);
            }
        }
        self.open.truncate(depth);
    }

    fn call(&mut self, call: &Call) {
        if call.name.is_empty() {
            self.arguments(call);
            self.statements(&call.body);
            return;
        }
        match role(call) {
            Role::Stage => {
                let depth = self.open.len();
                self.begin_stage(call);
                self.arguments(call);
                self.statements(&call.body);
                self.open.truncate(depth);
            }
            Role::Triggers => self.triggers(&call.body),
            Role::Setting => {}
            Role::Wrapper => {
                self.arguments(call);
                self.statements(&call.body);
            }
            Role::Step => {
                self.step(call);
                self.arguments(call);
                self.statements(&call.body);
            }
        }
    }

    /// Visits what a call's arguments hold: closures' statements, and triggers.
    fn arguments(&mut self, call: &Call) {
        for inner in &call.inner {
            if inner.name == "pipelineTriggers" {
                self.triggers(&inner.inner);
            } else {
                self.arguments(inner);
                self.statements(&inner.body);
            }
        }
    }

    fn triggers(&mut self, calls: &[Call]) {
        for call in calls {
            if call.name.is_empty() {
                self.triggers(&call.inner);
                self.triggers(&call.body);
            } else if self.afford(entry_size(call)) {
                self.triggers.push(describe(call));
            }
        }
    }

    fn begin_stage(&mut self, call: &Call) {
        let name = call.title();
        // The name is written once for the stage and may be repeated in each of its steps,
        // which `step` accounts for.
        if self.afford(name.len() + ENTRY_OVERHEAD) {
            self.stages.push(Stage { name, line: call.line, steps: Vec::new() });
            self.open.push(self.stages.len() - 1);
        }
    }

    fn step(&mut self, call: &Call) {
        let stage_name = self.open.last().map_or(0, |&stage| self.stages[stage].name.len());
        if !self.afford((entry_size(call) * (self.open.len() + 1)).saturating_add(stage_name)) {
            return;
        }
        let step = describe(call);
        for &stage in &self.open {
            self.stages[stage].steps.push(step.clone());
        }
        let mut flat = step;
        let stage = self.open.last().map_or(Value::Null, |&stage| Value::from(self.stages[stage].name.as_str()));
        flat["stage"] = stage;
        self.steps.push(flat);
    }
}

/// A call as an outline entry: name, arguments, text and line.
fn describe(call: &Call) -> Value {
    json!({"name": call.name.as_ref(), "args": call.args, "text": call.text(), "line": call.line})
}

/// What a call's entry costs in the outline's budget.
fn entry_size(call: &Call) -> usize {
    let text: usize = call.strings.iter().map(|(_, s)| s.len() + 1).sum();
    call.name.len() + call.args.len() + text + ENTRY_OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn parsed(text: &str) -> Value {
        match parse(text) {
            Ok(value) => value,
            Err(failure) => panic!("should parse: {failure:?}\n{text}"),
        }
    }

    fn failed(text: &str) -> Failure {
        match parse(text) {
            Ok(value) => panic!("should fail, got {value}\n{text}"),
            Err(failure) => failure,
        }
    }

    fn names(values: &Value) -> Vec<&str> {
        values.as_array().expect("an array").iter().map(|v| v["name"].as_str().expect("a name")).collect()
    }

    fn texts(values: &Value) -> Vec<&str> {
        values.as_array().expect("an array").iter().map(|v| v["text"].as_str().expect("a text")).collect()
    }

    /// `(step name, stage)` pairs of the flattened steps.
    fn placed(value: &Value) -> Vec<(&str, Option<&str>)> {
        value["steps"].as_array().unwrap().iter().map(|s| (s["name"].as_str().unwrap(), s["stage"].as_str())).collect()
    }

    const DECLARATIVE: &str = r#"// A declarative pipeline } with { braces " and ' quotes in comments
pipeline {
    agent { docker { image 'maven:3.9' ; args '-v $HOME/.m2:/root/.m2' } }
    environment {
        REGISTRY = credentials('registry')   /* { unbalanced in a comment */
    }
    options { timeout(time: 1, unit: 'HOURS'); buildDiscarder(logRotator(numToKeepStr: '10')) }
    triggers {
        cron('H 2 * * *')
        pollSCM 'H/5 * * * *'
    }
    parameters { booleanParam(name: 'DEPLOY', defaultValue: false) }
    stages {
        stage('Build') {
            steps {
                sh 'mvn -B -DskipTests clean package'
                echo "Built ${env.BUILD_ID} with { braces } and \"quotes\""
            }
        }
        stage('Test') {
            parallel {
                stage("Unit") {
                    steps { sh(script: "mvn test", label: 'unit tests') }
                    post { always { junit 'target/surefire-reports/*.xml' } }
                }
                stage(name: 'Integration') {
                    when { branch 'main' }
                    steps {
                        sh '''
                            ./run-it.sh --profile ci
                            echo done
                        '''
                    }
                }
            }
        }
        stage('Deploy') {
            when { expression { return params.DEPLOY } }
            input { message 'Ship it?' }
            steps {
                script {
                    def version = sh(returnStdout: true, script: 'git describe --tags').trim()
                    if (version.startsWith('v')) {
                        sh "./deploy.sh ${version}"
                    } else {
                        error 'not a release'
                    }
                }
                withCredentials([usernamePassword(credentialsId: 'hub', usernameVariable: 'U', passwordVariable: 'P')]) {
                    sh 'docker login -u $U -p $P'
                }
            }
        }
    }
    post {
        failure { mail to: 'team@example.com', subject: 'Broken' }
        cleanup { cleanWs() }
    }
}
"#;

    #[test]
    fn a_declarative_pipeline_is_outlined() {
        let value = parsed(DECLARATIVE);
        assert_eq!(value["kind"], json!("declarative"));
        assert_eq!(names(&value["stages"]), vec!["Build", "Test", "Unit", "Integration", "Deploy"]);
        let lines: Vec<u64> = value["stages"].as_array().unwrap().iter().map(|s| s["line"].as_u64().unwrap()).collect();
        assert_eq!(lines, vec![14, 20, 22, 26, 37]);
        assert_eq!(
            placed(&value),
            vec![
                ("sh", Some("Build")),
                ("echo", Some("Build")),
                ("sh", Some("Unit")),
                ("junit", Some("Unit")),
                ("sh", Some("Integration")),
                ("sh", Some("Deploy")),
                ("sh.trim", Some("Deploy")),
                ("version.startsWith", Some("Deploy")),
                ("sh", Some("Deploy")),
                ("error", Some("Deploy")),
                ("sh", Some("Deploy")),
                ("mail", None),
                ("cleanWs", None),
            ]
        );
        assert_eq!(
            value["triggers"],
            json!([
                {"name": "cron", "args": "'H 2 * * *'", "text": "H 2 * * *", "line": 9},
                {"name": "pollSCM", "args": "'H/5 * * * *'", "text": "H/5 * * * *", "line": 10},
            ])
        );
    }

    #[test]
    fn steps_carry_args_text_and_line() {
        let value = parsed(DECLARATIVE);
        let steps = &value["steps"];
        assert_eq!(
            steps[0],
            json!({"name": "sh", "args": "'mvn -B -DskipTests clean package'", "text": "mvn -B -DskipTests clean package", "line": 16, "stage": "Build"})
        );
        assert_eq!(steps[1]["text"], json!("Built ${env.BUILD_ID} with { braces } and \"quotes\""));
        assert_eq!(steps[2]["args"], json!("script: \"mvn test\", label: 'unit tests'"));
        assert_eq!(steps[2]["text"], json!("mvn test"));
        assert_eq!(steps[4]["text"], json!("\n                            ./run-it.sh --profile ci\n                            echo done\n                        "));
        assert_eq!(steps[4]["line"], json!(29));
        assert_eq!(steps[5]["text"], json!("git describe --tags"));
        assert_eq!(
            steps[11],
            json!({"name": "mail", "args": "to: 'team@example.com', subject: 'Broken'", "text": "team@example.com Broken", "line": 56, "stage": null})
        );
    }

    #[test]
    fn a_stage_holds_the_steps_of_its_nested_stages() {
        let value = parsed(DECLARATIVE);
        let stage =
            |name: &str| value["stages"].as_array().unwrap().iter().find(|s| s["name"] == json!(name)).unwrap().clone();
        assert_eq!(names(&stage("Test")["steps"]), vec!["sh", "junit", "sh"]);
        assert_eq!(names(&stage("Unit")["steps"]), vec!["sh", "junit"]);
        assert_eq!(
            stage("Unit")["steps"][0],
            json!({"name": "sh", "args": "script: \"mvn test\", label: 'unit tests'", "text": "mvn test", "line": 23})
        );
        // `input`, `when` and `withCredentials` are not steps; their insides are read or not.
        // Every call is reported, method calls in conditions too.
        assert_eq!(names(&stage("Deploy")["steps"]), vec!["sh", "sh.trim", "version.startsWith", "sh", "error", "sh"]);
        assert_eq!(texts(&stage("Deploy")["steps"])[5], "docker login -u $U -p $P");
    }

    const SCRIPTED: &str = r#"#!/usr/bin/env groovy
@Library('shared-lib@v2') _
import groovy.json.JsonSlurper

properties([
    buildDiscarder(logRotator(numToKeepStr: '5')),
    pipelineTriggers([cron('@nightly'), githubPush()])
])

def notify(String status) {
    slackSend channel: '#ci', message: "Build ${status}"
}

node('linux') {
    try {
        stage('Checkout') {
            checkout scm
        }
        stage('Build') {
            withCredentials([string(credentialsId: 'token', variable: 'TOKEN')]) {
                sh "./gradlew build -Ptoken=\$TOKEN"
            }
            docker.image('node:20').inside('-u root') {
                sh 'npm ci && npm test'
            }
        }
        stage('Parallel') {
            parallel(
                linux: { sh 'make linux' },
                windows: {
                    node('windows') { bat 'make.bat' }
                },
                failFast: true
            )
        }
        ['a', 'b'].each { name ->
            sh "echo ${name}"
        }
    } catch (err) {
        currentBuild.result = 'FAILURE'
        notify('failed')
        throw err
    } finally {
        archiveArtifacts artifacts: 'build/**', allowEmptyArchive: true
    }
}
"#;

    #[test]
    fn a_scripted_pipeline_is_outlined() {
        let value = parsed(SCRIPTED);
        assert_eq!(value["kind"], json!("scripted"));
        assert_eq!(names(&value["stages"]), vec!["Checkout", "Build", "Parallel"]);
        assert_eq!(
            placed(&value),
            vec![
                ("properties", None),
                ("slackSend", None),
                ("checkout", Some("Checkout")),
                ("sh", Some("Build")),
                ("docker.image", Some("Build")),
                ("sh", Some("Build")),
                ("sh", Some("Parallel")),
                ("bat", Some("Parallel")),
                ("each", None),
                ("sh", None),
                ("notify", None),
                ("archiveArtifacts", None),
            ]
        );
        assert_eq!(names(&value["triggers"]), vec!["cron", "githubPush"]);
        assert_eq!(value["triggers"][0], json!({"name": "cron", "args": "'@nightly'", "text": "@nightly", "line": 7}));
        let steps = &value["steps"];
        assert_eq!(steps[2]["args"], json!("scm"));
        assert_eq!(steps[2]["text"], json!(""));
        assert_eq!(steps[3]["text"], json!("./gradlew build -Ptoken=$TOKEN"));
        assert_eq!(steps[4]["text"], json!("node:20"));
        assert_eq!(steps[11]["text"], json!("build/**"));
    }

    #[test]
    fn a_map_literal_call_receiver_is_named_by_its_method() {
        // `['a', 'b'].each { }` has no name before the call: it is named `each`.
        let value = parsed("['a'].each { x -> sh x }\n");
        assert_eq!(placed(&value), vec![("each", None), ("sh", None)]);
    }

    #[test]
    fn old_style_stages_hold_the_statements_after_them() {
        let value = parsed("node {\n  stage 'Checkout'\n  checkout scm\n  stage name: 'Build', concurrency: 1\n  sh 'make'\n}\nsh 'after'\n");
        assert_eq!(names(&value["stages"]), vec!["Checkout", "Build"]);
        assert_eq!(placed(&value), vec![("checkout", Some("Checkout")), ("sh", Some("Build")), ("sh", None)]);
        assert_eq!(value["stages"][1]["line"], json!(4));
    }

    #[test]
    fn stage_names_fall_back_to_their_arguments() {
        let value = parsed("stage(\"Deploy ${env.TARGET}\") { sh 'x' }\nstage(stageName) { sh 'y' }\n");
        assert_eq!(names(&value["stages"]), vec!["Deploy ${env.TARGET}", "stageName"]);
    }

    #[test]
    fn matrix_axes_are_settings_and_its_stages_are_stages() {
        let value = parsed(
            r#"pipeline {
  agent none
  stages {
    stage('Matrix') {
      matrix {
        axes { axis { name 'PLATFORM'; values 'linux', 'windows' } }
        excludes { exclude { axis { name 'PLATFORM'; values 'windows' } } }
        stages { stage('Build') { steps { echo "Build on ${PLATFORM}" } } }
      }
    }
  }
}"#,
        );
        assert_eq!(names(&value["stages"]), vec!["Matrix", "Build"]);
        assert_eq!(placed(&value), vec![("echo", Some("Build"))]);
        assert_eq!(names(&value["stages"][0]["steps"]), vec!["echo"]);
    }

    #[test]
    fn input_is_a_step_without_a_block_and_a_setting_with_one() {
        let value = parsed("stage('Approve') {\n  input message: 'Deploy?', ok: 'Yes'\n}\nstage('S') { input { message 'x' }\n steps { sh 'y' } }\n");
        assert_eq!(placed(&value), vec![("input", Some("Approve")), ("sh", Some("S"))]);
        assert_eq!(value["steps"][0]["text"], json!("Deploy? Yes"));
    }

    #[test]
    fn text_decodes_escapes_and_keeps_interpolations() {
        let value = parsed(concat!(
            "sh 'it\\'s \\\\ a \\u00e9 \\n'\n",
            "sh \"${x ? \"a}\" : 'b{'} \\${HOME} \\$y\"\n",
            "echo 'a' + \"b\" + '''c''' + \"\"\"d\"\"\"\n",
            "sh \"\"\"line one \\\nstill one\nline two\"\"\"\n",
            "sh(script: 'first', label: 'l', encoding: 'UTF-8')\n",
            "git url: 'https://x/y.git', branch: 'main'\n",
        ));
        assert_eq!(
            texts(&value["steps"]),
            vec![
                "it's \\ a é \n",
                "${x ? \"a}\" : 'b{'} ${HOME} $y",
                "a b c d",
                "line one still one\nline two",
                "first",
                "https://x/y.git main",
            ]
        );
    }

    #[test]
    fn strings_inside_nested_calls_and_closures_are_not_the_calls_text() {
        let value =
            parsed("build job: 'deploy', parameters: [string(name: 'ENV', value: 'prod'), 'extra'], wait: false\n");
        assert_eq!(value["steps"][0]["text"], json!("deploy extra"));
        let ternary = parsed("sh(cond ? 'a' : 'b')\n");
        assert_eq!(ternary["steps"][0]["text"], json!("a b"));
    }

    #[test]
    fn calls_in_list_and_map_literals_are_data_but_their_closures_hold_steps() {
        let value = parsed(concat!(
            "def params = [string(name: 'version', value: \"$v\"), booleanParam(name: 'X', value: true)]\n",
            "build job: 'deploy', parameters: params\n",
            "def branches = [linux: { stage('Linux') { sh 'make' } }, other: helper({ sh 'nested' })]\n",
            "parallel branches\n",
            "properties([pipelineTriggers(triggers: [cron('H * * * *')])])\n",
        ));
        assert_eq!(placed(&value), vec![("build", None), ("sh", Some("Linux")), ("sh", None), ("properties", None)]);
        assert_eq!(names(&value["triggers"]), vec!["cron"]);
    }

    #[test]
    fn named_arguments_continue_over_lines() {
        let value = parsed("def out = sh script: 'git rev-parse HEAD',\n    returnStdout: true\necho out\n");
        assert_eq!(placed(&value), vec![("sh", None), ("echo", None)]);
        assert_eq!(value["steps"][0]["args"], json!("script: 'git rev-parse HEAD',\n    returnStdout: true"));
    }

    #[test]
    fn chains_across_lines_and_blocks_on_their_own_line_are_attached() {
        let value = parsed("def v = sh(script: 'x', returnStdout: true)\n    .trim()\n    .split('\\n')\nstage('Allman')\n{\n    sh 'y'\n}\n");
        assert_eq!(
            placed(&value),
            vec![("sh", None), ("sh.trim", None), ("sh.trim.split", None), ("sh", Some("Allman"))]
        );
        assert_eq!(value["steps"][2]["text"], json!("\n"));
    }

    #[test]
    fn control_flow_is_read_through() {
        let value = parsed(
            r#"node {
  for (int i = 0; i < 3; i++) { sh "echo ${i}" }
  while (isRunning()) sleep 5
  if (a) sh 'one' else if (b) { sh 'two' } else sh 'three'
  switch (env.BRANCH_NAME) {
    case 'main': sh 'deploy'; break
    case ~/release\/.*/:
      sh 'release'
      break
    default: echo 'nothing'
  }
  synchronized (this) { sh 'locked' }
  String label = 'x'
  List<String> items = ['a']
  items.each { String item, int index -> echo item }
  return
}"#,
        );
        assert_eq!(
            names(&value["steps"]),
            vec!["sh", "isRunning", "sleep", "sh", "sh", "sh", "sh", "sh", "echo", "sh", "items.each", "echo"]
        );
    }

    #[test]
    fn classes_methods_and_constructors_are_not_steps_themselves() {
        let value = parsed(
            "@NonCPS\ndef parse(String json) {\n  return new groovy.json.JsonSlurper().parseText(json)\n}\nclass Helper implements Serializable {\n  def steps\n  void run() { steps.sh 'x' }\n}\n",
        );
        assert_eq!(names(&value["steps"]), vec!["parseText", "steps.sh"]);
    }

    #[test]
    fn groovy_odds_and_ends_do_not_fail() {
        let value = parsed(concat!(
            "@Library(['a@1', 'b']) import org.foo.Bar\n",
            "def (a, b) = [1, 2]\n",
            "def pattern = /a\\/b{/\n",
            "def dollar = $/ { ' \" /$\n",
            "if (env.BRANCH_NAME ==~ /release-.*/) { echo 'release' }\n",
            "def half = total / 2 / 1\n",
            "x = a?.b?.c() ?: [k: { y -> y }]\n",
            "println(\"${'}'}\")\n",
            "def s = '''it's ' still '' going'''\n",
            "def e = ''\n",
            "sh 'one'; sh 'two' /* multi\nline */ sh 'three'\n",
            "label: for (x in xs) { continue label }\n",
        ));
        assert_eq!(names(&value["steps"]), vec!["echo", "c", "println", "sh", "sh", "sh"]);
        assert_eq!(value["steps"][5]["line"], json!(12));
    }

    #[test]
    fn empty_and_comment_only_files_are_scripted_and_empty() {
        let empty = json!({"kind": "scripted", "stages": [], "steps": [], "triggers": []});
        assert_eq!(parsed(""), empty);
        assert_eq!(parsed("// nothing\n/* at all */\n\n"), empty);
    }

    #[test]
    fn a_pipeline_nested_elsewhere_is_not_declarative() {
        assert_eq!(parsed("node { pipeline { } }")["kind"], json!("scripted"));
        assert_eq!(parsed("pipeline\n{\n}\n")["kind"], json!("declarative"));
    }

    #[test]
    fn an_unclosed_brace_fails_at_the_brace() {
        let failure = failed("pipeline {\n  stages {\n    stage('a') {\n      steps { sh 'x' }\n  }\n}\n");
        assert_eq!((failure.line, failure.column), (Some(1), Some(10)));
        assert!(failure.message.contains('{'), "{}", failure.message);
    }

    #[test]
    fn an_unclosed_paren_inside_braces_fails_at_the_paren() {
        let failure = failed("node {\n  sh(\"make\"\n}\n");
        assert_eq!((failure.line, failure.column), (Some(2), Some(5)));
        assert!(failure.message.contains('('), "{}", failure.message);
    }

    #[test]
    fn an_unmatched_closer_fails_at_the_closer() {
        let failure = failed("node {\n  sh 'x'\n}\n}\n");
        assert_eq!((failure.line, failure.column), (Some(4), Some(1)));
        let bracket = failed("node { sh 'x' ]\n");
        assert_eq!((bracket.line, bracket.column), (Some(1), Some(15)));
    }

    #[test]
    fn unterminated_strings_fail_at_their_opening_quote() {
        for (text, line, column) in [
            ("sh 'make\n", 1, 4),
            ("node {\n  echo \"oops\n}\n", 2, 8),
            ("sh '''\nmake\n", 1, 4),
            ("x = \"\"\"${ 'a' \n", 1, 5),
            ("é = 'x", 1, 5),
            ("sh 'trailing backslash\\", 1, 4),
        ] {
            let failure = failed(text);
            assert_eq!((failure.line, failure.column), (Some(line), Some(column)), "{text:?}");
            assert!(failure.message.contains("string"), "{}", failure.message);
        }
    }

    #[test]
    fn an_unterminated_comment_fails_at_its_start() {
        let failure = failed("node {\n  /* never closed }\n");
        assert_eq!((failure.line, failure.column), (Some(2), Some(3)));
        assert!(failure.message.contains("comment"), "{}", failure.message);
    }

    #[test]
    fn nesting_is_limited() {
        let fine = format!("{}sh 'deep'{}", "node {".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert_eq!(
            parsed(&fine)["steps"],
            json!([{"name": "sh", "args": "'deep'", "text": "deep", "line": 1, "stage": null}])
        );
        let deep = format!("{}{}", "node {".repeat(MAX_DEPTH + 1), "}".repeat(MAX_DEPTH + 1));
        let failure = failed(&deep);
        assert_eq!((failure.line, failure.column), (Some(1), Some(6 * MAX_DEPTH as u32 + 6)));
        assert!(failure.message.contains("deeper"), "{}", failure.message);
        let interpolated = failed(&"\"${".repeat(MAX_DEPTH));
        assert!(interpolated.message.contains("deeper"), "{}", interpolated.message);
    }

    #[test]
    fn method_chain_names_stop_growing() {
        let value = parsed(&format!("a(){}", ".bb()".repeat(40)));
        let names = names(&value["steps"]);
        assert_eq!(names[1], "a.bb");
        assert!(names.iter().all(|name| name.len() <= MAX_CHAIN_NAME), "{names:?}");
        assert_eq!(names.last(), Some(&"bb"));
    }

    #[test]
    fn an_outline_multiplied_by_nested_stages_is_refused() {
        // Each step is repeated in its 60 enclosing stages: about 50 MiB of outline.
        let text = format!("{}{}{}", "stage('s') {".repeat(60), "sh 'x'\n".repeat(10_000), "}".repeat(60));
        let failure = failed(&text);
        assert!(failure.message.contains("outline"), "{}", failure.message);
        assert_eq!((failure.line, failure.column), (None, None));
        // The same steps in one stage are fine.
        let flat = format!("stage('s') {{\n{}}}", "sh 'x'\n".repeat(10_000));
        assert_eq!(parsed(&flat)["stages"][0]["steps"].as_array().map(Vec::len), Some(10_000));
    }

    /// Runs the parser on hostile input and checks it answers quickly.
    fn quickly(text: &str) -> Result<Value, Failure> {
        let started = Instant::now();
        let result = parse(text);
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
        result
    }

    #[test]
    fn hostile_input_is_handled_in_linear_time() {
        const SIZE: usize = 1 << 20;
        for bracket in ["{", "(", "[", "\"${", "\"${x{"] {
            assert!(quickly(&bracket.repeat(SIZE / bracket.len())).is_err(), "{bracket}");
        }
        for unterminated in ["'", "\"", "'''", "\"\"\"", "/*"] {
            let failure = quickly(&format!("{unterminated}{}", "a".repeat(SIZE))).unwrap_err();
            assert_eq!((failure.line, failure.column), (Some(1), Some(1)), "{unterminated}");
        }
        assert!(quickly(&"}".repeat(SIZE)).is_err());
        assert!(quickly(&"{}".repeat(SIZE / 2)).is_ok());
        assert!(quickly(&"if (x) ".repeat(SIZE / 7)).is_ok());
        assert!(quickly(&format!("if (a) {{}}{}", " else if (b) {}".repeat(SIZE / 15))).is_ok());
        let chain = quickly(&format!("a(){}", ".b()".repeat(SIZE / 4))).unwrap_err();
        assert!(chain.message.contains("outline"), "{}", chain.message);
        let chain = quickly(&format!("a(){}", ".b()".repeat(SIZE / 16))).unwrap();
        assert_eq!(chain["steps"].as_array().map(Vec::len), Some(SIZE / 16 + 1));
        assert!(quickly(&"a\n".repeat(SIZE / 2)).is_ok());
        assert!(quickly(&"sh 'x',\n".repeat(SIZE / 8)).is_ok());
        assert!(quickly(&"x = /a ".repeat(SIZE / 7)).is_ok());
        assert!(quickly(&"$/ab".repeat(SIZE / 4)).is_ok());
        assert!(quickly(&"x = /a\\".repeat(SIZE / 7)).is_ok());
        assert!(quickly(&"x.".repeat(SIZE / 2)).is_ok());
        assert_eq!(
            quickly(&"stage('s') { sh 'x' }\n".repeat(SIZE / 22)).unwrap()["steps"].as_array().map(Vec::len),
            Some(SIZE / 22)
        );
    }
}
