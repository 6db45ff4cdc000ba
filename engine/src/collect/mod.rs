//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! The file inventory of a local folder, the facts of its git history, and the runs of
//! its pipelines. Remote repositories and cloud inventories come with their own collectors.

pub mod git;
pub mod inventory;
pub mod pipelines;

pub use inventory::{Inventory, Skipped, WalkOptions, DEFAULT_MAX_FILE_SIZE};
