//! Kaizen's end-to-end tests: one binary, one module per feature, fixtures in
//! `tests/<feature>/<case>/`. See tests/README.md for how to add a case.

mod support;

mod assertions;
mod assess;
mod authoring;
mod bad_input;
mod book;
mod cli;
#[cfg(feature = "aws")]
mod collect_aws;
mod config;
mod delivery;
mod evidence;
mod fuzz_regressions;
mod git;
mod history;
mod hostile_repos;
mod iac;
mod integrations;
mod interview;
mod models;
mod observability;
mod organisations;
mod pipelines;
mod print;
mod remote;
mod reports;
mod resilience;
mod sandbox;
mod schema;
mod scoring;
mod secrets;
mod security;
mod shard;
#[cfg(feature = "aws")]
mod systems;
mod xlsx;
