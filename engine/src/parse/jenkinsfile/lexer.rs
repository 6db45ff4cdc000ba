//! The tokenizer: Groovy source becomes a flat list of tokens (names, strings, numbers,
//! operators, brackets and the line breaks that end statements). Comments are dropped (one
//! spanning lines still ends a statement), string literals are decoded into a side table
//! (escapes decoded, `${…}` interpolations kept as written), and each bracket records the
//! index of its partner, so later passes skip a bracketed span in one step. Structural errors — an unbalanced bracket, an unterminated
//! string or comment, nesting deeper than [`MAX_DEPTH`] — are found here, with their
//! position; nothing after this pass fails except the outline's size budget.

use crate::parse::Failure;

/// Deepest nesting of brackets, braces, parentheses and string interpolations accepted.
pub(super) const MAX_DEPTH: usize = 64;

/// Tokenizes `src`, checking that its brackets, strings and comments are closed.
pub(super) fn lex(src: &str) -> Result<Lexed, Failure> {
    Lexer::new(src).run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) line: u32,
    pub(super) aux: u32,
}

/// What [`lex`] returns: the tokens, and the decoded contents of the string tokens.
pub(super) struct Lexed {
    pub(super) tokens: Vec<Token>,
    pub(super) strings: Vec<String>,
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
