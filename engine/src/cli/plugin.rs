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
    /// Run one plugin on one target and print its raw response (stdout) and its stderr,
    /// or write the request it would receive, to debug it with any WASI runtime.
    Run {
        /// A plugin folder, its plugin.toml or its module (with plugin.toml beside it), or
        /// the id of a built-in plugin.
        plugin: String,
        /// The folder to run it on.
        #[arg(long, value_name = "DIR", default_value = ".")]
        target: String,
        /// Write the request to FILE instead of running the plugin.
        #[arg(long, value_name = "FILE")]
        request_out: Option<PathBuf>,
    },
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::List { plugins } => list(&plugins),
        Command::Check { path } => check(path),
        Command::Run { plugin, target, request_out } => run_one(&plugin, &target, request_out),
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
    let dir = plugin_dir(path);
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

fn run_one(spec: &str, target: &str, request_out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let path = PathBuf::from(spec);
    let plugin = if path.exists() {
        let dir =
            if path.is_dir() { path } else { path.parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".")) };
        match load_plugin_dir(&dir) {
            Ok(plugin) => plugin,
            Err(RegistryError::Manifest(diagnostics)) => anyhow::bail!("{diagnostics}"),
            Err(other) => return Err(other.into()),
        }
    } else {
        let registry = kaizen::plugin::Registry::builtin()?;
        match registry.get(spec) {
            Some(plugin) => plugin.clone(),
            None => anyhow::bail!("`{spec}` is neither a plugin folder or file nor the id of a built-in plugin"),
        }
    };
    let target = kaizen::assess::Target::local(target)?;
    let request = kaizen::assess::request_for(&plugin, &target, &Default::default());
    if let Some(out) = request_out {
        kaizen::output::write_atomic(&out, &request)?;
        eprintln!(
            "wrote the request of `{}` for {} to {}; run it with: wasmtime run --dir {}::/repo {} < {}",
            plugin.manifest.id,
            target.root.display(),
            out.display(),
            target.root.display(),
            plugin.manifest.wasm,
            out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let m = &plugin.manifest;
    if !m.api_supported() {
        anyhow::bail!("{}", kaizen::plugin::manifest_api_mismatch(m));
    }
    let wasm = plugin.wasm.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
    let runtime = super::runtime(None)?;
    let compiled = runtime.compile(wasm)?;
    let output = match runtime.invoke(&compiled, &request, &target.root, &m.limits) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("{}", e.stderr);
            eprintln!("plugin `{}` failed ({}): {}", m.id, e.kind, e.message);
            return Ok(ExitCode::from(1));
        }
    };
    // The response as the plugin wrote it, but for secrets: those are redacted here as
    // everywhere else Kaizen writes.
    let redact = |bytes: &[u8]| kaizen_secrets::redact(&String::from_utf8_lossy(bytes));
    println!("{}", redact(&output.stdout));
    eprint!("{}", redact(&output.stderr));
    match kaizen::plugin::read_response(m, &output.stdout, &output.stderr) {
        Ok(judgement) => {
            eprintln!("ok: {} findings, {} facts", judgement.findings.len(), judgement.facts.len());
            for warning in &judgement.warnings {
                eprintln!("warning: {warning}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("plugin `{}` failed ({}): {}", m.id, e.kind, e.message);
            Ok(ExitCode::from(1))
        }
    }
}

/// The plugin folder a path names: the folder itself, or the folder of a file in it
/// (`plugin.toml` or the module).
fn plugin_dir(path: PathBuf) -> PathBuf {
    if !path.is_file() {
        return path;
    }
    path.parent().filter(|p| !p.as_os_str().is_empty()).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
}
