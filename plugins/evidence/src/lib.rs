//! The evidence Kaizen's host hands its plugins, as types shared by both sides.
//!
//! The engine builds these values and serialises them into a plugin's request; the plugin
//! SDK reads them back with the same types, so a field renamed on one side is a compile
//! error on the other, not evidence that silently goes missing. The crate builds with Rust
//! 1.63 (the plugins' toolchain) and with current stable (the engine's).
//!
//! - [`roles`]: what each file of a repository is to it (its own, an example, a fixture…).
//! - [`positions`]: the line of every key and item of a parsed document.
//! - [`ci`]: the repository's CI definitions as the host understood them: pipelines, jobs,
//!   steps, the commands they run as argument vectors, and the tools those are.
#![deny(missing_docs)]

pub mod ci;
pub mod positions;
pub mod roles;
