//! `kaizen plugin`: list, check and run plugins, and the plugin author's tools (`new`,
//! `build`, `test`).

use kaizen::authoring::{harness, scaffold, toolchain};
use kaizen::plugin::registry::{load_plugin_dir, Plugin, RegistryError};
use kaizen::plugin::Runtime;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the plugins: id, version, number of checks, module SHA-256 (for pins) and source;
    /// with --verbose, one block per plugin with its protocol, module size, imports, checks
    /// and facts.
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
    /// Create a plugin crate: manifest, an example check, test fixtures, README.
    New {
        /// The plugin's id (lowercase letters, digits, `-`, `_`); also the crate's name.
        name: String,
        /// The folder to create [default: ./NAME].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Depend on the plugin SDK in this folder (e.g. a Kaizen checkout's plugins/sdk)
        /// instead of writing a copy of it into the crate.
        #[arg(long, value_name = "PATH")]
        sdk: Option<PathBuf>,
    },
    /// Build a plugin crate to its WebAssembly module with the installed toolchain
    /// (rustup's wasm32-wasip1 or Debian's wasm32-wasi) and copy it beside plugin.toml.
    Build {
        /// The plugin crate (holding Cargo.toml and plugin.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Use this toolchain rather than the first one found.
        #[arg(long, value_parser = ["debian", "rustup"])]
        toolchain: Option<String>,
        /// Arguments passed on to cargo build (after `--`), e.g. `-- --offline`.
        #[arg(last = true, value_name = "CARGO_ARGS")]
        cargo_args: Vec<String>,
    },
    /// Run a plugin on its fixture repositories (tests/fixtures/<case>/) and compare what it
    /// reports with each case's expected.toml; exits 1 when a case fails.
    Test {
        /// The plugin folder (plugin.toml and its module).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The fixtures folder [default: DIR/tests/fixtures].
        #[arg(long, value_name = "DIR")]
        fixtures: Option<PathBuf>,
        /// Only this case (repeatable).
        #[arg(long, value_name = "NAME")]
        case: Vec<String>,
        /// Write what the plugin reported as the expectation of every failing case (or one
        /// without expected.toml), after showing it.
        #[arg(long)]
        bless: bool,
        /// Cache folder for compiled modules; default: the user's cache folder, or
        /// $KAIZEN_CACHE_DIR.
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
    },
}

/// Runs a `plugin` subcommand; `verbose` is the global `--verbose` count.
pub fn run(command: Command, verbose: u8) -> anyhow::Result<ExitCode> {
    match command {
        Command::List { plugins } => list(&plugins, verbose > 0),
        Command::Check { path } => check(path),
        Command::Run { plugin, target, request_out } => run_one(&plugin, &target, request_out),
        Command::New { name, dir, sdk } => new(name, dir, sdk),
        Command::Build { dir, toolchain, cargo_args } => build(&dir, toolchain.as_deref(), &cargo_args),
        Command::Test { dir, fixtures, case, bless, cache } => test(&dir, fixtures, &case, bless, cache),
    }
}

fn list(dirs: &[PathBuf], verbose: bool) -> anyhow::Result<ExitCode> {
    let registry = kaizen::plugin::Registry::with_dirs(dirs)?;
    for note in registry.notes() {
        eprintln!("note: {note}");
    }
    if verbose {
        for (i, p) in registry.plugins().iter().enumerate() {
            if i > 0 {
                outln!()?;
            }
            out!("{}", describe(p))?;
        }
        return Ok(ExitCode::SUCCESS);
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
    outln!("{}", line(headers))?;
    for r in &rows {
        outln!("{}", line([&r[0], &r[1], &r[2], &r[3], &r[4]]))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn check(path: PathBuf) -> anyhow::Result<ExitCode> {
    let dir = plugin_dir(path);
    let plugin = match load_plugin_dir(&dir) {
        Ok(plugin) => plugin,
        // A manifest that does not load is a bad file, as for every other command (2); a
        // plugin that loads but cannot be used is a failed check (1).
        Err(RegistryError::Manifest(diagnostics)) => {
            eprintln!("{diagnostics}");
            return Ok(ExitCode::from(2));
        }
        Err(other) => return Err(other.into()),
    };
    let m = &plugin.manifest;
    let mut problems = Vec::new();
    let mut imports = None;
    if !m.api_supported() {
        problems.push(kaizen::plugin::manifest_api_mismatch(m).to_string());
    }
    match &plugin.wasm {
        Err(reason) => problems.push(format!("load: {reason}")),
        Ok(wasm) => {
            imports = kaizen::plugin::sandbox::imports(wasm).ok();
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
        outln!(
            "ok: plugin `{}` {} (protocol {}), {} checks, {} facts, module {} (sha256 {})",
            m.id,
            m.version,
            m.api,
            m.checks.len(),
            m.facts.len(),
            m.wasm,
            plugin.sha256
        )?;
        outln!("imports: {}", imports.as_deref().map(short_imports).unwrap_or_default())?;
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
    let target = kaizen::collect::Target::local(target)?;
    let request = kaizen::judge::request_for(&plugin, &target, &Default::default());
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
    let runtime = kaizen::plugin::Runtime::with_cache(None)?;
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
    outln!("{}", redact(&output.stdout))?;
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

/// One plugin in full, for `plugin list --verbose`.
fn describe(p: &Plugin) -> String {
    let m = &p.manifest;
    let api =
        if m.api_supported() { format!("{}", m.api) } else { format!("{} (not supported by this engine)", m.api) };
    let mut out = format!("{} {} ({})\n", m.id, m.version, m.name);
    out.push_str(&format!("  source:   {}\n", p.source));
    out.push_str(&format!("  protocol: {api}\n"));
    match &p.wasm {
        Ok(wasm) => {
            out.push_str(&format!("  module:   {} ({} bytes)\n", m.wasm, wasm.len()));
            out.push_str(&format!("  sha256:   {}\n", p.sha256));
            match kaizen::plugin::sandbox::imports(wasm) {
                Ok(imports) => out.push_str(&format!("  imports:  {}\n", short_imports(&imports))),
                Err(e) => out.push_str(&format!("  imports:  unreadable: {e}\n")),
            }
        }
        Err(reason) => out.push_str(&format!("  module:   {} ({reason})\n", m.wasm)),
    }
    let checks: Vec<&str> = m.checks.iter().map(|c| c.id.as_str()).collect();
    out.push_str(&format!("  checks:   {}\n", checks.join(", ")));
    let facts: Vec<&str> = m.facts.iter().map(|f| f.name.as_str()).collect();
    out.push_str(&format!("  facts:    {}\n", if facts.is_empty() { "(none)".into() } else { facts.join(", ") }));
    out
}

/// Imports grouped by module: `wasi_snapshot_preview1::{fd_read, fd_write}`.
fn short_imports(imports: &[String]) -> String {
    if imports.is_empty() {
        return "(none)".into();
    }
    let mut by_module: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for import in imports {
        let (module, name) = import.split_once("::").unwrap_or(("", import));
        by_module.entry(module).or_default().push(name);
    }
    by_module.iter().map(|(module, names)| format!("{module}::{{{}}}", names.join(", "))).collect::<Vec<_>>().join(" ")
}

fn new(name: String, dir: Option<PathBuf>, sdk: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
    let files = scaffold::create(&scaffold::NewPlugin { id: name.clone(), dir: dir.clone(), sdk })?;
    outln!("created plugin `{name}` in {}:", dir.display())?;
    let vendored = [
        (scaffold::VENDORED_SDK, "a copy of the plugin SDK"),
        (scaffold::VENDORED_EVIDENCE, "the evidence types the SDK reads"),
    ];
    for file in files.iter().filter(|f| !vendored.iter().any(|(dir, _)| f.starts_with(dir))) {
        outln!("  {}", file.display())?;
    }
    for (dir, what) in vendored {
        if files.iter().any(|f| f.starts_with(dir)) {
            outln!("  {dir}/ ({what})")?;
        }
    }
    outln!("next: cd {} && kaizen plugin build && kaizen plugin test", dir.display())?;
    Ok(ExitCode::SUCCESS)
}

fn build(dir: &Path, toolchain: Option<&str>, cargo_args: &[String]) -> anyhow::Result<ExitCode> {
    match toolchain::build(dir, toolchain, cargo_args) {
        Ok(built) => {
            outln!(
                "built {} with the {} toolchain ({}): {} bytes, sha256 {}",
                built.module.display(),
                built.toolchain.name,
                built.toolchain.target,
                built.size,
                built.sha256
            )?;
            Ok(ExitCode::SUCCESS)
        }
        // The plugin's own code did not build: a failed build, not a failure to run.
        Err(e @ (toolchain::BuildError::Cargo(..) | toolchain::BuildError::NoModule { .. })) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

fn test(
    dir: &Path,
    fixtures: Option<PathBuf>,
    only: &[String],
    bless: bool,
    cache: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let dir = plugin_dir(dir.to_path_buf());
    let plugin = match load_plugin_dir(&dir) {
        Ok(plugin) => plugin,
        Err(RegistryError::Manifest(diagnostics)) => anyhow::bail!("{diagnostics}"),
        Err(other) => return Err(other.into()),
    };
    if plugin.wasm.is_err() && dir.join("Cargo.toml").is_file() {
        anyhow::bail!(
            "{} has no module {} yet: run `kaizen plugin build {}` first",
            dir.display(),
            plugin.manifest.wasm,
            dir.display()
        );
    }
    let fixtures = fixtures.unwrap_or_else(|| dir.join("tests/fixtures"));
    let mut cases = harness::cases(&fixtures)?;
    if !only.is_empty() {
        for name in only {
            if !cases.iter().any(|c| &c.name == name) {
                anyhow::bail!("no case `{name}` in {}", fixtures.display());
            }
        }
        cases.retain(|c| only.contains(&c.name));
    }
    let cache_dir = cache.or_else(kaizen::default_cache_dir).map(|d| d.join("modules"));
    let runtime =
        Runtime::new(kaizen::plugin::RuntimeOptions { cache_dir, fixed_clock: Some(harness::FIXED_NOW as u64) })?;
    outln!("testing plugin `{}` on {} case(s) in {}", plugin.manifest.id, cases.len(), fixtures.display())?;
    let (mut passed, mut failed, mut blessed) = (0, 0, 0);
    for case in &cases {
        let expected = harness::Expected::load(case)?;
        let actual = harness::run(&plugin, &runtime, case)?;
        let mismatches = expected.as_ref().map(|e| harness::compare(e, &actual));
        let path = case.dir.join(harness::EXPECTED);
        match (&mismatches, bless) {
            (Some(m), _) if m.is_empty() => {
                passed += 1;
                outln!("ok    {}", case.name)?;
                continue;
            }
            (Some(m), _) => {
                outln!("FAIL  {} ({} difference{})", case.name, m.len(), if m.len() == 1 { "" } else { "s" })?;
                for mismatch in m {
                    outln!("{}", indent(&mismatch.to_string()))?;
                }
            }
            (None, _) => outln!("FAIL  {}: no {} (run with --bless to write one)", case.name, path.display())?,
        }
        for warning in &actual.warnings {
            outln!("      warning: {warning}")?;
        }
        if bless {
            let text = harness::render(&actual);
            outln!("      blessing: writing {}:", path.display())?;
            outln!("{}", indent(&text))?;
            kaizen::output::write_atomic(&path, text.as_bytes())?;
            blessed += 1;
        } else {
            failed += 1;
        }
    }
    let mut summary = format!("{passed} passed, {failed} failed");
    if blessed > 0 {
        summary.push_str(&format!(", {blessed} blessed"));
    }
    outln!("{summary}")?;
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn indent(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("      {l}") }).collect::<Vec<_>>().join("\n")
}
