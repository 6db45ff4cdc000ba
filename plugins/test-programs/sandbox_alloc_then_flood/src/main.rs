//! Allocates just under its 64 MiB memory cap (60 MiB, filled so every page is touched),
//! then writes all of it to stdout as its "response": the output cap, 1 MiB, must stop it
//! as output_limit, not the memory cap, and the host must not copy the 60 MiB.
use std::io::Write;

fn main() {
    let mut held = vec![b'x'; 60 << 20];
    held[0] = b'"';
    eprintln!("sandbox_alloc_then_flood: holding {} MiB", held.len() >> 20);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&held).unwrap();
    out.flush().unwrap();
}
