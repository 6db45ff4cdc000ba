//! A file of a target's inventory.

/// A regular file of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the target root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
}
