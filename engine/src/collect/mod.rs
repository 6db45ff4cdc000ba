//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! The file inventory of a folder, the facts of its git history, and remote repositories
//! brought into the cache. Pipeline runs and cloud inventories come with their own collectors.

pub mod git;
pub mod inventory;
pub mod remote;

pub use inventory::{Inventory, Skipped, WalkOptions, DEFAULT_MAX_FILE_SIZE};
