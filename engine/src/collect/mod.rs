//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! For now: the file inventory of a local folder. Git history, remote repositories,
//! pipeline runs and cloud inventories come with their own collectors.

pub mod inventory;

pub use inventory::{Inventory, Skipped, WalkOptions};
