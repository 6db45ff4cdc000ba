//! Which targets a plugin judges, and which of a target's files it is given.

use crate::collect::{Inventory, Target};
use crate::parse::Format;
use crate::plugin::Manifest;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Whether the plugin of `manifest` runs on `target`: plugins that read cloud inventories
/// run on cloud accounts, the others on repositories and folders; a plugin that reads both
/// runs on both.
pub fn judges(manifest: &Manifest, target: &Target) -> bool {
    let i = &manifest.inputs;
    if target.cloud.is_some() {
        i.cloud
    } else {
        !i.cloud || i.git || i.pipelines || !i.files.is_empty() || !i.parse.is_empty()
    }
}

/// The globs of the files a plugin is given (`files`) and of those parsed for it
/// (`parse`), in one set, so that each path of a target is matched once per plugin.
#[derive(Debug)]
pub struct Selector {
    globs: GlobSet,
    /// For each glob of `globs`, in order: `None` for a `files` glob, its format for a
    /// `parse` glob (in the manifest's order, after the `files` globs).
    formats: Vec<Option<Format>>,
    /// Whether only the repository's own files are parsed for the plugin.
    own_documents_only: bool,
}

/// The files of one target a plugin is given: their index in the inventory, and the
/// formats each is parsed in for it (in the order of the manifest's `parse` globs, each
/// once).
pub type Selection = Vec<(usize, Vec<Format>)>;

impl Selector {
    /// The selector of a plugin's manifest.
    pub fn new(m: &Manifest) -> Selector {
        let globs = m.inputs.files.iter().map(|g| (g.as_str(), None));
        let globs = globs.chain(m.inputs.parse.iter().map(|p| (p.glob.as_str(), Some(p.format))));
        let mut builder = GlobSetBuilder::new();
        let mut formats = Vec::new();
        for (glob, format) in globs {
            // Manifests are validated on load, so every glob here compiles.
            if let Ok(glob) = GlobBuilder::new(glob).literal_separator(true).build() {
                builder.add(glob);
                formats.push(format);
            }
        }
        let own_documents_only = m.inputs.own_documents_only;
        match builder.build() {
            Ok(globs) => Selector { globs, formats, own_documents_only },
            Err(_) => Selector { globs: GlobSet::empty(), formats: Vec::new(), own_documents_only },
        }
    }
}

/// For each selector, the files of `inventory` its plugin is given: one pass over the
/// inventory, each path prepared for matching once and matched once per plugin, shared by
/// the parsing and by every plugin's request.
pub fn select(inventory: &Inventory, selectors: &[&Selector]) -> Vec<Selection> {
    let mut selections = vec![Selection::new(); selectors.len()];
    let mut hits = Vec::new();
    for (index, file) in inventory.files.iter().enumerate() {
        let candidate = globset::Candidate::new(&file.path);
        for (selector, selection) in selectors.iter().zip(&mut selections) {
            selector.globs.matches_candidate_into(&candidate, &mut hits);
            if !hits.is_empty() {
                // A file two `parse` globs of one format match is parsed once in it; one that
                // is not the repository's own is only listed for a plugin that reads its own.
                let parsed = !selector.own_documents_only || file.role.is_own();
                let mut formats: Vec<Format> = Vec::new();
                for format in hits.iter().filter(|_| parsed).filter_map(|&h| selector.formats[h]) {
                    if !formats.contains(&format) {
                        formats.push(format);
                    }
                }
                selection.push((index, formats));
            }
        }
    }
    selections
}
