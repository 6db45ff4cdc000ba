//! `kaizen plugin build`: builds a plugin crate with whichever WebAssembly toolchain is
//! installed and copies the module beside its `plugin.toml`.
//!
//! The toolchain logic is `scripts/wasm-cargo.sh`, embedded here and run with `bash`, the
//! same file `scripts/build-plugins.sh` runs for the built-in plugins: one place knows the
//! toolchains (Debian's Rust 1.63 with `wasm32-wasi`, rustup's `wasm32-wasip1`), their
//! environment and what to tell a user who has neither.

use crate::plugin::Manifest;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The shared toolchain script.
pub const WASM_CARGO_SH: &str = include_str!("../../../scripts/wasm-cargo.sh");

/// A toolchain that builds plugins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    /// `debian` or `rustup`.
    pub name: String,
    /// Its target triple: `wasm32-wasi` or `wasm32-wasip1`.
    pub target: String,
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// The toolchain used.
    pub toolchain: Toolchain,
    /// The module, copied beside `plugin.toml`.
    pub module: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex: what an assessment file pins.
    pub sha256: String,
}

/// Why a plugin could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No toolchain is installed; the message says what to install.
    #[error("{0}")]
    NoToolchain(String),
    /// `bash` could not be started.
    #[error("cannot run bash (needed to run the toolchain script): {0}")]
    NoBash(std::io::Error),
    /// The folder holds no readable, valid `plugin.toml` or no `Cargo.toml`.
    #[error("{0}")]
    NotAPlugin(String),
    /// Cargo failed (its output went to stderr).
    #[error("cargo build failed with the {0} toolchain (exit code {1:?}); its errors are above")]
    Cargo(String, Option<i32>),
    /// The build did not produce the module the manifest names.
    #[error(
        "the build produced no {path}: plugin.toml's `wasm = \"{wasm}\"` must be the name of one of the crate's binaries plus .wasm"
    )]
    NoModule {
        /// The file looked for.
        path: PathBuf,
        /// The manifest's `wasm`.
        wasm: String,
    },
    /// Copying the module failed.
    #[error("cannot copy the module to {path}: {source}")]
    Copy {
        /// The destination.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs the toolchain script with `args`.
fn script(args: &[&str]) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(WASM_CARGO_SH).arg("wasm-cargo.sh").args(args);
    cmd
}

/// The installed toolchain (`preferred` if given), or what to install.
pub fn detect(preferred: Option<&str>) -> Result<Toolchain, BuildError> {
    let mut args = Vec::new();
    if let Some(name) = preferred {
        args.extend(["--toolchain", name]);
    }
    args.push("--detect");
    let out = script(&args).stdin(Stdio::null()).output().map_err(BuildError::NoBash)?;
    let text = String::from_utf8_lossy(&out.stdout);
    match (out.status.success(), text.split_whitespace().collect::<Vec<_>>().as_slice()) {
        (true, [name, target]) => Ok(Toolchain { name: (*name).to_owned(), target: (*target).to_owned() }),
        _ => {
            let message = String::from_utf8_lossy(&out.stderr);
            let message = message.trim_end();
            Err(BuildError::NoToolchain(message.strip_prefix("error: ").unwrap_or(message).to_owned()))
        }
    }
}

/// Builds the crate in `dir` (holding `Cargo.toml` and `plugin.toml`) in release mode and
/// copies the module to `dir/<wasm>`. Cargo's output goes to this process's stderr;
/// `cargo_args` are passed on (`--offline`, `--locked`, …).
pub fn build(dir: &Path, preferred: Option<&str>, cargo_args: &[String]) -> Result<Built, BuildError> {
    let manifest_path = dir.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| BuildError::NotAPlugin(format!("cannot read {}: {e}", manifest_path.display())))?;
    let manifest = Manifest::parse(&manifest_path, &text).map_err(|d| BuildError::NotAPlugin(d.to_string()))?;
    if !dir.join("Cargo.toml").is_file() {
        return Err(BuildError::NotAPlugin(format!(
            "{} holds no Cargo.toml: `kaizen plugin build` builds a Rust plugin crate (see `kaizen plugin new`)",
            dir.display()
        )));
    }
    let toolchain = detect(preferred)?;
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let remap = format!("{}=/plugin", dir.display());
    let mut args = vec!["--toolchain", toolchain.name.as_str(), "--remap", remap.as_str(), "--", "build", "--release"];
    args.extend(cargo_args.iter().map(String::as_str));
    let status = script(&args).current_dir(&dir).stdout(Stdio::inherit()).status().map_err(BuildError::NoBash)?;
    if !status.success() {
        return Err(BuildError::Cargo(toolchain.name, status.code()));
    }
    let built = built_module(&dir, &toolchain.target, &manifest.wasm);
    let bytes =
        std::fs::read(&built).map_err(|_| BuildError::NoModule { path: built.clone(), wasm: manifest.wasm.clone() })?;
    let module = dir.join(&manifest.wasm);
    crate::output::write_atomic(&module, &bytes).map_err(|source| BuildError::Copy { path: module.clone(), source })?;
    Ok(Built { toolchain, module, size: bytes.len() as u64, sha256: crate::plugin::registry::sha256_hex(&bytes) })
}

/// Where cargo put the module: under `$CARGO_TARGET_DIR`, else the `target/` of the crate or,
/// for a member of an enclosing workspace, of the nearest folder above that has the module.
fn built_module(dir: &Path, target: &str, wasm: &str) -> PathBuf {
    let under = |target_dir: &Path| target_dir.join(target).join("release").join(wasm);
    if let Some(target_dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        return under(&if target_dir.is_relative() { dir.join(target_dir) } else { target_dir });
    }
    dir.ancestors()
        .map(|d| under(&d.join("target")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| under(&dir.join("target")))
}
