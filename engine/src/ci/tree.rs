//! A parsed document walked with the line of each node (see
//! [`kaizen_evidence::positions`]): the index of a node in the depth-first order is known
//! as it is reached, so its line is one lookup.

use kaizen_evidence::positions::node_count;
use serde_json::Value;

/// A node of a document and its line.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub value: &'a Value,
    index: usize,
    lines: &'a [u32],
}

impl<'a> Node<'a> {
    /// The root of a document.
    pub fn root(value: &'a Value, lines: &'a [u32]) -> Node<'a> {
        Node { value, index: 0, lines }
    }

    /// Its line, when recorded.
    pub fn line(&self) -> Option<u32> {
        self.lines.get(self.index).copied().filter(|l| *l > 0)
    }

    /// A member of a mapping.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.entries().into_iter().find(|(k, _)| *k == key).map(|(_, n)| n)
    }

    /// A member's string value.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.value.get(key).and_then(Value::as_str)
    }

    /// Its string value.
    pub fn as_str(&self) -> Option<&'a str> {
        self.value.as_str()
    }

    /// The members of a mapping, in the value's order.
    pub fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        let Value::Object(map) = self.value else { return Vec::new() };
        let mut index = self.index + 1;
        map.iter()
            .map(|(k, v)| {
                let node = Node { value: v, index, lines: self.lines };
                index += node_count(v);
                (k.as_str(), node)
            })
            .collect()
    }

    /// The items of a sequence.
    pub fn items(&self) -> Vec<Node<'a>> {
        let Value::Array(items) = self.value else { return Vec::new() };
        let mut index = self.index + 1;
        items
            .iter()
            .map(|v| {
                let node = Node { value: v, index, lines: self.lines };
                index += node_count(v);
                node
            })
            .collect()
    }
}
