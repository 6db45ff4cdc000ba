//! Checks of the Markdown in a model (guidance, help, descriptions): what would render
//! wrongly without a parser noticing.

use pulldown_cmark::{BrokenLinkCallback, LinkType, Options, Parser};

/// Problems in `text`, each with its byte offset in `text`: a code fence that is never
/// closed (the rest of the text would render as code), and a reference link whose
/// reference is not defined (it would render as bracketed text).
pub fn problems(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    if let Some(offset) = unclosed_fence(text) {
        out.push((offset, "code fence opened here is never closed".to_owned()));
    }
    let mut broken = Vec::new();
    let callback = Collect(&mut broken);
    let parser = Parser::new_with_broken_link_callback(text, Options::all(), Some(callback));
    parser.for_each(drop);
    for (offset, reference) in broken {
        out.push((offset, format!("link reference `[{reference}]` is not defined")));
    }
    out.sort();
    out
}

struct Collect<'a>(&'a mut Vec<(usize, String)>);

impl<'input> BrokenLinkCallback<'input> for Collect<'_> {
    fn handle_broken_link(
        &mut self,
        link: pulldown_cmark::BrokenLink<'input>,
    ) -> Option<(pulldown_cmark::CowStr<'input>, pulldown_cmark::CowStr<'input>)> {
        // `[text]` alone is often just brackets; only explicit references are mistakes.
        if matches!(link.link_type, LinkType::Reference | LinkType::Collapsed) {
            self.0.push((link.span.start, link.reference.to_string()));
        }
        None
    }
}

/// The offset of a fenced code block's opening line when it is never closed.
fn unclosed_fence(text: &str) -> Option<usize> {
    let mut open: Option<(char, usize, usize)> = None; // fence char, length, offset
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let trimmed = line.trim_start_matches(' ');
        if indent <= 3 {
            let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
            if let Some(c) = fence_char {
                let len = trimmed.chars().take_while(|x| *x == c).count();
                if len >= 3 {
                    match open {
                        None => open = Some((c, len, offset + indent)),
                        Some((oc, olen, _)) if oc == c && len >= olen && trimmed[len..].trim().is_empty() => {
                            open = None
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        offset += line.len();
    }
    open.map(|(_, _, at)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_fences_and_undefined_references() {
        assert!(problems("Plain text with [brackets] and a [link](https://example.com).").is_empty());
        assert!(problems("```sh\necho hi\n```\n").is_empty());
        let text = "Intro\n\n```sh\necho hi\n";
        assert_eq!(problems(text), vec![(7, "code fence opened here is never closed".to_owned())]);
        let text = "See [the docs][docs].";
        assert_eq!(problems(text), vec![(4, "link reference `[docs]` is not defined".to_owned())]);
        assert!(problems("See [the docs][docs].\n\n[docs]: https://example.com\n").is_empty());
    }
}
