//! Collecting evidence about targets. Runs in the host, before any plugin.
//!
//! The targets as given ([`Target`]), remote repositories brought into the cache, the runs
//! of their pipelines, the inventory of an AWS account ([`aws`], collected separately by
//! `kaizen collect aws`); then, for each target, its [`Evidence`]: the file inventory and
//! the facts of its git history. Everything here is typed; nothing here knows about
//! plugins, which judge the evidence next ([`crate::judge`]).

pub mod aws;
mod evidence;
mod file;
pub mod forge;
pub mod git;
pub mod inventory;
pub mod pipelines;
pub mod remote;
pub mod roles;
mod target;

pub use evidence::{Collected, Evidence, EvidenceOptions};
pub use file::FileEntry;
pub use inventory::{Inventory, Skipped, WalkOptions, DEFAULT_MAX_FILE_SIZE};
pub use target::{Target, TargetError};
