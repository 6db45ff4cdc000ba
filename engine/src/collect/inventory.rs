//! The file inventory of a target: one walk, shared by every plugin.

use super::file::FileEntry;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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

/// A path left out of the inventory. Its path and reason are redacted
/// ([`kaizen_secrets::redact`]): a file name can hold a secret, and this goes into results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Skipped {
    /// Path relative to the target (lossy for names that are not UTF-8).
    pub path: String,
    /// Why it was left out.
    pub reason: String,
}

/// How to walk a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkOptions {
    /// Leave out what the target's own `.gitignore` files (and `.git/info/exclude`) ignore:
    /// build output and dependencies are not evidence of practice, and walking them is slow.
    pub respect_gitignore: bool,
    /// Files larger than this are left out (recorded as skipped): plugins never see them
    /// and the host never reads them.
    pub max_file_size: u64,
}

/// The default size cap of files handed to plugins: 10 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions { respect_gitignore: true, max_file_size: DEFAULT_MAX_FILE_SIZE }
    }
}

impl Inventory {
    /// Walks `root` once: does not follow symbolic links (so nothing outside the target is
    /// read), skips `.git`, honours the target's ignore files unless told not to, and
    /// records names that are not UTF-8 as skipped.
    pub fn walk(root: &Path, options: WalkOptions) -> Inventory {
        Inventory::walk_except(root, options, &[])
    }

    /// Walks `root` as [`Inventory::walk`] does, leaving out the folders `except` (paths
    /// relative to `root`) entirely, tracked or not: Kaizen's own output, history and cache
    /// folders when they lie inside the target, which are never evidence of its practice.
    pub fn walk_except(root: &Path, options: WalkOptions, except: &[PathBuf]) -> Inventory {
        let mut inventory = Inventory::default();
        // The filter must own what it reads: the walker may outlive this call's borrows.
        let (walk_root, walk_except) = (root.to_path_buf(), except.to_vec());
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .parents(false)
            .ignore(false)
            .git_global(false)
            .git_ignore(options.respect_gitignore)
            .git_exclude(options.respect_gitignore)
            .require_git(false)
            .follow_links(false)
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                let git = e.file_name() == ".git";
                let excepted = || e.path().strip_prefix(&walk_root).is_ok_and(|r| walk_except.iter().any(|x| x == r));
                !(e.depth() > 0 && is_dir && (git || excepted()))
            })
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    inventory.skipped.push(Skipped::new(error_path(&e, root), format!("unreadable: {e}")));
                    continue;
                }
            };
            let Some(file_type) = entry.file_type() else { continue };
            if entry.depth() == 0 || file_type.is_dir() {
                continue;
            }
            let relative = entry.path().strip_prefix(root).expect("the walk yields paths under its root");
            let Some(path) = relative.to_str().map(|p| p.replace(std::path::MAIN_SEPARATOR, "/")) else {
                inventory
                    .skipped
                    .push(Skipped::new(relative.to_string_lossy().into_owned(), "file name is not valid UTF-8".into()));
                continue;
            };
            if file_type.is_symlink() {
                inventory.skipped.push(Skipped::new(path, "symbolic link (not followed)".into()));
                continue;
            }
            if !file_type.is_file() {
                inventory.skipped.push(Skipped::new(path, "not a regular file".into()));
                continue;
            }
            if inventory.files.len() == MAX_FILES {
                inventory.skipped.push(Skipped::new(path, format!("more than {MAX_FILES} files in the target")));
                continue;
            }
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if size > options.max_file_size {
                inventory.skipped.push(Skipped::new(
                    path,
                    format!("{size} bytes, above the {}-byte size cap", options.max_file_size),
                ));
                continue;
            }
            inventory.files.push(FileEntry { path, size, role: Default::default() });
        }
        if options.respect_gitignore {
            inventory.add_tracked(root, options, except);
        }
        inventory
    }

    /// Adds the files git tracks that an ignore rule hides from the walk (`test-*` in
    /// `.gitignore` does not untrack `.github/workflows/test-e2e.yml`): ignore rules only
    /// keep untracked files out of a repository, so they must not keep tracked ones out of
    /// its assessment.
    fn add_tracked(&mut self, root: &Path, options: WalkOptions, except: &[PathBuf]) {
        let Ok(repository) = git2::Repository::open(root) else { return };
        if repository.workdir().and_then(|w| std::fs::canonicalize(w).ok()) != std::fs::canonicalize(root).ok() {
            return;
        }
        let Ok(index) = repository.index() else { return };
        let known: std::collections::HashSet<String> =
            self.files.iter().map(|f| f.path.clone()).chain(self.skipped.iter().map(|s| s.path.clone())).collect();
        let mut added = Vec::new();
        let mut too_large = Vec::new();
        for entry in index.iter() {
            // Regular files only (not symbolic links, submodules).
            if entry.mode & 0o170000 != 0o100000 {
                continue;
            }
            let Ok(path) = std::str::from_utf8(&entry.path) else { continue };
            if known.contains(path)
                || path.split('/').any(|s| s == ".git")
                || except.iter().any(|x| Path::new(path).starts_with(x))
            {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(root.join(path)) else { continue };
            if !meta.is_file() {
                continue;
            }
            if meta.len() > options.max_file_size {
                too_large.push(Skipped::new(
                    path.to_owned(),
                    format!("{} bytes, above the {}-byte size cap", meta.len(), options.max_file_size),
                ));
                continue;
            }
            added.push(FileEntry { path: path.to_owned(), size: meta.len(), role: Default::default() });
        }
        self.skipped.extend(too_large);
        if !added.is_empty() {
            self.files.extend(added);
            self.files.sort_by(|a, b| a.path.cmp(&b.path));
            self.files.truncate(MAX_FILES);
        }
    }
}

impl Skipped {
    fn new(path: String, reason: String) -> Skipped {
        Skipped { path: kaizen_secrets::redact(&path), reason: kaizen_secrets::redact(&reason) }
    }
}

fn error_path(error: &ignore::Error, root: &Path) -> String {
    match error {
        ignore::Error::WithPath { path, .. } => path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned(),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err, root),
        ignore::Error::Loop { child, .. } => child.strip_prefix(root).unwrap_or(child).to_string_lossy().into_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(inv: &Inventory) -> Vec<&str> {
        inv.files.iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn walks_files_skips_git_and_does_not_follow_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git/objects")).unwrap();
        std::fs::write(root.join(".git/HEAD"), "ref").unwrap();
        std::fs::create_dir_all(root.join("src/nested")).unwrap();
        std::fs::write(root.join("src/nested/a.rs"), "fn a() {}").unwrap();
        std::fs::write(root.join("README.md"), "# x").unwrap();
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::write(root.join(".github/workflows/ci.yml"), "jobs: {}").unwrap();
        std::os::unix::fs::symlink("/etc", root.join("etc-link")).unwrap();
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        let inv = Inventory::walk(root, WalkOptions::default());
        assert_eq!(paths(&inv), [".github/workflows/ci.yml", "README.md", "src/nested/a.rs"]);
        assert_eq!(inv.files[2].size, 9);
        let skipped: Vec<_> = inv.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, ["etc-link", "loop"]);
    }

    #[test]
    fn gitignored_paths_are_left_out_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "/target/\n*.log\n").unwrap();
        std::fs::create_dir_all(root.join("target/debug")).unwrap();
        std::fs::write(root.join("target/debug/app"), "bin").unwrap();
        std::fs::write(root.join("build.log"), "log").unwrap();
        std::fs::write(root.join("Dockerfile"), "FROM scratch").unwrap();
        let inv = Inventory::walk(root, WalkOptions::default());
        assert_eq!(paths(&inv), [".gitignore", "Dockerfile"]);
        let all = Inventory::walk(root, WalkOptions { respect_gitignore: false, ..WalkOptions::default() });
        assert_eq!(paths(&all), [".gitignore", "Dockerfile", "build.log", "target/debug/app"]);
    }

    #[test]
    fn tracked_files_are_kept_whatever_the_ignore_rules_say() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .current_dir(root)
                .args(args)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        git(&["init", "-q"]);
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::write(root.join(".github/workflows/test-e2e.yml"), "jobs: {}\n").unwrap();
        std::fs::write(root.join(".gitignore"), "test-*\nbuild.log\n").unwrap();
        std::fs::write(root.join("build.log"), "log").unwrap();
        git(&["add", "-f", ".gitignore", ".github/workflows/test-e2e.yml"]);
        std::fs::write(root.join("test-output"), "untracked and ignored").unwrap();
        let inv = Inventory::walk(root, WalkOptions::default());
        assert_eq!(paths(&inv), [".github/workflows/test-e2e.yml", ".gitignore"]);

        // Kaizen's own folders stay out, even committed.
        std::fs::create_dir_all(root.join("reports/latest")).unwrap();
        std::fs::write(root.join("reports/latest/result.json"), "{}").unwrap();
        std::fs::write(root.join("reports/notes.md"), "kept").unwrap();
        git(&["add", "-f", "reports"]);
        let inv = Inventory::walk_except(root, WalkOptions::default(), &[PathBuf::from("reports/latest")]);
        assert_eq!(paths(&inv), [".github/workflows/test-e2e.yml", ".gitignore", "reports/notes.md"]);
    }

    #[test]
    fn files_over_the_size_cap_are_skipped_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = std::fs::File::create(dir.path().join("huge.bin")).unwrap();
        big.set_len(2 << 30).unwrap(); // a 2 GiB sparse file
        std::fs::write(dir.path().join("small.txt"), "x").unwrap();
        let inv = Inventory::walk(dir.path(), WalkOptions { max_file_size: 1 << 20, ..WalkOptions::default() });
        assert_eq!(paths(&inv), ["small.txt"]);
        assert_eq!(inv.skipped[0].path, "huge.bin");
        assert!(inv.skipped[0].reason.contains("2147483648 bytes"), "{:?}", inv.skipped);
    }
}
