//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! The file inventory of a folder, the facts of its git history, remote repositories
//! brought into the cache, and the runs of its pipelines. Cloud inventories come with their
//! own collector.

pub mod git;
pub mod inventory;
pub mod pipelines;
pub mod remote;

pub use inventory::{Inventory, Skipped, WalkOptions, DEFAULT_MAX_FILE_SIZE};
