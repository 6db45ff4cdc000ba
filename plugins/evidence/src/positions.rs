//! Where each key and item of a parsed document is in its file.
//!
//! The host's parsers record a line for every node of a document: the line of its key for
//! a member of a mapping, of the item itself for an element of a sequence. They travel as
//! one compact list, [`Lines`]: one line per node, in the order a depth-first walk of the
//! value meets them (a mapping's members in the order the value iterates them, which is
//! key order, both in the engine and in plugins). A line of 0 means not known.
//!
//! Plugins resolve a node to its line with [`line_of_pointer`] (by JSON Pointer,
//! `/jobs/test/steps/2`) or [`line_of_node`] (by reference into the document's value), so
//! no plugin has to search the raw text again for what the parser already saw.

use serde_json::Value;

/// One line per node of a document, in depth-first order; 0 where unknown.
pub type Lines = Vec<u32>;

/// How many nodes a value has: itself and everything below it.
pub fn node_count(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(node_count).sum::<usize>(),
        _ => 1,
    }
}

/// The depth-first index of the node a JSON Pointer (RFC 6901) names, if it exists.
pub fn index_of_pointer(value: &Value, pointer: &str) -> Option<usize> {
    if pointer.is_empty() {
        return Some(0);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut index = 0;
    let mut node = value;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        index += 1;
        match node {
            Value::Object(map) => {
                let mut found = None;
                for (key, child) in map {
                    if *key == token {
                        found = Some(child);
                        break;
                    }
                    index += node_count(child);
                }
                node = found?;
            }
            Value::Array(items) => {
                let at: usize = token.parse().ok()?;
                for item in items.iter().take(at) {
                    index += node_count(item);
                }
                node = items.get(at)?;
            }
            _ => return None,
        }
    }
    Some(index)
}

/// The depth-first index of `node`, a reference into `value` (compared by address).
pub fn index_of_node(value: &Value, node: &Value) -> Option<usize> {
    fn walk(value: &Value, node: &Value, index: &mut usize) -> bool {
        if std::ptr::eq(value, node) {
            return true;
        }
        *index += 1;
        match value {
            Value::Array(items) => items.iter().any(|item| walk(item, node, index)),
            Value::Object(map) => map.values().any(|child| walk(child, node, index)),
            _ => false,
        }
    }
    let mut index = 0;
    if walk(value, node, &mut index) {
        Some(index)
    } else {
        None
    }
}

/// The line of the node a JSON Pointer names, when the document has one recorded.
pub fn line_of_pointer(value: &Value, lines: &[u32], pointer: &str) -> Option<u32> {
    index_of_pointer(value, pointer).and_then(|i| lines.get(i).copied()).filter(|line| *line > 0)
}

/// The line of `node`, a reference into `value`.
pub fn line_of_node(value: &Value, lines: &[u32], node: &Value) -> Option<u32> {
    index_of_node(value, node).and_then(|i| lines.get(i).copied()).filter(|line| *line > 0)
}

/// Escapes one key for a JSON Pointer (`~` and `/`).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_and_nodes_resolve_to_depth_first_indexes() {
        // Keys iterate in order: a, b, c/d.
        let value = json!({"b": [10, {"x": 1}], "a": true, "c/d": null});
        // 0 root, 1 a, 2 b, 3 b/0, 4 b/1, 5 b/1/x, 6 c/d
        assert_eq!(node_count(&value), 7);
        assert_eq!(index_of_pointer(&value, ""), Some(0));
        assert_eq!(index_of_pointer(&value, "/a"), Some(1));
        assert_eq!(index_of_pointer(&value, "/b/1/x"), Some(5));
        assert_eq!(index_of_pointer(&value, "/c~1d"), Some(6));
        assert_eq!(index_of_pointer(&value, "/b/2"), None);
        assert_eq!(index_of_pointer(&value, "/zz"), None);
        let x = &value["b"][1]["x"];
        assert_eq!(index_of_node(&value, x), Some(5));
        let lines = vec![1, 3, 4, 5, 6, 7, 0];
        assert_eq!(line_of_node(&value, &lines, x), Some(7));
        assert_eq!(line_of_pointer(&value, &lines, "/c~1d"), None, "0 is unknown");
        assert_eq!(line_of_pointer(&value, &[], "/a"), None);
        assert_eq!(escape("a/b~c"), "a~1b~0c");
    }
}
