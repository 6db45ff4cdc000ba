//! YAML, read event by event into JSON values with the line of every node.
//!
//! Scalars resolve as YAML 1.2's core schema (as `serde_yaml_ng`, the parser this replaced,
//! read them: `on` is a string, `0755` a string, `0x1F` a number). Tags other than the
//! core ones keep their meaning as CloudFormation's short forms need: `!Ref x` becomes
//! `{"!Ref": "x"}`. Merge keys (`<<: *defaults`, YAML 1.1, which GitLab CI and many
//! pipelines rely on) are applied: keys of the merged mappings that the mapping does not
//! set itself are added. A duplicate key keeps its last value.
//!
//! Aliases are expanded with their anchor's lines, within [`MAX_NODES`] nodes per
//! document: a billion-laughs document is an error, never a hang or an out-of-memory.

use super::{Failure, MAX_DEPTH, MAX_DOCUMENTS, MAX_NODES};
use serde_json::{Map, Value};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// One parsed document: its value and the line of every node, depth first (see
/// [`kaizen_evidence::positions`]).
pub type Located = Result<(Value, Vec<u32>), Failure>;

/// A node while it is built. Values are made once, at the end of the document, so that
/// deep documents are not copied at every level.
#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    line: u32,
    /// Nodes of the value it becomes: itself, a tag's wrapper, everything below.
    count: usize,
    /// A tag other than the core ones: the value is wrapped as `{"!Tag": value}`.
    tag: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    Scalar(Value),
    Sequence(Vec<Node>),
    /// Members in document order, keys unique, merge keys applied.
    Mapping(Vec<(String, Node)>),
}

impl Node {
    fn new(kind: Kind, line: u32, tag: Option<&Tag>) -> Node {
        let below = match &kind {
            Kind::Scalar(_) => 0,
            Kind::Sequence(items) => items.iter().map(|n| n.count).sum(),
            Kind::Mapping(members) => members.iter().map(|(_, n)| n.count).sum(),
        };
        let tag = tag.filter(|t| !is_core(t)).map(tag_name);
        Node { count: 1 + below + usize::from(tag.is_some()), kind, line, tag }
    }

    fn is_mapping(&self) -> bool {
        self.tag.is_none() && matches!(self.kind, Kind::Mapping(_))
    }
}

/// What is open while events arrive.
enum Open {
    Sequence { anchor: usize, tag: Option<Tag>, line: u32, items: Vec<Node> },
    Mapping { anchor: usize, tag: Option<Tag>, line: u32, entries: Vec<(Node, Node)>, key: Option<Node> },
}

/// Parses every document of `text` (at most [`MAX_DOCUMENTS`]).
pub fn parse(text: &str) -> Vec<Located> {
    let mut parser = Parser::new_from_str(text);
    let mut out: Vec<Located> = Vec::new();
    let mut builder = Builder::default();
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => {
                let m = e.marker();
                out.push(Err(Failure {
                    message: e.info().to_owned(),
                    line: Some(m.line() as u32),
                    column: Some(m.col() as u32 + 1),
                }));
                break;
            }
        };
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => builder = Builder::default(),
            Event::DocumentEnd => {
                if out.len() == MAX_DOCUMENTS {
                    out.push(Err(Failure {
                        message: format!("more than {MAX_DOCUMENTS} documents; the rest are skipped"),
                        line: None,
                        column: None,
                    }));
                    break;
                }
                let done = std::mem::take(&mut builder);
                out.push(done.finish());
            }
            event => {
                if builder.failed.is_none() {
                    builder.event(event, mark);
                }
            }
        }
    }
    // An empty file is one empty document, as YAML defines it.
    if out.is_empty() {
        out.push(Ok((Value::Null, vec![0])));
    }
    out
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    nodes: usize,
    failed: Option<Failure>,
}

impl Builder {
    fn finish(self) -> Located {
        if let Some(failure) = self.failed {
            return Err(failure);
        }
        let root = self.root.unwrap_or_else(|| Node::new(Kind::Scalar(Value::Null), 0, None));
        let mut lines = Vec::with_capacity(root.count);
        let value = emit(root, &mut lines);
        Ok((value, lines))
    }

    fn fail(&mut self, message: String, mark: Marker) {
        self.failed = Some(Failure { message, line: Some(mark.line() as u32), column: Some(mark.col() as u32 + 1) });
        self.stack.clear();
    }

    fn event(&mut self, event: Event, mark: Marker) {
        let line = mark.line() as u32;
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = Node::new(Kind::Scalar(scalar(text, style, tag.as_ref())), line, tag.as_ref());
                self.place(node.count, node, anchor, mark);
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => {
                    let mut node = node.clone();
                    node.line = line;
                    self.place(node.count, node, 0, mark);
                }
                None => self.fail("an alias to an unknown anchor".into(), mark),
            },
            Event::SequenceStart(anchor, tag) => {
                self.open(Open::Sequence { anchor, tag, line, items: Vec::new() }, mark)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(Open::Mapping { anchor, tag, line, entries: Vec::new(), key: None }, mark)
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Sequence { anchor, tag, line, items }) => {
                    let node = Node::new(Kind::Sequence(items), line, tag.as_ref());
                    // Its members were counted as they arrived.
                    let new = 1 + usize::from(node.tag.is_some());
                    self.place(new, node, anchor, mark);
                }
                Some(Open::Mapping { anchor, tag, line, entries, .. }) => {
                    let node = Node::new(Kind::Mapping(members(entries)), line, tag.as_ref());
                    // Its members were counted as they arrived (merged ones as their alias).
                    let added = 1 + usize::from(node.tag.is_some());
                    self.place(added, node, anchor, mark);
                }
                None => self.fail("unbalanced collection end".into(), mark),
            },
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
    }

    fn open(&mut self, open: Open, mark: Marker) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail(format!("nested deeper than {MAX_DEPTH} levels"), mark);
            return;
        }
        self.stack.push(open);
    }

    /// Places a finished node in what is open; `new` is how many nodes it adds to the
    /// document (all of an expanded alias, one for a collection whose members were
    /// counted as they arrived).
    fn place(&mut self, new: usize, node: Node, anchor: usize, mark: Marker) {
        self.nodes += new;
        if self.nodes > MAX_NODES {
            self.fail(format!("more than {MAX_NODES} nodes"), mark);
            return;
        }
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Sequence { items, .. }) => items.push(node),
            Some(Open::Mapping { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

/// A mapping's members from its entries in document order: keys as strings, merge keys
/// applied (keys the mapping sets itself win, then the first source that sets one), the
/// last of duplicate keys kept. A member takes the line of its key.
fn members(entries: Vec<(Node, Node)>) -> Vec<(String, Node)> {
    let mut own: Vec<(String, Node)> = Vec::new();
    let mut merged: Vec<(String, Node)> = Vec::new();
    for (key, value) in entries {
        let key_line = key.line;
        let name = key_name(key);
        if name.as_deref() == Some("<<") && is_merge_source(&value) {
            let sources: Vec<Node> = match value.kind {
                Kind::Sequence(items) => items,
                _ => vec![value],
            };
            for source in sources {
                if let Kind::Mapping(source) = source.kind {
                    for (k, n) in source {
                        if !merged.iter().any(|(m, _)| *m == k) {
                            merged.push((k, n));
                        }
                    }
                }
            }
            continue;
        }
        let value = Node { line: key_line, ..value };
        let name = name.unwrap_or_default();
        own.retain(|(k, _)| *k != name);
        own.push((name, value));
    }
    for (k, n) in merged {
        if !own.iter().any(|(o, _)| *o == k) {
            own.push((k, n));
        }
    }
    own
}

fn is_merge_source(value: &Node) -> bool {
    match &value.kind {
        _ if value.tag.is_some() => false,
        Kind::Mapping(_) => true,
        Kind::Sequence(items) => !items.is_empty() && items.iter().all(Node::is_mapping),
        Kind::Scalar(_) => false,
    }
}

/// A key as JSON needs it: a string (`None` only for the merge key's marker, a plain `<<`).
fn key_name(key: Node) -> Option<String> {
    let tagged = key.tag.is_some();
    let value = emit(key, &mut Vec::new());
    Some(match value {
        Value::String(s) if s == "<<" && !tagged => return Some(s),
        Value::String(s) => s,
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(&other).unwrap_or_default(),
    })
}

/// The value of a node, and the lines of its nodes in the order a walk of that value meets
/// them: a mapping's members in key order, as `serde_json::Map` iterates.
fn emit(node: Node, lines: &mut Vec<u32>) -> Value {
    lines.push(node.line);
    if node.tag.is_some() {
        // The wrapper `{"!Ref": inner}` and its inner value share the line.
        lines.push(node.line);
    }
    let value = match node.kind {
        Kind::Scalar(value) => value,
        Kind::Sequence(items) => Value::Array(items.into_iter().map(|n| emit(n, lines)).collect()),
        Kind::Mapping(mut members) => {
            members.sort_by(|a, b| a.0.cmp(&b.0));
            let mut object = Map::new();
            for (key, member) in members {
                let value = emit(member, lines);
                object.insert(key, value);
            }
            Value::Object(object)
        }
    };
    match node.tag {
        Some(tag) => {
            let mut object = Map::new();
            object.insert(tag, value);
            Value::Object(object)
        }
        None => value,
    }
}

fn tag_name(tag: &Tag) -> String {
    if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn is_core(tag: &Tag) -> bool {
    tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!"
}

/// A scalar's value: plain scalars resolve as the core schema; quoted and block scalars
/// are strings; `!!int`, `!!bool`, `!!float`, `!!null` and `!!str` are honoured.
fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag.filter(|t| is_core(t)) {
        let resolved = match tag.suffix.as_str() {
            "str" => Some(Value::String(text.clone())),
            "bool" => parse_bool(&text).map(Value::Bool),
            "int" => parse_int(&text),
            "float" => parse_float(&text),
            "null" => parse_null(&text).then_some(Value::Null),
            _ => None,
        };
        return resolved.unwrap_or(Value::String(text));
    }
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    if text.is_empty() || parse_null(&text) {
        return Value::Null;
    }
    if let Some(b) = parse_bool(&text) {
        return Value::Bool(b);
    }
    if let Some(n) = parse_int(&text) {
        return n;
    }
    if !digits_but_not_number(&text) {
        if let Some(f) = parse_float(&text) {
            return f;
        }
    }
    Value::String(text)
}

fn parse_null(text: &str) -> bool {
    matches!(text, "null" | "Null" | "NULL" | "~")
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Leading zeros followed by digits make a string in YAML 1.2 (`0755`).
fn digits_but_not_number(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    text.len() > 1 && text.starts_with('0') && text[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Integers as the replaced parser read them: decimal, `0x`, `0o`, `0b`, with a sign;
/// beyond 64 bits they are not numbers JSON keeps (null, as before).
fn parse_int(text: &str) -> Option<Value> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if unsigned.starts_with(['+', '-']) {
        return None;
    }
    let (radix, digits) = if let Some(rest) = unsigned.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = unsigned.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = unsigned.strip_prefix("0b") {
        (2, rest)
    } else {
        if digits_but_not_number(text) {
            return None;
        }
        (10, unsigned)
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        let value = -i128::try_from(magnitude).ok()?;
        Some(i64::try_from(value).map(Value::from).unwrap_or(Value::Null))
    } else {
        Some(u64::try_from(magnitude).map(Value::from).unwrap_or(Value::Null))
    }
}

fn parse_float(text: &str) -> Option<Value> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN") {
        // Not a JSON number.
        return Some(Value::Null);
    }
    let float: f64 = unsigned.parse().ok()?;
    if !float.is_finite() {
        return None;
    }
    // Rust accepts "inf", "NaN" and "infinity", which YAML does not.
    if unsigned.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') {
        return None;
    }
    serde_json::Number::from_f64(float).map(Value::Number)
}

/// A Helm template read as YAML: every `{{ … }}` action (over several lines too) is masked.
/// A line holding nothing but actions (`{{- if .Values.x }}`, `{{- include "labels" . |
/// nindent 4 }}`) becomes empty; an action inside a line becomes the word `TEMPLATED`, so
/// `name: {{ .Release.Name }}` still reads as a key with a value. Enough survives to see
/// each document's `kind` and keys (a `PrometheusRule`, a `ServiceMonitor`, a dashboard
/// ConfigMap), though not the values the chart computes. Lines keep their numbers.
pub fn mask_templates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Each line's content outside actions, to know whether a line was only actions.
    while let Some(open) = rest.find("{{") {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let close = after.find("}}").map_or(after.len(), |c| c + 2);
        let action = &after[..close];
        let line_start = out.rfind('\n').map_or(0, |i| i + 1);
        let line_before = &out[line_start..];
        let line_after = after[close..].split('\n').next().unwrap_or("");
        let alone =
            line_before.trim().is_empty() && (line_after.trim().is_empty() || line_after.trim().starts_with("{{"));
        if alone {
            // Only the newlines of a multi-line action stay.
            out.truncate(line_start + line_before.len());
            out.extend(action.chars().filter(|c| *c == '\n'));
        } else {
            out.push_str("TEMPLATED");
            out.extend(action.chars().filter(|c| *c == '\n'));
        }
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn helm_templates_are_masked_enough_to_read_their_kinds() {
        let template = "{{- if .Values.rules.enabled }}\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: {{ include \"app.fullname\" . }}\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\nspec:\n  groups:\n    - name: app\n      rules:\n        - alert: AppDown\n          expr: up{job=\"{{ .Release.Name }}\"} == 0\n{{- end }}\n";
        let masked = mask_templates(template);
        assert_eq!(masked.lines().count(), template.lines().count(), "{masked}");
        let (value, lines) = parse(&masked).remove(0).unwrap();
        assert_eq!(value["kind"], "PrometheusRule");
        assert_eq!(value["metadata"]["name"], "TEMPLATED");
        assert_eq!(value["spec"]["groups"][0]["rules"][0]["alert"], "AppDown");
        use kaizen_evidence::positions::line_of_pointer;
        assert_eq!(line_of_pointer(&value, &lines, "/spec/groups/0/rules/0/alert"), Some(12));
        let multi = "a: 1\n{{- /*\n  a comment\n*/ -}}\nb: {{ .Values.b\n  | quote }}\nc: 3\n";
        let masked = mask_templates(multi);
        assert_eq!(masked.lines().count(), multi.lines().count(), "{masked:?}");
        assert_eq!(parse(&masked).remove(0).unwrap().0, json!({"a": 1, "b": "TEMPLATED", "c": 3}));
    }

    fn one(text: &str) -> (Value, Vec<u32>) {
        parse(text).remove(0).unwrap()
    }

    #[test]
    fn every_node_has_its_line_in_walk_order() {
        let text = "b: 1\na:\n  - x\n  - y: 2\n    z: 3\n";
        let (value, lines) = one(text);
        assert_eq!(value, json!({"a": ["x", {"y": 2, "z": 3}], "b": 1}));
        // root, a, a/0, a/1, a/1/y, a/1/z, b
        assert_eq!(lines, vec![1, 2, 3, 4, 4, 5, 1]);
        use kaizen_evidence::positions::line_of_pointer;
        assert_eq!(line_of_pointer(&value, &lines, "/a/1/z"), Some(5));
        assert_eq!(line_of_pointer(&value, &lines, "/b"), Some(1));
    }

    #[test]
    fn scalars_resolve_as_the_core_schema() {
        let (value, _) = one(
            "on: push\nmode: 0755\nhex: 0x1F\nneg: -12\nf: 1.5\nt: true\ny: yes\nn: ~\ne:\nq: '12'\nbig: 99999999999999999999\ninf: .inf\n",
        );
        assert_eq!(
            value,
            json!({"on": "push", "mode": "0755", "hex": 31, "neg": -12, "f": 1.5, "t": true, "y": "yes",
                   "n": null, "e": null, "q": "12", "big": null, "inf": null})
        );
    }

    #[test]
    fn tags_wrap_their_value_and_core_tags_resolve() {
        let (value, lines) = one("Value: !Ref MyBucket\nList: !GetAZs ''\nS: !!str 12\nSub: !Join [',', [a, b]]\n");
        assert_eq!(
            value,
            json!({"Value": {"!Ref": "MyBucket"}, "List": {"!GetAZs": ""}, "S": "12", "Sub": {"!Join": [",", ["a", "b"]]}})
        );
        assert_eq!(lines.len(), kaizen_evidence::positions::node_count(&value), "{lines:?}");
    }

    #[test]
    fn merge_keys_are_applied_and_anchors_keep_their_lines() {
        let text = ".defaults: &d\n  image: ruby\n  script: [rake]\ntest:\n  <<: *d\n  script: [rspec]\n";
        let (value, lines) = one(text);
        assert_eq!(value["test"], json!({"image": "ruby", "script": ["rspec"]}));
        use kaizen_evidence::positions::line_of_pointer;
        assert_eq!(line_of_pointer(&value, &lines, "/test/image"), Some(2), "where the merged key is written");
        assert_eq!(line_of_pointer(&value, &lines, "/test/script/0"), Some(6));
        assert_eq!(lines.len(), kaizen_evidence::positions::node_count(&value));
    }

    #[test]
    fn documents_errors_and_duplicates() {
        let docs = parse("a: 1\n---\nb: [x, y]\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].as_ref().unwrap().0, json!({"b": ["x", "y"]}));
        assert_eq!(one("a: 1\na: 2\n").0, json!({"a": 2}));
        let failure = parse("a: 1\nb: [unclosed\n").remove(0).unwrap_err();
        assert!(failure.line.is_some(), "{failure:?}");
        assert_eq!(parse(""), vec![Ok((Value::Null, vec![0]))]);
    }
}
