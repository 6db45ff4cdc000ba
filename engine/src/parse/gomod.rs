//! Go module files (`go.mod`): the module path, the Go version and the requirements.
//!
//! The value is `{"module", "go", "toolchain", "require": [{"path", "version", "indirect",
//! "line"}], "replace": [{"old", "old_version", "new", "new_version", "line"}], "exclude":
//! [{"path", "version", "line"}]}`; `module`, `go` and `toolchain` are `null` when absent.
//! Directives are read in their single-line form (`require a v1`) and block form
//! (`require ( … )`); a requirement is `indirect` when its line comment starts with
//! `indirect`. Other directives (`retract`, `godebug`, `tool`, `ignore`, and any a later Go
//! adds) are skipped, so a newer `go.mod` still parses.

use super::{Failure, Parsed, MAX_NODES};
use serde_json::{json, Map, Value};

/// A token of a line, with its 1-based column.
struct Token {
    text: String,
    column: usize,
}

/// A line split into tokens and its comment.
struct Line {
    number: usize,
    tokens: Vec<Token>,
    comment: String,
}

fn error(message: impl Into<String>, line: usize, column: usize) -> Failure {
    Failure { message: message.into(), line: Some(line as u32), column: Some(column as u32) }
}

/// Splits a line into tokens: words, `"quoted"` and `` `raw` `` strings, `(`, `)` and `=>`;
/// `//` starts a comment.
fn tokenize(number: usize, text: &str) -> Result<Line, Failure> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let column_of = |i: usize| text[..chars.get(i).map_or(text.len(), |c| c.0)].chars().count() + 1;
    let mut tokens = Vec::new();
    let mut comment = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1).map(|c| c.1) == Some('/') {
            comment = text[chars[i].0 + 2..].trim().to_owned();
            break;
        } else if c == '"' || c == '`' {
            let start = i;
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i).map(|c| c.1) {
                    None => return Err(error("unterminated quoted string", number, column_of(start))),
                    Some(q) if q == c => break,
                    Some('\\') if c == '"' => {
                        if let Some(&(_, escaped)) = chars.get(i + 1) {
                            value.push(escaped);
                        }
                        i += 2;
                        continue;
                    }
                    Some(other) => value.push(other),
                }
                i += 1;
            }
            i += 1;
            tokens.push(Token { text: value, column: column_of(start) });
        } else if c == '(' || c == ')' {
            tokens.push(Token { text: c.to_string(), column: column_of(i) });
            i += 1;
        } else {
            let start = i;
            while i < chars.len() {
                let c = chars[i].1;
                if c.is_whitespace() || c == '(' || c == ')' || c == '"' || c == '`' {
                    break;
                }
                if c == '/' && chars.get(i + 1).map(|c| c.1) == Some('/') {
                    break;
                }
                i += 1;
            }
            let end = chars.get(i).map_or(text.len(), |c| c.0);
            tokens.push(Token { text: text[chars[start].0..end].to_owned(), column: column_of(start) });
        }
    }
    Ok(Line { number, tokens, comment })
}

/// Parses a `go.mod` file.
pub fn parse(text: &str) -> Parsed {
    let mut module = Value::Null;
    let mut go = Value::Null;
    let mut toolchain = Value::Null;
    let mut require = Vec::new();
    let mut replace = Vec::new();
    let mut exclude = Vec::new();
    // The directive of the block being read and the line that opened it.
    let mut block: Option<(String, usize, usize)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = tokenize(index + 1, raw)?;
        if require.len() + replace.len() + exclude.len() > MAX_NODES {
            return Err(error(format!("more than {MAX_NODES} entries"), line.number, 1));
        }
        let tokens = &line.tokens;
        let (directive, args): (String, &[Token]) = match &block {
            Some((name, _, _)) => {
                if tokens.len() == 1 && tokens[0].text == ")" {
                    block = None;
                    continue;
                }
                (name.clone(), &tokens[..])
            }
            None => match tokens.split_first() {
                None => continue,
                Some((first, rest)) => {
                    if rest.len() == 1 && rest[0].text == "(" {
                        block = Some((first.text.clone(), line.number, first.column));
                        continue;
                    }
                    (first.text.clone(), rest)
                }
            },
        };
        if args.is_empty() {
            continue;
        }
        if let Some(paren) = args.iter().find(|t| t.text == "(" || t.text == ")") {
            return Err(error(format!("unexpected `{}`", paren.text), line.number, paren.column));
        }
        let end_column = raw.chars().count() + 1;
        let expect = |count: usize, what: &str| -> Result<(), Failure> {
            if args.len() == count {
                Ok(())
            } else {
                let column = args.get(count).map_or(end_column, |t| t.column);
                Err(error(format!("`{directive}` expects {what}"), line.number, column))
            }
        };
        let at = line.number;
        match directive.as_str() {
            "module" => {
                expect(1, "a module path")?;
                module = Value::String(args[0].text.clone());
            }
            "go" => {
                expect(1, "a Go version")?;
                go = Value::String(args[0].text.clone());
            }
            "toolchain" => {
                expect(1, "a toolchain name")?;
                toolchain = Value::String(args[0].text.clone());
            }
            "require" => {
                expect(2, "a module path and a version")?;
                let indirect = line.comment.split(';').next().is_some_and(|c| c.trim() == "indirect");
                require.push(json!({
                    "path": args[0].text, "version": args[1].text, "indirect": indirect, "line": at,
                }));
            }
            "exclude" => {
                expect(2, "a module path and a version")?;
                exclude.push(json!({"path": args[0].text, "version": args[1].text, "line": at}));
            }
            "replace" => {
                let arrow = match args.iter().position(|t| t.text == "=>") {
                    Some(arrow) if arrow == 1 || arrow == 2 => arrow,
                    _ => return Err(error("`replace` expects `old [version] => new [version]`", at, args[0].column)),
                };
                let new = &args[arrow + 1..];
                if new.is_empty() || new.len() > 2 {
                    let column = new.get(2).map_or(end_column, |t| t.column);
                    return Err(error("`replace` expects one module path or directory after `=>`", at, column));
                }
                let mut entry = Map::new();
                entry.insert("old".into(), Value::String(args[0].text.clone()));
                entry.insert(
                    "old_version".into(),
                    args.get(1).filter(|_| arrow == 2).map_or(Value::Null, |t| t.text.clone().into()),
                );
                entry.insert("new".into(), Value::String(new[0].text.clone()));
                entry.insert("new_version".into(), new.get(1).map_or(Value::Null, |t| t.text.clone().into()));
                entry.insert("line".into(), Value::from(at));
                replace.push(Value::Object(entry));
            }
            _ => {}
        }
    }
    if let Some((name, line, column)) = block {
        return Err(error(format!("the `{name} (` block is not closed"), line, column));
    }
    Ok(json!({
        "module": module, "go": go, "toolchain": toolchain,
        "require": require, "replace": replace, "exclude": exclude,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{parse as parse_any, Format};
    use serde_json::json;

    fn parse(text: &str) -> super::Parsed {
        parse_any(Format::GoMod, text.as_bytes()).remove(0)
    }

    #[test]
    fn single_and_block_requirements_with_indirect() {
        let text = "\
// The service.
module github.com/acme/shop // trailing

go 1.22.1
toolchain go1.22.3

require go.uber.org/zap v1.27.0

require (
\tgo.opentelemetry.io/otel v1.28.0
\tgithub.com/prometheus/client_golang v1.19.1 // indirect
\t\"github.com/quoted/mod\" v0.1.0 // indirect; needed by x
)

replace example.com/old v1.0.0 => ../local
replace (
\texample.com/a => example.com/b v1.2.3
)
exclude example.com/bad v0.0.1
retract v1.0.0
";
        let value = parse(text).unwrap();
        assert_eq!(value["module"], json!("github.com/acme/shop"));
        assert_eq!(value["go"], json!("1.22.1"));
        assert_eq!(value["toolchain"], json!("go1.22.3"));
        assert_eq!(
            value["require"],
            json!([
                {"path": "go.uber.org/zap", "version": "v1.27.0", "indirect": false, "line": 7},
                {"path": "go.opentelemetry.io/otel", "version": "v1.28.0", "indirect": false, "line": 10},
                {"path": "github.com/prometheus/client_golang", "version": "v1.19.1", "indirect": true, "line": 11},
                {"path": "github.com/quoted/mod", "version": "v0.1.0", "indirect": true, "line": 12},
            ])
        );
        assert_eq!(
            value["replace"],
            json!([
                {"old": "example.com/old", "old_version": "v1.0.0", "new": "../local", "new_version": null, "line": 15},
                {"old": "example.com/a", "old_version": null, "new": "example.com/b", "new_version": "v1.2.3", "line": 17},
            ])
        );
        assert_eq!(value["exclude"], json!([{"path": "example.com/bad", "version": "v0.0.1", "line": 19}]));
    }

    #[test]
    fn an_empty_file_has_no_module() {
        assert_eq!(
            parse("").unwrap(),
            json!({"module": null, "go": null, "toolchain": null, "require": [], "replace": [], "exclude": []})
        );
    }

    #[test]
    fn malformed_lines_have_positions() {
        let failure = parse("module x\n\nrequire (\n  a.b/c\n)\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(4), Some(8)), "{failure:?}");
        assert!(failure.message.contains("a module path and a version"), "{failure:?}");

        let failure = parse("module x\nrequire (\n  a.b/c v1\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(2), Some(1)), "{failure:?}");

        let failure = parse("module \"x\ngo 1.21\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(1), Some(8)), "{failure:?}");

        let failure = parse("go 1.21 1.22\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(1), Some(9)), "{failure:?}");
    }
}
