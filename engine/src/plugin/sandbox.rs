//! The pieces of the sandbox that wasmtime-wasi does not provide as we need them: capped
//! output pipes that remember an overflow, a `poll_oneoff` that cannot sleep past the
//! deadline, a memory limiter that remembers a refusal, and the import allowlist.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasmtime::{Caller, Extern, ResourceLimiter};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError, StreamResult};

/// A stdout or stderr pipe with a byte cap. A write past the cap traps the guest at once and
/// leaves a mark, so the host classifies the failure as `output_limit` whatever the guest
/// does next (Rust's `println!` would otherwise turn the failed write into a panic).
#[derive(Clone, Debug)]
pub struct CappedPipe {
    buffer: Arc<Mutex<Vec<u8>>>,
    capacity: usize,
    overflowed: Arc<AtomicBool>,
}

impl CappedPipe {
    /// An empty pipe accepting up to `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        CappedPipe { buffer: Arc::default(), capacity, overflowed: Arc::default() }
    }

    /// Whether the guest tried to write past the cap.
    pub fn overflowed(&self) -> bool {
        self.overflowed.load(Ordering::SeqCst)
    }

    /// What the guest wrote (at most `capacity` bytes).
    pub fn contents(&self) -> Vec<u8> {
        self.buffer.lock().expect("pipe lock").clone()
    }

    fn accept(&self, bytes: &[u8]) -> Result<(), ()> {
        let mut buffer = self.buffer.lock().expect("pipe lock");
        if buffer.len() + bytes.len() > self.capacity {
            let room = self.capacity - buffer.len();
            buffer.extend_from_slice(&bytes[..room]);
            self.overflowed.store(true, Ordering::SeqCst);
            return Err(());
        }
        buffer.extend_from_slice(bytes);
        Ok(())
    }
}

/// The error a full pipe raises inside the guest's write.
#[derive(Debug)]
pub struct OutputLimitExceeded;

impl std::fmt::Display for OutputLimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("output limit exceeded")
    }
}

impl std::error::Error for OutputLimitExceeded {}

#[wasmtime_wasi::async_trait]
impl Pollable for CappedPipe {
    async fn ready(&mut self) {}
}

impl OutputStream for CappedPipe {
    fn write(&mut self, bytes: bytes::Bytes) -> StreamResult<()> {
        self.accept(&bytes).map_err(|()| StreamError::Trap(OutputLimitExceeded.into()))
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        // Always offer room, so an over-long write reaches `write` and trips the cap there.
        Ok(64 * 1024)
    }
}

impl tokio::io::AsyncWrite for CappedPipe {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(match self.accept(buf) {
            Ok(()) => Ok(buf.len()),
            Err(()) => Err(std::io::Error::other(OutputLimitExceeded)),
        })
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

impl IsTerminal for CappedPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CappedPipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

/// A memory limiter that refuses growth past a cap and remembers that it did, so a guest
/// that then aborts is reported as `memory`, not as a generic trap.
#[derive(Debug)]
pub struct MemoryCap {
    /// The cap in bytes.
    pub max_bytes: usize,
    /// Set when a growth was refused.
    pub refused: bool,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.refused = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        4
    }

    fn memories(&self) -> usize {
        1
    }
}

/// The error a sleep past the deadline raises: the guest is stopped as a `timeout`.
#[derive(Debug)]
pub struct DeadlineExceeded;

impl std::fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("deadline exceeded while sleeping in poll_oneoff")
    }
}

impl std::error::Error for DeadlineExceeded {}

const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;
const EVENTTYPE_CLOCK: u8 = 0;
const CLOCK_REALTIME: u32 = 0;
const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1;

/// What `poll_oneoff` needs from the store.
pub trait Deadline {
    /// When the invocation must end.
    fn deadline(&self) -> Instant;
    /// When the guest's monotonic clock read zero.
    fn started(&self) -> Instant;
}

/// `poll_oneoff` for WASI preview 1 that never blocks past the invocation's deadline.
///
/// Epoch interruption cannot stop a guest blocked inside a host call, so the default
/// implementation would let `sleep(1 hour)` outlast any deadline. This one serves the
/// only subscriptions a sandboxed plugin can have: clocks (it sleeps until the earliest,
/// or traps with [`DeadlineExceeded`] at the deadline) and the always-ready stdio pipes
/// (reported ready at once).
pub fn poll_oneoff<T: Deadline>(
    mut caller: Caller<'_, T>,
    subscriptions: i32,
    events: i32,
    count: i32,
    events_written: i32,
) -> wasmtime::Result<i32> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return Ok(ERRNO_FAULT);
    };
    if count <= 0 {
        return Ok(ERRNO_INVAL);
    }
    let (subscriptions, events, count, events_written) =
        (subscriptions as u32 as usize, events as u32 as usize, count as u32 as usize, events_written as u32 as usize);
    let data = memory.data(&caller);
    let Some(subs) = data.get(subscriptions..subscriptions.saturating_add(count.saturating_mul(SUBSCRIPTION_SIZE)))
    else {
        return Ok(ERRNO_FAULT);
    };
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"));

    let now = Instant::now();
    let mut ready_fds = Vec::new();
    let mut earliest: Option<(Duration, u64)> = None;
    for sub in subs.chunks_exact(SUBSCRIPTION_SIZE) {
        let userdata = u64_at(sub, 0);
        match sub[8] {
            EVENTTYPE_CLOCK => {
                let clock = u32_at(sub, 16);
                let timeout = u64_at(sub, 24);
                let flags = u16::from_le_bytes([sub[40], sub[41]]);
                let wait = if flags & SUBSCRIPTION_CLOCK_ABSTIME == 0 {
                    Duration::from_nanos(timeout)
                } else if clock == CLOCK_REALTIME {
                    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
                    Duration::from_nanos(timeout).saturating_sub(wall)
                } else {
                    let elapsed = now.duration_since(caller.data().started());
                    Duration::from_nanos(timeout).saturating_sub(elapsed)
                };
                if earliest.is_none_or(|(w, _)| wait < w) {
                    earliest = Some((wait, userdata));
                }
            }
            kind @ (1 | 2) => ready_fds.push((userdata, kind)),
            _ => return Ok(ERRNO_INVAL),
        }
    }

    // Ready pipes answer at once; only a poll on clocks alone sleeps.
    let mut out = ready_fds;
    if let (true, Some((wait, userdata))) = (out.is_empty(), earliest) {
        let remaining = caller.data().deadline().saturating_duration_since(now);
        if wait >= remaining {
            std::thread::sleep(remaining);
            return Err(DeadlineExceeded.into());
        }
        std::thread::sleep(wait);
        out.push((userdata, EVENTTYPE_CLOCK));
    }

    let data = memory.data_mut(&mut caller);
    let end = events.saturating_add(out.len() * EVENT_SIZE);
    if end > data.len() || events_written.saturating_add(4) > data.len() {
        return Ok(ERRNO_FAULT);
    }
    for (i, (userdata, kind)) in out.iter().enumerate() {
        let event = &mut data[events + i * EVENT_SIZE..events + (i + 1) * EVENT_SIZE];
        event.fill(0);
        event[0..8].copy_from_slice(&userdata.to_le_bytes());
        event[10] = *kind;
    }
    data[events_written..events_written + 4].copy_from_slice(&(out.len() as u32).to_le_bytes());
    Ok(ERRNO_SUCCESS)
}

/// Every function of WASI preview 1. A module importing anything else is refused before it
/// is compiled.
pub const WASI_P1_FUNCTIONS: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

/// The WASI module name of preview 1.
pub const WASI_P1_MODULE: &str = "wasi_snapshot_preview1";

/// The functions a module imports, as `module::name`, in the module's order.
pub fn imports(wasm: &[u8]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ImportSection(reader) =
            payload.map_err(|e| format!("not a valid WebAssembly module: {e}"))?
        {
            for import in reader.into_imports() {
                let import = import.map_err(|e| format!("unreadable import section: {e}"))?;
                out.push(format!("{}::{}", import.module, import.name));
            }
        }
    }
    Ok(out)
}

/// Validates a module and checks its imports against the allowlist, before compiling it.
/// Returns the problem in one sentence.
pub fn check_module(wasm: &[u8]) -> Result<(), String> {
    let mut validator = wasmparser::Validator::new();
    validator.validate_all(wasm).map_err(|e| format!("not a valid WebAssembly module: {e}"))?;
    let mut refused = Vec::new();
    let mut has_start = false;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| format!("not a valid WebAssembly module: {e}"))? {
            wasmparser::Payload::Version { encoding: wasmparser::Encoding::Component, .. } => {
                return Err("is a component; Kaizen plugins are WASI preview 1 command modules".into());
            }
            wasmparser::Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| format!("unreadable import section: {e}"))?;
                    if import.module != WASI_P1_MODULE || !WASI_P1_FUNCTIONS.contains(&import.name) {
                        refused.push(format!("{}::{}", import.module, import.name));
                    }
                }
            }
            wasmparser::Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| format!("unreadable export section: {e}"))?;
                    if export.name == "_start" && export.kind == wasmparser::ExternalKind::Func {
                        has_start = true;
                    }
                }
            }
            _ => {}
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "imports functions outside WASI preview 1, which the sandbox does not provide: {}",
            refused.join(", ")
        ));
    }
    if !has_start {
        return Err("exports no `_start` function: build it as a WASI command (a binary crate), not a library".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_keeps_what_fits_and_marks_the_overflow() {
        let pipe = CappedPipe::new(4);
        assert!(pipe.accept(b"ab").is_ok());
        assert!(pipe.accept(b"cde").is_err());
        assert_eq!(pipe.contents(), b"abcd");
        assert!(pipe.overflowed());
    }

    #[test]
    fn modules_are_checked_before_compiling() {
        assert!(check_module(b"not wasm").unwrap_err().contains("not a valid"));
        let empty = b"\0asm\x01\0\0\0";
        assert!(check_module(empty).unwrap_err().contains("_start"));
        let env_import = wat::parse_str(r#"(module (import "env" "system" (func)) (func (export "_start")))"#).unwrap();
        assert!(check_module(&env_import).unwrap_err().contains("env::system"));
        let good = wat::parse_str(
            r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
                (memory (export "memory") 1) (func (export "_start")))"#,
        )
        .unwrap();
        assert_eq!(check_module(&good), Ok(()));
    }
}
