//! The structured files of a target that its plugins asked for, parsed once each and
//! shared by every plugin that wants them.

use super::select::Selection;
use crate::collect::Inventory;
use crate::parse::{self, Format, Parsed};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// The parsed documents of one target, by path and format.
pub type Documents = BTreeMap<(String, Format), Vec<Parsed>>;

/// Parses, in parallel, every file some selection wants parsed, once per format.
pub fn parse_documents<'a>(
    root: &Path,
    inventory: &Inventory,
    selections: impl IntoIterator<Item = &'a Selection>,
) -> Documents {
    let mut wanted: Vec<(String, Format)> = Vec::new();
    for selection in selections {
        for (index, formats) in selection {
            wanted.extend(formats.iter().map(|&format| (inventory.files[*index].path.clone(), format)));
        }
    }
    wanted.sort();
    wanted.dedup();
    wanted
        .into_par_iter()
        .map(|(path, format)| {
            let parsed = match read_bounded(&root.join(&path)) {
                Ok(bytes) => parse::parse(format, &bytes),
                Err(e) => vec![Err(parse::Failure { message: e, line: None, column: None })],
            };
            ((path, format), parsed)
        })
        .collect()
}

/// Reads a file for parsing, refusing one larger than the parse limit without reading it.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(parse::MAX_PARSE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    Ok(bytes)
}
