//! A file of a target's inventory.

use super::roles::Role;

/// A regular file of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the target root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// What it is to the repository ([`super::roles`]): the walk leaves every file `own`;
    /// [`super::Evidence::collect`] gives each its role.
    pub role: Role,
}
