//! `kaizen plugin list` and `kaizen plugin check`.

use kaizen::plugin::registry::{load_plugin_dir, RegistryError};
use kaizen::plugin::Runtime;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the plugins: id, version, number of checks, module SHA-256 (for pins) and source.
    List {
        /// Also load plugins from this folder (repeatable).
        #[arg(long = "plugins", value_name = "DIR")]
        plugins: Vec<PathBuf>,
    },
    /// Check a plugin folder: its manifest, its module's imports and exports, its protocol version.
    Check {
        /// The plugin folder (holding plugin.toml) or the plugin.toml itself.
        path: PathBuf,
    },
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::List { plugins } => list(&plugins),
        Command::Check { path } => check(path),
    }
}

fn list(dirs: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let registry = super::registry(dirs)?;
    for note in registry.notes() {
        eprintln!("note: {note}");
    }
    let rows: Vec<[String; 5]> = registry
        .plugins()
        .iter()
        .map(|p| {
            let m = &p.manifest;
            [m.id.clone(), m.version.clone(), m.checks.len().to_string(), p.sha256.clone(), p.source.to_string()]
        })
        .collect();
    let headers = ["ID", "VERSION", "CHECKS", "SHA256", "SOURCE"];
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([headers[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: [&str; 5]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == 4 {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:w$}  ", w = widths[i]));
            }
        }
        out
    };
    println!("{}", line(headers));
    for r in &rows {
        println!("{}", line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    Ok(ExitCode::SUCCESS)
}

fn check(path: PathBuf) -> anyhow::Result<ExitCode> {
    let dir = if path.file_name().is_some_and(|n| n == "plugin.toml") {
        path.parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
    } else {
        path
    };
    let plugin = match load_plugin_dir(&dir) {
        Ok(plugin) => plugin,
        Err(RegistryError::Manifest(diagnostics)) => {
            eprintln!("{diagnostics}");
            return Ok(ExitCode::from(1));
        }
        Err(other) => return Err(other.into()),
    };
    let m = &plugin.manifest;
    let mut problems = Vec::new();
    if !m.api_supported() {
        problems.push(kaizen::plugin::manifest_api_mismatch(m).to_string());
    }
    match &plugin.wasm {
        Err(reason) => problems.push(format!("load: {reason}")),
        Ok(wasm) => {
            let runtime = Runtime::new(Default::default())?;
            if let Err(e) = runtime.compile(wasm) {
                problems.push(e.to_string());
            }
        }
    }
    if m.checks.is_empty() {
        problems.push("declares no checks, so it can report no findings".into());
    }
    if problems.is_empty() {
        println!(
            "ok: plugin `{}` {} (protocol {}), {} checks, {} facts, module {} (sha256 {})",
            m.id,
            m.version,
            m.api,
            m.checks.len(),
            m.facts.len(),
            m.wasm,
            plugin.sha256
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &problems {
            eprintln!("{}: error: {p}", dir.join("plugin.toml").display());
        }
        Ok(ExitCode::from(1))
    }
}
