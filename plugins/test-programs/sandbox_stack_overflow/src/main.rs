//! Recurses without end, with a frame that must live across each call (so the optimiser
//! cannot turn it into a loop), until the stack overflows: a trap, not a host crash.
use std::sync::atomic::{AtomicU64, Ordering};

static DEEPEST: AtomicU64 = AtomicU64::new(0);

#[inline(never)]
#[allow(unconditional_recursion)] // on purpose: it ends in a stack overflow
fn recurse(depth: u64) -> u64 {
    DEEPEST.store(depth, Ordering::Relaxed);
    let frame = [depth as u8; 64];
    let below = recurse(depth + 1);
    u64::from(frame[(below % 64) as usize]) ^ below
}

fn main() {
    eprintln!("sandbox_stack_overflow: recursing");
    let r = recurse(0);
    println!("{{\"api\":1,\"findings\":[],\"facts\":{{}},\"unreachable\":{}}}", r);
}
