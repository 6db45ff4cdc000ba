//! Finding the line of a piece of evidence in a pipeline file's raw text.
//!
//! The host hands over parsed values without positions, so the plugin looks for what it
//! found in the raw file, as written.

use kaizen_plugin_sdk::find_line;

/// The line of the first needle found, trying them in order, each as parsed and then as a
/// double-quoted YAML string would write it (`"bash ci\\test.sh"` parses to `bash ci\test.sh`).
pub fn first_of<S: AsRef<str>>(text: &str, needles: &[S]) -> Option<u32> {
    needles
        .iter()
        .filter_map(|needle| {
            let needle = needle.as_ref();
            command_line(text, needle).or_else(|| {
                let escaped = needle.replace('\\', "\\\\").replace('"', "\\\"");
                if escaped == needle {
                    None
                } else {
                    command_line(text, &escaped)
                }
            })
        })
        .next()
}

/// The line of `needle`, preferring one that is not a comment or a label: a step is often
/// named after the command it runs (`name: cargo test` above `run: cargo test`), and the
/// command is the evidence.
pub fn command_line(text: &str, needle: &str) -> Option<u32> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    text.lines()
        .position(|line| line.contains(needle) && !is_comment_or_label(line))
        .map(|i| i as u32 + 1)
        .or_else(|| find_line(text, needle))
}

fn is_comment_or_label(line: &str) -> bool {
    const LABELS: &[&str] = &["name", "displayName", "label", "description", "title"];
    let content = line.trim_start().trim_start_matches("- ").trim_start();
    content.starts_with('#')
        || content.starts_with("//")
        || LABELS.iter().any(|label| content.strip_prefix(label).map_or(false, |rest| rest.starts_with(':')))
}

/// The line of the first `anchor` whose YAML item also has a line `key: …value…`, for a
/// step assembled from a task's inputs: of two `task: DotNetCoreCLI@2` items, the one with
/// `command: test`. An empty value matches any line with the key.
pub fn item_line(text: &str, anchor: &str, key: &str, value: &str) -> Option<u32> {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .filter(|&i| lines[i].contains(anchor))
        .find(|&i| {
            let (start, end) = item_bounds(&lines, i);
            lines[start..end].iter().any(|line| has_key_value(line, key, value))
        })
        .map(|i| i as u32 + 1)
}

/// The column where a line's content starts after its indentation and any list dashes, and
/// whether it opens a list item; `None` for blank lines and comments.
fn key_column(line: &str) -> Option<(usize, bool)> {
    let indent = line.len() - line.trim_start().len();
    let mut rest = &line[indent..];
    let mut column = indent;
    let mut dash = false;
    while let Some(after) = rest.strip_prefix('-') {
        if !(after.is_empty() || after.starts_with(' ')) {
            break;
        }
        let trimmed = after.trim_start();
        column += rest.len() - trimmed.len();
        rest = trimmed;
        dash = true;
    }
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    Some((column, dash))
}

/// The lines `[start, end)` of the YAML mapping (a list item, say) that line `at` belongs
/// to, with everything nested in it.
fn item_bounds(lines: &[&str], at: usize) -> (usize, usize) {
    let (column, dash) = match key_column(lines[at]) {
        Some(found) => found,
        None => return (at, at + 1),
    };
    let mut start = at;
    if !dash {
        let mut i = at;
        while i > 0 {
            i -= 1;
            match key_column(lines[i]) {
                None => continue,
                Some((c, _)) if c > column => continue,
                Some((c, true)) if c == column => {
                    start = i;
                    break;
                }
                Some((c, false)) if c == column => start = i,
                Some(_) => break,
            }
        }
    }
    let mut end = at + 1;
    while end < lines.len() {
        match key_column(lines[end]) {
            None => {}
            Some((c, _)) if c > column => {}
            Some((c, false)) if c == column => {}
            Some(_) => break,
        }
        end += 1;
    }
    (start, end)
}

fn has_key_value(line: &str, key: &str, value: &str) -> bool {
    let content = line.trim_start().trim_start_matches("- ").trim_start();
    match content.strip_prefix(key).and_then(|rest| rest.strip_prefix(':')) {
        Some(rest) => rest.trim().trim_matches(|c| c == '\'' || c == '"').contains(value.trim()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AZURE: &str = "\
steps:
  - task: DotNetCoreCLI@2
    displayName: Restore
    inputs:
      command: restore
  - displayName: Test
    inputs:
      command: 'test'
      projects: '**/*Tests.csproj'
    task: DotNetCoreCLI@2
  - task: DotNetCoreCLI@2
    inputs:
      command: test
";

    #[test]
    fn item_line_finds_the_task_with_the_input() {
        assert_eq!(item_line(AZURE, "DotNetCoreCLI@2", "command", "restore"), Some(2));
        // The key comes before the anchor in this item.
        assert_eq!(item_line(AZURE, "DotNetCoreCLI@2", "command", "test"), Some(10));
        assert_eq!(item_line(AZURE, "DotNetCoreCLI@2", "command", "publish"), None);
    }

    #[test]
    fn command_line_skips_labels_and_comments() {
        let text = "# cargo test\n- name: cargo test\n  run: cargo test\n";
        assert_eq!(command_line(text, "cargo test"), Some(3));
        assert_eq!(command_line("name: only here\n", "only here"), Some(1));
        assert_eq!(command_line("x\n", "  "), None);
    }

    #[test]
    fn first_of_tries_needles_in_order() {
        let text = "a\nb\nc\n";
        assert_eq!(first_of(text, &["zzz", "c", "a"]), Some(3));
        assert_eq!(first_of::<&str>(text, &[]), None);
        let yaml = "steps:\n  - command: \"bash ci\\\\test.sh \\\"$X\\\"\"\n";
        assert_eq!(first_of(yaml, &["bash ci\\test.sh \"$X\""]), Some(2));
    }
}
