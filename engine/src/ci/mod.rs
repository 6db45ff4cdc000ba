//! The repository's CI definitions as the host understands them, for every plugin that
//! declares `ci = true` (see [`kaizen_evidence::ci`]).

pub mod shell;
