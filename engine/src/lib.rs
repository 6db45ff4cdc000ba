//! Kaizen: a DevOps maturity assessment engine.
//!
//! A host that loads sandboxed WebAssembly plugins to judge evidence about repositories,
//! pipelines and cloud accounts, scores what they find against a maturity model, and
//! reports it with a roadmap. An assessment goes one way through typed stages, each value
//! built once by its stage and handed on:
//!
//! ```text
//! Arguments + kaizen.toml ─ settings ─▶ Settings
//!   ─ collect ─▶ Target, Evidence      (typed: git facts, pipeline runs, cloud inventory)
//!   ─ judge ───▶ Judged                (plugins, sandboxed: findings, facts, errors)
//!   ─ score ───▶ Assessment            (practices, areas, DORA, the organisation)
//!   ─ roadmap ─▶ Roadmap
//!   ─ result ──▶ AssessmentResult      (composed once; written by report, kept by history)
//! ```
//!
//! - [`settings`]: the command line over the assessment file ([`config`]) over the
//!   defaults, decided once.
//! - [`run`]: the plan of `kaizen assess`, stage after stage; it reports [`run::Event`]s
//!   and returns the outcome.
//! - [`collect`]: targets, clones, pipeline runs, AWS inventories, then each target's
//!   [`collect::Evidence`]. Knows nothing of plugins.
//! - [`judge`]: selection of each plugin's files, parsing ([`parse`]), requests, runs in the
//!   sandbox ([`plugin`]), and the [`judge::Judged`] records.
//! - [`score`] and [`roadmap`]: pure functions of the judged targets and the [`model`].
//! - [`result`]: the schema of `result.json`, composed from the stages' values;
//!   [`report`], [`history`] and [`shard`] work from it.
//! - [`branding`]: a report's logo and accent colour, from the assessment file into the
//!   result, whose reports draw them.
//! - [`diag`]: problems in user files, with stable codes per family.
//! - [`authoring`]: `kaizen plugin new`, `build` and `test`, on top of the judge stage.
//!
//! JSON appears only at the plugin protocol and in the result file. The library never
//! prints; the `kaizen` binary parses arguments, calls [`run::assess`], prints, and picks
//! the exit code. See the book's "Architecture" page for the picture with every module.
#![deny(missing_docs)]

pub mod authoring;
pub mod branding;
pub mod catalogue;
pub mod ci;
pub mod collect;
pub mod config;
pub mod diag;
pub mod history;
pub mod interview;
pub mod judge;
pub mod model;
pub mod output;
pub mod parse;
pub mod plugin;
pub mod report;
pub mod result;
pub mod roadmap;
pub mod run;
pub mod score;
pub mod settings;
pub mod shard;

/// The default cache folder: `$KAIZEN_CACHE_DIR`, else the user's cache folder + `kaizen`.
pub fn default_cache_dir() -> Option<std::path::PathBuf> {
    match std::env::var_os("KAIZEN_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(dir.into()),
        _ => dirs::cache_dir().map(|d| d.join("kaizen")),
    }
}
