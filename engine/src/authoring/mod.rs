//! Tools for plugin authors: a scaffold for a new plugin crate ([`scaffold`]), building a
//! crate to its module with whichever WebAssembly toolchain is installed ([`toolchain`]),
//! and a test harness that runs a plugin on fixture repositories through the same code as
//! `kaizen assess` and compares what it reports with `expected.toml` ([`harness`]).

pub mod harness;
pub mod scaffold;
pub mod toolchain;
