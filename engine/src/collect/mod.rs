//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! The file inventory of a local folder, the facts of its git history, and the inventory of
//! an AWS account ([`aws`], collected separately by `kaizen collect aws`). Remote
//! repositories and pipeline runs come with their own collectors.

pub mod aws;
pub mod git;
pub mod inventory;

pub use inventory::{Inventory, Skipped, WalkOptions, DEFAULT_MAX_FILE_SIZE};
