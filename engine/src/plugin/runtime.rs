//! The WebAssembly runtime: one engine per process, each module compiled once (with an
//! on-disk cache of native code) and pre-linked, a fresh sandboxed store per invocation.

use super::sandbox::{self, CappedPipe, DeadlineExceeded, MemoryCap};
use super::{ErrorKind, Limits, PluginError};
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::{Config, Engine, InstancePre, Linker, Module, Store, Trap};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, HostMonotonicClock, HostWallClock, I32Exit, WasiCtxBuilder};

/// How often the engine-wide epoch advances; deadlines are counted in these ticks.
const TICK: Duration = Duration::from_millis(5);

/// Options for the runtime.
#[derive(Debug, Clone, Default)]
pub struct RuntimeOptions {
    /// Folder for compiled native code, keyed by module hash and engine compatibility.
    /// `None` compiles every module in every process.
    pub cache_dir: Option<PathBuf>,
    /// A fixed wall clock for guests (seconds since the Unix epoch), for reproducible tests.
    pub fixed_clock: Option<u64>,
}

/// The host side of every plugin invocation.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    options: RuntimeOptions,
    ticker_stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").field("options", &self.options).finish_non_exhaustive()
    }
}

/// A module compiled and linked, ready to run many times.
#[derive(Clone)]
pub struct Compiled {
    pre: InstancePre<HostState>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled").finish_non_exhaustive()
    }
}

/// What a plugin wrote, when it ran to a successful exit.
#[derive(Debug, Clone)]
pub struct RawOutput {
    /// Its stdout.
    pub stdout: Vec<u8>,
    /// Its stderr.
    pub stderr: Vec<u8>,
}

struct HostState {
    wasi: WasiP1Ctx,
    memory: MemoryCap,
    deadline: Instant,
    started: Instant,
}

impl sandbox::Deadline for HostState {
    fn deadline(&self) -> Instant {
        self.deadline
    }
    fn started(&self) -> Instant {
        self.started
    }
}

/// The guest's monotonic clock: time since its store was made.
struct SinceStart(Instant);

impl HostMonotonicClock for SinceStart {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
}

/// A wall clock stuck at one instant.
struct FixedWallClock(Duration);

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }
    fn now(&self) -> Duration {
        self.0
    }
}

impl Runtime {
    /// A runtime caching compiled modules below `cache` (else the default cache folder,
    /// [`crate::default_cache_dir`]), with the real clock.
    pub fn with_cache(cache: Option<std::path::PathBuf>) -> anyhow::Result<Runtime> {
        let cache_dir = cache.or_else(crate::default_cache_dir).map(|d| d.join("modules"));
        Runtime::new(RuntimeOptions { cache_dir, fixed_clock: None })
    }

    /// Creates the engine, the linker and the epoch ticker.
    pub fn new(options: RuntimeOptions) -> anyhow::Result<Runtime> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        // Plugins are small; a modest reservation lets many instances run side by side.
        config.memory_reservation(1 << 30);
        config.max_wasm_stack(1 << 20);
        let engine = Engine::new(&config)?;

        let mut linker: Linker<HostState> = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |state: &mut HostState| &mut state.wasi)?;
        linker.allow_shadowing(true);
        linker.func_wrap(sandbox::WASI_P1_MODULE, "poll_oneoff", sandbox::poll_oneoff::<HostState>)?;

        let ticker_stop = Arc::new(AtomicBool::new(false));
        let (ticking, stop) = (engine.clone(), ticker_stop.clone());
        std::thread::Builder::new().name("kaizen-epoch".into()).spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(TICK);
                ticking.increment_epoch();
            }
        })?;
        Ok(Runtime { engine, linker, options, ticker_stop })
    }

    /// Checks, compiles (or loads from the cache) and links a module.
    pub fn compile(&self, wasm: &[u8]) -> Result<Compiled, PluginError> {
        sandbox::check_module(wasm).map_err(|m| PluginError::new(ErrorKind::Load, m))?;
        let module = self.compile_cached(wasm).map_err(|e| PluginError::new(ErrorKind::Load, format!("{e:#}")))?;
        let pre = self
            .linker
            .instantiate_pre(&module)
            .map_err(|e| PluginError::new(ErrorKind::Load, format!("cannot link: {e:#}")))?;
        Ok(Compiled { pre })
    }

    fn compile_cached(&self, wasm: &[u8]) -> wasmtime::Result<Module> {
        let Some(dir) = &self.options.cache_dir else {
            return Module::new(&self.engine, wasm);
        };
        let mut compat = std::collections::hash_map::DefaultHasher::new();
        self.engine.precompile_compatibility_hash().hash(&mut compat);
        env!("CARGO_PKG_VERSION").hash(&mut compat);
        let key = format!("{:x}-{:016x}.cwasm", Sha256::digest(wasm), compat.finish());
        let path = dir.join(key);
        if path.is_file() {
            if let Ok(module) = load_cached(&self.engine, &path) {
                return Ok(module);
            }
        }
        let module = Module::new(&self.engine, wasm)?;
        // A cache that cannot be written is only slower, never wrong.
        if let Ok(bytes) = module.serialize() {
            let _ = std::fs::create_dir_all(dir).and_then(|()| {
                let tmp = tempfile::NamedTempFile::new_in(dir)?;
                std::fs::write(tmp.path(), &bytes)?;
                tmp.persist(&path).map(|_| ()).map_err(|e| e.error)
            });
        }
        Ok(module)
    }

    /// Runs a compiled plugin once: `request` on stdin, `repo` mounted read-only at `/repo`.
    pub fn invoke(
        &self,
        compiled: &Compiled,
        request: &[u8],
        repo: &Path,
        limits: &Limits,
    ) -> Result<RawOutput, PluginError> {
        let stdout = CappedPipe::new(limits.stdout_bytes as usize);
        let stderr = CappedPipe::new(limits.stderr_bytes as usize);
        let started = Instant::now();
        let mut builder = WasiCtxBuilder::new();
        builder
            .stdin(MemoryInputPipe::new(request.to_vec()))
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_blocking_current_thread(true)
            .monotonic_clock(SinceStart(started));
        if let Some(seconds) = self.options.fixed_clock {
            builder.wall_clock(FixedWallClock(Duration::from_secs(seconds)));
        }
        builder
            .preopened_dir(repo, super::protocol::GUEST_ROOT, FsPerms::ReadOnly)
            .map_err(|e| PluginError::new(ErrorKind::Load, format!("cannot mount {}: {e:#}", repo.display())))?;
        let state = HostState {
            wasi: builder.build_p1(),
            memory: MemoryCap { max_bytes: limits.memory_bytes as usize, refused: false },
            deadline: started + limits.timeout,
            started,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.memory);
        store.set_epoch_deadline((limits.timeout.as_nanos() / TICK.as_nanos()).max(1) as u64 + 1);
        store.epoch_deadline_trap();

        let outcome = compiled.pre.instantiate(&mut store).and_then(|instance| {
            let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
            start.call(&mut store, ())
        });
        let output = RawOutput { stdout: stdout.contents(), stderr: stderr.contents() };
        let fail = |kind, message| Err(PluginError { kind, message, stderr: stderr_tail(&output.stderr) });
        // A full pipe decides the kind, whatever the guest did after its write failed.
        if stdout.overflowed() || stderr.overflowed() {
            let (which, cap) =
                if stdout.overflowed() { ("stdout", limits.stdout_bytes) } else { ("stderr", limits.stderr_bytes) };
            return fail(ErrorKind::OutputLimit, format!("wrote more than {cap} bytes to {which}"));
        }
        let error = match outcome {
            Ok(()) => return Ok(output),
            Err(error) => error,
        };
        let memory_refused = store.data().memory.refused;
        let mib = limits.memory_bytes >> 20;
        if let Some(exit) = error.downcast_ref::<I32Exit>() {
            return match exit.0 {
                0 => Ok(output),
                code if memory_refused => {
                    fail(ErrorKind::Memory, format!("exceeded its {mib} MiB memory limit (then exited {code})"))
                }
                code => fail(ErrorKind::Exit, format!("exited with code {code}")),
            };
        }
        if error.downcast_ref::<DeadlineExceeded>().is_some() || error.downcast_ref::<Trap>() == Some(&Trap::Interrupt)
        {
            let (limit, elapsed) = (limits.timeout.as_millis(), started.elapsed().as_millis());
            return fail(ErrorKind::Timeout, format!("did not finish within {limit} ms (stopped after {elapsed} ms)"));
        }
        if memory_refused {
            return fail(ErrorKind::Memory, format!("exceeded its {mib} MiB memory limit"));
        }
        fail(ErrorKind::Trap, format!("trapped: {}", root_message(&error)))
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

#[allow(unsafe_code)]
fn load_cached(engine: &Engine, path: &Path) -> wasmtime::Result<Module> {
    // SAFETY: `deserialize_file` trusts its input to be native code wasmtime produced. The
    // cache folder is written only by this process (`compile_cached`), under a name keyed by
    // the module's SHA-256 and this engine's compatibility hash, and wasmtime itself checks
    // the header's engine and version before using the code.
    unsafe { Module::deserialize_file(engine, path) }
}

fn root_message(error: &wasmtime::Error) -> String {
    if let Some(trap) = error.downcast_ref::<Trap>() {
        return trap.to_string();
    }
    error.root_cause().to_string()
}

/// The last lines of a plugin's stderr, for error reports: at most 2 KiB, valid UTF-8,
/// secrets redacted (before the cut, so that no secret is cut into an unrecognisable tail).
pub fn stderr_tail(stderr: &[u8]) -> String {
    const TAIL: usize = 2048;
    let text = kaizen_secrets::redact(&String::from_utf8_lossy(stderr));
    let text = text.trim_end();
    if text.len() <= TAIL {
        return text.to_owned();
    }
    let mut start = text.len() - TAIL;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &text[start..])
}
