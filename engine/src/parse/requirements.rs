//! pip requirements files (`requirements*.txt`): requirements, includes and options.
//!
//! The value is `{"requirements": [{"name", "extras", "specifier", "url", "marker",
//! "editable", "hashes", "line"}], "includes": [{"kind": "requirement" | "constraint",
//! "path", "line"}], "options": [{"name", "value", "line"}]}`. `name` is written as in the
//! file (compare names case-insensitively with `-`, `_` and `.` alike, as PEP 503 does);
//! `specifier`, `url` and `marker` are `null` when absent; a requirement given only as a URL
//! or path takes its name from `#egg=` and is `null` without one. Comments (`#` at the start
//! or after a space), blank lines and `\` continuations are handled as pip does; `-r`
//! includes are recorded, not followed (the plugin asks for those files itself).

use super::{Failure, Parsed, MAX_NODES};
use serde_json::{json, Value};

fn error(message: impl Into<String>, line: usize, column: usize) -> Failure {
    Failure { message: message.into(), line: Some(line as u32), column: Some(column as u32) }
}

/// Options that take a value (the long and short spellings pip accepts in a file).
const VALUE_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--no-binary",
    "--only-binary",
    "--trusted-host",
    "--use-feature",
    "--config-settings",
    "--global-option",
];

/// Options that stand alone.
const FLAG_OPTIONS: &[&str] = &["--no-index", "--pre", "--prefer-binary", "--require-hashes"];

/// Logical lines: continuations joined, comments removed, with the 1-based line each starts on.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let (start, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
        let content = strip_comment(raw);
        match content.strip_suffix('\\') {
            Some(head) => {
                joined.push_str(head);
                pending = Some((start, joined));
            }
            None => {
                joined.push_str(content);
                out.push((start, joined));
            }
        }
    }
    if let Some(last) = pending {
        out.push(last);
    }
    out
}

/// The line without its comment: `#` at the start or after whitespace, as pip reads it.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return line[..i].trim_end();
        }
    }
    line.trim_end()
}

/// Parses a requirements file.
pub fn parse(text: &str) -> Parsed {
    let mut requirements = Vec::new();
    let mut includes = Vec::new();
    let mut options = Vec::new();
    for (number, line) in logical_lines(text) {
        if requirements.len() + includes.len() + options.len() > MAX_NODES {
            return Err(error(format!("more than {MAX_NODES} entries"), number, 1));
        }
        let indent = line.len() - line.trim_start().len();
        let content = line.trim();
        if content.is_empty() {
            continue;
        }
        let column = indent + 1;
        if content.starts_with('-') {
            let (option, value) = split_option(content);
            let value_column = column + content.len() - value.len();
            let need_value = |what: &str| -> Result<String, Failure> {
                if value.is_empty() {
                    Err(error(format!("`{option}` expects {what}"), number, column + content.chars().count()))
                } else {
                    Ok(value.to_owned())
                }
            };
            match option {
                "-r" | "--requirement" => {
                    includes.push(json!({"kind": "requirement", "path": need_value("a file")?, "line": number}))
                }
                "-c" | "--constraint" => {
                    includes.push(json!({"kind": "constraint", "path": need_value("a file")?, "line": number}))
                }
                "-e" | "--editable" => {
                    let target = need_value("a path or URL")?;
                    let mut requirement = requirement(&target, number, value_column)?;
                    requirement["editable"] = Value::Bool(true);
                    requirements.push(requirement);
                }
                o if VALUE_OPTIONS.contains(&o) => {
                    options.push(json!({"name": o, "value": need_value("a value")?, "line": number}))
                }
                o if FLAG_OPTIONS.contains(&o) => options.push(json!({"name": o, "value": null, "line": number})),
                o => return Err(error(format!("unknown option `{o}`"), number, column)),
            }
            continue;
        }
        requirements.push(requirement(content, number, column)?);
    }
    Ok(json!({"requirements": requirements, "includes": includes, "options": options}))
}

/// An option and its value, from `-r file`, `-rfile`, `--requirement file` or `--requirement=file`.
fn split_option(content: &str) -> (&str, &str) {
    let end = content.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(content.len());
    let (option, rest) = content.split_at(end);
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
    if !option.starts_with("--") && option.len() > 2 {
        // A short option glued to its value: `-rbase.txt`.
        return (&option[..2], content[2..].trim());
    }
    (option, rest)
}

/// One requirement: PEP 508 (`name[extras] specifier ; marker`, `name @ url`), or a URL or
/// path, followed by per-requirement options (`--hash`).
fn requirement(text: &str, number: usize, column: usize) -> Result<Value, Failure> {
    // Per-requirement options come after whitespace: ` --hash=sha256:…`.
    let (spec, hashes) = match text.find(" --").or_else(|| text.find("\t--")) {
        Some(i) => (&text[..i], hashes(&text[i..], number, column + i)?),
        None => (text, Vec::new()),
    };
    let spec = spec.trim();
    let (body, marker) = match spec.find(';') {
        Some(i) if !is_url(spec) || spec[i..].starts_with("; ") || spec[..i].ends_with(' ') => {
            (spec[..i].trim(), Some(spec[i + 1..].trim()))
        }
        _ => (spec, None),
    };
    // `name @ url` is PEP 508; any other URL or path stands alone.
    let named_url = body.contains('@')
        && body
            .split('@')
            .next()
            .is_some_and(|head| head.trim().chars().all(|c| c.is_ascii_alphanumeric() || "-_.[], ".contains(c)));
    if !named_url && (is_url(body) || body.starts_with('.') || body.starts_with('/') || body.ends_with(".whl")) {
        let name = body.split("#egg=").nth(1).map(|n| n.split('&').next().unwrap_or(n));
        return Ok(entry(name, &[], None, Some(body), marker, hashes, number));
    }
    let name_end = body.find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c))).unwrap_or(body.len());
    let name = &body[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(error(format!("expected a package name, found `{body}`"), number, column));
    }
    let mut rest = body[name_end..].trim_start();
    let mut extras = Vec::new();
    if let Some(after) = rest.strip_prefix('[') {
        let close = after
            .find(']')
            .ok_or_else(|| error("`[` of the extras is not closed", number, column + body.len() - rest.len()))?;
        extras = after[..close].split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
        rest = after[close + 1..].trim_start();
    }
    let (specifier, url) = match rest.strip_prefix('@') {
        Some(url) => (None, Some(url.trim())),
        None if rest.is_empty() => (None, None),
        None => {
            let at = column + body.len() - rest.len();
            if !rest.starts_with(|c: char| "<>=!~(".contains(c)) {
                return Err(error(format!("expected a version specifier, found `{rest}`"), number, at));
            }
            let stripped: String = rest.split_whitespace().collect();
            let stripped = stripped.trim_start_matches('(').trim_end_matches(')').to_owned();
            if stripped.ends_with(|c: char| "<>=!~,".contains(c)) {
                return Err(error(format!("the version specifier `{rest}` is incomplete"), number, at));
            }
            return Ok(entry(Some(name), &extras, Some(&stripped), None, marker, hashes, number));
        }
    };
    Ok(entry(Some(name), &extras, specifier, url, marker, hashes, number))
}

fn entry(
    name: Option<&str>,
    extras: &[&str],
    specifier: Option<&str>,
    url: Option<&str>,
    marker: Option<&str>,
    hashes: Vec<String>,
    line: usize,
) -> Value {
    json!({
        "name": name, "extras": extras, "specifier": specifier, "url": url, "marker": marker,
        "editable": false, "hashes": hashes, "line": line,
    })
}

fn is_url(text: &str) -> bool {
    text.contains("://") || text.starts_with("git+") || text.starts_with("file:")
}

fn hashes(options: &str, number: usize, column: usize) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    let mut words = options.split_whitespace();
    while let Some(word) = words.next() {
        // Other per-requirement options (`--config-settings`…) are accepted and dropped.
        if let Some(rest) = word.strip_prefix("--hash") {
            let value = match rest.strip_prefix('=') {
                Some(value) => Some(value.to_owned()),
                None if rest.is_empty() => words.next().map(str::to_owned),
                None => None,
            };
            match value {
                Some(value) if !value.is_empty() => out.push(value),
                _ => return Err(error("`--hash` expects a value", number, column)),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::{parse as parse_any, Format};
    use serde_json::json;

    fn parse(text: &str) -> super::Parsed {
        parse_any(Format::Requirements, text.as_bytes()).remove(0)
    }

    #[test]
    fn requirements_includes_and_options() {
        let text = "\
# Runtime dependencies
-r base.txt
--constraint=constraints.txt
--index-url https://pypi.example/simple
--pre
structlog>=24.1  # logging
opentelemetry-sdk[grpc] == 1.25.0 ; python_version >= \"3.8\"
Django
python_json_logger~=2.0 \\
    --hash=sha256:abc
prometheus-client @ https://example.com/prometheus_client-0.20.0-py3-none-any.whl
-e git+https://github.com/acme/lib.git#egg=acme-lib
./vendor/thing.whl
";
        let value = parse(text).unwrap();
        assert_eq!(
            value["includes"],
            json!([
                {"kind": "requirement", "path": "base.txt", "line": 2},
                {"kind": "constraint", "path": "constraints.txt", "line": 3},
            ])
        );
        assert_eq!(
            value["options"],
            json!([
                {"name": "--index-url", "value": "https://pypi.example/simple", "line": 4},
                {"name": "--pre", "value": null, "line": 5},
            ])
        );
        let requirements = value["requirements"].as_array().unwrap();
        let names: Vec<_> = requirements.iter().map(|r| r["name"].clone()).collect();
        assert_eq!(
            names,
            vec![
                json!("structlog"),
                json!("opentelemetry-sdk"),
                json!("Django"),
                json!("python_json_logger"),
                json!("prometheus-client"),
                json!("acme-lib"),
                json!(null)
            ]
        );
        assert_eq!(
            requirements[1],
            json!({"name": "opentelemetry-sdk", "extras": ["grpc"], "specifier": "==1.25.0", "url": null,
                   "marker": "python_version >= \"3.8\"", "editable": false, "hashes": [], "line": 7})
        );
        assert_eq!(requirements[0]["specifier"], json!(">=24.1"));
        assert_eq!(requirements[2]["specifier"], json!(null));
        assert_eq!(requirements[3]["hashes"], json!(["sha256:abc"]));
        assert_eq!(requirements[3]["line"], json!(9));
        assert_eq!(requirements[4]["url"], json!("https://example.com/prometheus_client-0.20.0-py3-none-any.whl"));
        assert_eq!(requirements[5]["editable"], json!(true));
        assert_eq!(requirements[6]["url"], json!("./vendor/thing.whl"));
    }

    #[test]
    fn malformed_lines_have_positions() {
        let failure = parse("flask\n  requests[security\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(2), Some(11)), "{failure:?}");

        let failure = parse("flask>=\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(1), Some(6)), "{failure:?}");

        let failure = parse("ok\n-r\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(2), Some(3)), "{failure:?}");

        let failure = parse("ok\n--bogus x\n").unwrap_err();
        assert!(failure.message.contains("unknown option `--bogus`"), "{failure:?}");

        let failure = parse(">=1.0\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(1), Some(1)), "{failure:?}");

        let failure = parse("flask 2.0\n").unwrap_err();
        assert_eq!((failure.line, failure.column), (Some(1), Some(7)), "{failure:?}");
    }
}
