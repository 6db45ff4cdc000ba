//! The structured files of a target that its plugins asked for, parsed once each and
//! shared by every plugin that wants them, with the line of every node where the format's
//! parser records them; and the repository's CI model, understood once from them.

use super::select::Selection;
use crate::collect::Inventory;
use crate::parse::{self, Format, Located};
use kaizen_evidence::ci::Ci;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The parsed documents of one target, by path and format.
pub type Documents = BTreeMap<(String, Format), Vec<Located>>;

/// Parses, in parallel, every file some selection wants parsed, once per format, and the
/// files `extra` names (what the CI model reads).
pub fn parse_documents<'a>(
    root: &Path,
    inventory: &Inventory,
    selections: impl IntoIterator<Item = &'a Selection>,
    extra: Vec<(String, Format)>,
) -> Documents {
    let templates = helm_templates(inventory);
    let mut wanted: Vec<(String, Format)> = extra;
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
                Ok(bytes) if format == Format::Yaml && templates.contains(path.as_str()) => {
                    parse::parse_helm_template(&bytes)
                }
                Ok(bytes) => parse::parse_located(format, &bytes),
                Err(e) => vec![Err(parse::Failure { message: e, line: None, column: None })],
            };
            ((path, format), parsed)
        })
        .collect()
}

/// The files of a target that are Helm chart templates: below `templates/` beside a
/// `Chart.yaml`. They are YAML only once rendered, so the host reads them with their
/// template actions masked ([`parse::yaml::mask_templates`]).
pub fn helm_templates(inventory: &Inventory) -> HashSet<&str> {
    let charts: Vec<String> = inventory
        .files
        .iter()
        .filter_map(|f| {
            let dir = f.path.strip_suffix("Chart.yaml").or_else(|| f.path.strip_suffix("Chart.yml"))?;
            (dir.is_empty() || dir.ends_with('/')).then(|| format!("{dir}templates/"))
        })
        .collect();
    if charts.is_empty() {
        return HashSet::new();
    }
    inventory
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| (p.ends_with(".yaml") || p.ends_with(".yml")) && charts.iter().any(|c| p.starts_with(c.as_str())))
        .collect()
}

/// The documents the CI model reads, when a plugin wants it.
pub fn ci_documents(inventory: &Inventory, wanted: bool) -> Vec<(String, Format)> {
    if !wanted {
        return Vec::new();
    }
    crate::ci::documents_wanted(inventory.files.iter().map(|f| (f.path.as_str(), f.role)))
}

/// The repository's CI definitions, understood once for every plugin that reads them.
pub fn understand_ci(root: &Path, inventory: &Inventory, documents: &Documents) -> Ci {
    let lookup = |path: &str, format: Format| documents.get(&(path.to_owned(), format)).map(Vec::as_slice);
    let inputs = crate::ci::Inputs {
        root,
        files: inventory.files.iter().map(|f| (f.path.as_str(), f.role)).collect(),
        document: &lookup,
    };
    crate::ci::understand(&inputs, crate::catalogue::Catalogue::builtin())
}

/// Reads a file for parsing, refusing one larger than the parse limit without reading it.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(parse::MAX_PARSE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    Ok(bytes)
}
