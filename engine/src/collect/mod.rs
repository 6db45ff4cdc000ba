//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! The file inventory of a folder, the facts of its git history, remote repositories
//! brought into the cache, the runs of its pipelines, and the inventory of an AWS account
//! ([`aws`], collected separately by `kaizen collect aws`).

pub mod aws;
pub mod git;
pub mod inventory;
pub mod pipelines;
pub mod remote;
pub mod roles;

pub use inventory::{Inventory, Skipped, WalkOptions, DEFAULT_MAX_FILE_SIZE};
