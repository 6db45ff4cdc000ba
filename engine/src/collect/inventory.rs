//! The file inventory of a target: one walk, shared by every plugin.

use crate::plugin::protocol::FileEntry;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Most files recorded per target; the rest are skipped with a note.
pub const MAX_FILES: usize = 1_000_000;

/// Every regular file of a target, with what was skipped and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Regular files, sorted by path (relative, `/`-separated).
    pub files: Vec<FileEntry>,
    /// What was not recorded, with the reason.
    pub skipped: Vec<Skipped>,
}

/// A path left out of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Path relative to the target (lossy for names that are not UTF-8).
    pub path: String,
    /// Why it was left out.
    pub reason: String,
}

impl Inventory {
    /// Walks `root` once: does not follow symbolic links (so nothing outside the target is
    /// read), skips `.git`, and records names that are not UTF-8 as skipped.
    pub fn walk(root: &Path) -> Inventory {
        let mut inventory = Inventory::default();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !(e.depth() > 0 && e.file_type().is_dir() && e.file_name() == ".git"));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path =
                        e.path().and_then(|p| p.strip_prefix(root).ok()).map(|p| p.to_string_lossy().into_owned());
                    inventory
                        .skipped
                        .push(Skipped { path: path.unwrap_or_default(), reason: format!("unreadable: {e}") });
                    continue;
                }
            };
            if entry.depth() == 0 || entry.file_type().is_dir() {
                continue;
            }
            let relative = entry.path().strip_prefix(root).expect("walkdir yields paths under its root");
            let Some(path) = relative.to_str().map(|p| p.replace(std::path::MAIN_SEPARATOR, "/")) else {
                inventory.skipped.push(Skipped {
                    path: relative.to_string_lossy().into_owned(),
                    reason: "file name is not valid UTF-8".into(),
                });
                continue;
            };
            if entry.file_type().is_symlink() {
                inventory.skipped.push(Skipped { path, reason: "symbolic link (not followed)".into() });
                continue;
            }
            if !entry.file_type().is_file() {
                inventory.skipped.push(Skipped { path, reason: "not a regular file".into() });
                continue;
            }
            if inventory.files.len() == MAX_FILES {
                inventory.skipped.push(Skipped { path, reason: format!("more than {MAX_FILES} files in the target") });
                continue;
            }
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            inventory.files.push(FileEntry { path, size });
        }
        inventory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_files_skips_git_and_does_not_follow_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git/objects")).unwrap();
        std::fs::write(root.join(".git/HEAD"), "ref").unwrap();
        std::fs::create_dir_all(root.join("src/nested")).unwrap();
        std::fs::write(root.join("src/nested/a.rs"), "fn a() {}").unwrap();
        std::fs::write(root.join("README.md"), "# x").unwrap();
        std::os::unix::fs::symlink("/etc", root.join("etc-link")).unwrap();
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        let inv = Inventory::walk(root);
        let paths: Vec<_> = inv.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["README.md", "src/nested/a.rs"]);
        assert_eq!(inv.files[1].size, 9);
        let skipped: Vec<_> = inv.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, ["etc-link", "loop"]);
    }
}
