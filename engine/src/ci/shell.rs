//! Shell scripts as commands: each simple command of a script, its words with quoting
//! removed, the wrappers that only launch another program taken off, and its line.
//!
//! This is not a shell: it reads what CI scripts are made of (POSIX sh, bash, and the
//! simple lines of PowerShell and cmd), well enough to tell what program each command runs
//! and with which arguments. Quotes (`'…'`, `"…"`, `$'…'`), backslash escapes, line
//! continuations, comments, `&&`, `||`, `;`, `|`, `&`, subshells, `if`/`for`/`while`
//! bodies, here-documents (skipped), `$(…)` and backquotes (their commands are read too),
//! and GitHub's `${{ … }}` expressions (one word) are understood. Wrappers seen through:
//! `sudo`, `env`, `time`, `nice`, `nohup`, `exec`, `command`, `timeout`, `xvfb-run`,
//! `stdbuf`, `npx` and friends, `poetry run`, `uv run`, `bundle exec`, `python -m`,
//! `bash -c '…'` (read as a script), `docker run IMAGE …` and `docker compose run SERVICE …`
//! (the image is kept for the catalogue).

/// One simple command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    /// Its words, quoting removed, wrappers taken off: the program first.
    pub argv: Vec<String>,
    /// The line it starts on (the script's first line is `first_line`).
    pub line: u32,
    /// The command as written, from its first word to its end, on one line.
    pub text: String,
    /// The container image it runs in, for `docker run IMAGE …`.
    pub image: Option<String>,
    /// The file it is in, when a runner found it elsewhere than the file it read first (a
    /// Makefile's `include`); `None` is that file.
    pub file: Option<String>,
}

/// A word and where it starts.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word {
        text: String,
        raw: String,
        line: u32,
    },
    /// `&&`, `||`, `;`, `|`, `&`, `(`, `)`, or a newline (`\n`).
    Op(&'static str, u32),
}

/// The commands of a script whose first line is line `first_line` of its file.
pub fn commands(script: &str, first_line: u32) -> Vec<Command> {
    let mut out = Vec::new();
    read_script(script, first_line, 0, &mut out);
    out
}

/// How deep `bash -c` and `$(…)` may nest before the rest is left alone.
const MAX_NESTING: usize = 4;

fn read_script(script: &str, first_line: u32, depth: usize, out: &mut Vec<Command>) {
    if depth > MAX_NESTING {
        return;
    }
    let (tokens, nested) = tokenize(script, first_line);
    let mut current: Vec<(String, String, u32)> = Vec::new();
    let flush = |current: &mut Vec<(String, String, u32)>, out: &mut Vec<Command>| {
        if !current.is_empty() {
            simple_command(std::mem::take(current), depth, out);
        }
    };
    for token in tokens {
        match token {
            Token::Word { text, raw, line } => current.push((text, raw, line)),
            Token::Op(_, _) => flush(&mut current, out),
        }
    }
    flush(&mut current, out);
    for (text, line) in nested {
        read_script(&text, line, depth + 1, out);
    }
}

/// Splits a script into words and operators; also returns the scripts of `$(…)` and
/// backquote substitutions, with their lines.
fn tokenize(script: &str, first_line: u32) -> (Vec<Token>, Vec<(String, u32)>) {
    let chars: Vec<char> = script.chars().collect();
    let mut tokens = Vec::new();
    let mut nested = Vec::new();
    let mut line = first_line;
    let mut i = 0;
    let mut word = String::new();
    let mut raw = String::new();
    let mut in_word = false;
    let mut word_line = line;
    let mut heredocs: Vec<(String, bool)> = Vec::new();

    macro_rules! end_word {
        () => {
            if in_word {
                tokens.push(Token::Word {
                    text: std::mem::take(&mut word),
                    raw: std::mem::take(&mut raw),
                    line: word_line,
                });
                in_word = false;
            }
        };
    }
    macro_rules! start_word {
        () => {
            if !in_word {
                in_word = true;
                word_line = line;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                end_word!();
                tokens.push(Token::Op("\n", line));
                line += 1;
                i += 1;
                // Here-documents start on the next line: skip their bodies.
                while let Some((delimiter, strip_tabs)) = (!heredocs.is_empty()).then(|| heredocs.remove(0)) {
                    while i < chars.len() {
                        let end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| i + p);
                        let body_line: String = chars[i..end].iter().collect();
                        i = (end + 1).min(chars.len());
                        line += 1;
                        let candidate = if strip_tabs { body_line.trim_start_matches('\t') } else { &body_line };
                        if candidate.trim_end() == delimiter {
                            break;
                        }
                    }
                }
            }
            ' ' | '\t' | '\r' => {
                end_word!();
                i += 1;
            }
            '#' if !in_word => {
                // A comment runs to the end of the line.
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => {
                if chars.get(i + 1) == Some(&'\n') {
                    // A line continuation.
                    line += 1;
                    i += 2;
                } else if chars.get(i + 1) == Some(&'\r') && chars.get(i + 2) == Some(&'\n') {
                    line += 1;
                    i += 3;
                } else {
                    start_word!();
                    if let Some(&next) = chars.get(i + 1) {
                        word.push(next);
                        raw.push('\\');
                        raw.push(next);
                    }
                    i += 2;
                }
            }
            '\'' => {
                start_word!();
                let end = chars[i + 1..].iter().position(|&c| c == '\'').map_or(chars.len(), |p| i + 1 + p);
                let inner: String = chars[i + 1..end.min(chars.len())].iter().collect();
                line += inner.matches('\n').count() as u32;
                word.push_str(&inner);
                raw.push('\'');
                raw.push_str(&inner);
                raw.push('\'');
                i = end + 1;
            }
            '"' => {
                start_word!();
                raw.push('"');
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    match chars[i] {
                        '\\' if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            word.push(chars[i + 1]);
                            raw.push(chars[i]);
                            raw.push(chars[i + 1]);
                            i += 2;
                        }
                        '\\' if chars.get(i + 1) == Some(&'\n') => {
                            line += 1;
                            i += 2;
                        }
                        '$' if chars.get(i + 1) == Some(&'(') => {
                            let (inner, next) = balanced(&chars, i + 2, '(', ')');
                            nested.push((inner.clone(), line));
                            line += inner.matches('\n').count() as u32;
                            word.push_str(&format!("$({inner})"));
                            raw.push_str(&format!("$({inner})"));
                            i = next;
                        }
                        c => {
                            if c == '\n' {
                                line += 1;
                            }
                            word.push(c);
                            raw.push(c);
                            i += 1;
                        }
                    }
                }
                raw.push('"');
                i += 1;
            }
            '`' => {
                start_word!();
                let end = chars[i + 1..].iter().position(|&c| c == '`').map_or(chars.len(), |p| i + 1 + p);
                let inner: String = chars[i + 1..end.min(chars.len())].iter().collect();
                nested.push((inner.clone(), line));
                line += inner.matches('\n').count() as u32;
                word.push_str(&format!("`{inner}`"));
                raw.push_str(&format!("`{inner}`"));
                i = end + 1;
            }
            '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(') => {
                start_word!();
                let (inner, next) = balanced(&chars, i + 2, '(', ')');
                nested.push((inner.clone(), line));
                line += inner.matches('\n').count() as u32;
                word.push_str(&format!("$({inner})"));
                raw.push_str(&format!("$({inner})"));
                i = next;
            }
            '$' if chars.get(i + 1) == Some(&'{') && chars.get(i + 2) == Some(&'{') => {
                // A GitHub expression, `${{ env.CARGO }}`: one word whatever its spaces.
                start_word!();
                let end = (i + 3..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == '}' && chars[j + 1] == '}')
                    .map_or(chars.len(), |j| j + 2);
                let text: String = chars[i..end.min(chars.len())].iter().filter(|c| !c.is_whitespace()).collect();
                word.push_str(&text);
                raw.push_str(&text);
                i = end;
            }
            '$' if chars.get(i + 1) == Some(&'\'') => {
                // ANSI-C quoting, `$'…'`.
                start_word!();
                let end = chars[i + 2..].iter().position(|&c| c == '\'').map_or(chars.len(), |p| i + 2 + p);
                let inner: String = chars[i + 2..end.min(chars.len())].iter().collect();
                word.push_str(&inner);
                raw.push_str(&inner);
                i = end + 1;
            }
            '&' if (in_word && raw.ends_with(['>', '<'])) || chars.get(i + 1) == Some(&'>') => {
                // `2>&1`, `>&2` and `&>file` are redirections, not operators.
                start_word!();
                word.push(c);
                raw.push(c);
                i += 1;
            }
            '&' | '|' | ';' | '(' | ')' => {
                end_word!();
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op: &'static str = match (c, two.as_str()) {
                    (_, "&&") => "&&",
                    (_, "||") => "||",
                    (_, ";;") => ";;",
                    ('&', _) => "&",
                    ('|', _) => "|",
                    (';', _) => ";",
                    ('(', _) => "(",
                    _ => ")",
                };
                tokens.push(Token::Op(op, line));
                i += op.len();
            }
            '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                // A here-document: `<<EOF`, `<<-EOF`, `<<'EOF'`.
                end_word!();
                let mut j = i + 2;
                let strip_tabs = chars.get(j) == Some(&'-');
                if strip_tabs {
                    j += 1;
                }
                while chars.get(j) == Some(&' ') {
                    j += 1;
                }
                let mut delimiter = String::new();
                while let Some(&d) = chars.get(j) {
                    if d.is_whitespace() || matches!(d, ';' | '&' | '|' | '>' | '<' | ')') {
                        break;
                    }
                    if !matches!(d, '\'' | '"' | '\\') {
                        delimiter.push(d);
                    }
                    j += 1;
                }
                if !delimiter.is_empty() {
                    heredocs.push((delimiter, strip_tabs));
                }
                i = j;
            }
            c => {
                start_word!();
                word.push(c);
                raw.push(c);
                i += 1;
            }
        }
    }
    if in_word {
        tokens.push(Token::Word { text: word, raw, line: word_line });
    }
    (tokens, nested)
}

/// The text between an opening bracket (already passed) and its matching close, and the
/// index after the close.
fn balanced(chars: &[char], from: usize, open: char, close: char) -> (String, usize) {
    let mut depth = 1;
    let mut i = from;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == open => depth += 1,
            None if c == close => {
                depth -= 1;
                if depth == 0 {
                    return (chars[from..i].iter().collect(), i + 1);
                }
            }
            None => {}
        }
        i += 1;
    }
    (chars[from..].iter().collect(), chars.len())
}

/// Shell keywords that introduce or close a compound command; what follows them is a
/// command of its own.
const KEYWORDS: &[&str] =
    &["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "!", "esac", "function"];

/// Builds the command of some words: keywords and assignments skipped, wrappers unwrapped.
fn simple_command(words: Vec<(String, String, u32)>, depth: usize, out: &mut Vec<Command>) {
    let mut start = 0;
    // Keywords of compound commands, and `for x in …` / `case … in` headers, say nothing.
    while start < words.len() && KEYWORDS.contains(&words[start].1.as_str()) {
        start += 1;
    }
    if let Some(first) = words.get(start) {
        if matches!(first.1.as_str(), "for" | "case" | "select") {
            return;
        }
        // A function definition's name: `name()` arrives as `name` then `(`, `)`.
        if first.1.ends_with("()") {
            return;
        }
    }
    let words = &words[start..];
    if words.is_empty() {
        return;
    }
    let line = words[0].2;
    let text = words.iter().map(|w| w.1.as_str()).collect::<Vec<_>>().join(" ");
    let argv: Vec<String> = words.iter().map(|w| w.0.clone()).collect();
    unwrap(argv, line, &text, depth, out);
}

/// Takes the wrappers off a command, recursively, and records what remains.
fn unwrap(argv: Vec<String>, line: u32, text: &str, depth: usize, out: &mut Vec<Command>) {
    let mut argv = argv;
    let mut image = None;
    loop {
        // Variable assignments before the program.
        let skip = argv.iter().take_while(|w| is_assignment(w)).count();
        argv.drain(..skip);
        let Some(first) = argv.first() else { break };
        let program = crate::catalogue::program_name(first);
        let next = argv.get(1).map(String::as_str);
        // A variable left unexpanded as the program is either the program itself
        // (`$(KUSTOMIZE) build`, which the CI model names by the variable) or a prefix
        // (`$(TEST_ENV) uv run pytest`, empty as often as not): both are recorded.
        let rest = if is_variable_reference(first) && argv.len() > 1 {
            out.push(Command { argv: argv.clone(), line, text: text.to_owned(), image: None, file: None });
            if next == Some("-m") {
                2 // `$(PYTHON) -m pytest`
            } else {
                1
            }
        } else {
            0
        };
        if rest > 0 {
            argv.drain(..rest);
            continue;
        }
        let rest = match program.as_str() {
            "sudo" | "doas" => after_options(&argv, 1, &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"]),
            "env" => after_options(&argv, 1, &["-u", "-C", "-S"]),
            "time" | "nice" | "nohup" | "exec" | "command" | "builtin" | "xvfb-run" | "stdbuf" | "unbuffer"
            | "chronic" | "ionice" | "caffeinate" | "npx" | "bunx" | "pnpx" | "uvx" | "call" | "retry"
            | "with-contenv" | "dumb-init" | "tini" | "gosu" | "su-exec" | "script" | "dotenv" | "catchsegv"
            | "valgrind" | "strace" => {
                after_options(&argv, 1, &["-n", "-c", "-u", "-p", "--retries", "--max-tries", "-t", "--times", "--"])
            }
            "timeout" | "gtimeout" => {
                let i = after_options(&argv, 1, &["-s", "-k", "--signal", "--kill-after"]);
                if i < argv.len() {
                    i + 1
                } else {
                    i
                }
            }
            "poetry" | "pipenv" | "uv" | "pipx" | "pdm" | "hatch" | "rye" | "pixi" | "conda" | "mamba"
            | "micromamba"
                if next == Some("run") =>
            {
                after_options(
                    &argv,
                    2,
                    &[
                        "-n",
                        "--name",
                        "-p",
                        "--prefix",
                        "-e",
                        "--env",
                        "--group",
                        "--with",
                        "--extra",
                        "--python",
                        "--directory",
                        "--project",
                        "--package",
                    ],
                )
            }
            "bundle" if next == Some("exec") => after_options(&argv, 2, &[]),
            "npm" | "pnpm" | "yarn" | "bun" if matches!(next, Some("exec" | "dlx" | "x")) => {
                after_options(&argv, 2, &["-p", "--package", "-c", "--call"])
            }
            "cross-env" | "dotenv-cli" | "env-cmd" | "op" | "aws-vault" | "doppler" | "infisical" | "teller"
            | "chamber" => match argv.iter().position(|w| w == "--") {
                Some(p) => p + 1,
                None if program == "cross-env" => argv.iter().skip(1).take_while(|w| is_assignment(w)).count() + 1,
                None => break,
            },
            "python" | "python3" | "pypy" | "pypy3" if next == Some("-m") => 2,
            // `python -b -W always -m coverage run …`: the interpreter's own options first.
            "python" | "python3" | "pypy" | "pypy3" if python_module(&argv).is_some() => {
                python_module(&argv).unwrap_or(argv.len())
            }
            "unshare" => after_options(&argv, 1, &["-S", "--setuid", "-G", "--setgid", "-R", "--root", "-w", "--wd"]),
            // `go tool -modfile tools/go.mod goreleaser release`: a Go tool by name;
            // `go run golang.org/x/vuln/cmd/govulncheck@latest ./...`: a package's command.
            "go" if next == Some("tool") => {
                let i = after_options(&argv, 2, &["-modfile", "-C"]);
                if i >= argv.len() || argv[i] == "cover" || argv[i] == "pprof" || argv[i] == "vet" {
                    break;
                }
                i
            }
            "go" if next == Some("run") => {
                let i = after_options(&argv, 2, &["-modfile", "-C", "-tags", "-ldflags", "-exec", "-mod", "-o"]);
                match argv.get(i) {
                    Some(package) if package.contains('/') && !package.starts_with('.') => {
                        let command = package.split('@').next().unwrap_or(package);
                        let name = command.trim_end_matches('/').rsplit('/').next().unwrap_or(command).to_owned();
                        let mut rest = vec![name];
                        rest.extend(argv[i + 1..].iter().cloned());
                        argv = rest;
                        continue;
                    }
                    _ => break,
                }
            }
            "python" | "python3"
                if argv.get(1).is_some_and(|w| w.starts_with('-') && w != "-m" && w != "-c")
                    && argv.get(2).map(String::as_str) == Some("-m") =>
            {
                3
            }
            "coverage" if next == Some("run") => {
                // `coverage run -m pytest`, `coverage run manage.py test`: coverage, and
                // the program it runs.
                out.push(Command { argv: argv.clone(), line, text: text.to_owned(), image: None, file: None });
                match argv.iter().position(|w| w == "-m") {
                    Some(p) => p + 1,
                    None => after_options(
                        &argv,
                        2,
                        &["--rcfile", "--source", "--include", "--omit", "--data-file", "--context", "--concurrency"],
                    ),
                }
            }
            "nyc" | "c8" | "istanbul" => {
                // `nyc --reporter=lcov mocha`, `c8 npm test`: coverage around a program.
                out.push(Command { argv: argv.clone(), line, text: text.to_owned(), image: None, file: None });
                let from = if program == "istanbul" && next == Some("cover") { 2 } else { 1 };
                after_options(
                    &argv,
                    from,
                    &[
                        "--exclude",
                        "-x",
                        "--include",
                        "-n",
                        "--reporter",
                        "-r",
                        "--report-dir",
                        "--temp-dir",
                        "--extension",
                        "-e",
                        "--require",
                        "-i",
                        "--cwd",
                        "--lines",
                        "--branches",
                        "--functions",
                        "--statements",
                        "-o",
                        "--all",
                    ],
                )
            }
            "sh" | "bash" | "zsh" | "dash" | "ksh" | "pwsh" | "powershell" | "cmd" => {
                match argv.iter().skip(1).position(|w| is_command_flag(w)) {
                    Some(p) => {
                        // `bash -c 'make test'`: the string is a script of its own.
                        if let Some(script) = argv.get(p + 2) {
                            let mut inner = Vec::new();
                            read_script(script, line, depth + 1, &mut inner);
                            for mut c in inner {
                                c.line = line;
                                c.text = text.to_owned();
                                out.push(c);
                            }
                        }
                        return;
                    }
                    // `bash ./ci/test.sh`: the script is the program.
                    None => after_options(&argv, 1, &["-o", "+o", "-O", "+O"]),
                }
            }
            "eval" => {
                let script = argv[1..].join(" ");
                let mut inner = Vec::new();
                read_script(&script, line, depth + 1, &mut inner);
                out.extend(inner.into_iter().map(|c| Command { text: text.to_owned(), ..c }));
                return;
            }
            "nix-shell" if argv.iter().any(|w| w == "--run") => {
                let p = argv.iter().position(|w| w == "--run").unwrap_or(0);
                if let Some(script) = argv.get(p + 1) {
                    let mut inner = Vec::new();
                    read_script(script, line, depth + 1, &mut inner);
                    out.extend(inner.into_iter().map(|c| Command { text: text.to_owned(), line, ..c }));
                }
                return;
            }
            "nix" if next == Some("develop") || next == Some("shell") => {
                match argv.iter().position(|w| w == "-c" || w == "--command") {
                    Some(p) => p + 1,
                    None => break,
                }
            }
            "docker" | "podman" | "nerdctl" | "finch" => {
                let sub = argv[1..].iter().position(|w| !w.starts_with('-')).map(|p| p + 1);
                match sub.map(|s| argv[s].as_str()) {
                    Some("run") | Some("exec") | Some("container") => {
                        let s = sub.unwrap_or(1);
                        let s = if argv[s] == "container" { s + 1 } else { s };
                        let i = after_options(&argv, s + 1, DOCKER_RUN_VALUE_OPTIONS);
                        let is_run = argv.get(s).is_some_and(|w| w == "run");
                        if let Some(name) = argv.get(i) {
                            if is_run {
                                image = Some(name.clone());
                            }
                        }
                        if i + 1 >= argv.len() {
                            out.push(Command {
                                argv: Vec::new(),
                                line,
                                text: text.to_owned(),
                                image: image.take(),
                                file: None,
                            });
                            return;
                        }
                        // The image's (or the container's) command.
                        let inner: Vec<String> = argv[i + 1..].to_vec();
                        out.push(Command {
                            argv: Vec::new(),
                            line,
                            text: text.to_owned(),
                            image: image.take(),
                            file: None,
                        });
                        unwrap(inner, line, text, depth + 1, out);
                        return;
                    }
                    Some("compose") => match argv.iter().position(|w| w == "run" || w == "exec") {
                        Some(p) => {
                            let i = after_options(
                                &argv,
                                p + 1,
                                &[
                                    "-e",
                                    "--env",
                                    "-u",
                                    "--user",
                                    "-w",
                                    "--workdir",
                                    "-v",
                                    "--volume",
                                    "-p",
                                    "--publish",
                                    "--name",
                                    "--entrypoint",
                                    "-l",
                                    "--label",
                                ],
                            );
                            i + 1
                        }
                        None => break,
                    },
                    _ => break,
                }
            }
            "docker-compose" => match argv.iter().position(|w| w == "run" || w == "exec") {
                Some(p) => {
                    let i = after_options(
                        &argv,
                        p + 1,
                        &[
                            "-e",
                            "-u",
                            "--user",
                            "-w",
                            "--workdir",
                            "-v",
                            "--volume",
                            "-p",
                            "--publish",
                            "--name",
                            "--entrypoint",
                            "-l",
                            "--label",
                        ],
                    );
                    i + 1
                }
                None => break,
            },
            _ => break,
        };
        if rest >= argv.len() {
            argv.clear();
            break;
        }
        argv.drain(..rest);
    }
    if argv.is_empty() && image.is_none() {
        return;
    }
    out.push(Command { argv, line, text: text.to_owned(), image, file: None });
}

/// Options of `docker run` that take a value, so the image is found after them.
const DOCKER_RUN_VALUE_OPTIONS: &[&str] = &[
    "-e",
    "--env",
    "--env-file",
    "-v",
    "--volume",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "-p",
    "--publish",
    "--name",
    "--network",
    "--net",
    "--entrypoint",
    "-l",
    "--label",
    "--mount",
    "--platform",
    "-m",
    "--memory",
    "--cpus",
    "--add-host",
    "--cap-add",
    "--cap-drop",
    "--device",
    "--dns",
    "-h",
    "--hostname",
    "--ipc",
    "--pid",
    "--restart",
    "--security-opt",
    "--shm-size",
    "--tmpfs",
    "--ulimit",
    "--volumes-from",
    "--group-add",
    "--gpus",
    "--log-driver",
    "--cidfile",
    "--pull",
    "--runtime",
    "--userns",
    "--uts",
    "--link",
    "--expose",
    "--stop-signal",
    "--health-cmd",
];

/// The index of the first word after `from` that is not an option (or an option's value,
/// for the options in `with_value` written without `=`).
fn after_options(argv: &[String], from: usize, with_value: &[&str]) -> usize {
    let mut i = from;
    while i < argv.len() {
        let w = argv[i].as_str();
        if w == "--" {
            return i + 1;
        }
        if is_assignment(w) && i > 0 && matches!(crate::catalogue::program_name(&argv[0]).as_str(), "env" | "sudo") {
            i += 1;
            continue;
        }
        if !w.starts_with('-') || w == "-" {
            return i;
        }
        i += if with_value.contains(&w) { 2 } else { 1 };
    }
    i
}

/// Where the module's name is in `python [options] -m MODULE …`: after options such as
/// `-b`, `-u`, `-W always` or `-X dev`; `None` when the interpreter runs a script or `-c`.
fn python_module(argv: &[String]) -> Option<usize> {
    let mut i = 1;
    while let Some(w) = argv.get(i) {
        match w.as_str() {
            "-m" => return (i + 1 < argv.len()).then_some(i + 1),
            "-W" | "-X" | "--check-hash-based-pycs" => i += 2,
            "-c" | "-" | "--" => return None,
            w if w.starts_with('-') => i += 1,
            _ => return None,
        }
    }
    None
}

/// A word that is only a variable reference: `$(NAME)`, `${NAME}` or `$NAME`.
fn is_variable_reference(word: &str) -> bool {
    let Some(rest) = word.strip_prefix('$') else { return false };
    let name = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')))
        .unwrap_or(rest);
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_assignment(word: &str) -> bool {
    match word.find('=') {
        Some(eq) if eq > 0 => {
            let name = &word[..eq];
            !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    }
}

/// `-c`, `-ec`, `-xc`, `-Command` (PowerShell), `/c` (cmd).
fn is_command_flag(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower == "/c"
        || lower == "-command"
        || lower == "-c"
        || (lower.starts_with('-') && !lower.starts_with("--") && lower.len() <= 4 && lower.ends_with('c'))
}

#[cfg(test)]
mod tests;
