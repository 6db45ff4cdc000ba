//! Calls `poll_oneoff` itself rather than through `std::thread::sleep`: first with a
//! subscription count that points far past its memory (must be refused with an errno, not
//! crash the host), then with one absolute real-time clock an hour ahead, which must be
//! stopped at the deadline as timeout.
use std::time::{SystemTime, UNIX_EPOCH};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn poll_oneoff(subscriptions: *const u8, events: *mut u8, count: usize, written: *mut usize) -> u16;
}

const CLOCK_REALTIME: u32 = 0;
const ABSTIME: u16 = 1;

fn main() {
    let mut subscription = [0u8; 48];
    let mut events = [0u8; 64];
    let mut written = 0usize;
    let errno = unsafe { poll_oneoff(subscription.as_ptr(), events.as_mut_ptr(), 0x1000_0000, &mut written) };
    eprintln!("sandbox_poll_oneoff: huge count refused with errno {}", errno);

    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let wake = (now.as_nanos() as u64).saturating_add(3600 * 1_000_000_000);
    subscription[0..8].copy_from_slice(&7u64.to_le_bytes());
    subscription[8] = 0; // clock
    subscription[16..20].copy_from_slice(&CLOCK_REALTIME.to_le_bytes());
    subscription[24..32].copy_from_slice(&wake.to_le_bytes());
    subscription[40..42].copy_from_slice(&ABSTIME.to_le_bytes());
    let errno = unsafe { poll_oneoff(subscription.as_ptr(), events.as_mut_ptr(), 1, &mut written) };
    println!("{{\"api\":1,\"findings\":[],\"facts\":{{}},\"woke\":{}}}", errno);
}
