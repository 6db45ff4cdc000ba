//! Spins in host calls: opens and reads a file of the repository again and again, so most
//! of its time is spent inside the host. The deadline must still stop it as timeout.
use std::sync::atomic::{AtomicU64, Ordering};

static READS: AtomicU64 = AtomicU64::new(0);

fn main() {
    loop {
        let bytes = std::fs::read("/repo/README.md").map(|b| b.len()).unwrap_or(0);
        let n = READS.fetch_add(1 + bytes as u64 % 2, Ordering::Relaxed);
        if n % 100_000 == 0 {
            eprintln!("sandbox_spin_read: {} reads", n);
        }
    }
}
