//! The call tree: tokens become the calls a pipeline makes. A call is `name args`,
//! `name(args)` or a method-chain link, with its string arguments, the calls inside its
//! arguments and, when it has a `{ … }` block, the statements of that block. Control flow
//! (`if`, `try`, `switch`, loops) is read through, flattening its statements into the
//! enclosing block; declarations, classes and annotations are read past. Nothing here fails:
//! the lexer has already checked the structure, and recursion is as deep as the brackets.

use std::borrow::Cow;

use super::lexer::{Kind, Lexed, Token};

/// Longest name given to a method-chain link; links further down a longer chain are named
/// by their own method, so a hostile chain cannot multiply the input's size.
pub(super) const MAX_CHAIN_NAME: usize = 64;

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

/// The statements of a lexed source, as calls.
pub(super) fn build<'a>(src: &'a str, lexed: &'a Lexed) -> Vec<Call<'a>> {
    let parser = Parser { src, tokens: &lexed.tokens, strings: &lexed.strings };
    parser.block(0, lexed.tokens.len())
}

/// A string literal among a call's arguments, with the named argument it belongs to.
pub(super) type Literal<'a> = (Option<&'a str>, &'a str);

/// A call found in the source, with the calls inside it. Text is borrowed from the source
/// and the lexer, so nested calls do not copy what encloses them.
#[derive(Debug, Default)]
pub(super) struct Call<'a> {
    /// Empty for a closure that is not a call's block (an argument, a bare block).
    pub(super) name: Cow<'a, str>,
    pub(super) args: &'a str,
    pub(super) strings: Vec<Literal<'a>>,
    pub(super) line: u32,
    /// What the arguments hold: calls (`usernamePassword(…)`, `cron(…)`), and as unnamed
    /// calls their closures and the lists or maps holding calls.
    pub(super) inner: Vec<Call<'a>>,
    /// The statements of the block, flattened through `if`, `try` and the like.
    pub(super) body: Vec<Call<'a>>,
    pub(super) has_block: bool,
}

impl Call<'_> {
    /// The string arguments' contents, or the `script:` argument's when there is one.
    pub(super) fn text(&self) -> String {
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
    pub(super) fn title(&self) -> String {
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
