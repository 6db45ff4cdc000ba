//! The property the loader targets share: text that is refused gets diagnostics that
//! render and point inside it.
use kaizen::diag::Diagnostics;

/// Panics unless `diagnostics` of `text` are some, render, and point at its lines.
pub fn assert_inside(text: &str, diagnostics: &Diagnostics) {
    assert!(!diagnostics.0.is_empty());
    let lines = text.lines().count().max(1) + 1;
    for d in &diagnostics.0 {
        if let Some(line) = d.line {
            assert!((1..=lines).contains(&line), "line {line} outside the text: {d}");
        }
    }
    let _ = diagnostics.to_string();
}
