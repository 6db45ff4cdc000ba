//! Kaizen: a DevOps maturity assessment engine.
//!
//! A host that loads sandboxed WebAssembly plugins to judge evidence about repositories,
//! then reports what they found. The modules follow the data flow of
//! `ARCHITECTURE.md`: [`collect`] evidence, [`parse`] structured files, judge with
//! [`plugin`]s, and [`report`] the [`result`]. [`assess`] ties them together. The library
//! never prints; the `kaizen` binary does.
#![deny(missing_docs)]

pub mod assess;
pub mod catalogue;
pub mod ci;
pub mod collect;
pub mod config;
pub mod diag;
pub mod history;
pub mod interview;
pub mod model;
pub mod output;
pub mod parse;
pub mod plugin;
pub mod report;
pub mod result;
pub mod roadmap;
pub mod score;
pub mod shard;

/// The default cache folder: `$KAIZEN_CACHE_DIR`, else the user's cache folder + `kaizen`.
pub fn default_cache_dir() -> Option<std::path::PathBuf> {
    match std::env::var_os("KAIZEN_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(dir.into()),
        _ => dirs::cache_dir().map(|d| d.join("kaizen")),
    }
}
