//! Kaizen's end-to-end tests: one binary, one module per feature, fixtures in
//! `tests/<feature>/<case>/`. See tests/README.md for how to add a case.

mod support;

mod assess;
mod cli;
mod config;
mod evidence;
mod git;
mod observability;
mod remote;
mod resilience;
mod sandbox;
