//! The evidence Kaizen's host hands its plugins, as types shared by both sides.
//!
//! The engine builds these values and serialises them into a plugin's request; the plugin
//! SDK reads them back with the same types, so a field renamed on one side is a compile
//! error on the other, not evidence that silently goes missing. The crate builds with Rust
//! 1.63 (the plugins' toolchain) and with current stable (the engine's).
//!
//! - [`git`]: what a repository's history says (the request's `git` field).
//! - [`runs`]: the runs of a target's pipelines (the request's `pipelines` field).
//! - [`cloud`]: an AWS account's inventory (the request's `cloud` field).
//! - [`roles`]: what each file of a repository is to it (its own, an example, a fixture…).
//! - [`positions`]: the line of every key and item of a parsed document.
//! - [`ci`]: the repository's CI definitions as the host understood them: pipelines, jobs,
//!   steps, the commands they run as argument vectors, and the tools those are.
//!
//! The JSON shape of each is part of plugin protocol version 1: fields may be added, but a
//! field renamed or removed takes a new protocol version.
#![deny(missing_docs)]

pub mod ci;
pub mod cloud;
pub mod git;
pub mod positions;
pub mod roles;
pub mod runs;
