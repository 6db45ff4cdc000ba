//! XML (`pom.xml`, `*.csproj`, `web.config`…) as a tree of elements.
//!
//! The document's value is its root element; every element is
//! `{"name", "attributes", "children", "text", "line"}`: the name as written (with any
//! namespace prefix, `xs:element`), attributes as a string map (`xmlns` declarations
//! included), child elements in order, the element's own text and CDATA joined and trimmed,
//! and the 1-based line where the element starts, for evidence. Comments and processing
//! instructions are dropped. A plugin reaches `project/dependencies/dependency/artifactId`
//! by walking `children` by `name`.
//!
//! No DTD is read: a `<!DOCTYPE …>` is refused, so no external entity is fetched (XXE) and
//! no entity is expanded (billion laughs); only the five predefined entities and character
//! references are. Elements nest at most [`MAX_XML_DEPTH`] deep, which keeps the JSON within
//! [`super::MAX_DEPTH`] levels (each element is an object in an array).

use super::{Failure, Parsed, MAX_DEPTH, MAX_NODES};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use serde_json::{Map, Value};

/// Deepest nesting of elements accepted.
pub const MAX_XML_DEPTH: usize = MAX_DEPTH / 2;

/// An element being read: its JSON fields and its text so far.
struct Open {
    name: String,
    attributes: Map<String, Value>,
    children: Vec<Value>,
    text: String,
    line: usize,
}

impl Open {
    fn close(self) -> Value {
        let mut object = Map::new();
        object.insert("name".into(), Value::String(self.name));
        object.insert("attributes".into(), Value::Object(self.attributes));
        object.insert("children".into(), Value::Array(self.children));
        object.insert("text".into(), Value::String(self.text.trim().to_owned()));
        object.insert("line".into(), Value::from(self.line));
        Value::Object(object)
    }
}

/// Parses an XML document into its root element.
pub fn parse(text: &str) -> Parsed {
    let mut reader = Reader::from_str(text);
    // Mismatched end tags are errors (the default), and `<a/>` stays one event.
    reader.config_mut().check_end_names = true;
    let at = |offset: u64| {
        let (line, column) = crate::diag::line_column(text, offset as usize);
        (line, column)
    };
    let fail = |message: String, offset: u64| {
        let (line, column) = at(offset);
        Failure { message, line: Some(line as u32), column: Some(column as u32) }
    };

    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Value> = None;
    let mut nodes = 0usize;
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|e| fail(e.to_string(), reader.error_position()))?;
        match event {
            Event::DocType(_) => {
                return Err(fail(
                    "a DOCTYPE declaration is refused: DTDs and custom entities are not read".into(),
                    start,
                ))
            }
            Event::Start(element) | Event::Empty(element) if root.is_some() => {
                let _ = element;
                return Err(fail("a second root element".into(), start));
            }
            Event::Start(element) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(fail(format!("more than {MAX_NODES} elements"), start));
                }
                if stack.len() == MAX_XML_DEPTH {
                    return Err(fail(format!("elements nested deeper than {MAX_XML_DEPTH} levels"), start));
                }
                stack.push(open(&element, at(start).0).map_err(|message| fail(message, start))?);
            }
            Event::Empty(element) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(fail(format!("more than {MAX_NODES} elements"), start));
                }
                let value = open(&element, at(start).0).map_err(|message| fail(message, start))?.close();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(value),
                    None => root = Some(value),
                }
            }
            Event::End(_) => {
                // The reader checks that end names match, so the stack is never empty here.
                let value = match stack.pop() {
                    Some(element) => element.close(),
                    None => return Err(fail("an end tag without a start tag".into(), start)),
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(value),
                    None => root = Some(value),
                }
            }
            Event::Text(content) => match stack.last_mut() {
                Some(element) => element.text.push_str(&content.xml_content(XmlVersion::Implicit1_0)),
                None if content.trim().is_empty() => {}
                None => return Err(fail("text outside the root element".into(), start)),
            },
            Event::CData(content) => match stack.last_mut() {
                Some(element) => element.text.push_str(&content.xml_content(XmlVersion::Implicit1_0)),
                None => return Err(fail("CDATA outside the root element".into(), start)),
            },
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match predefined(&reference) {
                        Some(c) => c,
                        None => {
                            return Err(fail(
                                format!(
                                    "unknown entity `&{};`: only the predefined entities are expanded",
                                    &*reference
                                ),
                                start,
                            ))
                        }
                    },
                    Err(e) => return Err(fail(e.to_string(), start)),
                };
                if let Some(element) = stack.last_mut() {
                    element.text.push(resolved);
                }
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(element) = stack.last() {
        let message = format!("the element `{}` opened on line {} is not closed", element.name, element.line);
        return Err(fail(message, text.len() as u64));
    }
    root.ok_or_else(|| fail("no root element".into(), text.len() as u64))
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

fn open(element: &BytesStart<'_>, line: usize) -> Result<Open, String> {
    let mut attributes = Map::new();
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
        attributes.insert(attribute.key.as_ref().to_owned(), Value::String(value.into_owned()));
    }
    Ok(Open { name: element.name().as_ref().to_owned(), attributes, children: Vec::new(), text: String::new(), line })
}

#[cfg(test)]
mod tests {
    use super::super::{parse as parse_any, Format};
    use serde_json::json;

    fn parse(text: &str) -> super::Parsed {
        parse_any(Format::Xml, text.as_bytes()).remove(0)
    }

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <!-- a comment -->
  <dependencies>
    <dependency>
      <groupId>io.micrometer</groupId>
      <artifactId>micrometer-registry-prometheus</artifactId>
    </dependency>
    <dependency><artifactId><![CDATA[spring-boot-starter-actuator]]></artifactId></dependency>
  </dependencies>
  <name>Tom &amp; Jerry &#x41;</name>
  <empty flag="a &lt; b"/>
</project>
"#;

    #[test]
    fn elements_become_name_attributes_children_text_and_line() {
        let root = parse(POM).unwrap();
        assert_eq!(root["name"], json!("project"));
        assert_eq!(root["line"], json!(2));
        assert_eq!(root["attributes"]["xmlns"], json!("http://maven.apache.org/POM/4.0.0"));
        let dependencies = &root["children"][0];
        assert_eq!(dependencies["name"], json!("dependencies"));
        let first = &dependencies["children"][0];
        assert_eq!(first["line"], json!(5));
        assert_eq!(
            first["children"][1],
            json!({"name": "artifactId", "attributes": {}, "children": [], "text": "micrometer-registry-prometheus", "line": 7})
        );
        assert_eq!(dependencies["children"][1]["children"][0]["text"], json!("spring-boot-starter-actuator"));
        assert_eq!(root["children"][1]["text"], json!("Tom & Jerry A"));
        assert_eq!(root["children"][2]["attributes"]["flag"], json!("a < b"));
        assert_eq!(root["children"][2]["children"], json!([]));
    }

    #[test]
    fn a_mismatched_end_tag_has_a_position() {
        let failure = parse("<a>\n  <b>\n  </c>\n</a>\n").unwrap_err();
        assert_eq!(failure.line, Some(3), "{failure:?}");
        assert!(failure.column.is_some());
    }

    #[test]
    fn an_unclosed_element_is_an_error() {
        let failure = parse("<a>\n<b></b>\n").unwrap_err();
        assert!(failure.message.contains("`a` opened on line 1"), "{failure:?}");
        assert!(parse("").is_err());
        assert!(parse("<a/><b/>").is_err());
    }

    #[test]
    fn an_entity_expansion_bomb_is_refused() {
        let mut bomb = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for i in 1..10 {
            let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
            bomb.push_str(&format!(" <!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
        }
        bomb.push_str("]>\n<lolz>&lol9;</lolz>\n");
        let failure = parse(&bomb).unwrap_err();
        assert!(failure.message.contains("DOCTYPE"), "{failure:?}");
        assert_eq!(failure.line, Some(2));
        // Without the DTD, an undeclared entity is refused rather than left in place.
        let failure = parse("<a>\n&lol9;</a>").unwrap_err();
        assert!(failure.message.contains("unknown entity `&lol9;`"), "{failure:?}");
        assert_eq!(failure.line, Some(2));
    }

    #[test]
    fn an_external_entity_is_never_read() {
        let xxe =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<foo>&xxe;</foo>";
        assert!(parse(xxe).unwrap_err().message.contains("DOCTYPE"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("{}{}", "<a>".repeat(super::MAX_XML_DEPTH + 1), "</a>".repeat(super::MAX_XML_DEPTH + 1));
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
        let fine = format!("{}{}", "<a>".repeat(super::MAX_XML_DEPTH), "</a>".repeat(super::MAX_XML_DEPTH));
        assert!(parse(&fine).is_ok());
    }
}
