//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! The file inventory of a local folder and the facts of its git history. Remote
//! repositories, pipeline runs and cloud inventories come with their own collectors.

pub mod git;
pub mod inventory;

pub use inventory::{Inventory, Skipped, WalkOptions, DEFAULT_MAX_FILE_SIZE};
